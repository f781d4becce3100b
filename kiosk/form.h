/*
 * form: XLSForm definitions (CSV and Markdown layouts) and the answers of
 * one session held against them.
 *
 * A struct form is immutable after form_load() and owns every string in it.
 * A struct form_state holds one resident's answers; its values live in
 * secure memory from vault (guard pages, mlock) and form_state_free() wipes
 * them. Every temporary string the engine makes from an answer (expression
 * results, interpolated labels) is wiped before it is freed.
 *
 * This module never prints and never exits; errors come back as -1 and an
 * English message naming file, sheet, row and column.
 *
 * Items. The session walks a flat list of items. Outside repeats an item is
 * one survey row. A begin_repeat row expands to its instances: each instance
 * repeats the rows inside it, with the instance number (1-based) in
 * item->instance. The begin_repeat and end_repeat rows are items of
 * their own (instance 0) around the instances; a repeat without
 * repeat_count starts with one instance, one with repeat_count follows its
 * value (0 to FORM_REPEAT_MAX). The item list is rebuilt when an instance is added or
 * removed, so item indices are only valid until the next
 * form_state_repeat_add()/form_state_repeat_remove().
 *
 * Repeats nest (household -> member -> job), at most FORM_REPEAT_DEPTH
 * deep. An item inside repeats has one instance number per enclosing
 * repeat, outermost first, in item->path (item->instance is the last);
 * each outer instance has its own inner instances (a begin_repeat item
 * inside an instance has that instance's path, and its own count).
 */
#ifndef KIOSK_FORM_H
#define KIOSK_FORM_H

#include <stddef.h>

#include "qtype.h"

struct buf;

/*
 * A translatable text: one string per language of the form (indexed like
 * form->langs) plus the untranslated column ("label" without ::lang).
 * form_text() picks the language, then falls back to the untranslated
 * text, then to the first language that has one. Never NULL: "" if none.
 */
struct form_text {
	char	 *plain;
	char	**by_lang;	/* form->nlangs entries, each may be NULL */
};

struct form_choice {
	char		 *name;
	struct form_text  label;
	struct form_text  spoken;	/* kiosk: label as read aloud (by_lang may be NULL) */
	char		**extra;	/* other columns, for choice_filter */
	char		**extra_names;
	size_t		  nextra;
	int		  added_other;	/* the "Other" that or_other adds */
};

struct form_list {
	char			*name;	/* as written; form_list_name() */
	struct form_choice	*choices;
	size_t			 nchoices;
};

struct form_question {
	enum form_type		 type;
	char			*name;
	struct form_text	 label;
	struct form_text	 hint;
	struct form_text	 spoken;	/* kiosk: label as read aloud, or "" */
	struct form_text	 spoken_hint;	/* kiosk: hint as read aloud, or "" */
	struct form_text	 required_message;
	struct form_text	 constraint_message;
	char			*required;	/* "yes"/"true()" or an expression, or NULL */
	char			*constraint;	/* expression or NULL */
	char			*relevant;	/* expression or NULL */
	char			*calculation;	/* expression or NULL */
	char			*trigger;	/* "${x}": calculation only when x changes, or NULL */
	char			*default_value;
	char			*read_only;
	char			*choice_filter;
	char			*appearance;	/* raw, e.g. "field-list", "multiline" */
	char			*repeat_count;	/* begin_repeat: expression or number */
	char			*reviewed;	/* "reviewed": YYYY-MM-DD the legal text was checked, or NULL */
	const struct form_list	*list;		/* select_* only */
	int			 or_other;
	int			 specify_other;	/* the text question or_other adds */
	int			 no_store;	/* store=no: used on screen, never submitted */
	int			 on_ticket;	/* ticket=yes: a note shown at submit goes on the ticket too */
	int			 row;		/* 1-based row in the survey sheet */
	int			 parent;	/* index of enclosing begin_*, or -1 */
	void			*priv;		/* engine data (compiled expressions) */
};

struct form_lang {
	char	*name;		/* as written in the header: "Español" or "Spanish" */
	char	*code;		/* "es", or "" when the header had no (code) */
};

struct form {
	char			*path;
	char			*id;		/* settings form_id, or file stem */
	char			*version;	/* settings version, or "" */
	struct form_text	 title;		/* settings form_title */
	struct form_text	 next_steps;	/* settings next_steps (ticket) */
	int			 ticket_shows_title; /* settings ticket_show_service=yes */
	int			 info_only;	/* settings info_only=yes: pages to read, no submission */
	int			 order;		/* settings menu_order (service screen), default 100 */
	struct form_text	 voice;		/* settings voice::Lang: an espeak-ng voice (by_lang may be NULL) */
	struct form_lang	*langs;
	size_t			 nlangs;
	struct form_question	*questions;
	size_t			 nquestions;
	struct form_list	*lists;
	size_t			 nlists;
	void			*priv;
};

/* Loading. Returns NULL and sets *cause ("FILE: sheet S, row R, column C: ..."). */
struct form	*form_load(const char *path, char **cause);
/* Load from memory (fuzzing, tests). name is used in messages. */
struct form	*form_load_mem(const char *name, const char *data, size_t len,
		    char **cause);
void		 form_free(struct form *);

/*
 * Check a form for every problem, not just the first. Each problem is
 * appended to *problems as one line ending in '\n'. Returns the number
 * of problems (0 when the form is valid). A problem that means "not
 * supported at a kiosk" contains the words "not supported".
 */
int		 form_check(const char *path, struct buf *problems);
/* The same for a form in memory (fuzzing, tests). */
int		 form_check_mem(const char *name, const char *data, size_t len,
		    struct buf *problems);
/*
 * The raw sheets of a form file as JSON, as pyxform reads them (for
 * comparing with pyxform's own parse): {"sheet_names": [...], "survey":
 * [{header: cell, ...}], "survey_header": [{header: null}], ...}.
 */
int		 form_dump(const char *path, struct buf *out, char **cause);

/* Most instances of one repeat (in one instance of the repeats around it). */
#define FORM_REPEAT_MAX	50
/* Most repeats around one another (a repeat in a repeat in a repeat). */
#define FORM_REPEAT_DEPTH 3
/*
 * Most instances of all repeats of one session together: 50 members with
 * 50 jobs each fit (2,550).
 */
#define FORM_INSTANCES_MAX 3000
/* The longest form_id and version a form may have: the office refuses a
 * record whose id or version is longer, or holds control characters (see
 * OFFICE_FORM_ID_MAX in office.h), so forms check refuses the form first. */
#define FORM_ID_MAX	255
#define FORM_VERSION_MAX 64

/*
 * Does the question give submission columns (see form_state_columns)?
 * The office's output derives a form version's layout from this.
 */
int		 form_question_stored(const struct form_question *);
/*
 * Its submission column (without "[N]" or "/choice"): its name, or the
 * group path of a name used in several groups; NULL if it gives none.
 */
const char	*form_question_column(const struct form_question *);
/* The repeat around it (the innermost begin_repeat), or NULL. */
const struct form_question *form_question_repeat(const struct form *,
		    const struct form_question *);
/* A list's name as the form writes it (select_one_external's too). */
const char	*form_list_name(const struct form_list *);

/*
 * A phone number as kept (the digits of a text question with appearance
 * "numbers", see form_state_set), formatted to show the resident: ten
 * digits as (973) 555-0123, with a leading 1 or +1 before; anything else
 * as it is.
 */
void		 form_numbers_display(const char *, struct buf *);
/* Is it a text question with appearance "numbers" (a phone number)? */
int		 form_numbers(const struct form_question *);

/*
 * The espeak-ng voice the form names for a language (settings sheet
 * voice::Language (code)), or NULL: only that very language, no fallback.
 * [audio] voice.CODE in the config wins over it (ui-listen.c).
 */
const char	*form_voice(const struct form *, const char *lang_code);

/* Index of a language by code ("es") or -1. */
int		 form_lang_index(const struct form *, const char *code);
const char	*form_text(const struct form *, const struct form_text *,
		    const char *lang_code);
const struct form_question *form_question_by_name(const struct form *,
		    const char *);
/*
 * The question of a submission column (without "[N]"): its name, or, for
 * a name used in several groups, its path "group/name" (one outside any
 * group keeps the plain name); NULL if none. form_name_ambiguous(): is
 * the name used by more than one question?
 */
const struct form_question *form_question_by_column(const struct form *,
		    const char *);
int		 form_name_ambiguous(const struct form *, const char *);

/* ---- one session's answers ---- */

struct form_item {
	const struct form_question	*q;
	int				 qindex;	/* into form->questions */
	int				 instance;	/* repeat instance, 0 outside */
	int				 depth;		/* repeats around it */
	/* The instance of each repeat around it, outermost first. */
	int				 path[FORM_REPEAT_DEPTH];
};

struct form_state	*form_state_new(const struct form *);
void			 form_state_free(struct form_state *);	/* wipes */
/* Fix the clock for today(), now() and start/end (tests); 0: real time. */
void			 form_state_set_now(struct form_state *, long);
/*
 * Values of the deviceid (the kiosk's name) and username (the assisting
 * volunteer's number, or "") metadata; NULL leaves one as it is.
 */
void			 form_state_set_meta(struct form_state *,
			    const char *deviceid, const char *username);
/*
 * The resident's language, for jr:choice-name() (form_state_label, _hint
 * and _check also set it); calculations that use it are re-run.
 */
void			 form_state_set_lang(struct form_state *, const char *);
/*
 * How a ${name} in a label or hint is shown: fn(value, arg) returns a new
 * string the caller wipes (the session writes digits in the resident's
 * script). NULL: as stored. Values kept and calculated are never changed.
 */
void			 form_state_set_shown(struct form_state *,
			    char *(*fn)(const char *, void *), void *arg);

size_t			 form_state_nitems(const struct form_state *);
const struct form_item	*form_state_item(const struct form_state *, size_t);

/* Is the item relevant (its own and every enclosing group's relevant)? */
int			 form_state_relevant(struct form_state *, size_t);
/* Current value; "" when unanswered. Valid until the next set. */
const char		*form_state_value(struct form_state *, size_t);
/*
 * Set a value (select_multiple: choice names separated by one space).
 * Re-runs calculations that depend on it. -1 if the value does not fit
 * the answer store (*cause set). When a begin_repeat has a repeat_count
 * that depends on this answer, its instances follow the new count, and
 * item indices after it change as with form_state_repeat_add().
 */
int			 form_state_set(struct form_state *, size_t,
			    const char *, char **cause);
/*
 * Did a change of another answer clear this one, because its choices no
 * longer pass its choice_filter (as Collect does)? Then the resident must
 * be asked it again. Cleared by the next form_state_set() of the item.
 */
int			 form_state_stale(struct form_state *, size_t);
/* The resident was shown the item again (Next on its page): not stale. */
void			 form_state_asked(struct form_state *, size_t);
/*
 * Validate one item as on Enter: required (a required note blocks, as in
 * ODK), type (integer, decimal, date YYYY-MM-DD, time HH:MM), for a select
 * that every choice is in its list and passes its choice_filter, then
 * the constraint. Returns 0 if fine; otherwise -1 and
 * *msg is the message in lang (the form's required_message or
 * constraint_message in that language, else a generic message taken from
 * the caller-supplied msgs). Messages are allocated; caller frees.
 */
struct form_msgs {
	/*
	 * The generic messages by qtype_msg, in the reader's words (see
	 * qtype_message). [QM_NOTE] NULL: a required note says
	 * [QM_REQUIRED]; [QM_NONE] is never shown.
	 */
	const char	*text[QM_NMSGS];
	/*
	 * The zero of the digits numbers put into a text are written in
	 * (U+0660 for ٠١٢...; i18n_digit_zero), or 0 for 0-9.
	 */
	unsigned int	 zero;
};
int			 form_state_check(struct form_state *, size_t,
			    const char *lang, const struct form_msgs *,
			    char **msg);
/* Check every relevant item; index of the first failing or -1. */
long			 form_state_check_all(struct form_state *,
			    const char *lang, const struct form_msgs *,
			    char **msg);
/*
 * Label or hint with ${name} references replaced by current values.
 * Allocated; the caller frees it with freezero_str().
 */
char			*form_state_label(struct form_state *, size_t,
			    const char *lang);
char			*form_state_hint(struct form_state *, size_t,
			    const char *lang);
/* Choices of a select item after choice_filter; returns count, fills idx. */
size_t			 form_state_choices(struct form_state *, size_t,
			    const struct form_choice ***out);
/* Repeats: add or remove the last instance of the begin_repeat at item. */
int			 form_state_repeat_add(struct form_state *, size_t);
int			 form_state_repeat_remove(struct form_state *, size_t);
/*
 * Remove the instance the item (inside a repeat without repeat_count) is
 * in; later instances move down one. Item indices change.
 */
int			 form_state_repeat_remove_instance(struct form_state *,
			    size_t);
/* All instances of the repeat (in every instance of the repeats around it). */
int			 form_state_repeat_count(struct form_state *, int qindex);
/*
 * The begin_repeat item of a begin_repeat or end_repeat item, or of the
 * innermost repeat instance the item is in; -1 if none.
 */
long			 form_state_repeat_begin(struct form_state *, size_t);
/* Instances of the begin_repeat item's repeat (in its outer instance). */
int			 form_state_instances(struct form_state *, size_t begin);
/* May the resident add one to the begin_repeat item (limits)? */
int			 form_state_repeat_can_add(struct form_state *, size_t);
/*
 * The instance that form_state_repeat_remove_instance() would take out
 * for item i: the innermost one the resident sizes (no repeat_count).
 * Its begin_repeat item, its number, and its items [first, first + n).
 * 0, or -1 when there is none.
 */
int			 form_state_removable(struct form_state *, size_t i,
			    size_t *begin, int *inst, size_t *first, size_t *n);
/*
 * The item of question qindex in the instances path[0..depth) of the
 * repeats around it (depth 0 outside repeats); -1 if there is none.
 */
long			 form_state_find(struct form_state *, int qindex,
			    const int *path, int depth);

/*
 * The submission: call fn once per output column, in form order, with
 * the column name, the value, and whether it is relevant. Groups and
 * notes produce no column; select_multiple produces its own column
 * (space-separated names) then one column "name/choice" with "0"/"1" per
 * choice; repeats produce "name[instance]" columns, one [instance] per
 * repeat around it, outermost first ("title[2][1]": job 1 of member 2).
 * A name used in more
 * than one group (pyxform allows it) is written as its path of groups,
 * "group/name", so that columns never collide. Metadata types
 * (start, end, today: a date, never a time of day; deviceid, username and
 * the always-empty ones) produce their value. Values of non-relevant
 * questions are passed as "" with relevant=0.
 */
typedef void (*form_column_fn)(void *arg, const char *column,
		    const char *value, int relevant);
void			 form_state_columns(struct form_state *,
			    form_column_fn, void *arg);

#endif
