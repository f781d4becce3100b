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

static const struct qtype qtypes[FT_NTYPES] = {
	[FT_TEXT] = { FT_TEXT, "text", "string", "text",
	    QI_TYPED, QW_FIELD, NULL, QM_NONE, QM_REQUIRED, ASKED },
	[FT_INTEGER] = { FT_INTEGER, "integer", "int", "integer",
	    QI_TYPED, QW_FIELD, valid_integer, QM_INTEGER, QM_REQUIRED, ASKED },
	[FT_DECIMAL] = { FT_DECIMAL, "decimal", NULL, "decimal",
	    QI_TYPED, QW_FIELD, valid_decimal, QM_DECIMAL, QM_REQUIRED, ASKED },
	[FT_DATE] = { FT_DATE, "date", NULL, "date",
	    QI_TYPED, QW_FIELD, valid_date, QM_DATE, QM_REQUIRED, ASKED },
	[FT_TIME] = { FT_TIME, "time", NULL, "time",
	    QI_TYPED, QW_FIELD, valid_time, QM_TIME, QM_REQUIRED, ASKED },
	[FT_SELECT_ONE] = { FT_SELECT_ONE, "select_one", NULL, "select_one",
	    QI_CHOICE, QW_ONE, NULL, QM_CONSTRAINT, QM_REQUIRED, ASKED },
	[FT_SELECT_MULTIPLE] = { FT_SELECT_MULTIPLE, "select_multiple", NULL,
	    "select_multiple",
	    QI_CHOICE, QW_MANY, NULL, QM_CONSTRAINT, QM_REQUIRED, ASKED },
	[FT_NOTE] = { FT_NOTE, "note", NULL, "other",
	    QI_READ, QW_TEXT, NULL, QM_NONE, QM_NOTE, 1, 0, 0 },
	[FT_ACKNOWLEDGE] = { FT_ACKNOWLEDGE, "acknowledge", "trigger",
	    "acknowledge",
	    QI_CONFIRM, QW_CONFIRM, NULL, QM_NONE, QM_REQUIRED, ASKED },
	[FT_CALCULATE] = { FT_CALCULATE, "calculate", NULL, "calculate",
	    QI_NONE, QW_NONE, NULL, QM_NONE, QM_NONE, KEPT },
	[FT_HIDDEN] = { FT_HIDDEN, "hidden", NULL, "hidden",
	    QI_OUTSIDE, QW_NONE, NULL, QM_NONE, QM_NONE, KEPT },
	[FT_BEGIN_GROUP] = { FT_BEGIN_GROUP, "begin_group", "begin group",
	    "other", QI_NONE, QW_NONE, NULL, QM_NONE, QM_NONE, FRAME, 1 },
	[FT_END_GROUP] = { FT_END_GROUP, "end_group", "end group",
	    "other", QI_NONE, QW_NONE, NULL, QM_NONE, QM_NONE, FRAME, -1 },
	[FT_BEGIN_REPEAT] = { FT_BEGIN_REPEAT, "begin_repeat", "begin repeat",
	    "other", QI_NONE, QW_NONE, NULL, QM_NONE, QM_NONE, FRAME, 1 },
	[FT_END_REPEAT] = { FT_END_REPEAT, "end_repeat", "end repeat",
	    "other", QI_NONE, QW_NONE, NULL, QM_NONE, QM_NONE, FRAME, -1 },
	[FT_START] = { FT_START, "start", NULL, "start",
	    QI_NONE, QW_NONE, NULL, QM_NONE, QM_NONE, KEPT },
	[FT_END] = { FT_END, "end", NULL, "end",
	    QI_NONE, QW_NONE, NULL, QM_NONE, QM_NONE, KEPT },
	[FT_TODAY] = { FT_TODAY, "today", NULL, "today",
	    QI_NONE, QW_NONE, NULL, QM_NONE, QM_NONE, KEPT },
	[FT_DEVICEID] = { FT_DEVICEID, "deviceid", "uri:deviceid|imei",
	    "other", QI_NONE, QW_NONE, NULL, QM_NONE, QM_NONE, KEPT },
	[FT_USERNAME] = { FT_USERNAME, "username", "uri:username", "other",
	    QI_NONE, QW_NONE, NULL, QM_NONE, QM_NONE, KEPT },
	/* Accepted, never filled (form.c warns so). */
	[FT_META_EMPTY] = { FT_META_EMPTY, "phonenumber", "phone number|"
	    "uri:phonenumber|email|uri:email|simserial|uri:simserial|"
	    "subscriberid|uri:subscriberid|audit|start-geopoint|end-geopoint",
	    "other", QI_NONE, QW_NONE, NULL, QM_NONE, QM_NONE, KEPT },
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

int
qtype_answered(enum form_type t)
{
	const struct qtype *qt = qtype_of(t);

	return qt != NULL && (qt->input == QI_TYPED || qt->input ==
	    QI_CHOICE || qt->input == QI_CONFIRM);
}
