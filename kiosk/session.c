/*
 * session: one resident's visit (see the state diagram in session.h).
 *
 * What it must never do: write an answer, the claim code, the form id or
 * the language anywhere but into the sealed record; keep an answer after
 * session_wipe; draw or exit.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claim.h"
#include "config.h"
#include "form.h"
#include "i18n.h"
#include "outbox.h"
#include "printer.h"
#include "record.h"
#include "session.h"
#include "stick.h"
#include "text.h"
#include "util.h"
#include "vault.h"

#define PIN_TRIES	5
#define PIN_LOCK	30	/* seconds; doubles with each further lock */
#define SESSION_CHECK_MAX	64
#define SESSION_NOTE_MAX	8

struct session {
	const struct config	*cfg;
	struct outbox		*outbox;
	struct form		**forms;	/* valid forms, in menu order */
	size_t			 nforms;

	enum session_screen	 screen;
	char			 lang[16];	/* current language code */
	int			 lang_return;	/* LANG mid-visit: screen + 1 */
	struct form		*form;		/* chosen service */
	struct form_state	*state;
	size_t			 page;		/* first item of the page */
	size_t			*history;	/* pages visited, for Back */
	size_t			 nhistory;
	int			 editing;	/* came from REVIEW for one */
	int			 assisted_by;	/* volunteer number or 0 */

	char			*claim;		/* secure memory, or NULL */
	enum session_ticket	 ticket;
	int			 job_id;
	time_t			 deadline;
	char			*ticket_path;	/* saved PDF (demo), or NULL */
	/* The ticket is made by the helper kiosk-print (printer.h). */
	struct printer		*printer;	/* while TICKET_PRINTING */
	/*
	 * The checklist (session_checklist): the chosen options of
	 * store=no lists, taken at submit before the answers are wiped,
	 * and wiped with the session.
	 */
	const struct form_choice *check[SESSION_CHECK_MAX];
	size_t			 ncheck;
	/* The ticket=yes notes shown (their raw text, never an answer). */
	const struct form_question *note[SESSION_NOTE_MAX];
	size_t			 nnote;

	/* PIN lockout; outlives session_wipe. */
	int			 pin_fails;	/* wrong PINs since a lock */
	int			 pin_locks;
	time_t			 pin_locked_until;
};

const struct form_msgs *
session_msgs(void)
{
	static struct form_msgs m;
	const char *id;
	int i;

	/* The texts are the table's (qtype_message), translated now. */
	for (i = 0; i < QM_NMSGS; i++)
		m.text[i] = (id = qtype_message((enum qtype_msg)i, 0)) !=
		    NULL ? _(id) : NULL;
	m.zero = i18n_digit_zero();
	return &m;
}

struct session *
session_new(const struct config *cfg, struct outbox *ob, char **cause)
{
	struct session *s;

	s = xcalloc(1, sizeof *s);
	s->cfg = cfg;
	s->outbox = ob;
	s->screen = SESSION_LANG;
	snprintf(s->lang, sizeof s->lang, "%s", cfg->langs[0]);
	return s;
}

void
session_free(struct session *s)
{
	size_t i;

	if (s == NULL)
		return;
	session_wipe(s);
	for (i = 0; i < s->nforms; i++)
		form_free(s->forms[i]);
	free(s->forms);
	free(s);
}

static int
form_order(const void *a, const void *b)
{
	const struct form *fa = *(struct form *const *)a;
	const struct form *fb = *(struct form *const *)b;

	if (fa->order != fb->order)
		return fa->order < fb->order ? -1 : 1;
	return strcmp(fa->id, fb->id);
}

/*
 * or_other adds a choice "Other" and a question "Specify other." in
 * English, as pyxform does; the form has no words of its own for them.
 * Give them the kiosk's words in each of the form's languages that has
 * a catalogue.
 */
static void
other_words(struct form_text *t, const struct form *f, const char *en,
    const char *(*tr)(void))
{
	const char *code, *w;
	size_t k;

	for (k = 0; k < f->nlangs; k++) {
		code = f->langs[k].code;
		if (t->by_lang[k] != NULL || *code == '\0')
			continue;
		i18n_set(code);
		w = tr();
		if (strcmp(code, "en") == 0 || strcmp(w, en) != 0)
			t->by_lang[k] = xstrdup(w);
	}
}

static const char *
tr_other(void)
{
	return _("Other");
}

static const char *
tr_specify_other(void)
{
	return _("Specify other.");
}

static void
translate_other(struct form *f)
{
	char was[32];
	size_t i, k;

	snprintf(was, sizeof was, "%s", i18n_current());
	for (i = 0; i < f->nquestions; i++)
		if (f->questions[i].specify_other)
			other_words(&f->questions[i].label, f,
			    "Specify other.", tr_specify_other);
	for (i = 0; i < f->nlists; i++)
		for (k = 0; k < f->lists[i].nchoices; k++)
			if (f->lists[i].choices[k].added_other)
				other_words(&f->lists[i].choices[k].label, f,
				    "Other", tr_other);
	i18n_set(was);
}

void
session_load_forms(struct session *s)
{
	DIR *d;
	struct dirent *de;
	struct form *f;
	char *path, *cause;
	size_t len;

	if ((d = opendir(s->cfg->forms_dir)) == NULL) {
		log_msg("forms folder %s: %s", s->cfg->forms_dir,
		    strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".csv") != 0 ||
		    de->d_name[0] == '.')
			continue;
		xasprintf(&path, "%s/%s", s->cfg->forms_dir, de->d_name);
		cause = NULL;
		if ((f = form_load(path, &cause)) == NULL) {
			/* A bad form is left off the service screen. */
			log_msg("form left out: %s", cause);
			free(cause);
		} else {
			translate_other(f);
			s->forms = xreallocarray(s->forms, s->nforms + 1,
			    sizeof *s->forms);
			s->forms[s->nforms++] = f;
		}
		free(path);
	}
	closedir(d);
	qsort(s->forms, s->nforms, sizeof *s->forms, form_order);
	log_msg("%zu forms loaded from %s", s->nforms, s->cfg->forms_dir);
}

/* ---- what the ui draws ---- */

enum session_screen
session_screen(const struct session *s)
{
	return s->screen;
}

const char *
session_lang(const struct session *s)
{
	return s->lang;
}

size_t
session_page(const struct session *s)
{
	return s->page;
}

int
session_assisted_by(const struct session *s)
{
	return s->assisted_by;
}

int
session_lang_menu_open(const struct session *s)
{
	return s->screen == SESSION_LANG && s->lang_return != 0;
}

int
session_back_leaves(const struct session *s)
{
	return s->screen == SESSION_PAGE && s->nhistory == 0 && !s->editing;
}

size_t
session_nforms(const struct session *s)
{
	return s->nforms;
}

const char *
session_form_title(const struct session *s, size_t i)
{
	if (i >= s->nforms)
		return "";
	return form_text(s->forms[i], &s->forms[i]->title, s->lang);
}

const struct form *
session_form(const struct session *s)
{
	return s->form;
}

const char *
session_title(const struct session *s)
{
	return s->form != NULL ? form_text(s->form, &s->form->title, s->lang) :
	    "";
}

int
session_info_only(const struct session *s)
{
	return s->form != NULL && s->form->info_only;
}

const char *
session_text(const struct session *s, const struct form_text *t)
{
	return form_text(s->form, t, s->lang);
}

const struct form_question *
session_question(const struct session *s, size_t item)
{
	return form_state_item(s->state, item)->q;
}

const char *
session_value(const struct session *s, size_t item)
{
	return form_state_value(s->state, item);
}

char *
session_label(const struct session *s, size_t item)
{
	return form_state_label(s->state, item, s->lang);
}

char *
session_hint(const struct session *s, size_t item)
{
	return form_state_hint(s->state, item, s->lang);
}

size_t
session_choices(const struct session *s, size_t item,
    const struct form_choice ***out)
{
	return form_state_choices(s->state, item, out);
}

int
session_item_ok(const struct session *s, size_t item)
{
	char *msg = NULL;
	int rc;

	rc = form_state_check(s->state, item, s->lang, session_msgs(), &msg);
	free(msg);
	return rc == 0;
}

enum session_ticket
session_ticket_state(const struct session *s)
{
	return s->ticket;
}

const char *
session_claim(const struct session *s)
{
	return s->claim;
}

const char *
session_ticket_path(const struct session *s)
{
	return s->ticket_path;
}

/* ---- language ---- */

void
session_set_lang(struct session *s, const char *code)
{
	snprintf(s->lang, sizeof s->lang, "%s", code);
	i18n_set(code);
}

void
session_pick_lang(struct session *s, const char *code)
{
	session_set_lang(s, code);
	if (s->lang_return) {
		/* Mid-visit: back to where the resident was. */
		s->screen = (enum session_screen)(s->lang_return - 1);
		s->lang_return = 0;
		return;
	}
	s->screen = SESSION_SERVICE;
}

void
session_lang_menu(struct session *s)
{
	if (s->screen == SESSION_LANG)
		return;
	s->lang_return = (int)s->screen + 1;
	s->screen = SESSION_LANG;
}

/* ---- pages ---- */

static int
is_field_list(const struct form_question *q)
{
	return q->type == FT_BEGIN_GROUP && q->appearance != NULL &&
	    strstr(q->appearance, "field-list") != NULL;
}

/* Is this item shown to the resident (a question or a note)? */
static int
is_shown(const struct form_question *q)
{
	return qtype_of(q->type)->shown;
}

static int
is_begin(enum form_type t)
{
	return qtype_of(t)->nest > 0;
}

static int
is_end(enum form_type t)
{
	return qtype_of(t)->nest < 0;
}

/*
 * The end_repeat item of a repeat the resident sizes (no repeat_count) is a
 * page of its own: "add another?". Its begin_repeat item is the one of
 * the same instance of the repeats around it (form_state_repeat_begin).
 */
int
session_repeat_prompt(const struct session *s, size_t item, size_t *begin)
{
	const struct form_item *it;
	long b;

	if (s->state == NULL || item >= form_state_nitems(s->state))
		return 0;
	it = form_state_item(s->state, item);
	if (it->q->type != FT_END_REPEAT ||
	    (b = form_state_repeat_begin(s->state, item)) < 0)
		return 0;
	if (!form_state_repeat_can_add(s->state, (size_t)b))
		return 0;
	if (begin != NULL)
		*begin = (size_t)b;
	return 1;
}

static int
item_shown(const struct session *s, size_t i)
{
	return is_shown(form_state_item(s->state, i)->q) ||
	    session_repeat_prompt(s, i, NULL);
}

/* One past the last item of the page starting at start. */
static size_t
page_end(const struct session *s, size_t start)
{
	size_t n = form_state_nitems(s->state), i;
	int depth = 0;

	if (start >= n)
		return n;
	if (!is_field_list(form_state_item(s->state, start)->q))
		return start + 1;
	for (i = start; i < n; i++) {
		enum form_type t = form_state_item(s->state, i)->q->type;

		if (is_begin(t))
			depth++;
		else if (is_end(t) && --depth == 0)
			return i + 1;
	}
	return n;
}

/* The items the page at start shows, at most max. */
static size_t
page_items_at(const struct session *s, size_t start, size_t *out, size_t max)
{
	size_t end, i, n = 0;

	if (s->state == NULL)
		return 0;
	end = page_end(s, start);
	for (i = start; i < end && n < max; i++) {
		if (item_shown(s, i) && form_state_relevant(s->state, i))
			out[n++] = i;
	}
	return n;
}

size_t
session_page_items(const struct session *s, size_t *out, size_t max)
{
	return page_items_at(s, s->page, out, max);
}

/* Does the page at start show anything? */
static int
page_shows(const struct session *s, size_t start)
{
	size_t items[1];

	return page_items_at(s, start, items, 1) > 0;
}

/* The first page at or after i that shows something; nitems if none. */
static size_t
page_from(const struct session *s, size_t i)
{
	size_t n = form_state_nitems(s->state);
	const struct form_question *q;

	while (i < n) {
		q = form_state_item(s->state, i)->q;
		if ((item_shown(s, i) || is_field_list(q)) && page_shows(s, i))
			return i;
		i = is_field_list(q) ? page_end(s, i) : i + 1;
	}
	return n;
}

/* The page that holds item. */
static size_t
page_of(const struct session *s, size_t item)
{
	size_t p = page_from(s, 0), n = form_state_nitems(s->state), e;

	while (p < n) {
		e = page_end(s, p);
		if (item >= p && item < e)
			return p;
		p = page_from(s, e);
	}
	return item;
}

static void
history_push(struct session *s, size_t page)
{
	s->history = xreallocarray(s->history, s->nhistory + 1,
	    sizeof *s->history);
	s->history[s->nhistory++] = page;
}

/*
 * The form's metadata rows: deviceid is the kiosk's name, username the
 * number of the volunteer assisting, or empty.
 */
static void
session_set_meta(struct session *s)
{
	char vol[16] = "";

	if (s->assisted_by > 0)
		snprintf(vol, sizeof vol, "%d", s->assisted_by);
	form_state_set_meta(s->state, s->cfg->name != NULL ? s->cfg->name : "",
	    vol);
}

uint32_t
session_digit_zero(const char *v)
{
	if (strpbrk(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
	    != NULL)
		return '0';
	return i18n_digit_zero();
}

/* form_state_set_shown: a ${name} in the resident's digits. */
static char *
shown_value(const char *v, void *arg)
{
	(void)arg;
	return text_native_digits(v, session_digit_zero(v));
}

int
session_pick_service(struct session *s, size_t i)
{
	if (i >= s->nforms)
		return -1;
	s->form = s->forms[i];
	form_state_free(s->state);
	s->state = form_state_new(s->form);
	form_state_set_shown(s->state, shown_value, NULL);
	session_set_meta(s);
	s->nhistory = 0;
	s->editing = 0;
	s->page = page_from(s, 0);
	if (s->page >= form_state_nitems(s->state)) {
		/* A form with nothing to show: straight to review. */
		if (s->form->info_only) {
			form_state_free(s->state);
			s->state = NULL;
			s->form = NULL;
			s->screen = SESSION_SERVICE;
		} else
			s->screen = SESSION_REVIEW;
		return 0;
	}
	s->screen = SESSION_PAGE;
	return 0;
}

/*
 * A date written the right way that is still wrong gets a message that
 * says what is wrong, before the form's own checks: a day the calendar
 * does not have (2027-02-30) is not a format problem, and a year such as
 * 1850 or 2850 is a typing slip, not "a year with 4 digits".
 */
#define SESSION_YEAR_MIN	1900
#define SESSION_YEAR_MAX	2100

static int
date_problem(const struct session *s, size_t item, char **msg)
{
	const char *v;
	int i, y, m, d, mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (form_state_item(s->state, item)->q->type != FT_DATE)
		return 0;
	v = form_state_value(s->state, item);
	if (strlen(v) != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? v[i] != '-' : v[i] < '0' || v[i] > '9')
			return 0;	/* the format message says it */
	y = atoi(v);
	m = atoi(v + 5);
	d = atoi(v + 8);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 &&
	    d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))) {
		*msg = xstrdup(_("There is no such day in the calendar. Please "
		    "check the month (01 to 12) and the day."));
		return -1;
	}
	if (y < SESSION_YEAR_MIN || y > SESSION_YEAR_MAX) {
		xasprintf(msg, _("Please check the year: it should be from %d "
		    "to %d."), SESSION_YEAR_MIN, SESSION_YEAR_MAX);
		return -1;
	}
	return 0;
}

int
session_next(struct session *s, char **msg)
{
	size_t items[256], n, i, next;

	*msg = NULL;
	if (s->screen != SESSION_PAGE || s->state == NULL)
		return 0;
	n = session_page_items(s, items, nitems(items));
	for (i = 0; i < n; i++) {
		if (date_problem(s, items[i], msg) != 0 ||
		    form_state_check(s->state, items[i], s->lang,
		    session_msgs(), msg) != 0)
			return -1;
	}
	for (i = 0; i < n; i++)
		form_state_asked(s->state, items[i]);
	if (s->editing) {
		/*
		 * The change cleared an answer that no longer fits its
		 * choice_filter (form_state_stale): ask that question again
		 * before going back to the review.
		 */
		n = form_state_nitems(s->state);
		for (i = 0; i < n; i++) {
			if (form_state_stale(s->state, i) &&
			    item_shown(s, i)) {
				s->page = page_of(s, i);
				s->screen = SESSION_PAGE;
				return 0;
			}
		}
		s->editing = 0;
		s->screen = SESSION_REVIEW;
		return 0;
	}
	next = page_from(s, page_end(s, s->page));
	history_push(s, s->page);
	if (next >= form_state_nitems(s->state)) {
		if (s->form->info_only) {
			/* Information pages: nothing to send. */
			form_state_free(s->state);
			s->state = NULL;
			s->form = NULL;
			s->nhistory = 0;
			s->screen = SESSION_SERVICE;
			return 0;
		}
		s->screen = SESSION_REVIEW;
		return 0;
	}
	s->page = next;
	return 0;
}

int
session_repeat(struct session *s, int add, char **msg)
{
	size_t end = s->page;

	*msg = NULL;
	if (s->screen != SESSION_PAGE || !session_repeat_prompt(s, end, NULL))
		return session_next(s, msg);
	if (!add)
		return session_next(s, msg);
	if (form_state_repeat_add(s->state, end) != 0)
		return session_next(s, msg);
	/*
	 * The new instance's items now stand where the prompt was; the
	 * history already ends with the page before it, so Back works.
	 */
	s->page = page_from(s, end);
	return 0;
}

int
session_in_instance(const struct session *s, size_t *begin, int *inst)
{
	if (s->screen != SESSION_PAGE || s->state == NULL ||
	    s->page >= form_state_nitems(s->state))
		return 0;
	return form_state_removable(s->state, s->page, begin, inst, NULL,
	    NULL) == 0;
}

/*
 * A repeat's label for session_where: form text with every ${name} as
 * "…" (the line names no answer), no "**" markers, one line.
 */
static char *
where_label(const char *t)
{
	struct buf b = { 0 };
	const char *e;
	char *r;

	while (*t != '\0') {
		if (t[0] == '$' && t[1] == '{' && (e = strchr(t, '}')) != NULL) {
			buf_adds(&b, "…");
			t = e + 1;
		} else if (strncmp(t, TEXT_EMPH, 2) == 0)
			t += 2;
		else {
			buf_addc(&b, *t == '\n' || *t == '\t' ? ' ' : *t);
			t++;
		}
	}
	r = xstrdup(b.len ? buf_cstr(&b) : "");
	buf_free(&b);
	return r;
}

size_t
session_where(const struct session *s, char **out, size_t max)
{
	const struct form_item *it;
	const struct form_question *q;
	char nb[16], *num, *label;
	int reps[FORM_REPEAT_DEPTH], n = 0, p, k;
	size_t got = 0;

	if (s->screen != SESSION_PAGE || s->state == NULL ||
	    s->page >= form_state_nitems(s->state))
		return 0;
	it = form_state_item(s->state, s->page);
	/* The begin_repeat rows around it, innermost first. */
	for (p = it->q->parent; p >= 0 && n < FORM_REPEAT_DEPTH;
	    p = s->form->questions[p].parent)
		if (s->form->questions[p].type == FT_BEGIN_REPEAT)
			reps[n++] = p;
	if (n > it->depth)
		n = it->depth;
	for (k = 0; k < n && got < max; k++) {
		q = &s->form->questions[reps[n - 1 - k]];
		snprintf(nb, sizeof nb, "%d", it->path[k]);
		num = text_native_digits(nb, session_digit_zero(nb));
		label = where_label(form_text(s->form, &q->label, s->lang));
		if (*label == '\0')
			out[got++] = xstrdup(num);
		else
			/* TRANSLATORS: one step of the line that says where
			   the resident is inside lists they fill, as in
			   "Household member 2 › Job 1": %1$s names the list
			   (from the form), %2$s is the entry's number. */
			xasprintf(&out[got++], _("%1$s %2$s"), label, num);
		free(label);
		freezero_str(num);
	}
	return got;
}

int
session_repeat_remove(struct session *s)
{
	size_t b, first, span, i, k;
	int inst;

	if (s->screen != SESSION_PAGE || s->state == NULL ||
	    form_state_removable(s->state, s->page, &b, &inst, &first,
	    &span) != 0)
		return -1;
	if (form_state_repeat_remove_instance(s->state, s->page) != 0)
		return -1;
	/* Pages visited inside it go from Back; later ones move up. */
	for (i = k = 0; i < s->nhistory; i++) {
		if (s->history[i] >= first && s->history[i] < first + span)
			continue;
		s->history[k++] = s->history[i] >= first + span ?
		    s->history[i] - span : s->history[i];
	}
	s->nhistory = k;
	if (s->editing) {
		s->editing = 0;
		s->screen = SESSION_REVIEW;
		return 0;
	}
	/* The next instance, or the "add another?" page, now stands here. */
	s->page = page_from(s, first);
	if (s->page >= form_state_nitems(s->state))
		s->screen = SESSION_REVIEW;
	return 0;
}

void
session_back(struct session *s)
{
	switch (s->screen) {
	case SESSION_LANG:
		if (s->lang_return) {
			/* The language screen mid-visit: nothing changes. */
			s->screen = (enum session_screen)(s->lang_return - 1);
			s->lang_return = 0;
		}
		break;
	case SESSION_SERVICE:
		s->screen = SESSION_LANG;
		break;
	case SESSION_PAGE:
		if (s->editing) {
			s->editing = 0;
			s->screen = SESSION_REVIEW;
		} else if (s->nhistory > 0)
			s->page = s->history[--s->nhistory];
		else {
			/* Leaving the form: its answers go. */
			form_state_free(s->state);
			s->state = NULL;
			s->form = NULL;
			s->screen = SESSION_SERVICE;
		}
		break;
	case SESSION_REVIEW:
		if (s->nhistory > 0) {
			s->page = s->history[--s->nhistory];
			s->screen = SESSION_PAGE;
		} else if (s->state != NULL) {
			s->screen = SESSION_PAGE;
		}
		break;
	case SESSION_TICKET:
		break;
	}
}

/*
 * "5 / 14": the resident's place on their own path and the pages it has
 * now. The number is the count of pages behind them plus one, so it goes
 * up by exactly one with each Next and never jumps or skips, whatever an
 * answer changes; the total is that plus the pages still ahead as the
 * answers stand, so it is honest when a choice adds or removes questions.
 * Changing an answer from the review shows the page's place among all.
 */
void
session_progress(const struct session *s, int *at, int *total)
{
	size_t p, n, e;
	int ahead = 0, pos = 0, all = 0;

	*at = *total = 0;
	if (s->state == NULL)
		return;
	n = form_state_nitems(s->state);
	for (p = page_from(s, 0); p < n; p = page_from(s, e)) {
		e = page_end(s, p);
		all++;
		if (p == s->page)
			pos = all;
		else if (pos > 0)
			ahead++;
	}
	if (s->editing || pos == 0) {
		*at = pos;
		*total = all;
		return;
	}
	*at = (int)s->nhistory + 1;
	*total = *at + ahead;
}

size_t
session_review_items(const struct session *s, size_t **out)
{
	size_t i, n, count = 0;
	const struct form_question *q;

	*out = NULL;
	if (s->state == NULL)
		return 0;
	n = form_state_nitems(s->state);
	*out = xreallocarray(NULL, n + 1, sizeof **out);
	for (i = 0; i < n; i++) {
		q = form_state_item(s->state, i)->q;
		if (!qtype_answered(q->type) ||
		    !form_state_relevant(s->state, i))
			continue;
		(*out)[count++] = i;
	}
	return count;
}

void
session_edit(struct session *s, size_t item)
{
	if (s->state == NULL)
		return;
	s->page = page_of(s, item);
	s->editing = 1;
	s->screen = SESSION_PAGE;
}

int
session_has_answers(const struct session *s)
{
	size_t *items, n, i;
	int any = 0;

	n = session_review_items(s, &items);
	for (i = 0; i < n && !any; i++)
		any = *form_state_value(s->state, items[i]) != '\0';
	free(items);
	return any;
}

/* ---- answers ---- */

int
session_answer(struct session *s, size_t item, const char *value)
{
	char *cause = NULL;

	if (s->state == NULL || item >= form_state_nitems(s->state))
		return -1;
	if (form_state_set(s->state, item, value, &cause) != 0) {
		log_msg("answer not stored: %s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* Is choice name in the space-separated value? */
static int
value_has(const char *value, const char *name)
{
	size_t n = strlen(name);
	const char *p = value;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == value || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

int
session_chosen(const struct session *s, size_t item,
    const struct form_choice *c)
{
	const char *v = form_state_value(s->state, item);

	if (qtype_of(form_state_item(s->state, item)->q->type)->widget ==
	    QW_MANY)
		return value_has(v, c->name);
	return strcmp(v, c->name) == 0;
}

/* Tick name in a select_multiple value, or untick it. */
static void
toggle_value(struct session *s, size_t item, const char *name)
{
	const char *v = form_state_value(s->state, item);
	struct buf b = { 0 };
	char *copy, *tok, *save;
	int found = 0;

	copy = xstrdup(v);
	for (tok = strtok_r(copy, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save)) {
		if (strcmp(tok, name) == 0) {
			found = 1;
			continue;
		}
		if (b.len)
			buf_addc(&b, ' ');
		buf_adds(&b, tok);
	}
	if (!found) {
		if (b.len)
			buf_addc(&b, ' ');
		buf_adds(&b, name);
	}
	session_answer(s, item, buf_cstr(&b));
	freezero_str(copy);
	buf_free(&b);
}

void
session_choose(struct session *s, size_t item, size_t idx)
{
	const struct form_choice **ch;
	enum qtype_widget w;
	size_t n;

	if (s->state == NULL || item >= form_state_nitems(s->state))
		return;
	w = qtype_of(form_state_item(s->state, item)->q->type)->widget;
	if (w == QW_CONFIRM) {
		/* "OK" when ticked, "" when not. */
		session_answer(s, item, strcmp(form_state_value(s->state,
		    item), "OK") == 0 ? "" : "OK");
		return;
	}
	n = form_state_choices(s->state, item, &ch);
	if (idx >= n)
		return;
	if (w == QW_MANY)
		toggle_value(s, item, ch[idx]->name);
	else
		session_answer(s, item, ch[idx]->name);
}

/* ---- submit and ticket ---- */

static void
add_column(void *arg, const char *column, const char *value, int relevant)
{
	record_add(arg, column, value, relevant);
}

static void
checklist_take(struct session *s)
{
	const struct form_question *q;
	const struct form_choice **ch;
	const char *v;
	size_t i, j, n, nch;

	s->ncheck = s->nnote = 0;
	n = form_state_nitems(s->state);
	for (i = 0; i < n; i++) {
		q = form_state_item(s->state, i)->q;
		if (qtype_of(q->type)->input == QI_READ && q->on_ticket &&
		    s->nnote < SESSION_NOTE_MAX &&
		    form_state_relevant(s->state, i))
			s->note[s->nnote++] = q;
		if (!q->no_store || qtype_widget(q->type) != QW_MANY ||
		    !form_state_relevant(s->state, i))
			continue;
		v = form_state_value(s->state, i);
		nch = form_state_choices(s->state, i, &ch);
		for (j = 0; j < nch; j++) {
			if (strcmp(ch[j]->name, "none") == 0 ||
			    !value_has(v, ch[j]->name) ||
			    s->ncheck == SESSION_CHECK_MAX)
				continue;
			s->check[s->ncheck++] = ch[j];
		}
	}
}

static void
checklist_wipe(struct session *s)
{
	memset(s->check, 0, sizeof s->check);
	s->ncheck = 0;
	memset(s->note, 0, sizeof s->note);
	s->nnote = 0;
}

size_t
session_checklist(const struct session *s, const char **out, size_t max)
{
	size_t i;

	if (s->form == NULL || s->screen != SESSION_TICKET)
		return 0;
	for (i = 0; i < s->ncheck && i < max; i++)
		out[i] = form_text(s->form, &s->check[i]->label, s->lang);
	return i;
}

void
session_office(const struct session *s, const char **name, const char **address,
    const char **hours)
{
	config_office(s->cfg, s->lang, name, address, hours);
}

size_t
session_ticket_notes(const struct session *s, const char **out, size_t max)
{
	size_t i;

	if (s->form == NULL || s->screen != SESSION_TICKET)
		return 0;
	/* form_text, not form_state_label: a ${name} is never filled in. */
	for (i = 0; i < s->nnote && i < max; i++)
		out[i] = form_text(s->form, &s->note[i]->label, s->lang);
	return i;
}

/*
 * The form's next steps in lang, without a first "Next steps:" of their
 * own: the ticket and the screen give that heading already.
 */
static const char *
steps_text(const struct session *s, const char *lang)
{
	const char *t = form_text(s->form, &s->form->next_steps, lang), *h;
	char was[32];
	size_t n;

	if (t == NULL)
		return NULL;
	snprintf(was, sizeof was, "%s", i18n_current());
	i18n_set(lang);
	h = _("Next steps");
	n = strlen(h);
	if (strncmp(t, h, n) == 0 && (t[n] == ':' || t[n] == '.')) {
		t += n + 1;
		while (*t == ' ' || *t == '\n')
			t++;
	}
	i18n_set(was);
	return t;
}

const char *
session_next_steps(const struct session *s)
{
	const char *t;

	if (s->form == NULL || s->screen != SESSION_TICKET)
		return NULL;
	t = steps_text(s, s->lang);
	return t != NULL && *t != '\0' ? t : NULL;
}

/* Next steps and, under them, the checklist and notes, in one language. */
static char *
steps_with_checklist(struct session *s, const char *lang)
{
	struct buf b = { 0 };
	const char *steps = steps_text(s, lang);
	char was[32], *out;
	size_t i;

	if (steps != NULL)
		buf_adds(&b, steps);
	if (s->ncheck > 0) {
		snprintf(was, sizeof was, "%s", i18n_current());
		i18n_set(lang);
		if (b.len)
			buf_adds(&b, "\n\n");
		buf_adds(&b, _("Your checklist: bring the originals of"));
		for (i = 0; i < s->ncheck; i++) {
			buf_adds(&b, "\n• ");
			buf_adds(&b, form_text(s->form,
			    &s->check[i]->label, lang));
		}
		i18n_set(was);
	}
	for (i = 0; i < s->nnote; i++) {
		if (b.len)
			buf_adds(&b, "\n\n");
		buf_adds(&b, form_text(s->form, &s->note[i]->label,
		    lang));
	}
	out = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* Seconds past the helper's own deadline before it is taken as hung. */
#define SESSION_PRINT_GRACE	10

static void
ticket_request(struct session *s, struct printer_request *r,
    const char *claim, const char *date)
{
	const struct config *cfg = s->cfg;
	const char *name, *address, *hours;

	config_office(cfg, s->lang, &name, &address, &hours);
	memset(r, 0, sizeof *r);
	r->f[PF_OP] = "ticket";
	r->f[PF_LANG] = s->lang;
	r->f[PF_OFFICE_NAME] = name != NULL ? name : "";
	r->f[PF_OFFICE_ADDRESS] = address;
	r->f[PF_OFFICE_HOURS] = hours;
	r->f[PF_CLAIM] = claim;
	r->f[PF_DATE] = date;
	r->f[PF_H_CODE] = _("Your claim code");
	r->f[PF_H_DATE] = _("Date");
	r->f[PF_H_NEXT] = _("Next steps");
	r->f[PF_H_KEEP] =
	    _("Keep this ticket. It has no personal information on it.");
	r->f[PF_PROFILES_DIR] = cfg->printer_profiles_dir;
	r->f[PF_PROFILE] = cfg->printer_profile;
}

static void
ticket_make(struct session *s)
{
	const struct config *cfg = s->cfg;
	struct printer_request r;
	struct printer *p = NULL;
	enum printer_result res;
	char date[11], wait[16], *cause = NULL, *path = NULL;
	char *steps = NULL, *steps_en = NULL;
	time_t limit;

	s->ticket = TICKET_NO_PRINTER;
	if (cfg->printer_dest == NULL && cfg->printer_save_dir == NULL)
		return;

	today_ymd(date);
	steps = steps_with_checklist(s, s->lang);
	steps_en = steps_with_checklist(s, "en");
	ticket_request(s, &r, s->claim, date);
	r.f[PF_SERVICE] = s->form->ticket_shows_title ?
	    form_text(s->form, &s->form->title, s->lang) : NULL;
	r.f[PF_NEXT_STEPS] = steps;
	r.f[PF_NEXT_STEPS_EN] = strcmp(steps, steps_en) != 0 ? steps_en : NULL;
	if (cfg->printer_dest != NULL) {
		r.f[PF_DEST] = cfg->printer_dest;
		snprintf(wait, sizeof wait, "%d", cfg->printer_timeout);
		r.f[PF_WAIT] = wait;
	} else {
		/* Demo and tests: the one file that holds a claim code. */
		time_t now = time(NULL);
		struct tm tm;
		char stamp[32];

		if (mkdir_p(cfg->printer_save_dir, 0700, &cause) != 0) {
			log_msg("ticket not saved: %s", cause);
			free(cause);
			s->ticket = TICKET_FAILED;
			goto out;
		}
		localtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
		xasprintf(&path, "%s/ticket-%s-%04x.pdf",
		    cfg->printer_save_dir, stamp,
		    (unsigned)vault_random_uniform(65536));
		r.f[PF_SAVE] = path;
	}
	if ((p = printer_start(&r, 1, &cause)) == NULL) {
		log_msg("ticket not made: %s", cause);
		free(cause);
		s->ticket = TICKET_FAILED;
		goto out;
	}

	if (cfg->printer_dest == NULL) {
		res = printer_wait(p, cfg->printer_timeout);
		if (res != PRINTER_OK || printer_get(p, "saved") == NULL) {
			log_msg("ticket not saved: %s", printer_why(p) ?
			    printer_why(p) : "unknown reason");
			/*
			 * A helper that ended removed its own half file; one
			 * that died or hung may have left ours (O_EXCL).
			 */
			if (printer_get(p, "end") == NULL)
				unlink(path);
			s->ticket = TICKET_FAILED;
			goto out;
		}
		s->ticket = TICKET_SAVED;
		s->ticket_path = path;
		path = NULL;
		goto out;
	}

	/* Wait (bounded) until CUPS has the job, as a direct submit would. */
	limit = time(NULL) + cfg->printer_timeout;
	while ((res = printer_poll(p, 100)) == PRINTER_RUNNING &&
	    printer_job(p) == 0 && time(NULL) < limit)
		;
	if (res == PRINTER_RUNNING && printer_job(p) == 0) {
		printer_kill(p, "the print helper did not submit the ticket "
		    "in time");
		res = PRINTER_FAILED;
	}
	if (printer_job(p) == 0) {
		log_msg("printing failed: %s", printer_why(p) ?
		    printer_why(p) : "no job was made");
		if (printer_cancel(p, &cause) != 0) {
			log_msg("cancel: %s", cause);
			free(cause);
		}
		s->ticket = TICKET_FAILED;
		goto out;
	}
	s->job_id = printer_job(p);
	s->ticket = TICKET_PRINTING;
	s->deadline = time(NULL) + cfg->printer_timeout + SESSION_PRINT_GRACE;
	log_msg("ticket sent to printer %s (job %d)", cfg->printer_dest,
	    s->job_id);
	s->printer = p;
	p = NULL;
out:
	printer_free(p);
	free(path);
	freezero_str(steps);
	freezero_str(steps_en);
}

int
session_submit(struct session *s, char **msg)
{
	struct outbox_meta meta;
	struct record *rec;
	char date[11], *cause = NULL;
	uint64_t seq;
	long bad;

	*msg = NULL;
	if (s->state == NULL || s->form == NULL)
		return -1;
	bad = form_state_check_all(s->state, s->lang, session_msgs(), msg);
	if (bad >= 0) {
		/* Something became required after a change: go there. */
		s->page = page_of(s, (size_t)bad);
		s->editing = 1;
		s->screen = SESSION_PAGE;
		return -1;
	}

	s->claim = vault_secure_alloc(CLAIM_LEN + 1);
	claim_new(s->claim);
	rec = record_new();
	session_set_meta(s);	/* a volunteer may have joined since */
	form_state_columns(s->state, add_column, rec);
	today_ymd(date);
	memset(&meta, 0, sizeof meta);
	meta.date = date;
	meta.form_id = s->form->id;
	meta.form_version = s->form->version;
	meta.lang = s->lang;
	meta.claim = s->claim;
	meta.assisted_by = s->assisted_by;
	if (outbox_submit(s->outbox, &meta, rec, &seq, &cause) != 0) {
		/* Keep every answer: the resident or staff can try again. */
		log_msg("a submission could not be saved: %s", cause);
		free(cause);
		record_free(rec);
		vault_secure_free(s->claim);
		s->claim = NULL;
		*msg = xstrdup(_("Your answers could not be saved. Nothing "
		    "is lost yet: please ask a staff member for help."));
		return -1;
	}
	record_free(rec);
	log_msg("submission %llu sealed and saved", (unsigned long long)seq);

	/* The checklist is taken before the answers go (never stored). */
	checklist_take(s);
	/* Sealed and durable: the plaintext goes now. */
	form_state_free(s->state);
	s->state = NULL;
	s->nhistory = 0;
	s->screen = SESSION_TICKET;
	ticket_make(s);
	return 0;
}

void
session_poll_ticket(struct session *s)
{
	struct printer *p = s->printer;
	enum printer_result res;
	char *cause = NULL;

	if (s->ticket != TICKET_PRINTING)
		return;
	if (p == NULL)
		res = PRINTER_FAILED;
	else if ((res = printer_poll(p, 0)) == PRINTER_RUNNING) {
		if (time(NULL) < s->deadline)
			return;
		printer_kill(p, "the print helper did not finish in time");
		res = PRINTER_FAILED;
	}
	if (res == PRINTER_OK && printer_get(p, "printed") != NULL)
		s->ticket = TICKET_PRINTED;
	else {
		log_msg("ticket job %d failed: %s", s->job_id,
		    p != NULL && printer_why(p) ? printer_why(p) :
		    "unknown reason");
		/* The helper cancelled it, or a new helper does now. */
		if (p != NULL && printer_cancel(p, &cause) != 0) {
			log_msg("cancel job %d: %s", s->job_id, cause);
			free(cause);
		}
		s->ticket = TICKET_FAILED;
	}
	printer_free(p);
	s->printer = NULL;
}

int
session_test_print(struct session *s, char **msg)
{
	const struct config *cfg = s->cfg;
	struct printer_request r;
	struct printer *p;
	char date[11], wait[16], *cause = NULL;
	int rc = -1;

	*msg = NULL;
	if (cfg->printer_dest == NULL) {
		*msg = xstrdup(_("No printer is configured."));
		return -1;
	}
	today_ymd(date);
	ticket_request(s, &r, "0000-0000-0000", date);
	r.f[PF_NEXT_STEPS] = _("This is a test ticket. It belongs to no one.");
	r.f[PF_DEST] = cfg->printer_dest;
	snprintf(wait, sizeof wait, "%d", cfg->printer_timeout);
	r.f[PF_WAIT] = wait;
	if ((p = printer_start(&r, 1, &cause)) == NULL) {
		log_msg("test print failed: %s", cause);
		xasprintf(msg, "%s %s", _("The test ticket did not print:"),
		    cause);
		free(cause);
		return -1;
	}
	if (printer_wait(p, cfg->printer_timeout + SESSION_PRINT_GRACE) ==
	    PRINTER_OK && printer_get(p, "printed") != NULL) {
		*msg = xstrdup(_("The test ticket printed."));
		rc = 0;
	} else {
		log_msg("test print failed: %s", printer_why(p) ?
		    printer_why(p) : "unknown reason");
		if (printer_cancel(p, &cause) != 0) {
			log_msg("cancel test job %d: %s", printer_job(p),
			    cause);
			free(cause);
		}
		xasprintf(msg, "%s %s", _("The test ticket did not print:"),
		    printer_why(p) ? printer_why(p) :
		    _("the printer did not finish in time."));
	}
	printer_free(p);
	return rc;
}

int
session_print_sheet(struct session *s, char **msg)
{
	const struct config *cfg = s->cfg;
	const struct form_question *q;
	struct printer_request r;
	struct printer *p;
	struct buf b = { 0 };
	char wait[16], *cause = NULL, *path = NULL;
	const char *name, *address, *hours;
	size_t i, n;
	int rc = -1;

	*msg = NULL;
	if (s->form == NULL || !s->form->info_only || s->state == NULL) {
		*msg = xstrdup(_("There is nothing to print here."));
		return -1;
	}
	if (cfg->printer_dest == NULL && cfg->printer_save_dir == NULL) {
		*msg = xstrdup(_("There is no printer here. Please ask a staff "
		    "member for a printed copy."));
		return -1;
	}
	/* Every page the resident could see, in their language. */
	n = form_state_nitems(s->state);
	for (i = 0; i < n; i++) {
		q = form_state_item(s->state, i)->q;
		if (qtype_of(q->type)->input != QI_READ ||
		    !form_state_relevant(s->state, i))
			continue;
		if (b.len)
			buf_adds(&b, "\n\n");
		buf_adds(&b, form_text(s->form, &q->label, s->lang));
	}
	memset(&r, 0, sizeof r);
	r.f[PF_OP] = "ticket";
	r.f[PF_LANG] = s->lang;
	config_office(cfg, s->lang, &name, &address, &hours);
	r.f[PF_OFFICE_NAME] = name != NULL ? name : "";
	r.f[PF_OFFICE_ADDRESS] = address;
	r.f[PF_OFFICE_HOURS] = hours;
	r.f[PF_SERVICE] = form_text(s->form, &s->form->title, s->lang);
	r.f[PF_NEXT_STEPS] = buf_cstr(&b);
	r.f[PF_H_KEEP] = _("You may keep this sheet. It has nothing about "
	    "you on it.");
	r.f[PF_PROFILES_DIR] = cfg->printer_profiles_dir;
	r.f[PF_PROFILE] = cfg->printer_profile;
	if (cfg->printer_dest != NULL) {
		r.f[PF_DEST] = cfg->printer_dest;
		snprintf(wait, sizeof wait, "%d", cfg->printer_timeout);
		r.f[PF_WAIT] = wait;
	} else {
		if (mkdir_p(cfg->printer_save_dir, 0700, &cause) != 0) {
			log_msg("sheet not saved: %s", cause);
			free(cause);
			goto failed;
		}
		xasprintf(&path, "%s/sheet-%04x.pdf", cfg->printer_save_dir,
		    (unsigned)vault_random_uniform(65536));
		r.f[PF_SAVE] = path;
	}
	if ((p = printer_start(&r, 1, &cause)) == NULL) {
		log_msg("sheet not printed: %s", cause);
		free(cause);
		goto failed;
	}
	if (printer_wait(p, cfg->printer_timeout + SESSION_PRINT_GRACE) ==
	    PRINTER_OK && printer_get(p, path != NULL ? "saved" :
	    "printed") != NULL) {
		*msg = xstrdup(path != NULL ? _("The pages were saved as a "
		    "file (demo).") : _("Take the pages from the printer."));
		rc = 0;
	} else {
		log_msg("sheet not printed: %s", printer_why(p) ?
		    printer_why(p) : "unknown reason");
		if (path == NULL && printer_cancel(p, &cause) != 0) {
			log_msg("cancel sheet job: %s", cause);
			free(cause);
		}
	}
	printer_free(p);
failed:
	if (rc != 0)
		*msg = xstrdup(_("The pages could not be printed. Please ask "
		    "a staff member for a printed copy."));
	free(path);
	buf_free(&b);
	return rc;
}

void
session_printer_status(struct session *s, char **msg)
{
	const char *dest = s->cfg->printer_dest, *st, *reasons, *m;
	struct printer_request r;
	struct printer *p;
	char *cause = NULL;

	*msg = NULL;
	if (dest == NULL) {
		*msg = xstrdup(_("No printer is configured."));
		return;
	}
	memset(&r, 0, sizeof r);
	r.f[PF_OP] = "status";
	r.f[PF_PROFILES_DIR] = s->cfg->printer_profiles_dir;
	r.f[PF_PROFILE] = s->cfg->printer_profile;
	r.f[PF_DEST] = dest;
	if ((p = printer_start(&r, 1, &cause)) == NULL) {
		xasprintf(msg, "%s: %s", dest, cause);
		free(cause);
		return;
	}
	printer_wait(p, SESSION_PRINT_GRACE);
	if ((st = printer_get(p, "state")) == NULL) {
		m = printer_get(p, "dest-error");
		xasprintf(msg, "%s: %s", dest, m != NULL ? m :
		    printer_why(p) != NULL ? printer_why(p) : "no answer");
		printer_free(p);
		return;
	}
	reasons = printer_get(p, "reasons");
	m = printer_get(p, "message");
	xasprintf(msg, "%s: %s. %s: %s. %s", dest, strcmp(st, "3") == 0 ?
	    _("idle") : strcmp(st, "4") == 0 ? _("printing") : _("stopped"),
	    _("Reasons"), reasons != NULL && *reasons != '\0' ? reasons :
	    "none", m != NULL ? m : "");
	printer_free(p);
}

void
session_wipe(struct session *s)
{
	char *cause = NULL;

	if (s->printer != NULL) {
		/* A ticket must never print later for the next person. */
		if (s->ticket == TICKET_PRINTING &&
		    printer_cancel(s->printer, &cause) != 0) {
			log_msg("cancel job %d: %s", s->job_id, cause);
			free(cause);
		}
		printer_free(s->printer);
		s->printer = NULL;
	}
	form_state_free(s->state);
	s->state = NULL;
	s->form = NULL;
	checklist_wipe(s);
	vault_secure_free(s->claim);
	s->claim = NULL;
	free(s->ticket_path);
	s->ticket_path = NULL;
	free(s->history);
	s->history = NULL;
	s->nhistory = 0;
	s->editing = 0;
	s->assisted_by = 0;
	s->ticket = TICKET_NONE;
	s->screen = SESSION_LANG;
	s->lang_return = 0;
	session_set_lang(s, s->cfg->langs[0]);
}

void
session_finish(struct session *s)
{
	session_wipe(s);
}

int
session_active(const struct session *s)
{
	return s->screen != SESSION_LANG || s->state != NULL ||
	    s->claim != NULL;
}

/* ---- PINs ---- */

long
session_pin_wait(const struct session *s)
{
	time_t now = time(NULL);

	return now < s->pin_locked_until ? (long)(s->pin_locked_until - now) :
	    0;
}

/* A wrong PIN: the fifth in a row locks the prompts. */
static void
pin_failed(struct session *s)
{
	if (++s->pin_fails < PIN_TRIES)
		return;
	s->pin_fails = 0;
	s->pin_locks++;
	s->pin_locked_until = time(NULL) + ((time_t)PIN_LOCK <<
	    (s->pin_locks > 10 ? 10 : s->pin_locks - 1));
	log_msg("PIN prompt locked after %d wrong PINs", PIN_TRIES);
}

int
session_volunteer(struct session *s, int number, const char *pin)
{
	const struct config *cfg = s->cfg;
	int i, ok = 0;

	if (session_pin_wait(s) > 0)
		return -1;
	for (i = 0; i < cfg->nvolunteers; i++)
		if (cfg->volunteers[i].number == number &&
		    vault_pin_verify(cfg->volunteers[i].hash, pin))
			ok = 1;
	if (!ok) {
		pin_failed(s);
		return -1;
	}
	s->pin_fails = 0;
	s->assisted_by = number;
	/* The number goes only into the seal, not the log. */
	log_msg("a volunteer is assisting a visit");
	return 0;
}

int
session_staff_pin(struct session *s, const char *pin)
{
	if (session_pin_wait(s) > 0 || s->cfg->staff_pin == NULL)
		return -1;	/* no PIN set is not a wrong PIN */
	if (!vault_pin_verify(s->cfg->staff_pin, pin)) {
		pin_failed(s);
		return -1;
	}
	s->pin_fails = 0;
	log_msg("staff menu opened");
	/* Nothing of a resident's may be open behind the menu. */
	session_wipe(s);
	return 0;
}

/* ---- staff: export and acknowledgements ---- */

/*
 * Submissions the export found damaged on this kiosk's disk (issue 13):
 * their numbers go to the log and after *msg; the office will report
 * them lost.
 */
static void
export_damaged(struct session *s, char **msg)
{
	const uint64_t *seq;
	size_t n = outbox_last_damaged(s->outbox, &seq), i;
	struct buf b = { 0 };
	char *m;

	if (n == 0)
		return;
	for (i = 0; i < n && i < 20; i++)
		buf_addf(&b, "%s%llu", i ? ", " : "",
		    (unsigned long long)seq[i]);
	if (n > 20)
		buf_addf(&b, ", ...");
	log_msg("staff export: damaged on this kiosk's disk (the office "
	    "will report them lost): %s", buf_cstr(&b));
	xasprintf(&m, "%s %s %s", *msg, _("Some submissions are "
	    "damaged on this kiosk's disk; the office will report them lost. "
	    "Their numbers:"), buf_cstr(&b));
	free(*msg);
	*msg = m;
	buf_free(&b);
}

int
session_export(struct session *s, const char *dir, char **msg)
{
	char *path = NULL, *cause = NULL;
	long count = 0;

	*msg = NULL;
	if (outbox_locked(s->outbox))
		return 1;	/* the key is sealed: ask for its passphrase */
	if (outbox_export(s->outbox, dir, &path, &count, &cause) != 0) {
		log_msg("staff export to %s failed: %s", dir, cause);
		xasprintf(msg, "%s %s", _("Export failed. Nothing "
		    "was marked as exported:"), cause);
		free(cause);
		return -1;
	}
	log_msg("staff export: %ld submissions to %s", count, path);
	xasprintf(msg, ngettext("Exported %ld submission to %s. "
	    "The file was read back and verified.", "Exported %ld submissions "
	    "to %s. The file was read back and verified.", count), count, path);
	free(path);
	export_damaged(s, msg);
	return 0;
}

int
session_export_pass(struct session *s, const char *dir, const char *pass,
    char **msg)
{
	char *cause = NULL;
	int wrong, rc;

	*msg = NULL;
	if (outbox_unlock(s->outbox, pass, &wrong, &cause) != 0) {
		log_msg("staff export: the kiosk key did not open: %s", cause);
		free(cause);
		*msg = xstrdup(wrong ? _("Wrong passphrase.") :
		    _("The kiosk's key file is damaged. See the log."));
		return 2;
	}
	rc = session_export(s, dir, msg);
	outbox_lock(s->outbox);
	return rc;
}

int
session_sticks(const struct session *s, char ***out)
{
	char *cause = NULL;

	*out = NULL;
	if (!s->cfg->demo || s->cfg->demo_stick == NULL)
		return stick_find(STICK_MOUNTS, s->cfg->usb_roots, out);
	/* make demo: a folder stands in (config.c allows it with demo). */
	if (mkdir_p(s->cfg->demo_stick, 0700, &cause) != 0) {
		log_msg("demo stick: %s", cause);
		free(cause);
		return 0;
	}
	*out = xcalloc(1, sizeof **out);
	(*out)[0] = xstrdup(s->cfg->demo_stick);
	return 1;
}

int
session_ack(struct session *s, const char *path, long *deleted,
    char **cause)
{
	return outbox_apply_ack(s->outbox, path, deleted, cause);
}

long
session_waiting(struct session *s)
{
	long waiting = -1;
	char *cause = NULL;

	if (outbox_waiting(s->outbox, &waiting, &cause) != 0) {
		log_msg("waiting count: %s", cause);
		free(cause);
	}
	return waiting;
}

const char *
session_fingerprint(const struct session *s)
{
	return outbox_fingerprint(s->outbox);
}

/* ---- secure memory for what is typed ---- */

void *
session_secret_alloc(size_t n)
{
	return vault_secure_alloc(n);
}

void
session_secret_free(void *p)
{
	vault_secure_free(p);
}

void
session_secret_wipe(void *p, size_t n)
{
	vault_wipe(p, n);
}
