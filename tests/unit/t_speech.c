/*
 * t_speech: the speech protocol's request round trip and answer grammar,
 * the kiosk's text for the ear (numbers digit by digit, the claim code
 * one character at a time), the [audio] config and its voices, and the
 * kiosk side against a helper that is not there or dies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "speech.h"
#include "util.h"
#include "../tap.h"

static struct config *
cfg_from(const char *dir, const char *audio, char **cause)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/k.ini", dir);
	f = fopen(path, "w");
	fprintf(f, "[kiosk]\ndata_dir = d\nforms_dir = f\nlanguages = en es\n"
	    "[office]\npublic_key = o.pub\n[audio]\n%s", audio);
	fclose(f);
	return config_load(path, cause);
}

int
main(void)
{
	struct speech_request req, back;
	struct speech_answer a;
	struct buf b = { 0 };
	struct config *cfg;
	struct speech_params sp;
	struct speech *s;
	char *cause = NULL, *t, dir[] = "/tmp/t_speech.XXXXXX";
	size_t off = 0;
	int i, r;

	/* The request, formatted and parsed back. */
	memset(&req, 0, sizeof req);
	req.f[SF_OP] = "say";
	req.f[SF_ID] = "12";
	req.f[SF_VOICE] = "bn";
	req.f[SF_TEXT] = "আপনার নাম কী?\n1: হ্যাঁ.";
	ok(speech_request_format(&req, &b, &cause) == 0, "a request formats");
	memset(&back, 0, sizeof back);
	r = speech_request_parse((char *)b.data, b.len, &off, &back, &cause);
	ok(r == 1 && off == b.len, "and parses back whole");
	for (i = 0, r = 1; i < SPEECH_NFIELDS; i++)
		if ((req.f[i] == NULL) != (back.f[i] == NULL) ||
		    (req.f[i] && strcmp(req.f[i], back.f[i]) != 0))
			r = 0;
	ok(r, "with the same fields (a newline in the text included)");
	buf_free(&b);
	memset(&back, 0, sizeof back);
	off = 0;
	{
		char dup[] = "op 3\nsay\nop 4\nstop\nend\n";
		ok(speech_request_parse(dup, strlen(dup), &off, &back,
		    &cause) == -1 && cause != NULL, "a field twice is refused");
		free(cause);
		cause = NULL;
	}
	t = xmalloc(SPEECH_FIELD_MAX + 2);
	memset(t, 'a', SPEECH_FIELD_MAX + 1);
	t[SPEECH_FIELD_MAX + 1] = '\0';
	req.f[SF_TEXT] = t;
	ok(speech_request_format(&req, &b, &cause) == -1 && cause &&
	    strstr(cause, "text") && !strstr(cause, "aaaa"),
	    "too long a text is refused, naming the field, not the value");
	free(cause);
	cause = NULL;
	free(t);

	/* Answers. */
	ok(speech_parse_answer("playing 7", 9, &a) == 0 && a.num == 7,
	    "playing 7");
	ok(speech_parse_answer("failed 3 unknown voice", 22, &a) == 0 &&
	    a.num == 3, "failed 3 WHY");
	ok(speech_parse_answer("failed 3", 8, &a) == -1, "failed needs a why");
	ok(speech_parse_answer("done 0", 6, &a) == -1, "ids start at 1");
	ok(speech_parse_answer("done 1234567890", 15, &a) == -1,
	    "ids have at most 9 digits");
	ok(speech_parse_answer("done 1\x01", 7, &a) == -1,
	    "no control characters");
	ok(speech_parse_answer("probe ok", 8, &a) == 0 &&
	    speech_parse_answer("probe yes", 9, &a) == -1, "probe ok only");
	ok(speech_parse_answer("said 1", 6, &a) == -1, "an unknown word");

	/* Text for the ear. */
	t = speech_spell_numbers("Call (973) 555-0100 today.");
	is_str(t, "Call 9 7 3, 5 5 5, 0 1 0 0 today.", "a phone number "
	    "digit by digit");
	free(t);
	t = speech_spell_numbers("1: De 14 a 17 años. 2024 - 5 minutes");
	is_str(t, "1: De 14 a 17 años. 2024 - 5 minutes", "short numbers "
	    "and years stay numbers");
	free(t);
	t = speech_spell_numbers("Born 2024-05-10?");
	is_str(t, "Born 2 0 2 4, 0 5, 1 0?", "a date digit by digit");
	free(t);
	/*
	 * Native-script digits: each voice reads ASCII digits in its own
	 * language, but no voice reads another script's digits, and Urdu's
	 * own (Extended Arabic-Indic) not at all (measured with espeak-ng
	 * 1.51's espeak_TextToPhonemes): they go to ASCII, then the same
	 * rules apply as for ASCII numbers.
	 */
	t = speech_spell_numbers("\xd8\xa7\xd8\xaa\xd8\xb5\xd9\x84 "
	    "\xd9\xa9\xd9\xa7\xd9\xa3\xd9\xa5\xd9\xa5\xd9\xa5"
	    "\xd9\xa0\xd9\xa1\xd9\xa0\xd9\xa0");
	is_str(t, "\xd8\xa7\xd8\xaa\xd8\xb5\xd9\x84 9 7 3 5 5 5 0 1 0 0",
	    "Arabic-Indic: a phone number digit by digit");
	free(t);
	t = speech_spell_numbers("\xdb\xb0\xdb\xb3\xdb\xb0\xdb\xb0-"
	    "\xdb\xb1\xdb\xb2\xdb\xb3\xdb\xb4\xdb\xb5\xdb\xb6\xdb\xb7");
	is_str(t, "0 3 0 0, 1 2 3 4 5 6 7", "Extended Arabic-Indic (Urdu): "
	    "digit by digit");
	free(t);
	t = speech_spell_numbers("\xe0\xa7\xa8\xe0\xa7\xa6\xe0\xa7\xa8"
	    "\xe0\xa7\xaa/\xe0\xa7\xa6\xe0\xa7\xab/\xe0\xa7\xa7"
	    "\xe0\xa7\xa6");
	is_str(t, "2 0 2 4, 0 5, 1 0", "Bengali: a date digit by digit");
	free(t);
	t = speech_spell_numbers("(\xe0\xab\xaf\xe0\xab\xad\xe0\xab\xa9) "
	    "\xe0\xab\xab\xe0\xab\xab\xe0\xab\xab-\xe0\xab\xa6"
	    "\xe0\xab\xa7\xe0\xab\xa6\xe0\xab\xa6");
	is_str(t, "9 7 3, 5 5 5, 0 1 0 0", "Gujarati: a phone number digit by "
	    "digit");
	free(t);
	t = speech_spell_numbers("\xe0\xa7\xa7\xe0\xa7\xaa \xe0\xa6\xa5"
	    " \xd9\xa1\xd9\xac\xd9\xa0\xd9\xa0\xd9\xa0 \xd9\xa3"
	    "\xd9\xab\xd9\xa5 \xd9\xac");
	is_str(t, "14 \xe0\xa6\xa5 1,000 3.5 \xd9\xac", "short native "
	    "numbers stay numbers, with Arabic separators between digits");
	free(t);
	t = speech_spell_code("\xd9\xa7KQ\xe0\xa5\xa8");
	is_str(t, "7 K Q 2", "a code's native digits one by one");
	free(t);
	t = speech_spell_code("7KQ2-M9XD-4TRB");
	is_str(t, "7 K Q 2, M 9 X D, 4 T R B", "the claim code one by one");
	free(t);

	/* [audio] in the config. */
	if (mkdtemp(dir) == NULL)
		return 1;
	cfg = cfg_from(dir, "enabled = yes\ndevice = plughw:1,0\nrate = 200\n"
	    "voice.es = es\n", &cause);
	ok(cfg != NULL && cfg->audio_enabled && strcmp(cfg->audio_device,
	    "plughw:1,0") == 0 && cfg->audio_rate == 200, "[audio] is read");
	ok(cfg != NULL && strcmp(config_voice(cfg, "es"), "es") == 0 &&
	    strcmp(config_voice(cfg, "bn"), "bn") == 0 &&
	    strcmp(config_voice(cfg, "en"), "en-us") == 0,
	    "voice.es overrides Spanish's voice; others keep theirs");
	ok(strcmp(config_voice(NULL, "es"), "es-419") == 0,
	    "Spanish is es-419 by default");
	ok(cfg != NULL && strcmp(config_voice_form(cfg, "es", "es-x"), "es") ==
	    0 && strcmp(config_voice_form(cfg, "bn", "bn-x"), "bn-x") == 0 &&
	    strcmp(config_voice_form(cfg, "en", NULL), "en-us") == 0,
	    "voice.CODE wins over a form's voice, which wins over the default");
	config_free(cfg);
	cfg = cfg_from(dir, "device = hw:0 || rm\n", &cause);
	ok(cfg == NULL && cause && strstr(cause, "k.ini:8") &&
	    strstr(cause, "device"), "a bad device names file, line and key");
	free(cause);
	cause = NULL;
	cfg = cfg_from(dir, "rate = 1000\n", &cause);
	ok(cfg == NULL && cause && strstr(cause, "rate"), "rate 80 to 450");
	free(cause);
	cause = NULL;
	cfg = cfg_from(dir, "loud = yes\n", &cause);
	ok(cfg == NULL && cause && strstr(cause, "loud"), "unknown keys too");
	free(cause);
	cause = NULL;
	{
		char path[64];

		snprintf(path, sizeof path, "%s/k.ini", dir);
		unlink(path);
		rmdir(dir);
	}

	/* No helper: a failure, never a hang or a crash. */
	setenv("KIOSK_TEST", "1", 1);
	setenv("KIOSK_TEST_SPEAK_HELPER", "/nonexistent/kiosk-speak", 1);
	memset(&sp, 0, sizeof sp);
	sp.quiet = 1;
	sp.volume = -1;
	s = speech_new(&sp);
	r = (int)speech_say(s, "en-us", "hello", 0, &cause);
	for (i = 0; i < 50 && speech_pid(s) != 0; i++)
		speech_poll(s, 20);
	ok(speech_pid(s) == 0 && !speech_busy(s) && speech_why(s) != NULL,
	    "a helper that cannot run is reaped; why: %s",
	    speech_why(s) ? speech_why(s) : "(none)");
	free(cause);
	speech_free(s);
	return done_testing();
}
