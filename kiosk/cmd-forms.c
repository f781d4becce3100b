/*
 * cmd-forms: `kiosk forms check [FILE|DIR...]` lists every problem of each
 * form; `kiosk forms fill FILE [--lang CODE]` is a dry run without the
 * screen: name=value lines on stdin, the submission as JSON on stdout.
 * `kiosk forms dump FILE` (not in the help) prints the raw sheets as JSON
 * for the conformance test.
 *
 * fill handles answers typed by a form author, not a resident, but still
 * keeps them in secure memory and wipes its buffers: never write an answer
 * anywhere but stdout (the JSON) or stderr (no: only names and messages).
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "form.h"
#include "outbox.h"
#include "record.h"
#include "util.h"

/* Months after which a row's "reviewed" date is stale (--review-months). */
static int review_months = 6;

/*
 * The "reviewed" column: each date must be YYYY-MM-DD, not in the future,
 * and not older than review_months (a warning: legal text to check again).
 * Today is KIOSK_FORMS_NOW (seconds, for tests) or the clock.
 */
static int
check_reviewed(const char *path, struct buf *b)
{
	struct form *f;
	const struct form_question *q;
	char *cause = NULL, extra;
	const char *env;
	time_t now;
	struct tm tm;
	int y, m, d, age, n = 0;
	size_t i;

	if ((f = form_load(path, &cause)) == NULL) {
		free(cause);	/* form_check has said why */
		return 0;
	}
	now = (env = getenv("KIOSK_FORMS_NOW")) != NULL ?
	    (time_t)strtoll(env, NULL, 10) : time(NULL);
	gmtime_r(&now, &tm);
	for (i = 0; i < f->nquestions; i++) {
		q = &f->questions[i];
		if (q->reviewed == NULL)
			continue;
		if (sscanf(q->reviewed, "%4d-%2d-%2d%c", &y, &m, &d,
		    &extra) != 3 || strlen(q->reviewed) != 10 || m < 1 ||
		    m > 12 || d < 1 || d > 31) {
			buf_addf(b, "%s: sheet survey, row %d, column reviewed: "
			    "\"%s\" is not a date as YYYY-MM-DD\n", path,
			    q->row, q->reviewed);
			n++;
			continue;
		}
		age = (tm.tm_year + 1900 - y) * 12 + tm.tm_mon + 1 - m;
		if (age < 0 || (age == 0 && tm.tm_mday < d)) {
			buf_addf(b, "%s: sheet survey, row %d, column reviewed: "
			    "%s is in the future\n", path, q->row, q->reviewed);
			n++;
		} else if (age > review_months ||
		    (age == review_months && tm.tm_mday > d)) {
			buf_addf(b, "%s: sheet survey, row %d, column reviewed: "
			    "warning: the text of \"%s\" was last reviewed on "
			    "%s, more than %d months ago: check it again with "
			    "the legal partner\n", path, q->row, q->name ?
			    q->name : "", q->reviewed, review_months);
			n++;
		}
	}
	form_free(f);
	return n;
}

/* Check one file; returns 1 if it has errors, 2 if only warnings. */
static int
check_one(const char *path, int *nforms)
{
	struct buf b = { 0 };
	int n, errors = 0;
	char *line, *s, *save = NULL;

	(*nforms)++;
	n = form_check(path, &b);
	n += check_reviewed(path, &b);
	if (n == 0) {
		printf("%s: ok\n", path);
		buf_free(&b);
		return 0;
	}
	s = buf_cstr(&b);
	for (line = strtok_r(s, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		printf("%s\n", line);
		if (strstr(line, ": warning: ") == NULL)
			errors++;
	}
	buf_free(&b);
	return errors ? 1 : 2;
}

static int
check_path(const char *path, int *nforms, int *ninvalid, int *nwarned)
{
	struct stat sb;
	char **names, *p;
	size_t n, i;
	int r;

	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		r = check_one(path, nforms);
		if (r == 1)
			(*ninvalid)++;
		else if (r == 2)
			(*nwarned)++;
		return 0;
	}
	if ((names = cmd_form_files(path, &n)) == NULL) {
		cmd_error("%s: cannot open the folder", path);
		(*ninvalid)++;
		return -1;
	}
	for (i = 0; i < n; i++) {
		xasprintf(&p, "%s/%s", path, names[i]);
		r = check_one(p, nforms);
		if (r == 1)
			(*ninvalid)++;
		else if (r == 2)
			(*nwarned)++;
		free(p);
		free(names[i]);
	}
	free(names);
	return 0;
}

static int
forms_check(const struct cmd_entry *e, const struct cmd_args *a)
{
	static const char *const opts[] = { "review-months", NULL };
	struct config *cfg;
	int i = 0, rc, argc, nforms = 0, ninvalid = 0, nwarned = 0;
	const char *v;
	char *end, **argv;
	long n;

	if ((rc = cmd_args_only(e, a, "check", opts)) != 0)
		return rc;
	while ((v = cmd_args_next(a, "review-months", &i)) != NULL) {
		n = strtol(v, &end, 10);
		if (end == v || *end != '\0' || n < 1 || n > 120)
			return cmd_usage(e, "--review-months: \"%s\" is not "
			    "a number of months from 1 to 120", v);
		review_months = (int)n;
	}
	argc = a->argc - 1;
	argv = a->argv + 1;
	if (argc == 0) {
		if ((cfg = cmd_load_config(NULL)) == NULL)
			return cmd_usage(e, "give a form or a folder, or set "
			    "KIOSK_CONFIG");
		check_path(cfg->forms_dir, &nforms, &ninvalid, &nwarned);
		config_free(cfg);
	}
	for (i = 0; i < argc; i++)
		check_path(argv[i], &nforms, &ninvalid, &nwarned);
	printf("%d form%s checked, %d invalid, %d with warnings\n", nforms,
	    nforms == 1 ? "" : "s", ninvalid, nwarned);
	return (ninvalid > 0 || nwarned > 0) ? 1 : 0;
}

static void
add_column(void *arg, const char *column, const char *value, int relevant)
{
	struct buf *o = arg;

	if (o->len > 1)
		buf_adds(o, ", ");
	buf_add_json(o, column);
	buf_adds(o, ": ");
	buf_add_json(o, value);
	(void)relevant;
}

static void
add_record_column(void *arg, const char *column, const char *value,
    int relevant)
{
	record_add(arg, column, value, relevant);
}

/*
 * Tests only (KIOSK_TEST=1): seal the filled form as the kiosk of config
 * cpath would on Send, as if volunteer assisted helped (0: nobody), on
 * day date (NULL: today), with a made-up claim code.
 */
static int
fill_submit(struct form_state *st, const struct form *f, const char *lang,
    const char *cpath, int assisted, const char *date)
{
	struct config *cfg;
	struct outbox *ob = NULL;
	struct outbox_meta m;
	struct record *r;
	char day[11], claim[32], *cause = NULL;
	uint64_t seq;
	int rc = 1;

	if ((cfg = cmd_load_config(cpath)) == NULL)
		return 1;
	r = record_new();
	form_state_columns(st, add_record_column, r);
	today_ymd(day);
	memset(&m, 0, sizeof m);
	m.date = date != NULL ? date : day;
	m.form_id = f->id;
	m.form_version = f->version;
	m.lang = lang != NULL ? lang : "en";
	snprintf(claim, sizeof claim, "FILL-%05ld", (long)getpid() % 100000);
	m.claim = claim;
	m.assisted_by = assisted;
	if ((ob = outbox_open(cfg, &cause)) == NULL ||
	    outbox_submit(ob, &m, r, &seq, &cause) != 0)
		cmd_error("%s", cause);
	else {
		printf("committed %llu\n", (unsigned long long)seq);
		rc = 0;
	}
	free(cause);
	outbox_close(ob);
	record_free(r);
	config_free(cfg);
	return rc;
}

/*
 * Make instance path[L] of the repeat rep (at depth L, in the instances
 * path[0..L) of the repeats around it) exist, adding instances. 0, or -1
 * with *why set.
 */
static int
fill_instance(struct form_state *st, const struct form *f, const char *key,
    int rep, const int *path, int L, char **why)
{
	const struct form_question *r = &f->questions[rep];
	long b;
	int n;

	if ((b = form_state_find(st, rep, path, L)) < 0) {
		xasprintf(why, "the form has no question \"%s\"", key);
		return -1;
	}
	while ((n = form_state_instances(st, (size_t)b)) < path[L]) {
		if (!form_state_relevant(st, (size_t)b)) {
			xasprintf(why, "\"%s\": the repeat \"%s\" is not "
			    "relevant (yet): answer what makes it relevant "
			    "first", key, r->name);
			return -1;
		}
		if (r->repeat_count != NULL) {
			xasprintf(why, "\"%s\": the repeat \"%s\" has %d "
			    "instance%s (its repeat_count): answer what sets "
			    "it first", key, r->name, n, n == 1 ? "" : "s");
			return -1;
		}
		if (form_state_repeat_add(st, (size_t)b) != 0) {
			xasprintf(why, "\"%s\": the repeat \"%s\" cannot have "
			    "more instances", key, r->name);
			return -1;
		}
		b = form_state_find(st, rep, path, L);
	}
	return 0;
}

/*
 * Find the item for "name", "name[N]" or, inside nested repeats,
 * "name[N][M]" (one [N] per repeat around it, outermost first; a missing
 * one is 1), "group/name" for a name used in several groups, adding
 * repeat instances. Returns -1 and sets *why.
 */
static long
fill_item(struct form_state *st, const struct form *f, const char *key,
    char **why)
{
	const struct form_question *q;
	char *name, *br, *end;
	int path[FORM_REPEAT_DEPTH], reps[FORM_REPEAT_DEPTH], nidx = 0;
	int depth = 0, L, p;
	long v;

	*why = NULL;
	name = xstrdup(key);
	if ((br = strchr(name, '[')) != NULL) {
		for (end = br; *end == '['; end++) {
			v = strtol(end + 1, &end, 10);
			if (*end != ']' || v < 1 || v > FORM_REPEAT_MAX ||
			    nidx == FORM_REPEAT_DEPTH) {
				xasprintf(why, "\"%s\": an instance number is "
				    "1 to %d, as name[N], or name[N][M] in a "
				    "repeat inside a repeat", key,
				    FORM_REPEAT_MAX);
				free(name);
				return -1;
			}
			path[nidx++] = (int)v;
		}
		if (*end != '\0') {
			xasprintf(why, "the form has no question \"%s\"", key);
			free(name);
			return -1;
		}
		*br = '\0';
	}
	q = form_question_by_column(f, name);
	if (q == NULL && form_name_ambiguous(f, name))
		xasprintf(why, "several questions are named \"%s\" (in "
		    "different groups): use its column, \"group/%s\"", name,
		    name);
	else if (q == NULL)
		xasprintf(why, "the form has no question \"%s\"", name);
	free(name);
	if (q == NULL)
		return -1;
	/* The repeats around it, innermost first. */
	for (p = q->parent; p >= 0; p = f->questions[p].parent)
		if (f->questions[p].type == FT_BEGIN_REPEAT &&
		    depth < FORM_REPEAT_DEPTH)
			reps[depth++] = p;
	if (nidx > depth) {
		if (depth == 0)
			xasprintf(why, "\"%s\" is not in a repeat: write it "
			    "without [N]", q->name);
		else
			xasprintf(why, "\"%s\" is in %d repeat%s: write one "
			    "[N] for each", key, depth, depth == 1 ? "" : "s");
		return -1;
	}
	for (L = nidx; L < depth; L++)
		path[L] = 1;
	for (L = 0; L < depth; L++) {
		if (fill_instance(st, f, key, reps[depth - 1 - L], path, L,
		    why) != 0)
			return -1;
	}
	if ((v = form_state_find(st, (int)(q - f->questions), path,
	    depth)) < 0)
		xasprintf(why, "the form has no question \"%s\"", key);
	return v;
}

/* The command line of forms fill. */
struct fill_opts {
	const char	*path, *lang;
	const char	*submit, *date;		/* tests only */
	int		 notes, assisted;
};

/* forms fill's options and operands: 0, or the usage error's status. */
static int
fill_args(const struct cmd_entry *e, const struct cmd_args *a,
    struct fill_opts *o)
{
	static const char *const opts[] = { "lang", "notes", NULL };
	static const char *const test_opts[] = { "lang", "notes",
	    "test-submit", "test-assisted", "test-date", NULL };
	const char *v, *t;
	int rc;

	memset(o, 0, sizeof *o);
	t = getenv("KIOSK_TEST");
	if ((rc = cmd_args_only(e, a, "fill", t != NULL &&
	    strcmp(t, "1") == 0 ? test_opts : opts)) != 0)
		return rc;
	o->lang = cmd_args_get(a, "lang");
	o->notes = cmd_args_has(a, "notes");
	o->submit = cmd_args_get(a, "test-submit");
	if ((v = cmd_args_get(a, "test-assisted")) != NULL)
		o->assisted = atoi(v);
	o->date = cmd_args_get(a, "test-date");
	if (a->argc < 2)
		return cmd_usage(e, "forms fill needs a form file");
	if (a->argc > 2)
		return cmd_usage(e, "one form at a time");
	o->path = a->argv[1];
	return 0;
}

/* All of stdin (at most a little over 16 MB) into in. */
static void
fill_read(struct buf *in)
{
	char chunk[4096];
	ssize_t r;

	while ((r = read(STDIN_FILENO, chunk, sizeof chunk)) > 0) {
		buf_add(in, chunk, (size_t)r);
		if (in->len > 16u * 1024 * 1024)
			break;
	}
	explicit_bzero(chunk, sizeof chunk);
}

/*
 * Is q answered by the kiosk or the form, never by the resident? (A
 * calculate is never settable; a question with a calculation is, if a
 * trigger runs it.)
 */
static int
fill_not_answered(const struct form_question *q)
{
	return !qtype_settable(q->type) || (q->calculation != NULL &&
	    q->trigger == NULL) ||
	    (q->read_only != NULL &&
	    (strcasecmp(q->read_only, "yes") == 0 ||
	    strcasecmp(q->read_only, "true()") == 0 ||
	    strcasecmp(q->read_only, "true") == 0));
}

/* Set each name=value line of text in order; 1 if one was refused. */
static int
fill_answers(struct form_state *st, const struct form *f, char *text)
{
	char *line, *save = NULL, *eq, *msg, *cause = NULL;
	long item;
	size_t n;
	int bad = 0, lineno = 0;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if ((eq = strchr(line, '=')) == NULL) {
			cmd_error("stdin line %d: expected name=value", lineno);
			bad = 1;
			continue;
		}
		*eq = '\0';
		if ((item = fill_item(st, f, line, &msg)) < 0) {
			cmd_error("stdin line %d: %s", lineno, msg);
			free(msg);
			bad = 1;
			continue;
		}
		if (fill_not_answered(form_state_item(st, (size_t)item)->q)) {
			cmd_error("stdin line %d: \"%s\" is not answered by "
			    "the resident", lineno, line);
			bad = 1;
			continue;
		}
		if (form_state_set(st, (size_t)item, eq + 1, &cause) != 0) {
			fprintf(stderr, "%s: %s\n", line, cause);
			free(cause);
			bad = 1;
		}
	}
	return bad;
}

/* Check every item as Send would; 1 if one is not right. */
static int
fill_check(struct form_state *st, const char *lang,
    const struct form_msgs *msgs)
{
	const struct form_item *it;
	const char *why;
	char *msg;
	size_t k, n;
	int bad = 0;

	n = form_state_nitems(st);
	for (k = 0; k < n; k++) {
		if (form_state_check(st, k, lang, msgs, &msg) == 0)
			continue;
		it = form_state_item(st, k);
		why = form_state_stale(st, k) ? " (a later answer changed its "
		    "choice_filter, so its answer was cleared)" : "";
		fprintf(stderr, "%s", it->q->name);
		for (int d = 0; d < it->depth; d++)
			fprintf(stderr, "[%d]", it->path[d]);
		fprintf(stderr, ": %s%s\n", msg, why);
		free(msg);
		bad = 1;
	}
	return bad;
}

/* The submission as JSON on stdout (--notes: the notes shown instead). */
static void
fill_print(struct form_state *st, const char *lang, int notes)
{
	const struct form_item *it;
	struct buf out = { 0 }, key = { 0 };
	char *msg;
	size_t k, n;
	int d;

	buf_addc(&out, '{');
	if (notes) {
		/*
		 * The notes the resident would read, as shown, keyed as the
		 * fill keys are: "note[2][1]" inside repeats.
		 */
		n = form_state_nitems(st);
		for (k = 0; k < n; k++) {
			it = form_state_item(st, k);
			if (qtype_of(it->q->type)->input != QI_READ ||
			    it->q->name == NULL ||
			    !form_state_relevant(st, k))
				continue;
			key.len = 0;
			buf_adds(&key, it->q->name);
			for (d = 0; d < it->depth; d++)
				buf_addf(&key, "[%d]", it->path[d]);
			msg = form_state_label(st, k, lang);
			add_column(&out, buf_cstr(&key), msg, 1);
			freezero_str(msg);
		}
		buf_free(&key);
	} else
		form_state_columns(st, add_column, &out);
	buf_adds(&out, "}\n");
	fwrite(out.data, 1, out.len, stdout);
	fflush(stdout);
	buf_free(&out);
}

static int
forms_fill(const struct cmd_entry *e, const struct cmd_args *a)
{
	struct form *f = NULL;
	struct form_state *st = NULL;
	struct buf in = { 0 };
	struct form_msgs msgs;
	struct fill_opts o;
	const char *now;
	char *cause = NULL;
	int rc, m;

	if ((rc = fill_args(e, a, &o)) != 0)
		return rc;
	/* The table's messages, in its words for staff. */
	for (m = 0; m < QM_NMSGS; m++)
		msgs.text[m] = qtype_message((enum qtype_msg)m, 1);
	msgs.zero = 0;
	rc = 1;
	if ((f = form_load(o.path, &cause)) == NULL) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (o.lang != NULL && f->nlangs > 0 && form_lang_index(f, o.lang) < 0) {
		cmd_error("%s: the form has no language \"%s\"", o.path, o.lang);
		goto out;
	}
	st = form_state_new(f);
	if ((now = getenv("KIOSK_FORMS_NOW")) != NULL)
		form_state_set_now(st, strtol(now, NULL, 10));
	/* What the kiosk fills in: its name, the volunteer's number. */
	form_state_set_meta(st, getenv("KIOSK_FORMS_DEVICEID"),
	    getenv("KIOSK_FORMS_USERNAME"));
	form_state_set_lang(st, o.lang);
	fill_read(&in);
	if (fill_answers(st, f, buf_cstr(&in)) != 0 ||
	    fill_check(st, o.lang, &msgs) != 0)
		goto out;
	if (o.submit != NULL)
		rc = fill_submit(st, f, o.lang, o.submit, o.assisted, o.date);
	else {
		fill_print(st, o.lang, o.notes);
		rc = 0;
	}
out:
	buf_free(&in);
	form_state_free(st);
	form_free(f);
	return rc;
}

static int
forms_dump(const struct cmd_entry *e, const struct cmd_args *a)
{
	static const char *const opts[] = { NULL };
	struct buf out = { 0 };
	char *cause = NULL;
	int rc;

	if ((rc = cmd_args_only(e, a, "dump", opts)) != 0)
		return rc;
	if (a->argc != 2)
		return cmd_usage(e, "forms dump needs one form file");
	if (form_dump(a->argv[1], &out, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	return 0;
}

/*
 * The options of every forms subcommand; each takes its own (the test-
 * ones only with KIOSK_TEST=1: fill seals as a kiosk would).
 */
static const struct cmd_option cmd_forms_options[] = {
	{ "review-months", 1, 0, "check: months after which a reviewed "
	    "date is stale" },
	{ "lang", 1, 0, "fill: the language of the messages and notes" },
	{ "notes", 0, 0, "fill: print the notes shown, not the submission" },
	{ "test-submit", 1, 0, "fill: seal it as the kiosk of this config" },
	{ "test-assisted", 1, 0, "fill: as if this volunteer helped" },
	{ "test-date", 1, 0, "fill: on this day" },
	{ NULL, 0, 0, NULL }
};

static int
cmd_forms_exec(const struct cmd_entry *e, int argc, char **argv)
{
	struct cmd_args a;
	const char *sub;
	int rc;

	if ((rc = cmd_parse(e, argc, argv, &a)) != 0)
		return rc;
	sub = a.argc > 0 ? a.argv[0] : NULL;
	if (sub == NULL)
		rc = cmd_usage(e, "forms needs a subcommand: check or fill");
	else if (strcmp(sub, "check") == 0)
		rc = forms_check(e, &a);
	else if (strcmp(sub, "fill") == 0)
		rc = forms_fill(e, &a);
	else if (strcmp(sub, "dump") == 0)
		rc = forms_dump(e, &a);
	else
		rc = cmd_usage(e, "unknown forms subcommand \"%s\"", sub);
	cmd_args_free(&a);
	return rc;
}

const struct cmd_entry cmd_forms_entry = {
	"forms",
	"forms check [--review-months N] [FILE|DIR...] | forms fill FILE [--lang CODE] [--notes]",
	"Check XLSForm files, or fill one in without the screen.",
	"kiosk forms check loads each form (a .csv XLSForm, or one in "
	"pyxform's Markdown layout, or every .csv file in a folder, as the kiosk "
	"does; with no argument, the forms_dir of the "
	"config) and prints every problem it finds, each naming the file, "
	"sheet, row and column: unknown types, missing choice lists, "
	"references to unknown ${names}, expression errors, duplicate names, "
	"types a kiosk does not support, and languages missing a label "
	"(a warning). A survey row's \"reviewed\" date (YYYY-MM-DD, the day "
	"its legal text was last checked) must be a real date; one older "
	"than --review-months (default 6) is a warning. It exits 1 when any "
	"form has a problem.\n\n"
	"kiosk forms fill FILE [--lang CODE] is a dry run. It reads answers "
	"as name=value lines on stdin (select_multiple values separated by "
	"spaces; name[N] for instance N of a repeat (name[N][M] inside a "
	"repeat in a repeat); group/name for a name "
	"that several groups use, as in the submission's columns), applies "
	"relevance, defaults, calculations, choice filters, constraints and "
	"required (a required note blocks), and prints the "
	"final submission as one JSON object on stdout, where a question "
	"that is not relevant has an empty value. Otherwise it prints each "
	"violation as \"name: message\" on stderr, in the chosen language, "
	"and exits 1. With --notes it prints, instead of the submission, the "
	"notes the resident would read with those answers, as one JSON "
	"object from note name (with [N] inside repeats, as the keys) to "
	"text. An answer cleared because a later "
	"answer changed its choice_filter is reported as such. Metadata "
	"rows take KIOSK_FORMS_DEVICEID (the kiosk's name) and "
	"KIOSK_FORMS_USERNAME (a volunteer's number) from the environment; "
	"start, end and today are dates.",
	cmd_forms_options,
	cmd_forms_exec
};
