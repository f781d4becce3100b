/*
 * ui: the full-screen kiosk (see ui.h).
 *
 * Every pass of the loop redraws the whole screen from the session's
 * state (erase, draw, refresh; ncurses sends only what changed), then waits
 * up to a quarter of a second for a key. There is no other screen state to
 * go stale, so a resize or a language switch needs nothing special.
 *
 * What it must never do: leave a resident's answer on the screen, in the
 * terminal's scrollback or in its own buffers after a wipe; let a key reach
 * a shell; show English that did not come through gettext or the form.
 *
 * The text being typed lives in a secure buffer (session_secret_alloc)
 * and is wiped when it is stored in the session or thrown away. Answers
 * and moves go through session calls only (session.h).
 */
#include <limits.h>
#include <poll.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>

#include "config.h"
#include "form.h"
#include "i18n.h"
#include "session.h"
#include "text.h"
#include "ui.h"
#include "util.h"

#include "ui-private.h"

volatile sig_atomic_t ui_stop;

/* ---- drawing helpers ---- */

static int
is_rtl_lang(struct ui *u)
{
	return i18n_lang(session_lang(u->s))->rtl;
}

static int
bidi_app(struct ui *u)
{
	return strcmp(u->cfg->bidi, "app") == 0;
}

static int
bidi_off(struct ui *u)
{
	return strcmp(u->cfg->bidi, "off") == 0;
}

/*
 * Draw one line of at most w columns at y, x. In a right-to-left
 * language numbers, dates and codes are isolated left-to-right runs
 * (text_isolate_ltr), so "(973) 555-0101" keeps its order; with bidi =
 * terminal the isolates go to the terminal, which reorders; with bidi =
 * app the line is reordered here and right-aligned. With emph (form
 * text), "**" toggles *emph and is not drawn; emphasised words are bold
 * and reversed.
 */
static void
put_line_emph(struct ui *u, int y, int x, int w, const char *s, size_t len,
    attr_t attr, int *emph)
{
	char *vis = NULL, *iso = NULL, *copy;
	const char *m, *end;
	size_t fit;
	int width, rtl = is_rtl_lang(u) && !bidi_off(u);

	if (y < 0 || y >= LINES || w <= 0)
		return;
	if (rtl) {
		copy = xstrndup(s, len);
		iso = text_isolate_ltr(copy);
		freezero_str(copy);
		s = iso;
		len = strlen(iso);
	}
	if (bidi_app(u) && (rtl || text_is_rtl(s))) {
		vis = text_visual_dir(s, len, rtl ? 1 : -1, NULL, NULL);
		s = vis;
		len = strlen(vis);
	}
	fit = text_fit(s, len, w);
	width = text_nwidth(s, fit);
	if (emph != NULL)
		for (m = s, end = s + fit; (m = strstr(m, TEXT_EMPH)) != NULL &&
		    m + 2 <= end; m += 2)
			width -= 2;
	if (vis != NULL && width < w)
		x += w - width;
	if (emph == NULL) {
		attron(attr);
		mvaddnstr(y, x, s, (int)fit);
		attroff(attr);
	} else {
		move(y, x);
		for (end = s + fit; s < end; s = m + 2) {
			if ((m = strstr(s, TEXT_EMPH)) == NULL || m > end)
				m = end;
			if (m > s) {
				attr_t a = *emph ? (attr & ~A_DIM) | A_BOLD |
				    A_REVERSE : attr;
				attron(a);
				addnstr(s, (int)(m - s));
				attroff(a);
			}
			if (m + 2 <= end)
				*emph = !*emph;
		}
	}
	freezero_str(vis);
	freezero_str(iso);
}

static void
put_line(struct ui *u, int y, int x, int w, const char *s, size_t len,
    attr_t attr)
{
	put_line_emph(u, y, x, w, s, len, attr, NULL);
}

struct wrapctx {
	struct ui	*u;
	int		 y, x, w, maxy;
	attr_t		 attr;
	int		 lines;
	int		 dry;
	int		 markup;	/* form text: "**" emphasis */
	int		 emph;
};

static void
wrap_line(void *arg, const char *s, size_t len)
{
	struct wrapctx *c = arg;

	if (!c->dry && c->y + c->lines < c->maxy)
		put_line_emph(c->u, c->y + c->lines, c->x, c->w, s, len,
		    c->attr, c->markup ? &c->emph : NULL);
	c->lines++;
}

/* Draw wrapped text; returns the number of lines it takes. */
int
ui_put_wrapped(struct ui *u, int y, int x, int w, int maxy, const char *s,
    attr_t attr)
{
	struct wrapctx c = { u, y, x, w, maxy, attr, 0, 0, 0, 0 };

	text_wrap(s, w, wrap_line, &c);
	return c.lines;
}

/* The same for form text, with its "**" emphasis. */
static int
put_form_text(struct ui *u, int y, int x, int w, int maxy, const char *s,
    attr_t attr)
{
	struct wrapctx c = { u, y, x, w, maxy, attr, 0, 0, 1, 0 };

	text_wrap(s, w, wrap_line, &c);
	return c.lines;
}

static void
add_hit(struct ui *u, int y, int x, int h, int w, enum hit_action a, int arg,
    int focus)
{
	struct hit *hit;

	if (u->nhits == MAX_HITS)
		return;
	hit = &u->hits[u->nhits++];
	hit->y = y;
	hit->x = x;
	hit->h = h;
	hit->w = w;
	hit->action = a;
	hit->arg = arg;
	hit->focus = focus;
}

void
ui_draw_header(struct ui *u, const char *title)
{
	char right[32] = "";
	int at, total;

	attron(A_REVERSE | A_BOLD);
	mvhline(0, 0, ' ', COLS);
	attroff(A_REVERSE | A_BOLD);
	if (session_screen(u->s) == SESSION_PAGE) {
		session_progress(u->s, &at, &total);
		if (total > 0)
			snprintf(right, sizeof right, " %d / %d ", at, total);
	}
	if (session_assisted_by(u->s) > 0 &&
	    session_screen(u->s) != SESSION_LANG) {
		char *t;

		xasprintf(&t, "%s · %s %d", title, _("assisted by volunteer"),
		    session_assisted_by(u->s));
		put_line(u, 0, 1, COLS - 2 - (int)strlen(right), t, strlen(t),
		    A_REVERSE | A_BOLD);
		free(t);
	} else
		put_line(u, 0, 1, COLS - 2 - (int)strlen(right), title,
		    strlen(title), A_REVERSE | A_BOLD);
	if (*right != '\0') {
		attron(A_REVERSE | A_BOLD);
		mvaddstr(0, COLS - (int)strlen(right), right);
		attroff(A_REVERSE | A_BOLD);
	}
}


/* The given hints, then Listen (ui-listen.c) where it exists. */
static int
footer_hints(struct ui *u, const struct key_hint *given, int n,
    struct key_hint *hints, int max)
{
	if (n > 12)
		n = 12;
	memcpy(hints, given, (size_t)n * sizeof *hints);
	n += ui_listen_hints(u, hints + n, max - n);
	return n;
}

/* Rows the key hints take at the bottom. */
static int
footer_rows(struct ui *u, const struct key_hint *given, int n)
{
	struct key_hint hints[24];
	int i, w, rows = 1, total = 0;

	n = footer_hints(u, given, n, hints, (int)nitems(hints));
	for (i = 0; i < n; i++) {
		w = text_width(hints[i].text) + 2;
		if (total + w + 1 > COLS) {
			rows++;
			total = 0;
		}
		total += w + 1;
	}
	return rows;
}

/* The key hints, on the last lines, each also a tap target. */
int
ui_draw_footer(struct ui *u, const struct key_hint *given, int n)
{
	struct key_hint hints[24];
	int i, w, x, y, rows = footer_rows(u, given, n);
	int rtl = is_rtl_lang(u) && bidi_app(u);

	n = footer_hints(u, given, n, hints, (int)nitems(hints));
	y = LINES - rows;
	x = 0;
	attron(A_REVERSE);
	for (i = y; i < LINES; i++)
		mvhline(i, 0, ' ', COLS);
	attroff(A_REVERSE);
	for (i = 0; i < n; i++) {
		w = text_width(hints[i].text) + 2;
		if (x + w > COLS) {
			y++;
			x = 0;
		}
		if (rtl) {
			/* Right to left: the first key at the right. */
			char *vis = text_visual_dir(hints[i].text,
			    strlen(hints[i].text), 1, NULL, NULL);

			attron(A_REVERSE | A_BOLD);
			mvaddstr(y, COLS - x - w + 1, vis);
			attroff(A_REVERSE | A_BOLD);
			add_hit(u, y, COLS - x - w, 1, w, hints[i].action, 0,
			    -1);
			free(vis);
		} else {
			attron(A_REVERSE | A_BOLD);
			mvaddstr(y, x + 1, hints[i].text);
			attroff(A_REVERSE | A_BOLD);
			add_hit(u, y, x, 1, w, hints[i].action, 0, -1);
		}
		x += w + 1;
	}
	return rows;
}

static void
draw_message(struct ui *u, int y)
{
	char *line;

	if (u->msg == NULL || y >= LINES)
		return;
	if (u->msg_ok) {
		ui_put_wrapped(u, y, 2, COLS - 4, LINES - 1, u->msg, A_BOLD);
		return;
	}
	/* Not by colour alone: a "!" mark and bold reverse. */
	xasprintf(&line, "! %s", u->msg);
	ui_put_wrapped(u, y, 2, COLS - 4, LINES - 1, line, A_BOLD |
	    (u->mono ? A_REVERSE : COLOR_PAIR(PAIR_ERROR)));
	free(line);
}

/* The message at y, "! " first; returns the rows it takes. */
static int
draw_message_at(struct ui *u, int y, int maxy)
{
	char *line;
	int rows;

	xasprintf(&line, "! %s", u->msg);
	rows = ui_put_wrapped(u, y, 2, COLS - 4, maxy, line, A_BOLD |
	    (u->mono ? A_REVERSE : COLOR_PAIR(PAIR_ERROR)));
	free(line);
	return rows;
}

/* "!" in the margin of the answer an error is about. */
static void
error_mark(struct ui *u, int y)
{
	if (y < 0 || y >= LINES)
		return;
	attron(A_BOLD | (u->mono ? A_REVERSE : COLOR_PAIR(PAIR_ERROR)));
	mvaddstr(y, is_rtl_lang(u) && bidi_app(u) ? COLS - 1 : 0, "!");
	attroff(A_BOLD | (u->mono ? A_REVERSE : COLOR_PAIR(PAIR_ERROR)));
}

/* "more below" on the last row of a page whose items go on. */
static void
draw_more_below(struct ui *u, int y)
{
	char *more;

	xasprintf(&more, "↓ %s", _("more below"));
	mvhline(y, 0, ' ', COLS);
	put_line(u, y, 2, COLS - 4, more, strlen(more), A_BOLD);
	free(more);
}

static void
set_msg(struct ui *u, char *msg)
{
	free(u->msg);
	u->msg = msg;
	u->msg_ok = 0;
}

/* ---- the text field ---- */

void
ui_field_clear(struct ui *u)
{
	session_secret_wipe(u->field, FIELD_MAX);
	u->flen = u->fpos = 0;
	u->field_item = -1;
}

static void
field_load(struct ui *u, size_t item)
{
	const char *v;
	size_t n;

	char *shown;

	ui_field_clear(u);
	v = session_value(u->s, item);
	/* The resident's own digits, as typed; field_store makes them ASCII. */
	shown = text_native_digits(v, session_digit_zero(v));
	if (strlen(shown) < FIELD_MAX)
		v = shown;
	n = strlen(v);
	if (n >= FIELD_MAX)
		n = FIELD_MAX - 1;
	memcpy(u->field, v, n);
	u->flen = u->fpos = n;
	u->field[n] = '\0';
	u->field_item = (long)item;
	freezero_str(shown);
}

/* Put the field's text into the session. */
static void
field_store(struct ui *u)
{
	char *ascii;

	if (u->field_item < 0)
		return;		/* (session_answer: nothing without a form) */
	u->field[u->flen] = '\0';
	/* Digits of any script (٣, ۳, ৩, ૩) are stored as ASCII digits. */
	ascii = text_ascii_digits(u->field);
	session_answer(u->s, (size_t)u->field_item, ascii);
	freezero_str(ascii);
}

static void
field_insert(struct ui *u, wint_t wc)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)wc, &st);
	if (n == (size_t)-1 || u->flen + n >= FIELD_MAX)
		return;
	memmove(u->field + u->fpos + n, u->field + u->fpos,
	    u->flen - u->fpos);
	memcpy(u->field + u->fpos, mb, n);
	u->flen += n;
	u->fpos += n;
	u->field[u->flen] = '\0';
	session_secret_wipe(mb, sizeof mb);
}

static void
field_delete(struct ui *u, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(u->field + from, u->field + to, u->flen - to);
	u->flen -= to - from;
	session_secret_wipe(u->field + u->flen, FIELD_MAX - u->flen);
	u->fpos = from;
}

/* Editing keys; returns 1 if the key was used. */
static int
field_key(struct ui *u, int r, wint_t k)
{
	if (r == OK) {
		if (k == 8 || k == 127) {
			field_delete(u, text_prev(u->field, u->flen, u->fpos),
			    u->fpos);
			return 1;
		}
		if (k < 32 || (k >= 0x7f && k < 0xa0))
			return 0;
		/* A combining mark joins the letter before it. */
		field_insert(u, k);
		return 1;
	}
	switch (k) {
	case KEY_BACKSPACE:
		field_delete(u, text_prev(u->field, u->flen, u->fpos), u->fpos);
		return 1;
	case KEY_DC:
		field_delete(u, u->fpos, text_next(u->field, u->flen, u->fpos));
		return 1;
	case KEY_LEFT:
		u->fpos = text_prev(u->field, u->flen, u->fpos);
		return 1;
	case KEY_RIGHT:
		u->fpos = text_next(u->field, u->flen, u->fpos);
		return 1;
	case KEY_HOME:
		u->fpos = 0;
		return 1;
	case KEY_END:
		u->fpos = u->flen;
		return 1;
	}
	return 0;
}

/*
 * bidi = app: the visible part of the field in visual order, with its
 * numbers isolated; in a right-to-left language right-aligned, and the
 * cursor where the next letter will appear (left of the text at its end).
 */
static void
draw_field_visual(struct ui *u, int y, int x, int w, size_t start,
    size_t fit)
{
	char *win, *iso, *vis;
	size_t pos = u->fpos - start;
	int rtl = is_rtl_lang(u), col = 0, width, at;

	win = session_secret_alloc(fit + 1);
	memcpy(win, u->field + start, fit);
	win[fit] = '\0';
	if (pos > fit)
		pos = fit;
	iso = text_isolate_ltr_at(win, &pos);
	vis = text_visual_dir(iso, strlen(iso), rtl ? 1 : -1, &pos, &col);
	width = text_width(vis);
	at = rtl ? x + w - width : x;
	attron(A_UNDERLINE | A_BOLD);
	mvaddstr(y, at, vis);
	attroff(A_UNDERLINE | A_BOLD);
	if (fit == 0)
		u->cur_x = rtl ? x + w - 1 : x;
	else
		u->cur_x = at + col;
	if (u->cur_x < x)
		u->cur_x = x;
	if (u->cur_x > x + w - 1)
		u->cur_x = x + w - 1;
	freezero_str(vis);
	freezero_str(iso);
	session_secret_free(win);
}

/* Draw the field box; remember where the cursor goes. */
static int
draw_field(struct ui *u, int y, int x, int w, int rows)
{
	size_t start = 0, fit;
	int before;

	if (w < 4)
		return 1;
	attron(A_UNDERLINE);
	for (int i = 0; i < rows; i++)
		mvhline(y + i, x, ' ', w);
	attroff(A_UNDERLINE);
	/* Scroll horizontally so the cursor stays visible. */
	while (text_nwidth(u->field + start, u->fpos - start) > w - 1)
		start = text_next(u->field, u->flen, start);
	fit = text_fit(u->field + start, u->flen - start, w - 1);
	u->cur_y = y;
	u->show_cursor = 1;
	if (bidi_app(u) && (is_rtl_lang(u) || text_is_rtl(u->field))) {
		draw_field_visual(u, y, x, w, start, fit);
		return rows;
	}
	attron(A_UNDERLINE | A_BOLD);
	mvaddnstr(y, x, u->field + start, (int)fit);
	attroff(A_UNDERLINE | A_BOLD);
	before = text_nwidth(u->field + start, u->fpos - start);
	u->cur_x = x + before;
	return rows;
}

/* ---- lists ---- */

/*
 * Between the chosen options of one answer, in the resident's language:
 * not a plain comma, which options themselves contain.
 */
static const char *
list_sep(void)
{
	/* TRANSLATORS: goes between the options a resident ticked in one
	   answer ("Passport; Lease"). Options may contain commas, so use
	   your language's semicolon (Arabic and Urdu: "؛ "). */
	return _("; ");
}

/*
 * A typed answer as the resident sees it again (review, a field not being
 * edited): a phone number formatted, in session_digit_zero()'s digits (٢٠٢٦-١١-٢٠).
 * Free the result with freezero_str().
 */
static char *
shown_answer(const struct form_question *q, const char *v)
{
	struct buf b;
	char *out;

	memset(&b, 0, sizeof b);
	if (form_numbers(q))
		form_numbers_display(v, &b);
	else
		buf_adds(&b, v);
	out = text_native_digits(buf_cstr(&b), session_digit_zero(v));
	buf_free(&b);
	return out;
}

static const char *
choice_label(struct ui *u, const struct form_choice *c)
{
	return session_text(u->s, &c->label);
}

static void
pick_choice(struct ui *u, size_t item, int idx)
{
	const struct form_choice **ch;

	if (idx < 0 || (size_t)idx >= session_choices(u->s, item, &ch))
		return;
	session_choose(u->s, item, (size_t)idx);
	u->cursor = idx;
	set_msg(u, NULL);
}

/* The lines of a wrapped text, pointing into it. */
struct lines {
	const char	**p;
	size_t		 *len;
	int		  n, cap;
};

static void
lines_add(void *arg, const char *s, size_t len)
{
	struct lines *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->p = xreallocarray(l->p, (size_t)l->cap, sizeof *l->p);
		l->len = xreallocarray(l->len, (size_t)l->cap, sizeof *l->len);
	}
	l->p[l->n] = s;
	l->len[l->n++] = len;
}

static void
lines_free(struct lines *l)
{
	free(l->p);
	free(l->len);
	memset(l, 0, sizeof *l);
}

/* Rows of the list's items from a to b (inclusive) shown from top. */
static int
list_span(const int *rows, int n, int top, int a, int b)
{
	int i, sum = top > 0 ? 1 : 0;	/* the "more above" mark */

	for (i = a; i <= b; i++)
		sum += rows[i];
	if (b < n - 1)
		sum++;			/* the "more below" mark */
	return sum;
}

/*
 * Draw a numbered list from y, at most maxrows rows, keeping the cursor's
 * whole item in view: every item is numbered (1 to n, aligned), wrapped
 * lines are indented under the item's text, and "more above" / "more
 * below" marks (also tap targets that page) show what is scrolled away.
 * Nothing can be chosen that is not on screen. marks: 0 plain, 1 radio,
 * 2 checkbox; checked says which are set. Returns the rows used plus one.
 */
int
ui_draw_list(struct ui *u, int y, int maxrows, const char **labels,
    const int *checked, int n, int marks, int focus)
{
	struct lines *wl;
	char *line, num[16], *more;
	const char *box;
	int i, j, row, *rows, ndig, prefw, w, last, cur;

	if (maxrows < 1)
		maxrows = 1;
	if (n <= 0)
		return 1;
	w = COLS - 6;
	snprintf(num, sizeof num, "%d", n);
	ndig = (int)strlen(num);
	/* "▶ " + number + ". " + box */
	prefw = 2 + ndig + 2 + (marks ? 4 : 0);
	if (w - prefw < 8)
		prefw = w - 8;
	wl = xcalloc((size_t)n, sizeof *wl);
	rows = xreallocarray(NULL, (size_t)n, sizeof *rows);
	for (i = 0; i < n; i++) {
		text_wrap(labels[i], w - prefw, lines_add, &wl[i]);
		rows[i] = wl[i].n > 0 ? wl[i].n : 1;
	}
	/* Scroll so the cursor's item is whole on screen. */
	cur = u->cursor >= n ? n - 1 : u->cursor;
	if (u->top >= n)
		u->top = n - 1;
	if (u->top < 0)
		u->top = 0;
	if (cur >= 0 && cur < u->top)
		u->top = cur;
	while (cur >= 0 && u->top < cur &&
	    list_span(rows, n, u->top, u->top, cur) > maxrows)
		u->top++;
	/* If the end of the list fits, show as much above it as fits. */
	while (u->top > 0 && list_span(rows, n, u->top - 1, u->top - 1,
	    n - 1) <= maxrows)
		u->top--;
	row = y;
	if (u->top > 0) {
		xasprintf(&more, "↑ %s", _("more above"));
		put_line(u, row, 2, w, more, strlen(more), A_BOLD);
		add_hit(u, row, 0, 1, COLS, HIT_SCROLL, -1, focus);
		free(more);
		row++;
	}
	last = u->top - 1;
	for (i = u->top; i < n; i++) {
		int need = rows[i] + (i < n - 1 ? 1 : 0);

		if (i > u->top && row + need > y + maxrows)
			break;
		if (marks == 1)
			box = checked[i] ? "(•) " : "( ) ";
		else if (marks == 2)
			box = checked[i] ? "[x] " : "[ ] ";
		else
			box = "";
		for (j = 0; j < rows[i] && row + j < y + maxrows; j++) {
			const char *p = j < wl[i].n ? wl[i].p[j] : "";
			size_t len = j < wl[i].n ? wl[i].len[j] : 0;

			if (j == 0)
				xasprintf(&line, "%s%*d. %s%.*s",
				    i == u->cursor ? "▶ " : "  ", ndig, i + 1,
				    box, (int)len, p);
			else
				xasprintf(&line, "%*s%.*s", prefw, "",
				    (int)len, p);
			put_line(u, row + j, 2, COLS - 4, line, strlen(line),
			    i == u->cursor ? (A_REVERSE | A_BOLD) : A_NORMAL);
			freezero_str(line);	/* review lines hold answers */
		}
		add_hit(u, row, 0, j, COLS, HIT_OPTION, i, focus);
		row += j;
		last = i;
	}
	if (last < n - 1 && row < LINES) {
		xasprintf(&more, "↓ %s", _("more below"));
		put_line(u, row, 2, w, more, strlen(more), A_BOLD);
		add_hit(u, row, 0, 1, COLS, HIT_SCROLL, 1, focus);
		free(more);
		row++;
	}
	for (i = 0; i < n; i++)
		lines_free(&wl[i]);
	free(wl);
	free(rows);
	return row - y + 1;
}

/* ---- screens ---- */

static void
draw_lang(struct ui *u)
{
	const char *labels[CONFIG_MAX_LANGS];
	int i, y;
	struct key_hint keys[5];
	int nk = 0;

	for (i = 0; i < u->cfg->nlangs; i++)
		labels[i] = u->lang_label[i];
	ui_draw_header(u, _("Welcome"));
	/* Each entry also asks in its own language (see lang_labels). */
	y = 2;
	y += ui_put_wrapped(u, y, 2, COLS - 4, LINES - 3,
	    _("Choose your language."), A_BOLD);
	y++;
	ui_draw_list(u, y, LINES - y - 3, labels, NULL, u->cfg->nlangs, 0, -1);
	keys[nk++] = (struct key_hint){ _("Enter: continue"), HIT_ENTER };
	if (session_lang_menu_open(u->s))
		keys[nk++] = (struct key_hint){ _("Esc: back"), HIT_BACK };
	if (!session_lang_menu_open(u->s)) {
		keys[nk++] = (struct key_hint){ _("F5: volunteer"),
		    HIT_VOLUNTEER };
		keys[nk++] = (struct key_hint){ _("F9: staff"), HIT_STAFF };
	}
	if (u->cfg->demo && !session_lang_menu_open(u->s))
		keys[nk++] = (struct key_hint){ _("Q: quit the demo"),
		    HIT_EXIT };
	/* "Your answers were erased." after F10. */
	draw_message(u, LINES - footer_rows(u, keys, nk) - 2);
	ui_draw_footer(u, keys, nk);
}

static void
draw_service(struct ui *u)
{
	const char **labels;
	size_t i;
	int y;
	struct key_hint keys[] = {
		{ _("Enter: continue"), HIT_ENTER },
		{ _("Esc: back"), HIT_BACK },
		{ _("F2: language"), HIT_LANG },
	};

	ui_draw_header(u, _("What do you need today?"));
	y = 2;
	y += ui_put_wrapped(u, y, 2, COLS - 4, LINES - 3,
	    _("Choose a service. Use the number keys or the arrow keys, then "
	    "press Enter."), A_NORMAL);
	y++;
	if (session_nforms(u->s) == 0) {
		ui_put_wrapped(u, y, 2, COLS - 4, LINES - 3, _("No services are "
		    "available right now. Please ask a staff member."), A_BOLD);
	} else {
		labels = xreallocarray(NULL, session_nforms(u->s),
		    sizeof *labels);
		for (i = 0; i < session_nforms(u->s); i++)
			labels[i] = session_form_title(u->s, i);
		ui_draw_list(u, y, LINES - y - 3, labels, NULL,
		    (int)session_nforms(u->s), 0, -1);
		free(labels);
	}
	draw_message(u, LINES - 4);
	ui_draw_footer(u, keys, nitems(keys));
}

/* "Add another ...?" after the last instance of a repeat; rows used. */
static int
draw_repeat_prompt(struct ui *u, size_t begin, int y, int maxy)
{
	const char *labels[2];
	char *label, *line;
	int rows;

	label = session_label(u->s, begin);
	xasprintf(&line, _("Add another: %s?"), label);
	rows = ui_put_wrapped(u, y, 2, COLS - 4, maxy, line, A_BOLD) + 1;
	freezero_str(line);
	freezero_str(label);
	labels[0] = _("Yes, add another");
	labels[1] = _("No, go on");
	rows += ui_draw_list(u, y + rows, maxy - y - rows, labels, NULL, 2, 0,
	    0);
	return rows + 1;
}

/*
 * The answer of a select or acknowledge item (QW_ONE, QW_MANY,
 * QW_CONFIRM) from y: the list when
 * focused (marked "!" if err), else the chosen options on one line.
 * Returns the rows used.
 */
static int
draw_choices(struct ui *u, size_t item, enum qtype_widget widget, int pos,
    int y, int maxy, int focused, int err)
{
	static const char *ok_label[1];
	static int ok_checked[1];
	const char *v = session_value(u->s, item), **labels;
	const struct form_choice **ch;
	struct buf b = { 0 };
	int *checked, rows = 0, n, i;

	if (widget == QW_CONFIRM) {
		ok_label[0] = _("Yes, I understand");
		ok_checked[0] = strcmp(v, "OK") == 0;
		if (!focused)
			return 0;
		if (err)
			error_mark(u, y);
		return ui_draw_list(u, y, maxy - y, ok_label, ok_checked, 1, 2,
		    pos);
	}
	n = (int)session_choices(u->s, item, &ch);
	labels = xreallocarray(NULL, (size_t)n + 1, sizeof *labels);
	checked = xreallocarray(NULL, (size_t)n + 1, sizeof *checked);
	for (i = 0; i < n; i++) {
		labels[i] = choice_label(u, ch[i]);
		checked[i] = session_chosen(u->s, item, ch[i]);
	}
	if (focused) {
		if (err)
			error_mark(u, y);
		rows = ui_draw_list(u, y, maxy - y, labels, checked, n,
		    widget == QW_ONE ? 1 : 2, pos);
	} else {
		/* Not focused: the answers so far, on one line. */
		for (i = 0; i < n; i++) {
			if (!checked[i])
				continue;
			if (b.len)
				buf_adds(&b, list_sep());
			buf_adds(&b, labels[i]);
		}
		rows = ui_put_wrapped(u, y, 4, COLS - 8, maxy,
		    b.len ? buf_cstr(&b) : "—", A_NORMAL);
		add_hit(u, y + rows - 1, 0, 1, COLS, HIT_FOCUS, pos, pos);
		buf_free(&b);
	}
	free(labels);
	free(checked);
	return rows;
}

/* Draw one item of a page; returns rows used. */
static int
draw_item(struct ui *u, size_t item, int pos, int y, int maxy, int focused)
{
	const struct form_question *q = session_question(u->s, item);
	enum qtype_widget widget = qtype_widget(q->type);
	int rows = 0, fieldrows, err = 0;
	char *label, *hint;
	size_t begin;

	if (widget == QW_ANOTHER &&
	    session_repeat_prompt(u->s, item, &begin))
		return draw_repeat_prompt(u, begin, y, maxy);
	label = session_label(u->s, item);
	hint = session_hint(u->s, item);
	rows += put_form_text(u, y, 2, COLS - 4, maxy, label, A_BOLD);
	/* Hints in the normal colour: dim text is too faint to read. */
	if (hint != NULL && *hint != '\0')
		rows += put_form_text(u, y + rows, 2, COLS - 4, maxy, hint,
		    A_NORMAL);
	freezero_str(label);
	freezero_str(hint);
	if (widget == QW_TEXT && q->reviewed != NULL &&
	    session_info_only(u->s)) {
		/* TRANSLATORS: under a know-your-rights page; %s is a date
		   as YYYY-MM-DD. */
		xasprintf(&label, _("Last checked: %s"), q->reviewed);
		rows += ui_put_wrapped(u, y + rows, 2, COLS - 4, maxy, label,
		    A_DIM);
		free(label);
	}
	/*
	 * The error goes right above the answer it is about (GOV.UK), with
	 * a "!" and not by colour alone; the answer is marked "!" too.
	 */
	if (focused && u->msg != NULL) {
		err = 1;
		u->msg_shown = 1;
		rows += draw_message_at(u, y + rows, maxy);
	}
	rows++;
	switch (widget) {
	case QW_TEXT:
		break;
	case QW_ONE:
	case QW_MANY:
	case QW_CONFIRM:
		rows += draw_choices(u, item, widget, pos, y + rows, maxy,
		    focused, err);
		break;
	default:
		fieldrows = q->appearance != NULL &&
		    strstr(q->appearance, "multiline") ? 3 : 1;
		if (focused) {
			if (u->field_item != (long)item)
				field_load(u, item);
			if (err)
				error_mark(u, y + rows);
			rows += draw_field(u, y + rows, 4, COLS - 10,
			    fieldrows);
		} else {
			char *shown = shown_answer(q,
			    session_value(u->s, item));

			attron(A_UNDERLINE);
			mvhline(y + rows, 4, ' ', COLS - 10);
			attroff(A_UNDERLINE);
			put_line(u, y + rows, 4, COLS - 10, shown,
			    strlen(shown), A_UNDERLINE);
			freezero_str(shown);
			add_hit(u, y + rows, 0, 1, COLS, HIT_FOCUS, pos, pos);
			rows++;
		}
		break;
	}
	return rows + 1;
}

static int
item_takes_input(struct ui *u, size_t item)
{
	return qtype_focus(qtype_widget(session_question(u->s, item)->type));
}

/*
 * "Remove Household member 2?" over a page inside a repeat instance: the
 * resident who added one too many can take it back, answers and all.
 */
static void
draw_confirm(struct ui *u)
{
	const char *labels[2];
	char *label, *line, *shown, *mark;
	size_t begin;
	int inst, y = 2;
	struct key_hint keys[] = {
		{ _("Enter: continue"), HIT_ENTER },
		{ _("Esc: back"), HIT_BACK },
		{ _("F10: erase and leave"), HIT_EXIT },
	};

	ui_draw_header(u, session_title(u->s));
	if (u->confirm == CONFIRM_LEAVE) {
		/* Esc on the first question: the answers would go. */
		y += ui_put_wrapped(u, y, 2, COLS - 4, LINES - 4,
		    _("Go back to the list of services? Your answers will be "
		    "erased."), A_BOLD) + 1;
		labels[0] = _("Yes, erase my answers");
		labels[1] = _("No, stay here");
		ui_draw_list(u, y, LINES - 4 - y, labels, NULL, 2, 0, -1);
		ui_draw_footer(u, keys, nitems(keys));
		return;
	}
	if (!session_in_instance(u->s, &begin, &inst))
		return;
	label = session_label(u->s, begin);
	/* TRANSLATORS: %1$s names one entry of a list the resident fills
	   (such as "Household member"), %2$d is its number. */
	/*
	 * The number in the resident's digits, as on the "where" line; the
	 * label (already shown as session_label gives it) goes in after, in
	 * the place the translation gave it (\037 stands for it until then).
	 */
	xasprintf(&line, _("Remove %1$s %2$d? Its answers will be erased."),
	    "\037", inst);
	shown = text_native_digits(line, session_digit_zero("0"));
	freezero_str(line);
	mark = strchr(shown, '\037');
	xasprintf(&line, "%.*s%s%s", mark != NULL ? (int)(mark - shown) :
	    (int)strlen(shown), shown, mark != NULL ? label : "",
	    mark != NULL ? mark + 1 : "");
	freezero_str(shown);
	y += ui_put_wrapped(u, y, 2, COLS - 4, LINES - 4, line, A_BOLD) + 1;
	freezero_str(line);
	freezero_str(label);
	labels[0] = _("Yes, remove it");
	labels[1] = _("No, keep it");
	ui_draw_list(u, y, LINES - 4 - y, labels, NULL, 2, 0, -1);
	ui_draw_footer(u, keys, nitems(keys));
}

/*
 * Where the page stands inside repeats, under the title bar at y:
 * "Household member 2 › Job 1", outermost first (session_where). When it
 * is wider than the screen the outer levels give way to "…" first; the
 * innermost is cut with "…" at its end. Returns 1 if there is a line.
 */
static int
draw_where(struct ui *u, int y)
{
	char *lv[FORM_REPEAT_DEPTH], *line = NULL;
	struct buf b = { 0 };
	size_t n, i, first, fit;
	int w = COLS - 4;

	n = session_where(u->s, lv, nitems(lv));
	if (n == 0)
		return 0;
	for (first = 0; first < n; first++) {
		buf_free(&b);
		b = (struct buf){ 0 };
		if (first > 0)
			buf_adds(&b, "…");
		for (i = first; i < n; i++) {
			if (b.len)
				buf_adds(&b, " › ");
			buf_adds(&b, lv[i]);
		}
		if (text_width(buf_cstr(&b)) <= w)
			break;
	}
	if (first == n) {
		/* Even the innermost alone is too wide: cut it. */
		buf_free(&b);
		b = (struct buf){ 0 };
		fit = text_fit(lv[n - 1], strlen(lv[n - 1]), w - 1);
		buf_add(&b, lv[n - 1], fit);
		buf_adds(&b, "…");
	}
	line = buf_cstr(&b);
	put_line(u, y, 2, w, line, strlen(line), A_NORMAL);
	buf_free(&b);
	for (i = 0; i < n; i++)
		free(lv[i]);
	return 1;
}

static void
draw_page(struct ui *u)
{
	size_t items[PAGE_MAX], n, i;
	int y, focus, nk = 4, maxy, hits, fy = -1, fend = -1, where;
	char *more;
	struct key_hint keys[] = {
		{ _("Enter: next"), HIT_ENTER },
		{ _("Esc: back"), HIT_BACK },
		{ _("F2: language"), HIT_LANG },
		{ _("F10: erase and leave"), HIT_EXIT },
		/* TRANSLATORS: takes out the entry this page belongs to,
		   such as one household member; the kiosk asks first. */
		{ _("F4: remove this one"), HIT_REMOVE },
	};
	const char *title;

	if (u->confirm) {
		draw_confirm(u);
		return;
	}
	if (session_in_instance(u->s, NULL, NULL))
		nk = 5;
	else if (session_info_only(u->s)) {
		/* Know your rights: the pages can be taken away on paper. */
		keys[4] = (struct key_hint){ _("F7: print these pages"),
		    HIT_PRINT };
		nk = 5;
	}
	title = session_title(u->s);
	ui_draw_header(u, title);
	n = session_page_items(u->s, items, PAGE_MAX);
	/* Keep the focus on something that takes input. */
	focus = u->focus;
	if (focus >= (int)n)
		focus = (int)n - 1;
	while (focus >= 0 && focus < (int)n &&
	    !item_takes_input(u, items[focus]) && focus + 1 < (int)n)
		focus++;
	u->focus = focus < 0 ? 0 : focus;
	maxy = LINES - footer_rows(u, keys, nk) - 1;
	hits = u->nhits;
	where = draw_where(u, 1);
	y = 2;
	for (i = 0; i < n && y < maxy; i++) {
		if ((int)i == u->focus)
			fy = y;
		y += draw_item(u, items[i], (int)i, y, maxy,
		    (int)i == u->focus);
		if ((int)i == u->focus)
			fend = y - 1;
	}
	if (u->focus > 0 && (fy < 0 || fend > maxy)) {
		/* The focused question is below: start the page at it. */
		for (y = 1; y < maxy; y++)
			mvhline(y, 0, ' ', COLS);
		u->nhits = hits;
		if (where)
			draw_where(u, 1);
		xasprintf(&more, "↑ %s", _("more above"));
		put_line(u, 1 + where, 2, COLS - 4, more, strlen(more),
		    A_BOLD);
		free(more);
		y = 2 + where;
		for (i = (size_t)u->focus; i < n && y < maxy; i++)
			y += draw_item(u, items[i], (int)i, y, maxy,
			    (int)i == u->focus);
	}
	if (i < n && y >= maxy)
		draw_more_below(u, maxy);
	if (!u->msg_shown)
		draw_message(u, maxy);
	ui_draw_footer(u, keys, nk);
}

static void
draw_review(struct ui *u)
{
	size_t *items, n, i;
	const char **labels;
	char **owned;
	const char *v;
	const struct form_question *q;
	const struct form_choice **ch;
	enum qtype_widget w;
	size_t nch, j;
	struct buf b;
	int y, maxy;
	struct key_hint keys[] = {
		{ _("Enter: change or send"), HIT_ENTER },
		{ _("Esc: back"), HIT_BACK },
		{ _("F2: language"), HIT_LANG },
		{ _("F10: erase and leave"), HIT_EXIT },
	};

	ui_draw_header(u, _("Check your answers"));
	y = 2;
	y += ui_put_wrapped(u, y, 2, COLS - 4, LINES - 3, _("Check your answers. "
	    "To change one, choose it and press Enter. When all is right, "
	    "choose Send."), A_NORMAL);
	y++;
	n = session_review_items(u->s, &items);
	labels = xreallocarray(NULL, n + 1, sizeof *labels);
	owned = xreallocarray(NULL, n + 1, sizeof *owned);
	for (i = 0; i < n; i++) {
		char *label = session_label(u->s, items[i]);

		q = session_question(u->s, items[i]);
		w = qtype_widget(q->type);
		v = session_value(u->s, items[i]);
		memset(&b, 0, sizeof b);
		buf_adds(&b, text_plain(label));
		buf_adds(&b, ": ");
		if (*v == '\0')
			buf_adds(&b, "—");
		else if (w == QW_ONE || w == QW_MANY) {
			int first = 1;

			nch = session_choices(u->s, items[i], &ch);
			for (j = 0; j < nch; j++) {
				if (!session_chosen(u->s, items[i], ch[j]))
					continue;
				if (!first)
					buf_adds(&b, list_sep());
				buf_adds(&b, choice_label(u, ch[j]));
				first = 0;
			}
		} else if (w == QW_CONFIRM)
			buf_adds(&b, _("Yes, I understand"));
		else {
			char *shown = shown_answer(q, v);

			buf_adds(&b, shown);
			freezero_str(shown);
		}
		owned[i] = buf_cstr(&b);
		labels[i] = owned[i];
		freezero_str(label);
	}
	labels[n] = _("Send my answers");
	owned[n] = NULL;
	maxy = LINES - footer_rows(u, keys, nitems(keys)) - (u->msg ? 2 : 1);
	ui_draw_list(u, y, maxy - y, labels, NULL, (int)n + 1, 0, -1);
	for (i = 0; i < n; i++)
		freezero_str(owned[i]);
	free(owned);
	free(labels);
	free(items);
	draw_message(u, maxy);
	ui_draw_footer(u, keys, nitems(keys));
}

/* A 5x5 block font for the claim code, Crockford's alphabet and '-'. */
static const char *
glyph(char c, int row)
{
	static const struct {
		char		 c;
		const char	*rows[5];
	} font[] = {
	{ '0', { " ### ", "#   #", "#   #", "#   #", " ### " } },
	{ '1', { "  #  ", " ##  ", "  #  ", "  #  ", " ### " } },
	{ '2', { " ### ", "#   #", "  ## ", " #   ", "#####" } },
	{ '3', { "#### ", "    #", " ### ", "    #", "#### " } },
	{ '4', { "#   #", "#   #", "#####", "    #", "    #" } },
	{ '5', { "#####", "#    ", "#### ", "    #", "#### " } },
	{ '6', { " ### ", "#    ", "#### ", "#   #", " ### " } },
	{ '7', { "#####", "    #", "   # ", "  #  ", "  #  " } },
	{ '8', { " ### ", "#   #", " ### ", "#   #", " ### " } },
	{ '9', { " ### ", "#   #", " ####", "    #", " ### " } },
	{ 'A', { " ### ", "#   #", "#####", "#   #", "#   #" } },
	{ 'B', { "#### ", "#   #", "#### ", "#   #", "#### " } },
	{ 'C', { " ####", "#    ", "#    ", "#    ", " ####" } },
	{ 'D', { "#### ", "#   #", "#   #", "#   #", "#### " } },
	{ 'E', { "#####", "#    ", "#### ", "#    ", "#####" } },
	{ 'F', { "#####", "#    ", "#### ", "#    ", "#    " } },
	{ 'G', { " ####", "#    ", "#  ##", "#   #", " ####" } },
	{ 'H', { "#   #", "#   #", "#####", "#   #", "#   #" } },
	{ 'J', { "    #", "    #", "    #", "#   #", " ### " } },
	{ 'K', { "#   #", "#  # ", "###  ", "#  # ", "#   #" } },
	{ 'M', { "#   #", "## ##", "# # #", "#   #", "#   #" } },
	{ 'N', { "#   #", "##  #", "# # #", "#  ##", "#   #" } },
	{ 'P', { "#### ", "#   #", "#### ", "#    ", "#    " } },
	{ 'Q', { " ### ", "#   #", "# # #", "#  # ", " ## #" } },
	{ 'R', { "#### ", "#   #", "#### ", "#  # ", "#   #" } },
	{ 'S', { " ####", "#    ", " ### ", "    #", "#### " } },
	{ 'T', { "#####", "  #  ", "  #  ", "  #  ", "  #  " } },
	{ 'V', { "#   #", "#   #", "#   #", " # # ", "  #  " } },
	{ 'W', { "#   #", "#   #", "# # #", "## ##", "#   #" } },
	{ 'X', { "#   #", " # # ", "  #  ", " # # ", "#   #" } },
	{ 'Y', { "#   #", " # # ", "  #  ", "  #  ", "  #  " } },
	{ 'Z', { "#####", "   # ", "  #  ", " #   ", "#####" } },
	};
	size_t i;

	for (i = 0; i < nitems(font); i++)
		if (font[i].c == c)
			return font[i].rows[row];
	return "     ";
}

/* The claim code in large type; returns rows used. */
static int
draw_big_code(struct ui *u, int y, const char *code)
{
	int groups_per_line, gw = 4 * 6 - 1, g, row, i, x, line = 0, c;
	const char *p;

	groups_per_line = (COLS - 4 + 3) / (gw + 3);
	if (groups_per_line > 3)
		groups_per_line = 3;
	if (groups_per_line < 1)
		groups_per_line = 1;
	for (g = 0; g < 3; g++) {
		if (g % groups_per_line == 0 && g > 0)
			line++;
		x = (COLS - (groups_per_line * (gw + 3) - 3)) / 2 +
		    (g % groups_per_line) * (gw + 3);
		for (row = 0; row < 5; row++) {
			for (i = 0; i < 4; i++) {
				c = code[g * 5 + i];
				for (p = glyph((char)c, row); *p; p++) {
					if (*p == '#') {
						attron(A_BOLD);
						mvaddstr(y + line * 6 + row,
						    x + i * 6 + (int)(p -
						    glyph((char)c, row)), "█");
						attroff(A_BOLD);
					}
				}
			}
		}
	}
	return (line + 1) * 6;
}

static int
wrapped_rows(const char *s, int w)
{
	struct lines l = { 0 };
	int n;

	text_wrap(s, w, lines_add, &l);
	n = l.n;
	lines_free(&l);
	return n;
}

/*
 * The next steps and the resident's checklist on the ticket screen, so a
 * resident without a printed ticket still leaves with them: from y to
 * maxy, scrolled by u->top rows (Up, Down), with "more" marks.
 */
static int
draw_next_steps(struct ui *u, int y, int maxy)
{
	const char *steps = session_next_steps(u->s), *check[64], *notes[8];
	size_t nc = session_checklist(u->s, check, 64), i;
	size_t nn = session_ticket_notes(u->s, notes, 8);
	const char *office[3];
	struct buf b = { 0 };
	struct lines l = { 0 };
	int rows, top, j, row = y, emph = 0;
	char *more, *text;

	if (steps == NULL && nc == 0 && nn == 0)
		return 0;
	buf_adds(&b, _("Next steps"));
	buf_adds(&b, "\n");
	if (steps != NULL)
		buf_adds(&b, steps);
	if (nc > 0) {
		buf_adds(&b, "\n\n");
		buf_adds(&b, _("Your checklist: bring the originals of"));
		for (i = 0; i < nc; i++) {
			buf_adds(&b, "\n• ");
			buf_adds(&b, check[i]);
		}
	}
	for (i = 0; i < nn; i++) {
		buf_adds(&b, "\n\n");
		buf_adds(&b, notes[i]);
	}
	/* Where and when, as on the ticket. */
	session_office(u->s, &office[0], &office[1], &office[2]);
	for (i = 0, j = 0; i < 3; i++) {
		if (office[i] == NULL || *office[i] == '\0')
			continue;
		buf_adds(&b, j++ == 0 ? "\n\n" : "\n");
		buf_adds(&b, office[i]);
	}
	text = buf_cstr(&b);
	text_wrap(text, COLS - 6, lines_add, &l);
	rows = maxy - y;
	if (rows < 2)
		goto out;
	top = u->top;
	if (l.n <= rows)
		top = 0;
	else {
		if (top > l.n - (rows - 1))
			top = l.n - (rows - 1);
		if (top < 0)
			top = 0;
	}
	u->top = top;
	if (top > 0) {
		xasprintf(&more, "↑ %s", _("more above"));
		put_line(u, row++, 2, COLS - 4, more, strlen(more), A_BOLD);
		free(more);
	}
	for (j = top; j < l.n && row < maxy; j++) {
		if (j < l.n - 1 && row == maxy - 1) {
			xasprintf(&more, "↓ %s", _("more below"));
			put_line(u, row++, 2, COLS - 4, more, strlen(more),
			    A_BOLD);
			free(more);
			break;
		}
		put_line_emph(u, row++, 2, COLS - 4, l.p[j], l.len[j],
		    j == 0 ? A_BOLD : A_NORMAL, &emph);
	}
out:
	lines_free(&l);
	buf_free(&b);
	return row - y;
}

static void
draw_ticket(struct ui *u)
{
	enum session_ticket ticket = session_ticket_state(u->s);
	char *line = NULL;
	const char *status, *done;
	int y, maxy;
	struct key_hint keys[] = {
		{ _("Enter: I am done"), HIT_ENTER },
		{ _("F2: language"), HIT_LANG },
	};

	ui_draw_header(u, _("Your claim code"));
	y = 2;
	switch (ticket) {
	case TICKET_PRINTING:
		status = _("Your answers are saved and sealed. Your ticket is "
		    "printing…");
		break;
	case TICKET_PRINTED:
		status = _("Your answers are saved and sealed. Take your "
		    "ticket from the printer.");
		break;
	case TICKET_SAVED:
		status = _("Your answers are saved and sealed. The ticket was "
		    "saved as a file (demo):");
		break;
	case TICKET_FAILED:
		status = _("Your answers are saved and sealed, but the printer "
		    "is not working. Please write down your code now.");
		break;
	default:
		status = _("Your answers are saved and sealed. Please write "
		    "down your code now.");
		break;
	}
	y += ui_put_wrapped(u, y, 2, COLS - 4, LINES - 3, status,
	    ticket == TICKET_FAILED ? A_BOLD | A_REVERSE : A_BOLD);
	if (ticket == TICKET_SAVED && session_ticket_path(u->s) != NULL)
		y += ui_put_wrapped(u, y, 4, COLS - 6, LINES - 3,
		    session_ticket_path(u->s), A_NORMAL);
	y++;
	if (session_claim(u->s) != NULL) {
		/* Large type when it leaves room for the next steps. */
		if (LINES - y - 6 >= 18 || (COLS >= 80 && LINES - y - 6 >= 14))
			y += draw_big_code(u, y, session_claim(u->s));
		xasprintf(&line, "%s: %s", _("Your claim code"),
		    session_claim(u->s));
		y += ui_put_wrapped(u, y, 2, COLS - 4, LINES - 3, line, A_BOLD);
		freezero_str(line);
	}
	y++;
	maxy = LINES - footer_rows(u, keys, nitems(keys)) - 1;
	done = ticket == TICKET_PRINTED || ticket == TICKET_PRINTING ?
	    _("Press Enter when you have your ticket.") :
	    _("Press Enter when you have written down your code.");
	maxy -= wrapped_rows(done, COLS - 4);
	y += draw_next_steps(u, y, maxy);
	ui_put_wrapped(u, maxy, 2, COLS - 4, LINES - 1, done, A_NORMAL);
	ui_draw_footer(u, keys, nitems(keys));
}

static void
draw_too_small(struct ui *u)
{
	char *line;

	xasprintf(&line, _("Please make this window larger (at least %d "
	    "columns and %d lines)."), MIN_COLS, MIN_ROWS);
	ui_put_wrapped(u, 0, 0, COLS, LINES, line, A_BOLD);
	free(line);
}

static void
draw_idle_warning(struct ui *u, int left)
{
	char *line;
	int w = COLS - 8, h = 7, y = (LINES - 7) / 2, x = 4, i;

	for (i = 0; i < h; i++) {
		attron(A_REVERSE);
		mvhline(y + i, x, ' ', w);
		attroff(A_REVERSE);
	}
	ui_put_wrapped(u, y + 1, x + 2, w - 4, y + 3, _("Are you still there?"),
	    A_REVERSE | A_BOLD);
	xasprintf(&line, ngettext("Your answers will be erased in %d "
	    "second.", "Your answers will be erased in %d seconds.", left),
	    left);
	ui_put_wrapped(u, y + 3, x + 2, w - 4, y + 5, line, A_REVERSE | A_BOLD);
	free(line);
	ui_put_wrapped(u, y + 5, x + 2, w - 4, y + 6, _("Press any key to keep "
	    "going."), A_REVERSE);
}

static void
draw(struct ui *u, int idle_left)
{
	u->nhits = 0;
	u->show_cursor = 0;
	u->msg_shown = 0;
	erase();
	if (COLS < MIN_COLS || LINES < MIN_ROWS) {
		draw_too_small(u);
		refresh();
		return;
	}
	if (u->mode == MODE_STAFF || u->mode == MODE_STICKS ||
	    u->mode == MODE_EXPORT_PASS) {
		ui_staff_draw(u);
		if (idle_left >= 0)
			draw_idle_warning(u, idle_left);
		curs_set(0);
		refresh();
		return;
	}
	switch (session_screen(u->s)) {
	case SESSION_LANG:
		draw_lang(u);
		break;
	case SESSION_SERVICE:
		draw_service(u);
		break;
	case SESSION_PAGE:
		draw_page(u);
		break;
	case SESSION_REVIEW:
		draw_review(u);
		break;
	case SESSION_TICKET:
		draw_ticket(u);
		break;
	}
	if (u->mode != MODE_NORMAL) {
		ui_staff_draw_pin(u);
		u->show_cursor = 0;
	}
	if (idle_left >= 0) {
		draw_idle_warning(u, idle_left);
		u->show_cursor = 0;
	}
	if (u->show_cursor) {
		curs_set(1);
		move(u->cur_y, u->cur_x);
	} else
		curs_set(0);
	refresh();
}


/* ---- input ---- */

/* Reset per-screen state when the screen or page changes. */
static void
sync_screen(struct ui *u)
{
	size_t items[PAGE_MAX], n, i;
	const struct form_question *q;
	const struct form_choice **ch;
	enum qtype_widget w;
	const char *v;
	size_t nch, j;

	if (session_screen(u->s) == u->shown &&
	    (u->shown != SESSION_PAGE || session_page(u->s) == u->shown_page))
		return;
	ui_field_clear(u);
	u->shown = session_screen(u->s);
	u->shown_page = session_page(u->s);
	u->cursor = 0;
	u->top = 0;
	u->digit_prev = 0;
	u->focus = 0;
	if (session_lang_menu_open(u->s)) {
		for (i = 0; i < (size_t)u->cfg->nlangs; i++)
			if (strcmp(u->cfg->langs[i], session_lang(u->s)) == 0)
				u->cursor = (int)i;
	}
	if (session_screen(u->s) == SESSION_REVIEW) {
		size_t *ri;
		u->cursor = (int)session_review_items(u->s, &ri);
		free(ri);
	}
	if (session_screen(u->s) == SESSION_PAGE) {
		n = session_page_items(u->s, items, PAGE_MAX);
		u->cursor = -1;
		for (i = 0; i < n; i++) {
			q = session_question(u->s, items[i]);
			w = qtype_widget(q->type);
			if (!qtype_focus(w))
				continue;
			u->focus = (int)i;
			if (w == QW_ONE) {
				v = session_value(u->s, items[i]);
				nch = session_choices(u->s, items[i],
				    &ch);
				for (j = 0; j < nch; j++)
					if (strcmp(ch[j]->name, v) == 0)
						u->cursor = (int)j;
			} else if (w == QW_MANY || w == QW_CONFIRM)
				u->cursor = 0;
			else if (w == QW_ANOTHER)
				u->cursor = 1;	/* "No, go on" */
			break;
		}
	}
}

static long
focused_item(struct ui *u, const struct form_question **q)
{
	size_t items[PAGE_MAX], n;

	n = session_page_items(u->s, items, PAGE_MAX);
	if (n == 0 || u->focus < 0 || (size_t)u->focus >= n)
		return -1;
	*q = session_question(u->s, items[u->focus]);
	return (long)items[u->focus];
}

/* Is the page the "add another?" question of a repeat? */
static int
on_repeat_prompt(struct ui *u)
{
	const struct form_question *q;
	long item;

	if (session_screen(u->s) != SESSION_PAGE ||
	    (item = focused_item(u, &q)) < 0)
		return 0;
	return session_repeat_prompt(u->s, (size_t)item, NULL);
}

/* Put the focus on the first answer of the page that is not right. */
static void
focus_error(struct ui *u)
{
	size_t items[PAGE_MAX], n, i;

	n = session_page_items(u->s, items, PAGE_MAX);
	for (i = 0; i < n; i++) {
		if (!session_item_ok(u->s, items[i])) {
			if ((int)i != u->focus && item_takes_input(u, items[i])) {
				u->focus = (int)i;
				u->cursor = 0;
				u->top = 0;
			}
			return;
		}
	}
}

static void
do_wipe(struct ui *u)
{
	ui_field_clear(u);
	set_msg(u, NULL);
	u->confirm = 0;
	session_wipe(u->s);
	if (u->mode != MODE_NORMAL)
		ui_staff_leave(u);
	u->shown = (enum session_screen)-1;
	/* Clear the terminal itself, not only our idea of it. */
	clear();
	refresh();
}

static void
do_enter(struct ui *u)
{
	char *msg = NULL;
	size_t *items, n;

	switch (session_screen(u->s)) {
	case SESSION_LANG:
		if (u->cursor < 0 || u->cursor >= u->cfg->nlangs)
			return;
		if (session_lang_menu_open(u->s)) {
			session_pick_lang(u->s, u->cfg->langs[u->cursor]);
			/* Keep the page's cursor: force a resync of lists. */
			u->shown = (enum session_screen)-1;
			return;
		}
		session_pick_lang(u->s, u->cfg->langs[u->cursor]);
		break;
	case SESSION_SERVICE:
		if (u->cursor >= 0)
			session_pick_service(u->s, (size_t)u->cursor);
		break;
	case SESSION_PAGE:
		field_store(u);
		if (on_repeat_prompt(u) ? session_repeat(u->s, u->cursor == 0,
		    &msg) != 0 : session_next(u->s, &msg) != 0) {
			set_msg(u, msg);
			focus_error(u);
			return;
		}
		ui_field_clear(u);
		break;
	case SESSION_REVIEW:
		n = session_review_items(u->s, &items);
		if (u->cursor >= 0 && (size_t)u->cursor < n)
			session_edit(u->s, items[u->cursor]);
		else if ((size_t)u->cursor == n) {
			if (session_submit(u->s, &msg) != 0) {
				set_msg(u, msg);
				free(items);
				return;
			}
		}
		free(items);
		break;
	case SESSION_TICKET:
		if (session_ticket_state(u->s) == TICKET_PRINTING)
			return;
		do_wipe(u);
		return;
	}
	set_msg(u, NULL);
}

/* Keep what was typed on the page, then leave it. */
static void
leave_page(struct ui *u)
{
	if (session_screen(u->s) == SESSION_PAGE)
		field_store(u);
	ui_field_clear(u);
	set_msg(u, NULL);
}

/* Ask before taking out the repeat instance of this page. */
static void
confirm_start(struct ui *u)
{
	if (session_screen(u->s) != SESSION_PAGE || u->confirm ||
	    !session_in_instance(u->s, NULL, NULL))
		return;
	field_store(u);
	set_msg(u, NULL);
	u->confirm = CONFIRM_REMOVE;
	u->confirm_cursor = u->cursor;
	u->cursor = 1;		/* "No, keep it": Enter alone removes nothing */
}

static void
confirm_end(struct ui *u, int remove)
{
	int what = u->confirm;

	u->confirm = 0;
	u->cursor = u->confirm_cursor;
	if (!remove)
		return;
	if (what == CONFIRM_LEAVE) {
		ui_field_clear(u);
		session_back(u->s);
		set_msg(u, xstrdup(_("Your answers were erased.")));
		return;
	}
	ui_field_clear(u);
	if (session_repeat_remove(u->s) == 0)
		u->shown = (enum session_screen)-1;	/* a new page */
}

static void
confirm_key(struct ui *u, int r, wint_t k)
{
	if (r == KEY_CODE_YES && k == KEY_UP)
		u->cursor = 0;
	else if (r == KEY_CODE_YES && k == KEY_DOWN)
		u->cursor = 1;
	else if (r == OK && (k == '1' || k == '2'))
		u->cursor = (int)(k - '1');
	else if ((r == KEY_CODE_YES && k == KEY_ENTER) ||
	    (r == OK && (k == '\r' || k == '\n')))
		confirm_end(u, u->cursor == 0);
	else if (r == OK && k == 27)
		confirm_end(u, 0);
}

/* F7 on a know-your-rights page: the pages on paper, to take away. */
static void
print_sheet(struct ui *u)
{
	char *msg = NULL;
	int rc;

	if (session_screen(u->s) != SESSION_PAGE || !session_info_only(u->s))
		return;
	rc = session_print_sheet(u->s, &msg);
	set_msg(u, msg);
	u->msg_ok = rc == 0;
}

/* F10: erase everything at once, and say so on the next screen. */
static void
erase_now(struct ui *u)
{
	int had = session_active(u->s);

	do_wipe(u);
	if (had)
		set_msg(u, xstrdup(_("Your answers were erased.")));
}

static void
do_back(struct ui *u)
{
	if (session_lang_menu_open(u->s)) {
		session_back(u->s);	/* back to the visit, as it was */
		u->shown = (enum session_screen)-1;
		return;
	}
	if (session_screen(u->s) == SESSION_TICKET)
		return;
	if (session_back_leaves(u->s) && !u->confirm) {
		field_store(u);
		if (session_has_answers(u->s)) {
			/* Leaving the form would throw them away: ask. */
			set_msg(u, NULL);
			u->confirm = CONFIRM_LEAVE;
			u->confirm_cursor = u->cursor;
			u->cursor = 1;	/* "No, stay here" */
			return;
		}
	}
	leave_page(u);
	session_back(u->s);
	if (session_screen(u->s) == SESSION_LANG)
		do_wipe(u);
}

static void
do_lang(struct ui *u)
{
	if (session_screen(u->s) == SESSION_LANG)
		return;
	leave_page(u);
	session_lang_menu(u->s);
}

/* An acknowledge question: "OK" when ticked, "" when not. */
static void
toggle_ack(struct ui *u, size_t item)
{
	session_choose(u->s, item, 0);
	set_msg(u, NULL);
}

/* Up/down/digits on the current list. */
static void
list_key(struct ui *u, int r, wint_t k)
{
	const struct form_question *q = NULL;
	enum qtype_widget w = QW_NONE;
	long item = -1;
	size_t *ri;
	int n = 0;

	switch (session_screen(u->s)) {
	case SESSION_LANG:
		n = u->cfg->nlangs;
		break;
	case SESSION_SERVICE:
		n = (int)session_nforms(u->s);
		break;
	case SESSION_REVIEW:
		n = (int)session_review_items(u->s, &ri) + 1;
		free(ri);
		break;
	case SESSION_PAGE:
		if ((item = focused_item(u, &q)) < 0)
			return;
		w = qtype_widget(q->type);
		if (w == QW_ANOTHER) {
			n = 2;
			q = NULL;	/* the cursor is the answer */
		} else if (w == QW_CONFIRM)
			n = 1;
		else if (w == QW_ONE || w == QW_MANY) {
			const struct form_choice **ch;
			n = (int)session_choices(u->s, (size_t)item,
			    &ch);
		} else
			return;
		break;
	default:
		return;
	}
	if (n == 0)
		return;
	/* Native digits (১, ٣, ۳, ૩) are shortcuts too. */
	if (r == OK && k > 0x7f && text_digit((uint32_t)k) > 0)
		k = (wint_t)('0' + text_digit((uint32_t)k));
	if (!(r == OK && k >= '0' && k <= '9'))
		u->digit_prev = 0;
	if (r == KEY_CODE_YES && (k == KEY_NPAGE || k == KEY_PPAGE ||
	    k == KEY_HOME || k == KEY_END)) {
		int page = LINES / 3 > 1 ? LINES / 3 : 1;

		if (k == KEY_NPAGE)
			u->cursor = u->cursor + page >= n ? n - 1 :
			    u->cursor + page;
		else if (k == KEY_PPAGE)
			u->cursor = u->cursor - page < 0 ? 0 : u->cursor - page;
		else
			u->cursor = k == KEY_HOME ? 0 : n - 1;
		if (w == QW_ONE)
			pick_choice(u, (size_t)item, u->cursor);
		return;
	}
	if (r == KEY_CODE_YES && k == KEY_UP) {
		u->cursor = u->cursor <= 0 ? 0 : u->cursor - 1;
		if (w == QW_ONE)
			pick_choice(u, (size_t)item, u->cursor);
	} else if (r == KEY_CODE_YES && k == KEY_DOWN) {
		u->cursor = u->cursor + 1 >= n ? n - 1 : u->cursor + 1;
		if (w == QW_ONE)
			pick_choice(u, (size_t)item, u->cursor);
	} else if (r == OK && k >= '0' && k <= '9' && n >= 10 &&
	    u->digit_prev > 0 && now_ms() - u->digit_at < 1500 &&
	    u->digit_prev * 10 + (int)(k - '0') <= n) {
		/* A second digit: "1" then "2" is option 12. */
		if (w == QW_MANY)
			pick_choice(u, (size_t)item, u->digit_prev - 1);
		u->cursor = u->digit_prev * 10 + (int)(k - '0') - 1;
		u->digit_prev = 0;
		if (q != NULL)
			pick_choice(u, (size_t)item, u->cursor);
	} else if (r == OK && k >= '1' && k <= '9' && (int)(k - '1') < n) {
		u->cursor = (int)(k - '1');
		u->digit_prev = (int)(k - '0');
		u->digit_at = now_ms();
		if (w == QW_CONFIRM)
			toggle_ack(u, (size_t)item);
		else if (q != NULL)
			pick_choice(u, (size_t)item, u->cursor);
		return;
	} else if (r == OK && k == ' ' && q != NULL) {
		if (w == QW_CONFIRM)
			toggle_ack(u, (size_t)item);
		else if (u->cursor >= 0)
			pick_choice(u, (size_t)item, u->cursor);
	}
}

static void
focus_move(struct ui *u, int dir)
{
	size_t items[PAGE_MAX], n;
	int f = u->focus;

	n = session_page_items(u->s, items, PAGE_MAX);
	field_store(u);
	ui_field_clear(u);
	do {
		f += dir;
	} while (f >= 0 && f < (int)n && !item_takes_input(u, items[f]));
	if (f < 0 || f >= (int)n)
		return;
	u->focus = f;
	u->cursor = 0;
	u->top = 0;
}

static void
do_hit(struct ui *u, struct hit *h)
{
	if (u->confirm) {
		if (h->action == HIT_OPTION && u->cursor != h->arg)
			u->cursor = h->arg;
		else if (h->action == HIT_OPTION)
			confirm_end(u, h->arg == 0);	/* a second tap */
		else if (h->action == HIT_ENTER)
			confirm_end(u, u->cursor == 0);
		else if (h->action == HIT_BACK)
			confirm_end(u, 0);
		else if (h->action == HIT_EXIT)
			erase_now(u);
		else if (h->action == HIT_LISTEN)
			ui_listen_key(u);
		return;
	}
	switch (h->action) {
	case HIT_REMOVE:
		confirm_start(u);
		break;
	case HIT_LISTEN:
		ui_listen_key(u);
		break;
	case HIT_LISTEN_CODE:
		ui_listen_code(u);
		break;
	case HIT_OPTION:
		if (session_screen(u->s) == SESSION_PAGE) {
			const struct form_question *q;
			long item;

			if (h->focus >= 0 && h->focus != u->focus)
				focus_move(u, h->focus - u->focus);
			if ((item = focused_item(u, &q)) < 0)
				return;
			if (qtype_widget(q->type) == QW_CONFIRM)
				list_key(u, OK, '1');
			else
				pick_choice(u, (size_t)item, h->arg);
		} else if (u->cursor == h->arg)
			do_enter(u);	/* a second tap confirms */
		else
			u->cursor = h->arg;
		break;
	case HIT_FOCUS:
		focus_move(u, h->arg - u->focus);
		break;
	case HIT_PRINT:
		print_sheet(u);
		break;
	case HIT_SCROLL:
		if (session_screen(u->s) == SESSION_PAGE && h->focus >= 0 &&
		    h->focus != u->focus)
			focus_move(u, h->focus - u->focus);
		list_key(u, KEY_CODE_YES, h->arg < 0 ? KEY_PPAGE : KEY_NPAGE);
		break;
	case HIT_ENTER:
		do_enter(u);
		break;
	case HIT_BACK:
		do_back(u);
		break;
	case HIT_LANG:
		do_lang(u);
		break;
	case HIT_VOLUNTEER:
		ui_staff_enter(u, MODE_VOL_NUMBER);
		break;
	case HIT_STAFF:
		ui_staff_enter(u, MODE_STAFF_PIN);
		break;
	case HIT_EXIT:
		if (session_screen(u->s) == SESSION_LANG && u->cfg->demo &&
		    !session_lang_menu_open(u->s))
			ui_stop = 2;
		else
			erase_now(u);
		break;
	}
}

static void
mouse_key(struct ui *u)
{
	MEVENT ev;
	int i;

	if (getmouse(&ev) != OK)
		return;
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_RELEASED |
	    BUTTON1_PRESSED)))
		return;
	if (ev.bstate & BUTTON1_PRESSED && !(ev.bstate & BUTTON1_RELEASED) &&
	    !(ev.bstate & BUTTON1_CLICKED))
		return;
	for (i = u->nhits - 1; i >= 0; i--) {
		struct hit *h = &u->hits[i];

		if (ev.y >= h->y && ev.y < h->y + h->h && ev.x >= h->x &&
		    ev.x < h->x + h->w) {
			do_hit(u, h);
			return;
		}
	}
}

/*
 * Keys for the staff menu and the PIN prompts, and the keys that open a
 * prompt or read aloud over any screen; 1 if the key was one of them.
 */
static int
over_key(struct ui *u, int r, wint_t k)
{
	if (u->mode == MODE_STAFF || u->mode == MODE_STICKS ||
	    u->mode == MODE_EXPORT_PASS) {
		ui_staff_key(u, r, k);
		return 1;
	}
	if (u->mode != MODE_NORMAL) {
		/* A PIN typed with the digits of the resident's script. */
		if (r == OK && k > 0x7f && text_digit((uint32_t)k) >= 0)
			k = (wint_t)('0' + text_digit((uint32_t)k));
		ui_staff_pin_key(u, r, k);
		return 1;
	}
	if (r == KEY_CODE_YES && (k == KEY_F(3) || k == KEY_F(6))) {
		if (k == KEY_F(3))
			ui_listen_key(u);
		else
			ui_listen_code(u);
		return 1;
	}
	if (r == KEY_CODE_YES && k == KEY_F(5) &&
	    session_screen(u->s) != SESSION_TICKET) {
		if (session_screen(u->s) == SESSION_PAGE)
			field_store(u);
		ui_staff_enter(u, MODE_VOL_NUMBER);
		free(u->staff_msg);
		u->staff_msg = NULL;
		return 1;
	}
	if (r == KEY_CODE_YES && k == KEY_F(9) &&
	    session_screen(u->s) == SESSION_LANG &&
	    !session_lang_menu_open(u->s)) {
		ui_staff_enter(u, MODE_STAFF_PIN);
		free(u->staff_msg);
		u->staff_msg = NULL;
		return 1;
	}
	return 0;
}

static void
handle_key(struct ui *u, int r, wint_t k)
{
	const struct form_question *q = NULL;
	long item;

	if (over_key(u, r, k))
		return;
	if (u->confirm && !(r == KEY_CODE_YES && (k == KEY_MOUSE ||
	    k == KEY_RESIZE || k == KEY_F(10)))) {
		confirm_key(u, r, k);
		return;
	}
	if (r == KEY_CODE_YES) {
		switch (k) {
		case KEY_MOUSE:
			mouse_key(u);
			return;
		case KEY_F(4):
			confirm_start(u);
			return;
		case KEY_RESIZE:
			return;
		case KEY_F(2):
			do_lang(u);
			return;
		case KEY_F(10):
			erase_now(u);
			return;
		case KEY_F(7):
			print_sheet(u);
			return;
		case KEY_ENTER:
			do_enter(u);
			return;
		case KEY_BTAB:
			if (session_screen(u->s) == SESSION_PAGE)
				focus_move(u, -1);
			return;
		}
	} else {
		switch (k) {
		case '\r':
		case '\n':
			do_enter(u);
			return;
		case 27:	/* Esc */
			do_back(u);
			return;
		case '\t':
			if (session_screen(u->s) == SESSION_PAGE)
				focus_move(u, 1);
			return;
		case 'q':
		case 'Q':
			if (session_screen(u->s) == SESSION_LANG &&
			    u->cfg->demo && !session_lang_menu_open(u->s)) {
				ui_stop = 2;
				return;
			}
			break;
		}
	}
	if (session_screen(u->s) == SESSION_TICKET && r == KEY_CODE_YES) {
		if (k == KEY_DOWN || k == KEY_NPAGE)
			u->top += k == KEY_DOWN ? 1 : LINES / 3;
		else if (k == KEY_UP || k == KEY_PPAGE)
			u->top -= k == KEY_UP ? 1 : LINES / 3;
		if (u->top < 0)
			u->top = 0;
		return;
	}
	if (session_screen(u->s) == SESSION_PAGE &&
	    (item = focused_item(u, &q)) >= 0 &&
	    qtype_widget(q->type) == QW_FIELD) {
		if (u->field_item != item)
			field_load(u, (size_t)item);
		if (field_key(u, r, k)) {
			set_msg(u, NULL);
			return;
		}
		if (r == KEY_CODE_YES && (k == KEY_DOWN || k == KEY_UP))
			focus_move(u, k == KEY_DOWN ? 1 : -1);
		return;
	}
	list_key(u, r, k);
}

/*
 * Before a resident has chosen, every language names itself and asks
 * "choose your language" in its own words, from its own catalogue.
 */
static void
lang_labels(struct ui *u)
{
	const char *code, *ask;
	int i;

	for (i = 0; i < u->cfg->nlangs; i++) {
		code = u->cfg->langs[i];
		i18n_set(code);
		ask = _("Choose your language.");
		if (strcmp(code, "en") != 0 &&
		    strcmp(ask, "Choose your language.") == 0)
			ask = NULL;	/* no catalogue: the name alone */
		if (ask != NULL)
			xasprintf(&u->lang_label[i], "%s — %s",
			    i18n_lang(code)->native, ask);
		else
			u->lang_label[i] = xstrdup(i18n_lang(code)->native);
	}
	i18n_set(u->cfg->langs[0]);
}

static void
setup_colours(struct ui *u)
{
	u->mono = !has_colors() || strcmp(u->cfg->theme, "mono") == 0;
	if (u->mono)
		return;
	start_color();
	use_default_colors();
	if (strcmp(u->cfg->theme, "high-contrast") == 0) {
		init_pair(PAIR_TITLE, COLOR_BLACK, COLOR_WHITE);
		init_pair(PAIR_ERROR, COLOR_WHITE, COLOR_RED);
		bkgd(COLOR_PAIR(PAIR_TITLE));
	} else {
		init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_ERROR, COLOR_WHITE, COLOR_RED);
	}
}

/* Has the terminal hung up (its other end closed)? */
static int
terminal_gone(void)
{
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };

	if (poll(&pfd, 1, 0) < 0)
		return 0;
	return (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void
ui_emergency_restore(void)
{
	/* Leave the alternate screen, show the cursor, reset attributes. */
	static const char reset[] = "\033[0m\033[?25h\033[?1000l\033[?1049l"
	    "\033[2J\033[H";
	ssize_t r;

	r = write(STDOUT_FILENO, reset, sizeof reset - 1);
	(void)r;
}

int
ui_run(struct session *s, const struct config *cfg, char **cause)
{
	struct ui u;
	SCREEN *scr;
	wint_t k;
	int r, left, warn;
	time_t now;

	if (!i18n_utf8()) {
		xasprintf(cause, "the terminal's locale is not UTF-8 (LANG=%s); "
		    "set LANG to a UTF-8 locale such as en_US.UTF-8",
		    getenv("LANG") ? getenv("LANG") : "");
		return -1;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		xasprintf(cause, "the kiosk needs a terminal");
		return -1;
	}
	if ((scr = newterm(NULL, stdout, stdin)) == NULL) {
		xasprintf(cause, "cannot start the screen (TERM=%s)",
		    getenv("TERM") ? getenv("TERM") : "unset");
		return -1;
	}
	set_term(scr);
	memset(&u, 0, sizeof u);
	u.s = s;
	u.cfg = cfg;
	u.field = session_secret_alloc(FIELD_MAX);
	u.field_item = -1;
	u.shown = (enum session_screen)-1;

	raw();		/* Ctrl-C, Ctrl-Z, Ctrl-\ arrive as keys */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	timeout(250);
	curs_set(0);
	mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED, NULL);
	mouseinterval(0);
	setup_colours(&u);
	lang_labels(&u);
	ui_listen_words(&u);
	ui_listen_start(&u);
	session_set_lang(s, cfg->langs[0]);
	u.last_key = time(NULL);

	while (!ui_stop) {
		sync_screen(&u);
		ui_listen_tick(&u);
		now = time(NULL);
		left = -1;
		warn = session_active(s) || session_lang_menu_open(s) ||
		    u.mode != MODE_NORMAL;
		if (warn && now - u.last_key >= cfg->idle_timeout) {
			left = (int)(cfg->idle_timeout + cfg->idle_warning -
			    (now - u.last_key));
			if (left <= 0) {
				log_msg("idle: session wiped");
				do_wipe(&u);
				u.last_key = now;
				continue;
			}
		}
		if (session_screen(s) == SESSION_TICKET)
			session_poll_ticket(s);
		draw(&u, left);
		r = get_wch(&k);
		if (r == ERR) {
			if (terminal_gone()) {
				/* Nobody can see us: wipe and end, to be restarted. */
				log_msg("the terminal went away; stopping");
				ui_stop = 1;
			}
			continue;
		}
		u.last_key = time(NULL);
		if (left >= 0 && !(r == KEY_CODE_YES && k == KEY_RESIZE))
			continue;	/* any key only extends the time */
		handle_key(&u, r, k);
	}
	ui_field_clear(&u);
	session_wipe(s);
	clear();
	refresh();
	endwin();
	delscreen(scr);
	session_secret_free(u.field);
	ui_staff_leave(&u);	/* PIN and export passphrase */
	free(u.msg);
	free(u.staff_msg);
	ui_listen_end(&u);
	for (r = 0; r < cfg->nlangs; r++) {
		free(u.lang_label[r]);
		free(u.listen_words[r]);
	}
	for (r = 0; r < u.nsticks; r++)
		free(u.sticks[r]);
	free(u.sticks);
	return 0;
}
