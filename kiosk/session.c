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
#include "print.h"
#include "record.h"
#include "session.h"
#include "ticket.h"
#include "util.h"
#include "vault.h"

const struct form_msgs *
session_msgs(void)
{
	static struct form_msgs m;

	m.required = _("This answer is required.");
	m.integer = _("Please enter a whole number, like 3.");
	m.decimal = _("Please enter a number, like 2.5.");
	m.date = _("Please enter a date as year-month-day, like 2024-03-31.");
	m.time = _("Please enter a time as hours:minutes, like 14:30.");
	m.constraint = _("This answer is not allowed. Please check it.");
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
	s->screen = SESSION_SERVICE;
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
	switch (q->type) {
	case FT_TEXT:
	case FT_INTEGER:
	case FT_DECIMAL:
	case FT_DATE:
	case FT_TIME:
	case FT_SELECT_ONE:
	case FT_SELECT_MULTIPLE:
	case FT_NOTE:
	case FT_ACKNOWLEDGE:
		return 1;
	default:
		return 0;
	}
}

static int
is_begin(enum form_type t)
{
	return t == FT_BEGIN_GROUP || t == FT_BEGIN_REPEAT;
}

static int
is_end(enum form_type t)
{
	return t == FT_END_GROUP || t == FT_END_REPEAT;
}

/* One past the last item of the page starting at start. */
static size_t
page_end(struct session *s, size_t start)
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

size_t
session_page_items(struct session *s, size_t *out, size_t max)
{
	size_t end, i, n = 0;

	if (s->state == NULL)
		return 0;
	end = page_end(s, s->page);
	for (i = s->page; i < end && n < max; i++) {
		if (is_shown(form_state_item(s->state, i)->q) &&
		    form_state_relevant(s->state, i))
			out[n++] = i;
	}
	return n;
}

/* Does the page at start show anything? */
static int
page_shows(struct session *s, size_t start)
{
	size_t items[1];
	size_t save = s->page, n;

	s->page = start;
	n = session_page_items(s, items, 1);
	s->page = save;
	return n > 0;
}

/* The first page at or after i that shows something; nitems if none. */
static size_t
page_from(struct session *s, size_t i)
{
	size_t n = form_state_nitems(s->state);
	const struct form_question *q;

	while (i < n) {
		q = form_state_item(s->state, i)->q;
		if ((is_shown(q) || is_field_list(q)) && page_shows(s, i))
			return i;
		i = is_field_list(q) ? page_end(s, i) : i + 1;
	}
	return n;
}

/* The page that holds item. */
static size_t
page_of(struct session *s, size_t item)
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

int
session_pick_service(struct session *s, size_t i)
{
	if (i >= s->nforms)
		return -1;
	s->form = s->forms[i];
	form_state_free(s->state);
	s->state = form_state_new(s->form);
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

int
session_next(struct session *s, char **msg)
{
	size_t items[256], n, i, next;

	*msg = NULL;
	if (s->screen != SESSION_PAGE || s->state == NULL)
		return 0;
	n = session_page_items(s, items, nitems(items));
	for (i = 0; i < n; i++) {
		if (form_state_check(s->state, items[i], s->lang,
		    session_msgs(), msg) != 0)
			return -1;
	}
	if (s->editing) {
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

void
session_back(struct session *s)
{
	switch (s->screen) {
	case SESSION_LANG:
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

void
session_progress(struct session *s, int *at, int *total)
{
	size_t p, n, e;

	*at = *total = 0;
	if (s->state == NULL)
		return;
	n = form_state_nitems(s->state);
	for (p = page_from(s, 0); p < n; p = page_from(s, e)) {
		e = page_end(s, p);
		(*total)++;
		if (p == s->page)
			*at = *total;
	}
}

size_t
session_review_items(struct session *s, size_t **out)
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
		if (!is_shown(q) || q->type == FT_NOTE ||
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

/* ---- submit and ticket ---- */

static void
add_column(void *arg, const char *column, const char *value, int relevant)
{
	record_add(arg, column, value, relevant);
}

static void
ticket_make(struct session *s)
{
	const struct config *cfg = s->cfg;
	struct ticket_profile prof;
	struct ticket t;
	struct buf pdf = { 0 };
	char date[11], *cause = NULL, *path = NULL;
	const char *steps, *steps_en;
	int fd;
	ssize_t w;
	size_t off;

	s->ticket = TICKET_NO_PRINTER;
	if (cfg->printer_dest == NULL && cfg->printer_save_dir == NULL)
		return;

	today_ymd(date);
	steps = form_text(s->form, &s->form->next_steps, s->lang);
	steps_en = form_text(s->form, &s->form->next_steps, "en");
	memset(&t, 0, sizeof t);
	t.lang = s->lang;
	t.office_name = cfg->office_name ? cfg->office_name : "";
	t.office_address = cfg->office_address;
	t.office_hours = cfg->office_hours;
	t.claim = s->claim;
	t.date = date;
	t.service = s->form->ticket_shows_title ?
	    form_text(s->form, &s->form->title, s->lang) : NULL;
	t.next_steps = steps;
	t.next_steps_en = strcmp(steps, steps_en) != 0 ? steps_en : NULL;
	t.h_code = _("Your claim code");
	t.h_date = _("Date");
	t.h_next = _("Next steps");
	t.h_keep = _("Keep this ticket. It has no personal information on it.");

	if (ticket_profile_load(cfg->printer_profiles_dir,
	    cfg->printer_profile, &prof, &cause) != 0 ||
	    ticket_render(&t, &prof, &pdf, &cause) != 0) {
		log_msg("ticket not made: %s", cause);
		free(cause);
		s->ticket = TICKET_FAILED;
		goto out;
	}
	if (cfg->printer_dest != NULL) {
		if (print_submit(cfg->printer_dest, prof.media, pdf.data,
		    pdf.len, &s->job_id, &cause) != 0) {
			log_msg("printing failed: %s", cause);
			free(cause);
			s->ticket = TICKET_FAILED;
			goto out;
		}
		s->ticket = TICKET_PRINTING;
		s->deadline = time(NULL) + cfg->printer_timeout;
		log_msg("ticket sent to printer %s (job %d)",
		    cfg->printer_dest, s->job_id);
		goto out;
	}
	/* Demo and tests: the one file that holds a claim code. */
	if (mkdir_p(cfg->printer_save_dir, 0700, &cause) != 0) {
		log_msg("ticket not saved: %s", cause);
		free(cause);
		s->ticket = TICKET_FAILED;
		goto out;
	}
	{
		time_t now = time(NULL);
		struct tm tm;
		char stamp[32];

		localtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
		xasprintf(&path, "%s/ticket-%s-%04x.pdf",
		    cfg->printer_save_dir, stamp,
		    (unsigned)vault_random_uniform(65536));
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		log_msg("ticket not saved: %s: %s", path, strerror(errno));
		s->ticket = TICKET_FAILED;
		goto out;
	}
	for (off = 0; off < pdf.len; off += (size_t)w) {
		w = write(fd, pdf.data + off, pdf.len - off);
		if (w <= 0) {
			if (w == -1 && errno == EINTR) {
				w = 0;
				continue;
			}
			log_msg("ticket not saved: %s: %s", path,
			    strerror(errno));
			close(fd);
			unlink(path);
			s->ticket = TICKET_FAILED;
			goto out;
		}
	}
	fsync(fd);
	close(fd);
	s->ticket = TICKET_SAVED;
	s->ticket_path = path;
	path = NULL;
out:
	free(path);
	buf_free(&pdf);		/* the PDF holds the claim code: wiped */
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
	char *why = NULL, *cause = NULL;

	if (s->ticket != TICKET_PRINTING)
		return;
	switch (print_poll(s->cfg->printer_dest, s->job_id, &why)) {
	case PRINT_PENDING:
		if (time(NULL) < s->deadline)
			return;
		why = xstrdup("the printer did not finish in time");
		/* FALLTHROUGH */
	case PRINT_FAILED:
		log_msg("ticket job %d failed: %s", s->job_id,
		    why ? why : "unknown reason");
		if (print_cancel(s->cfg->printer_dest, s->job_id, &cause)) {
			log_msg("cancel job %d: %s", s->job_id, cause);
			free(cause);
		}
		s->ticket = TICKET_FAILED;
		break;
	case PRINT_DONE:
		s->ticket = TICKET_PRINTED;
		break;
	}
	free(why);
}

int
session_test_print(struct session *s, char **msg)
{
	const struct config *cfg = s->cfg;
	struct ticket_profile prof;
	struct ticket t;
	struct buf pdf = { 0 };
	char date[11], *cause = NULL, *why = NULL;
	enum print_result r = PRINT_FAILED;
	time_t deadline;
	int job, rc = -1;

	*msg = NULL;
	if (cfg->printer_dest == NULL) {
		*msg = xstrdup(_("No printer is configured."));
		return -1;
	}
	today_ymd(date);
	memset(&t, 0, sizeof t);
	t.lang = s->lang;
	t.office_name = cfg->office_name ? cfg->office_name : "";
	t.office_address = cfg->office_address;
	t.office_hours = cfg->office_hours;
	t.claim = "0000-0000-0000";
	t.date = date;
	t.next_steps = _("This is a test ticket. It belongs to no one.");
	t.h_code = _("Your claim code");
	t.h_date = _("Date");
	t.h_next = _("Next steps");
	t.h_keep = _("Keep this ticket. It has no personal information on it.");
	if (ticket_profile_load(cfg->printer_profiles_dir,
	    cfg->printer_profile, &prof, &cause) != 0 ||
	    ticket_render(&t, &prof, &pdf, &cause) != 0 ||
	    print_submit(cfg->printer_dest, prof.media, pdf.data, pdf.len,
	    &job, &cause) != 0) {
		log_msg("test print failed: %s", cause);
		xasprintf(msg, "%s %s", _("The test ticket did not print:"),
		    cause);
		free(cause);
		goto out;
	}
	deadline = time(NULL) + cfg->printer_timeout;
	while ((r = print_poll(cfg->printer_dest, job, &why)) ==
	    PRINT_PENDING && time(NULL) < deadline)
		usleep(200 * 1000);
	if (r == PRINT_DONE) {
		*msg = xstrdup(_("The test ticket printed."));
		rc = 0;
	} else {
		if (print_cancel(cfg->printer_dest, job, &cause) != 0) {
			log_msg("cancel test job %d: %s", job, cause);
			free(cause);
		}
		xasprintf(msg, "%s %s", _("The test ticket did not print:"),
		    why ? why : _("the printer did not finish in time."));
	}
	free(why);
out:
	buf_free(&pdf);
	return rc;
}

void
session_printer_status(struct session *s, char **msg)
{
	const char *dest = s->cfg->printer_dest;
	struct print_state st;
	char *cause = NULL;

	*msg = NULL;
	if (dest == NULL) {
		*msg = xstrdup(_("No printer is configured."));
		return;
	}
	if (print_dest_state(dest, &st, &cause) != 0) {
		xasprintf(msg, "%s: %s", dest, cause);
		free(cause);
		return;
	}
	xasprintf(msg, "%s: %s. %s: %s. %s", dest, st.state == 3 ? _("idle") :
	    st.state == 4 ? _("printing") : _("stopped"), _("Reasons"),
	    *st.reasons ? st.reasons : "none", st.message);
}

void
session_wipe(struct session *s)
{
	char *cause = NULL;

	if (s->ticket == TICKET_PRINTING && s->cfg->printer_dest != NULL) {
		/* A ticket must never print later for the next person. */
		if (print_cancel(s->cfg->printer_dest, s->job_id, &cause)) {
			log_msg("cancel job %d: %s", s->job_id, cause);
			free(cause);
		}
	}
	form_state_free(s->state);
	s->state = NULL;
	s->form = NULL;
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
