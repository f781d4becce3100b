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
		t = now_ms();
		if (outbox_submit(ob, &m, r, &seq, &cause) != 0) {
			record_free(r);
			cmd_error("%s", cause);
			free(cause);
			free(big);
			return 1;
		}
		spent += (now_ms() - t) * 1e3;
		record_free(r);
		printf("committed %llu\n", (unsigned long long)seq);
		fflush(stdout);
	}
	if (timing && count > 0)
		fprintf(stderr, "outbox_submit %.1f us\n", spent / count);
	free(big);
	return 0;
}

static const struct cmd_option cmd_export_options[] = {
	{ "config", 1, 0, "the config file" },
	{ "to", 1, 0, "the folder (the USB stick) for the batch" },
	{ "passphrase-file", 1, 0, "the signing key's passphrase, if it is "
	    "protected" },
	/* Tests and benchmarks only, refused without KIOSK_TEST=1. */
	{ "test-submit", 1, 0, "commit N synthetic submissions" },
	{ "test-nosync", 0, 0, "commit without fsync" },
	{ "test-timing", 0, 0, "print the time spent" },
	{ "test-form", 1, 0, "the synthetic submissions' form id" },
	{ "test-size", 1, 0, "add an answer of N bytes" },
	{ "test-date", 1, 0, "the synthetic submissions' date" },
	{ "test-answer", 1, 0, "add this answer" },
	{ "test-tamper", 1, 0, "rewrite batch IN as OUT, with one of:" },
	{ "swap", 2, 0, "swap records I and J" },
	{ "drop", 1, 0, "drop record I" },
	{ "corrupt", 1, 0, "corrupt record I" },
	{ NULL, 0, 0, NULL }
};

/* The command line of export, parsed. */
struct export_opts {
	const char		*cpath, *to, *pfile;
	long			 submit;	/* --test-submit, or -1 */
	int			 nosync, timing;
	struct test_opts	 topt;
	const char		*tamper, *tamper_out;
	long			 ti, tj;	/* tj: -1 drop, -2 corrupt */
};

/* --swap I J, --drop I, --corrupt I: the last one given counts. */
static int
export_tamper_args(const struct cmd_entry *e, const struct cmd_args *a,
    struct export_opts *o)
{
	const struct cmd_arg *arg;
	int i;

	for (i = 0; i < a->n; i++) {
		arg = &a->list[i];
		if (strcmp(arg->opt->name, "swap") == 0) {
			o->ti = strtol(arg->value, NULL, 10);
			if (arg->value2 == NULL)
				return cmd_usage(e, "--swap I J");
			o->tj = strtol(arg->value2, NULL, 10);
		} else if (strcmp(arg->opt->name, "drop") == 0) {
			o->ti = strtol(arg->value, NULL, 10);
			o->tj = -1;
		} else if (strcmp(arg->opt->name, "corrupt") == 0) {
			o->ti = strtol(arg->value, NULL, 10);
			o->tj = -2;
		}
	}
	return 0;
}

/* Parse and check the command line: 0, or the usage error's status. */
static int
export_args(const struct cmd_entry *e, int argc, char **argv,
    struct export_opts *o)
{
	struct cmd_args a;
	const char *v;
	int rc, testing;

	testing = getenv("KIOSK_TEST") != NULL &&
	    strcmp(getenv("KIOSK_TEST"), "1") == 0;
	memset(o, 0, sizeof *o);
	o->submit = -1;
	o->ti = -1;
	o->tj = -3;
	if ((rc = cmd_parse(e, argc, argv, &a)) != 0)
		return rc;
	o->cpath = cmd_args_get(&a, "config");
	o->to = cmd_args_get(&a, "to");
	o->pfile = cmd_args_get(&a, "passphrase-file");
	if ((v = cmd_args_get(&a, "test-submit")) != NULL)
		o->submit = strtol(v, NULL, 10);
	o->nosync = cmd_args_has(&a, "test-nosync");
	o->timing = cmd_args_has(&a, "test-timing");
	o->topt.form = cmd_args_get(&a, "test-form");
	if ((v = cmd_args_get(&a, "test-size")) != NULL)
		o->topt.size = strtol(v, NULL, 10);
	o->topt.date = cmd_args_get(&a, "test-date");
	o->topt.answer = cmd_args_get(&a, "test-answer");
	o->tamper = cmd_args_get(&a, "test-tamper");
	o->tamper_out = a.argc > 0 ? a.argv[0] : NULL;
	if ((rc = export_tamper_args(e, &a, o)) != 0)
		;
	else if ((o->submit >= 0 || o->tamper != NULL || o->nosync ||
	    o->timing || o->topt.form != NULL || o->topt.size != 0 ||
	    o->topt.date != NULL || o->topt.answer != NULL) && !testing)
		rc = cmd_usage(e, "unknown option");
	else if (o->submit < 0 && o->tamper == NULL && o->to == NULL)
		rc = cmd_usage(e, "--to DIR is required");
	else if (o->tamper != NULL && (a.argc != 1 || o->tj == -3))
		rc = cmd_usage(e, "--test-tamper IN OUT and one of --swap, "
		    "--drop, --corrupt");
	else if (o->tamper == NULL && a.argc != 0)
		rc = cmd_usage(e, "unexpected argument \"%s\"", a.argv[0]);
	cmd_args_free(&a);
	return rc;
}

/* A protected signing key: ask for its passphrase and unlock it. */
static int
export_unlock(struct outbox *ob, const char *pfile)
{
	char *pass, *cause = NULL;
	int wrong, bad;

	if ((pass = cmd_passphrase(pfile, "Passphrase of the kiosk's "
	    "signing key: ", 0)) == NULL)
		return -1;
	bad = outbox_unlock(ob, pass, &wrong, &cause);
	freezero_str(pass);
	if (bad != 0) {
		cmd_error("export failed, nothing was marked exported: %s",
		    cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* What an export did, for the staff at the command line. */
static void
export_report(struct outbox *ob, const char *path, long count, int timing)
{
	const uint64_t *dseq;
	const double *ph;
	size_t nd, k;

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
		ph = outbox_export_phases(ob);
		fprintf(stderr, "export phases: prepare %.0f ms, write %.0f "
		    "ms, head+fsync+rename %.0f ms, read-back %.0f ms, mark %.0f "
		    "ms\n", ph[0], ph[1], ph[2], ph[3], ph[4]);
	}
	nd = outbox_last_damaged(ob, &dseq);
	for (k = 0; k < nd; k++)
		fprintf(stderr, "kiosk: DAMAGED: submission %llu is "
		    "damaged on this kiosk's disk (its sealed bytes "
		    "no longer match their hash); it went out as it "
		    "is and the office will report it lost. The "
		    "others are not affected. See README, \"A "
		    "damaged submission\".\n", (unsigned long long)dseq[k]);
	if (path == NULL)
		fprintf(stderr, "kiosk: no submissions are waiting; no batch "
		    "written\n");
	else {
		fprintf(stderr, "kiosk: %ld sealed submissions in the batch\n",
		    count);
		printf("%s\n", path);
	}
}

static int
cmd_export_exec(const struct cmd_entry *e, int argc, char **argv)
{
	struct export_opts o;
	struct config *cfg = NULL;
	struct outbox *ob = NULL;
	char *path = NULL, *cause = NULL;
	long count;
	int rc;

	if ((rc = export_args(e, argc, argv, &o)) != 0)
		return rc;
	rc = 1;
	if ((cfg = cmd_load_config(o.cpath)) == NULL)
		return 1;
	if ((ob = outbox_open_flags(cfg, o.nosync ? OUTBOX_NOSYNC : 0,
	    &cause)) == NULL) {
		cmd_error("%s", cause);
		goto out;
	}
	if (o.submit >= 0) {
		rc = test_submit(ob, o.submit, o.timing, &o.topt);
		goto out;
	}
	if (o.tamper != NULL) {
		if (outbox_tamper(ob, o.tamper, o.tamper_out, o.ti, o.tj,
		    &cause) != 0)
			cmd_error("%s", cause);
		else
			rc = 0;
		goto out;
	}
	if (outbox_locked(ob) && export_unlock(ob, o.pfile) != 0)
		goto out;
	if (outbox_export(ob, o.to, &path, &count, &cause) != 0) {
		cmd_error("export failed, nothing was marked exported: %s",
		    cause);
		goto out;
	}
	export_report(ob, path, count, o.timing);
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
	cmd_export_options,
	cmd_export_exec
};
