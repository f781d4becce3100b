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

/* The page's description, as read (pointers into in). */
struct chart {
	struct buf	 in;
	const char	*title, *subtitle, *note;
	struct item	*it;		/* sections and their bars */
	size_t		 n;
};

/* Read the description on stdin (at most about IN_MAX bytes). */
static void
chart_read(struct chart *c)
{
	char chunk[4096], *line, *save = NULL, *f[4], *q;
	ssize_t r;
	size_t k;

	c->title = c->subtitle = c->note = "";
	while ((r = read(STDIN_FILENO, chunk, sizeof chunk)) > 0 &&
	    c->in.len < IN_MAX)
		buf_add(&c->in, chunk, (size_t)r);
	for (line = strtok_r(buf_cstr(&c->in), "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		for (k = 0; k < 4; k++)
			f[k] = "";
		for (k = 0, q = line; k < 4 && q != NULL; k++) {
			f[k] = q;
			if ((q = strchr(q, '\t')) != NULL)
				*q++ = '\0';
		}
		if (strcmp(f[0], "title") == 0)
			c->title = f[1];
		else if (strcmp(f[0], "subtitle") == 0)
			c->subtitle = f[1];
		else if (strcmp(f[0], "note") == 0)
			c->note = f[1];
		else if (strcmp(f[0], "section") == 0 ||
		    strcmp(f[0], "bar") == 0) {
			c->it = xreallocarray(c->it, c->n + 1, sizeof *c->it);
			c->it[c->n].kind = f[0];
			c->it[c->n].a = f[1];
			c->it[c->n].b = f[2];
			c->it[c->n].c = f[3];
			c->n++;
		}
	}
}

/*
 * Two columns of about equal height; the page scaled to fit. *total is
 * the height of every section; the scale is returned.
 */
static double
chart_scale(const struct chart *c, double avail, double *total)
{
	double biggest = 0, sh, scale;
	size_t i, next;

	*total = 0;
	for (i = 0; i < c->n; i = next) {
		if (strcmp(c->it[i].kind, "section") != 0) {
			next = i + 1;
			continue;
		}
		sh = section_h(c->it, c->n, i, &next);
		*total += sh;
		if (sh > biggest)
			biggest = sh;
	}
	/* Greedy columns: each at most half the total plus one section. */
	scale = *total / 2 + biggest > avail ? avail / (*total / 2 + biggest) :
	    1.0;
	return scale < 0.3 ? 0.3 : scale;
}

/* One bar at (x, y): its label, the bar (of maxv in bw), its figure. */
static void
draw_bar(cairo_t *cr, const struct item *bar, double x, double y,
    double lw, double bw, double maxv)
{
	double v = atof(bar->b), w;

	cairo_set_source_rgb(cr, 0, 0, 0);
	text(cr, x, y, lw - 4, bar->a, "Noto Sans 7.5", 0);
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
	text(cr, x + lw + w + 3, y, 60, bar->c, "Noto Sans 7", 0);
}

/* Section it[i] and its bars it[i+1..next) at (x, y); returns the new y. */
static double
draw_section(cairo_t *cr, const struct item *it, size_t i, size_t next,
    double x, double y, double colw)
{
	double lw = colw * 0.45, bw = colw - lw - 60, maxv = 1;
	size_t j;

	cairo_set_source_rgb(cr, 0, 0, 0);
	text(cr, x, y, colw * 0.7, it[i].a, "Noto Sans Bold 8.5", 0);
	text(cr, x + colw * 0.7, y + 1, colw * 0.3, it[i].b,
	    "Noto Sans Italic 7", 0);
	y += HEAD;
	for (j = i + 1; j < next; j++)
		if (atof(it[j].b) > maxv)
			maxv = atof(it[j].b);
	for (j = i + 1; j < next; j++) {
		draw_bar(cr, &it[j], x, y, lw, bw, maxv);
		y += LINE;
	}
	return y + SECTION_GAP;
}

/* The sections in two columns, from the top of the body, scaled. */
static void
draw_columns(cairo_t *cr, const struct chart *c, double avail, double total,
    double scale)
{
	double colw, colh, y = 0, h;
	size_t i, next;
	int col = 0;

	cairo_save(cr);
	cairo_translate(cr, MARGIN, MARGIN + 84);
	cairo_scale(cr, scale, scale);
	colw = ((PAGE_W - 2 * MARGIN - GAP) / 2) / scale;
	colh = avail / scale;
	for (i = 0; i < c->n; i = next) {
		if (strcmp(c->it[i].kind, "section") != 0) {
			next = i + 1;
			continue;
		}
		h = section_h(c->it, c->n, i, &next);
		if ((y + h > colh || y >= total / 2) && y > 0 && col == 0) {
			col = 1;
			y = 0;
		}
		y = draw_section(cr, c->it, i, next,
		    col * (colw + GAP / scale), y, colw);
	}
	cairo_restore(cr);
}

int
chart_main(const char *out)
{
	struct chart c;
	cairo_surface_t *s;
	cairo_t *cr;
	double avail = PAGE_H - 2 * MARGIN - 84 - 30, total, scale;
	int rc = 0;

	memset(&c, 0, sizeof c);
	chart_read(&c);
	scale = chart_scale(&c, avail, &total);

	s = cairo_pdf_surface_create(out, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, c.title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
	    "2000-01-01T00:00:00Z");
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 0, 0, 0);
	text(cr, MARGIN, MARGIN, PAGE_W - 2 * MARGIN, c.title,
	    "Noto Sans Bold 16", 1);
	text(cr, MARGIN, MARGIN + 24, PAGE_W - 2 * MARGIN, c.subtitle,
	    "Noto Sans 8.5", 1);
	text(cr, MARGIN, PAGE_H - MARGIN - 20, PAGE_W - 2 * MARGIN, c.note,
	    "Noto Sans Italic 7.5", 1);
	draw_columns(cr, &c, avail, total, scale);
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "kiosk-print: %s: %s\n", out,
		    cairo_status_to_string(cairo_surface_status(s)));
		unlink(out);
		rc = 1;
	}
	cairo_surface_destroy(s);
	free(c.it);
	buf_free(&c.in);
	return rc;
}
