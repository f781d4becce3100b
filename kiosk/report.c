/*
 * report: monthly counts with small-cell suppression (see report.h).
 *
 * Counts are kept per month, per question, per choice, plus "other" (a
 * code the form does not list) and "no answer" (asked, left empty). A
 * question that was not asked ("(not asked)") counts nowhere. Only the
 * chosen columns, the form_id and the date columns of a row are looked
 * at; the rest of a row is skipped as it is parsed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "durable.h"
#include "form.h"
#include "output.h"
#include "report.h"
#include "util.h"
#include "vault.h"

#define NOT_ASKED	OUTPUT_NOT_ASKED
#define FILE_MAX	((size_t)1 << 30)

struct rq {
	const struct form_question	*q;
	size_t				 nch;	/* choices, + other, + none */
	unsigned char			*again;	/* per choice: its code is an earlier one's */
};

struct rmonth {
	char		 ym[8];
	size_t		 n;
	size_t		*asked;		/* per question */
	size_t		**count;	/* per question, per choice */
};

struct report {
	struct form	*form;
	const char	*lang;
	int		 k;
	struct rq	*q;
	size_t		 nq;
	struct rmonth	*m;
	size_t		 nm;
	const char	**ymv;
};

static int
is_choice(const struct form_question *q)
{
	return qtype_of(q->type)->input == QI_CHOICE && q->list != NULL;
}

/*
 * Per choice of l: is its code an earlier choice's (allow_choice_
 * duplicates, or an external list's same town in two districts)?
 */
static unsigned char *
codes_again(const struct form_list *l)
{
	unsigned char *a = xcalloc(l->nchoices + 1, 1);
	size_t c, d;

	for (c = 1; c < l->nchoices; c++)
		for (d = 0; d < c && !a[c]; d++)
			a[c] = strcmp(l->choices[d].name,
			    l->choices[c].name) == 0;
	return a;
}

struct report *
report_new(struct form *f, const char *questions, int k, const char *lang,
    char **cause)
{
	const struct form_question *q, *rep;
	struct report *r;
	char *list, *tok, *save = NULL;

	r = xcalloc(1, sizeof *r);
	r->form = f;
	r->k = k;
	r->lang = lang;
	list = xstrdup(questions != NULL ? questions : REPORT_QUESTIONS);
	for (tok = strtok_r(list, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		q = form_question_by_name(f, tok);
		if (q == NULL && questions == NULL)
			continue;	/* the default list, another form */
		if (q == NULL || !is_choice(q)) {
			xasprintf(cause, "%s: \"%s\" is not a choice question "
			    "of the form; only choice questions are counted",
			    f->path, tok);
			free(list);
			report_free(r);
			return NULL;
		}
		/* The submission file has no column of a repeat's entries. */
		rep = form_question_repeat(f, q);
		if (rep != NULL && questions == NULL)
			continue;
		if (rep != NULL) {
			xasprintf(cause, "%s: \"%s\" is inside the repeat "
			    "\"%s\"; only the questions of the submission, "
			    "asked once, are counted", f->path, tok,
			    rep->name != NULL ? rep->name : "");
			free(list);
			report_free(r);
			return NULL;
		}
		r->q = xreallocarray(r->q, r->nq + 1, sizeof *r->q);
		r->q[r->nq].q = q;
		r->q[r->nq].nch = q->list->nchoices + 2;
		r->q[r->nq].again = codes_again(q->list);
		r->nq++;
	}
	free(list);
	if (r->nq == 0) {
		xasprintf(cause, "%s: none of the questions to count is in "
		    "this form (give --questions)", f->path);
		report_free(r);
		return NULL;
	}
	return r;
}

void
report_free(struct report *r)
{
	size_t i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->nm; i++) {
		for (j = 0; j < r->nq; j++)
			free(r->m[i].count[j]);
		free(r->m[i].count);
		free(r->m[i].asked);
	}
	free(r->m);
	free(r->ymv);
	for (i = 0; i < r->nq; i++)
		free(r->q[i].again);
	free(r->q);
	form_free(r->form);
	free(r);
}

static struct rmonth *
month(struct report *r, const char *ym)
{
	struct rmonth *m;
	size_t i, j;

	for (i = 0; i < r->nm; i++)
		if (strcmp(r->m[i].ym, ym) == 0)
			return &r->m[i];
	/* Kept in order. */
	for (i = 0; i < r->nm && strcmp(r->m[i].ym, ym) < 0; i++)
		;
	r->m = xreallocarray(r->m, r->nm + 1, sizeof *r->m);
	memmove(&r->m[i + 1], &r->m[i], (r->nm - i) * sizeof *r->m);
	r->nm++;
	m = &r->m[i];
	memset(m, 0, sizeof *m);
	snprintf(m->ym, sizeof m->ym, "%s", ym);
	m->asked = xcalloc(r->nq, sizeof *m->asked);
	m->count = xcalloc(r->nq, sizeof *m->count);
	for (j = 0; j < r->nq; j++)
		m->count[j] = xcalloc(r->q[j].nch, sizeof **m->count);
	return m;
}

/* ---- reading the CSV files ---- */

/*
 * The next CSV field from *p (RFC 4180) into f (secure, cap bytes, cut if
 * longer). Returns 1 if a field ended the row, 0 if more follow on it, -1
 * at the end of the data.
 */
static int
csv_field(const unsigned char **p, const unsigned char *e, char *f,
    size_t cap)
{
	const unsigned char *s = *p;
	size_t n = 0;
	int quoted = 0;

	if (s >= e)
		return -1;
	if (*s == '"') {
		quoted = 1;
		s++;
	}
	for (; s < e; s++) {
		if (quoted && *s == '"') {
			if (s + 1 < e && s[1] == '"') {
				s++;
			} else {
				quoted = 0;
				continue;
			}
		} else if (!quoted && (*s == ',' || *s == '\n' || *s == '\r'))
			break;
		if (n + 1 < cap)
			f[n++] = (char)*s;
	}
	f[n] = '\0';
	if (s >= e) {
		*p = s;
		return 1;
	}
	if (*s == ',') {
		*p = s + 1;
		return 0;
	}
	if (*s == '\r' && s + 1 < e && s[1] == '\n')
		s++;
	*p = s + 1;
	return 1;
}

#define FIELD_CAP	4096
/* The cells read_row keeps: form_id, 3 dates and the questions'. */
#define CELLS_CAP(nq)	(((nq) + 4) * FIELD_CAP)

/* Where a submission file keeps what a report reads. */
struct rcols {
	char		**head;		/* column names: the form's */
	size_t		  nh;
	long		 *qcol;		/* per question, or -1 */
	long		  fcol;		/* form_id */
	long		  dcol[3];	/* the date columns, in order */
};

static const char *const report_dates[] = { "incident_date",
    "observed_date", "submitted" };

static void
rcols_free(struct rcols *c)
{
	size_t i;

	for (i = 0; i < c->nh; i++)
		free(c->head[i]);
	free(c->head);
	free(c->qcol);
}

/*
 * The header: is this a submission file (0 if not: a repeat's file, a
 * codebook), and where are our columns?
 */
static int
read_header(struct report *r, const unsigned char **p, const unsigned char *e,
    char *f, struct rcols *c)
{
	const char *name;
	size_t i, j, col;
	int end;

	memset(c, 0, sizeof *c);
	c->fcol = c->dcol[0] = c->dcol[1] = c->dcol[2] = -1;
	do {
		if ((end = csv_field(p, e, f, FIELD_CAP)) < 0)
			break;
		c->head = xreallocarray(c->head, c->nh + 1, sizeof *c->head);
		c->head[c->nh++] = xstrdup(f);
	} while (end == 0);
	if (c->nh == 0 || strcmp(c->head[0], "KEY") != 0)
		return 0;
	c->qcol = xcalloc(r->nq, sizeof *c->qcol);
	for (i = 0; i < r->nq; i++) {
		c->qcol[i] = -1;
		name = form_question_column(r->q[i].q);
		for (col = 0; col < c->nh; col++)
			if (strcmp(c->head[col], name ? name : "") == 0)
				c->qcol[i] = (long)col;
	}
	for (col = 0; col < c->nh; col++) {
		if (strcmp(c->head[col], "form_id") == 0)
			c->fcol = (long)col;
		for (j = 0; j < 3; j++)
			if (strcmp(c->head[col], report_dates[j]) == 0)
				c->dcol[j] = (long)col;
	}
	return c->fcol >= 0;
}

/*
 * The next row, keeping only the cells we use in cells, one secure block
 * of CELLS_CAP(nq) bytes: each whole (a select_multiple's answer holds
 * several codes; one cut short could count as a shorter code) and as
 * the form wrote it (output's ' before a value like "-99" taken off);
 * row[col] points there, or is NULL. 0 at the end of the data.
 */
static int
read_row(const struct report *r, const struct rcols *c,
    const unsigned char **p, const unsigned char *e, char *f,
    const char **row, char *cells)
{
	const char *v;
	size_t used = 0, col, i, j, fl;
	int end, want;

	for (col = 0; col < c->nh; col++)
		row[col] = NULL;
	col = 0;
	do {
		if ((end = csv_field(p, e, f, FIELD_CAP)) < 0)
			break;
		want = (long)col == c->fcol;
		for (j = 0; j < 3; j++)
			want |= (long)col == c->dcol[j];
		for (i = 0; i < r->nq; i++)
			want |= (long)col == c->qcol[i];
		if (want && col < c->nh) {
			v = output_guarded(f) ? f + 1 : f;
			fl = strlen(v);
			memcpy(cells + used, v, fl);
			cells[used + fl] = '\0';
			row[col] = cells + used;
			used += fl + 1;
		}
		col++;
	} while (end == 0);
	return !(end < 0 && col == 0);
}

/* The row's month: the first date column that holds a date, or NULL. */
static struct rmonth *
row_month(struct report *r, const struct rcols *c, const char **row)
{
	struct rmonth *m;
	const char *d;
	char *ym;
	size_t j;

	for (j = 0; j < 3; j++) {
		d = c->dcol[j] >= 0 ? row[c->dcol[j]] : NULL;
		if (d != NULL && strlen(d) == 10 && d[4] == '-' &&
		    d[7] == '-') {
			ym = xstrndup(d, 7);
			m = month(r, ym);
			free(ym);
			return m;
		}
	}
	return NULL;
}

/*
 * One answer v to a question of list l into count: each listed code it
 * holds (space-separated for select_multiple), else "other"; an empty
 * answer is "no answer".
 */
static void
count_answer(const struct form_list *l, const unsigned char *again,
    const char *v, size_t *count)
{
	const char *s;
	size_t c, cl, tl, nd = 0;

	for (c = 0; c < l->nchoices; c++) {
		/* A code two choices share is one answer: the first's. */
		if (again[c])
			continue;
		cl = strlen(l->choices[c].name);
		for (s = v; *s != '\0'; s += strspn(s, " ")) {
			tl = strcspn(s, " ");
			if (tl == cl && memcmp(s, l->choices[c].name, cl) == 0) {
				count[c]++;
				nd++;
				break;
			}
			s += tl;
		}
	}
	if (*v == '\0')
		count[l->nchoices + 1]++;	/* none */
	else if (nd == 0)
		count[l->nchoices]++;		/* other */
}

/* Count one file's rows of the form; *nrows grows. */
static int
read_file_rows(struct report *r, const char *path, size_t *nrows,
    char **cause)
{
	unsigned char *data;
	const unsigned char *p, *e;
	const char **row = NULL, *v;
	struct rcols c;
	struct rmonth *m;
	char *f, *cells = NULL;
	size_t len, i;

	if (durable_load_in(path, FILE_MAX, vault_secure_alloc,
	    vault_secure_free, &data, &len, cause) != 0)
		return -1;
	p = data;
	e = data + len;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	f = vault_secure_alloc(FIELD_CAP);
	if (!read_header(r, &p, e, f, &c))
		goto out;
	row = xcalloc(c.nh, sizeof *row);
	cells = vault_secure_alloc(CELLS_CAP(r->nq));
	while (read_row(r, &c, &p, e, f, row, cells)) {
		if (row[c.fcol] == NULL || strcmp(row[c.fcol], r->form->id) != 0)
			continue;
		if ((m = row_month(r, &c, row)) == NULL)
			continue;
		m->n++;
		(*nrows)++;
		for (i = 0; i < r->nq; i++) {
			v = c.qcol[i] >= 0 ? row[c.qcol[i]] : NULL;
			if (v == NULL || strcmp(v, NOT_ASKED) == 0)
				continue;
			m->asked[i]++;
			count_answer(r->q[i].q->list, r->q[i].again, v,
			    m->count[i]);
		}
	}
out:
	rcols_free(&c);
	free(row);
	vault_secure_free(cells);
	vault_secure_free(f);
	vault_secure_free(data);
	return 0;
}

int
report_read_dir(struct report *r, const char *dir, size_t *nrows,
    char **cause)
{
	struct dirent *de;
	DIR *d;
	char *path;
	size_t n;
	int rc = 0;

	*nrows = 0;
	if ((d = opendir(dir)) == NULL) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n < 5 ||
		    strcmp(de->d_name + n - 4, ".csv") != 0 ||
		    (n > 13 && strcmp(de->d_name + n - 13,
		    "-codebook.csv") == 0))
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		rc = read_file_rows(r, path, nrows, cause);
		free(path);
	}
	closedir(d);
	return rc;
}

size_t
report_months(const struct report *r, const char ***out)
{
	struct report *w = (struct report *)r;
	size_t i;

	free(w->ymv);
	w->ymv = xcalloc(r->nm + 1, sizeof *w->ymv);
	for (i = 0; i < r->nm; i++)
		w->ymv[i] = r->m[i].ym;
	*out = w->ymv;
	return r->nm;
}

/* ---- suppression ---- */

/*
 * What may be shown of one question in one month: shown[c] is the count,
 * -1 if it is suppressed as small, -2 if it is hidden with a small one
 * (complementary); *asked likewise. A count of 1 to k-1 is
 * suppressed. For one choice per answer (QW_ONE: select_one) the cells
 * add up to the shown total, so if one cell is hidden, or the hidden ones
 * add up to less than k, the smallest shown non-zero cell is hidden too,
 * until that is no longer so (or the total is hidden as well).
 */
static void
suppress(const struct report *r, const struct rmonth *m, size_t qi,
    long *shown, long *asked)
{
	const struct rq *q = &r->q[qi];
	size_t c, nh = 0, hsum = 0, best;
	long k = r->k;

	*asked = m->n < (size_t)k || (m->asked[qi] > 0 &&
	    m->asked[qi] < (size_t)k) ? -1 : (long)m->asked[qi];
	for (c = 0; c < q->nch; c++) {
		long v = (long)m->count[qi][c];

		shown[c] = v;
		if (*asked < 0 || (v > 0 && v < k)) {
			shown[c] = -1;
			nh++;
			hsum += (size_t)v;
		}
	}
	if (*asked < 0 || qtype_widget(q->q->type) != QW_ONE)
		return;
	while (nh > 0 && (nh == 1 || hsum < (size_t)k)) {
		best = q->nch;
		for (c = 0; c < q->nch; c++)
			if (shown[c] > 0 && (best == q->nch ||
			    shown[c] < shown[best]))
				best = c;
		if (best == q->nch) {
			*asked = -2;	/* nothing left to hide: the total */
			return;
		}
		hsum += (size_t)shown[best];
		shown[best] = -2;	/* hidden, though not small */
		nh++;
	}
}

static const char *
choice_label(const struct report *r, const struct rq *q, size_t c)
{
	if (c < q->q->list->nchoices)
		return form_text(r->form, &q->q->list->choices[c].label,
		    r->lang);
	return c == q->q->list->nchoices ? "Other answer" : "No answer";
}

static const char *
choice_code(const struct rq *q, size_t c)
{
	if (c < q->q->list->nchoices)
		return q->q->list->choices[c].name;
	return c == q->q->list->nchoices ? "(other)" : "(no answer)";
}

static const struct rmonth *
find_month(const struct report *r, const char *ym)
{
	size_t i;

	for (i = 0; i < r->nm; i++)
		if (strcmp(r->m[i].ym, ym) == 0)
			return &r->m[i];
	return NULL;
}

static void
csv_txt(struct buf *b, const char *s)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL && strchr("=+-@", s[0]) == NULL) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	if (s[0] != '\0' && strchr("=+-@", s[0]) != NULL)
		buf_addc(b, '\'');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

static void
count_txt(struct buf *b, long v, int k)
{
	if (v == -1)
		buf_addf(b, "fewer than %d", k);
	else if (v < 0)
		buf_adds(b, "hidden");
	else
		buf_addf(b, "%ld", v);
}

void
report_csv(const struct report *r, const char *ym, struct buf *b)
{
	const struct rmonth *m = find_month(r, ym);
	long *shown, asked;
	size_t i, c;

	buf_adds(b, "\xef\xbb\xbfmonth,question,question_label,answer,"
	    "answer_label,count\r\n");
	if (m == NULL)
		return;
	buf_addf(b, "%s,reports,All reports,,,", ym);
	count_txt(b, m->n < (size_t)r->k ? -1 : (long)m->n, r->k);
	buf_adds(b, "\r\n");
	for (i = 0; i < r->nq; i++) {
		const struct rq *q = &r->q[i];
		const char *ql = form_text(r->form, &q->q->label, r->lang);

		shown = xcalloc(q->nch, sizeof *shown);
		suppress(r, m, i, shown, &asked);
		buf_addf(b, "%s,", ym);
		csv_txt(b, q->q->name);
		buf_addc(b, ',');
		csv_txt(b, ql);
		buf_adds(b, ",(asked),Reports where this was asked,");
		count_txt(b, asked, r->k);
		buf_adds(b, "\r\n");
		for (c = 0; c < q->nch; c++) {
			buf_addf(b, "%s,", ym);
			csv_txt(b, q->q->name);
			buf_addc(b, ',');
			csv_txt(b, ql);
			buf_addc(b, ',');
			csv_txt(b, choice_code(q, c));
			buf_addc(b, ',');
			csv_txt(b, choice_label(r, q, c));
			buf_addc(b, ',');
			count_txt(b, shown[c], r->k);
			buf_adds(b, "\r\n");
		}
		free(shown);
	}
}

/* One line of the chart description: fields joined by tabs. */
static void
chart_line(struct buf *b, const char *kind, const char *a, const char *c)
{
	const char *s;
	int i;

	/* a is a label (from the form): no tabs or line breaks in it. */
	buf_adds(b, kind);
	for (i = 0; i < 2; i++) {
		s = i == 0 ? a : c;
		if (s == NULL)
			break;
		buf_addc(b, '\t');
		for (; *s != '\0'; s++)
			buf_addc(b, i == 0 && (*s == '\t' || *s == '\n' ||
			    *s == '\r') ? ' ' : *s);
	}
	buf_addc(b, '\n');
}

void
report_chart(const struct report *r, const char *ym, struct buf *b)
{
	const struct rmonth *m = find_month(r, ym);
	struct buf t = { 0 };
	long *shown, asked;
	size_t i, c;

	if (m == NULL)
		return;
	t.len = 0;
	buf_addf(&t, "Taskforce report: %s", ym);
	chart_line(b, "title", buf_cstr(&t), NULL);
	t.len = 0;
	buf_adds(&t, "Reports made at the city's kiosks, by month of the "
	    "incident. ");
	if (m->n < (size_t)r->k)
		buf_addf(&t, "Fewer than %d reports", r->k);
	else
		buf_addf(&t, "%zu reports", m->n);
	buf_addf(&t, ". Counts from 1 to %d are shown as \"fewer than %d\", "
	    "and where they could be worked out from a total, another count "
	    "is \"hidden\" too, so that no one can be singled out.",
	    r->k - 1, r->k);
	chart_line(b, "subtitle", buf_cstr(&t), NULL);
	for (i = 0; i < r->nq; i++) {
		const struct rq *q = &r->q[i];

		if (m->asked[i] == 0)
			continue;
		shown = xcalloc(q->nch, sizeof *shown);
		suppress(r, m, i, shown, &asked);
		t.len = 0;
		if (asked == -1)
			buf_addf(&t, "fewer than %d asked", r->k);
		else if (asked < 0)
			buf_adds(&t, "number asked hidden");
		else
			buf_addf(&t, "%ld asked", asked);
		chart_line(b, "section", form_text(r->form, &q->q->label,
		    r->lang), buf_cstr(&t));
		for (c = 0; c < q->nch; c++) {
			if (shown[c] == 0)
				continue;
			t.len = 0;
			if (shown[c] == -1)
				buf_addf(&t, "-1\tfewer than %d", r->k);
			else if (shown[c] < 0)
				buf_adds(&t, "-1\thidden");
			else
				buf_addf(&t, "%ld\t%ld", shown[c], shown[c]);
			chart_line(b, "bar", choice_label(r, q, c),
			    buf_cstr(&t));
		}
		free(shown);
	}
	chart_line(b, "note", "No free text, name, contact or claim code is "
	    "in this report. A report can give several answers to a "
	    "question marked with several choices.", NULL);
	buf_free(&t);
}
