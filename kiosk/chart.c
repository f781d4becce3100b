/*
 * chart: the taskforce's one-page monthly report as a PDF, drawn with
 * cairo and pango inside kiosk-print (`kiosk-print --report-chart OUT`),
 * so the kiosk binary never links them. It reads a description of the
 * page on stdin (report.c writes it: titles, sections, bars of counts;
 * aggregated figures only, never an answer) and writes the PDF to OUT.
 *
 * Description, one item per line, fields separated by tabs:
 *	title	TEXT
 *	subtitle	TEXT
 *	section	LABEL	NOTE
 *	bar	LABEL	VALUE	SHOWN	(VALUE -1: suppressed)
 *	note	TEXT
 * Everything fits one US Letter page: two columns, scaled down if needed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "chart.h"
#include "util.h"

#define IN_MAX		(1024 * 1024)
#define PAGE_W		612.0		/* US Letter, points */
#define PAGE_H		792.0
#define MARGIN		36.0
#define GAP		18.0
#define LINE		11.0		/* a bar's row */
#define HEAD		14.0		/* a section's heading */
#define SECTION_GAP	6.0

struct item {
	char	*kind, *a, *b, *c;
};

static void
text(cairo_t *cr, double x, double y, double w, const char *s,
    const char *font, int wrap)
{
	PangoLayout *l;
	PangoFontDescription *fd;

	l = pango_cairo_create_layout(cr);
	fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	if (wrap)
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	else
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	pango_layout_set_auto_dir(l, TRUE);
	pango_layout_set_text(l, s, -1);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
}

/* Height of a section (its heading and bars) starting at item i. */
static double
section_h(const struct item *it, size_t n, size_t i, size_t *next)
{
	double h = HEAD;

	for (i++; i < n && strcmp(it[i].kind, "bar") == 0; i++)
		h += LINE;
	*next = i;
	return h + SECTION_GAP;
}

int
chart_main(const char *out)
{
	cairo_surface_t *s;
	cairo_t *cr;
	struct item *it = NULL;
	struct buf in = { 0 };
	char chunk[4096], *line, *save = NULL, *f[4], *q;
	const char *title = "", *subtitle = "", *note = "";
	size_t n = 0, i, j, next, k;
	double total = 0, colh, y, x, colw, scale, avail, lw, bw, maxv;
	double biggest = 0, sh;
	ssize_t r;
	int col;

	while ((r = read(STDIN_FILENO, chunk, sizeof chunk)) > 0 &&
	    in.len < IN_MAX)
		buf_add(&in, chunk, (size_t)r);
	for (line = strtok_r(buf_cstr(&in), "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		for (k = 0; k < 4; k++)
			f[k] = "";
		for (k = 0, q = line; k < 4 && q != NULL; k++) {
			f[k] = q;
			if ((q = strchr(q, '\t')) != NULL)
				*q++ = '\0';
		}
		if (strcmp(f[0], "title") == 0)
			title = f[1];
		else if (strcmp(f[0], "subtitle") == 0)
			subtitle = f[1];
		else if (strcmp(f[0], "note") == 0)
			note = f[1];
		else if (strcmp(f[0], "section") == 0 ||
		    strcmp(f[0], "bar") == 0) {
			it = xreallocarray(it, n + 1, sizeof *it);
			it[n].kind = f[0];
			it[n].a = f[1];
			it[n].b = f[2];
			it[n].c = f[3];
			n++;
		}
	}
	/* Two columns of about equal height; the page scaled to fit. */
	for (i = 0; i < n; i = next) {
		if (strcmp(it[i].kind, "section") != 0) {
			next = i + 1;
			continue;
		}
		sh = section_h(it, n, i, &next);
		total += sh;
		if (sh > biggest)
			biggest = sh;
	}
	avail = PAGE_H - 2 * MARGIN - 84 - 30;
	/* Greedy columns: each at most half the total plus one section. */
	scale = total / 2 + biggest > avail ? avail / (total / 2 + biggest) :
	    1.0;
	if (scale < 0.3)
		scale = 0.3;

	s = cairo_pdf_surface_create(out, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
	    "2000-01-01T00:00:00Z");
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 0, 0, 0);
	text(cr, MARGIN, MARGIN, PAGE_W - 2 * MARGIN, title,
	    "Noto Sans Bold 16", 1);
	text(cr, MARGIN, MARGIN + 24, PAGE_W - 2 * MARGIN, subtitle,
	    "Noto Sans 8.5", 1);
	text(cr, MARGIN, PAGE_H - MARGIN - 20, PAGE_W - 2 * MARGIN, note,
	    "Noto Sans Italic 7.5", 1);

	cairo_save(cr);
	cairo_translate(cr, MARGIN, MARGIN + 84);
	cairo_scale(cr, scale, scale);
	colw = ((PAGE_W - 2 * MARGIN - GAP) / 2) / scale;
	colh = avail / scale;
	col = 0;
	y = 0;
	for (i = 0; i < n; i = next) {
		double h;

		if (strcmp(it[i].kind, "section") != 0) {
			next = i + 1;
			continue;
		}
		h = section_h(it, n, i, &next);
		if ((y + h > colh || y >= total / 2) && y > 0 && col == 0) {
			col = 1;
			y = 0;
		}
		x = col * (colw + GAP / scale);
		lw = colw * 0.45;
		bw = colw - lw - 60;
		cairo_set_source_rgb(cr, 0, 0, 0);
		text(cr, x, y, colw * 0.7, it[i].a, "Noto Sans Bold 8.5", 0);
		text(cr, x + colw * 0.7, y + 1, colw * 0.3, it[i].b,
		    "Noto Sans Italic 7", 0);
		y += HEAD;
		maxv = 1;
		for (j = i + 1; j < next; j++)
			if (atof(it[j].b) > maxv)
				maxv = atof(it[j].b);
		for (j = i + 1; j < next; j++) {
			double v = atof(it[j].b), w;

			cairo_set_source_rgb(cr, 0, 0, 0);
			text(cr, x, y, lw - 4, it[j].a, "Noto Sans 7.5", 0);
			if (v < 0) {
				/* Suppressed: an outlined stub, no length. */
				cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
				cairo_set_line_width(cr, 0.6);
				cairo_rectangle(cr, x + lw, y + 2, 8, LINE - 4);
				cairo_stroke(cr);
				w = 8;
			} else {
				w = bw * v / maxv;
				cairo_set_source_rgb(cr, 0.15, 0.3, 0.55);
				cairo_rectangle(cr, x + lw, y + 2, w, LINE - 4);
				cairo_fill(cr);
			}
			cairo_set_source_rgb(cr, 0, 0, 0);
			text(cr, x + lw + w + 3, y, 60, it[j].c,
			    "Noto Sans 7", 0);
			y += LINE;
		}
		y += SECTION_GAP;
	}
	cairo_restore(cr);
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "kiosk-print: %s: %s\n", out,
		    cairo_status_to_string(cairo_surface_status(s)));
		cairo_surface_destroy(s);
		unlink(out);
		free(it);
		buf_free(&in);
		return 1;
	}
	cairo_surface_destroy(s);
	free(it);
	buf_free(&in);
	return 0;
}
