/*
 * t_qtype: the question-type table. Every type has its row, and every
 * row's type loads, is checked, is shown (or not) and makes a column (or
 * not) as its row says, through the forms engine that reads the row;
 * and a visit through the session puts on its pages exactly the types
 * whose row says shown. The columns the ui, read-aloud, `forms fill`
 * and the office's outputs read (widget, cell, messages) are filled in
 * for every row, and the messages' resident texts are still the msgids
 * the catalogues in locales/ translate.
 * t_qtype_hole: a type without a row is a load error.
 */
#include <sys/stat.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "config.h"
#include "fixture.h"
#include "form.h"
#include "i18n.h"
#include "outbox.h"
#include "session.h"
#include "util.h"
#include "vault.h"

static const struct form_msgs msgs = { {
	[QM_REQUIRED] = "REQUIRED", [QM_INTEGER] = "INTEGER",
	[QM_DECIMAL] = "DECIMAL", [QM_DATE] = "DATE", [QM_TIME] = "TIME",
	[QM_CONSTRAINT] = "CONSTRAINT", [QM_NOTE] = "NOTE"
}, 0 };

/* What the generic message of a row is called in msgs. */
static const char *
msg_of(enum qtype_msg m)
{
	return msgs.text[m == QM_NONE ? QM_CONSTRAINT : m];
}

/* An answer of the right shape, and one of the wrong shape (or NULL). */
static void
samples(enum form_type t, const char **good, const char **bad)
{
	*bad = "not-this";
	switch (t) {
	case FT_INTEGER:	*good = "12"; break;
	case FT_DECIMAL:	*good = "2.5"; break;
	case FT_DATE:		*good = "2024-03-31"; break;
	case FT_TIME:		*good = "14:30"; break;
	case FT_SELECT_ONE:	*good = "yes"; break;
	case FT_SELECT_MULTIPLE: *good = "yes no"; break;
	case FT_ACKNOWLEDGE:	*good = "OK"; *bad = NULL; break;
	default:		*good = "anything"; *bad = NULL; break;
	}
}

/*
 * A form with one question "q" of the row's type (groups and repeats: a
 * begin "q" and its end), required, with or without a label.
 */
static char *
form_with(const struct qtype *qt, int labelled)
{
	const char *label = labelled ? "Q" : "";
	const char *type = qt->name, *calc = "";
	char *text;

	if (qt->type == FT_SELECT_ONE)
		type = "select_one yn";
	else if (qt->type == FT_SELECT_MULTIPLE)
		type = "select_multiple yn";
	else if (qt->type == FT_CALCULATE)
		calc = "1 + 1";
	if (qt->nest != 0) {
		const char *kind = qt->type == FT_BEGIN_GROUP ||
		    qt->type == FT_END_GROUP ? "group" : "repeat";
		xasprintf(&text, "survey,,,,,\n,type,name,label,required,"
		    "calculation\n,begin_%s,q,%s,,\n,text,inside,In,,\n"
		    ",end_%s,,,,\nchoices,,,\n,list_name,name,label\n"
		    ",yn,yes,Yes\n,yn,no,No\n", kind, label, kind);
	} else
		xasprintf(&text, "survey,,,,,\n,type,name,label,required,"
		    "calculation\n,%s,q,%s,yes,%s\nchoices,,,\n"
		    ",list_name,name,label\n,yn,yes,Yes\n,yn,no,No\n", type,
		    label, calc);
	return text;
}

static struct form *
load(const struct qtype *qt, int labelled, char **cause)
{
	char *text = form_with(qt, labelled);
	struct form *f;

	*cause = NULL;
	f = form_load_mem("qtype.csv", text, strlen(text), cause);
	free(text);
	return f;
}

/* The item of the question of the row's type. */
static long
find(struct form_state *st, enum form_type t)
{
	size_t i;

	for (i = 0; i < form_state_nitems(st); i++)
		if (form_state_item(st, i)->q->type == t)
			return (long)i;
	return -1;
}

static int got_column;

static void
column(void *arg, const char *c, const char *v, int rel)
{
	if (strcmp(c, "q") == 0)
		got_column = 1;
}

/* Check the item with value v (NULL: left empty); the message or "". */
static char *
check(struct form_state *st, size_t i, const char *v)
{
	char *cause = NULL, *msg = NULL;

	if (v != NULL && form_state_set(st, i, v, &cause) != 0) {
		free(cause);
		return xstrdup("(set failed)");
	}
	if (form_state_check(st, i, "en", &msgs, &msg) == 0)
		return xstrdup("");
	return msg;
}

static void
test_row(const struct qtype *qt)
{
	struct form *f;
	struct form_state *st;
	const char *good, *bad;
	char *cause, *m;
	long i;

	f = load(qt, 1, &cause);
	if (!ok(f != NULL, "%s: a form with it loads", qt->name)) {
		printf("# %s\n", cause);
		free(cause);
		return;
	}
	st = form_state_new(f);
	i = find(st, qt->type);
	ok(i >= 0 && qtype_of(form_state_item(st, (size_t)i)->q->type) == qt,
	    "%s: its question reads this row", qt->name);
	if (i < 0)
		goto out;
	/* Validates: required when shown, then the shape of the answer. */
	samples(qt->type, &good, &bad);
	m = check(st, (size_t)i, NULL);
	is_str(m, qt->shown ? msg_of(qt->missing) : "", "%s: empty and required: "
	    "%s", qt->name, qt->shown ? "refused" : "not checked");
	free(m);
	if (qtype_settable(qt->type)) {
		m = check(st, (size_t)i, good);
		is_str(m, "", "%s: \"%s\" passes", qt->name, good);
		free(m);
	}
	if (qt->shown && qt->input != QI_READ && bad != NULL) {
		m = check(st, (size_t)i, bad);
		is_str(m, msg_of(qt->invalid), "%s: \"%s\" is refused with "
		    "the row's message", qt->name, bad);
		free(m);
	}
	/* Makes a column as its row says. */
	got_column = 0;
	form_state_columns(st, column, NULL);
	is_int(got_column, qt->column, "%s: %s a submission column", qt->name,
	    qt->column ? "makes" : "makes no");
out:
	form_state_free(st);
	form_free(f);
	/* Shown: a question on the screen needs a label (as pyxform). */
	f = load(qt, 0, &cause);
	if (qt->shown)
		ok(f == NULL && cause != NULL && strstr(cause,
		    "has no label or hint") != NULL, "%s: shown, so it needs "
		    "a label", qt->name);
	else
		ok(f != NULL, "%s: not shown, so it needs no label", qt->name);
	form_free(f);
	free(cause);
}

/* Every spelling of the row finds it again. */
static void
test_spellings(const struct qtype *qt)
{
	char word[64];
	const char *p, *bar;
	size_t n;
	int all = qtype_find(qt->name) == qt;

	for (p = qt->spellings; p != NULL; p = bar != NULL ? bar + 1 : NULL) {
		bar = strchr(p, '|');
		n = bar != NULL ? (size_t)(bar - p) : strlen(p);
		snprintf(word, sizeof word, "%.*s", (int)n, p);
		if (qtype_find(word) != qt) {
			printf("# \"%s\" does not find its row\n", word);
			all = 0;
		}
	}
	ok(all, "%s: its name and spellings find its row", qt->name);
}

/* A kiosk whose one form has a question "tN" of every type N but groups. */
static struct config *
kiosk_with_every_type(void)
{
	const struct qtype *qt;
	struct buf b = { 0 };
	int t;

	vault_office_free(fixture_office());
	buf_adds(&b, "survey\n,type,name,label,calculation\n");
	for (t = 0; t < FT_NTYPES; t++) {
		if ((qt = qtype_of((enum form_type)t)) == NULL || qt->nest != 0)
			continue;
		buf_addf(&b, ",%s,t%d,Label %d,%s\n", qt->type ==
		    FT_SELECT_ONE ? "select_one yn" : qt->type ==
		    FT_SELECT_MULTIPLE ? "select_multiple yn" : qt->name, t, t,
		    qt->type == FT_CALCULATE ? "1 + 1" : "");
	}
	buf_adds(&b, "choices\n,list_name,name,label\n,yn,yes,Yes\n"
	    ",yn,no,No\nsettings\n,form_id,version\n,every,1\n");
	fixture_mkdir("forms");
	fixture_put("forms/every.csv", buf_cstr(&b));
	buf_free(&b);
	return fixture_kiosk("en", NULL);
}

/* Walk every page of the visit: which types were on a page. */
static void
test_pages(void)
{
	struct config *cfg;
	struct outbox *ob;
	struct session *s;
	const struct form_question *q;
	const struct qtype *qt;
	int seen[FT_NTYPES] = { 0 }, t, pages = 0, all = 1;
	size_t items[16], i, n;
	char *cause = NULL, *msg = NULL;

	fixture_dir("t_qtype");
	cfg = kiosk_with_every_type();
	if ((ob = outbox_open(cfg, &cause)) == NULL)
		fatal("outbox: %s", cause);
	s = session_new(cfg, ob, &cause);
	session_load_forms(s);
	session_pick_lang(s, "en");
	if (!ok(session_nforms(s) == 1 && session_pick_service(s, 0) == 0,
	    "the form with every type is offered and starts"))
		goto out;
	while (session_screen(s) == SESSION_PAGE && pages++ < FT_NTYPES) {
		n = session_page_items(s, items, nitems(items));
		for (i = 0; i < n; i++) {
			q = session_question(s, items[i]);
			seen[q->type] = 1;
		}
		if (session_next(s, &msg) != 0) {
			printf("# next: %s\n", msg ? msg : "");
			free(msg);
			break;
		}
	}
	for (t = 0; t < FT_NTYPES; t++) {
		if ((qt = qtype_of((enum form_type)t)) == NULL || qt->nest != 0)
			continue;
		if (seen[t] != qt->shown) {
			printf("# %s: %s\n", qt->name, seen[t] ? "on a page, "
			    "but its row says not shown" : "never on a page, "
			    "but its row says shown");
			all = 0;
		}
	}
	ok(all && session_screen(s) == SESSION_REVIEW, "a visit shows on its "
	    "pages exactly the types whose row says shown, then reviews");
out:
	session_free(s);
	outbox_close(ob);
	config_free(cfg);
	fixture_remove(NULL);
}

/*
 * The columns the ui, read-aloud, the office's outputs and `forms fill`
 * read instead of naming types: every row has them.
 */
static void
test_columns(const struct qtype *qt)
{
	ok(!qt->shown || qtype_widget(qt->type) != QW_NONE, "%s: %s",
	    qt->name, qt->shown ? "shown, so it has a widget" : "not shown");
	ok(qtype_focus(qt->widget) == (qt->input == QI_TYPED ||
	    qt->input == QI_CHOICE || qt->input == QI_CONFIRM ||
	    qt->widget == QW_ANOTHER), "%s: takes focus on a page exactly "
	    "when the resident answers it", qt->name);
	ok((qt->widget == QW_FIELD) == (qt->input == QI_TYPED), "%s: typed "
	    "into a field exactly when the resident types it", qt->name);
	ok((qt->widget == QW_ONE || qt->widget == QW_MANY) ==
	    (qt->input == QI_CHOICE), "%s: drawn as a list exactly when "
	    "picked from one", qt->name);
	ok(qt->cell <= QC_CHOICES && (qt->cell == QC_CHOICES) ==
	    (qt->input == QI_CHOICE) && (qt->cell != QC_NUMBER ||
	    qt->valid != NULL), "%s: its xlsx cell fits its answer",
	    qt->name);
	ok((!qt->shown || qt->missing != QM_NONE) &&
	    (qt->missing == QM_NONE || (qtype_message(qt->missing, 0) !=
	    NULL && qtype_message(qt->missing, 1) != NULL)) &&
	    (qt->invalid == QM_NONE || (qtype_message(qt->invalid, 0) !=
	    NULL && qtype_message(qt->invalid, 1) != NULL)),
	    "%s: its messages have a resident's and a staff's text",
	    qt->name);
}

/*
 * The messages' texts are the table's: session_msgs() translates the
 * resident's, and the catalogues still know them (a msgid reworded in
 * qtype.c would come back untranslated).
 */
static void
test_messages(void)
{
	const struct form_msgs *m;
	const char *id;
	int i, same = 1, translated = 1;

	ok(qtype_message(QM_NONE, 0) == NULL && qtype_message(QM_NONE, 1) ==
	    NULL, "QM_NONE has no text (gettext(\"\") is the catalogue's "
	    "header)");
	setlocale(LC_ALL, "");
	i18n_init("build/locale");
	i18n_set("es");
	m = session_msgs();
	for (i = QM_NONE + 1; i < QM_NMSGS; i++) {
		id = qtype_message((enum qtype_msg)i, 0);
		if (id == NULL || m->text[i] == NULL ||
		    strcmp(m->text[i], gettext(id)) != 0)
			same = 0;
		if (id != NULL && m->text[i] != NULL &&
		    strcmp(m->text[i], id) == 0) {
			printf("# not in es.po: \"%s\"\n", id);
			translated = 0;
		}
		if (qtype_message((enum qtype_msg)i, 1) == NULL)
			same = 0;
	}
	ok(same, "session_msgs() is the table's resident texts, translated");
	ok(translated, "every resident text is a msgid the Spanish catalogue "
	    "translates");
	ok(m->text[QM_NONE] == NULL, "session_msgs(): no text for QM_NONE");
	i18n_set("en");
	m = session_msgs();
	is_str(m->text[QM_INTEGER], "Please enter a whole number, like 3.",
	    "in English the msgid itself");
	is_str(qtype_message(QM_INTEGER, 1), "Please enter a whole number.",
	    "staff's text for `forms fill`");
}

int
main(void)
{
	const struct qtype *qt;
	int t, every = 1;

	if (vault_init() != 0) {
		printf("Bail out! vault_init\n");
		return 1;
	}
	for (t = 0; t < FT_NTYPES; t++) {
		qt = qtype_of((enum form_type)t);
		if (qt == NULL || qt->type != (enum form_type)t) {
			printf("# type %d has no row of its own\n", t);
			every = 0;
		}
	}
	ok(every, "every value of enum form_type has its row in qtype.c");
	ok(qtype_of((enum form_type)FT_NTYPES) == NULL, "past the table: NULL");
	for (t = 0; t < FT_NTYPES; t++) {
		if ((qt = qtype_of((enum form_type)t)) == NULL)
			continue;
		if (qt->input != QI_CHOICE)
			test_spellings(qt);
		ok(!qtype_answered(qt->type) || (qt->shown && qt->widget !=
		    QW_NONE), "%s: answered on a page, so shown with a widget",
		    qt->name);
		test_row(qt);
		test_columns(qt);
	}
	test_messages();
	ok(qtype_find("select_one") == NULL && qtype_find("geopoint") == NULL,
	    "selects are read by prefix; unsupported types have no row");
	test_pages();
	return done_testing();
}
