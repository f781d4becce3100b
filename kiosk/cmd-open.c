/*
 * cmd-open: the office opens batches. Unlocks the office key(s), then for
 * each batch: verify, open, record in the ledger and append to
 * DIR/<form_id>.csv and .jsonl; reports per kiosk the sequence ranges
 * received and missing, and writes a signed <kiosk>.ack for each.
 * Exit 0: all good; 1: a batch was rejected or another error; 4: opened,
 * but a submission arrived damaged and is reported lost; 3: opened, but
 * a gap remains. Never writes anything for a rejected batch.
 */
#include <sys/stat.h>

#include <errno.h>
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cmd.h"
#include "form.h"
#include "office.h"
#include "output.h"
#include "util.h"
#include "vault.h"

#define OPEN_MAX_KEYS	16
#define OPEN_MAX_FORMS	16

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The office's own forms, from a folder of form files (or one file):
 * their versions' output layouts. A form that does not load is reported
 * and left out (its submissions still open, in a layout of their own).
 */
static int
load_forms(struct office *o, const char *dir)
{
	struct form *f;
	struct dirent *de;
	DIR *d;
	char **names = NULL, *path, *cause = NULL;
	size_t n = 0, i, len;

	if ((d = opendir(dir)) == NULL) {
		if ((f = form_load(dir, &cause)) == NULL) {
			cmd_error("--forms %s: %s", dir, cause);
			free(cause);
			return -1;
		}
		office_add_form(o, f);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 4, ".csv") != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	for (i = 0; i < n; i++) {
		xasprintf(&path, "%s/%s", dir, names[i]);
		if ((f = form_load(path, &cause)) == NULL) {
			fprintf(stderr, "kiosk: warning: %s; its submissions "
			    "get a layout from their own columns\n", cause);
			free(cause);
			cause = NULL;
		} else
			office_add_form(o, f);
		free(path);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* A secret others can read: say so, and how to fix it. */
static void
warn_private(const char *path, const char *what)
{
	struct stat sb;

	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (sb.st_mode & 077) != 0)
		fprintf(stderr, "kiosk: WARNING: %s (%s) can be read by other "
		    "users of this machine; make it private: chmod 600 %s\n",
		    path, what, path);
}

/*
 * Tests and make bench only (KIOSK_TEST=1 and KIOSK_TEST_PEAK=1): the
 * peak resident memory of opening, after the keys are unlocked (Argon2id
 * needs 256 MiB for a moment; the opening itself is what must stay
 * bounded). start resets the kernel's high-water mark; report prints it.
 */
static int
peak_wanted(void)
{
	return getenv("KIOSK_TEST") != NULL && getenv("KIOSK_TEST_PEAK") !=
	    NULL && strcmp(getenv("KIOSK_TEST"), "1") == 0;
}

static void
peak_start(void)
{
	FILE *f;

	if (peak_wanted() && (f = fopen("/proc/self/clear_refs", "we")) !=
	    NULL) {
		fputs("5", f);
		fclose(f);
	}
}

static void
peak_report(void)
{
	char line[128];
	FILE *f;

	if (!peak_wanted() || (f = fopen("/proc/self/status", "re")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			fprintf(stderr, "kiosk: open peak %s", line);
	fclose(f);
}

static int
cmd_open_exec(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "ledger", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'o' },
		{ "accept-lost", required_argument, NULL, 'a' },
		{ "resync", no_argument, NULL, 'r' },
		{ "forms", required_argument, NULL, 'F' },
		{ "no-bom", no_argument, NULL, 'B' },
		{ "xlsx", no_argument, NULL, 'X' },
		{ "labels", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	struct vault_office_key *keys[OPEN_MAX_KEYS];
	struct office *o = NULL;
	struct buf b = { 0 }, report = { 0 };
	const char *kpath[OPEN_MAX_KEYS], *pfile[OPEN_MAX_KEYS];
	const char *accept[OPEN_MAX_KEYS];
	size_t na = 0;
	const char *fdir[OPEN_MAX_FORMS];
	char *ledger = NULL, *out = NULL, *cause = NULL, *pass, *prompt;
	char *xpath = NULL;
	const char *labels = "en";
	size_t nk = 0, np = 0, nf = 0, i;
	long added;
	int c, rc = 1, wrong, why, replay, rejected = 0, gap = 0, lost = 0;
	int resync = 0, oflags = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (nk == OPEN_MAX_KEYS)
				return cmd_usage(e, "too many --key");
			kpath[nk++] = optarg;
			break;
		case 'p':
			if (np == OPEN_MAX_KEYS)
				return cmd_usage(e, "too many --passphrase-file");
			pfile[np++] = optarg;
			break;
		case 'l': ledger = optarg; break;
		case 'o': out = optarg; break;
		case 'r': resync = 1; break;
		case 'a':
			if (na == OPEN_MAX_KEYS)
				return cmd_usage(e, "too many --accept-lost");
			if (strchr(optarg, ':') == NULL)
				return cmd_usage(e, "--accept-lost NAME:SEQ");
			accept[na++] = optarg;
			break;
		case 'F':
			if (nf == OPEN_MAX_FORMS)
				return cmd_usage(e, "too many --forms");
			fdir[nf++] = optarg;
			break;
		case 'B': oflags |= OUTPUT_NO_BOM; break;
		case 'X': oflags |= OUTPUT_XLSX; break;
		case 'L':
			oflags |= OUTPUT_XLSX;
			labels = optarg;
			break;
		default: return cmd_usage(e, "unknown option");
		}
	}
	if (nk == 0)
		return cmd_usage(e, "at least one --key office.key is needed");
	if (out == NULL)
		return cmd_usage(e, "--out DIR is required");
	if (np > 1 && np != nk)
		return cmd_usage(e, "give one --passphrase-file, or one per "
		    "--key");
	if (optind == argc && na == 0)
		return cmd_usage(e, "name at least one batch file");

	/* Unlock every key before touching the output. */
	for (i = 0; i < nk; i++)
		keys[i] = NULL;
	for (i = 0; i < nk; i++) {
		buf_free(&b);
		if (read_file(kpath[i], &b, 4096, &cause) != 0) {
			cmd_error("%s", cause);
			goto out;
		}
		warn_private(kpath[i], "the office key");
		if (np > 1 || (np == 1 && i == 0))
			warn_private(pfile[np == 1 ? 0 : i], "a passphrase");
		xasprintf(&prompt, "Passphrase for %s: ", kpath[i]);
		pass = cmd_passphrase(np == 0 ? NULL : pfile[np == 1 ? 0 : i],
		    prompt, 0);
		free(prompt);
		if (pass == NULL)
			goto out;
		keys[i] = vault_office_key_open(b.data, b.len, pass, &wrong,
		    &cause);
		freezero_str(pass);
		if (keys[i] == NULL) {
			cmd_error("%s: %s%s", kpath[i], cause, wrong ?
			    "; nothing was opened" : "");
			goto out;
		}
	}
	peak_start();
	if ((o = office_open(out, ledger, ledger == NULL, &cause)) == NULL) {
		cmd_error("%s", cause);
		goto out;
	}
	for (i = 0; i < nk; i++) {
		office_add_key(o, keys[i]);
		keys[i] = NULL;
	}
	office_set_resync(o, resync);
	office_output_flags(o, oflags);
	for (i = 0; i < nf; i++)
		if (load_forms(o, fdir[i]) != 0)
			goto out;
	for (; optind < argc; optind++) {
		free(cause);
		cause = NULL;
		if (office_batch(o, argv[optind], &replay, &added, &why,
		    &cause) != 0) {
			cmd_error("%s", cause);
			rejected = 1;
		} else if (replay)
			printf("%s: already opened before; adds nothing\n",
			    argv[optind]);
		else
			printf("%s: opened, %ld new submissions\n",
			    argv[optind], added);
		if (office_notes(o)->len > 0) {
			fwrite(office_notes(o)->data, 1, office_notes(o)->len,
			    stderr);
			office_notes(o)->len = 0;
		}
	}
	for (i = 0; i < na; i++) {
		char *name = xstrdup(accept[i]), *colon = strrchr(name, ':');
		char *end;
		unsigned long long seq;

		*colon = '\0';
		errno = 0;
		seq = strtoull(colon + 1, &end, 10);
		free(cause);
		cause = NULL;
		if (colon[1] < '1' || colon[1] > '9' || *end != '\0' ||
		    errno != 0) {
			cmd_error("--accept-lost %s: SEQ must be a number",
			    accept[i]);
			rejected = 1;
		} else if (office_accept_lost(o, name, seq, &cause) != 0) {
			cmd_error("%s", cause);
			rejected = 1;
		}
		free(name);
		if (office_notes(o)->len > 0) {
			fwrite(office_notes(o)->data, 1, office_notes(o)->len,
			    stderr);
			office_notes(o)->len = 0;
		}
	}
	free(cause);
	cause = NULL;
	if (office_finish(o, &report, &gap, &lost, &cause) != 0) {
		cmd_error("%s", cause);
		rejected = 1;
	}
	fwrite(report.data, 1, report.len, stdout);
	if ((oflags & OUTPUT_XLSX) && office_xlsx(o, labels, &xpath,
	    &cause) != 0) {
		cmd_error("%s", cause);
		rejected = 1;
	} else if (xpath != NULL)
		printf("wrote %s: what this run opened, for a spreadsheet\n",
		    xpath);
	free(xpath);
	rc = rejected ? 1 : lost ? 4 : gap ? 3 : 0;
	peak_report();
out:
	for (i = 0; i < nk; i++)
		vault_office_free(keys[i]);
	office_close(o);
	buf_free(&b);
	buf_free(&report);
	free(cause);
	return rc;
}

const struct cmd_entry cmd_open_entry = {
	"open",
	"open --key office.key [--key old.key ...] [--passphrase-file F ...] "
	"[--forms DIR ...] [--no-bom] [--xlsx] [--labels LANG] "
	"[--ledger L.db] [--accept-lost NAME:SEQ ...] [--resync] --out DIR "
	"BATCH...",
	"Verify and open batches at the office into CSV and JSON Lines.",
	"Unlocks each office key (asking for its passphrase on the terminal, "
	"or reading the first line of --passphrase-file: give one for all "
	"keys or one per --key), then verifies each batch completely before "
	"decrypting anything: the kiosk's signature, the manifest, every "
	"record's hash, sequence number and chain link. A batch that fails "
	"any check is rejected whole, with the reason (truncated, signature, "
	"manifest, record hash, chain, not enrolled, wrong office key, ...), "
	"and nothing from it is written: the output of a batch is all or "
	"nothing, also when the disk fills up or the machine stops midway "
	"(the next open of DIR removes a partial batch; open it again). A "
	"batch opened before adds nothing.\n\n"
	"Each form version has fixed files (see README, \"At the office\", "
	"and FORMAT.md): DIR/FORM-vVERSION.csv, one row per submission "
	"(KEY, kiosk, seq, form_id, form_version, language, submitted, "
	"assisted_by, claim_code, then one column per question), "
	"DIR/FORM-vVERSION-REPEAT.csv per repeat, one row per entry, joined "
	"by PARENT_KEY, a codebook DIR/FORM-vVERSION-codebook.csv with every "
	"label in every language, and DIR/FORM.jsonl; all appended across "
	"runs. --forms DIR (a folder of form files, or one file; may be "
	"repeated) gives the forms the kiosks use, so the layout comes from "
	"them; without it, from the first submission of each version. A "
	"question that was not asked is \"(not asked)\"; an empty cell is "
	"an empty answer. CSV files start with a UTF-8 byte-order mark for "
	"Excel (--no-bom: without). Cells starting with = + - @ (also after "
	"white space, and their full-width forms), a tab or a newline are "
	"prefixed with ' so spreadsheets do not run them; text that is not "
	"UTF-8 is written as U+FFFD, with a warning; a record with an "
	"impossible date or form id rejects its batch. Files are created "
	"0600.\n\n"
	"--xlsx also writes one workbook for this run, "
	"DIR/opened-YYYY-MM-DD.xlsx: a sheet per form version and per "
	"repeat, numbers and dates as such, text as text (no formula can "
	"run, so no '), choices by their labels in --labels LANG (default "
	"en; implies --xlsx), and a codebook sheet with every label in every "
	"language.\n\n"
	"The ledger (--ledger, default DIR/ledger.db) remembers every batch "
	"and sequence number. With --ledger, only kiosks enrolled with "
	"`kiosk enroll` are accepted. Without it, an unknown kiosk is "
	"trusted on first use and a warning with its fingerprint is "
	"printed: compare it with `kiosk identity` on the kiosk.\n\n"
	"For each kiosk, open prints the sequence ranges received and any "
	"missing range, and writes DIR/NAME.ack, a signed acknowledgement "
	"of everything received without a gap; put it on the stick so the "
	"kiosk can delete those submissions.\n\n"
	"A record whose bytes do not match the hash the kiosk signed (damaged "
	"on the kiosk's disk or on the stick) does not stop the batch: every "
	"other record is checked and opened, and that one is reported LOST "
	"by kiosk and number, recorded in the ledger, and not acknowledged, "
	"so the kiosk keeps it and its next batch carries it again. If the "
	"kiosk's export said it is DAMAGED there too, it cannot be recovered: "
	"--accept-lost NAME:SEQ records the loss, and acknowledgements then "
	"go past it.\n\n"
	"A batch says how far the office had acknowledged that kiosk. If "
	"the ledger does not know that (it was lost, or restored from a "
	"backup), open says so and reports those numbers missing; run it "
	"again with --resync to take them as received before and move the "
	"acknowledgement counter forward, so that acknowledgements resume. "
	"Records already in the output are never written twice.\n\n"
	"Exit status: 0 all good, 1 a batch was rejected or another error, "
	"4 opened but a submission is reported lost, 3 opened but a gap "
	"remains.",
	cmd_open_exec
};
