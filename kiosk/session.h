/*
 * session: one resident's visit, independent of the screen.
 *
 * States, and the function that moves between them:
 *
 *   LANG --session_pick_lang--> SERVICE --session_pick_service--> PAGE ...
 *    ^                            |  (info_only form) --> PAGE ... --> SERVICE
 *    |                            v
 *    |   PAGE --session_next--> PAGE --session_next--> REVIEW
 *    |     ^---session_back------'        session_edit <--'   |
 *    |                                                session_submit
 *    |                                                         v
 *    +----------------session_finish---------------------- TICKET
 *    +----------------session_wipe (idle, quick exit) ---- any state
 *
 * A page is one question, or a whole field-list group. The session owns
 * the resident's answers (form_state, in secure memory) and the claim
 * code (secure memory), and wipes both on session_wipe/session_finish.
 * The answers are sealed and committed (outbox) before TICKET is reached;
 * if that fails the session stays on REVIEW with every answer kept.
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
struct form_state;
struct outbox;

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

struct session {
	const struct config	*cfg;
	struct outbox		*outbox;
	struct form		**forms;	/* valid forms, in menu order */
	size_t			 nforms;

	enum session_screen	 screen;
	char			 lang[16];	/* current language code */
	struct form		*form;		/* chosen service */
	struct form_state	*state;
	size_t			 page;		/* first item of the page */
	size_t			*history;	/* pages visited, for Back */
	size_t			 nhistory;
	int			 editing;	/* came from REVIEW to change one */
	int			 assisted_by;	/* volunteer number or 0 */

	char			*claim;		/* secure memory, or NULL */
	enum session_ticket	 ticket;
	int			 job_id;
	time_t			 deadline;
	char			*ticket_path;	/* saved PDF (demo), or NULL */
	char			*ticket_why;	/* why printing failed (English, for the log) */
};

struct session	*session_new(const struct config *, struct outbox *,
		    char **cause);
void		 session_free(struct session *);

/* Load every form in forms_dir; bad forms are logged and left out. */
void		 session_load_forms(struct session *);

void		 session_pick_lang(struct session *, const char *code);
/* Switch language mid-session; answers are kept (stored as choice names). */
void		 session_set_lang(struct session *, const char *code);
int		 session_pick_service(struct session *, size_t);

/* Items on the current page (indices into the form_state item list). */
size_t		 session_page_items(struct session *, size_t *out, size_t max);
/* Validate the page and move on; -1 with *msg (translated) if invalid. */
int		 session_next(struct session *, char **msg);
void		 session_back(struct session *);
/*
 * Is item the "add another?" page of a repeat the resident sizes? Sets
 * *begin (if not NULL) to its begin_repeat item.
 */
int		 session_repeat_prompt(struct session *, size_t item,
		    size_t *begin);
/* Answer that page: add an instance (and go to it) or go on. */
int		 session_repeat(struct session *, int add, char **msg);
/*
 * Is the current page inside one instance of a repeat the resident sizes?
 * Sets *begin (if not NULL) to its begin_repeat item and *inst to its
 * number. session_repeat_remove takes that instance out (answers wiped,
 * later instances move down) and goes to the page after it.
 */
int		 session_in_instance(struct session *, size_t *begin,
		    int *inst);
int		 session_repeat_remove(struct session *);
/* Page number and total (relevant pages), for "3 of 8". */
void		 session_progress(struct session *, int *n, int *total);
/* REVIEW: the relevant answered items, in order. Caller frees *out. */
size_t		 session_review_items(struct session *, size_t **out);
void		 session_edit(struct session *, size_t item);

/* Seal, commit, then make the ticket; -1 with *msg (translated). */
int		 session_submit(struct session *, char **msg);
/*
 * TICKET: the resident's checklist, the documents they said they have
 * (chosen options of store=no lists such as the Municipal ID's papers,
 * "none" left out), as labels in the current language; at most max.
 * Kept in memory only until the session is wiped, never stored.
 */
size_t		 session_checklist(struct session *, const char **out,
		    size_t max);
/*
 * TICKET: the notes marked ticket=yes that the resident was shown (such
 * as the Municipal ID's "pick up your card at the office"), as their
 * labels in the current language, ${...} never filled in; at most max.
 */
size_t		 session_ticket_notes(struct session *, const char **out,
		    size_t max);
/*
 * The office's name, address and hours in the resident's language, where
 * the config gives them (config_office); each may be NULL.
 */
void		 session_office(struct session *, const char **name,
		    const char **address, const char **hours);
/* TICKET: the service's next steps in the current language, or NULL. */
const char	*session_next_steps(struct session *);
/* Follow the print job; call from the UI loop while TICKET_PRINTING. */
void		 session_poll_ticket(struct session *);
/* Resident is done: wipe and return to LANG. */
void		 session_finish(struct session *);
/* Wipe everything now (idle timeout, quick exit). */
void		 session_wipe(struct session *);
/* Is there anything of the resident's to lose (for the idle warning)? */
int		 session_active(const struct session *);

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
