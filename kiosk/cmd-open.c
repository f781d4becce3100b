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

/*
 * The office's own forms, from a folder of form files (or one file):
 * their versions' output layouts. A form that does not load is reported
 * and left out (its submissions still open, in a layout of their own).
 */
static int
load_forms(struct office *o, const char *dir)
{
	struct form *f;
	char **names, *path, *cause = NULL;
	size_t n, i;

	if ((names = cmd_form_files(dir, &n)) == NULL) {
		if ((f = form_load(dir, &cause)) == NULL) {
			cmd_error("--forms %s: %s", dir, cause);
			free(cause);
			return -1;
		}
		office_add_form(o, f);
		return 0;
	}
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

static const struct cmd_option cmd_open_options[] = {
	{ "key", 1, 0, "an office key to open with (may be repeated)" },
	{ "passphrase-file", 1, 0, "its passphrase: one, or one per --key" },
	{ "ledger", 1, 0, "the ledger; only enrolled kiosks are accepted" },
	{ "out", 1, 0, "the folder for the CSV, JSON Lines and acks" },
	{ "accept-lost", 1, 0, "NAME:SEQ: record that submission as lost" },
	{ "resync", 0, 0, "take what a kiosk says was acknowledged" },
	{ "forms", 1, 0, "a folder of forms, or one form (may be repeated)" },
	{ "no-bom", 0, 0, "CSV without a UTF-8 byte-order mark" },
	{ "xlsx", 0, 0, "also write a workbook for this run" },
	{ "labels", 1, 0, "the workbook's label language (implies --xlsx)" },
	{ NULL, 0, 0, NULL }
};

/* The command line of open, parsed. */
struct open_opts {
	const char	*kpath[OPEN_MAX_KEYS];
	size_t		 nk;
	const char	*pfile[OPEN_MAX_KEYS];
	size_t		 np;
	const char	*accept[OPEN_MAX_KEYS];
	size_t		 na;
	const char	*fdir[OPEN_MAX_FORMS];
	size_t		 nf;
	const char	*ledger, *out, *labels;
	int		 resync, oflags;
	char		**batch;	/* the batch files */
	int		 nbatch;
};

/* One option, in the order given: 0, or the usage error's status. */
static int
open_arg(const struct cmd_entry *e, const struct cmd_arg *arg,
    struct open_opts *o)
{
	const char *name = arg->opt->name, *v = arg->value;

	if (strcmp(name, "key") == 0) {
		if (o->nk == OPEN_MAX_KEYS)
			return cmd_usage(e, "too many --key");
		o->kpath[o->nk++] = v;
	} else if (strcmp(name, "passphrase-file") == 0) {
		if (o->np == OPEN_MAX_KEYS)
			return cmd_usage(e, "too many --passphrase-file");
		o->pfile[o->np++] = v;
	} else if (strcmp(name, "accept-lost") == 0) {
		if (o->na == OPEN_MAX_KEYS)
			return cmd_usage(e, "too many --accept-lost");
		if (strchr(v, ':') == NULL)
			return cmd_usage(e, "--accept-lost NAME:SEQ");
		o->accept[o->na++] = v;
	} else if (strcmp(name, "forms") == 0) {
		if (o->nf == OPEN_MAX_FORMS)
			return cmd_usage(e, "too many --forms");
		o->fdir[o->nf++] = v;
	} else if (strcmp(name, "ledger") == 0)
		o->ledger = v;
	else if (strcmp(name, "out") == 0)
		o->out = v;
	else if (strcmp(name, "resync") == 0)
		o->resync = 1;
	else if (strcmp(name, "no-bom") == 0)
		o->oflags |= OUTPUT_NO_BOM;
	else if (strcmp(name, "xlsx") == 0)
		o->oflags |= OUTPUT_XLSX;
	else if (strcmp(name, "labels") == 0) {
		o->oflags |= OUTPUT_XLSX;
		o->labels = v;
	}
	return 0;
}

/* Parse and check the command line: 0, or the usage error's status. */
static int
open_args(const struct cmd_entry *e, int argc, char **argv,
    struct open_opts *o)
{
	struct cmd_args a;
	int i, rc;

	memset(o, 0, sizeof *o);
	o->labels = "en";
	if ((rc = cmd_parse(e, argc, argv, &a)) != 0)
		return rc;
	for (i = 0; i < a.n && rc == 0; i++)
		rc = open_arg(e, &a.list[i], o);
	o->batch = a.argv;
	o->nbatch = a.argc;
	cmd_args_free(&a);
	if (rc != 0)
		return rc;
	if (o->nk == 0)
		return cmd_usage(e, "at least one --key office.key is needed");
	if (o->out == NULL)
		return cmd_usage(e, "--out DIR is required");
	if (o->np > 1 && o->np != o->nk)
		return cmd_usage(e, "give one --passphrase-file, or one per "
		    "--key");
	if (o->nbatch == 0 && o->na == 0)
		return cmd_usage(e, "name at least one batch file");
	return 0;
}

/* Unlock every key, before anything touches the output. */
static int
open_keys(const struct open_opts *o, struct vault_office_key **keys)
{
	struct buf b = { 0 };
	const char *pfile;
	char *cause = NULL, *pass, *prompt;
	size_t i;
	int wrong, rc = -1;

	for (i = 0; i < o->nk; i++) {
		buf_free(&b);
		if (read_file(o->kpath[i], &b, 4096, &cause) != 0) {
			cmd_error("%s", cause);
			goto out;
		}
		warn_private(o->kpath[i], "the office key");
		pfile = o->np == 0 ? NULL : o->pfile[o->np == 1 ? 0 : i];
		if (o->np > 1 || (o->np == 1 && i == 0))
			warn_private(pfile, "a passphrase");
		xasprintf(&prompt, "Passphrase for %s: ", o->kpath[i]);
		pass = cmd_passphrase(pfile, prompt, 0);
		free(prompt);
		if (pass == NULL)
			goto out;
		keys[i] = vault_office_key_open(b.data, b.len, pass, &wrong,
		    &cause);
		freezero_str(pass);
		if (keys[i] == NULL) {
			cmd_error("%s: %s%s", o->kpath[i], cause, wrong ?
			    "; nothing was opened" : "");
			goto out;
		}
	}
	rc = 0;
out:
	buf_free(&b);
	free(cause);
	return rc;
}

/* What the office said about the last batch, for the staff. */
static void
open_notes(struct office *o)
{
	if (office_notes(o)->len > 0) {
		fwrite(office_notes(o)->data, 1, office_notes(o)->len, stderr);
		office_notes(o)->len = 0;
	}
}

/* Open each batch in turn; 1 if one was rejected. */
static int
open_batches(struct office *o, char **batch, int nbatch)
{
	char *cause;
	long added;
	int i, why, replay, rejected = 0;

	for (i = 0; i < nbatch; i++) {
		cause = NULL;
		if (office_batch(o, batch[i], &replay, &added, &why,
		    &cause) != 0) {
			cmd_error("%s", cause);
			rejected = 1;
		} else if (replay)
			printf("%s: already opened before; adds nothing\n",
			    batch[i]);
		else
			printf("%s: opened, %ld new submissions\n", batch[i],
			    added);
		free(cause);
		open_notes(o);
	}
	return rejected;
}

/* --accept-lost NAME:SEQ, each in turn; 1 if one was refused. */
static int
open_accept_lost(struct office *o, const char *const *accept, size_t na)
{
	char *name, *colon, *end, *cause;
	unsigned long long seq;
	size_t i;
	int rejected = 0;

	for (i = 0; i < na; i++) {
		name = xstrdup(accept[i]);
		colon = strrchr(name, ':');
		*colon = '\0';
		errno = 0;
		seq = strtoull(colon + 1, &end, 10);
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
		free(cause);
		free(name);
		open_notes(o);
	}
	return rejected;
}

/* The ledger's report and the acks, then the workbook; 1 on error. */
static int
open_finish(struct office *o, const struct open_opts *opt, int *gap,
    int *lost)
{
	struct buf report = { 0 };
	char *cause = NULL, *xpath = NULL;
	int rejected = 0;

	if (office_finish(o, &report, gap, lost, &cause) != 0) {
		cmd_error("%s", cause);
		rejected = 1;
	}
	fwrite(report.data, 1, report.len, stdout);
	free(cause);
	cause = NULL;
	if ((opt->oflags & OUTPUT_XLSX) && office_xlsx(o, opt->labels, &xpath,
	    &cause) != 0) {
		cmd_error("%s", cause);
		rejected = 1;
	} else if (xpath != NULL)
		printf("wrote %s: what this run opened, for a spreadsheet\n",
		    xpath);
	free(xpath);
	free(cause);
	buf_free(&report);
	return rejected;
}

static int
cmd_open_exec(const struct cmd_entry *e, int argc, char **argv)
{
	struct vault_office_key *keys[OPEN_MAX_KEYS] = { NULL };
	struct open_opts opt;
	struct office *o = NULL;
	char *cause = NULL;
	size_t i;
	int rc, rejected, gap = 0, lost = 0;

	if ((rc = open_args(e, argc, argv, &opt)) != 0)
		return rc;
	rc = 1;
	if (open_keys(&opt, keys) != 0)
		goto out;
	peak_start();
	if ((o = office_open(opt.out, opt.ledger, opt.ledger == NULL,
	    &cause)) == NULL) {
		cmd_error("%s", cause);
		goto out;
	}
	for (i = 0; i < opt.nk; i++) {
		office_add_key(o, keys[i]);
		keys[i] = NULL;
	}
	office_set_resync(o, opt.resync);
	office_output_flags(o, opt.oflags);
	for (i = 0; i < opt.nf; i++)
		if (load_forms(o, opt.fdir[i]) != 0)
			goto out;
	rejected = open_batches(o, opt.batch, opt.nbatch);
	rejected |= open_accept_lost(o, opt.accept, opt.na);
	rejected |= open_finish(o, &opt, &gap, &lost);
	rc = rejected ? 1 : lost ? 4 : gap ? 3 : 0;
	peak_report();
out:
	for (i = 0; i < opt.nk; i++)
		vault_office_free(keys[i]);
	office_close(o);
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
	cmd_open_options,
	cmd_open_exec
};
