/* t_form: the forms engine: loading, errors, and one session's answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "form.h"
#include "util.h"
#include "vault.h"

static const struct form_msgs msgs = { {
	[QM_REQUIRED] = "REQUIRED", [QM_INTEGER] = "INTEGER",
	[QM_DECIMAL] = "DECIMAL", [QM_DATE] = "DATE", [QM_TIME] = "TIME",
	[QM_CONSTRAINT] = "CONSTRAINT", [QM_NOTE] = NULL
}, 0 };
static const struct form_msgs msgs_note = { {
	[QM_REQUIRED] = "REQUIRED", [QM_INTEGER] = "INTEGER",
	[QM_DECIMAL] = "DECIMAL", [QM_DATE] = "DATE", [QM_TIME] = "TIME",
	[QM_CONSTRAINT] = "CONSTRAINT", [QM_NOTE] = "NOTE"
}, 0 };

static const struct form_msgs msgs_range = { {
	[QM_CONSTRAINT] = "CONSTRAINT", [QM_RANGE] = "from %1$s to %2$s",
	[QM_RANGE_STEP] = "from %1$s to %2$s by %3$s"
}, 0 };
static const struct form_msgs msgs_range_ar = { {
	[QM_CONSTRAINT] = "CONSTRAINT", [QM_RANGE] = "from %1$s to %2$s",
	[QM_RANGE_STEP] = "from %1$s to %2$s by %3$s"
}, 0x660 };

static struct form *
load(const char *name, const char *text)
{
	char *cause = NULL;
	struct form *f = form_load_mem(name, text, strlen(text), &cause);

	if (f == NULL)
		printf("# load %s: %s\n", name, cause);
	free(cause);
	return f;
}

static char *
load_error(const char *name, const char *text)
{
	char *cause = NULL;
	struct form *f = form_load_mem(name, text, strlen(text), &cause);

	form_free(f);
	return f == NULL ? cause : xstrdup("(loaded)");
}

static long
item(struct form_state *st, const char *name, int inst)
{
	size_t i;
	const struct form_item *it;

	for (i = 0; i < form_state_nitems(st); i++) {
		it = form_state_item(st, i);
		if (it->q->name != NULL && strcmp(it->q->name, name) == 0 &&
		    it->instance == inst && it->q->type != FT_END_GROUP &&
		    it->q->type != FT_END_REPEAT)
			return (long)i;
	}
	return -1;
}

static void
set(struct form_state *st, const char *name, const char *v)
{
	char *cause = NULL;
	long i = item(st, name, 0);

	if (i < 0 || form_state_set(st, (size_t)i, v, &cause) != 0)
		printf("# set %s failed\n", name);
	free(cause);
}

static const char *
get(struct form_state *st, const char *name)
{
	return form_state_value(st, (size_t)item(st, name, 0));
}

static const char *
get_at(struct form_state *st, const char *name, int inst)
{
	long i = item(st, name, inst);

	return i < 0 ? "(none)" : form_state_value(st, (size_t)i);
}

static struct buf cols;

static void
collect(void *arg, const char *c, const char *v, int rel)
{
	buf_addf(&cols, "%s=%s%s;", c, v, rel ? "" : "(nr)");
}

static const char *
columns(struct form_state *st)
{
	cols.len = 0;
	buf_adds(&cols, "");
	form_state_columns(st, collect, NULL);
	return buf_cstr(&cols);
}

static const char intake[] =
    "\xef\xbb\xbf" "SURVEY,,,,,,,\n"
    ",TYPE,Name,label::English (en),label::Español (es),required,"
    "constraint,constraint_message::English (en)\n"
    ",text,first,First name,Nombre,yes,,\n"
    ",integer,age,\"Hi ${first}, your age?\",\"Hola ${first}, ¿edad?\","
    "yes,\". >= 0 and . < 130\",Too old\n"
    ",date,dob,Born,Nacido,,,\n"
    ",select_one yn,kids,Kids?,¿Hijos?,yes,,\n"
    ",note,n1,\"Quoted, \"\"with\"\" comma\nand newline\",Nota,,,\n"
    "choices,,,,,,,\n"
    ",list_name,name,label::English (en),label::Español (es),,,\n"
    ",yn,yes,Yes,Sí,,,\n"
    ",yn,no,No,No,,,\n"
    "settings,,,,,,,\n"
    ",form_id,version,form_title::English (en),form_title::Español (es),"
    "next_steps::English (en),ticket_show_service,menu_order\n"
    ",intake,7,Intake,Admisión,Bring ID,yes,3\n";

static void
test_load(void)
{
	struct form *f;
	const struct form_question *q;

	f = load("intake.csv", intake);
	ok(f != NULL, "intake loads (BOM, upper-case sheet and headers)");
	if (f == NULL)
		return;
	is_str(f->id, "intake", "form_id");
	is_str(f->version, "7", "version");
	is_int(f->nlangs, 2, "two languages");
	is_str(f->langs[1].name, "Español", "language name");
	is_str(f->langs[1].code, "es", "language code");
	is_str(form_text(f, &f->title, "es"), "Admisión", "title in es");
	is_str(form_text(f, &f->title, "fr"), "Intake", "title falls back");
	is_str(form_text(f, &f->next_steps, "es"), "Bring ID",
	    "next steps fall back to the language that has them");
	ok(f->ticket_shows_title == 1 && f->order == 3 && f->info_only == 0,
	    "ticket_show_service, menu_order, info_only");
	q = form_question_by_name(f, "n1");
	ok(q != NULL && strcmp(form_text(f, &q->label, "en"),
	    "Quoted, \"with\" comma\nand newline") == 0,
	    "quoted CSV field with comma, quotes and newline");
	q = form_question_by_name(f, "kids");
	ok(q != NULL && q->type == FT_SELECT_ONE && q->list != NULL &&
	    q->list->nchoices == 2, "select_one has its list");
	ok(q != NULL && q->row == 6, "question row is the file row");
	is_int(form_lang_index(f, "es"), 1, "form_lang_index");
	form_free(f);

	f = load("legacy.csv", "survey\n,type,name,label:English,"
	    "label:French\n,text,a,A,Aa\n");
	ok(f != NULL && f->nlangs == 2 && strcmp(f->langs[1].name, "French")
	    == 0 && f->langs[1].code[0] == '\0' && strcmp(form_text(f,
	    &f->questions[0].label, "French"), "Aa") == 0,
	    "legacy label:Language");
	ok(f != NULL && strcmp(f->id, "legacy") == 0,
	    "form id defaults to the file stem");
	form_free(f);

	f = load("md.md", "| survey |\n| | type | name | label |\n"
	    "|---|---|---|---|\n| | text | a | A \\| B |\n"
	    "| | integer | b | B |\n");
	ok(f != NULL && f->nquestions == 2 && strcmp(form_text(f,
	    &f->questions[0].label, NULL), "A | B") == 0,
	    "markdown layout, escaped bar, separator line");
	form_free(f);
}

static void
error_has(const char *what, const char *text, const char *want)
{
	char *e = load_error("bad.csv", text);

	ok(strstr(e, want) != NULL, "%s: \"%s\"", what, e);
	free(e);
}

static void
test_errors(void)
{
	error_has("unknown type", "survey\n,type,name,label\n,txet,a,A\n",
	    "bad.csv: sheet survey, row 3, column type: unknown type \"txet\"");
	error_has("unsupported type", "survey\n,type,name,label\n"
	    ",geopoint,a,A\n", "not supported at a kiosk");
	error_has("missing list", "survey\n,type,name,label\n"
	    ",select_one nope,a,A\n", "no choice list named \"nope\"");
	error_has("unknown reference", "survey\n,type,name,label,relevant\n"
	    ",text,a,A,\n,text,b,B,${zz} = 1\n",
	    "row 4, column relevant: position 1: there is no question named "
	    "\"zz\"");
	error_has("syntax error position", "survey\n,type,name,label,"
	    "constraint\n,integer,a,A,. > 1 and\n",
	    "column constraint: position 10: the expression ends too early");
	error_has("duplicate names", "survey\n,type,name,label\n,text,a,A\n"
	    ",text,a,B\n", "row 4, column name: the name \"a\" is used twice");
	error_has("calculation cycle", "survey\n,type,name,calculation\n"
	    ",calculate,a,${b} + 1\n,calculate,b,${a} + 1\n",
	    "the calculations form a cycle");
	error_has("self cycle", "survey\n,type,name,calculation\n"
	    ",calculate,a,${a} + 1\n", "cycle");
	error_has("unclosed group", "survey\n,type,name,label\n"
	    ",begin_group,g,G\n,text,a,A\n", "never closed");
	error_has("end without begin", "survey\n,type,name,label\n"
	    ",text,a,A\n,end_group,,\n", "without a matching begin");
	error_has("store yes or no", "survey\n,type,name,label,store\n"
	    ",text,a,A,maybe\n", "row 3, column store: store must be yes or "
	    "no, not \"maybe\"");
	error_has("ticket yes or no", "survey\n,type,name,label,ticket\n"
	    ",note,a,A,Often\n", "row 3, column ticket: ticket must be yes or "
	    "no, not \"Often\"");
	error_has("no survey", "choices\n,list_name,name,label\n,a,b,c\n",
	    "no survey sheet");
	error_has("unclosed quote", "survey\n,type,name,label\n,text,a,\"A\n",
	    "row 3: a quoted field is not closed");
	{
		struct buf p = { 0 };
		const char *t = "survey\n,type,name,label::English (en),"
		    "label::Español (es)\n,txet,a,A,B\n,text,b,B,\n"
		    ",text,b,C,C\n";
		int n = form_check_mem("many.csv", t, strlen(t), &p);
		ok(n == 3 && strstr(buf_cstr(&p), "unknown type") &&
		    strstr(buf_cstr(&p), "warning: \"b\" has no label in "
		    "Español (es)") && strstr(buf_cstr(&p), "used twice"),
		    "form_check lists every problem (%d)", n);
		buf_free(&p);
	}
}

static void
test_state(void)
{
	struct form *f;
	struct form_state *st;
	char *m = NULL, *label;
	long i;

	f = load("intake.csv", intake);
	if (f == NULL)
		return;
	st = form_state_new(f);
	i = item(st, "first", 0);
	is_str(form_state_value(st, (size_t)i), "", "unanswered is \"\"");
	ok(form_state_check(st, (size_t)i, "es", &msgs, &m) == -1 &&
	    strcmp(m, "REQUIRED") == 0, "required uses the generic message");
	free(m);
	set(st, "first", "Zoë");
	ok(form_state_check(st, (size_t)i, "es", &msgs, &m) == 0,
	    "answered is fine");
	label = form_state_label(st, (size_t)item(st, "age", 0), "es");
	is_str(label, "Hola Zoë, ¿edad?", "label interpolation in es");
	freezero_str(label);
	i = item(st, "age", 0);
	set(st, "age", "abc");
	ok(form_state_check(st, (size_t)i, "en", &msgs, &m) == -1 &&
	    strcmp(m, "INTEGER") == 0, "integer type check");
	free(m);
	set(st, "age", "200");
	ok(form_state_check(st, (size_t)i, "en", &msgs, &m) == -1 &&
	    strcmp(m, "Too old") == 0, "constraint message");
	free(m);
	set(st, "age", "40");
	ok(form_state_check(st, (size_t)i, "en", &msgs, &m) == 0,
	    "constraint passes");
	i = item(st, "dob", 0);
	set(st, "dob", "2023-02-29");
	ok(form_state_check(st, (size_t)i, "en", &msgs, &m) == -1 &&
	    strcmp(m, "DATE") == 0, "date check (no 29 Feb 2023)");
	free(m);
	set(st, "dob", "2024-02-29");
	ok(form_state_check(st, (size_t)i, "en", &msgs, &m) == 0,
	    "2024-02-29 is a date");
	set(st, "kids", "maybe");
	ok(form_state_check_all(st, "en", &msgs, &m) ==
	    item(st, "kids", 0) && strcmp(m, "CONSTRAINT") == 0,
	    "a select value must be a choice");
	free(m);
	set(st, "kids", "no");
	ok(form_state_check_all(st, "en", &msgs, &m) == -1, "all fine");
	is_str(columns(st), "first=Zoë;age=40;dob=2024-02-29;kids=no;",
	    "columns (notes give none)");
	form_state_free(st);
	form_free(f);
}

static const char logic[] =
    "survey\n"
    ",type,name,label,relevant,calculation,constraint,choice_filter,"
    "default,required\n"
    ",integer,adults,Adults,,,,,1,\n"
    ",integer,kids,Kids,,,,,,\n"
    ",calculate,total,,,\"${adults} + coalesce(${kids}, 0)\",,,,\n"
    ",note,say,Total ${total},,,,,,\n"
    ",select_one yn,pets,Pets?,,,,,,\n"
    ",integer,npets,How many?,${pets} = 'yes',,. > 0,,,yes\n"
    ",select_one city,city,City,,,,,,\n"
    ",select_one hood,hood,Hood,,,,city = ${city},,\n"
    ",select_multiple lang,langs,Langs,,,,,,\n"
    ",select_one yn or_other,src,Source,,,,,,\n"
    "choices\n"
    ",list_name,name,label,city\n"
    ",yn,yes,Yes,\n,yn,no,No,\n"
    ",city,a,A,\n,city,b,B,\n"
    ",hood,a1,A1,a\n,hood,a2,A2,a\n,hood,b1,B1,b\n"
    ",lang,en,English,\n,lang,es,Spanish,\n";

static void
test_logic(void)
{
	struct form *f;
	struct form_state *st;
	const struct form_choice **ch;
	char *m = NULL, *label;
	size_t n;
	long i;

	f = load("logic.csv", logic);
	if (f == NULL)
		return;
	st = form_state_new(f);
	is_str(get(st, "adults"), "1", "default");
	is_str(get(st, "total"), "1", "calculation at start");
	set(st, "kids", "2");
	is_str(get(st, "total"), "3", "calculation re-runs on change");
	label = form_state_label(st, (size_t)item(st, "say", 0), NULL);
	is_str(label, "Total 3", "a label shows a calculation");
	freezero_str(label);
	i = item(st, "npets", 0);
	ok(!form_state_relevant(st, (size_t)i), "not relevant before");
	ok(form_state_check(st, (size_t)i, NULL, &msgs, &m) == 0,
	    "a question that is not relevant is not required");
	set(st, "pets", "yes");
	ok(form_state_relevant(st, (size_t)i), "relevant after");
	ok(form_state_check(st, (size_t)i, NULL, &msgs, &m) == -1,
	    "now required");
	free(m);
	set(st, "npets", "2");
	set(st, "pets", "no");
	ok(!form_state_relevant(st, (size_t)i), "not relevant again");
	ok(strstr(columns(st), "npets=(nr);") != NULL,
	    "a non-relevant answer is dropped from the submission");
	set(st, "pets", "yes");
	is_str(get(st, "npets"), "2", "and comes back when relevant again");

	n = form_state_choices(st, (size_t)item(st, "hood", 0), &ch);
	is_int(n, 0, "choice_filter with no city: no choices");
	set(st, "city", "a");
	n = form_state_choices(st, (size_t)item(st, "hood", 0), &ch);
	ok(n == 2 && strcmp(ch[0]->name, "a1") == 0 &&
	    strcmp(ch[1]->name, "a2") == 0, "choice_filter narrows the list");

	set(st, "langs", "en es");
	ok(strstr(columns(st), "langs=en es;langs/en=1;langs/es=1;") != NULL,
	    "select_multiple columns");

	n = form_state_choices(st, (size_t)item(st, "src", 0), &ch);
	ok(n == 3 && strcmp(ch[2]->name, "other") == 0, "or_other adds other");
	i = item(st, "src_other", 0);
	ok(i >= 0 && !form_state_relevant(st, (size_t)i),
	    "src_other is not relevant until other is picked");
	set(st, "src", "other");
	ok(form_state_relevant(st, (size_t)i), "src_other after other");

	/* Many changes: the secure arena compacts and keeps values. */
	for (n = 0; n < 2000; n++) {
		char v[32];
		snprintf(v, sizeof v, "%zu", n);
		set(st, "kids", v);
	}
	ok(strcmp(get(st, "kids"), "1999") == 0 &&
	    strcmp(get(st, "total"), "2000") == 0 &&
	    strcmp(get(st, "city"), "a") == 0, "values survive compaction");
	form_state_free(st);
	form_free(f);
}

static const char household[] =
    "survey\n"
    ",type,name,label,calculation,repeat_count\n"
    ",integer,n,How many?,,\n"
    ",begin_repeat,member,Member,,\n"
    ",text,mname,Name,,\n"
    ",integer,mage,Age,,\n"
    ",calculate,adult,,\"if(${mage} >= 18, 1, 0)\",\n"
    ",end_repeat,,,,\n"
    ",calculate,nadults,,sum(${adult}),\n"
    ",calculate,count,,count(${member}),\n"
    ",begin_repeat,fixed,Fixed,,${n}\n"
    ",text,f,F,,\n"
    ",end_repeat,,,,\n";

static void
test_repeats(void)
{
	struct form *f;
	struct form_state *st;
	char *cause = NULL;
	long rep;
	int q;

	f = load("household.csv", household);
	if (f == NULL)
		return;
	st = form_state_new(f);
	rep = item(st, "member", 0);
	q = form_state_item(st, (size_t)rep)->qindex;
	is_int(form_state_repeat_count(st, q), 1, "a repeat starts with one");
	form_state_set(st, (size_t)item(st, "mname", 1), "Ana", &cause);
	form_state_set(st, (size_t)item(st, "mage", 1), "30", &cause);
	ok(form_state_repeat_add(st, (size_t)rep) == 0, "add an instance");
	form_state_set(st, (size_t)item(st, "mname", 2), "Bo", &cause);
	form_state_set(st, (size_t)item(st, "mage", 2), "9", &cause);
	is_str(form_state_value(st, (size_t)item(st, "adult", 2)), "0",
	    "a calculation inside a repeat uses its instance");
	is_str(get(st, "nadults"), "1", "sum() over instances");
	is_str(get(st, "count"), "2", "count() of a repeat");
	ok(strstr(columns(st), "mname[1]=Ana;mage[1]=30;adult[1]=1;"
	    "mname[2]=Bo;mage[2]=9;adult[2]=0;") != NULL,
	    "repeat columns are name[instance]");
	set(st, "n", "3");
	is_int(form_state_repeat_count(st, item(st, "fixed", 0) >= 0 ?
	    form_state_item(st, (size_t)item(st, "fixed", 0))->qindex : 0),
	    3, "repeat_count follows an answer");
	rep = item(st, "member", 0);
	ok(form_state_repeat_remove(st, (size_t)rep) == 0,
	    "remove the last instance");
	is_str(get(st, "count"), "1", "count() after removing");
	ok(item(st, "mname", 2) < 0, "the removed instance is gone");

	/* Three members; take out the middle one. */
	ok(form_state_repeat_add(st, (size_t)rep) == 0 &&
	    form_state_repeat_add(st, (size_t)item(st, "member", 0)) == 0,
	    "add two more instances");
	form_state_set(st, (size_t)item(st, "mname", 2), "Bo", &cause);
	form_state_set(st, (size_t)item(st, "mage", 2), "9", &cause);
	form_state_set(st, (size_t)item(st, "mname", 3), "Cy", &cause);
	form_state_set(st, (size_t)item(st, "mage", 3), "40", &cause);
	is_str(get(st, "nadults"), "2", "two adults of three");
	ok(form_state_repeat_remove_instance(st,
	    (size_t)item(st, "member", 0)) != 0,
	    "the begin_repeat item is not an instance");
	ok(form_state_repeat_remove_instance(st,
	    (size_t)item(st, "fixed", 0) + 1) != 0,
	    "an instance of a repeat_count repeat is not removed");
	ok(form_state_repeat_remove_instance(st,
	    (size_t)item(st, "mage", 2)) == 0, "remove the second instance");
	is_int(form_state_repeat_count(st, q), 2, "two instances left");
	is_str(get_at(st, "mname", 1), "Ana", "the first stays");
	is_str(get_at(st, "mname", 2), "Cy", "the third moves down");
	is_str(get_at(st, "mage", 2), "40", "with its answers");
	ok(item(st, "mname", 3) < 0, "no third instance");
	is_str(get(st, "nadults"), "2", "sum() after removing one");
	ok(strstr(columns(st), "Bo") == NULL, "the removed answers are gone");
	ok(form_state_repeat_add(st, (size_t)item(st, "member", 0)) == 0,
	    "add again");
	is_str(get_at(st, "mname", 3), "", "a new instance starts empty");
	ok(form_state_repeat_remove_instance(st,
	    (size_t)item(st, "mname", 1)) == 0 &&
	    form_state_repeat_remove_instance(st,
	    (size_t)item(st, "mname", 1)) == 0 &&
	    form_state_repeat_remove_instance(st,
	    (size_t)item(st, "mname", 1)) == 0, "remove every instance");
	is_int(form_state_repeat_count(st, q), 0, "none left");
	is_str(get(st, "count"), "0", "count() of none");
	form_state_free(st);
	form_free(f);
}

/* Issue 16 (1): the silent logic faults. */
static const char faults[] =
    "survey\n"
    ",type,name,label,calculation,required,relevant,choice_filter\n"
    ",begin_repeat,member,Member,,,,\n"
    ",integer,age,Age,,,,\n"
    ",end_repeat,,,,,,\n"
    ",calculate,oldest,,max(${age}),,,\n"
    ",calculate,youngest,,min(${age}),,,\n"
    ",calculate,all,,\"concat(${age})\",,,\n"
    ",note,stop,You cannot continue,,yes,${oldest} > 100,\n"
    ",select_one county,county,County,,,,\n"
    ",select_one city,city,City,,yes,,county = ${county}\n"
    ",select_multiple ward,wards,Wards,,,,city = ${city}\n"
    "choices\n"
    ",list_name,name,label,county,city\n"
    ",county,passaic,Passaic,,\n,county,bergen,Bergen,,\n"
    ",city,paterson,Paterson,passaic,\n,city,clifton,Clifton,passaic,\n"
    ",city,hackensack,Hackensack,bergen,\n"
    ",ward,w1,W1,,paterson\n,ward,w2,W2,,paterson\n"
    ",ward,c1,C1,,clifton\n";

static void
test_faults(void)
{
	struct form *f;
	struct form_state *st;
	char *m = NULL;
	long i;

	f = load("faults.csv", faults);
	if (f == NULL)
		return;
	st = form_state_new(f);
	form_state_set(st, (size_t)item(st, "age", 1), "12", &m);
	form_state_repeat_add(st, (size_t)item(st, "member", 0));
	form_state_repeat_add(st, (size_t)item(st, "member", 0));
	form_state_set(st, (size_t)item(st, "age", 2), "30", &m);
	form_state_set(st, (size_t)item(st, "age", 3), "7", &m);
	is_str(get(st, "oldest"), "30", "max() over a repeat: every instance");
	is_str(get(st, "youngest"), "7", "min() over a repeat: every instance");
	is_str(get(st, "all"), "12307", "concat() over a repeat");
	form_state_set(st, (size_t)item(st, "age", 1), "3", &m);
	is_str(get(st, "youngest"), "3", "min() follows a change");

	/* A required note blocks when it is shown (ODK). */
	i = item(st, "stop", 0);
	ok(!form_state_relevant(st, (size_t)i) &&
	    form_state_check(st, (size_t)i, "en", &msgs, &m) == 0,
	    "a required note that is not shown does not block");
	form_state_set(st, (size_t)item(st, "age", 2), "101", &m);
	ok(form_state_relevant(st, (size_t)i) &&
	    form_state_check(st, (size_t)i, "en", &msgs, &m) == -1 &&
	    m != NULL && strcmp(m, "REQUIRED") == 0,
	    "a required note that is shown blocks");
	free(m);
	m = NULL;
	ok(form_state_check(st, (size_t)i, "en", &msgs_note, &m) == -1 &&
	    m != NULL && strcmp(m, "NOTE") == 0,
	    "with the caller's message for a required note");
	free(m);
	m = NULL;
	ok(form_state_check_all(st, "en", &msgs, &m) == i,
	    "check_all stops at the required note");
	free(m);
	m = NULL;
	form_state_set(st, (size_t)item(st, "age", 2), "30", &m);

	/* choice_filter is enforced, and stale answers are cleared. */
	set(st, "county", "bergen");
	i = item(st, "city", 0);
	form_state_set(st, (size_t)i, "paterson", &m);
	ok(form_state_check(st, (size_t)i, "en", &msgs, &m) == -1 &&
	    m != NULL && strcmp(m, "CONSTRAINT") == 0,
	    "a choice the filter hides is not a valid answer");
	free(m);
	m = NULL;
	set(st, "county", "passaic");
	set(st, "city", "paterson");
	set(st, "wards", "w1 w2");
	ok(form_state_check(st, (size_t)i, "en", &msgs, &m) == 0 &&
	    !form_state_stale(st, (size_t)i), "a choice the filter shows");
	set(st, "city", "clifton");
	is_str(get(st, "wards"), "", "changing the city clears its wards");
	ok(form_state_stale(st, (size_t)item(st, "wards", 0)),
	    "and marks them to be asked again");
	set(st, "wards", "c1");
	ok(!form_state_stale(st, (size_t)item(st, "wards", 0)),
	    "answering again clears the mark");
	set(st, "county", "bergen");
	is_str(get(st, "city"), "", "changing the county clears the city");
	is_str(get(st, "wards"), "", "and, in turn, the wards");
	ok(form_state_stale(st, (size_t)i), "the city is to be asked again");
	ok(form_state_check(st, (size_t)i, "en", &msgs, &m) == -1,
	    "and it is required");
	free(m);
	m = NULL;
	ok(strstr(columns(st), "city=;") != NULL &&
	    strstr(columns(st), "paterson") == NULL &&
	    strstr(columns(st), "clifton") == NULL,
	    "the stale answers are gone from the submission");
	set(st, "county", "passaic");
	set(st, "city", "paterson");
	set(st, "wards", "w2 w1");
	set(st, "city", "paterson");
	is_str(get(st, "wards"), "w2 w1", "setting the same city keeps them");
	form_state_free(st);
	form_free(f);
}

/* Count the lines of form_check_mem's problems that contain want. */
static int
check_count(const char *text, const char *want, struct buf *p)
{
	const char *s;
	int n = 0;

	p->len = 0;
	form_check_mem("c.csv", text, strlen(text), p);
	for (s = buf_cstr(p); (s = strstr(s, want)) != NULL; s++)
		n++;
	return n;
}

/* Issue 16 (2, 9): names per group, columns, every problem once. */
static void
test_names(void)
{
	struct buf p = { 0 };
	size_t i;
	struct form *f;
	struct form_state *st;
	const char *groups =
	    "survey\n,type,name,label\n"
	    ",note,intro,Hello\n"
	    ",text,name,Your name\n"
	    ",begin_group,adult,Adult\n"
	    ",note,intro,About the adult\n"
	    ",text,name,Adult's name\n"
	    ",end_group,,\n"
	    ",begin_group,child,Child\n"
	    ",note,intro,About the child\n"
	    ",text,name,Child's name\n"
	    ",end_group,,\n"
	    ",begin_group,more,More\n"
	    ",begin_group,name,A group named like a question\n"
	    ",text,x,X\n"
	    ",end_group,,\n"
	    ",end_group,,\n";

	f = load("groups.csv", groups);
	ok(f != NULL, "the same name in different groups loads (pyxform)");
	if (f != NULL) {
		st = form_state_new(f);
		set(st, "x", "1");
		form_state_set(st, (size_t)item(st, "name", 0), "Ana", NULL);
		is_str(columns(st), "name=Ana;adult/name=;child/name=;x=1;",
		    "a shared name's column is its group path");
		ok(form_question_by_column(f, "child/name") != NULL &&
		    form_question_by_column(f, "child/name")->row == 11 &&
		    form_question_by_column(f, "name") != NULL &&
		    form_question_by_column(f, "name")->row == 4 &&
		    form_name_ambiguous(f, "name") &&
		    form_question_by_column(f, "x") != NULL,
		    "form_question_by_column: paths, and ambiguity");
		form_state_free(st);
		form_free(f);
	}
	is_int(check_count("survey\n,type,name,label,relevant\n"
	    ",text,a,A,\n,begin_group,g,G,\n,text,a,A2,\n,end_group,,,\n"
	    ",text,b,B,${a} = 1\n", "${a} is ambiguous", &p), 1,
	    "a reference to a shared name is ambiguous (pyxform)");
	/* A path to a shared name is read from where it is used (XPath). */
	f = load("paths.csv", "survey\n"
	    ",type,name,label,calculation,relevant\n"
	    ",begin_group,adult,Adult,,\n"
	    ",text,name,Name,,\n"
	    ",calculate,hi,,\"concat('Hi ', ../name)\",\n"
	    ",note,seen,Seen,,../name != ''\n"
	    ",end_group,,,,\n"
	    ",begin_group,child,Child,,\n"
	    ",text,name,Name,,\n"
	    ",calculate,hi,,\"concat('Hi ', current()/../name)\",\n"
	    ",calculate,both,,\"concat(./../name, '+', ../../adult/name)\",\n"
	    ",end_group,,,,\n"
	    ",calculate,abs,,/data/child/name,\n");
	ok(f != NULL, "../name to a name in two groups loads");
	if (f != NULL) {
		st = form_state_new(f);
		form_state_set(st, (size_t)item(st, "name", 0), "Ana", NULL);
		ok(form_state_relevant(st, (size_t)item(st, "seen", 0)),
		    "../name in a relevant is the sibling");
		for (i = 0; i < form_state_nitems(st); i++) {
			const struct form_item *it = form_state_item(st, i);
			if (it->q->name != NULL && strcmp(it->q->name, "name")
			    == 0 && it->q->parent != 0)
				form_state_set(st, i, "Bo", NULL);
		}
		is_str(columns(st), "adult/name=Ana;adult/hi=Hi Ana;"
		    "child/name=Bo;child/hi=Hi Bo;both=Bo+Ana;abs=Bo;",
		    "../name, current()/../name, ../../g/name, /data/g/name");
		form_state_free(st);
		form_free(f);
	}
	is_int(check_count("survey\n,type,name,label\n,text,a,A\n,text,a,B\n"
	    ",text,b,B\n,text,b,C\n,begin_group,g,G\n,text,c,C\n"
	    ",text,c,D\n,end_group,,\n", "is used twice", &p), 3,
	    "every duplicate is reported, not just the first");
	ok(strstr(buf_cstr(&p), "the name \"c\" is used twice in the group "
	    "\"g\" (also on row 8)") != NULL, "naming the group");
	ok(strstr(buf_cstr(&p), "submission column") == NULL,
	    "and once: not again as a column collision");
	is_int(check_count("survey\n,type,name,label\n,text,q1,A\n"
	    ",text,Q1,B\n", "warning: the names \"Q1\" and \"q1\" (row 3) "
	    "differ only in case", &p), 1, "a case difference is a warning");
	is_int(check_count("survey\n,type,name,label\n,begin_group,g1,G\n"
	    ",begin_repeat,r1,R\n,text,q1,Q\n,end_repeat,,\n,end_group,,\n"
	    ",begin_repeat,r1,R\n,text,q2,Q\n,end_repeat,,\n",
	    "a repeat's name must be unique in the form", &p), 1,
	    "a repeat name is unique in the whole form (pyxform)");
	is_int(check_count("survey\n,type,name,label,required\n"
	    ",text,a,A,\n,,,,yes\n", "warning: this row has no type, name or "
	    "label; it is skipped", &p), 1,
	    "a row with only required=yes is skipped with a warning");
	is_int(check_count("survey\n,type,name,label,relevant\n"
	    ",text,b,B,${zz} = 1\n,txet,c,C,\n", "(in \"${zz} = 1\" of \"b\")",
	    &p), 1, "an expression error names its question");
	ok(strstr(buf_cstr(&p), "unknown type \"txet\" (question \"c\")") !=
	    NULL, "so does a type error");
	is_int(check_count("survey\n,type,name,label\n,,b,B\n",
	    "the question \"b\" has no type", &p), 1,
	    "a question without a type is an error");
	is_int(check_count("survey\n,type,name,label,relevant\n"
	    ",geopoint,where,Where,\n,text,a,A,${where} != ''\n"
	    ",note,n,At ${where},\n", "c.csv:", &p), 1,
	    "an unsupported row is one error, not one per reference");
	is_int(check_count("survey\n,type,name,label::English (en),"
	    "label::Español (es),label::Polski (pl)\n"
	    ",note,n,${nope},${nope},${nope}\n", "no question named", &p), 1,
	    "a label error is reported once, not once per language");
	buf_free(&p);
}

/* Issue 16 (3, 8, 9): metadata, typographic quotes, language, messages. */
static void
test_meta(void)
{
	struct buf p = { 0 };
	struct form *f;
	struct form_state *st;
	const char *meta =
	    "survey\n,type,name,label,relevant,calculation\n"
	    ",start,start,,,\n,end,end,,,\n,today,today,,,\n"
	    ",deviceid,deviceid,,,\n,username,username,,,\n"
	    ",phonenumber,phone,,,\n,email,email,,,\n,simserial,sim,,,\n"
	    ",subscriberid,sub,,,\n,audit,audit,,,\n"
	    ",start-geopoint,where,,,\n"
	    ",select_one yn,ok,OK?,,\n"
	    ",note,yes_note,Yes!,${ok} = ‘yes’,\n"
	    ",note,q_note,Quoted,${ok} = “yes”,\n"
	    ",calculate,okname,,,\"jr:choice-name(${ok}, '${ok}')\"\n"
	    "choices\n,list_name,name,label::English (en),label::Español (es)\n"
	    ",yn,yes,Yes,Sí\n,yn,no,No,No\n";
	const struct form_msgs *m = &msgs;
	char *msg = NULL, *label;

	f = load("meta.csv", meta);
	ok(f != NULL, "metadata types and typographic quotes load");
	if (f == NULL)
		return;
	st = form_state_new(f);
	form_state_set_now(st, 1700000000);	/* 2023-11-14 22:13 UTC */
	form_state_set_meta(st, "library-kiosk-1", "7");
	ok(form_state_check_all(st, "en", m, &msg) == -1,
	    "metadata never needs an answer");
	free(msg);
	ok(strstr(columns(st), "start=2023-11-14;end=2023-11-14;"
	    "today=2023-11-14;deviceid=library-kiosk-1;username=7;phone=;"
	    "email=;sim=;sub=;audit=;where=;") != NULL,
	    "start, end, today are dates (no time); deviceid, username; the "
	    "rest empty (%s)", columns(st));
	form_state_set_meta(st, NULL, "");
	ok(strstr(columns(st), "deviceid=library-kiosk-1;username=;") != NULL,
	    "no volunteer: username is empty");
	set(st, "ok", "yes");
	ok(form_state_relevant(st, (size_t)item(st, "yes_note", 0)) &&
	    form_state_relevant(st, (size_t)item(st, "q_note", 0)),
	    "‘typographic’ and “quotes” "
	    "are straight quotes in expressions (pyxform)");
	label = form_state_label(st, (size_t)item(st, "ok", 0), "es");
	freezero_str(label);
	is_str(get(st, "okname"), "Sí",
	    "jr:choice-name() follows the resident's language");
	form_state_set_lang(st, "en");
	is_str(get(st, "okname"), "Yes", "and changes with it");
	form_state_free(st);
	form_free(f);

	p.len = 0;
	form_check_mem("meta.csv", meta, strlen(meta), &p);
	is_int(check_count(meta, "its column stays empty", &p), 6,
	    "forms check warns once per metadata a kiosk cannot fill");
	is_int(check_count(meta, "c.csv: sheet", &p), 6, "and nothing else");
	is_int(check_count("survey\n,type,name,label,constraint\n"
	    ",integer,a,A,\". > 1 and\n\n  . <\"\n", "(in \". > 1 and    . <\" of \"a\")",
	    &p), 1, "an expression with line breaks is one line of error");
	is_int(check_count("survey\n,type,name,label,choice_filter\n"
	    ",select_one c,q,Q,state != ''\nchoices\n,list_name,name,label\n"
	    ",c,a,A\n", "warning: the choice list \"c\" has no column "
	    "\"state\"; it reads as empty", &p), 1,
	    "a choice_filter column the list lacks: empty, with a warning");
	is_int(check_count("survey\n,type,name,label,repeat_count\n"
	    ",begin_repeat,r,R,60\n,text,a,A,\n,end_repeat,,,\n",
	    "a kiosk takes at most 50 instances of a repeat, not 60", &p), 1,
	    "repeat_count beyond the limit is an error, not cut silently");
	f = load("many.csv", "survey\n,type,name,label,repeat_count\n"
	    ",integer,n,N,\n,begin_repeat,r,R,${n}\n,text,a,A,\n"
	    ",end_repeat,,,\n");
	if (f != NULL) {
		st = form_state_new(f);
		set(st, "n", "51");
		ok(form_state_check(st, (size_t)item(st, "r", 0), "en", m,
		    &msg) == -1, "a repeat_count that comes to 51 blocks");
		free(msg);
		msg = NULL;
		set(st, "n", "50");
		ok(form_state_check_all(st, "en", m, &msg) == -1 &&
		    form_state_repeat_count(st, form_state_item(st,
		    (size_t)item(st, "r", 0))->qindex) == 50, "50 is fine");
		free(msg);
		form_state_free(st);
		form_free(f);
	}
	buf_free(&p);
}

/* Issue 16 (7): functions and paths in a real session; files; random order. */
static void
test_functions(void)
{
	struct form *f;
	struct form_state *st;
	const struct form_choice **ch, *first[8];
	char dir[] = "/tmp/t_form.XXXXXX", path[256], *cause = NULL;
	size_t n, k;
	FILE *fp;
	int same;
	const char *survey =
	    "survey\n"
	    ",type,name,label,calculation,relevant,choice_filter,parameters\n"
	    ",begin_repeat,member,Member,,,,\n"
	    ",integer,age,Age,,,,\n"
	    ",calculate,num,,position(..),,,\n"
	    ",note,first,You are the first,,position(..) = 1,,\n"
	    ",calculate,older,,../age > 17,,,\n"
	    ",end_repeat,,,,,,\n"
	    ",calculate,second_age,,\"indexed-repeat(${age}, ${member}, 2)\",,,\n"
	    ",calculate,filled,,count-non-empty(${age}),,,\n"
	    ",select_one_from_file cities.csv,city,City,,,,\n"
	    ",calculate,county,,instance('cities')/root/item[name = ${city}]/county,,,\n"
	    ",calculate,ncities,,count(instance('cities')/root/item[county = ${county}]),,,\n"
	    ",select_multiple_from_file cities.csv,visited,Visited,,,county = 'passaic',\n"
	    ",select_one colors,color,Color,,,,randomize=true\n"
	    ",select_one colors,color2,Color,,,,randomize=true seed=42\n"
	    "choices\n,list_name,name,label\n"
	    ",colors,red,Red\n,colors,green,Green\n,colors,blue,Blue\n"
	    ",colors,black,Black\n,colors,white,White\n,colors,pink,Pink\n";

	if (mkdtemp(dir) == NULL)
		return;
	snprintf(path, sizeof path, "%s/cities.csv", dir);
	fp = fopen(path, "w");
	fputs("name,label,county\npaterson,Paterson,passaic\n"
	    "clifton,Clifton,passaic\nhackensack,Hackensack,bergen\n", fp);
	fclose(fp);
	snprintf(path, sizeof path, "%s/survey.csv", dir);
	fp = fopen(path, "w");
	fputs(survey, fp);
	fclose(fp);
	f = form_load(path, &cause);
	ok(f != NULL, "position(..), indexed-repeat, ../x, instance(), "
	    "select_one_from_file, randomize load (%s)", cause ? cause : "");
	free(cause);
	if (f == NULL)
		goto out;
	st = form_state_new(f);
	form_state_repeat_add(st, (size_t)item(st, "member", 0));
	form_state_repeat_add(st, (size_t)item(st, "member", 0));
	form_state_set(st, (size_t)item(st, "age", 1), "40", NULL);
	form_state_set(st, (size_t)item(st, "age", 2), "12", NULL);
	is_str(get_at(st, "num", 3), "3", "position(..) is the instance");
	ok(form_state_relevant(st, (size_t)item(st, "first", 1)) &&
	    !form_state_relevant(st, (size_t)item(st, "first", 2)),
	    "position(..) = 1 in a relevant");
	is_str(get_at(st, "older", 1), "true", "../age is the same instance");
	is_str(get_at(st, "older", 2), "false", "in every instance");
	is_str(get(st, "second_age"), "12", "indexed-repeat()");
	is_str(get(st, "filled"), "2", "count-non-empty()");
	n = form_state_choices(st, (size_t)item(st, "city", 0), &ch);
	ok(n == 3 && strcmp(ch[2]->name, "hackensack") == 0 &&
	    strcmp(form_text(f, &ch[2]->label, NULL), "Hackensack") == 0,
	    "select_one_from_file reads the CSV beside the form");
	set(st, "city", "clifton");
	is_str(get(st, "county"), "passaic",
	    "instance('cities')/root/item[name = ${city}]/county");
	is_str(get(st, "ncities"), "2", "count(instance(...)[county = ...])");
	n = form_state_choices(st, (size_t)item(st, "visited", 0), &ch);
	is_int(n, 2, "a choice_filter on a file's extra column");
	n = form_state_choices(st, (size_t)item(st, "color", 0), &ch);
	for (k = 0; k < n && k < 8; k++)
		first[k] = ch[k];
	n = form_state_choices(st, (size_t)item(st, "color", 0), &ch);
	same = n == 6;
	for (k = 0; k < n && k < 8; k++)
		same &= first[k] == ch[k];
	ok(same, "randomize: the same order every time in a session");
	n = form_state_choices(st, (size_t)item(st, "color2", 0), &ch);
	for (k = 0; k < n && k < 8; k++)
		first[k] = ch[k];
	form_state_free(st);
	st = form_state_new(f);
	n = form_state_choices(st, (size_t)item(st, "color2", 0), &ch);
	same = n == 6;
	for (k = 0; k < n && k < 8; k++)
		same &= first[k] == ch[k];
	ok(same, "randomize with a seed: the same order in a new session");
	form_state_free(st);
	form_free(f);

	/* XML and GeoJSON stay unsupported, with a clear message. */
	fp = fopen(path, "w");
	fputs("survey\n,type,name,label\n"
	    ",select_one_from_file towns.xml,t,T\n"
	    ",select_one_from_file nope.csv,u,U\n"
	    ",select_multiple_from_file nope.csv,v,V\n", fp);
	fclose(fp);
	{
		struct buf p = { 0 };
		form_check(path, &p);
		ok(strstr(buf_cstr(&p), "choices from \"towns.xml\" are not "
		    "supported at a kiosk: only a CSV file") != NULL,
		    "select_one_from_file with XML: not supported");
		ok(strstr(buf_cstr(&p), "nope.csv") != NULL &&
		    strstr(strstr(buf_cstr(&p), "nope.csv") + 1, "nope.csv")
		    == NULL, "a missing CSV file is named, once");
		buf_free(&p);
	}
out:
	snprintf(path, sizeof path, "%s/cities.csv", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/survey.csv", dir);
	unlink(path);
	rmdir(dir);
}

/* indexed-repeat() with (group, index) pairs, as ODK (issue 16). */
static void
test_indexed_repeat(void)
{
	struct form *f;
	struct form_state *st;
	struct buf p = { 0 };

	f = load("indexed.csv", "survey\n"
	    ",type,name,label,calculation\n"
	    ",begin_repeat,member,Member,\n"
	    ",begin_group,info,Info,\n"
	    ",integer,age,Age,\n"
	    ",end_group,,,\n"
	    ",calculate,first,,\"indexed-repeat(${age}, ${info}, 1)\"\n"
	    ",end_repeat,,,\n"
	    ",begin_group,other,Other,\n"
	    ",text,x,X,\n"
	    ",end_group,,,\n"
	    ",calculate,a2,,\"indexed-repeat(${age}, ${member}, 2, ${info}, 1)\"\n"
	    ",calculate,a2b,,\"indexed-repeat(${age}, ${info}, 1, ${member}, 2)\"\n"
	    ",calculate,a3,,\"indexed-repeat(${age}, ${member}, 3, ${info}, 1)\"\n"
	    ",calculate,g2,,\"indexed-repeat(${age}, ${member}, 2, ${info}, 2)\"\n");
	ok(f != NULL, "indexed-repeat() with two pairs loads");
	if (f == NULL)
		return;
	st = form_state_new(f);
	form_state_repeat_add(st, (size_t)item(st, "member", 0));
	form_state_repeat_add(st, (size_t)item(st, "member", 0));
	form_state_set(st, (size_t)item(st, "age", 1), "40", NULL);
	form_state_set(st, (size_t)item(st, "age", 2), "12", NULL);
	is_str(get(st, "a2"), "12", "indexed-repeat(${age}, ${member}, 2, "
	    "${info}, 1)");
	is_str(get(st, "a2b"), "12", "the pairs in any order");
	is_str(get(st, "a3"), "", "an instance that is not there is empty");
	is_str(get(st, "g2"), "", "a group has only instance 1");
	is_str(get_at(st, "first", 2), "12",
	    "a repeat not named is the context's instance");
	form_state_free(st);
	form_free(f);
	/*
	 * ${repeat}[N]/path/name, as pyxform's tests write a default from
	 * another instance (test_survey.py test_references__*): the
	 * question in instance N, as indexed-repeat(); [position() = N] too.
	 */
	f = load("pred.csv", "survey\n"
	    ",type,name,label,default,calculation\n"
	    ",begin_repeat,t,T,,\n"
	    ",begin_group,g,G,,\n"
	    ",text,s,S,,\n"
	    ",calculate,prev,,,${t}[position() = position(current()/../..) - 1]/g/s\n"
	    ",end_group,,,,\n"
	    ",calculate,prev2,,,${t}[position() = position(..) - 1]/g/s\n"
	    ",text,d,D,${t}[1]/g/s,\n"
	    ",calculate,first,,,${t}[1]/g/s\n"
	    ",end_repeat,,,,\n"
	    ",calculate,second,,,${t}[1 + 1]/g/s\n");
	ok(f != NULL, "${t}[N]/g/s loads");
	if (f != NULL) {
		st = form_state_new(f);
		form_state_repeat_add(st, (size_t)item(st, "t", 0));
		form_state_set(st, (size_t)item(st, "s", 1), "a", NULL);
		form_state_repeat_add(st, (size_t)item(st, "t", 0));
		form_state_set(st, (size_t)item(st, "s", 2), "b", NULL);
		is_str(get_at(st, "first", 2), "a", "${t}[1]/g/s");
		is_str(get(st, "second"), "b", "${t}[1 + 1]/g/s outside t");
		is_str(get_at(st, "prev", 2), "a",
		    "[position() = position(current()/../..) - 1]: the instance "
		    "before");
		is_str(get_at(st, "prev2", 2), "a", "[position() = position(..) "
		    "- 1]");
		is_str(get_at(st, "prev2", 1), "", "[0]: no instance, nothing "
		    "(indexed-repeat() would take instance 1)");
		form_state_free(st);
		form_free(f);
	}
	error_has("a boolean predicate", "survey\n,type,name,label,calculation"
	    "\n,begin_repeat,t,T,\n,text,s,S,\n,end_repeat,,,\n"
	    ",calculate,c,,${t}[${s} = 'a']/s\n",
	    "only a number in [ ] after ${t} is supported at a kiosk");
	/* ODK: every group named must be around the question. */
	is_int(check_count("survey\n,type,name,label,calculation\n"
	    ",begin_repeat,member,Member,\n,integer,age,Age,\n"
	    ",end_repeat,,,\n,begin_group,other,Other,\n,text,x,X,\n"
	    ",end_group,,,\n"
	    ",calculate,no,,\"indexed-repeat(${age}, ${member}, 1, ${other}, "
	    "1)\"\n", "indexed-repeat(): ${other} is not a repeat or group "
	    "around ${age}", &p), 1, "a group not around the question is an "
	    "error when the form loads");
	buf_free(&p);
}

/* The item of name at instance path (a, b): 0 ends the path. */
static long
nitem(struct form_state *st, const struct form *f, const char *name, int a,
    int b)
{
	const struct form_question *q = form_question_by_name(f, name);
	int path[2] = { a, b };

	if (q == NULL)
		return -1;
	return form_state_find(st, (int)(q - f->questions), path,
	    a == 0 ? 0 : b == 0 ? 1 : 2);
}

static const char *
nget(struct form_state *st, const struct form *f, const char *name, int a,
    int b)
{
	long i = nitem(st, f, name, a, b);

	return i < 0 ? "(none)" : form_state_value(st, (size_t)i);
}

static void
nset(struct form_state *st, const struct form *f, const char *name, int a,
    int b, const char *v)
{
	long i = nitem(st, f, name, a, b);

	if (i < 0 || form_state_set(st, (size_t)i, v, NULL) != 0)
		printf("# set %s[%d][%d] failed\n", name, a, b);
}

/* Issue 16: a repeat inside a repeat (household -> member -> job). */
static const char nested[] =
    "survey\n"
    ",type,name,label,relevant,constraint,calculation,repeat_count\n"
    ",begin_repeat,member,Member,,,,\n"
    ",text,first,First name,,,,\n"
    ",integer,njobs,How many jobs?,,,,\n"
    ",calculate,mpos,,,,position(..),\n"
    ",begin_repeat,job,Job of ${first},,,,\n"
    ",text,title,Job title,,,,\n"
    ",integer,hours,Hours,,. <= 80,,\n"
    ",calculate,jpos,,,,position(..),\n"
    ",calculate,who,,,,../../first,\n"
    ",calculate,siblings,,,,count(../../job),\n"
    ",calculate,tag,,,,\"concat(${first}, '-', ${title})\",\n"
    ",text,long_why,Why so long?,${hours} > 40,,,\n"
    ",end_repeat,,,,,,\n"
    ",calculate,mhours,,,,sum(${hours}),\n"
    ",calculate,mjobs,,,,count(${job}),\n"
    ",begin_repeat,car,Car,,,,${njobs}\n"
    ",text,plate,Plate,,,,\n"
    ",end_repeat,,,,,,\n"
    ",end_repeat,,,,,,\n"
    ",calculate,alljobs,,,,count(${job}),\n"
    ",calculate,allhours,,,,sum(${hours}),\n"
    ",calculate,maxh,,,,max(${hours}),\n"
    ",calculate,t21,,,,\"indexed-repeat(${title}, ${member}, 2, ${job}, 1)\",\n"
    ",calculate,t12,,,,\"indexed-repeat(${title}, ${job}, 2, ${member}, 1)\",\n"
    ",calculate,t2,,,,\"indexed-repeat(${title}, ${member}, 2)\",\n"
    ",calculate,t9,,,,\"indexed-repeat(${title}, ${member}, 9, ${job}, 1)\",\n";

static void
test_nested_repeats(void)
{
	struct form *f;
	struct form_state *st;
	struct buf p = { 0 };
	char *msg = NULL;
	long b;

	f = load("nested.csv", nested);
	ok(f != NULL, "a repeat inside a repeat loads");
	if (f == NULL)
		return;
	st = form_state_new(f);
	ok(nitem(st, f, "title", 1, 1) >= 0 && nitem(st, f, "title", 1, 2) < 0,
	    "the first member has one job to begin with");
	ok(form_state_repeat_add(st, (size_t)nitem(st, f, "title", 1, 1)) == 0,
	    "add a job to the first member");
	ok(form_state_repeat_add(st, (size_t)nitem(st, f, "member", 0, 0)) ==
	    0, "add a second member");
	ok(nitem(st, f, "title", 2, 1) >= 0 && nitem(st, f, "title", 2, 2) < 0,
	    "each member has its own jobs");
	nset(st, f, "first", 1, 0, "Ana");
	nset(st, f, "first", 2, 0, "Bo");
	nset(st, f, "title", 1, 1, "cook");
	nset(st, f, "hours", 1, 1, "30");
	nset(st, f, "title", 1, 2, "driver");
	nset(st, f, "hours", 1, 2, "20");
	nset(st, f, "title", 2, 1, "nurse");
	nset(st, f, "hours", 2, 1, "45");
	is_str(nget(st, f, "jpos", 1, 2), "2", "position(..) in the inner "
	    "repeat is the job's number");
	is_str(nget(st, f, "mpos", 2, 0), "2", "position(..) in the outer "
	    "repeat is the member's");
	is_str(nget(st, f, "who", 2, 1), "Bo", "../../first from a job is its "
	    "member's answer");
	is_str(nget(st, f, "tag", 1, 2), "Ana-driver", "${first} from a job "
	    "is its own member's");
	is_str(nget(st, f, "siblings", 1, 1), "2", "count(../../job) inside a "
	    "job counts its member's jobs (JavaRosa issue 540)");
	is_str(nget(st, f, "siblings", 2, 1), "1", "and only that member's");
	is_str(nget(st, f, "mjobs", 1, 0), "2", "count(${job}) in a member: "
	    "its jobs");
	is_str(nget(st, f, "mhours", 1, 0), "50", "sum(${hours}) in a member: "
	    "its jobs");
	is_str(get(st, "alljobs"), "3", "count(${job}) outside: every job of "
	    "every member");
	is_str(get(st, "allhours"), "95", "sum() outside: every job");
	is_str(get(st, "maxh"), "45", "max() outside: every job");
	is_str(get(st, "t21"), "nurse", "indexed-repeat(${title}, ${member}, "
	    "2, ${job}, 1)");
	is_str(get(st, "t12"), "driver", "the pairs in any order");
	is_str(get(st, "t2"), "nurse", "an inner repeat not named: its first");
	is_str(get(st, "t9"), "", "a member that is not there: empty");
	ok(!form_state_relevant(st, (size_t)nitem(st, f, "long_why", 1, 1)) &&
	    form_state_relevant(st, (size_t)nitem(st, f, "long_why", 2, 1)),
	    "relevance in each job follows its own answer");
	nset(st, f, "hours", 1, 2, "90");
	{
		char *m2 = NULL;
		int bad = form_state_check(st, (size_t)nitem(st, f, "hours",
		    1, 2), NULL, &msgs, &msg);
		int good = form_state_check(st, (size_t)nitem(st, f, "hours",
		    2, 1), NULL, &msgs, &m2);
		ok(bad != 0 && good == 0, "a constraint is checked in each "
		    "job");
		free(msg);
		free(m2);
		msg = NULL;
	}
	nset(st, f, "hours", 1, 2, "20");
	ok(strstr(columns(st), "first[1]=Ana;njobs[1]=;mpos[1]=1;"
	    "title[1][1]=cook;hours[1][1]=30;") != NULL &&
	    strstr(columns(st), "title[2][1]=nurse;") != NULL,
	    "columns of a job are name[member][job]");
	/* repeat_count from an answer of the member. */
	nset(st, f, "njobs", 1, 0, "2");
	nset(st, f, "njobs", 2, 0, "1");
	ok(nitem(st, f, "plate", 1, 2) >= 0 && nitem(st, f, "plate", 1, 3) < 0
	    && nitem(st, f, "plate", 2, 1) >= 0 &&
	    nitem(st, f, "plate", 2, 2) < 0, "an inner repeat_count follows "
	    "each member's own answer");
	is_int(form_state_repeat_count(st, (int)(form_question_by_name(f,
	    "car") - f->questions)), 3, "instances of an inner repeat in all");
	nset(st, f, "plate", 2, 1, "XYZ");
	/* Taking out the first member moves the second, jobs and all. */
	ok(form_state_repeat_remove_instance(st,
	    (size_t)nitem(st, f, "first", 1, 0)) == 0, "remove member 1");
	is_str(nget(st, f, "first", 1, 0), "Bo", "member 2 is now member 1");
	is_str(nget(st, f, "title", 1, 1), "nurse", "with its jobs");
	is_str(nget(st, f, "plate", 1, 1), "XYZ", "and its cars");
	ok(nitem(st, f, "title", 1, 2) < 0 && nitem(st, f, "first", 2, 0) < 0,
	    "and nothing of member 1 is left");
	is_str(get(st, "alljobs"), "1", "count() after removing");
	/* Removing a job from a page inside it. */
	form_state_repeat_add(st, (size_t)nitem(st, f, "title", 1, 1));
	nset(st, f, "title", 1, 2, "guard");
	ok(form_state_repeat_remove_instance(st,
	    (size_t)nitem(st, f, "title", 1, 1)) == 0 &&
	    strcmp(nget(st, f, "title", 1, 1), "guard") == 0 &&
	    strcmp(nget(st, f, "first", 1, 0), "Bo") == 0, "remove a job: "
	    "the member keeps its other job");
	ok(form_state_repeat_remove_instance(st,
	    (size_t)nitem(st, f, "plate", 1, 1)) == 0 &&
	    nitem(st, f, "first", 1, 0) < 0, "a page in a repeat_count repeat "
	    "takes out the member around it");
	b = nitem(st, f, "member", 0, 0);
	is_int(form_state_instances(st, (size_t)b), 0, "no member left");
	form_state_free(st);
	form_free(f);

	/* Three deep: indexed-repeat with three pairs (7 arguments). */
	f = load("deep.csv", "survey\n,type,name,label,calculation\n"
	    ",begin_repeat,a,A,\n,begin_repeat,b,B,\n,begin_repeat,c,C,\n"
	    ",integer,z,Z,\n,calculate,pa,,position(..)\n"
	    ",calculate,up,,../../../../x\n,calculate,sib,,../z * 10\n"
	    ",end_repeat,,,\n,calculate,nc,,count(${c})\n"
	    ",calculate,sc,,sum(${z})\n,end_repeat,,,\n,text,x,X,\n"
	    ",calculate,sa,,sum(${z})\n,end_repeat,,,\n"
	    ",calculate,all,,sum(${z})\n"
	    ",calculate,pick,,\"indexed-repeat(${z}, ${a}, 2, ${b}, 1, ${c}, 2)\"\n");
	ok(f != NULL, "repeats three deep load");
	if (f != NULL) {
		const struct form_question *zq = form_question_by_name(f, "z");
		int zi = (int)(zq - f->questions);
		int p212[3] = { 2, 1, 2 }, p211[3] = { 2, 1, 1 };
		int pa[1] = { 2 }, pb[2] = { 2, 1 };
		long it;

		st = form_state_new(f);
		form_state_repeat_add(st, (size_t)nitem(st, f, "a", 0, 0));
		form_state_repeat_add(st, (size_t)form_state_find(st,
		    (int)(form_question_by_name(f, "c") - f->questions), pb,
		    2));
		form_state_set(st, (size_t)form_state_find(st, zi, p211, 3),
		    "4", NULL);
		form_state_set(st, (size_t)form_state_find(st, zi, p212, 3),
		    "5", NULL);
		form_state_set(st, (size_t)nitem(st, f, "x", 2, 0), "X2", NULL);
		p211[0] = 1;	/* a[1]/b[1]/c[1]: not empty, or sum() is NaN */
		form_state_set(st, (size_t)form_state_find(st, zi, p211, 3),
		    "0", NULL);
		p211[0] = 2;
		it = form_state_find(st, zi, p212, 3);
		ok(it >= 0 && form_state_item(st, (size_t)it)->depth == 3 &&
		    form_state_item(st, (size_t)it)->instance == 2,
		    "an item three deep has its path");
		is_str(get(st, "pick"), "5", "indexed-repeat(${z}, ${a}, 2, "
		    "${b}, 1, ${c}, 2)");
		is_str(get(st, "all"), "9", "sum() outside: every level");
		is_str(nget(st, f, "sa", 2, 0), "9", "sum() in a: its own");
		is_str(nget(st, f, "sa", 1, 0), "0", "and only its own");
		it = form_state_find(st, (int)(form_question_by_name(f, "up") -
		    f->questions), p212, 3);
		is_str(form_state_value(st, (size_t)it), "X2",
		    "../../../../x from three deep: its own a's answer");
		it = form_state_find(st, (int)(form_question_by_name(f, "sib") -
		    f->questions), p211, 3);
		is_str(form_state_value(st, (size_t)it), "40",
		    "../z: the same instance");
		it = form_state_find(st, (int)(form_question_by_name(f, "nc") -
		    f->questions), pb, 2);
		is_str(form_state_value(st, (size_t)it), "2", "count(${c}) in "
		    "b: its own");
		it = form_state_find(st, (int)(form_question_by_name(f, "pa") -
		    f->questions), p212, 3);
		is_str(form_state_value(st, (size_t)it), "2", "position(..) "
		    "three deep");
		ok(form_state_find(st, zi, pa, 1) < 0, "a path of the wrong "
		    "depth finds nothing");
		form_state_free(st);
		form_free(f);
	}

	/* Limits: depth, and instances in all; each an error naming the row. */
	is_int(check_count("survey\n,type,name,label\n"
	    ",begin_repeat,a,A\n,begin_repeat,b,B\n,begin_repeat,c,C\n"
	    ",begin_repeat,d,D\n,text,x,X\n,end_repeat,,\n,end_repeat,,\n"
	    ",end_repeat,,\n,end_repeat,,\n", "row 6, column type: the repeat "
	    "\"d\" is inside 3 repeats: a kiosk takes repeats at most 3 deep",
	    &p), 1, "repeats four deep are an error naming the row");
	is_int(check_count("survey\n,type,name,label,repeat_count\n"
	    ",begin_repeat,a,A,50\n,begin_repeat,b,B,50\n,begin_repeat,c,C,2\n"
	    ",text,x,X,\n,end_repeat,,,\n,end_repeat,,,\n,end_repeat,,,\n",
	    "row 5, column repeat_count: the repeat \"c\" and the repeats "
	    "around it would have 7550 instances in all", &p), 1,
	    "repeat_counts beyond the kiosk's limit in all are an error "
	    "naming the row");
	f = load("fifty.csv", "survey\n,type,name,label,repeat_count\n"
	    ",begin_repeat,a,A,50\n,begin_repeat,b,B,50\n"
	    ",text,x,X,\n,end_repeat,,,\n,end_repeat,,,\n");
	ok(f != NULL, "50 instances of 50 load");
	form_free(f);
	buf_free(&p);

	/* A count from an answer beyond the limits blocks the form. */
	f = load("cut.csv", "survey\n,type,name,label,repeat_count\n"
	    ",integer,n,N,\n,begin_repeat,a,A,${n}\n,integer,m,M,\n"
	    ",begin_repeat,b,B,${m}\n,text,x,X,\n,end_repeat,,,\n"
	    ",begin_repeat,c,C,${m}\n,text,y,Y,\n,end_repeat,,,\n"
	    ",end_repeat,,,\n");
	ok(f != NULL, "nested repeat_counts from answers load");
	if (f == NULL)
		return;
	st = form_state_new(f);
	set(st, "n", "50");
	for (int i = 1; i <= 50; i++)
		nset(st, f, "m", i, 0, "50");
	is_int(form_state_repeat_count(st, (int)(form_question_by_name(f,
	    "b") - f->questions)) + form_state_repeat_count(st,
	    (int)(form_question_by_name(f, "c") - f->questions)),
	    FORM_INSTANCES_MAX - 50, "all instances together stay within "
	    "the limit");
	{
		long bad = form_state_check_all(st, NULL, &msgs, &msg);

		ok(bad >= 0 && msg != NULL && strcmp(msg, "CONSTRAINT") == 0,
		    "and the form cannot be sent");
		ok(bad >= 0 && strcmp(form_state_item(st, (size_t)bad)->q->name,
		    "m") == 0 && form_state_item(st, (size_t)bad)->depth == 1,
		    "the resident is sent to the answer the count reads");
	}
	free(msg);
	set(st, "n", "2");
	ok(form_state_check_all(st, NULL, &msgs, &msg) < 0 &&
	    form_state_repeat_count(st, (int)(form_question_by_name(f, "c") -
	    f->questions)) == 100, "within the limit again, it can");
	free(msg);
	form_state_free(st);
	form_free(f);

	/* New instances bring the first of each repeat the resident sizes. */
	f = load("cost.csv", "survey\n,type,name,label,repeat_count\n"
	    ",integer,n,N,\n,begin_repeat,a,A,${n}\n,integer,m,M,\n"
	    ",begin_repeat,b,B,${m}\n,begin_repeat,c,C,\n,text,y,Y,\n"
	    ",end_repeat,,,\n,end_repeat,,,\n,end_repeat,,,\n");
	ok(f != NULL, "a resident-sized repeat in counted ones loads");
	if (f == NULL)
		return;
	st = form_state_new(f);
	set(st, "n", "50");
	for (int i = 1; i <= 50; i++)
		nset(st, f, "m", i, 0, "50");
	{
		int na = form_state_repeat_count(st, (int)(form_question_by_name(
		    f, "a") - f->questions));
		int nb = form_state_repeat_count(st, (int)(form_question_by_name(
		    f, "b") - f->questions));
		int nc = form_state_repeat_count(st, (int)(form_question_by_name(
		    f, "c") - f->questions));
		ok(na == 50 && nb == nc && na + nb + nc <= FORM_INSTANCES_MAX &&
		    na + nb + nc > FORM_INSTANCES_MAX - 2, "each new b brings "
		    "its first c, and all stay within the limit");
		if (na + nb + nc > FORM_INSTANCES_MAX)
			printf("# %d + %d + %d\n", na, nb, nc);
	}
	ok(form_state_repeat_add(st, (size_t)form_state_find(st,
	    (int)(form_question_by_name(f, "c") - f->questions),
	    (int[]){ 1, 1 }, 2)) != 0, "at the limit, no more can be added");
	form_state_free(st);
	form_free(f);
}

/* Web Forms randomize.test.ts: a seed gives ODK's order. */
static void
test_randomize(void)
{
	static const struct {
		const char *seed, *want;
	} v[] = {
		{ "42", "AFCBDE" }, { "-42", "EDAFBC" }, { "1", "BFEACD" },
		{ "11111111", "ACDBFE" }, { "0", "CBEAFD" }, { "1.1", "BFEACD" },
	};
	struct buf text = { 0 }, got = { 0 };
	struct form *f;
	struct form_state *st;
	const struct form_choice **ch;
	size_t i, k, n;

	buf_adds(&text, "survey\n,type,name,label,calculation,parameters\n"
	    ",calculate,s,,11111111,\n");
	for (i = 0; i < nitems(v); i++)
		buf_addf(&text, ",select_one l,q%zu,Q,,randomize=true seed=%s\n",
		    i, i == 3 ? "${s}" : v[i].seed);
	buf_adds(&text, "choices\n,list_name,name,label\n,l,A,A\n,l,B,B\n"
	    ",l,C,C\n,l,D,D\n,l,E,E\n,l,F,F\n");
	f = load("rnd.csv", buf_cstr(&text));
	if (f == NULL)
		return;
	st = form_state_new(f);
	for (i = 0; i < nitems(v); i++) {
		char q[8];
		snprintf(q, sizeof q, "q%zu", i);
		n = form_state_choices(st, (size_t)item(st, q, 0), &ch);
		got.len = 0;
		buf_adds(&got, "");
		for (k = 0; k < n; k++)
			buf_adds(&got, ch[k]->name);
		is_str(buf_cstr(&got), v[i].want, "randomize with seed %s",
		    v[i].seed);
	}
	form_state_free(st);
	form_free(f);
	buf_free(&text);
	buf_free(&got);
}

/* Issue 17: what the Listen key reads (spoken texts) and in which voice. */
static void
test_speech_texts(void)
{
	struct buf p = { 0 };
	struct form *f;
	const struct form_question *q;
	const char *form =
	    "survey\n,type,name,label::English (en),label::Espa\xc3\xb1ol "
	    "(es),hint::English (en),spoken_hint::English (en)\n"
	    ",select_one yn or_other,q,Q?,\xc2\xbfQ?,p. 3,page three\n"
	    "choices\n,list_name,name,label::English (en),label::Espa\xc3\xb1ol "
	    "(es),spoken::English (en)\n"
	    ",yn,na,N/A,N/A,Does not apply\n"
	    "settings\n,form_id,voice::English (en),voice::Espa\xc3\xb1ol (es)\n"
	    ",v,en-029,es\n";
	char *t;

	f = load("v.csv", form);
	q = f != NULL ? form_question_by_name(f, "q") : NULL;
	ok(q != NULL && strcmp(form_text(f, &q->spoken_hint, "en"),
	    "page three") == 0 && q->spoken_hint.by_lang[1] == NULL,
	    "spoken_hint::English (en) is the hint as read aloud");
	ok(q != NULL && q->list != NULL && q->list->nchoices == 2 &&
	    q->list->choices[0].spoken.by_lang[0] != NULL &&
	    strcmp(q->list->choices[0].spoken.by_lang[0], "Does not apply")
	    == 0 && q->list->choices[0].spoken.by_lang[1] == NULL,
	    "a choice's spoken::English (en), also in the or_other list");
	ok(f != NULL && form_voice(f, "en") != NULL && strcmp(form_voice(f,
	    "en"), "en-029") == 0 && strcmp(form_voice(f, "es"), "es") == 0 &&
	    form_voice(f, "bn") == NULL,
	    "settings voice::Language (code) names a voice per language");
	ok(f != NULL && f->nlangs == 2, "a voice adds no language");
	form_free(f);
	xasprintf(&t, "%s", form);
	memcpy(strstr(t, ",v,en-029") + 3, "en;rm", 5);
	ok(check_count(t, "\"en;rm9\" is not an espeak-ng voice", &p) == 1,
	    "a voice that is not a voice name is refused");
	free(t);
	ok(check_count("survey\n,type,name,label::English (en)\n,note,n,N\n"
	    "settings\n,form_id,voice,voice::Deutsch (de)\n,v,en,de\n",
	    "warning:", &p) == 2 && strstr(buf_cstr(&p), "a voice is for one "
	    "language") && strstr(buf_cstr(&p), "no language \"Deutsch "
	    "(de)\""), "a voice with no language, or one the form has not: "
	    "warnings");
	ok(check_count("survey\n,type,name,label,spoken,spoken_hint,hint\n"
	    ",text,n,Name,Name,,\n,select_one l,q,Hi ${n},Hi ${n},See ${n},"
	    "H\nchoices\n,list_name,name,label,spoken\n,l,a,A ${n},A ${n}\n",
	    "never read aloud", &p) == 3, "${...} in a spoken text: a warning "
	    "for each, as it is left out");
	buf_free(&p);
}

/*
 * Issue 16, real-world forms: select_one_external reads the sheet
 * external_choices (its lists apart from the choices sheet's, duplicates
 * allowed, as pyxform writes them to a CSV); media columns, instance::x,
 * a choice_filter on a text question and a choice row without a list name
 * are warnings, as pyxform accepts them.
 */
static void
test_external(void)
{
	struct buf p = { 0 };
	struct form *f;
	struct form_state *st;
	const struct form_choice **ch;
	size_t n;
	const char *ext =
	    "survey\n,type,name,label,choice_filter\n"
	    ",select_one provinces,prov,Province,\n"
	    ",select_one_external districts,dist,District,prov=${prov}\n"
	    "choices\n,list_name,name,label\n"
	    ",provinces,p1,One\n,provinces,p2,Two\n"
	    "external_choices\n,list_name,name,label,prov\n"
	    ",provinces,p1,One,\n"
	    ",districts,d1,D1,p1\n,districts,other,Other,p1\n"
	    ",districts,d2,D2,p2\n,districts,other,Other,p2\n"
	    ",,x,X,\n";

	is_int(check_count(ext, "c.csv:", &p), 1,
	    "select_one_external: a list in both sheets, duplicate names in "
	    "external_choices: only the empty row's warning");
	ok(strstr(buf_cstr(&p), "row 16, column list_name: warning: a choice "
	    "has no list name; it is left out") != NULL,
	    "a choice row without a list name is left out with a warning: %s",
	    buf_cstr(&p));
	f = load("ext.csv", ext);
	ok(f != NULL, "select_one_external loads");
	if (f != NULL) {
		st = form_state_new(f);
		set(st, "prov", "p2");
		n = form_state_choices(st, (size_t)item(st, "dist", 0), &ch);
		ok(n == 2 && strcmp(ch[0]->name, "d2") == 0 &&
		    strcmp(ch[1]->name, "other") == 0,
		    "select_one_external's choice_filter over external_choices");
		is_str(form_list_name(f->questions[1].list), "districts",
		    "its list is named as the form writes it");
		form_state_free(st);
		form_free(f);
	}
	is_int(check_count("survey\n,type,name,label\n"
	    ",select_one_external nope,a,A\n",
	    "no choice list named \"nope\" in the external_choices sheet", &p),
	    1, "select_one_external without its list");
	is_int(check_count("survey\n,type,name,label\n"
	    ",select_one_external provinces,a,A\n"
	    "choices\n,list_name,name,label\n,provinces,p1,One\n",
	    "no choice list named \"provinces\" in the external_choices", &p),
	    1, "a choices sheet list is not an external one");

	is_int(check_count("survey\n,type,name,label,media::image,"
	    "instance::hxl\n,text,a,A,a.png,#name\n,text,b,B,b.png,\n",
	    "warning: a kiosk shows no images", &p), 1,
	    "media beside a label: one warning, and instance::x is ignored");
	ok(strstr(buf_cstr(&p), "not supported") == NULL &&
	    strstr(buf_cstr(&p), "instance") == NULL, "no error: %s",
	    buf_cstr(&p));
	is_int(check_count("survey\n,type,name,media::image\n"
	    ",note,a,a.png\n", "has no label or hint, only an image, audio "
	    "or video, which is not supported at a kiosk", &p), 1,
	    "a question that is only an image is not supported");
	is_int(check_count("survey\n,type,name,label,choice_filter\n"
	    ",text,a,A,x = 1\n", "warning: choice_filter only applies to "
	    "select questions; it is ignored here", &p), 1,
	    "choice_filter on a text question: a warning");
	is_int(check_count("survey\n,type,name,label,choice_filter\n"
	    ",select_one nope,a,A,x = 1\n", "choice_filter", &p), 0,
	    "a select whose list is missing: no second problem");
	buf_free(&p);
}

/*
 * Issue 16: range (a slider in Collect) is a number between start and
 * end on a step, its parameters checked as pyxform's range.py.
 */
static void
test_range(void)
{
	struct buf p = { 0 };
	struct form *f;
	struct form_state *st;
	char *m = NULL;
	size_t i;
	int k;
	static const struct {
		const char	*v;
		int		 ok;
	} rv[] = {
		{ "4", 1 }, { "0", 1 }, { "10", 1 }, { "5", 0 }, { "12", 0 },
		{ "-2", 0 },
	}, dv[] = {
		{ "2.5", 1 }, { "0.5", 1 }, { "2.7", 0 }, { "3", 0 },
	};

	f = load("range.csv", "survey\n,type,name,label,parameters,constraint\n"
	    ",range,r,R,start=0 end=10 step=2,\n"
	    ",range,d,D,start=0.5 end=5.0 step=0.5,. != 3\n"
	    ",range,z,Z,,\n");
	ok(f != NULL, "range loads");
	if (f == NULL)
		return;
	is_int(f->questions[0].type, FT_INTEGER, "whole parameters: integer");
	is_int(f->questions[1].type, FT_DECIMAL, "a parameter with decimals: "
	    "decimal");
	st = form_state_new(f);
	for (k = 0; k < (int)nitems(rv); k++) {
		i = (size_t)item(st, "r", 0);
		set(st, "r", rv[k].v);
		is_int(form_state_check(st, i, NULL, &msgs, &m) == 0, rv[k].ok,
		    "range 0..10 step 2: %s", rv[k].v);
		free(m);
		m = NULL;
	}
	for (k = 0; k < (int)nitems(dv); k++) {
		i = (size_t)item(st, "d", 0);
		set(st, "d", dv[k].v);
		is_int(form_state_check(st, i, NULL, &msgs, &m) == 0, dv[k].ok,
		    "range 0.5..5 step 0.5 and the row's constraint: %s",
		    dv[k].v);
		free(m);
		m = NULL;
	}
	i = (size_t)item(st, "z", 0);
	set(st, "z", "11");
	ok(form_state_check(st, i, NULL, &msgs, &m) != 0,
	    "no parameters: 1 to 10");
	free(m);
	/* Issue 16: the message says the bounds (not "not allowed"). */
	ok(form_state_check(st, i, NULL, &msgs_range, &m) != 0 &&
	    strcmp(m, "from 1 to 10") == 0, "range message: the bounds");
	printf("# %s\n", m);
	free(m);
	ok(form_state_check(st, i, NULL, &msgs_range_ar, &m) != 0 &&
	    strcmp(m, "from \xd9\xa1 to \xd9\xa1\xd9\xa0") == 0,
	    "range message: in the resident's digits");
	free(m);
	i = (size_t)item(st, "r", 0);
	set(st, "r", "5");
	ok(form_state_check(st, i, NULL, &msgs_range, &m) != 0 &&
	    strcmp(m, "from 0 to 10 by 2") == 0, "range message: a step");
	free(m);
	i = (size_t)item(st, "d", 0);
	set(st, "d", "2.7");
	ok(form_state_check(st, i, NULL, &msgs_range, &m) != 0 &&
	    strcmp(m, "from 0.5 to 5 by 0.5") == 0,
	    "range message: decimal bounds");
	free(m);
	set(st, "d", "3");
	ok(form_state_check(st, i, NULL, &msgs_range, &m) != 0 &&
	    strcmp(m, "CONSTRAINT") == 0,
	    "range message: the row's own constraint keeps its message");
	free(m);
	m = NULL;
	form_state_free(st);
	form_free(f);

	is_int(check_count("survey\n,type,name,label,parameters\n"
	    ",range,q,Q,start=2 stop=9\n", "\"stop\" is not a parameter of "
	    "range", &p), 1, "an unknown parameter (pyxform refuses it)");
	is_int(check_count("survey\n,type,name,label,parameters\n"
	    ",range,q,Q,step=0\n", "step must not be 0", &p), 1, "step 0");
	is_int(check_count("survey\n,type,name,label,parameters\n"
	    ",range,q,Q,start=1 end=3 step=2 tick_interval=3\n",
	    "tick_interval must not be 0 nor more than", &p), 1,
	    "a tick_interval wider than the range");
	is_int(check_count("survey\n,type,name,label,parameters\n"
	    ",range,q,Q,start=1 end=10 step=2 placeholder=4\n",
	    "placeholder must be a multiple of step", &p), 1,
	    "a placeholder off the steps");
	is_int(check_count("survey\n,type,name,label,parameters,appearance\n"
	    ",range,q,Q,tick_labelset=c1,no-ticks\n"
	    "choices\n,list_name,name,label\n,c1,1,A\n,c1,5,B\n,c1,10,C\n",
	    "must label start and end only", &p), 1,
	    "no-ticks with a label inside the range");
	buf_free(&p);	/* a fresh buffer: check_count keeps the old text */
	is_int(check_count("survey\n,type,name,label,parameters,appearance\n"
	    ",range,q,Q,tick_labelset=c1,no-ticks\n"
	    "choices\n,list_name,name,label\n,c1,1,A\n,c1,10,C\n",
	    "c.csv: sheet", &p), 0, "no-ticks labelling start and end: no "
	    "problem");
	buf_free(&p);
}

/*
 * Issue 16: the trigger column (odk:setvalue on xforms-value-changed):
 * the calculation runs only when the named question changes, and the
 * resident may change a triggered question.
 */
static void
test_trigger(void)
{
	struct buf p = { 0 };
	struct form *f;
	struct form_state *st;
	char *e, *cause = NULL;

	f = load("trigger.csv", "survey\n"
	    ",type,name,label,calculation,trigger,repeat_count\n"
	    ",text,a,A,,,\n"
	    ",integer,n,N,,,\n"
	    ",calculate,a_len,,string-length(${a}),${a},\n"
	    ",integer,doubled,Doubled,${n} * 2,${n},\n"
	    ",text,cleared,Cleared,,${a},\n"
	    ",calculate,live,,${n} + 1,,\n"
	    ",calculate,both,,\"concat(${a}, ${n})\",\"${a}, ${n}\",\n"
	    ",begin_repeat,rep,Rep,,,2\n"
	    ",text,x,X,,,\n"
	    ",calculate,x_up,,\"concat(${x}, '!')\",${x},\n"
	    ",calculate,x_a,,${a},${a},\n"
	    ",end_repeat,,,,,\n");
	ok(f != NULL, "trigger: the column loads");
	if (f == NULL)
		return;
	st = form_state_new(f);
	is_str(get(st, "a_len"), "", "trigger: nothing calculated before the "
	    "trigger changes");
	set(st, "a", "abc");
	is_str(get(st, "a_len"), "3", "trigger: calculated when it changes");
	set(st, "n", "4");
	is_str(get(st, "doubled"), "8", "trigger: a question gets its "
	    "calculation");
	set(st, "doubled", "10");
	is_str(get(st, "doubled"), "10", "trigger: and the resident may "
	    "change it");
	set(st, "a", "abcd");
	is_str(get(st, "a_len"), "4", "trigger: again on the next change");
	is_str(get(st, "doubled"), "10", "trigger: another trigger's change "
	    "leaves it");
	is_str(get(st, "both"), "abcd4", "trigger: either of two triggers");
	set(st, "cleared", "keep");
	set(st, "a", "abcd");
	is_str(get(st, "cleared"), "keep", "trigger: the same value again is "
	    "no change");
	set(st, "n", "6");
	is_str(get(st, "doubled"), "12", "trigger: a new value overrides the "
	    "resident's");
	is_str(get(st, "live"), "7", "trigger: calculations still follow");
	set(st, "a", "z");
	is_str(get(st, "cleared"), "", "trigger: no calculation clears it");
	is_str(get_at(st, "x_a", 1), "z", "trigger outside a repeat: sets "
	    "instance 1");
	is_str(get_at(st, "x_a", 2), "z", "trigger outside a repeat: and "
	    "instance 2");
	if (form_state_set(st, (size_t)item(st, "x", 1), "p", &cause) != 0)
		printf("# set x[1] failed\n");
	free(cause);
	is_str(get_at(st, "x_up", 1), "p!", "trigger in a repeat: its own "
	    "instance");
	is_str(get_at(st, "x_up", 2), "", "trigger in a repeat: not the "
	    "others");
	form_state_free(st);
	form_free(f);

	e = load_error("t.csv", "survey\n,type,name,label,calculation,trigger\n"
	    ",text,a,A,,\n"
	    ",calculate,b,,now(),${nosuch}\n");
	ok(strstr(e, "row 4, column trigger") != NULL &&
	    strstr(e, "no question named \"nosuch\"") != NULL,
	    "trigger: a missing question is a load error naming the row");
	printf("# %s\n", e);
	free(e);
	is_int(check_count("survey\n,type,name,label,calculation,trigger\n"
	    ",text,a,A,,\n,calculate,b,,now(),6\n",
	    "row 4, column trigger: the trigger of \"b\" must name a question",
	    &p), 1, "trigger: not a ${name} (pyxform refuses it)");
	is_int(check_count("survey\n,type,name,label,calculation,trigger\n"
	    ",calculate,one,,5 + 4,\n,calculate,ts,,now(),${one}\n",
	    "which the resident does not answer", &p), 1,
	    "trigger: a calculate cannot trigger (pyxform refuses it)");
	is_int(check_count("survey\n,type,name,label,calculation,trigger\n"
	    ",integer,two,,1 + 1,\n,integer,ts,,now(),${two}\n",
	    "which the resident does not answer", &p), 1,
	    "trigger: nor a typed calculate");
	is_int(check_count("survey\n,type,name,label,calculation,trigger\n"
	    ",text,a,A,,\n,begin_group,g,G,,${a}\n,text,c,C,,${a}\n"
	    ",end_group,,,,\n", "warning: a trigger on the group", &p), 1,
	    "trigger: on a group it is ignored, with a warning");
	buf_free(&p);
}

/* Issue 16: an image on a choice is not shown: forms check says so. */
static void
test_choice_media(void)
{
	struct buf p = { 0 };
	const char *form =
	    "survey\n,type,name,label\n,select_one c,q,Q\n,select_one d,r,R\n"
	    "choices\n,list_name,name,label,media::image\n"
	    ",c,a,A,a.png\n,c,b,B,b.png\n,d,x,X,\n,d,y,Y,y.png\n";

	is_int(check_count(form, "warning: the choice", &p), 2,
	    "choice image: a warning per list");
	is_int(check_count(form, "sheet choices, row 7, column media::image: "
	    "warning: the choice \"a\" of list \"c\" has an image", &p), 1,
	    "choice image: naming the row, column, choice and list");
	is_int(check_count(form, "row 10, column media::image: warning: the "
	    "choice \"y\" of list \"d\"", &p), 1,
	    "choice image: at the list's first choice with one");
	is_int(check_count("survey\n,type,name,label\n,select_one c,q,Q\n"
	    "choices\n,list_name,name,label,image\n,c,a,,a.png\n",
	    "row 6, column image: the choice \"a\" of list \"c\" has only "
	    "an image", &p), 1, "choice image: without a label it is an error");
	buf_free(&p);
}

int
main(void)
{
	if (vault_init() != 0) {
		printf("Bail out! vault_init\n");
		return 1;
	}
	test_load();
	test_errors();
	test_state();
	test_logic();
	test_repeats();
	test_faults();
	test_names();
	test_meta();
	test_functions();
	test_indexed_repeat();
	test_nested_repeats();
	test_randomize();
	test_speech_texts();
	test_external();
	test_range();
	test_trigger();
	test_choice_media();
	buf_free(&cols);
	return done_testing();
}
