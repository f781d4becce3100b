/*
 * cmd-export: write every sealed submission the office has not yet
 * acknowledged into one signed batch file in DIR (the USB stick), after
 * applying any acknowledgement found there. Prints the batch's path.
 * Never reads or prints plaintext: export handles ciphertext only.
 *
 * Two hidden modes exist for the tests and benchmarks, refused unless
 * KIOSK_TEST=1 is in the environment: --test-submit N commits N
 * synthetic submissions through outbox_submit (form --test-form ID, or
 * selftest; --test-size N adds an answer of N bytes, --test-answer S one
 * of S, --test-date D sets the date; printing "committed SEQ"
 * after each durable commit; --test-timing adds the mean time spent in
 * outbox_submit on stderr, or with --to the time of each export phase),
 * and --test-tamper rewrites a batch signed
 * by this kiosk (swap, drop or corrupt a record) for the negative corpus.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "outbox.h"
#include "outbox-test.h"
#include "record.h"
#include "util.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* timing: print the mean time of outbox_submit alone, for bench_seal. */
struct test_opts {
	const char	*form;		/* --test-form */
	long		 size;		/* --test-size */
	const char	*date;		/* --test-date */
	const char	*answer;	/* --test-answer */
};

static int
test_submit(struct outbox *ob, long count, int timing,
    const struct test_opts *to)
{
	const char *form = to->form;
	long size = to->size;
	struct outbox_meta m;
	struct record *r;
	char date[11], claim[32], num[32], *cause = NULL;
	uint64_t seq;
	double t, spent = 0;
	char *big = NULL;
	long i;

	if (size > 0) {
		big = xmalloc((size_t)size + 1);
		/* KIOSK_TEST_CTRL=1: control bytes, the worst case for JSON. */
		memset(big, getenv("KIOSK_TEST_CTRL") != NULL ? 1 : 'x',
		    (size_t)size);
		big[size] = '\0';
	}

	today_ymd(date);
	if (to->date != NULL)
		snprintf(date, sizeof date, "%s", to->date);
	for (i = 0; i < count; i++) {
		snprintf(claim, sizeof claim, "TEST-%04ld-%04ld",
		    (long)getpid() % 10000, i % 10000);
		snprintf(num, sizeof num, "%ld", i);
		memset(&m, 0, sizeof m);
		m.date = date;
		m.form_id = form != NULL ? form : "selftest";
		m.form_version = "1";
		m.lang = "en";
		m.claim = claim;
		m.assisted_by = (int)(i % 3);
		r = record_new();
		record_add(r, "n", num, 1);
		record_add(r, "note", "synthetic, with a comma", 1);
		record_add(r, "skipped", "", 0);
		record_add(r, "formula", "=1+1", 1);
		if (big != NULL)
			record_add(r, "big", big, 1);
		if (to->answer != NULL)
			record_add(r, "answer", to->answer, 1);
		t = now_us();
		if (outbox_submit(ob, &m, r, &seq, &cause) != 0) {
			record_free(r);
			cmd_error("%s", cause);
			free(cause);
			free(big);
			return 1;
		}
		spent += now_us() - t;
		record_free(r);
		printf("committed %llu\n", (unsigned long long)seq);
		fflush(stdout);
	}
	if (timing && count > 0)
		fprintf(stderr, "outbox_submit %.1f us\n", spent / count);
	free(big);
	return 0;
}

static int
cmd_export_exec(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "to", required_argument, NULL, 't' },
		{ "passphrase-file", required_argument, NULL, 'f' },
		{ "test-submit", required_argument, NULL, 's' },
		{ "test-nosync", no_argument, NULL, 'n' },
		{ "test-timing", no_argument, NULL, 'm' },
		{ "test-form", required_argument, NULL, 'F' },
		{ "test-size", required_argument, NULL, 'S' },
		{ "test-date", required_argument, NULL, 'D' },
		{ "test-answer", required_argument, NULL, 'A' },
		{ "test-tamper", required_argument, NULL, 'T' },
		{ "swap", required_argument, NULL, 'w' },
		{ "drop", required_argument, NULL, 'd' },
		{ "corrupt", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 }
	};
	struct config *cfg = NULL;
	struct outbox *ob = NULL;
	char *cpath = NULL, *to = NULL, *tamper = NULL, *path = NULL;
	char *pfile = NULL;
	char *cause = NULL;
	long submit = -1, count, ti = -1, tj = -3;
	struct test_opts topt = { NULL, 0, NULL, NULL };
	int c, rc = 1, nosync = 0, timing = 0, testing;

	testing = getenv("KIOSK_TEST") != NULL &&
	    strcmp(getenv("KIOSK_TEST"), "1") == 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cpath = optarg; break;
		case 't': to = optarg; break;
		case 'f': pfile = optarg; break;
		case 's': submit = strtol(optarg, NULL, 10); break;
		case 'n': nosync = 1; break;
		case 'm': timing = 1; break;
		case 'F': topt.form = optarg; break;
		case 'S': topt.size = strtol(optarg, NULL, 10); break;
		case 'D': topt.date = optarg; break;
		case 'A': topt.answer = optarg; break;
		case 'T': tamper = optarg; break;
		case 'w':
			ti = strtol(optarg, NULL, 10);
			if (optind >= argc)
				return cmd_usage(e, "--swap I J");
			tj = strtol(argv[optind++], NULL, 10);
			break;
		case 'd': ti = strtol(optarg, NULL, 10); tj = -1; break;
		case 'x': ti = strtol(optarg, NULL, 10); tj = -2; break;
		default: return cmd_usage(e, "unknown option");
		}
	}
	if ((submit >= 0 || tamper != NULL || nosync || timing ||
	    topt.form != NULL || topt.size != 0 || topt.date != NULL ||
	    topt.answer != NULL) && !testing)
		return cmd_usage(e, "unknown option");
	if (submit < 0 && tamper == NULL && to == NULL)
		return cmd_usage(e, "--to DIR is required");
	if (tamper != NULL && (optind + 1 != argc || tj == -3))
		return cmd_usage(e, "--test-tamper IN OUT and one of --swap, "
		    "--drop, --corrupt");
	if (tamper == NULL && optind != argc)
		return cmd_usage(e, "unexpected argument \"%s\"", argv[optind]);
	if ((cfg = cmd_load_config(cpath)) == NULL)
		return 1;
	if ((ob = outbox_open_flags(cfg, nosync ? OUTBOX_NOSYNC : 0,
	    &cause)) == NULL) {
		cmd_error("%s", cause);
		goto out;
	}
	if (submit >= 0) {
		rc = test_submit(ob, submit, timing, &topt);
		goto out;
	}
	if (tamper != NULL) {
		if (outbox_tamper(ob, tamper, argv[optind], ti, tj,
		    &cause) != 0)
			cmd_error("%s", cause);
		else
			rc = 0;
		goto out;
	}
	if (outbox_locked(ob)) {
		char *pass;
		int wrong, bad;

		if ((pass = cmd_passphrase(pfile, "Passphrase of the kiosk's "
		    "signing key: ", 0)) == NULL)
			goto out;
		bad = outbox_unlock(ob, pass, &wrong, &cause);
		freezero_str(pass);
		if (bad != 0) {
			cmd_error("export failed, nothing was marked exported: "
			    "%s", cause);
			goto out;
		}
	}
	if (outbox_export(ob, to, &path, &count, &cause) != 0) {
		cmd_error("export failed, nothing was marked exported: %s",
		    cause);
		goto out;
	}
	if (outbox_last_ack_deleted(ob) == -2)
		fprintf(stderr, "kiosk: NOTE: the acknowledgement on the stick "
		    "is older than one this kiosk already applied; it deletes "
		    "nothing. Bring the newest one from the office (kiosk open "
		    "writes it as NAME.ack).\n");
	if (outbox_last_ack_deleted(ob) >= 0)
		fprintf(stderr, "kiosk: applied the office's acknowledgement: "
		    "%ld sealed submissions deleted\n",
		    outbox_last_ack_deleted(ob));
	if (timing && path != NULL) {
		const double *ph = outbox_export_phases(ob);

		fprintf(stderr, "export phases: prepare %.0f ms, write %.0f "
		    "ms, head+fsync+rename %.0f ms, read-back %.0f ms, mark %.0f "
		    "ms\n", ph[0], ph[1], ph[2], ph[3], ph[4]);
	}
	{
		const uint64_t *dseq;
		size_t nd = outbox_last_damaged(ob, &dseq), k;

		for (k = 0; k < nd; k++)
			fprintf(stderr, "kiosk: DAMAGED: submission %llu is "
			    "damaged on this kiosk's disk (its sealed bytes "
			    "no longer match their hash); it went out as it "
			    "is and the office will report it lost. The "
			    "others are not affected. See README, \"A "
			    "damaged submission\".\n",
			    (unsigned long long)dseq[k]);
	}
	if (path == NULL)
		fprintf(stderr, "kiosk: no submissions are waiting; no batch "
		    "written\n");
	else {
		fprintf(stderr, "kiosk: %ld sealed submissions in the batch\n",
		    count);
		printf("%s\n", path);
	}
	rc = 0;
out:
	if (ob != NULL)
		outbox_lock(ob);
	free(path);
	free(cause);
	outbox_close(ob);
	config_free(cfg);
	return rc;
}

const struct cmd_entry cmd_export_entry = {
	"export",
	"export --config FILE --to DIR [--passphrase-file F]",
	"Write the sealed submissions into one signed batch file in DIR.",
	"Writes every sealed submission the office has not yet acknowledged "
	"into one batch file, DIR/NAME-N.kib, signed with the kiosk's key, "
	"and prints its path. The file is written to a temporary name, "
	"flushed, renamed, and read back and verified before anything is "
	"marked exported; if any step fails (a full or removed stick) the "
	"kiosk says so and keeps every submission for the next export.\n\n"
	"If DIR holds an acknowledgement from the office (NAME.ack), it is "
	"verified against office.pub first and the submissions it covers "
	"are deleted from the kiosk. Batches are cumulative: each holds "
	"everything not yet acknowledged, so a lost stick loses nothing. "
	"No passphrase is needed, unless the kiosk's signing key was "
	"protected with `kiosk identity --protect`: then it is read from "
	"--passphrase-file F (its first line) or asked on the terminal, and "
	"the key is forgotten again after the export.",
	cmd_export_exec
};
