/*
 * xlsx: a spreadsheet workbook (Office Open XML) for caseworkers. The only
 * module that includes libxlsxwriter. It knows sheets and typed cells,
 * nothing of forms or records (output.c decides what goes where).
 *
 * Cells are typed: text is always written as text (never a formula, so no
 * leading ' is needed), numbers as numbers, dates as dates. libxlsxwriter
 * keeps the cells in ordinary memory until xlsx_close and writes its
 * temporary parts (unlinked at once) in tmpdir: give it the folder the
 * opened files go to, never a shared one. Never prints or exits.
 */
#ifndef KIOSK_XLSX_H
#define KIOSK_XLSX_H

#include <stdint.h>

struct xlsx;

enum xlsx_style {
	XLSX_PLAIN,
	XLSX_HEADER,		/* bold, the first row */
	XLSX_NOT_ASKED,		/* grey italic: a question not asked */
	XLSX_RTL		/* text read right to left */
};

/* A workbook to be written to path (created 0600 by xlsx_close). */
struct xlsx	*xlsx_new(const char *path, const char *tmpdir, char **cause);
/*
 * Start a sheet named name (cut to Excel's 31 characters, characters
 * Excel refuses replaced, made unique). Later cells go to it. Returns
 * the name it got, valid until xlsx_close.
 */
const char	*xlsx_sheet(struct xlsx *, const char *name);
void		 xlsx_text(struct xlsx *, uint32_t row, uint16_t col,
		    const char *, enum xlsx_style);
void		 xlsx_number(struct xlsx *, uint32_t row, uint16_t col,
		    double);
void		 xlsx_date(struct xlsx *, uint32_t row, uint16_t col, int year,
		    int month, int day);
/* Freeze the first row, and filters on it over ncols columns. */
void		 xlsx_header_done(struct xlsx *, uint16_t ncols, uint32_t nrows);
/* Write the file and free; -1 with *cause on failure (no file left). */
int		 xlsx_close(struct xlsx *, char **cause);
/* Free without writing (nothing is left on disk). */
void		 xlsx_abort(struct xlsx *);

#endif
