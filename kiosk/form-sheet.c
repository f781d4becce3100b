/*
 * form-sheet: read the sheets of an XLSForm written in its CSV layout or in
 * pyxform's Markdown test layout into plain rows of cells (struct fs_book).
 * No meaning is given to any cell here; form.c does that.
 *
 * CSV layout (pyxform's csv_to_dict): a row whose first cell is not empty
 * starts a sheet of that name; the next row with a non-empty cell after
 * the first is its header (this may be the same row); later such rows are
 * data. Cells are stripped of surrounding blanks. Fields may be quoted
 * ("a, ""b""\nc"). A UTF-8 byte-order mark is dropped (pyxform keeps it
 * and then finds no survey sheet; we do not copy that).
 *
 * Markdown layout (pyxform's md_table_to_ss_structure): lines "| a | b |";
 * separator lines "|---|---|" are skipped; "\|" is a literal bar; the same
 * first-cell rule starts sheets.
 *
 * Bounded on every input: no recursion, cell counts capped, and lines are
 * counted so every row can be named in an error. Never prints.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "form-private.h"

static char *
strip_dup(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' ||
	    *s == '\v' || *s == '\f')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n' || s[n - 1] == '\v' ||
	    s[n - 1] == '\f'))
		n--;
	return xstrndup(s, n);
}

static void
row_free(struct fs_row *r)
{
	size_t i;

	for (i = 0; i < r->ncells; i++)
		free(r->cells[i]);
	free(r->cells);
	r->cells = NULL;
	r->ncells = 0;
}

void
fs_free(struct fs_book *b)
{
	size_t i, j;
	struct fs_section *s;

	for (i = 0; i < b->nsections; i++) {
		s = &b->sections[i];
		free(s->name);
		row_free(&s->header);
		for (j = 0; j < s->nrows; j++)
			row_free(&s->rows[j]);
		free(s->rows);
	}
	free(b->sections);
	memset(b, 0, sizeof *b);
}

/* Does any cell after the first hold something? */
static int
row_has_content(const struct fs_row *r)
{
	size_t i;

	for (i = 1; i < r->ncells; i++) {
		if (r->cells[i][0] != '\0')
			return 1;
	}
	return 0;
}

/*
 * Place one parsed row into the book. Takes ownership of r's cells. The
 * cells after the first are kept (the first names the sheet, or is empty).
 */
static void
book_add_row(struct fs_book *b, struct fs_row *r)
{
	struct fs_section *s;
	struct fs_row content;

	if (r->ncells > 0 && r->cells[0][0] != '\0') {
		b->sections = xreallocarray(b->sections, b->nsections + 1,
		    sizeof *b->sections);
		s = &b->sections[b->nsections++];
		memset(s, 0, sizeof *s);
		s->name = xstrdup(r->cells[0]);
		s->line = r->line;
	}
	if (b->nsections == 0 || !row_has_content(r)) {
		row_free(r);
		return;
	}
	s = &b->sections[b->nsections - 1];
	content.line = r->line;
	content.ncells = r->ncells - 1;
	content.cells = xreallocarray(NULL, content.ncells, sizeof (char *));
	memcpy(content.cells, r->cells + 1, content.ncells * sizeof (char *));
	free(r->cells[0]);
	free(r->cells);
	r->cells = NULL;
	r->ncells = 0;
	if (!s->has_header) {
		s->header = content;
		s->has_header = 1;
		return;
	}
	if (s->nrows == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->rows = xreallocarray(s->rows, s->cap, sizeof *s->rows);
	}
	s->rows[s->nrows++] = content;
}

static void
row_push(struct fs_row *r, size_t *cap, char *cell)
{
	if (r->ncells == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		r->cells = xreallocarray(r->cells, *cap, sizeof (char *));
	}
	r->cells[r->ncells++] = cell;
}

/*
 * A plain table (select_one_from_file's CSV): one section "table" whose
 * header is the first row; every row is kept whole. Empty rows are
 * skipped.
 */
static void
table_add_row(struct fs_book *b, struct fs_row *r)
{
	struct fs_section *s;
	size_t i;
	int any = 0;

	for (i = 0; i < r->ncells; i++)
		if (r->cells[i][0] != '\0')
			any = 1;
	if (b->nsections == 0) {
		b->sections = xcalloc(1, sizeof *b->sections);
		b->nsections = 1;
		b->sections[0].name = xstrdup("table");
		b->sections[0].line = r->line;
	}
	s = &b->sections[0];
	if (!any) {
		row_free(r);
		return;
	}
	if (!s->has_header) {
		s->header = *r;
		s->has_header = 1;
	} else {
		if (s->nrows == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 16;
			s->rows = xreallocarray(s->rows, s->cap,
			    sizeof *s->rows);
		}
		s->rows[s->nrows++] = *r;
	}
	r->cells = NULL;
	r->ncells = 0;
}

static int
parse_csv(const char *name, const char *p, size_t len, struct fs_book *b,
    char **cause, int table)
{
	const char *end = p + len;
	struct buf field = { 0 };
	struct fs_row row = { 0 };
	size_t cap = 0;
	int line = 1, quoted, rc = -1;

	while (p < end) {
		row.line = line;
		row.ncells = 0;
		row.cells = NULL;
		cap = 0;
		for (;;) {
			/* One field. */
			field.len = 0;
			quoted = 0;
			if (p < end && *p == '"') {
				quoted = 1;
				p++;
				for (;;) {
					if (p >= end) {
						xasprintf(cause, "%s: row %d: a "
						    "quoted field is not closed",
						    name, row.line);
						goto out;
					}
					if (*p == '"') {
						if (p + 1 < end && p[1] == '"') {
							buf_addc(&field, '"');
							p += 2;
							continue;
						}
						p++;
						break;
					}
					/*
					 * A newline inside quotes stays in
					 * the cell: rows are counted as a
					 * spreadsheet shows them, not as
					 * lines of the file.
					 */
					buf_addc(&field, *p++);
				}
			}
			while (p < end && *p != ',' && *p != '\n' &&
			    !(*p == '\r' && (p + 1 == end || p[1] == '\n')))
				buf_addc(&field, *p++);
			(void)quoted;
			if (row.ncells >= FORM_MAX_CELLS) {
				xasprintf(cause, "%s: row %d: more than %d "
				    "columns", name, row.line, FORM_MAX_CELLS);
				goto out;
			}
			row_push(&row, &cap, strip_dup(field.data ?
			    (char *)field.data : "", field.len));
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			if (p < end && *p == '\r')
				p++;
			if (p < end && *p == '\n') {
				p++;
				line++;
			}
			break;
		}
		if (table)
			table_add_row(b, &row);
		else
			book_add_row(b, &row);
	}
	rc = 0;
out:
	row_free(&row);
	buf_free(&field);
	return rc;
}

/* One Markdown table line into cells; 0 if the line is not a table row. */
static int
md_line(const char *p, size_t n, struct fs_row *row, char **cause,
    const char *name)
{
	const char *first, *last, *q;
	struct buf cell = { 0 };
	size_t cap = 0, i;
	int only_dashes;

	while (n > 0 && isspace((unsigned char)*p)) {
		p++;
		n--;
	}
	if (n == 0 || *p != '|')
		return 0;
	first = p + 1;
	/* Greedy: the content runs to the last bar of the line. */
	last = NULL;
	for (q = p + n - 1; q > p; q--) {
		if (*q == '|') {
			last = q;
			break;
		}
	}
	if (last == NULL)
		return 0;
	only_dashes = 1;
	for (q = first; q < last; q++) {
		if (*q != '|' && *q != '-') {
			only_dashes = 0;
			break;
		}
	}
	if (only_dashes && last > first)
		return 0;
	for (q = first; q <= last; q++) {
		if (q == last || (*q == '|' && q[-1] != '\\')) {
			if (row->ncells >= FORM_MAX_CELLS) {
				xasprintf(cause, "%s: row %d: more than %d "
				    "columns", name, row->line, FORM_MAX_CELLS);
				buf_free(&cell);
				return -1;
			}
			/* Unescape "\|" after stripping, like pyxform. */
			{
				char *s = strip_dup(cell.data ?
				    (char *)cell.data : "", cell.len);
				char *w = s;
				for (i = 0; s[i] != '\0'; i++) {
					if (s[i] == '\\' && s[i + 1] == '|')
						continue;
					*w++ = s[i];
				}
				*w = '\0';
				row_push(row, &cap, s);
			}
			cell.len = 0;
			continue;
		}
		buf_addc(&cell, *q);
	}
	buf_free(&cell);
	return 1;
}

static int
parse_md(const char *name, const char *p, size_t len, struct fs_book *b,
    char **cause)
{
	const char *end = p + len, *nl;
	struct fs_row row;
	int line = 1, r;

	b->markdown = 1;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		memset(&row, 0, sizeof row);
		row.line = line;
		r = md_line(p, (size_t)(nl - p), &row, cause, name);
		if (r < 0) {
			row_free(&row);
			return -1;
		}
		if (r > 0) {
			/* A sheet name row with nothing before it is dropped. */
			book_add_row(b, &row);
		}
		p = nl < end ? nl + 1 : end;
		line++;
	}
	return 0;
}

int
fs_is_markdown(const char *name, const char *data, size_t len)
{
	size_t n = strlen(name), i;

	if (n >= 3 && strcasecmp(name + n - 3, ".md") == 0)
		return 1;
	if (n >= 4 && strcasecmp(name + n - 4, ".csv") == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (!isspace((unsigned char)data[i]))
			return data[i] == '|';
	}
	return 0;
}

/*
 * Text the parsers can read: without a UTF-8 BOM, and with no NUL byte
 * (what names what the file was meant to be, in the message).
 */
static int
sheet_text(const char *name, const char **data, size_t *len,
    const char *what, char **cause)
{
	if (*len >= 3 && memcmp(*data, "\xef\xbb\xbf", 3) == 0) {
		*data += 3;
		*len -= 3;
	}
	if (memchr(*data, '\0', *len) != NULL) {
		xasprintf(cause, "%s: the file holds a NUL byte; it is not a "
		    "%s", name, what);
		return -1;
	}
	return 0;
}

int
fs_parse(const char *name, const char *data, size_t len, struct fs_book *b,
    char **cause)
{
	int rc;

	memset(b, 0, sizeof *b);
	if (sheet_text(name, &data, &len, "CSV or Markdown form", cause) != 0)
		return -1;
	if (fs_is_markdown(name, data, len))
		rc = parse_md(name, data, len, b, cause);
	else
		rc = parse_csv(name, data, len, b, cause, 0);
	if (rc != 0)
		fs_free(b);
	return rc != 0 ? -1 : 0;
}

int
fs_parse_table(const char *name, const char *data, size_t len,
    struct fs_book *b, char **cause)
{
	memset(b, 0, sizeof *b);
	if (sheet_text(name, &data, &len, "CSV file", cause) != 0)
		return -1;
	if (parse_csv(name, data, len, b, cause, 1) != 0) {
		fs_free(b);
		return -1;
	}
	return 0;
}

static void
lower_dup(char *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && s[i] != '\0'; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

/*
 * {"sheet_names": [...], "survey": [{header: value, ...}, ...],
 *  "survey_header": [{header: null, ...}], ...}. Sheets are keyed by their
 * lower-cased name; a later section of the same name adds its rows.
 */
void
fs_dump_json(const struct fs_book *b, struct buf *o)
{
	size_t i, j, k, c;
	const struct fs_section *s, *t;
	char key[256], key2[256];
	int first, seen;

	buf_adds(o, "{\"sheet_names\": [");
	first = 1;
	for (i = 0; i < b->nsections; i++) {
		s = &b->sections[i];
		seen = 0;
		for (j = 0; j < i; j++) {
			if (strcmp(b->sections[j].name, s->name) == 0)
				seen = 1;
		}
		if (seen)
			continue;
		if (!first)
			buf_adds(o, ", ");
		buf_add_json(o, s->name);
		first = 0;
	}
	buf_adds(o, "]");
	for (i = 0; i < b->nsections; i++) {
		s = &b->sections[i];
		lower_dup(key, s->name, sizeof key);
		seen = 0;
		for (j = 0; j < i; j++) {
			lower_dup(key2, b->sections[j].name, sizeof key2);
			if (strcmp(key, key2) == 0)
				seen = 1;
		}
		if (seen)
			continue;
		buf_adds(o, ", ");
		buf_add_json(o, key);
		buf_adds(o, ": [");
		first = 1;
		for (j = i; j < b->nsections; j++) {
			t = &b->sections[j];
			lower_dup(key2, t->name, sizeof key2);
			if (strcmp(key, key2) != 0)
				continue;
			for (k = 0; k < t->nrows; k++) {
				if (!first)
					buf_adds(o, ", ");
				first = 0;
				buf_addc(o, '{');
				seen = 0;
				for (c = 0; c < t->rows[k].ncells &&
				    c < t->header.ncells; c++) {
					if (t->rows[k].cells[c][0] == '\0')
						continue;
					if (seen)
						buf_adds(o, ", ");
					seen = 1;
					buf_add_json(o, t->header.cells[c]);
					buf_adds(o, ": ");
					buf_add_json(o, t->rows[k].cells[c]);
				}
				buf_addc(o, '}');
			}
		}
		buf_adds(o, "], ");
		buf_add_json(o, key);
		o->len--;
		buf_adds(o, "_header\": [{");
		/* The header of the last section of this name. */
		t = s;
		for (j = i; j < b->nsections; j++) {
			lower_dup(key2, b->sections[j].name, sizeof key2);
			if (strcmp(key, key2) == 0)
				t = &b->sections[j];
		}
		seen = 0;
		for (c = 0; c < t->header.ncells; c++) {
			if (seen)
				buf_adds(o, ", ");
			seen = 1;
			buf_add_json(o, t->header.cells[c]);
			buf_adds(o, ": null");
		}
		buf_adds(o, "}]");
	}
	buf_adds(o, "}\n");
}
