/*
 * ui-listen: the Listen key (F3, and its tappable hint): read the screen
 * aloud in the resident's language through the speech module (speech.h,
 * which runs the helper kiosk-speak). Part of the ui module: it reads the
 * session and the ui's own state, and never draws but the hint.
 *
 * What is spoken: the screen's title or question, its hint, each option
 * with its number ("1: Yes. 2: No.") (each text from the form's spoken::
 * or spoken_hint:: column where it has one), and any error message;
 * phone numbers and other long numbers digit by digit, in ASCII or the
 * script's own digits. Never what the resident typed or chose, nor the
 * claim code: labels are taken as the form wrote them, with ${...}
 * references to other answers left out, the ticket screen's code is
 * skipped, and the review screen's answers too. Only the ticket screen's
 * own key, F6, reads the code, one character at a time. Text goes to the
 * helper in logical order (never the reordered form the screen may draw).
 *
 * Pressing Listen again stops; any change of screen stops. With
 * [audio] auto = yes, once the resident has pressed Listen in this visit
 * every new screen is read. With no audio device (the helper's probe
 * failed, or [audio] enabled = no) the key and its hint do not exist.
 *
 * The voice: [audio] voice.CODE, else the open form's settings
 * voice::Lang, else espeak-ng's voice for the language; one the helper
 * answers "unknown voice" for is replaced by the language's own for the
 * rest of the run, and the same text read again. ui_listen_status gives
 * the staff menu its line (on or off, device, helper, voices).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "form.h"
#include "i18n.h"
#include "session.h"
#include "speech.h"
#include "text.h"
#include "util.h"

#include "ui-private.h"

/*
 * A voice for lang, unless the helper has said it does not have it (a
 * config's voice.CODE or a form's voice:: naming a voice that is not
 * installed): then espeak-ng's voice for the language, so the resident
 * still hears something (ui_listen_tick).
 */
static const char *
usable(struct ui *u, const char *lang, const char *v)
{
	if (u->voice_bad != NULL && strcmp(v, u->voice_bad) == 0)
		return config_voice(NULL, lang);
	return v;
}

/*
 * The resident's voice: [audio] voice.CODE, else the form's settings
 * voice::Lang while a form is open, else the language's default.
 */
static const char *
voice(struct ui *u)
{
	const struct form *f = session_form(u->s);
	const char *lang = session_lang(u->s);

	return usable(u, lang, config_voice_form(u->cfg, lang, f != NULL ?
	    form_voice(f, lang) : NULL));
}

/* Remember the voice of a reading, to read it again if it is unknown. */
static void
said(struct ui *u, const char *v, int code)
{
	free(u->voice_said);
	u->voice_said = v != NULL ? xstrdup(v) : NULL;
	u->said_code = code;
}

/* Append one part of what is said, ending as a sentence. */
static void
part(struct buf *b, const char *s)
{
	char *t, *p, *q;
	size_t n;

	if (s == NULL || *s == '\0')
		return;
	t = xstrdup(s);
	/*
	 * Leave out ${name}: it would be another answer of the resident.
	 * The screen shows it filled in (session_label), but the screen is
	 * read by the resident and speech is heard by the room; a filled
	 * value is an answer or computed from one (incident-report's
	 * dcr_last_day is the incident's date + 180 days), so it is never
	 * spoken (SECURITY.md, tests/speech/listen-form.t).
	 */
	while ((p = strstr(t, "${")) != NULL && (q = strchr(p, '}')) != NULL)
		memmove(p, q + 1, strlen(q + 1) + 1);
	text_plain(t);
	p = speech_spell_numbers(t);	/* phone numbers digit by digit */
	free(t);
	t = p;
	n = strlen(t);
	while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\n'))
		t[--n] = '\0';
	if (n == 0) {
		free(t);
		return;
	}
	buf_adds(b, t);
	/* A pause after each part unless it ends in punctuation already. */
	if (strchr(".?!:;", t[n - 1]) == NULL &&
	    !(n >= 3 && (strcmp(t + n - 3, "।") == 0 ||
	    strcmp(t + n - 2, "۔") == 0 || strcmp(t + n - 2, "؟") == 0)))
		buf_addc(b, '.');
	buf_addc(b, '\n');
	free(t);
}

/* "3: Yes." */
static void
option(struct buf *b, int n, const char *label)
{
	char *t;

	xasprintf(&t, "%d: %s", n, label);
	part(b, t);
	free(t);
}

/*
 * A text as read aloud: the form's spoken column (spoken::Lang (code) for
 * labels, of questions and of choices; spoken_hint::Lang (code) for
 * hints) in this very language (a spoken text in another language would
 * be read in the wrong voice), else the written text.
 */
static const char *
spoken_text(struct ui *u, const struct form_text *spoken,
    const struct form_text *written)
{
	const struct form *f = session_form(u->s);
	int i = form_lang_index(f, session_lang(u->s));

	if (i >= 0 && spoken->by_lang != NULL && spoken->by_lang[i] !=
	    NULL && *spoken->by_lang[i] != '\0')
		return spoken->by_lang[i];
	if (f->nlangs == 0 && spoken->plain != NULL &&
	    *spoken->plain != '\0')
		return spoken->plain;
	return session_text(u->s, written);
}

static void
page_item(struct ui *u, struct buf *b, size_t item, int focused)
{
	const struct form_question *q = session_question(u->s, item);
	const struct form_question *bq;
	const struct form_choice **ch;
	enum qtype_widget w = qtype_widget(q->type);
	size_t begin, n, i;
	char *t;

	if (w == QW_ANOTHER && session_repeat_prompt(u->s, item, &begin)) {
		bq = session_question(u->s, begin);
		xasprintf(&t, _("Add another: %s?"),
		    session_text(u->s, &bq->label));
		part(b, t);
		free(t);
		option(b, 1, _("Yes, add another"));
		option(b, 2, _("No, go on"));
		return;
	}
	part(b, spoken_text(u, &q->spoken, &q->label));
	part(b, spoken_text(u, &q->spoken_hint, &q->hint));
	if (!focused)
		return;
	if (w == QW_CONFIRM)
		option(b, 1, _("Yes, I understand"));
	else if (w == QW_ONE || w == QW_MANY) {
		n = session_choices(u->s, item, &ch);
		for (i = 0; i < n; i++)
			option(b, (int)i + 1, spoken_text(u, &ch[i]->spoken,
			    &ch[i]->label));
	}
}

/* What the current screen says, in the resident's language. */
static void
screen_text(struct ui *u, struct buf *b)
{
	size_t items[PAGE_MAX], n, i, begin;
	int inst;
	char *t;

	switch (session_screen(u->s)) {
	case SESSION_LANG:
		break;		/* each language in its own voice: say_lang */
	case SESSION_SERVICE:
		part(b, _("What do you need today?"));
		part(b, _("Choose a service. Use the number keys or the arrow "
		    "keys, then press Enter."));
		for (i = 0; i < session_nforms(u->s); i++)
			option(b, (int)i + 1, session_form_title(u->s, i));
		break;
	case SESSION_PAGE:
		if (u->confirm && session_in_instance(u->s, &begin, &inst)) {
			xasprintf(&t, _("Remove %1$s %2$d? Its answers will be "
			    "erased."), session_text(u->s,
			    &session_question(u->s, begin)->label), inst);
			part(b, t);
			free(t);
			option(b, 1, _("Yes, remove it"));
			option(b, 2, _("No, keep it"));
			break;
		}
		n = session_page_items(u->s, items, PAGE_MAX);
		for (i = 0; i < n; i++)
			page_item(u, b, items[i], (int)i == u->focus);
		break;
	case SESSION_REVIEW:
		part(b, _("Check your answers. To change one, choose it and "
		    "press Enter. When all is right, choose Send."));
		part(b, _("Send my answers"));
		break;
	case SESSION_TICKET:
		/* The status, never the code. */
		switch (session_ticket_state(u->s)) {
		case TICKET_PRINTING:
			part(b, _("Your answers are saved and sealed. Your "
			    "ticket is printing…"));
			break;
		case TICKET_PRINTED:
			part(b, _("Your answers are saved and sealed. Take "
			    "your ticket from the printer."));
			break;
		case TICKET_FAILED:
			part(b, _("Your answers are saved and sealed, but the "
			    "printer is not working. Please write down your "
			    "code now."));
			break;
		default:
			part(b, _("Your answers are saved and sealed. Please "
			    "write down your code now."));
			break;
		}
		break;
	}
	if (u->msg != NULL)
		part(b, u->msg);
}

/* The language screen: each language asks in its own words and voice. */
static void
say_lang(struct ui *u)
{
	char *t, *cause = NULL;
	int i;

	said(u, NULL, 0);
	for (i = 0; i < u->cfg->nlangs; i++) {
		xasprintf(&t, "%d: %s", i + 1, u->lang_label[i]);
		if (speech_say(u->speech, usable(u, u->cfg->langs[i],
		    config_voice(u->cfg, u->cfg->langs[i])), t, i > 0,
		    &cause) < 0) {
			log_msg("speech: %s", cause);
			free(cause);
			free(t);
			return;
		}
		free(t);
	}
}

static void
say_screen(struct ui *u)
{
	struct buf b = { 0 };
	char *cause = NULL;

	if (session_screen(u->s) == SESSION_LANG) {
		say_lang(u);
		return;
	}
	screen_text(u, &b);
	if (b.len > SPEECH_TEXT_MAX)
		b.len = SPEECH_TEXT_MAX;	/* (a cut mid-letter is skipped) */
	said(u, voice(u), 0);
	if (b.len > 0 && speech_say(u->speech, voice(u), buf_cstr(&b), 0,
	    &cause) < 0) {
		log_msg("speech: %s", cause);
		free(cause);
	}
	buf_free(&b);
}

/* The separate key of the ticket screen: the claim code, one by one. */
void
ui_listen_code(struct ui *u)
{
	char *code, *t, *cause = NULL;

	if (!ui_listen_shown(u) || session_screen(u->s) != SESSION_TICKET ||
	    session_claim(u->s) == NULL)
		return;
	code = speech_spell_code(session_claim(u->s));
	xasprintf(&t, "%s: %s.\n%s.", _("Your claim code"), code, code);
	said(u, voice(u), 1);
	if (speech_say(u->speech, voice(u), t, 0, &cause) < 0) {
		log_msg("speech: %s", cause);
		free(cause);
	}
	freezero_str(t);
	freezero_str(code);
}

void
ui_listen_start(struct ui *u)
{
	struct speech_params p;
	char *cause = NULL;

	if (!u->cfg->audio_enabled)
		return;
	memset(&p, 0, sizeof p);
	p.device = u->cfg->audio_device;
	p.rate = u->cfg->audio_rate;
	p.volume = u->cfg->audio_volume;
	p.quiet = 1;
	u->speech = speech_new(&p);
	if (speech_probe(u->speech, &cause) != 0) {
		log_msg("speech: %s; the Listen key is hidden", cause);
		free(cause);
	}
}

void
ui_listen_end(struct ui *u)
{
	speech_free(u->speech);
	u->speech = NULL;
	free(u->listen_sig);
	u->listen_sig = NULL;
	free(u->listen_why);
	u->listen_why = NULL;
	said(u, NULL, 0);
	free(u->voice_bad);
	u->voice_bad = NULL;
}

int
ui_listen_shown(struct ui *u)
{
	return u->speech != NULL && speech_device(u->speech) ==
	    SPEECH_DEVICE_OK && u->mode == MODE_NORMAL;
}

void
ui_listen_key(struct ui *u)
{
	if (!ui_listen_shown(u))
		return;
	if (speech_busy(u->speech)) {
		speech_stop(u->speech);
		return;
	}
	u->listened = 1;
	say_screen(u);
}

/* Each pass of the ui loop: read the helper; stop (or read) on a change. */
void
ui_listen_tick(struct ui *u)
{
	enum speech_device before;
	char *sig;

	if (u->speech == NULL)
		return;
	before = speech_device(u->speech);
	speech_poll(u->speech, 0);
	if (before == SPEECH_DEVICE_UNKNOWN &&
	    speech_device(u->speech) == SPEECH_DEVICE_NONE)
		log_msg("speech: no audio device (%s); the Listen key is "
		    "hidden", speech_why(u->speech) ? speech_why(u->speech) :
		    "no answer");
	else if (speech_why(u->speech) != NULL && (u->listen_why == NULL ||
	    strcmp(u->listen_why, speech_why(u->speech)) != 0)) {
		/* The helper's failures and deaths, for staff: no text. */
		log_msg("speech: %s", speech_why(u->speech));
	}
	if (speech_why(u->speech) != NULL && (u->listen_why == NULL ||
	    strcmp(u->listen_why, speech_why(u->speech)) != 0)) {
		free(u->listen_why);
		u->listen_why = xstrdup(speech_why(u->speech));
	}
	if (speech_why(u->speech) != NULL && strcmp(speech_why(u->speech),
	    "unknown voice") == 0 && u->voice_said != NULL &&
	    strcmp(u->voice_said, usable(u, session_lang(u->s),
	    u->voice_said)) == 0 && strcmp(u->voice_said,
	    config_voice(NULL, session_lang(u->s))) != 0) {
		/* Not installed: the language's own voice reads it again.
		   (No voice name in the log: it would name a language.) */
		log_msg("speech: a voice from [audio] voice.CODE or a form "
		    "is not installed; the default voice reads instead");
		free(u->voice_bad);
		u->voice_bad = xstrdup(u->voice_said);
		if (u->said_code)
			ui_listen_code(u);
		else
			say_screen(u);
	}
	xasprintf(&sig, "%d %d %zu %d %d %d %s %s", u->mode,
	    (int)session_screen(u->s), session_page(u->s), u->focus, u->confirm,
	    session_lang_menu_open(u->s), session_lang(u->s),
	    u->msg ? u->msg : "");
	if (u->listen_sig != NULL && strcmp(sig, u->listen_sig) == 0) {
		free(sig);
		return;
	}
	free(u->listen_sig);
	u->listen_sig = sig;
	speech_stop(u->speech);
	if (session_screen(u->s) == SESSION_LANG &&
	    !session_lang_menu_open(u->s))
		u->listened = 0;	/* a new visit */
	else if (u->listened && u->cfg->audio_auto && ui_listen_shown(u))
		say_screen(u);
}

/*
 * The Listen hint. On the language screen, before anyone has chosen, it
 * is there in every configured language, each word a tap target.
 */
int
ui_listen_hints(struct ui *u, struct key_hint *out, int max)
{
	const char *t;
	int i, n = 0;

	if (!ui_listen_shown(u) || max < 1)
		return 0;
	if (session_screen(u->s) != SESSION_LANG ||
	    session_lang_menu_open(u->s)) {
		/* TRANSLATORS: the key that reads the screen aloud. */
		out[n++] = (struct key_hint){ _("F3: listen"), HIT_LISTEN };
		/* TRANSLATORS: on the ticket screen: reads the claim code
		   aloud, one character at a time. */
		if (session_screen(u->s) == SESSION_TICKET &&
		    session_claim(u->s) != NULL &&
		    n < max)
			out[n++] = (struct key_hint){ _("F6: hear my code"),
			    HIT_LISTEN_CODE };
		return n;
	}
	for (i = 0; i < u->cfg->nlangs && n < max; i++) {
		if ((t = u->listen_words[i]) != NULL)
			out[n++] = (struct key_hint){ t, HIT_LISTEN };
	}
	return n;
}

/* The words of the hint in every language (at start, like lang_labels). */
void
ui_listen_words(struct ui *u)
{
	const char *t;
	int i, j;

	for (i = 0; i < u->cfg->nlangs; i++) {
		i18n_set(u->cfg->langs[i]);
		t = _("F3: listen");
		if (i > 0 && strncmp(t, "F3: ", 4) == 0)
			t += 4;		/* the key once, then the words */
		for (j = 0; j < i; j++)
			if (u->listen_words[j] != NULL &&
			    strcmp(u->listen_words[j], t) == 0)
				break;
		u->listen_words[i] = j < i ? NULL : xstrdup(t);
	}
	i18n_set(u->cfg->langs[0]);
}

/*
 * For the staff menu: is reading aloud on, does the device play, did the
 * helper last fail (and why: a cause, never text), and each configured
 * language's voice. Nothing of a resident's. Allocated.
 */
char *
ui_listen_status(struct ui *u)
{
	struct buf b = { 0 };
	const char *why;
	char *t;
	int i;

	if (!u->cfg->audio_enabled || u->speech == NULL) {
		/* TRANSLATORS: staff menu; [audio] enabled = no is config
		   text: keep it as it is. */
		return xstrdup(_("Reading aloud: off ([audio] enabled = no)."));
	}
	why = speech_why(u->speech);
	switch (speech_device(u->speech)) {
	case SPEECH_DEVICE_UNKNOWN:
		xasprintf(&t, _("Reading aloud: on, device %s: being "
		    "checked."), u->cfg->audio_device);
		break;
	case SPEECH_DEVICE_NONE:
		xasprintf(&t, _("Reading aloud: on, but device %s does not "
		    "play (%s), so the Listen key is hidden."),
		    u->cfg->audio_device, why != NULL ? why : "no answer");
		break;
	default:
		if (why == NULL)
			xasprintf(&t, _("Reading aloud: on, device %s: the "
			    "speech helper works."), u->cfg->audio_device);
		else
			xasprintf(&t, _("Reading aloud: on, device %s, but the "
			    "speech helper failed (%s); it starts again at the "
			    "next Listen."), u->cfg->audio_device, why);
		break;
	}
	buf_adds(&b, t);
	free(t);
	buf_addc(&b, ' ');
	/* TRANSLATORS: staff menu, before "en en-us, es es-419, ...". */
	buf_adds(&b, _("Voices:"));
	for (i = 0; i < u->cfg->nlangs; i++) {
		xasprintf(&t, "%s %s %s", i > 0 ? "," : "", u->cfg->langs[i],
		    config_voice(u->cfg, u->cfg->langs[i]));
		buf_adds(&b, t);
		free(t);
	}
	buf_addc(&b, '.');
	t = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return t;
}
