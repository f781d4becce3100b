/*
 * ticket: the claim ticket as a PDF, laid out with pango on a cairo PDF
 * surface, with a QR code of the claim code from libqrencode.
 *
 * The only file that includes cairo, pango or qrencode headers.
 *
 * It must never put an answer or a name on the ticket, and shows the
 * service's name only when the caller passes one. It never writes a file
 * (the PDF goes into a memory buffer the caller wipes), never prints to the
 * screen and never exits.
 *
 * Layout, top to bottom, in one column of the profile's printable width:
 *
 *     office name                      (title_pt, bold, centred)
 *     [service name]                   (only if ticket->service)
 *     "Your claim code"                (resident's language)
 *     7KQ2-M9XD-4TRB                   (code_pt, bold, shrunk to fit)
 *     [QR]                             (modules on the printer's dot grid)
 *     Date: 2026-11-26
 *     ---------------------------------
 *     Next steps / the form's text     (resident's language, auto direction)
 *     Next steps (English) / text      (small, only if it differs)
 *     ---------------------------------
 *     office address, hours            (small)
 *     "Keep this ticket..."            (small)
 *
 * Every block is laid out once into a list (which gives its height), the
 * page height is then set (receipt rolls: height 0 means as long as the
 * content) and the same layouts are drawn. Right-to-left paragraphs come
 * from pango's auto direction: PANGO_ALIGN_LEFT means "start of line".
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "ticket.h"
#include "util.h"

#define PT_PER_MM	(72.0 / 25.4)
#define MM(x)		((x) * PT_PER_MM)
#define QR_QUIET	4	/* modules of quiet zone on each side */
#define MAX_BLOCKS	32

/*
 * Font family lists per language. Noto Sans comes first so that digits,
 * Latin headings and punctuation look the same on every ticket (Noto
 * Nastaliq Urdu's own Latin is ornate); the script's font is picked by
 * coverage for everything Noto Sans lacks, and fontconfig falls back after.
 */
static const struct {
	const char	*lang;
	const char	*family;
} ticket_fonts[] = {
	{ "bn", "Noto Sans,Noto Sans Bengali" },
	{ "ar", "Noto Sans,Noto Naskh Arabic,Noto Sans Arabic" },
	{ "fa", "Noto Sans,Noto Naskh Arabic,Noto Sans Arabic" },
	{ "ur", "Noto Sans,Noto Nastaliq Urdu,Noto Naskh Arabic" },
	{ "gu", "Noto Sans,Noto Sans Gujarati" },
	{ "hi", "Noto Sans,Noto Sans Devanagari" },
	{ "ne", "Noto Sans,Noto Sans Devanagari" },
	{ "pa", "Noto Sans,Noto Sans Gurmukhi" },
	{ "ta", "Noto Sans,Noto Sans Tamil" },
	{ "am", "Noto Sans,Noto Sans Ethiopic" },
	{ "ti", "Noto Sans,Noto Sans Ethiopic" },
	{ "my", "Noto Sans,Noto Sans Myanmar" },
	{ "km", "Noto Sans,Noto Sans Khmer" },
	{ "he", "Noto Sans,Noto Sans Hebrew" },
};
#define FONT_DEFAULT	"Noto Sans"
#define FONT_CODE	"Noto Sans Mono,DejaVu Sans Mono,Noto Sans"

enum block_kind {
	BLOCK_TEXT,
	BLOCK_QR,
	BLOCK_RULE
};

struct block {
	enum block_kind	 kind;
	PangoLayout	*layout;	/* BLOCK_TEXT */
	double		 before;	/* space above, pt */
	double		 h;		/* height, pt */
};

struct layout {
	cairo_t		*cr;
	const struct ticket_profile *prof;
	double		 x, w;		/* printable column, pt */
	struct block	 b[MAX_BLOCKS];
	int		 n;
	QRcode		*qr;
	double		 qr_module;	/* pt, on the dot grid */
};

const char *
ticket_font(const char *lang)
{
	size_t i;

	if (lang == NULL)
		return FONT_DEFAULT;
	for (i = 0; i < nitems(ticket_fonts); i++) {
		if (strcmp(ticket_fonts[i].lang, lang) == 0)
			return ticket_fonts[i].family;
	}
	return FONT_DEFAULT;
}

void
ticket_cleanup(void)
{
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
}

/* ---- Profiles ---------------------------------------------------------- */

static int
profile_number(const char *path, int line, const char *key, const char *v,
    double min, double max, double *out, char **cause)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0' || !isfinite(d) ||
	    d < min || d > max) {
		xasprintf(cause, "%s:%d: %s must be a number from %g to %g",
		    path, line, key, min, max);
		return -1;
	}
	*out = d;
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* A profile's numbers: where each goes in the profile, and its range. */
static const struct {
	const char	*key;
	size_t		 off;
	double		 min, max;
} profile_nums[] = {
	{ "width_mm", offsetof(struct ticket_profile, width_mm), 20, 1000 },
	{ "height_mm", offsetof(struct ticket_profile, height_mm), 0, 2000 },
	{ "margin_mm", offsetof(struct ticket_profile, margin_mm), 0, 50 },
	{ "title_pt", offsetof(struct ticket_profile, title_pt), 4, 72 },
	{ "code_pt", offsetof(struct ticket_profile, code_pt), 4, 96 },
	{ "body_pt", offsetof(struct ticket_profile, body_pt), 4, 48 },
	{ "small_pt", offsetof(struct ticket_profile, small_pt), 4, 48 },
	{ "qr_module_mm", offsetof(struct ticket_profile, qr_module_mm),
	    0.1, 5 },
	{ "dpi", offsetof(struct ticket_profile, dpi), 72, 2400 },
};

/* One line of a profile file (lineno of path), comments and blanks too. */
static int
profile_line(struct ticket_profile *p, const char *path, int lineno,
    char *line, int *have_width, char **cause)
{
	char *key, *v, *eq;
	size_t i;

	line = trim(line);
	if (*line == '\0' || *line == '#' || *line == ';')
		return 0;
	if ((eq = strchr(line, '=')) == NULL) {
		xasprintf(cause, "%s:%d: expected key = value", path, lineno);
		return -1;
	}
	*eq = '\0';
	key = trim(line);
	v = trim(eq + 1);
	if (strcmp(key, "name") == 0)	/* informational: the file names it */
		return 0;
	if (strcmp(key, "media") == 0) {
		if (strlen(v) >= sizeof p->media) {
			xasprintf(cause, "%s:%d: media is too long", path,
			    lineno);
			return -1;
		}
		snprintf(p->media, sizeof p->media, "%s", v);
		return 0;
	}
	for (i = 0; i < nitems(profile_nums); i++) {
		if (strcmp(key, profile_nums[i].key) == 0)
			break;
	}
	if (i == nitems(profile_nums)) {
		xasprintf(cause, "%s:%d: unknown key \"%s\"", path, lineno,
		    key);
		return -1;
	}
	if (profile_number(path, lineno, key, v, profile_nums[i].min,
	    profile_nums[i].max, (double *)((char *)p + profile_nums[i].off),
	    cause) != 0)
		return -1;
	if (strcmp(key, "width_mm") == 0)
		*have_width = 1;
	return 0;
}

/* The whole profile: a width, and room inside the margins. */
static int
profile_check(const struct ticket_profile *p, const char *path,
    int have_width, char **cause)
{
	if (!have_width) {
		xasprintf(cause, "%s: width_mm is missing", path);
		return -1;
	}
	if (p->width_mm - 2 * p->margin_mm < 20) {
		xasprintf(cause, "%s: margins leave less than 20 mm", path);
		return -1;
	}
	if (p->height_mm != 0 && p->height_mm - 2 * p->margin_mm < 20) {
		xasprintf(cause, "%s: height_mm is too small", path);
		return -1;
	}
	return 0;
}

int
ticket_profile_load(const char *dir, const char *name,
    struct ticket_profile *p, char **cause)
{
	struct buf b = { 0 };
	char *path = NULL, *line, *next;
	int lineno = 0, rc = -1, have_width = 0;

	if (name == NULL || *name == '\0' || strchr(name, '/') != NULL ||
	    name[0] == '.' || strlen(name) >= sizeof p->name) {
		xasprintf(cause, "bad printer profile name \"%s\"",
		    name == NULL ? "" : name);
		return -1;
	}
	memset(p, 0, sizeof *p);
	snprintf(p->name, sizeof p->name, "%s", name);
	p->margin_mm = 4;
	p->title_pt = 14;
	p->code_pt = 22;
	p->body_pt = 10;
	p->small_pt = 8;
	p->qr_module_mm = 0.75;
	p->dpi = 203;

	xasprintf(&path, "%s/%s.profile", dir, name);
	if (read_file(path, &b, 65536, cause) != 0)
		goto out;
	for (line = buf_cstr(&b); line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (profile_line(p, path, lineno, line, &have_width,
		    cause) != 0)
			goto out;
	}
	if (profile_check(p, path, have_width, cause) != 0)
		goto out;
	rc = 0;
out:
	free(path);
	buf_free(&b);
	return rc;
}

/* ---- Layout ------------------------------------------------------------ */

static struct block *
block_add(struct layout *lo, enum block_kind kind, double before)
{
	struct block *bl;

	if (lo->n == MAX_BLOCKS)
		fatal("ticket: too many blocks");
	bl = &lo->b[lo->n++];
	memset(bl, 0, sizeof *bl);
	bl->kind = kind;
	bl->before = before;
	return bl;
}

/*
 * The form's emphasis: words between "**" are set bold (text.h,
 * TEXT_EMPH); the markers are not printed.
 */
static void
set_text_emph(PangoLayout *l, const char *text)
{
	PangoAttrList *al;
	PangoAttribute *a;
	char *plain, *w;
	const char *r;
	size_t start = 0;
	int on = 0;

	if (strstr(text, "**") == NULL) {
		pango_layout_set_text(l, text, -1);
		return;
	}
	plain = w = xstrdup(text);
	al = pango_attr_list_new();
	for (r = text; *r != '\0'; r++) {
		if (r[0] != '*' || r[1] != '*') {
			*w++ = *r;
			continue;
		}
		r++;
		if (on) {
			a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
			a->start_index = (guint)start;
			a->end_index = (guint)(w - plain);
			pango_attr_list_insert(al, a);
		} else
			start = (size_t)(w - plain);
		on = !on;
	}
	*w = '\0';
	pango_layout_set_text(l, plain, -1);
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
	freezero_str(plain);
}

static PangoLayout *
text_layout(struct layout *lo, const char *family, double pt, int bold,
    PangoAlignment align, const char *text)
{
	PangoLayout *l;
	PangoFontDescription *fd;

	l = pango_cairo_create_layout(lo->cr);
	fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_absolute_size(fd, pt * PANGO_SCALE);
	pango_font_description_set_weight(fd,
	    bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(lo->w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_auto_dir(l, TRUE);
	pango_layout_set_alignment(l, align);
	set_text_emph(l, text);
	return l;
}

/*
 * Numbers with separators (phone numbers, dates) and codes of letters and
 * digits, as left-to-right isolates (LRI ... PDI): inside right-to-left
 * text the bidi algorithm otherwise lays "(973) 555-0104" out as
 * "0104-555 (973)", and the Arabic ticket showed 2026-12-02 as
 * 02-12-2026. The same rule as text_isolate_ltr in the kiosk (text.c),
 * written with glib here because kiosk-print does not link that module.
 */
static int
strong_start(gunichar c)
{
	return g_unichar_isdigit(c) || (c < 0x80 && g_ascii_isalnum((char)c));
}

static int
run_char(gunichar c)
{
	return strong_start(c) || (c != 0 && c < 0x80 &&
	    strchr("-()./:+", (int)c) != NULL);
}

static char *
isolate_numbers(const char *s)
{
	GString *out = g_string_sized_new(strlen(s) + 16);
	const char *p = s, *q, *last, *next;
	gunichar c, d;
	int digits, mixed, opens;
	char *r;

	while (*p != '\0') {
		c = g_utf8_get_char(p);
		next = g_utf8_next_char(p);
		d = *next ? g_utf8_get_char(next) : 0;
		if (!(strong_start(c) || ((c == '(' || c == '+') &&
		    g_unichar_isdigit(d)))) {
			g_string_append_len(out, p, next - p);
			p = next;
			continue;
		}
		digits = mixed = opens = 0;
		last = p;
		for (q = p; *q != '\0'; q = g_utf8_next_char(q)) {
			c = g_utf8_get_char(q);
			if (c == ' ') {
				d = q[1] ? g_utf8_get_char(q + 1) : 0;
				if (!digits || !(g_unichar_isdigit(d) || d == '('))
					break;
				mixed = 1;
				continue;
			}
			if (!run_char(c))
				break;
			if (g_unichar_isdigit(c))
				digits = 1;
			else
				mixed = 1;
			if (c == '(')
				opens++;
			if (strong_start(c) || (c == ')' && opens > 0))
				last = g_utf8_next_char(q);
		}
		if (last == p)
			last = next;
		if (digits && mixed) {
			g_string_append(out, "\xe2\x81\xa6");	/* LRI */
			g_string_append_len(out, p, last - p);
			g_string_append(out, "\xe2\x81\xa9");	/* PDI */
		} else
			g_string_append_len(out, p, last - p);
		p = last;
	}
	r = g_strdup(out->str);
	memset(out->str, 0, out->len);
	g_string_free(out, TRUE);
	return r;
}

/* Is the text in the Latin script only (with digits and punctuation)? */
static int
latin_only(const char *text)
{
	const char *p;
	GUnicodeScript sc;

	for (p = text; *p != '\0'; p = g_utf8_next_char(p)) {
		sc = g_unichar_get_script(g_utf8_get_char(p));
		if (sc != G_UNICODE_SCRIPT_LATIN &&
		    sc != G_UNICODE_SCRIPT_COMMON &&
		    sc != G_UNICODE_SCRIPT_INHERITED)
			return 0;
	}
	return 1;
}

/*
 * Latin text without its optional ligatures (ff, fi): the PDF's text then
 * reads back letter for letter ("for staff)", where pdftotext read the ff
 * glyph as "for staff )"). Other scripts keep theirs: they need them.
 */
static void
no_ligatures(PangoLayout *l)
{
	PangoAttrList *al = pango_layout_get_attributes(l);

	al = al != NULL ? pango_attr_list_copy(al) : pango_attr_list_new();
	pango_attr_list_insert(al, pango_attr_font_features_new("liga 0"));
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
}

static void
add_text(struct layout *lo, double before, const char *family, double pt,
    int bold, PangoAlignment align, const char *text)
{
	struct block *bl;
	char *iso;
	int h;

	if (text == NULL || *text == '\0')
		return;
	bl = block_add(lo, BLOCK_TEXT, before);
	iso = isolate_numbers(text);
	bl->layout = text_layout(lo, family, pt, bold, align, iso);
	if (latin_only(text))
		no_ligatures(bl->layout);
	memset(iso, 0, strlen(iso));
	g_free(iso);
	pango_layout_get_size(bl->layout, NULL, &h);
	bl->h = (double)h / PANGO_SCALE;
}

/* The claim code on one line: shrink the type until it fits the column. */
static void
add_code(struct layout *lo, double before, const char *code)
{
	struct block *bl;
	double pt = lo->prof->code_pt;
	int w, h;

	bl = block_add(lo, BLOCK_TEXT, before);
	for (;;) {
		bl->layout = text_layout(lo, FONT_CODE, pt, 1,
		    PANGO_ALIGN_CENTER, code);
		pango_layout_set_width(bl->layout, -1);
		pango_layout_get_size(bl->layout, &w, &h);
		if ((double)w / PANGO_SCALE <= lo->w || pt <= 6)
			break;
		g_object_unref(bl->layout);
		pt *= 0.9;
	}
	bl->h = (double)h / PANGO_SCALE;
}

static int
add_qr(struct layout *lo, double before, const char *code, char **cause)
{
	struct block *bl;
	double dot = 72.0 / lo->prof->dpi;	/* pt per printer dot */
	double dots, side;
	int total;

	lo->qr = QRcode_encodeString(code, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (lo->qr == NULL) {
		xasprintf(cause, "cannot make the QR code: %s",
		    strerror(errno));
		return -1;
	}
	total = lo->qr->width + 2 * QR_QUIET;
	/* Whole printer dots per module, at least one; shrink to fit. */
	dots = floor(MM(lo->prof->qr_module_mm) / dot + 0.5);
	if (dots < 1)
		dots = 1;
	while (dots > 1 && dots * dot * total > lo->w)
		dots--;
	lo->qr_module = dots * dot;
	side = lo->qr_module * total;
	bl = block_add(lo, BLOCK_QR, before);
	bl->h = side;
	return 0;
}

static void
add_rule(struct layout *lo, double before)
{
	struct block *bl;

	bl = block_add(lo, BLOCK_RULE, before);
	bl->h = 1;
}

static void
draw_qr(struct layout *lo, double y)
{
	cairo_t *cr = lo->cr;
	double dot = 72.0 / lo->prof->dpi, m = lo->qr_module, x;
	int r, c, total = lo->qr->width + 2 * QR_QUIET;

	/* Centre, then put the corner on the printer's dot grid. */
	x = lo->x + (lo->w - m * total) / 2;
	x = floor(x / dot + 0.5) * dot;
	y = floor(y / dot + 0.5) * dot;
	x += QR_QUIET * m;
	y += QR_QUIET * m;
	for (r = 0; r < lo->qr->width; r++) {
		for (c = 0; c < lo->qr->width; c++) {
			if (lo->qr->data[r * lo->qr->width + c] & 1)
				cairo_rectangle(cr, x + c * m, y + r * m, m, m);
		}
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_fill(cr);
}

static void
draw(struct layout *lo, double y)
{
	cairo_t *cr = lo->cr;
	struct block *bl;
	int i;

	cairo_set_source_rgb(cr, 0, 0, 0);
	for (i = 0; i < lo->n; i++) {
		bl = &lo->b[i];
		y += bl->before;
		switch (bl->kind) {
		case BLOCK_TEXT:
			cairo_move_to(cr, lo->x, y);
			if (pango_layout_get_width(bl->layout) == -1) {
				int w;

				pango_layout_get_size(bl->layout, &w, NULL);
				cairo_move_to(cr, lo->x +
				    (lo->w - (double)w / PANGO_SCALE) / 2, y);
			}
			pango_cairo_show_layout(cr, bl->layout);
			break;
		case BLOCK_QR:
			draw_qr(lo, y);
			break;
		case BLOCK_RULE:
			cairo_set_line_width(cr, 0.75);
			cairo_set_dash(cr, (double[]){ 2, 2 }, 2, 0);
			cairo_move_to(cr, lo->x, y + 0.5);
			cairo_line_to(cr, lo->x + lo->w, y + 0.5);
			cairo_stroke(cr);
			cairo_set_dash(cr, NULL, 0, 0);
			break;
		}
		y += bl->h;
	}
}

static cairo_status_t
write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/*
 * The PDF's creation date: SOURCE_DATE_EPOCH when set (reproducible
 * output), else midnight of the ticket's date, so the file says nothing
 * about the time of day the resident was here.
 */
static void
creation_date(const struct ticket *t, char *out, size_t len)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;
	time_t tt;
	struct tm tm;

	if (sde != NULL && *sde != '\0') {
		errno = 0;
		v = strtoll(sde, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 0) {
			tt = (time_t)v;
			gmtime_r(&tt, &tm);
			strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
			return;
		}
	}
	if (t->date != NULL && strlen(t->date) == 10)
		snprintf(out, len, "%sT00:00:00", t->date);
	else
		snprintf(out, len, "2000-01-01T00:00:00");
}

static void
heading_line(char **out, const char *heading, const char *value)
{
	xasprintf(out, "%s: %s", heading, value);
}

/* A take-away sheet: its title and text, no code, QR or date. */
static void
lay_out_sheet(struct layout *lo, const struct ticket *t, const char *font,
    double gap)
{
	add_text(lo, gap, font, lo->prof->title_pt, 1, PANGO_ALIGN_CENTER,
	    t->service);
	add_rule(lo, gap);
	add_text(lo, gap, font, lo->prof->body_pt, 0, PANGO_ALIGN_LEFT,
	    t->next_steps);
}

/*
 * A claim ticket: the service, the code and its QR, the date and the next
 * steps (in English too, for staff, when the resident's language is not).
 * *date_line is the caller's to free.
 */
static int
lay_out_claim(struct layout *lo, const struct ticket *t, const char *font,
    double gap, char **date_line, char **cause)
{
	double body = lo->prof->body_pt;
	const char *h_code, *h_date, *h_next;
	int english;

	english = t->lang == NULL || strcmp(t->lang, "en") == 0;
	h_code = t->h_code != NULL ? t->h_code : "Your claim code";
	h_date = t->h_date != NULL ? t->h_date : "Date";
	h_next = t->h_next != NULL ? t->h_next : "Next steps";

	if (t->service != NULL)
		add_text(lo, gap / 2, font, body, 0, PANGO_ALIGN_CENTER,
		    t->service);
	add_text(lo, gap, font, body, 0, PANGO_ALIGN_CENTER, h_code);
	add_code(lo, gap / 4, t->claim);
	if (add_qr(lo, gap / 2, t->claim, cause) != 0)
		return -1;
	if (t->date != NULL) {
		heading_line(date_line, h_date, t->date);
		add_text(lo, gap / 2, font, body, 0, PANGO_ALIGN_CENTER,
		    *date_line);
	}
	if (t->next_steps != NULL && *t->next_steps != '\0') {
		add_rule(lo, gap);
		add_text(lo, gap, font, body, 1, PANGO_ALIGN_LEFT, h_next);
		add_text(lo, gap / 4, font, body, 0, PANGO_ALIGN_LEFT,
		    t->next_steps);
	}
	if (!english && t->next_steps_en != NULL && *t->next_steps_en != '\0') {
		add_text(lo, gap, FONT_DEFAULT, lo->prof->small_pt, 1,
		    PANGO_ALIGN_LEFT, "Next steps (English, for staff)");
		add_text(lo, gap / 4, FONT_DEFAULT, lo->prof->small_pt, 0,
		    PANGO_ALIGN_LEFT, t->next_steps_en);
	}
	return 0;
}

/* Both kinds end with the office's address and hours, then "Keep...". */
static void
lay_out_footer(struct layout *lo, const struct ticket *t, const char *font,
    double gap)
{
	const char *h_keep;

	h_keep = t->h_keep != NULL ? t->h_keep :
	    "Keep this ticket. It has no personal data.";
	if (t->office_address != NULL || t->office_hours != NULL) {
		add_rule(lo, gap);
		/* In the resident's language where the config gives it. */
		add_text(lo, gap, font, lo->prof->small_pt, 0,
		    PANGO_ALIGN_CENTER, t->office_address);
		if (t->office_hours != NULL) {
			add_text(lo, gap / 4, font, lo->prof->small_pt,
			    0, PANGO_ALIGN_CENTER, t->office_hours);
		}
	}
	add_text(lo, gap, font, lo->prof->small_pt, 0, PANGO_ALIGN_CENTER,
	    h_keep);
}

/* Lay out every block once: this gives the content's height. */
static int
lay_out(struct layout *lo, const struct ticket *t, char **date_line,
    char **cause)
{
	const char *font = ticket_font(t->lang);
	double gap = lo->prof->body_pt * 0.8;

	add_text(lo, 0, font, lo->prof->title_pt, 1, PANGO_ALIGN_CENTER,
	    t->office_name);
	if (t->sheet)
		lay_out_sheet(lo, t, font, gap);
	else if (lay_out_claim(lo, t, font, gap, date_line, cause) != 0)
		return -1;
	lay_out_footer(lo, t, font, gap);
	return 0;
}

/* The page's height: the profile's, or on roll paper the content's. */
static double
page_height(const struct layout *lo)
{
	const struct ticket_profile *prof = lo->prof;
	double content_h = 0, page_h;
	int i;

	for (i = 0; i < lo->n; i++)
		content_h += lo->b[i].before + lo->b[i].h;
	if (prof->height_mm > 0)
		return MM(prof->height_mm);
	/* Roll paper: as long as the content, on whole dots. */
	page_h = content_h + 2 * MM(prof->margin_mm);
	return ceil(page_h / (72.0 / prof->dpi)) * (72.0 / prof->dpi);
}

/*
 * The PDF surface writing into out, with its metadata; its height is set
 * again by ticket_render, before anything is drawn.
 */
static cairo_surface_t *
pdf_open(const struct ticket *t, const struct ticket_profile *prof,
    struct buf *out, char **cause)
{
	cairo_surface_t *s;
	cairo_status_t st;
	char cdate[32];

	s = cairo_pdf_surface_create_for_stream(write_buf, out,
	    MM(prof->width_mm), MM(prof->height_mm > 0 ? prof->height_mm : 100));
	if ((st = cairo_surface_status(s)) != CAIRO_STATUS_SUCCESS) {
		xasprintf(cause, "cannot make the PDF: %s",
		    cairo_status_to_string(st));
		cairo_surface_destroy(s);
		return NULL;
	}
	cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
	    "Claim ticket");
	creation_date(t, cdate, sizeof cdate);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
	    cdate);
	return s;
}

static void
layout_free(struct layout *lo)
{
	int i;

	for (i = 0; i < lo->n; i++) {
		if (lo->b[i].layout != NULL)
			g_object_unref(lo->b[i].layout);
	}
	if (lo->qr != NULL)
		QRcode_free(lo->qr);
	if (lo->cr != NULL)
		cairo_destroy(lo->cr);
}

int
ticket_render(const struct ticket *t, const struct ticket_profile *prof,
    struct buf *out, char **cause)
{
	struct layout lo;
	cairo_surface_t *s = NULL;
	cairo_status_t st;
	char *date_line = NULL;
	int rc = -1;

	memset(&lo, 0, sizeof lo);
	if (!t->sheet && (t->claim == NULL || *t->claim == '\0')) {
		xasprintf(cause, "ticket has no claim code");
		return -1;
	}
	if ((s = pdf_open(t, prof, out, cause)) == NULL)
		goto out;
	lo.cr = cairo_create(s);
	lo.prof = prof;
	lo.x = MM(prof->margin_mm);
	lo.w = MM(prof->width_mm - 2 * prof->margin_mm);

	if (lay_out(&lo, t, &date_line, cause) != 0)
		goto out;
	cairo_pdf_surface_set_size(s, MM(prof->width_mm), page_height(&lo));
	draw(&lo, MM(prof->margin_mm));
	cairo_show_page(lo.cr);
	cairo_destroy(lo.cr);
	lo.cr = NULL;
	cairo_surface_finish(s);
	if ((st = cairo_surface_status(s)) != CAIRO_STATUS_SUCCESS) {
		xasprintf(cause, "cannot make the PDF: %s",
		    cairo_status_to_string(st));
		goto out;
	}
	rc = 0;
out:
	layout_free(&lo);
	if (s != NULL)
		cairo_surface_destroy(s);
	free(date_line);
	if (rc != 0)
		buf_free(out);
	return rc;
}
