/*
 * xlsx: workbooks through libxlsxwriter (see xlsx.h). The only module
 * that includes xlsxwriter.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "util.h"
#include "xlsx.h"

#define SHEET_MAX	31	/* Excel's limit, in characters */

struct xlsx {
	char			*path, *tmp;
	lxw_workbook		*wb;
	lxw_worksheet		*ws;
	lxw_format		*fmt[4];
	lxw_format		*date;
	char			**names;	/* sheet names used */
	size_t			 nnames;
	int			 error;		/* a write failed */
};

struct xlsx *
xlsx_new(const char *path, const char *tmpdir, char **cause)
{
	lxw_workbook_options opt;
	struct xlsx *x;
	char *slash;

	x = xcalloc(1, sizeof *x);
	x->path = xstrdup(path);
	/* Written beside its name, renamed into place by xlsx_close. */
	slash = strrchr(path, '/');
	xasprintf(&x->tmp, "%.*s.%s.part", slash ? (int)(slash - path + 1) :
	    0, path, slash ? slash + 1 : path);
	memset(&opt, 0, sizeof opt);
	opt.tmpdir = (char *)tmpdir;
	opt.use_zip64 = 1;
	opt.constant_memory = LXW_TRUE;	/* rows go to disk as written */
	if ((x->wb = workbook_new_opt(x->tmp, &opt)) == NULL) {
		xasprintf(cause, "%s: cannot start the workbook", x->tmp);
		free(x->path);
		free(x->tmp);
		free(x);
		return NULL;
	}
	x->fmt[XLSX_PLAIN] = NULL;
	x->fmt[XLSX_HEADER] = workbook_add_format(x->wb);
	format_set_bold(x->fmt[XLSX_HEADER]);
	x->fmt[XLSX_NOT_ASKED] = workbook_add_format(x->wb);
	format_set_italic(x->fmt[XLSX_NOT_ASKED]);
	format_set_font_color(x->fmt[XLSX_NOT_ASKED], LXW_COLOR_GRAY);
	x->fmt[XLSX_RTL] = workbook_add_format(x->wb);
	format_set_reading_order(x->fmt[XLSX_RTL], 2);
	x->date = workbook_add_format(x->wb);
	format_set_num_format(x->date, "yyyy-mm-dd");
	return x;
}

/* Characters Excel refuses in a sheet name. */
static int
bad_sheet_char(char c)
{
	return strchr("[]:*?/\\", c) != NULL;
}

const char *
xlsx_sheet(struct xlsx *x, const char *name)
{
	char buf[4 * SHEET_MAX + 8], *s;
	size_t i, n, chars, k;
	int tries;

	/* Cut at 31 characters (UTF-8), never inside one. */
	for (i = 0, n = 0, chars = 0; name[i] != '\0' && chars < SHEET_MAX;
	    chars++) {
		k = 1;
		while ((name[i + k] & 0xc0) == 0x80)
			k++;
		memcpy(buf + n, name + i, k);
		n += k;
		i += k;
	}
	buf[n] = '\0';
	for (s = buf; *s != '\0'; s++)
		if (bad_sheet_char(*s))
			*s = '_';
	if (buf[0] == '\0' || buf[0] == '\'')
		buf[0] = '_', buf[1] = '\0';
	for (tries = 1;; tries++) {
		char try[sizeof buf + 16];

		if (tries == 1)
			snprintf(try, sizeof try, "%s", buf);
		else {
			/* Room for "~N" within 31 characters. */
			size_t keep = n > 24 ? 24 : n;

			while (keep > 0 && (buf[keep] & 0xc0) == 0x80)
				keep--;
			snprintf(try, sizeof try, "%.*s~%d", (int)keep, buf,
			    tries);
		}
		for (i = 0; i < x->nnames; i++)
			if (strcasecmp(x->names[i], try) == 0)
				break;
		if (i == x->nnames) {
			x->names = xreallocarray(x->names, x->nnames + 1,
			    sizeof *x->names);
			x->names[x->nnames++] = xstrdup(try);
			x->ws = workbook_add_worksheet(x->wb, try);
			if (x->ws == NULL)
				x->error = 1;
			return x->names[x->nnames - 1];
		}
	}
}

void
xlsx_text(struct xlsx *x, uint32_t row, uint16_t col, const char *s,
    enum xlsx_style st)
{
	if (x->ws == NULL)
		return;
	if (*s == '\0') {
		if (st != XLSX_PLAIN)
			worksheet_write_blank(x->ws, row, col, x->fmt[st]);
		return;
	}
	if (worksheet_write_string(x->ws, row, col, s, x->fmt[st]) !=
	    LXW_NO_ERROR)
		x->error = 1;
}

void
xlsx_number(struct xlsx *x, uint32_t row, uint16_t col, double v)
{
	if (x->ws != NULL && worksheet_write_number(x->ws, row, col, v,
	    NULL) != LXW_NO_ERROR)
		x->error = 1;
}

void
xlsx_date(struct xlsx *x, uint32_t row, uint16_t col, int year, int month,
    int day)
{
	lxw_datetime dt;

	if (x->ws == NULL)
		return;
	memset(&dt, 0, sizeof dt);
	dt.year = year;
	dt.month = month;
	dt.day = day;
	if (worksheet_write_datetime(x->ws, row, col, &dt, x->date) !=
	    LXW_NO_ERROR)
		x->error = 1;
}

void
xlsx_header_done(struct xlsx *x, uint16_t ncols, uint32_t nrows)
{
	if (x->ws == NULL || ncols == 0)
		return;
	worksheet_freeze_panes(x->ws, 1, 0);
	worksheet_autofilter(x->ws, 0, 0, nrows, (lxw_col_t)(ncols - 1));
	worksheet_set_column(x->ws, 0, (lxw_col_t)(ncols - 1), 14, NULL);
}

static void
xlsx_free(struct xlsx *x)
{
	size_t i;

	for (i = 0; i < x->nnames; i++)
		free(x->names[i]);
	free(x->names);
	free(x->path);
	free(x->tmp);
	free(x);
}

int
xlsx_close(struct xlsx *x, char **cause)
{
	lxw_error err;
	mode_t um;
	FILE *f;
	int rc = -1;

	um = umask(077);	/* the workbook holds plaintext: 0600 */
	err = workbook_close(x->wb);
	umask(um);
	x->wb = NULL;
	if (err != LXW_NO_ERROR || x->error) {
		if (err != LXW_NO_ERROR)
			xasprintf(cause, "%s: cannot write the workbook "
			    "(libxlsxwriter error %d; the disk full?)", x->tmp,
			    (int)err);
		else
			xasprintf(cause, "%s: cannot write the workbook (a "
			    "cell was refused)", x->tmp);
		unlink(x->tmp);
		goto out;
	}
	if (chmod(x->tmp, 0600) != 0 || (f = fopen(x->tmp, "r+e")) == NULL) {
		xasprintf(cause, "%s: %s", x->tmp, strerror(errno));
		unlink(x->tmp);
		goto out;
	}
	if (fsync(fileno(f)) != 0) {
		xasprintf(cause, "%s: %s", x->tmp, strerror(errno));
		fclose(f);
		unlink(x->tmp);
		goto out;
	}
	fclose(f);
	if (rename(x->tmp, x->path) != 0) {
		xasprintf(cause, "%s: %s", x->path, strerror(errno));
		unlink(x->tmp);
		goto out;
	}
	rc = 0;
out:
	xlsx_free(x);
	return rc;
}

void
xlsx_abort(struct xlsx *x)
{
	if (x == NULL)
		return;
	/* libxlsxwriter writes the file on close; remove what it wrote. */
	if (x->wb != NULL) {
		workbook_close(x->wb);
		unlink(x->tmp);
	}
	xlsx_free(x);
}
