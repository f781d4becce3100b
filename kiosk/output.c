/*
 * output: fixed layouts per form version, and the rows, repeats, codebook
 * and JSON Lines of opened records (see output.h).
 *
 * Plaintext answers go only into staged buffers in secure memory (vault);
 * column names, labels and layouts are the form's and live in plain
 * memory. Must never print, exit, or write a file: office.c writes what
 * is staged, all or nothing per batch.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "form.h"
#include "output.h"
#include "record.h"
#include "util.h"
#include "vault.h"
#include "xlsx.h"

#define BOM		"\xef\xbb\xbf"
/*
 * Longest form id, version and repeat name kept whole in a file name:
 * with "~" and a hash each, "-v", the layout hash and "-codebook.csv",
 * a name stays under 240 bytes (OFFICE_NAME_MAX).
 */
#define FORM_SHOWN	96
#define PART_SHOWN	24
#define META_MAIN	"KEY,kiosk,seq,form_id,form_version,language," \
			"submitted,assisted_by,claim_code"
#define META_REPEAT	"PARENT_KEY,KEY,kiosk,seq,form_id,form_version," \
			"language,submitted,assisted_by,instance"
#define CB_HEAD		"file,column,type,code,language,label\r\n"

/* A growable buffer in secure memory, for plaintext. */
struct sbuf {
	unsigned char	*p;
	size_t		 len, cap;
};

/* One file being added to: its name, and what is staged for it. */
struct layout;

enum stage_kind { ST_MAIN, ST_REPEAT, ST_LONG, ST_CODEBOOK, ST_JSON };

struct stage {
	char		*name;
	char		*header;	/* first line with CRLF; NULL: none */
	int		 exists;	/* on disk (with its header) */
	int		 hdr;		/* header staged in this batch */
	struct sbuf	 data;
	enum stage_kind	 kind;
	struct layout	*lay;		/* main, repeat, long: its layout */
	size_t		 rep;		/* repeat: which */
	/*
	 * With OUTPUT_XLSX, the same rows as cells (cell_add): staged for
	 * this batch, and kept for the run once the batch is written.
	 */
	struct sbuf	 cells, run;
	uint32_t	 nrows, runrows;
};

struct ocol {
	char				*name;
	const struct form_question	*q;	/* NULL: unknown form */
	const struct form_choice	*choice; /* "name/choice" column */
};

struct orepeat {
	char			*name;
	char			*fname;		/* safe in a file name */
	long			 parent;	/* the repeat around it, or -1 */
	int			 depth;		/* repeats around it, plus 1 */
	struct ocol		*cols;
	size_t			 ncols;
	struct stage		*st;
};

struct layout {
	char		*form_id, *version;
	const struct form *form;	/* NULL: derived from a record */
	struct ocol	*cols;
	size_t		 ncols;
	struct orepeat	*reps;
	size_t		 nreps;
	char		*stem;
	struct stage	*main, *longrep, *codebook;
	char		*codebook_text;	/* the codebook, for a new file */
};

struct output {
	char		*outdir;
	int		 flags;
	struct form	**forms;
	size_t		 nforms;
	struct layout	**lay;
	size_t		 nlay;
	struct stage	**st;		/* every stage, in creation order */
	size_t		 nst;
};

/* ---- buffers ---- */

static void
sb_add(struct sbuf *b, const void *d, size_t len)
{
	unsigned char *n;
	size_t cap;

	if (len == 0)
		return;
	if (b->len + len > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (b->len + len > cap)
			cap *= 2;
		n = vault_secure_alloc(cap);
		if (b->len > 0)
			memcpy(n, b->p, b->len);
		vault_secure_free(b->p);
		b->p = n;
		b->cap = cap;
	}
	memcpy(b->p + b->len, d, len);
	b->len += len;
}

static void
sb_adds(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void
sb_free(struct sbuf *b)
{
	vault_secure_free(b->p);
	memset(b, 0, sizeof *b);
}

/* Bytes that replace an invalid one: U+FFFD. */
static const char utf8_bad[] = "\xef\xbf\xbd";
/* Invalid bytes replaced in the JSON of the record being written. */
static unsigned long utf8_fixed;

/* s as valid UTF-8: each invalid byte becomes U+FFFD. */
static void
sb_add_utf8(struct sbuf *b, const char *s)
{
	const unsigned char *p;
	size_t n;

	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		if ((n = utf8_seq_len(p)) == 0) {
			sb_adds(b, utf8_bad);
			n = 1;
		} else
			sb_add(b, p, n);
	}
}

/*
 * Would a spreadsheet evaluate a cell that starts at s? After any
 * leading white space (ASCII, no-break and ideographic spaces), a
 * = + - @ (or their full-width forms, which some spreadsheets fold), a
 * tab, CR or LF.
 */
static int
csv_risky(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (;;) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			return 1;	/* white space first: always quoted */
		if (p[0] == 0xc2 && p[1] == 0xa0) {		/* U+00A0 */
			p += 2;
			continue;
		}
		if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) { /* U+3000 */
			p += 3;
			continue;
		}
		break;
	}
	if (*p != '\0' && strchr("=+-@", *p) != NULL)
		return 1;
	/* U+FF1D = , U+FF0B + , U+FF0D - , U+FF20 @ (full width) */
	if (p[0] == 0xef && p[1] == 0xbc && (p[2] == 0x9d || p[2] == 0x8b ||
	    p[2] == 0x8d))
		return 1;
	if (p[0] == 0xef && p[1] == 0xbc && p[2] == 0xa0)
		return 1;
	return 0;
}

int
output_guarded(const char *s)
{
	return s[0] == '\'' && csv_risky(s + 1);
}

/*
 * One CSV cell (RFC 4180): valid UTF-8 only (U+FFFD for a bad byte), a
 * cell a spreadsheet could evaluate prefixed with ', quoted when needed.
 */
static void
csv_cell(struct sbuf *b, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ';
	const unsigned char *p;
	size_t n;

	if (quote)
		sb_add(b, "\"", 1);
	if (csv_risky(s))
		sb_add(b, "'", 1);
	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		if ((n = utf8_seq_len(p)) == 0) {
			sb_adds(b, utf8_bad);	/* counted by json_str */
			n = 1;
			continue;
		}
		if (*p == '"')
			sb_add(b, "\"", 1);
		sb_add(b, p, n);
	}
	if (quote)
		sb_add(b, "\"", 1);
}

/* The same for a header or codebook line (plain memory). */
static void
csv_plain(struct buf *b, const char *s)
{
	struct sbuf t = { 0 };

	csv_cell(&t, s);
	buf_add(b, t.p, t.len);
	sb_free(&t);
}

static void
sb_put(void *arg, const void *d, size_t len)
{
	sb_add(arg, d, len);
}

/* A JSON string (util.h's one writer), into secure memory. */
static void
json_str(struct sbuf *b, const char *s)
{
	utf8_fixed += json_quote(s, sb_put, b);
}

/*
 * A file-name-safe form of an id: letters, digits, - _ . kept (no leading
 * .), others '_'. If anything changed (or it was empty), or it is over
 * shown bytes, it is cut there and "~" and 16 hex digits of BLAKE2b of the
 * original follow, so "a/b" and "a_b" never share a file, and every name
 * stays within OFFICE_NAME_MAX (office.h) with the longest suffix.
 */
static char *
safe_name(const char *s, size_t shown)
{
	unsigned char h[8];
	char hex[17], *o, *p, *r;
	int changed = *s == '\0';

	o = xstrdup(*s != '\0' ? s : "form");
	for (p = o; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    (*p == '.' && p != o))) {
			*p = '_';
			changed = 1;
		}
	}
	if (!changed && strlen(o) <= shown)
		return o;
	if (strlen(o) > shown)
		o[shown] = '\0';
	vault_hash(h, sizeof h, s, strlen(s));
	hex_encode(hex, h, sizeof h);
	xasprintf(&r, "%s~%s", o, hex);
	free(o);
	return r;
}

void
output_key(struct buf *b, const char *kname, unsigned long long seq)
{
	buf_addf(b, "%s/%llu", kname, seq);
}

/* ---- set-up ---- */

struct output *
output_new(const char *outdir, int flags)
{
	struct output *o;

	o = xcalloc(1, sizeof *o);
	o->outdir = xstrdup(outdir);
	o->flags = flags;
	return o;
}

static void
stage_free(struct stage *s)
{
	free(s->name);
	free(s->header);
	sb_free(&s->data);
	sb_free(&s->cells);
	sb_free(&s->run);
	free(s);
}

static void
cols_free(struct ocol *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(c[i].name);
	free(c);
}

void
output_free(struct output *o)
{
	struct layout *l;
	size_t i, j;

	if (o == NULL)
		return;
	for (i = 0; i < o->nlay; i++) {
		l = o->lay[i];
		free(l->form_id);
		free(l->version);
		cols_free(l->cols, l->ncols);
		for (j = 0; j < l->nreps; j++) {
			free(l->reps[j].name);
			free(l->reps[j].fname);
			cols_free(l->reps[j].cols, l->reps[j].ncols);
		}
		free(l->reps);
		free(l->stem);
		free(l->codebook_text);
		free(l);
	}
	free(o->lay);
	for (i = 0; i < o->nst; i++)
		stage_free(o->st[i]);
	free(o->st);
	for (i = 0; i < o->nforms; i++)
		form_free(o->forms[i]);
	free(o->forms);
	free(o->outdir);
	free(o);
}

void
output_set_flags(struct output *o, int flags)
{
	o->flags = flags;
}

void
output_add_form(struct output *o, struct form *f)
{
	o->forms = xreallocarray(o->forms, o->nforms + 1, sizeof *o->forms);
	o->forms[o->nforms++] = f;
}

static struct form *
find_form(struct output *o, const char *id, const char *version)
{
	size_t i;

	for (i = 0; i < o->nforms; i++) {
		if (strcmp(o->forms[i]->id, id) == 0 &&
		    strcmp(o->forms[i]->version, version) == 0)
			return o->forms[i];
	}
	return NULL;
}

static void
col_add(struct ocol **c, size_t *n, const char *name,
    const struct form_question *q, const struct form_choice *ch)
{
	*c = xreallocarray(*c, *n + 1, sizeof **c);
	(*c)[*n].name = xstrdup(name);
	(*c)[*n].q = q;
	(*c)[*n].choice = ch;
	(*n)++;
}

/* The repeat of layout l that is around question q (innermost), or -1. */
static long
repeat_around(const struct layout *l, const struct form *f,
    const struct form_question *q)
{
	const struct form_question *r;
	size_t i;
	int p;

	for (p = q->parent; p >= 0; p = f->questions[p].parent) {
		r = &f->questions[p];
		if (r->type != FT_BEGIN_REPEAT)
			continue;
		for (i = 0; i < l->nreps; i++)
			if (r->name != NULL && strcmp(l->reps[i].name,
			    r->name) == 0)
				return (long)i;
		return -1;
	}
	return -1;
}

/*
 * A repeat's part of its file name: STEM-codebook.csv is the codebook's,
 * so a repeat named "codebook" is "codebook~repeat" ('~' is in no other
 * safe_name but a hashed one).
 */
static char *
repeat_fname(const char *name)
{
	char *s = safe_name(name, PART_SHOWN), *r;

	if (strcmp(s, "codebook") != 0)
		return s;
	xasprintf(&r, "%s~repeat", s);
	free(s);
	return r;
}

/* The layout a form gives: its stored questions, repeats apart. */
static void
layout_from_form(struct layout *l, const struct form *f)
{
	const struct form_question *q;
	struct ocol **cv;
	size_t i, k, *nv, r;
	const char *cname;
	char *name;
	int p, rep;

	for (i = 0; i < f->nquestions; i++) {
		q = &f->questions[i];
		if (q->type == FT_BEGIN_REPEAT && q->name != NULL) {
			l->reps = xreallocarray(l->reps, l->nreps + 1,
			    sizeof *l->reps);
			memset(&l->reps[l->nreps], 0, sizeof *l->reps);
			l->reps[l->nreps].name = xstrdup(q->name);
			l->reps[l->nreps].fname = repeat_fname(q->name);
			l->reps[l->nreps].parent = repeat_around(l, f, q);
			l->reps[l->nreps].depth = l->reps[l->nreps].parent < 0 ?
			    1 : l->reps[l->reps[l->nreps].parent].depth + 1;
			l->nreps++;
		}
		if (!form_question_stored(q))
			continue;
		rep = -1;
		for (p = q->parent; p >= 0; p = f->questions[p].parent) {
			if (f->questions[p].type == FT_BEGIN_REPEAT) {
				rep = p;
				break;
			}
		}
		cv = &l->cols;
		nv = &l->ncols;
		if (rep >= 0) {
			for (r = 0; r < l->nreps; r++)
				if (f->questions[rep].name != NULL &&
				    strcmp(l->reps[r].name,
				    f->questions[rep].name) == 0)
					break;
			if (r == l->nreps)	/* cannot happen: begin first */
				continue;
			cv = &l->reps[r].cols;
			nv = &l->reps[r].ncols;
		}
		if ((cname = form_question_column(q)) == NULL)
			continue;
		col_add(cv, nv, cname, q, NULL);
		if (qtype_choice_columns(q->type) && q->list != NULL) {
			for (k = 0; k < q->list->nchoices; k++) {
				xasprintf(&name, "%s/%s", cname,
				    q->list->choices[k].name);
				col_add(cv, nv, name, q, &q->list->choices[k]);
				free(name);
			}
		}
	}
}

/*
 * A column name of a record: "name", or "name[i]" / "name[i]/choice" in
 * a repeat (instance i >= 1, base "name" / "name/choice"), with one [i]
 * per repeat around it when repeats nest ("title[2][1]"). Returns the
 * number of [i] (0 outside a repeat), each in path[]; *base is allocated
 * when it is not 0.
 */
static int
split_column(const char *name, char **base, long *path)
{
	const char *br, *p;
	char *end;
	long inst;
	int n = 0;

	*base = NULL;
	if ((br = strchr(name, '[')) == NULL || br == name)
		return 0;
	for (p = br; *p == '[' && n < FORM_REPEAT_DEPTH; p = end + 1) {
		if (p[1] < '1' || p[1] > '9')
			return 0;
		inst = strtol(p + 1, &end, 10);
		if (*end != ']' || inst < 1 || inst > 100000)
			return 0;
		path[n++] = inst;
	}
	if (*p == '[')
		return 0;
	xasprintf(base, "%.*s%s", (int)(br - name), name, p);
	return n;
}

/* The header line of a layout's main file and of each repeat's. */
static char *
header_line(const char *meta, const struct ocol *c, size_t n)
{
	struct buf b = { 0 };
	size_t i;
	char *s;

	buf_adds(&b, meta);
	for (i = 0; i < n; i++) {
		buf_addc(&b, ',');
		csv_plain(&b, c[i].name);
	}
	buf_adds(&b, "\r\n");
	s = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* ---- the codebook ---- */

static const char *
type_name(const struct form_question *q)
{
	return qtype_of(q->type)->codebook;
}

/* Where codebook rows go: CSV text, or a workbook's sheet. */
struct cbsink {
	struct buf	*b;
	struct xlsx	*x;
	uint32_t	 row;
};

static void
cb_row(struct cbsink *k, const char *file, const char *col, const char *type,
    const char *code, const char *lang, const char *label)
{
	const char *v[6] = { file, col, type, code, lang, label };
	size_t i;

	for (i = 0; i < 6; i++) {
		if (k->x != NULL) {
			xlsx_text(k->x, k->row, (uint16_t)i, v[i], XLSX_PLAIN);
			continue;
		}
		if (i > 0)
			buf_addc(k->b, ',');
		csv_plain(k->b, v[i]);
	}
	if (k->x == NULL)
		buf_adds(k->b, "\r\n");
	k->row++;
}

/* One row per language that has a text (the untranslated one as ""). */
static void
cb_text(struct cbsink *b, const struct form *f, const char *file,
    const char *col, const char *type, const char *code,
    const struct form_text *t)
{
	size_t i;
	int any = 0;

	if (t->plain != NULL && *t->plain != '\0') {
		cb_row(b, file, col, type, code, "", t->plain);
		any = 1;
	}
	for (i = 0; i < f->nlangs; i++) {
		if (t->by_lang == NULL || t->by_lang[i] == NULL ||
		    *t->by_lang[i] == '\0')
			continue;
		cb_row(b, file, col, type, code, *f->langs[i].code != '\0' ?
		    f->langs[i].code : f->langs[i].name, t->by_lang[i]);
		any = 1;
	}
	if (!any)
		cb_row(b, file, col, type, code, "", "");
}

static const struct {
	const char	*col, *what;
} meta_doc[] = {
	{ "PARENT_KEY", "repeats: the KEY of the submission this entry is in, "
	    "or of the entry of the repeat around it" },
	{ "KEY", "the key of the row: kiosk/seq for a submission, "
	    "kiosk/seq/repeat[instance] for an entry of a repeat, "
	    "kiosk/seq/outer[i]/inner[j] for one of a repeat in a repeat" },
	{ "kiosk", "the kiosk's name" },
	{ "seq", "the submission's number at that kiosk" },
	{ "form_id", "the form" },
	{ "form_version", "the form's version" },
	{ "language", "the language the resident used" },
	{ "submitted", "the day of submission (YYYY-MM-DD)" },
	{ "assisted_by", "the number of the volunteer who helped, empty if "
	    "nobody did" },
	{ "claim_code", "the code on the resident's ticket" },
	{ "instance", "repeats: the entry's number, from 1" },
	{ "column", "long repeats: the column of the entry" },
	{ "value", "long repeats: its value" },
};

static void
cb_cols(struct cbsink *b, const struct form *f, const char *file,
    const struct ocol *c, size_t n)
{
	const struct form_question *q;
	size_t i, k;
	char type[160];

	for (i = 0; i < n; i++) {
		q = c[i].q;
		if (q == NULL) {
			cb_row(b, file, c[i].name, "unknown", "", "",
			    "(the form was not given to kiosk open)");
			continue;
		}
		if (c[i].choice != NULL) {
			cb_text(b, f, file, c[i].name, "choice (1 chosen, 0 "
			    "not)", c[i].choice->name, &c[i].choice->label);
			continue;
		}
		snprintf(type, sizeof type, "%s%s%s", type_name(q),
		    q->list != NULL ? " " : "",
		    q->list != NULL ? form_list_name(q->list) : "");
		cb_text(b, f, file, c[i].name, type, "", &q->label);
		if (q->list == NULL)
			continue;
		for (k = 0; k < q->list->nchoices; k++)
			cb_text(b, f, file, c[i].name, "choice",
			    q->list->choices[k].name,
			    &q->list->choices[k].label);
	}
}

/* The codebook rows of a layout; names[] are its main and repeats' files. */
static void
codebook_rows(struct cbsink *k, const struct layout *l, const char *mainname,
    const char *const *repnames, const char *longname)
{
	size_t i;

	for (i = 0; i < nitems(meta_doc); i++)
		cb_row(k, "", meta_doc[i].col, "meta", "", "en",
		    meta_doc[i].what);
	cb_row(k, "", "", "meta", OUTPUT_NOT_ASKED, "en", "the question "
	    "was not asked (not relevant); an empty cell is an empty answer");
	cb_cols(k, l->form, mainname, l->cols, l->ncols);
	for (i = 0; i < l->nreps; i++)
		cb_cols(k, l->form, repnames[i], l->reps[i].cols,
		    l->reps[i].ncols);
	if (longname != NULL)
		cb_row(k, longname, "", "repeats, long", "", "", "(the form "
		    "was not given to kiosk open: one row per answer in an "
		    "entry of a repeat)");
}

static char *
codebook_text(const struct layout *l)
{
	struct buf b = { 0 };
	struct cbsink k = { &b, NULL, 0 };
	const char **rn;
	size_t i;
	char *s;

	rn = xcalloc(l->nreps + 1, sizeof *rn);
	for (i = 0; i < l->nreps; i++)
		rn[i] = l->reps[i].st->name;
	buf_adds(&b, CB_HEAD);
	codebook_rows(&k, l, l->main->name, rn, l->longrep != NULL ?
	    l->longrep->name : NULL);
	free(rn);
	s = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

/*
 * The first line of an existing file, without a byte-order mark, or ""
 * (never NULL). An empty file does not exist. Never follows a link or
 * blocks on a FIFO: such a file exists with an unreadable header, so it
 * is never chosen.
 */
static char *
existing_header(const char *dir, const char *file, int *exists)
{
	char *path, *line = NULL;
	size_t cap = 0;
	struct stat sb;
	FILE *f;
	int fd;

	xasprintf(&path, "%s/%s", dir, file);
	*exists = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1 && errno != ENOENT)
		*exists = 1;
	if (fd != -1 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
		*exists = 1;
		close(fd);
		fd = -1;
		line = xstrdup("\n");	/* matches no header */
	}
	if (fd != -1 && sb.st_size == 0) {
		close(fd);
		fd = -1;
	}
	if (fd != -1 && (f = fdopen(fd, "r")) != NULL) {
		*exists = 1;
		if (getline(&line, &cap, f) == -1) {
			free(line);
			line = xstrdup("");
		}
		fclose(f);
		if (strncmp(line, BOM, 3) == 0)
			memmove(line, line + 3, strlen(line + 3) + 1);
	} else if (fd != -1)
		close(fd);
	if (*exists && line == NULL)
		line = xstrdup("\n");
	free(path);
	return line != NULL ? line : xstrdup("");
}

static struct stage *
find_stage(struct output *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->nst; i++)
		if (strcmp(o->st[i]->name, name) == 0)
			return o->st[i];
	return NULL;
}

static struct stage *
new_stage(struct output *o, const char *name, const char *header,
    int exists, enum stage_kind kind, struct layout *l, size_t rep)
{
	struct stage *s;

	s = xcalloc(1, sizeof *s);
	s->kind = kind;
	s->lay = l;
	s->rep = rep;
	s->name = xstrdup(name);
	s->header = header != NULL ? xstrdup(header) : NULL;
	s->exists = exists;
	o->st = xreallocarray(o->st, o->nst + 1, sizeof *o->st);
	o->st[o->nst++] = s;
	return s;
}

/*
 * Can file name hold header: staged with that header in this run, or on
 * disk with it, or free? -1: taken by another layout.
 */
static int
file_fits(struct output *o, const char *name, const char *header,
    int *exists)
{
	struct stage *s;
	char *eh;
	int ok;

	*exists = 0;
	if ((s = find_stage(o, name)) != NULL) {
		*exists = s->exists;
		return s->header != NULL && header != NULL &&
		    strcmp(s->header, header) == 0 ? 0 : -1;
	}
	eh = existing_header(o->outdir, name, exists);
	ok = !*exists || header == NULL || strcmp(eh, header) == 0;
	free(eh);
	return ok ? 0 : -1;
}

/*
 * The stem and the stages of a new layout. With hashed, never the plain
 * FORM-vVERSION stem: a layout derived from a record of a form the office
 * has must not share the form's files (or write the version's codebook).
 */
static void
layout_files(struct output *o, struct layout *l, int hashed)
{
	struct buf h = { 0 };
	unsigned char hash[4];
	char hex[9], *form, *ver, *stem = NULL, *name, *mh, **rh, *lh;
	int ex, tries, fits;
	size_t i;

	form = safe_name(l->form_id, FORM_SHOWN);
	ver = *l->version != '\0' ? safe_name(l->version, PART_SHOWN) : NULL;
	mh = header_line(META_MAIN, l->cols, l->ncols);
	rh = xcalloc(l->nreps + 1, sizeof *rh);
	buf_adds(&h, mh);
	for (i = 0; i < l->nreps; i++) {
		rh[i] = header_line(META_REPEAT, l->reps[i].cols,
		    l->reps[i].ncols);
		buf_adds(&h, rh[i]);
	}
	lh = xstrdup(META_REPEAT ",column,value\r\n");
	vault_hash(hash, sizeof hash, h.data, h.len);
	hex_encode(hex, hash, sizeof hash);
	buf_free(&h);
	for (tries = hashed ? 1 : 0;; tries++) {
		free(stem);
		if (tries == 0)
			xasprintf(&stem, "%s%s%s", form, ver ? "-v" : "",
			    ver ? ver : "");
		else
			xasprintf(&stem, "%s%s%s-%s%.0d", form, ver ? "-v" : "",
			    ver ? ver : "", hex, tries > 1 ? tries : 0);
		xasprintf(&name, "%s.csv", stem);
		fits = file_fits(o, name, mh, &ex) == 0;
		free(name);
		for (i = 0; fits && i < l->nreps; i++) {
			xasprintf(&name, "%s-%s.csv", stem, l->reps[i].fname);
			fits = file_fits(o, name, rh[i], &ex) == 0;
			free(name);
		}
		if (fits && l->form == NULL) {
			xasprintf(&name, "%s-repeats.csv", stem);
			fits = file_fits(o, name, lh, &ex) == 0;
			free(name);
		}
		/* The codebook's name too: a repeat or a version may take it. */
		if (fits) {
			xasprintf(&name, "%s-codebook.csv", stem);
			fits = file_fits(o, name, CB_HEAD, &ex) == 0;
			free(name);
		}
		if (fits || tries > 1000)
			break;
	}
	l->stem = stem;
	xasprintf(&name, "%s.csv", stem);
	if ((l->main = find_stage(o, name)) == NULL) {
		file_fits(o, name, mh, &ex);
		l->main = new_stage(o, name, mh, ex, ST_MAIN, l, 0);
	}
	free(name);
	for (i = 0; i < l->nreps; i++) {
		xasprintf(&name, "%s-%s.csv", stem, l->reps[i].fname);
		if ((l->reps[i].st = find_stage(o, name)) == NULL) {
			file_fits(o, name, rh[i], &ex);
			l->reps[i].st = new_stage(o, name, rh[i], ex,
			    ST_REPEAT, l, i);
		}
		free(name);
	}
	if (l->form == NULL) {
		xasprintf(&name, "%s-repeats.csv", stem);
		if ((l->longrep = find_stage(o, name)) == NULL) {
			file_fits(o, name, lh, &ex);
			l->longrep = new_stage(o, name, lh, ex, ST_LONG,
			    l, 0);
		}
		free(name);
	}
	xasprintf(&name, "%s-codebook.csv", stem);
	if ((l->codebook = find_stage(o, name)) == NULL) {
		file_fits(o, name, CB_HEAD, &ex);
		l->codebook = new_stage(o, name, CB_HEAD, ex, ST_CODEBOOK,
		    l, 0);
	}
	free(name);
	l->codebook_text = codebook_text(l);
	for (i = 0; i < l->nreps; i++)
		free(rh[i]);
	free(rh);
	free(mh);
	free(lh);
	free(form);
	free(ver);
}

/* ---- records ---- */

/* Where each of a record's columns goes. */
struct placed {
	long	col;		/* main column, or -1 */
	size_t	rep;		/* repeat, if col == -1 */
	long	rcol;		/* column in the repeat */
	int	depth;		/* [i] in its name: 0 for a main column */
	long	path[FORM_REPEAT_DEPTH];
};

/*
 * One entry of a repeat in a record (rep, path; rcol -1), or one of its
 * answers (rcol >= 0, record column i). Sorted by repeat, path, column.
 */
struct entry {
	size_t	rep;
	long	path[FORM_REPEAT_DEPTH];
	long	rcol;
	size_t	i;
};

static int
entry_cmp(const void *va, const void *vb)
{
	const struct entry *a = va, *b = vb;
	int k;

	if (a->rep != b->rep)
		return a->rep < b->rep ? -1 : 1;
	for (k = 0; k < FORM_REPEAT_DEPTH; k++)
		if (a->path[k] != b->path[k])
			return a->path[k] < b->path[k] ? -1 : 1;
	if (a->rcol != b->rcol)
		return a->rcol < b->rcol ? -1 : 1;
	return 0;
}

/*
 * The entries of the repeats in a placed record (*ne of them), each
 * once: every entry that has an answer, and the entries of the outer
 * repeats around them (an outer entry whose own questions are all
 * notes still gets its row, so its inner entries have a PARENT_KEY).
 * And the answers (*na), in the same order.
 */
static struct entry *
entries(const struct layout *l, const struct placed *pl, size_t n,
    size_t *ne, struct entry **answers, size_t *na)
{
	struct entry *e = NULL, *a = NULL, x;
	size_t i, m = 0, k = 0, cap = 0;
	long r;

	for (i = 0; i < n; i++) {
		if (pl[i].col >= 0)
			continue;
		memset(&x, 0, sizeof x);
		x.rep = pl[i].rep;
		memcpy(x.path, pl[i].path, sizeof x.path);
		x.rcol = pl[i].rcol;
		x.i = i;
		a = xreallocarray(a, k + 1, sizeof *a);
		a[k++] = x;
		x.rcol = -1;
		for (r = (long)pl[i].rep; r >= 0; r = l->reps[r].parent) {
			x.rep = (size_t)r;
			if (l->reps[r].depth < FORM_REPEAT_DEPTH)
				x.path[l->reps[r].depth] = 0;
			if (m == cap) {
				cap = cap ? cap * 2 : 16;
				e = xreallocarray(e, cap, sizeof *e);
			}
			e[m++] = x;
		}
	}
	if (m > 0)
		qsort(e, m, sizeof *e, entry_cmp);
	if (k > 0)
		qsort(a, k, sizeof *a, entry_cmp);
	for (i = 0, *ne = 0; i < m; i++)
		if (*ne == 0 || entry_cmp(&e[*ne - 1], &e[i]) != 0)
			e[(*ne)++] = e[i];
	*answers = a;
	*na = k;
	return e;
}

/* Is answer a in entry e (same repeat, same path)? */
static int
entry_has(const struct entry *e, const struct entry *a)
{
	return a->rep == e->rep && memcmp(a->path, e->path,
	    sizeof a->path) == 0;
}

/*
 * The repeat (*j) and its column (*k) of base, a column of a repeat d
 * deep; -1 if no repeat that deep has it.
 */
static int
repeat_column(const struct layout *l, const char *base, int d, size_t *j,
    size_t *k)
{
	for (*j = 0; *j < l->nreps; (*j)++) {
		for (*k = 0; *k < l->reps[*j].ncols; (*k)++)
			if (strcmp(l->reps[*j].cols[*k].name, base) == 0)
				return l->reps[*j].depth == d ? 0 : -1;
	}
	return -1;
}

/*
 * Place the record's columns in layout l (from a form). -1 if they do not
 * fit: a column the form does not have, or a main column missing or twice,
 * or an entry of a repeat without each of its columns once.
 */
static int
place(const struct layout *l, const struct record *r, struct placed *pl,
    unsigned char *seen)
{
	const char *name;
	char *base;
	struct entry *e, *a;
	size_t i, j = 0, k = 0, n = record_ncolumns(r), cur = 0, ne, na, m;
	int rc = 0, d;

	memset(seen, 0, l->ncols ? l->ncols : 1);
	for (i = 0; i < n && rc == 0; i++) {
		record_column(r, i, &name, NULL, NULL);
		memset(pl[i].path, 0, sizeof pl[i].path);
		d = split_column(name, &base, pl[i].path);
		/* "q/a[1]" of a choice a[1] is a main column, not an entry. */
		if (d > 0 && repeat_column(l, base, d, &j, &k) != 0) {
			free(base);
			base = NULL;
			memset(pl[i].path, 0, sizeof pl[i].path);
			d = 0;
		}
		pl[i].col = -1;
		pl[i].depth = d;
		if (d == 0) {
			/* Usually in order: look from the last one on. */
			for (k = 0; k < l->ncols; k++) {
				j = (cur + k) % l->ncols;
				if (strcmp(l->cols[j].name, name) == 0)
					break;
			}
			if (k == l->ncols || seen[j]) {
				rc = -1;
				break;
			}
			seen[j] = 1;
			pl[i].col = (long)j;
			cur = j + 1;
			continue;
		}
		free(base);
		pl[i].rep = j;
		pl[i].rcol = (long)k;
	}
	for (j = 0; rc == 0 && j < l->ncols; j++)
		if (!seen[j])
			rc = -1;
	if (rc != 0)
		return rc;
	/* Every entry of a repeat has each of its columns once. */
	e = entries(l, pl, n, &ne, &a, &na);
	for (i = 0, k = 0; rc == 0 && i < ne; i++) {
		for (m = 0; k < na && entry_has(&e[i], &a[k]); k++, m++)
			if (a[k].rcol != (long)m)
				rc = -1;
		if (m != l->reps[e[i].rep].ncols)
			rc = -1;
		/* Entries 1, 2, ... in each entry of the repeats around. */
		d = l->reps[e[i].rep].depth - 1;
		if (i > 0 && e[i - 1].rep == e[i].rep &&
		    memcmp(e[i - 1].path, e[i].path, (size_t)d *
		    sizeof *e[i].path) == 0) {
			if (e[i].path[d] != e[i - 1].path[d] + 1)
				rc = -1;
		} else if (e[i].path[d] != 1)
			rc = -1;
	}
	free(e);
	free(a);
	return rc;
}

static struct layout *
new_layout(struct output *o, const char *form_id, const char *version,
    const struct form *f)
{
	struct layout *l;

	l = xcalloc(1, sizeof *l);
	l->form_id = xstrdup(form_id);
	l->version = xstrdup(version);
	l->form = f;
	o->lay = xreallocarray(o->lay, o->nlay + 1, sizeof *o->lay);
	o->lay[o->nlay++] = l;
	return l;
}

/* The form's layout of form_id/version, made on first use; NULL if none. */
static struct layout *
form_layout(struct output *o, const char *form_id, const char *version)
{
	struct layout *l;
	struct form *f;
	size_t i;

	for (i = 0; i < o->nlay; i++) {
		l = o->lay[i];
		if (l->form != NULL && strcmp(l->form_id, form_id) == 0 &&
		    strcmp(l->version, version) == 0)
			return l;
	}
	if ((f = find_form(o, form_id, version)) == NULL)
		return NULL;
	l = new_layout(o, form_id, version, f);
	layout_from_form(l, f);
	layout_files(o, l, 0);
	return l;
}

/* A layout from the record's own columns (repeats go to the long file). */
static struct layout *
derived_layout(struct output *o, const char *form_id, const char *version,
    const struct record *r)
{
	struct layout *l;
	const char *name;
	char *base;
	size_t i, j, k, n = record_ncolumns(r), m;
	long path[FORM_REPEAT_DEPTH];

	for (i = 0; i < o->nlay; i++) {
		l = o->lay[i];
		if (l->form != NULL || strcmp(l->form_id, form_id) != 0 ||
		    strcmp(l->version, version) != 0)
			continue;
		/* The same main columns in the same order? */
		for (j = 0, m = 0; j < n; j++) {
			record_column(r, j, &name, NULL, NULL);
			if (split_column(name, &base, path) != 0) {
				free(base);
				continue;
			}
			if (m >= l->ncols || strcmp(l->cols[m].name, name) != 0)
				break;
			m++;
		}
		if (j == n && m == l->ncols)
			return l;
	}
	l = new_layout(o, form_id, version, NULL);
	for (k = 0; k < n; k++) {
		record_column(r, k, &name, NULL, NULL);
		if (split_column(name, &base, path) != 0) {
			free(base);
			continue;
		}
		col_add(&l->cols, &l->ncols, name, NULL, NULL);
	}
	layout_files(o, l, find_form(o, form_id, version) != NULL);
	return l;
}

/* Rows are added to a stage; a new file gets its mark and header first. */
static struct sbuf *
stage_rows(struct output *o, struct stage *s)
{
	if (!s->exists && !s->hdr) {
		if (!(o->flags & OUTPUT_NO_BOM))
			sb_adds(&s->data, BOM);
		sb_adds(&s->data, s->header);
		s->hdr = 1;
	}
	return &s->data;
}

/* One row's cells, before they go to a CSV file (and the workbook). */
struct rowb {
	const char	**v;
	unsigned char	 *asked;	/* 0: not asked */
	size_t		  n, cap;
	char		  seq[24], assisted[16], inst[24];
};

static void
cell(struct rowb *rb, const char *v, int asked)
{
	if (rb->n == rb->cap) {
		rb->cap = rb->cap ? rb->cap * 2 : 32;
		rb->v = xreallocarray(rb->v, rb->cap, sizeof *rb->v);
		rb->asked = xreallocarray(rb->asked, rb->cap, 1);
	}
	rb->v[rb->n] = v != NULL ? v : "";
	rb->asked[rb->n] = asked ? 1 : 0;
	rb->n++;
}

/* kiosk .. assisted_by, as in META_MAIN and META_REPEAT. */
static void
meta_cells(struct rowb *rb, const char *kname, const struct record_head *h)
{
	snprintf(rb->seq, sizeof rb->seq, "%llu", (unsigned long long)h->seq);
	rb->assisted[0] = '\0';
	if (h->assisted_by != 0)
		snprintf(rb->assisted, sizeof rb->assisted, "%u",
		    h->assisted_by);
	cell(rb, kname, 1);
	cell(rb, rb->seq, 1);
	cell(rb, h->form_id, 1);
	cell(rb, h->form_version, 1);
	cell(rb, h->lang, 1);
	cell(rb, h->date, 1);
	cell(rb, rb->assisted, 1);
}

static void
sb_u32(struct sbuf *b, uint32_t v)
{
	unsigned char x[4] = { v, v >> 8, v >> 16, v >> 24 };

	sb_add(b, x, 4);
}

/* The row to the stage's CSV, and to its cells for a workbook. */
static void
emit(struct output *o, struct stage *s, struct rowb *rb)
{
	struct sbuf *b = stage_rows(o, s);
	size_t i;

	for (i = 0; i < rb->n; i++) {
		if (i > 0)
			sb_add(b, ",", 1);
		if (!rb->asked[i])
			sb_adds(b, OUTPUT_NOT_ASKED);
		else
			csv_cell(b, rb->v[i]);
	}
	sb_add(b, "\r\n", 2);
	if (o->flags & OUTPUT_XLSX) {
		struct sbuf t = { 0 };

		sb_u32(&s->cells, (uint32_t)rb->n);
		for (i = 0; i < rb->n; i++) {
			t.len = 0;
			sb_add_utf8(&t, rb->v[i]);	/* XML needs UTF-8 */
			sb_add(&s->cells, &rb->asked[i], 1);
			sb_u32(&s->cells, (uint32_t)t.len);
			if (t.len > 0)
				sb_add(&s->cells, t.p, t.len);
		}
		sb_free(&t);
		s->nrows++;
	}
	rb->n = 0;
}

static void
rowb_free(struct rowb *rb)
{
	free(rb->v);
	free(rb->asked);
}

static void
json_row(struct output *o, const char *kname, const struct record_head *h,
    const struct record *r)
{
	struct stage *s;
	struct sbuf *b;
	const char *name, *value;
	char num[32], *form, *file;
	size_t i, n = record_ncolumns(r);
	int rel;

	form = safe_name(h->form_id, FORM_SHOWN);
	xasprintf(&file, "%s.jsonl", form);
	free(form);
	if ((s = find_stage(o, file)) == NULL)
		s = new_stage(o, file, NULL, 1, ST_JSON, NULL, 0);
	free(file);
	b = &s->data;
	sb_adds(b, "{\"kiosk\":");
	json_str(b, kname);
	snprintf(num, sizeof num, "%llu", (unsigned long long)h->seq);
	sb_adds(b, ",\"seq\":");
	sb_adds(b, num);
	sb_adds(b, ",\"claim_code\":");
	json_str(b, h->claim);
	sb_adds(b, ",\"date\":");
	json_str(b, h->date);
	sb_adds(b, ",\"language\":");
	json_str(b, h->lang);
	sb_adds(b, ",\"form_id\":");
	json_str(b, h->form_id);
	sb_adds(b, ",\"form_version\":");
	json_str(b, h->form_version);
	snprintf(num, sizeof num, "%u", h->assisted_by);
	sb_adds(b, ",\"assisted_by\":");
	sb_adds(b, num);
	sb_adds(b, ",\"answers\":{");
	for (i = 0; i < n; i++) {
		record_column(r, i, &name, &value, &rel);
		if (i > 0)
			sb_add(b, ",", 1);
		json_str(b, name);
		sb_add(b, ":", 1);
		if (rel)
			json_str(b, value);
		else
			sb_adds(b, "null");
	}
	sb_adds(b, "}}\n");
}

/*
 * The KEY of an entry of repeat rep: the submission's key, then each
 * repeat around it and itself with its instance, "kiosk/seq/member[2]/
 * job[1]", as ODK Central's exports write nested repeats.
 */
static void
entry_key(struct buf *b, const struct layout *l, const char *key,
    const struct entry *e)
{
	long chain[FORM_REPEAT_DEPTH], r;
	int n = 0, k;

	for (r = (long)e->rep; r >= 0 && n < FORM_REPEAT_DEPTH;
	    r = l->reps[r].parent)
		chain[n++] = r;
	b->len = 0;
	buf_adds(b, key);
	for (k = n - 1; k >= 0; k--)
		buf_addf(b, "/%s[%ld]", l->reps[chain[k]].name,
		    e->path[n - 1 - k]);
}

/* The main row and the repeat rows of a record placed in a form layout. */
static void
form_rows(struct output *o, struct layout *l, const char *kname,
    const struct record_head *h, const struct record *r,
    const struct placed *pl)
{
	struct buf key = { 0 }, rkey = { 0 }, pkey = { 0 };
	struct rowb rb = { 0 };
	struct entry *e, *a, pe;
	const char **val;
	const char *value;
	int *rel, rl, d;
	size_t i, j, k, n = record_ncolumns(r), maxc = l->ncols, ne, na;

	for (j = 0; j < l->nreps; j++)
		if (l->reps[j].ncols > maxc)
			maxc = l->reps[j].ncols;
	val = xcalloc(maxc ? maxc : 1, sizeof *val);
	rel = xcalloc(maxc ? maxc : 1, sizeof *rel);
	output_key(&key, kname, (unsigned long long)h->seq);

	for (i = 0; i < n; i++) {
		if (pl[i].col < 0)
			continue;
		record_column(r, i, NULL, &value, &rl);
		val[pl[i].col] = value;
		rel[pl[i].col] = rl;
	}
	cell(&rb, buf_cstr(&key), 1);
	meta_cells(&rb, kname, h);
	cell(&rb, h->claim, 1);
	for (k = 0; k < l->ncols; k++)
		cell(&rb, val[k], rel[k]);
	emit(o, l->main, &rb);

	/* One row per entry, in the order of repeats and paths. */
	e = entries(l, pl, n, &ne, &a, &na);
	for (i = 0, k = 0; i < ne; i++) {
		j = e[i].rep;
		d = l->reps[j].depth;
		for (size_t c = 0; c < l->reps[j].ncols; c++) {
			val[c] = "";
			rel[c] = 0;
		}
		for (; k < na && entry_has(&e[i], &a[k]); k++) {
			record_column(r, a[k].i, NULL, &value, &rl);
			val[a[k].rcol] = value;
			rel[a[k].rcol] = rl;
		}
		entry_key(&rkey, l, buf_cstr(&key), &e[i]);
		if (l->reps[j].parent >= 0) {
			pe = e[i];
			pe.rep = (size_t)l->reps[j].parent;
			pe.path[d - 1] = 0;
			entry_key(&pkey, l, buf_cstr(&key), &pe);
		} else {
			pkey.len = 0;
			buf_adds(&pkey, buf_cstr(&key));
		}
		snprintf(rb.inst, sizeof rb.inst, "%ld", e[i].path[d - 1]);
		cell(&rb, buf_cstr(&pkey), 1);
		cell(&rb, buf_cstr(&rkey), 1);
		meta_cells(&rb, kname, h);
		cell(&rb, rb.inst, 1);
		for (size_t c = 0; c < l->reps[j].ncols; c++)
			cell(&rb, val[c], rel[c]);
		emit(o, l->reps[j].st, &rb);
	}
	free(e);
	free(a);
	rowb_free(&rb);
	free(val);
	free(rel);
	buf_free(&key);
	buf_free(&rkey);
	buf_free(&pkey);
}

/*
 * A record in a layout made from a record: repeats in the long file, one
 * row per answer; KEY "kiosk/seq/2/1" for "name[2][1]", whose PARENT_KEY
 * is "kiosk/seq/2" (the submission's KEY for "name[2]").
 */
static void
derived_rows(struct output *o, struct layout *l, const char *kname,
    const struct record_head *h, const struct record *r)
{
	struct buf key = { 0 }, rkey = { 0 }, pkey = { 0 };
	struct rowb rb = { 0 };
	const char *name, *value;
	char *base;
	size_t i, n = record_ncolumns(r);
	long path[FORM_REPEAT_DEPTH];
	int rl, d, k;

	output_key(&key, kname, (unsigned long long)h->seq);
	cell(&rb, buf_cstr(&key), 1);
	meta_cells(&rb, kname, h);
	cell(&rb, h->claim, 1);
	for (i = 0; i < n; i++) {
		record_column(r, i, &name, &value, &rl);
		if (split_column(name, &base, path) != 0) {
			free(base);
			continue;
		}
		cell(&rb, value, rl);
	}
	emit(o, l->main, &rb);
	for (i = 0; i < n; i++) {
		record_column(r, i, &name, &value, &rl);
		if ((d = split_column(name, &base, path)) == 0)
			continue;
		pkey.len = 0;
		buf_adds(&pkey, buf_cstr(&key));
		for (k = 0; k < d - 1; k++)
			buf_addf(&pkey, "/%ld", path[k]);
		rkey.len = 0;
		buf_addf(&rkey, "%s/%ld", buf_cstr(&pkey), path[d - 1]);
		snprintf(rb.inst, sizeof rb.inst, "%ld", path[d - 1]);
		cell(&rb, buf_cstr(&pkey), 1);
		cell(&rb, buf_cstr(&rkey), 1);
		meta_cells(&rb, kname, h);
		cell(&rb, rb.inst, 1);
		cell(&rb, base, 1);
		cell(&rb, value, rl);
		emit(o, l->longrep, &rb);
		free(base);
	}
	rowb_free(&rb);
	buf_free(&key);
	buf_free(&rkey);
	buf_free(&pkey);
}

void
output_record(struct output *o, const char *kname,
    const struct record_head *h, const struct record *r, struct buf *notes)
{
	struct layout *l;
	struct placed *pl;
	unsigned char *seen;
	size_t n = record_ncolumns(r);

	utf8_fixed = 0;
	json_row(o, kname, h, r);	/* counts the bytes it fixed */
	if ((l = form_layout(o, h->form_id, h->form_version)) != NULL) {
		pl = xcalloc(n ? n : 1, sizeof *pl);
		seen = xcalloc(l->ncols ? l->ncols : 1, 1);
		if (place(l, r, pl, seen) == 0)
			form_rows(o, l, kname, h, r, pl);
		else
			l = NULL;
		free(pl);
		free(seen);
		if (l == NULL) {
			l = derived_layout(o, h->form_id, h->form_version, r);
			buf_addf(notes, "NOTE: submission %s/%llu does not have "
			    "the columns of its form (%s, version %s) as given "
			    "with --forms; it is in %s.\n", kname,
			    (unsigned long long)h->seq, l->form_id,
			    l->version, l->main->name);
			derived_rows(o, l, kname, h, r);
		}
	} else {
		l = derived_layout(o, h->form_id, h->form_version, r);
		derived_rows(o, l, kname, h, r);
	}
	if (utf8_fixed > 0)
		buf_addf(notes, "WARNING: submission %llu of kiosk \"%s\" held "
		    "%lu bytes that are not UTF-8; each was written as "
		    "U+FFFD.\n", (unsigned long long)h->seq, kname, utf8_fixed);
	/* A new form version's codebook comes with its first rows. */
	if (!l->codebook->exists && !l->codebook->hdr) {
		if (!(o->flags & OUTPUT_NO_BOM))
			sb_adds(&l->codebook->data, BOM);
		sb_adds(&l->codebook->data, l->codebook_text);
		l->codebook->hdr = 1;
	}
}

size_t
output_nfiles(const struct output *o)
{
	return o->nst;
}

void
output_file(const struct output *o, size_t i, const char **name,
    const unsigned char **data, size_t *len)
{
	*name = o->st[i]->name;
	*data = o->st[i]->data.p;
	*len = o->st[i]->data.len;
}

void
output_flushed(struct output *o, size_t i)
{
	struct sbuf *b = &o->st[i]->data;

	if (b->len > 0)
		vault_wipe(b->p, b->len);
	b->len = 0;
}

void
output_done(struct output *o, int written)
{
	size_t i;

	char *path;

	/* What is on disk decides, whatever happened to the writes. */
	for (i = 0; i < o->nst; i++) {
		if (written && o->st[i]->cells.len > 0) {
			sb_add(&o->st[i]->run, o->st[i]->cells.p,
			    o->st[i]->cells.len);
			o->st[i]->runrows += o->st[i]->nrows;
		}
		sb_free(&o->st[i]->cells);
		o->st[i]->nrows = 0;
		if (o->st[i]->hdr || o->st[i]->data.len > 0) {
			xasprintf(&path, "%s/%s", o->outdir, o->st[i]->name);
			o->st[i]->exists = written || path_exists(path);
			free(path);
		}
		o->st[i]->hdr = 0;
		sb_free(&o->st[i]->data);
	}
}

/* ---- the workbook ---- */

static uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* Does the text start right to left (Hebrew, Arabic and their forms)? */
static int
rtl_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;

	for (; *p != '\0'; p++) {
		if (*p < 0x80) {
			if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
				return 0;
			continue;
		}
		if ((p[0] & 0xe0) == 0xc0 && p[1] != '\0')
			cp = (unsigned)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
		else if ((p[0] & 0xf0) == 0xe0 && p[1] != '\0' && p[2] != '\0')
			cp = (unsigned)(p[0] & 0x0f) << 12 |
			    (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
		else
			continue;
		return (cp >= 0x590 && cp <= 0x8ff) ||
		    (cp >= 0xfb1d && cp <= 0xfdff) ||
		    (cp >= 0xfe70 && cp <= 0xfeff);
	}
	return 0;
}

static int
whole_number(const char *s, double *v)
{
	char *end;

	if (*s == '\0' || *s == ' ' || strlen(s) > 15)
		return 0;
	*v = strtod(s, &end);
	return *end == '\0' && strspn(s, "-0123456789.") == strlen(s);
}

static int
ymd(const char *s, int *y, int *m, int *d)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d", y, m, d) != 3)
		return 0;
	return *y >= 1900 && *y <= 9999 && *m >= 1 && *m <= 12 &&
	    *d >= 1 && *d <= 31;
}

static const struct form_choice *
find_choice(const struct form_list *l, const char *code, size_t len)
{
	size_t i;

	for (i = 0; l != NULL && i < l->nchoices; i++)
		if (strlen(l->choices[i].name) == len &&
		    memcmp(l->choices[i].name, code, len) == 0)
			return &l->choices[i];
	return NULL;
}

/* A column of a sheet: a fixed one (by name) or a question's. */
struct xcol {
	const char		*name;
	const struct ocol	*oc;	/* NULL: fixed */
};

static void
text_cell(struct xlsx *x, uint32_t r, uint16_t c, const char *v)
{
	xlsx_text(x, r, c, v, rtl_text(v) ? XLSX_RTL : XLSX_PLAIN);
}

static void
xlsx_cell(struct xlsx *x, uint32_t r, uint16_t c, const struct xcol *xc,
    const struct form *f, const char *lang, const char *v)
{
	const struct form_question *q;
	const struct form_choice *ch;
	struct buf b = { 0 };
	enum qtype_cell cell;
	const char *p;
	double num;
	int y, m, d;
	size_t n;

	if (*v == '\0')
		return;
	if (xc->oc == NULL) {
		if ((strcmp(xc->name, "seq") == 0 ||
		    strcmp(xc->name, "assisted_by") == 0 ||
		    strcmp(xc->name, "instance") == 0) && whole_number(v, &num))
			xlsx_number(x, r, c, num);
		else if (strcmp(xc->name, "submitted") == 0 && ymd(v, &y, &m, &d))
			xlsx_date(x, r, c, y, m, d);
		else
			text_cell(x, r, c, v);
		return;
	}
	q = xc->oc->q;
	if (q == NULL) {
		text_cell(x, r, c, v);
		return;
	}
	cell = qtype_of(q->type)->cell;
	if (xc->oc->choice != NULL || cell == QC_NUMBER) {
		if (whole_number(v, &num))
			xlsx_number(x, r, c, num);
		else
			text_cell(x, r, c, v);
		return;
	}
	if (cell == QC_DATE && ymd(v, &y, &m, &d)) {
		xlsx_date(x, r, c, y, m, d);
		return;
	}
	if (cell == QC_CHOICES && q->list != NULL) {
		/* Labels in the office's language; a code without one stays. */
		for (p = v; *p != '\0'; p += n) {
			while (*p == ' ')
				p++;
			if ((n = strcspn(p, " ")) == 0)
				break;
			if (b.len > 0)
				buf_adds(&b, "; ");
			if ((ch = find_choice(q->list, p, n)) != NULL)
				buf_adds(&b, form_text(f, &ch->label, lang));
			else
				buf_add(&b, p, n);
		}
		text_cell(x, r, c, buf_cstr(&b));
		/* Labels come from the form, not the resident: plain memory. */
		buf_free(&b);
		return;
	}
	text_cell(x, r, c, v);
}

static const char *meta_main[] = { "KEY", "kiosk", "seq", "form_id",
    "form_version", "language", "submitted", "assisted_by", "claim_code" };
static const char *meta_rep[] = { "PARENT_KEY", "KEY", "kiosk", "seq",
    "form_id", "form_version", "language", "submitted", "assisted_by",
    "instance" };

/* The columns of a stage's sheet. */
static struct xcol *
sheet_cols(const struct stage *s, size_t *n)
{
	const struct layout *l = s->lay;
	const struct ocol *oc = NULL;
	const char **meta;
	struct xcol *c;
	size_t nm, no = 0, i;

	if (s->kind == ST_MAIN) {
		meta = meta_main;
		nm = nitems(meta_main);
		oc = l->cols;
		no = l->ncols;
	} else {
		meta = meta_rep;
		nm = nitems(meta_rep);
		if (s->kind == ST_REPEAT) {
			oc = l->reps[s->rep].cols;
			no = l->reps[s->rep].ncols;
		}
	}
	*n = nm + no + (s->kind == ST_LONG ? 2 : 0);
	c = xcalloc(*n, sizeof *c);
	for (i = 0; i < nm; i++)
		c[i].name = meta[i];
	for (i = 0; i < no; i++) {
		c[nm + i].name = oc[i].name;
		c[nm + i].oc = &oc[i];
	}
	if (s->kind == ST_LONG) {
		c[nm].name = "column";
		c[nm + 1].name = "value";
	}
	return c;
}

int
output_xlsx(struct output *o, const char *path, const char *lang,
    char **cause)
{
	struct xlsx *x;
	struct stage *s;
	struct xcol *cols;
	struct cbsink k;
	const unsigned char *p, *e;
	const char **sheet, **rn;
	char *v = NULL, *nm;
	size_t i, j, ncols, vcap = 0, len;
	uint32_t row, ncell, c;
	int rc;

	if ((x = xlsx_new(path, o->outdir, cause)) == NULL)
		return -1;
	sheet = xcalloc(o->nst + 1, sizeof *sheet);
	for (i = 0; i < o->nst; i++) {
		s = o->st[i];
		if (s->runrows == 0 || (s->kind != ST_MAIN &&
		    s->kind != ST_REPEAT && s->kind != ST_LONG))
			continue;
		nm = xstrndup(s->name, strlen(s->name) - 4);	/* .csv */
		sheet[i] = xlsx_sheet(x, nm);
		free(nm);
		cols = sheet_cols(s, &ncols);
		for (c = 0; c < ncols; c++)
			xlsx_text(x, 0, (uint16_t)c, cols[c].name,
			    XLSX_HEADER);
		p = s->run.p;
		e = p + s->run.len;
		for (row = 1; p < e; row++) {
			ncell = get_u32(p);
			p += 4;
			for (c = 0; c < ncell; c++) {
				int asked = *p++;

				len = get_u32(p);
				p += 4;
				if (len + 1 > vcap) {
					vault_secure_free(v);
					vcap = len + 1 > 256 ? len + 1 : 256;
					v = vault_secure_alloc(vcap);
				}
				memcpy(v, p, len);
				v[len] = '\0';
				p += len;
				if (c >= ncols)
					continue;
				if (!asked)
					xlsx_text(x, row, (uint16_t)c,
					    OUTPUT_NOT_ASKED, XLSX_NOT_ASKED);
				else
					xlsx_cell(x, row, (uint16_t)c, &cols[c],
					    s->lay->form, lang, v);
			}
		}
		xlsx_header_done(x, (uint16_t)ncols, s->runrows);
		free(cols);
	}
	vault_secure_free(v);
	/* One codebook sheet for every form version in the workbook. */
	xlsx_sheet(x, "codebook");
	k.b = NULL;
	k.x = x;
	k.row = 0;
	cb_row(&k, "sheet", "column", "type", "code", "language", "label");
	for (i = 0; i < o->nst; i++) {
		struct layout *l = o->st[i]->lay;

		if (o->st[i]->kind != ST_MAIN || sheet[i] == NULL)
			continue;
		rn = xcalloc(l->nreps + 1, sizeof *rn);
		for (j = 0; j < l->nreps; j++) {
			size_t t;

			for (t = 0; t < o->nst; t++)
				if (o->st[t] == l->reps[j].st)
					rn[j] = sheet[t] ? sheet[t] : "";
		}
		for (j = 0; l->longrep != NULL && j < o->nst; j++)
			if (o->st[j] == l->longrep && sheet[j] != NULL)
				break;
		codebook_rows(&k, l, sheet[i], rn, l->longrep != NULL &&
		    j < o->nst ? sheet[j] : NULL);
		free(rn);
	}
	xlsx_header_done(x, 6, k.row > 0 ? k.row - 1 : 0);
	free(sheet);
	rc = xlsx_close(x, cause);
	return rc;
}

size_t
output_run_rows(const struct output *o)
{
	size_t i, n = 0;

	for (i = 0; i < o->nst; i++)
		if (o->st[i]->kind == ST_MAIN)
			n += o->st[i]->runrows;
	return n;
}
