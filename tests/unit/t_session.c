/*
 * t_session: the session state machine without a screen. A visit is
 * scripted as the calls the ui makes (pick a language, pick a service,
 * answer, back, review, change one answer, change language, a volunteer
 * joins, submit), asserting the state after each; the sealed record is
 * then exported through the session, opened by the office and must hold
 * what was answered, while nothing answered is found in the kiosk's
 * files. Then the PIN lockout through the session API.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../tap.h"
#include "config.h"
#include "fixture.h"
#include "form.h"
#include "i18n.h"
#include "office.h"
#include "outbox.h"
#include "session.h"
#include "util.h"
#include "vault.h"

static const char *dir;

#define NAME	"Ada Lovelace"
#define PHONE	"9735550100"

static const char visit_csv[] =
    "survey\n"
    ",type,name,label::English (en),label::Español (es),required,relevant,"
    "appearance\n"
    ",text,name,Your name,Su nombre,yes,,\n"
    ",select_one yn,kids,Kids?,¿Hijos?,yes,,\n"
    ",integer,nkids,How many?,¿Cuántos?,yes,${kids} = 'yes',\n"
    ",begin_group,contact,Contact,Contacto,,,field-list\n"
    ",text,phone,Phone,Teléfono,,,\n"
    ",text,email,Email,Correo,,,\n"
    ",end_group,contact,,,,,\n"
    ",select_multiple papers,papers,Papers?,¿Papeles?,,,\n"
    "choices\n"
    ",list_name,name,label::English (en),label::Español (es)\n"
    ",yn,yes,Yes,Sí\n"
    ",yn,no,No,No\n"
    ",papers,id,ID,Identificación\n"
    ",papers,lease,Lease,Contrato\n"
    "settings\n"
    ",form_id,version,form_title::English (en),form_title::Español (es),"
    "next_steps::English (en),ticket_show_service,menu_order\n"
    ",visit,1,Visit,Visita,Bring your ID.,no,1\n";

static const char other_csv[] =
    "survey\n"
    ",type,name,label::English (en),label::Español (es)\n"
    ",text,why,Why?,¿Por qué?\n"
    ",note,said,You wrote ${why}.,Escribió ${why}.\n"
    "settings\n"
    ",form_id,version,form_title::English (en),form_title::Español (es),"
    "menu_order\n"
    ",other,1,Other,Otro,2\n";

/* Repeats in a repeat, for session_where. */
static const char nest_csv[] =
    "survey\n"
    ",type,name,label::English (en),label::العربية (ar)\n"
    ",begin_repeat,member,**Member**,عضو\n"
    ",text,first,First name?,الاسم؟\n"
    ",begin_repeat,job,Job of ${first},عمل ${first}\n"
    ",text,title,What work?,ما العمل؟\n"
    ",end_repeat,,,\n"
    ",end_repeat,,,\n"
    ",text,after,Anything else?,شيء آخر؟\n"
    "settings\n"
    ",form_id,version,form_title::English (en),form_title::العربية (ar),"
    "menu_order\n"
    ",nest,1,Nest,عش,3\n";

static struct config *
setup(struct vault_office_key **key)
{
	char vol[crypto_pwhash_STRBYTES], staff[crypto_pwhash_STRBYTES];
	struct buf extra = { 0 };
	struct config *cfg;

	*key = fixture_office();
	fixture_mkdir("forms");
	fixture_put("forms/visit.csv", visit_csv);
	fixture_put("forms/other.csv", other_csv);
	fixture_pin_hash(vol, "135790");
	fixture_pin_hash(staff, "246810");
	buf_addf(&extra, "[volunteers]\n7 = %s\n[staff]\npin = %s\n", vol,
	    staff);
	cfg = fixture_kiosk("en es ar", buf_cstr(&extra));
	buf_free(&extra);
	return cfg;
}

/* The item on the current page whose question is called name, or -1. */
static long
item_named(struct session *s, const char *name)
{
	size_t items[16], n, i;

	n = session_page_items(s, items, 16);
	for (i = 0; i < n; i++)
		if (strcmp(session_question(s, items[i])->name, name) == 0)
			return (long)items[i];
	return -1;
}

/* The page shows exactly these questions, in this order. */
static int
page_is(struct session *s, const char *a, const char *b)
{
	size_t items[16], n;

	if (session_screen(s) != SESSION_PAGE)
		return 0;
	n = session_page_items(s, items, 16);
	if (n != (b != NULL ? 2u : 1u) ||
	    strcmp(session_question(s, items[0])->name, a) != 0)
		return 0;
	return b == NULL || strcmp(session_question(s, items[1])->name,
	    b) == 0;
}

/* Is text found in any file under path (the kiosk's own files)? */
static int
found_under(const char *path, const char *text)
{
	struct buf b = { 0 };
	struct dirent *de;
	struct stat st;
	DIR *d;
	char *p, *cause = NULL;
	int found = 0;

	if (stat(path, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode)) {
		if (read_file(path, &b, 64 << 20, &cause) != 0) {
			free(cause);
			return 0;
		}
		found = memmem(b.data, b.len, text, strlen(text)) != NULL;
		buf_free(&b);
		return found;
	}
	if ((d = opendir(path)) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		xasprintf(&p, "%s/%s", path, de->d_name);
		found = found_under(p, text);
		free(p);
	}
	closedir(d);
	return found;
}

static void
answer_page(struct session *s, const char *name, const char *value)
{
	long item = item_named(s, name);

	ok(item >= 0 && session_answer(s, (size_t)item, value) == 0 &&
	    strcmp(session_value(s, (size_t)item), value) == 0,
	    "%s answered", name);
}

/* LANG -> SERVICE -> PAGE ... -> REVIEW, with Back and a wrong answer. */
static void
visit_pages(struct session *s)
{
	const struct form_choice **ch;
	char *msg = NULL;
	int at, total;
	long item;

	ok(session_screen(s) == SESSION_LANG && !session_active(s),
	    "a new session waits on the language screen, with nothing to lose");
	session_pick_lang(s, "es");
	ok(session_screen(s) == SESSION_SERVICE &&
	    strcmp(session_lang(s), "es") == 0, "pick_lang: SERVICE, in es");
	ok(session_nforms(s) == 2 && strcmp(session_form_title(s, 0),
	    "Visita") == 0 && strcmp(session_form_title(s, 1), "Otro") == 0,
	    "the services in menu order, titled in the language");
	session_back(s);
	ok(session_screen(s) == SESSION_LANG, "back from SERVICE: LANG");
	session_pick_lang(s, "en");
	ok(session_pick_service(s, 5) == -1 &&
	    session_screen(s) == SESSION_SERVICE, "no such service: stays");
	ok(session_pick_service(s, 0) == 0 && page_is(s, "name", NULL) &&
	    strcmp(session_title(s), "Visit") == 0 && !session_info_only(s),
	    "pick_service: PAGE, the first question");
	ok(session_back_leaves(s) && !session_has_answers(s),
	    "on the first page Back would leave, and nothing is answered");

	ok(session_next(s, &msg) == -1 && msg != NULL &&
	    strcmp(msg, "This answer is required.") == 0 &&
	    page_is(s, "name", NULL), "next without a required answer: "
	    "refused with the message, same page");
	free(msg);
	answer_page(s, "name", NAME);
	ok(session_has_answers(s), "now something is answered");
	ok(session_next(s, &msg) == 0 && msg == NULL &&
	    page_is(s, "kids", NULL) && !session_back_leaves(s),
	    "next: the second page");
	session_progress(s, &at, &total);
	ok(at == 2 && total == 4, "progress 2 / 4 (nkids is not relevant "
	    "yet), got %d / %d", at, total);
	item = item_named(s, "kids");
	session_choose(s, (size_t)item, 0);
	ok(strcmp(session_value(s, (size_t)item), "yes") == 0,
	    "choose: select_one stores the choice name");
	ok(session_next(s, &msg) == 0 && page_is(s, "nkids", NULL),
	    "next: a question made relevant by the answer");
	session_progress(s, &at, &total);
	ok(at == 3 && total == 5, "progress 3 / 5, got %d / %d", at, total);
	answer_page(s, "nkids", "x");
	ok(session_next(s, &msg) == -1 && msg != NULL &&
	    page_is(s, "nkids", NULL) &&
	    !session_item_ok(s, (size_t)item_named(s, "nkids")),
	    "not a whole number: refused, same page");
	free(msg);
	answer_page(s, "nkids", "2");
	ok(session_next(s, &msg) == 0 && page_is(s, "phone", "email"),
	    "next: the field-list page shows both its questions");
	session_back(s);
	ok(page_is(s, "nkids", NULL) && strcmp(session_value(s,
	    (size_t)item_named(s, "nkids")), "2") == 0,
	    "back: the page before, its answer kept");
	ok(session_next(s, &msg) == 0 && page_is(s, "phone", "email"),
	    "next again");
	answer_page(s, "phone", PHONE);
	ok(session_next(s, &msg) == 0 && page_is(s, "papers", NULL),
	    "next: a select_multiple");
	item = item_named(s, "papers");
	session_choose(s, (size_t)item, 0);
	session_choose(s, (size_t)item, 1);
	ok(strcmp(session_value(s, (size_t)item), "id lease") == 0,
	    "choose ticks one, then another");
	session_choose(s, (size_t)item, 0);
	ok(strcmp(session_value(s, (size_t)item), "lease") == 0 &&
	    session_choices(s, (size_t)item, &ch) == 2 &&
	    !session_chosen(s, (size_t)item, ch[0]) &&
	    session_chosen(s, (size_t)item, ch[1]),
	    "choose again unticks; session_chosen says which are ticked");
	ok(session_next(s, &msg) == 0 && session_screen(s) == SESSION_REVIEW,
	    "next on the last page: REVIEW");
}

/* REVIEW: back, change one answer, change language mid-visit. */
static void
visit_review(struct session *s)
{
	size_t *items, n, i, kids = 0;
	char *msg = NULL;

	n = session_review_items(s, &items);
	ok(n == 6, "review: name, kids, nkids, phone, email, papers (got %zu)",
	    n);
	for (i = 0; i < n; i++)
		if (strcmp(session_question(s, items[i])->name, "kids") == 0)
			kids = items[i];
	free(items);
	session_back(s);
	ok(page_is(s, "papers", NULL), "back from REVIEW: the last page");
	ok(session_next(s, &msg) == 0 && session_screen(s) == SESSION_REVIEW,
	    "and on to REVIEW again");

	session_edit(s, kids);
	ok(page_is(s, "kids", NULL) && !session_back_leaves(s),
	    "edit: the page of that answer");
	session_choose(s, kids, 1);
	ok(session_next(s, &msg) == 0 && session_screen(s) == SESSION_REVIEW,
	    "next while editing: straight back to REVIEW");
	n = session_review_items(s, &items);
	free(items);
	ok(n == 5, "nkids is no longer relevant: 5 answers (got %zu)", n);

	session_lang_menu(s);
	ok(session_screen(s) == SESSION_LANG && session_lang_menu_open(s) &&
	    session_active(s), "lang_menu: LANG mid-visit");
	session_back(s);
	ok(session_screen(s) == SESSION_REVIEW && !session_lang_menu_open(s) &&
	    strcmp(session_lang(s), "en") == 0,
	    "back from it: REVIEW, language unchanged");
	session_lang_menu(s);
	session_pick_lang(s, "es");
	ok(session_screen(s) == SESSION_REVIEW &&
	    strcmp(session_lang(s), "es") == 0 && session_has_answers(s) &&
	    strcmp(session_title(s), "Visita") == 0,
	    "pick_lang mid-visit: back to REVIEW in es, answers kept");
}

/* A volunteer joins; submit; the ticket; finish. Returns the claim. */
static char *
visit_submit(struct session *s)
{
	char *msg = NULL, *claim;

	ok(session_volunteer(s, 8, "135790") == -1 &&
	    session_volunteer(s, 7, "000000") == -1 &&
	    session_assisted_by(s) == 0, "a wrong volunteer number or PIN "
	    "is refused");
	ok(session_volunteer(s, 7, "135790") == 0 &&
	    session_assisted_by(s) == 7, "volunteer 7 assists");
	ok(session_submit(s, &msg) == 0 && msg == NULL &&
	    session_screen(s) == SESSION_TICKET, "submit: TICKET");
	ok(session_claim(s) != NULL && strlen(session_claim(s)) == 14,
	    "a claim code");
	ok(session_ticket_state(s) == TICKET_NO_PRINTER,
	    "no printer configured: the code only on screen");
	ok(session_next_steps(s) != NULL &&
	    strcmp(session_next_steps(s), "Bring your ID.") == 0,
	    "the service's next steps (no Spanish: the form's English)");
	ok(session_page_items(s, (size_t[4]){ 0 }, 4) == 0 &&
	    !session_has_answers(s), "the answers are gone from memory");
	claim = xstrdup(session_claim(s));
	session_finish(s);
	ok(session_screen(s) == SESSION_LANG && session_claim(s) == NULL &&
	    session_assisted_by(s) == 0 && !session_active(s) &&
	    strcmp(session_lang(s), "en") == 0,
	    "finish: LANG, in the first language, nothing kept");
	return claim;
}

/* Export through the session; the office opens what was sealed. */
static void
open_sealed(struct session *s, struct vault_office_key *key,
    const char *claim)
{
	struct office *o;
	struct buf b = { 0 };
	struct dirent *de;
	DIR *d;
	char *usb, *out, *batch = NULL, *msg = NULL, *cause = NULL, *csv;
	long added = 0;
	int replay = 0, why = 0, gap = 0, lost = 0, rc;

	xasprintf(&usb, "%s/usb", dir);
	xasprintf(&out, "%s/out", dir);
	mkdir(usb, 0700);
	mkdir(out, 0700);
	ok(session_waiting(s) == 1, "one submission waiting");
	rc = session_export(s, usb, &msg);
	ok(rc == 0 && msg != NULL && strstr(msg, "Exported 1 submission") !=
	    NULL, "session_export: %s", msg ? msg : "(no message)");
	free(msg);
	if ((d = opendir(usb)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.' && batch == NULL)
				xasprintf(&batch, "%s/%s", usb, de->d_name);
		closedir(d);
	}
	ok(batch != NULL, "a batch on the stick");
	o = office_open(out, NULL, 1, &cause);
	ok(o != NULL, "office opens");
	if (o == NULL || batch == NULL)
		goto out;
	office_add_key(o, key);
	ok(office_batch(o, batch, &replay, &added, &why, &cause) == 0 &&
	    added == 1, "the office opens the batch: %s", cause ? cause :
	    "1 record");
	ok(office_finish(o, &b, &gap, &lost, &cause) == 0 && !gap && !lost,
	    "the office finishes the run");
	buf_free(&b);
	office_close(o);
	xasprintf(&csv, "%s/visit-v1.csv", out);
	ok(read_file(csv, &b, 1 << 20, &cause) == 0, "visit-v1.csv written");
	free(csv);
	buf_cstr(&b);
	/* ... language, date, assisted_by, claim_code, name, kids, ... */
	xasprintf(&csv, ",7,%s," NAME ",no,(not asked)," PHONE ",,lease,0,1\r\n", claim);
	ok(b.data != NULL && strstr((char *)b.data, ",visit,1,es,") != NULL &&
	    strstr((char *)b.data, csv) != NULL, "the sealed record opens and "
	    "holds the answers as changed, the language, the volunteer and "
	    "the claim code");
	free(csv);
	buf_free(&b);
out:
	free(cause);
	free(batch);
	free(usb);
	free(out);
}

/* The staff and volunteer PINs: five wrong in a row lock both. */
static void
pins(const struct config *cfg, struct outbox *ob)
{
	struct session *s;
	char *cause = NULL, *msg = NULL;
	int i, bad = 0;

	s = session_new(cfg, ob, &cause);
	session_load_forms(s);
	session_pick_lang(s, "en");
	session_pick_service(s, 0);
	session_answer(s, (size_t)item_named(s, "name"), NAME);
	ok(session_staff_pin(s, "000000") == -1 && session_active(s) &&
	    session_has_answers(s),
	    "a wrong staff PIN: refused, the visit untouched");
	for (i = 0; i < 3; i++)
		bad += session_staff_pin(s, "000000") != -1;
	ok(bad == 0 && session_pin_wait(s) == 0, "four wrong: not locked");
	ok(session_staff_pin(s, "246810") == 0 && !session_active(s) &&
	    session_screen(s) == SESSION_LANG,
	    "the right staff PIN: the visit behind the menu is wiped");
	for (i = 0; i < 4; i++)
		bad += session_staff_pin(s, "000000") != -1;
	ok(bad == 0 && session_pin_wait(s) == 0,
	    "a right PIN starts the count again: four more, not locked");
	ok(session_volunteer(s, 7, "999999") == -1 &&
	    session_pin_wait(s) > 25 && session_pin_wait(s) <= 30,
	    "the fifth wrong PIN in a row (a volunteer's) locks for 30 s");
	ok(session_staff_pin(s, "246810") == -1 &&
	    session_volunteer(s, 7, "135790") == -1 &&
	    session_assisted_by(s) == 0,
	    "while locked even the right PINs are refused");
	session_wipe(s);
	ok(session_pin_wait(s) > 0, "the lock outlives a wipe");
	ok(session_export(s, "/nonexistent/stick", &msg) == -1 &&
	    msg != NULL && strstr(msg, "Export failed") != NULL,
	    "an export that cannot write says so");
	free(msg);
	session_free(s);
}

/*
 * A ${name} in a label is shown in the resident's digits, as answers are
 * on the review (issue 14): the Arabic catalogue chooses ٠-٩; English and
 * Latin text keep 0-9. What is kept stays ASCII.
 */
static void
digits(const struct config *cfg, struct outbox *ob)
{
	static const struct {
		const char *lang, *typed, *shown;
	} c[] = {
		{ "ar", "2021", "\xd9\xa2\xd9\xa0\xd9\xa2\xd9\xa1" },
		{ "ar", "Apt 3B", "Apt 3B" },
		{ "en", "2021", "2021" },
	};
	struct session *s;
	char *cause = NULL, *label, *msg = NULL;
	long it;
	size_t i;

	setlocale(LC_ALL, "");	/* as kiosk run does: gettext needs it */
	i18n_init("build/locale");
	for (i = 0; i < nitems(c); i++) {
		s = session_new(cfg, ob, &cause);
		session_load_forms(s);
		session_pick_lang(s, c[i].lang);
		session_pick_service(s, 1);
		session_answer(s, (size_t)item_named(s, "why"), c[i].typed);
		session_next(s, &msg);
		free(msg);
		msg = NULL;
		it = item_named(s, "said");
		label = it < 0 ? xstrdup("") : session_label(s, (size_t)it);
		ok(strstr(label, c[i].shown) != NULL &&
		    strcmp(session_value(s, 0),
		    c[i].typed) == 0,
		    "%s: ${why} = \"%s\" is shown as \"%s\" (%s); kept as typed",
		    c[i].lang, c[i].typed, c[i].shown, label);
		freezero_str(label);
		session_free(s);
	}
}

/* session_where gives levels; all of them joined by " | " (0 if none). */
static char *
where_is(struct session *s)
{
	struct buf b = { 0 };
	char *lv[4], *r;
	size_t n, i;

	n = session_where(s, lv, nitems(lv));
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_adds(&b, " | ");
		buf_adds(&b, lv[i]);
		free(lv[i]);
	}
	r = xstrdup(n > 0 ? buf_cstr(&b) : "");
	buf_free(&b);
	return r;
}

/*
 * Where a page stands inside repeats: each repeat's label and instance
 * number, outermost first, ${name} as "…" (never the answer), no "**";
 * nothing outside repeats; the resident's digits and language.
 */
static void
where(const struct config *cfg, struct outbox *ob)
{
	static const char *const want[] = {
		"Member 1",			/* first[1] */
		"Member 1 | Job of … 1",	/* title[1][1] */
		"Member 1",			/* add another job? */
		"",				/* add another member? */
		"",				/* after */
	};
	struct session *s;
	char *cause = NULL, *msg = NULL, *w;
	size_t i;

	fixture_put("forms/nest.csv", nest_csv);	/* the third service */
	s = session_new(cfg, ob, &cause);
	session_load_forms(s);
	session_pick_lang(s, "en");
	session_pick_service(s, 2);
	session_answer(s, (size_t)item_named(s, "first"), "Ana");
	for (i = 0; i < nitems(want); i++) {
		w = where_is(s);
		ok(strcmp(w, want[i]) == 0 && strstr(w, "Ana") == NULL,
		    "where, page %zu: \"%s\" (want \"%s\")", i, w, want[i]);
		free(w);
		if (session_repeat_prompt(s, session_page(s), NULL))
			session_repeat(s, 0, &msg);
		else
			session_next(s, &msg);
		free(msg);
		msg = NULL;
	}
	session_free(s);
	s = session_new(cfg, ob, &cause);
	session_load_forms(s);
	session_pick_lang(s, "ar");
	session_pick_service(s, 2);
	w = where_is(s);
	ok(strcmp(w, "عضو \xd9\xa1") == 0, "where in Arabic, Arabic-Indic "
	    "digits: \"%s\"", w);
	free(w);
	session_free(s);
}

int
main(void)
{
	struct vault_office_key *key;
	struct config *cfg;
	struct outbox *ob;
	struct session *s;
	char *cause = NULL, *claim, *data;

	ok(vault_init() == 0, "libsodium starts");
	dir = fixture_dir("t_session");
	cfg = setup(&key);
	ob = outbox_open(cfg, &cause);
	ok(ob != NULL, "outbox opens: %s", cause ? cause : "");
	if (ob == NULL)
		return 1;
	s = session_new(cfg, ob, &cause);
	session_load_forms(s);

	visit_pages(s);
	visit_review(s);
	claim = visit_submit(s);
	xasprintf(&data, "%s/data", dir);
	ok(!found_under(data, NAME) && !found_under(data, PHONE) &&
	    !found_under(data, claim), "nothing answered, nor the claim "
	    "code, is in the kiosk's files or log");
	open_sealed(s, key, claim);
	session_free(s);
	pins(cfg, ob);
	digits(cfg, ob);
	where(cfg, ob);

	free(data);
	freezero_str(claim);
	outbox_close(ob);
	config_free(cfg);
	fixture_remove("T_SESSION_KEEP");
	return done_testing();
}
