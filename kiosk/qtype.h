/*
 * qtype: the question types a kiosk offers, one table row each (as tmux
 * declares its commands in cmd_entry and its modes in window_mode).
 *
 * A row says everything the rest of the kiosk needs to know about a type:
 * how XLSForm spells it, who gives its value, the widget the screen draws
 * (and read-aloud reads), how its answer is checked and with which
 * message (both texts of each message are here too), whether the
 * resident sees it, whether it makes a submission column, its codebook
 * word and its cell in an office spreadsheet. form, form-state, session,
 * ui, ui-listen, output, report and `kiosk forms fill` read the row and
 * never list types of their own: they switch on its widget, input or
 * cell. Adding a type is one row here plus its validator; only a new
 * widget or input kind touches the ui. A type without a row is a load
 * error (form.c), never a hidden question.
 *
 * Below form in the dependency order: this module knows no form, no
 * answer and no screen; it never prints and never exits.
 */
#ifndef KIOSK_QTYPE_H
#define KIOSK_QTYPE_H

enum form_type {
	FT_TEXT,
	FT_INTEGER,
	FT_DECIMAL,
	FT_DATE,
	FT_TIME,
	FT_SELECT_ONE,
	FT_SELECT_MULTIPLE,
	FT_NOTE,
	FT_ACKNOWLEDGE,
	FT_CALCULATE,
	FT_HIDDEN,
	FT_BEGIN_GROUP,
	FT_END_GROUP,
	FT_BEGIN_REPEAT,
	FT_END_REPEAT,
	FT_START,
	FT_END,
	FT_TODAY,
	/*
	 * Metadata, never shown: deviceid is the kiosk's name, username the
	 * assisting volunteer's number (form_state_set_meta); FT_META_EMPTY
	 * (phonenumber, email, simserial, subscriberid, audit,
	 * start-geopoint...) is accepted and always empty.
	 */
	FT_DEVICEID,
	FT_USERNAME,
	FT_META_EMPTY
};
/* How many values enum form_type has (not a type itself). */
#define FT_NTYPES	(FT_META_EMPTY + 1)

/* Who gives the value. */
enum qtype_input {
	QI_NONE,	/* nobody: computed, metadata, a group or repeat */
	QI_TYPED,	/* the resident types it */
	QI_CHOICE,	/* the resident picks from its list (checked against it) */
	QI_CONFIRM,	/* the resident confirms ("OK") */
	QI_READ,	/* the resident reads it (a note: only ever required) */
	QI_OUTSIDE	/* set from outside the screen (hidden: its default,
			   or `forms fill`) */
};

/* What the question screen draws under the label and hint. */
enum qtype_widget {
	QW_NONE,	/* not drawn (never on a page) */
	QW_TEXT,	/* the label only */
	QW_FIELD,	/* a line (or 3 with appearance "multiline") to type in */
	QW_ONE,		/* a list, one choice */
	QW_MANY,	/* a list, any number of choices */
	QW_CONFIRM,	/* one box: "Yes, I understand" */
	/*
	 * "Add another?", yes or no: the end of a repeat the resident sizes
	 * (no repeat_count). On a page only when session_repeat_prompt()
	 * says so; never a question of its own.
	 */
	QW_ANOTHER
};

/*
 * How an office spreadsheet (xlsx) types the type's column: its value
 * as a number, a date, the labels of its choices, or text. A value that
 * is not of that shape (a decimal with a point, a date left empty) is
 * written as text.
 */
enum qtype_cell {
	QC_TEXT,
	QC_NUMBER,	/* a whole number as a number */
	QC_DATE,	/* YYYY-MM-DD as a date */
	QC_CHOICES	/* the choices' labels in the office's language */
};

/*
 * Which generic message a refusal shows. Each has two texts in qtype.c
 * (qtype_message): the resident's, a gettext msgid that session_msgs()
 * translates, and the staff's, in English, that `forms fill` prints; the
 * caller hands them to form-state in struct form_msgs, indexed by this
 * enum. A type that needs a new kind of message adds it here and its two
 * texts in qtype.c (and the msgid's translations in locales/).
 */
enum qtype_msg {
	QM_NONE,
	QM_REQUIRED,	/* an answer is missing */
	QM_NOTE,	/* a required note: the resident cannot go on */
	QM_INTEGER,
	QM_DECIMAL,
	QM_DATE,
	QM_TIME,
	QM_CONSTRAINT,
	/*
	 * A range question's number outside its bounds: texts with %1$s
	 * (start) and %2$s (end), and for QM_RANGE_STEP %3$s (the step),
	 * which form-state fills in (never printf: a translation's own
	 * %-sequences stay as written).
	 */
	QM_RANGE,
	QM_RANGE_STEP
};
/* How many values enum qtype_msg has (not a message itself). */
#define QM_NMSGS	(QM_RANGE_STEP + 1)

struct qtype {
	enum form_type		 type;
	const char		*name;		/* as pyxform writes it */
	/*
	 * Other spellings XLSForm accepts, separated by '|', or NULL.
	 * The selects are read by prefix (they carry a list name) in
	 * form.c's parse_type and have no spellings here.
	 */
	const char		*spellings;
	const char		*codebook;	/* the codebook's type column */
	enum qtype_input	 input;
	enum qtype_widget	 widget;
	/* The answer's shape (not its list or constraint); NULL: any. */
	int			(*valid)(const char *value);
	enum qtype_msg		 invalid;	/* shown when the check refuses */
	enum qtype_msg		 missing;	/* shown when required and empty */
	enum qtype_cell		 cell;		/* its xlsx cell */
	int			 shown;		/* on a page; needs a label */
	int			 column;	/* gives submission columns */
	int			 nest;		/* +1 opens a group or repeat, -1 closes */
};

/* The row of a type, or NULL when the table has none. */
const struct qtype	*qtype_of(enum form_type);
/* The row XLSForm's spelling (any case) names, or NULL (selects: NULL). */
const struct qtype	*qtype_find(const char *spelling);
/*
 * Is the value given by someone (the resident, or from outside for
 * hidden), so that `forms fill` may set it? 0 for a missing row.
 */
int			 qtype_settable(enum form_type);
/* Does the resident answer it on a page (not a note)? 0 for a missing row. */
int			 qtype_answered(enum form_type);
/*
 * The widget of a type (QW_NONE for a missing row). The ui, read-aloud
 * and the session's choices switch on the widget, never on the type, so
 * a new type that draws as an old widget touches none of them.
 */
enum qtype_widget	 qtype_widget(enum form_type);
/*
 * Does its answer also make a 0/1 column per choice ("name/choice"),
 * as ODK splits a select_multiple? So does any type of many choices
 * (QW_MANY).
 */
int			 qtype_choice_columns(enum form_type);
/* Does the widget take focus on a page (all but the label-only note)? */
int			 qtype_focus(enum qtype_widget);
/*
 * The texts of a generic message: for the resident (staff 0), the msgid
 * to pass through gettext; for staff (staff 1), English. NULL for QM_NONE.
 */
const char		*qtype_message(enum qtype_msg, int staff);

#endif
