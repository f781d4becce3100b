/*
 * qtype: the question-type table (see qtype.h). Each row is one type; each
 * validator checks the shape of one type's answer and nothing else (a
 * select's list, required and constraint are form-state's).
 *
 * What it must never do: hold or log an answer; print or exit.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "i18n.h"
#include "qtype.h"
#include "util.h"

/* A whole number, at most 18 digits (it must fit a 64-bit integer). */
static int
valid_integer(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '\0' || strlen(s) > 18)
		return 0;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int
valid_decimal(const char *s)
{
	double d;

	return expr_parse_number(s, &d) == 0;
}

/* YYYY-MM-DD, a real day. */
static int
valid_date(const char *s)
{
	int y, m, d;

	return strlen(s) == 10 && expr_parse_date(s, &y, &m, &d) == 0;
}

/* HH:MM or HH:MM:SS. */
static int
valid_time(const char *s)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return 0;
	if (atoi(s) > 23 || atoi(s + 3) > 59)
		return 0;
	if (s[5] == '\0')
		return 1;
	return s[5] == ':' && isdigit((unsigned char)s[6]) &&
	    isdigit((unsigned char)s[7]) && atoi(s + 6) <= 59 && s[8] == '\0';
}

/* Shorthands for the columns that most rows share. */
#define ASKED	1, 1, 0		/* shown, column, nest */
#define KEPT	0, 1, 0		/* not shown, a column */
#define FRAME	0, 0		/* not shown, no column; nest follows */
/* Nobody answers it, so it is never checked. */
#define UNCHECKED	NULL, QM_NONE, QM_NONE

static const struct qtype qtypes[FT_NTYPES] = {
	[FT_TEXT] = { FT_TEXT, "text", "string", "text", QI_TYPED, QW_FIELD,
	    NULL, QM_NONE, QM_REQUIRED, QC_TEXT, ASKED },
	[FT_INTEGER] = { FT_INTEGER, "integer", "int", "integer", QI_TYPED,
	    QW_FIELD, valid_integer, QM_INTEGER, QM_REQUIRED, QC_NUMBER,
	    ASKED },
	[FT_DECIMAL] = { FT_DECIMAL, "decimal", NULL, "decimal", QI_TYPED,
	    QW_FIELD, valid_decimal, QM_DECIMAL, QM_REQUIRED, QC_NUMBER,
	    ASKED },
	[FT_DATE] = { FT_DATE, "date", NULL, "date", QI_TYPED, QW_FIELD,
	    valid_date, QM_DATE, QM_REQUIRED, QC_DATE, ASKED },
	[FT_TIME] = { FT_TIME, "time", NULL, "time", QI_TYPED, QW_FIELD,
	    valid_time, QM_TIME, QM_REQUIRED, QC_TEXT, ASKED },
	[FT_SELECT_ONE] = { FT_SELECT_ONE, "select_one", NULL, "select_one",
	    QI_CHOICE, QW_ONE, NULL, QM_CONSTRAINT, QM_REQUIRED, QC_CHOICES,
	    ASKED },
	[FT_SELECT_MULTIPLE] = { FT_SELECT_MULTIPLE, "select_multiple", NULL,
	    "select_multiple", QI_CHOICE, QW_MANY, NULL, QM_CONSTRAINT,
	    QM_REQUIRED, QC_CHOICES, ASKED },
	[FT_NOTE] = { FT_NOTE, "note", NULL, "other", QI_READ, QW_TEXT,
	    NULL, QM_NONE, QM_NOTE, QC_TEXT, 1, 0, 0 },
	[FT_ACKNOWLEDGE] = { FT_ACKNOWLEDGE, "acknowledge", "trigger",
	    "acknowledge", QI_CONFIRM, QW_CONFIRM, NULL, QM_NONE, QM_REQUIRED,
	    QC_TEXT, ASKED },
	[FT_CALCULATE] = { FT_CALCULATE, "calculate", NULL, "calculate",
	    QI_NONE, QW_NONE, UNCHECKED, QC_TEXT, KEPT },
	[FT_HIDDEN] = { FT_HIDDEN, "hidden", NULL, "hidden", QI_OUTSIDE,
	    QW_NONE, UNCHECKED, QC_TEXT, KEPT },
	[FT_BEGIN_GROUP] = { FT_BEGIN_GROUP, "begin_group", "begin group",
	    "other", QI_NONE, QW_NONE, UNCHECKED, QC_TEXT, FRAME, 1 },
	[FT_END_GROUP] = { FT_END_GROUP, "end_group", "end group", "other",
	    QI_NONE, QW_NONE, UNCHECKED, QC_TEXT, FRAME, -1 },
	[FT_BEGIN_REPEAT] = { FT_BEGIN_REPEAT, "begin_repeat",
	    "begin repeat", "other", QI_NONE, QW_NONE, UNCHECKED, QC_TEXT,
	    FRAME, 1 },
	/* Not shown as a question; its "add another?" is (QW_ANOTHER). */
	[FT_END_REPEAT] = { FT_END_REPEAT, "end_repeat", "end repeat",
	    "other", QI_NONE, QW_ANOTHER, UNCHECKED, QC_TEXT, FRAME, -1 },
	[FT_START] = { FT_START, "start", NULL, "start", QI_NONE, QW_NONE,
	    UNCHECKED, QC_TEXT, KEPT },
	[FT_END] = { FT_END, "end", NULL, "end", QI_NONE, QW_NONE,
	    UNCHECKED, QC_TEXT, KEPT },
	[FT_TODAY] = { FT_TODAY, "today", NULL, "today", QI_NONE, QW_NONE,
	    UNCHECKED, QC_DATE, KEPT },
	[FT_DEVICEID] = { FT_DEVICEID, "deviceid", "uri:deviceid|imei",
	    "other", QI_NONE, QW_NONE, UNCHECKED, QC_TEXT, KEPT },
	[FT_USERNAME] = { FT_USERNAME, "username", "uri:username", "other",
	    QI_NONE, QW_NONE, UNCHECKED, QC_TEXT, KEPT },
	/* Accepted, never filled (form.c warns so). */
	[FT_META_EMPTY] = { FT_META_EMPTY, "phonenumber", "phone number|"
	    "uri:phonenumber|email|uri:email|simserial|uri:simserial|"
	    "subscriberid|uri:subscriberid|audit|start-geopoint|end-geopoint",
	    "other", QI_NONE, QW_NONE, UNCHECKED, QC_TEXT, KEPT },
};

/*
 * The generic messages' texts: the resident's (a gettext msgid; change
 * its words and every catalogue in locales/ loses it) and the staff's.
 */
static const struct {
	const char	*resident;
	const char	*staff;
} qmsgs[QM_NMSGS] = {
	[QM_REQUIRED] = { N_("This answer is required."),
	    "This answer is required." },
	/* A required note (a "you cannot go on" page) without a message. */
	[QM_NOTE] = { N_("You cannot go on from this page. Please ask a "
	    "staff member for help."),
	    "This note is required: the form cannot go on from here." },
	[QM_INTEGER] = { N_("Please enter a whole number, like 3."),
	    "Please enter a whole number." },
	[QM_DECIMAL] = { N_("Please enter a number, like 2.5."),
	    "Please enter a number." },
	[QM_DATE] = { N_("Please enter a date as year-month-day, like "
	    "2024-03-31."), "Please enter a date as YYYY-MM-DD." },
	[QM_TIME] = { N_("Please enter a time as hours:minutes, like 14:30."),
	    "Please enter a time as HH:MM." },
	[QM_CONSTRAINT] = { N_("This answer is not allowed. Please check "
	    "it."), "This answer is not allowed." },
	/* TRANSLATORS: a range question; %1$s and %2$s are its bounds. */
	[QM_RANGE] = { N_("Please enter a number from %1$s to %2$s."),
	    "Please enter a number from %1$s to %2$s." },
	/* TRANSLATORS: a range question; %1$s and %2$s are its bounds,
	   %3$s how far apart its numbers are (0, 2, 4... for 2). */
	[QM_RANGE_STEP] = { N_("Please enter a number from %1$s to %2$s, "
	    "in steps of %3$s."),
	    "Please enter a number from %1$s to %2$s, in steps of %3$s." },
};

const struct qtype *
qtype_of(enum form_type t)
{
	if ((unsigned)t >= nitems(qtypes) || qtypes[t].name == NULL)
		return NULL;
	return &qtypes[t];
}

/* Is word one of the '|'-separated spellings in list? */
static int
spelled(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p, *bar;

	for (p = list; p != NULL; p = bar != NULL ? bar + 1 : NULL) {
		bar = strchr(p, '|');
		if ((bar != NULL ? (size_t)(bar - p) : strlen(p)) == n &&
		    strncasecmp(p, word, n) == 0)
			return 1;
	}
	return 0;
}

const struct qtype *
qtype_find(const char *spelling)
{
	const struct qtype *qt;
	size_t i;

	for (i = 0; i < nitems(qtypes); i++) {
		qt = &qtypes[i];
		if (qt->name == NULL || qt->input == QI_CHOICE)
			continue;
		if (strcasecmp(qt->name, spelling) == 0 ||
		    (qt->spellings != NULL && spelled(qt->spellings, spelling)))
			return qt;
	}
	return NULL;
}

int
qtype_settable(enum form_type t)
{
	const struct qtype *qt = qtype_of(t);

	return qt != NULL && qt->input != QI_NONE && qt->input != QI_READ;
}

enum qtype_widget
qtype_widget(enum form_type t)
{
	const struct qtype *qt = qtype_of(t);

	return qt != NULL ? qt->widget : QW_NONE;
}

int
qtype_choice_columns(enum form_type t)
{
	return qtype_widget(t) == QW_MANY;
}

int
qtype_focus(enum qtype_widget w)
{
	return w != QW_NONE && w != QW_TEXT;
}

const char *
qtype_message(enum qtype_msg m, int staff)
{
	if ((unsigned)m >= nitems(qmsgs))
		return NULL;
	return staff ? qmsgs[m].staff : qmsgs[m].resident;
}

int
qtype_answered(enum form_type t)
{
	const struct qtype *qt = qtype_of(t);

	return qt != NULL && (qt->input == QI_TYPED || qt->input ==
	    QI_CHOICE || qt->input == QI_CONFIRM);
}
