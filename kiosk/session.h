/*
 * session: one resident's visit, independent of the screen, and the only
 * door to it: the ui reads what it draws through the const accessors
 * below and changes a visit only through session calls. struct session
 * is opaque (its layout is in session.c).
 *
 * States, and the function that moves between them:
 *
 *   LANG --session_pick_lang--> SERVICE --session_pick_service--> PAGE
 *    ^ <--------session_back-------' ^                             |
 *    |                               |  session_back on the first  |
 *    |                               +-- page (its answers go); or |
 *    |                                   session_next on the last  |
 *    |                                   page of an info_only form |
 *    |                                                             v
 *    |    PAGE --session_next--> PAGE --session_next--> ... --> REVIEW
 *    |     ^ <--session_back------'  <----session_back-----------' |
 *    |     |                                                       |
 *    |     +--session_edit (one answer; session_next, or Back, ----+
 *    |     |  goes straight back to REVIEW, after asking again any |
 *    |     |  answer the change cleared)                           |
 *    |     +--session_submit, if an answer became required --------+
 *    |                                                             |
 *    |        PAGE --session_repeat (add another), session_        |
 *    |                repeat_remove--> PAGE                 session_submit
 *    |                                                             v
 *    +-----------------session_finish-------------------------- TICKET
 *    +-----------------session_wipe (idle, quick exit, staff) -- any state
 *
 *   The language screen mid-visit:
 *     any state but LANG --session_lang_menu--> LANG (remembers where)
 *     LANG --session_pick_lang (answers kept)--> back there, new language
 *     LANG --session_back--> back there, language unchanged
 *
 *   Without moving: session_answer and session_choose change an answer
 *   of the current page; session_volunteer marks the visit assisted.
 *
 * A page is one question, or a whole field-list group. The session owns
 * the resident's answers (form_state, in secure memory) and the claim
 * code (secure memory), and wipes both on session_wipe/session_finish.
 * The answers are sealed and committed (outbox) before TICKET is reached;
 * if that fails the session stays on REVIEW with every answer kept; if an
 * answer became required since, it goes to that PAGE (editing).
 *
 * Staff (the ui opens its staff menu only after session_staff_pin, which
 * wipes any visit first):
 *
 *   session_export(dir) --0--> exported, verified (msg)
 *        |           \--1--> the kiosk key is sealed: ask its passphrase
 *        |                   session_export_pass(dir, pass)
 *        |                     --0--> unlocked, exported, locked again
 *        |                     --2--> wrong passphrase (or key damaged): ask
 *        +--(-1)--> failed; nothing was marked as exported (msg)
 *   session_sticks --> the USB sticks to export to or read acks from
 *   session_ack(path) --> the acknowledged submissions are deleted here
 *   session_test_print, session_printer_status: the printer
 *
 * PINs (session_volunteer, session_staff_pin): checked against Argon2id
 * hashes only; five wrong PINs in a row lock both prompts for 30 seconds,
 * doubling with each further lock; while locked no PIN is checked at all
 * (session_pin_wait says how long). The lock outlives session_wipe.
 *
 * Never draws and never exits. Messages for the resident come back
 * translated (gettext or the form's own translations).
 */
#ifndef KIOSK_SESSION_H
#define KIOSK_SESSION_H

#include <stddef.h>
#include <time.h>

struct config;
struct form;
struct form_choice;
struct form_question;
struct form_text;
struct outbox;
struct session;

enum session_screen {
	SESSION_LANG,
	SESSION_SERVICE,
	SESSION_PAGE,
	SESSION_REVIEW,
	SESSION_TICKET
};

enum session_ticket {
	TICKET_NONE,
	TICKET_PRINTING,	/* job sent; polling until done or deadline */
	TICKET_PRINTED,
	TICKET_SAVED,		/* saved as PDF in save_dir (demo, tests) */
	TICKET_FAILED,		/* printer failed; job cancelled */
	TICKET_NO_PRINTER	/* nothing configured: code only on screen */
};

struct session	*session_new(const struct config *, struct outbox *,
		    char **cause);
void		 session_free(struct session *);

/* Load every form in forms_dir; bad forms are logged and left out. */
void		 session_load_forms(struct session *);

/* ---- what the ui draws (const accessors) ---- */

enum session_screen session_screen(const struct session *);
const char	*session_lang(const struct session *);
/* The first item of the current page (changes when the page does). */
size_t		 session_page(const struct session *);
/* The volunteer number assisting this visit, or 0. */
int		 session_assisted_by(const struct session *);
/* Is the language screen open mid-visit (session_lang_menu)? */
int		 session_lang_menu_open(const struct session *);
/* Would session_back leave the form (its first page, not editing)? */
int		 session_back_leaves(const struct session *);
/* Has the resident answered anything in this form? */
int		 session_has_answers(const struct session *);

/* The services, in menu order, and their titles in the current language. */
size_t		 session_nforms(const struct session *);
const char	*session_form_title(const struct session *, size_t);
/* The chosen service (read only), or NULL; and its title. */
const struct form *session_form(const struct session *);
const char	*session_title(const struct session *);
/* Is the chosen service information only (know your rights)? */
int		 session_info_only(const struct session *);
/* A text of the chosen form in the current language. */
const char	*session_text(const struct session *, const struct form_text *);

/* One item of the chosen form (indices as session_page_items gives). */
const struct form_question *session_question(const struct session *,
		    size_t item);
const char	*session_value(const struct session *, size_t item);
/*
 * The zero of the digits an answer v is shown back in: the resident's own
 * (٠, ۰, ০, ૦) where the language's catalogue chooses them, '0' for Latin
 * text ("Apt 3B" stays as typed). What is kept is always ASCII.
 */
uint32_t	 session_digit_zero(const char *v);
/*
 * Label and hint with ${...} filled in, in session_digit_zero()'s digits;
 * allocated, free with freezero_str.
 */
char		*session_label(const struct session *, size_t item);
char		*session_hint(const struct session *, size_t item);
/* The choices the item offers now (choice_filter applied). */
size_t		 session_choices(const struct session *, size_t item,
		    const struct form_choice ***out);
/* Is choice c (one of session_choices) chosen in the item's answer? */
int		 session_chosen(const struct session *, size_t item,
		    const struct form_choice *c);
/* Is the item's answer acceptable as it stands (form checks only)? */
int		 session_item_ok(const struct session *, size_t item);

/* TICKET: how the ticket fares, the claim code, the saved PDF (demo). */
enum session_ticket session_ticket_state(const struct session *);
const char	*session_claim(const struct session *);
const char	*session_ticket_path(const struct session *);

/* ---- what changes a visit ---- */

/*
 * LANG: choose the language. On the first screen this starts the visit
 * (SERVICE); opened mid-visit (session_lang_menu) it goes back to where
 * the resident was, every answer kept (answers are stored as choice
 * names).
 */
void		 session_pick_lang(struct session *, const char *code);
/* Open the language screen mid-visit; nothing if already on it. */
void		 session_lang_menu(struct session *);
/* Set the language without moving (the kiosk's first language at start). */
void		 session_set_lang(struct session *, const char *code);
int		 session_pick_service(struct session *, size_t);

/*
 * Answer an item of the current page: session_answer stores typed text
 * (0, or -1 logged: it was not stored); session_choose picks choice idx of
 * a select_one, ticks or unticks it in a select_multiple, and ticks or
 * unticks an acknowledge (idx 0).
 */
int		 session_answer(struct session *, size_t item,
		    const char *value);
void		 session_choose(struct session *, size_t item, size_t idx);

/* Items on the current page (indices into the form_state item list). */
size_t		 session_page_items(const struct session *, size_t *out,
		    size_t max);
/* Validate the page and move on; -1 with *msg (translated) if invalid. */
int		 session_next(struct session *, char **msg);
void		 session_back(struct session *);
/*
 * Is item the "add another?" page of a repeat the resident sizes? Sets
 * *begin (if not NULL) to its begin_repeat item.
 */
int		 session_repeat_prompt(const struct session *, size_t item,
		    size_t *begin);
/* Answer that page: add an instance (and go to it) or go on. */
int		 session_repeat(struct session *, int add, char **msg);
/*
 * Is the current page inside one instance of a repeat the resident sizes
 * (the innermost such, when repeats nest)? Sets *begin (if not NULL) to
 * its begin_repeat item and *inst to its number. session_repeat_remove takes that instance out (answers wiped,
 * later instances move down) and goes to the page after it.
 */
int		 session_in_instance(const struct session *, size_t *begin,
		    int *inst);
int		 session_repeat_remove(struct session *);
/*
 * Where the current page stands inside repeats, one level each, outermost
 * first: "Household member 2" (the repeat's label in the resident's
 * language, the instance number in session_digit_zero()'s digits). A
 * ${name} in the label is shown as "…", never filled in, so the line
 * names no answer. Returns the number of levels put in out (at most max;
 * 0 outside repeats or off a PAGE); each is allocated, free with free().
 */
size_t		 session_where(const struct session *, char **out,
		    size_t max);
/* Page number and total (relevant pages), for "3 of 8". */
void		 session_progress(const struct session *, int *n, int *total);
/* REVIEW: the relevant answered items, in order. Caller frees *out. */
size_t		 session_review_items(const struct session *, size_t **out);
void		 session_edit(struct session *, size_t item);

/* Seal, commit, then make the ticket; -1 with *msg (translated). */
int		 session_submit(struct session *, char **msg);
/*
 * TICKET: the resident's checklist, the documents they said they have
 * (chosen options of store=no lists such as the Municipal ID's papers,
 * "none" left out), as labels in the current language; at most max.
 * Kept in memory only until the session is wiped, never stored.
 */
size_t		 session_checklist(const struct session *, const char **out,
		    size_t max);
/*
 * TICKET: the notes marked ticket=yes that the resident was shown (such
 * as the Municipal ID's "pick up your card at the office"), as their
 * labels in the current language, ${...} never filled in; at most max.
 */
size_t		 session_ticket_notes(const struct session *, const char **out,
		    size_t max);
/*
 * The office's name, address and hours in the resident's language, where
 * the config gives them (config_office); each may be NULL.
 */
void		 session_office(const struct session *, const char **name,
		    const char **address, const char **hours);
/* TICKET: the service's next steps in the current language, or NULL. */
const char	*session_next_steps(const struct session *);
/* Follow the print job; call from the UI loop while TICKET_PRINTING. */
void		 session_poll_ticket(struct session *);
/* Resident is done: wipe and return to LANG. */
void		 session_finish(struct session *);
/* Wipe everything now (idle timeout, quick exit). */
void		 session_wipe(struct session *);
/* Is there anything of the resident's to lose (for the idle warning)? */
int		 session_active(const struct session *);

/*
 * A volunteer joins the visit: 0 if number and PIN match (the visit is
 * marked assisted, and the number goes into the seal), -1 if not or if
 * PINs are locked.
 */
int		 session_volunteer(struct session *, int number,
		    const char *pin);
/*
 * The staff PIN: 0 if right, and then every visit in progress is wiped
 * (nothing of a resident's may be open behind the staff menu); -1 if
 * wrong, locked, or no staff PIN is set (that does not count as wrong).
 */
int		 session_staff_pin(struct session *, const char *pin);
/* Seconds until PINs are checked again, or 0 if they are now. */
long		 session_pin_wait(const struct session *);

/*
 * Staff: export to dir: 0 exported and read back (*msg says how many, and
 * any submission found damaged on this kiosk's disk), -1 failed and
 * nothing marked as exported (*msg), 1 the kiosk key is sealed: call
 * session_export_pass with its passphrase. That returns 2 (and *msg) if
 * the key did not open, else what session_export returns; the key is
 * sealed again afterwards. *msg is allocated and translated.
 */
int		 session_export(struct session *, const char *dir, char **msg);
int		 session_export_pass(struct session *, const char *dir,
		    const char *pass, char **msg);
/*
 * Staff: the USB sticks to export to and read acknowledgements from (the
 * mounts below the config's usb_roots, stick_find). In a demo, the demo
 * folder (made if missing), never a real stick. Returns how many; *out
 * is an allocated array of allocated paths, the caller's to free.
 */
int		 session_sticks(const struct session *, char ***out);
/* Staff: apply the office's acknowledgement file (outbox_apply_ack). */
int		 session_ack(struct session *, const char *path, long *deleted,
		    char **cause);
/* Staff: submissions waiting for the office (-1 if unknown, logged). */
long		 session_waiting(struct session *);
/* Staff: the kiosk's identity (its signing key's fingerprint). */
const char	*session_fingerprint(const struct session *);

/*
 * Secure memory (vault: guard pages, never swapped) for what is typed
 * before it reaches the session: the ui's text field, a PIN, the export
 * passphrase. session_secret_free wipes first; NULL is fine.
 */
void		*session_secret_alloc(size_t);
void		 session_secret_free(void *);
void		 session_secret_wipe(void *, size_t);

/*
 * Staff: print a sample ticket (no claim code of anyone's) to the
 * configured printer and follow it to the end. Returns 0 if it printed;
 * *msg (allocated, translated) says what happened either way.
 */
int		 session_test_print(struct session *, char **msg);

/*
 * An information-only form (know your rights): print its pages, in the
 * current language, as a take-away sheet through the ticket's printer
 * path. No answer, code or date is on it. 0 if it printed (or was saved,
 * demo); *msg (allocated, translated) says what happened either way.
 */
int		 session_print_sheet(struct session *, char **msg);

/* Staff: the printer's state and reasons, as one translated line. */
void		 session_printer_status(struct session *, char **msg);

/* Translated generic messages for form_state_check. */
const struct form_msgs *session_msgs(void);

#endif
