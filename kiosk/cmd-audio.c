/*
 * cmd-audio: `kiosk audio status|test` for staff setting up speech, and
 * `kiosk audio say`, a helper for the tests and the benchmark that speaks
 * one text without the full kiosk. The speaking is done by the helper
 * kiosk-speak (speech.h), as in the kiosk; this file only builds requests
 * and prints what happened. It never speaks a resident's data: staff and
 * tests give the text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "form.h"
#include "i18n.h"
#include "speech.h"
#include "util.h"

#define AUDIO_WAIT_S	60

static struct speech *
open_speech(const struct config *cfg, const char *device)
{
	struct speech_params p;

	memset(&p, 0, sizeof p);
	p.device = device != NULL ? device : cfg != NULL ? cfg->audio_device :
	    NULL;
	p.rate = cfg != NULL ? cfg->audio_rate : 0;
	p.volume = cfg != NULL ? cfg->audio_volume : -1;
	return speech_new(&p);
}

/* Probe the device; 1 if it plays. */
static int
probe(struct speech *sp)
{
	char *cause = NULL;
	double end = now_ms() + AUDIO_WAIT_S * 1000.0;

	if (speech_probe(sp, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 0;
	}
	while (speech_device(sp) == SPEECH_DEVICE_UNKNOWN && now_ms() < end)
		speech_poll(sp, 100);
	return speech_device(sp) == SPEECH_DEVICE_OK;
}

/*
 * Say text and wait until it is done. 0 if it played; *first_ms is the
 * time from the request to the first samples.
 */
static int
say_wait(struct speech *sp, const char *voice, const char *text,
    double *first_ms)
{
	char *cause = NULL;
	double t0 = now_ms(), end = t0 + AUDIO_WAIT_S * 1000.0, started;
	long id;

	*first_ms = -1;
	if ((id = speech_say(sp, voice, text, 0, &cause)) < 0) {
		cmd_error("%s", cause);
		free(cause);
		return -1;
	}
	while (now_ms() < end) {
		speech_poll(sp, 20);
		if (!speech_busy(sp) || speech_pid(sp) == 0)
			break;
	}
	if (speech_started(sp, &started) == id)
		*first_ms = started - t0;
	if (speech_busy(sp) || speech_pid(sp) == 0 || *first_ms < 0)
		return -1;
	/* Done, stopped and failed all end it: failed leaves a why. */
	return speech_why(sp) == NULL ? 0 : -1;
}

/*
 * How many sound cards the kernel lists (/proc/asound/cards; no such file:
 * no ALSA card at all), or -1 if it cannot be read. Tests only
 * (KIOSK_TEST=1): KIOSK_TEST_ASOUND_CARDS names another file.
 */
static int
sound_cards(void)
{
	const char *path = "/proc/asound/cards", *t;
	char line[256];
	FILE *fp;
	int n = 0;

	if ((t = getenv("KIOSK_TEST")) != NULL && strcmp(t, "1") == 0 &&
	    (t = getenv("KIOSK_TEST_ASOUND_CARDS")) != NULL)
		path = t;
	if ((fp = fopen(path, "r")) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof line, fp) != NULL)
		if (line[strspn(line, " ")] >= '0' &&
		    line[strspn(line, " ")] <= '9')
			n++;	/* " 0 [PCH ]: HDA-Intel - ..." */
	fclose(fp);
	return n;
}

/* After a failed probe: why, and what staff can do about it. */
static void
no_device(const struct config *cfg, struct speech *sp, const char *head)
{
	printf("%s %s: does not play (%s)\n", head, cfg->audio_device,
	    speech_why(sp) ? speech_why(sp) : "no answer");
	if (sound_cards() == 0)
		printf("no sound card: this machine's kernel lists none "
		    "(/proc/asound/cards); plug in a USB headset or speaker, "
		    "or load its sound driver\n");
	else
		printf("check [audio] device (aplay -L lists the devices) and "
		    "that the kiosk's user is in the audio group\n");
}

static int
audio_status(struct config *cfg)
{
	struct speech *sp;
	int ok;

	printf("enabled: %s\n", cfg->audio_enabled ? "yes" : "no");
	printf("device: %s\n", cfg->audio_device);
	sp = open_speech(cfg, NULL);
	ok = probe(sp);
	if (ok)
		printf("state: the device plays\n");
	else {
		printf("state: no audio device (%s); the Listen key is "
		    "hidden\n", speech_why(sp) ? speech_why(sp) : "no answer");
		if (sound_cards() == 0)
			printf("no sound card: this machine's kernel lists "
			    "none (/proc/asound/cards)\n");
	}
	speech_free(sp);
	return ok ? 0 : 1;
}

/*
 * Speak the sample of language i with voice; what is printed starts with
 * head. 0 if it played; else the helper is started afresh in *sp.
 */
static int
sample(const struct config *cfg, struct speech **sp, int i,
    const char *voice, const char *head)
{
	char *text;
	double first;
	int rc;

	i18n_set(cfg->langs[i]);
	xasprintf(&text, "%s. %s", i18n_lang(cfg->langs[i])->native,
	    _("Choose your language."));
	if ((rc = say_wait(*sp, voice, text, &first)) == 0)
		printf("%s (voice %s): played\n", head, voice);
	else {
		printf("%s (voice %s): did not play (%s)\n", head, voice,
		    speech_why(*sp) ? speech_why(*sp) : "no answer");
		speech_free(*sp);
		*sp = open_speech(cfg, NULL);
	}
	free(text);
	return rc;
}

/*
 * The voices forms_dir's forms name (settings voice::Language (code)) for
 * configured languages: each is tried, or said to be overridden by
 * [audio] voice.CODE. Returns 1 if one did not play.
 */
static int
form_voices(const struct config *cfg, struct speech **sp)
{
	struct form *f;
	const char *fv;
	char **names, *path, *cause, *head;
	size_t n, k;
	int i, failed = 0;

	if ((names = cmd_form_files(cfg->forms_dir, &n)) == NULL)
		return 0;
	for (k = 0; k < n; k++) {
		xasprintf(&path, "%s/%s", cfg->forms_dir, names[k]);
		free(names[k]);
		cause = NULL;
		f = form_load(path, &cause);
		free(cause);
		free(path);
		for (i = 0; f != NULL && i < cfg->nlangs; i++) {
			if ((fv = form_voice(f, cfg->langs[i])) == NULL)
				continue;
			xasprintf(&head, "form %s, %s", f->id, cfg->langs[i]);
			if (strcmp(config_voice_form(cfg, cfg->langs[i], fv),
			    fv) != 0)
				printf("%s: its voice %s is not used ([audio] "
				    "voice.%s = %s wins)\n", head, fv,
				    cfg->langs[i], config_voice(cfg,
				    cfg->langs[i]));
			else if (sample(cfg, sp, i, fv, head) != 0)
				failed = 1;
			free(head);
		}
		form_free(f);
	}
	free(names);
	return failed;
}

/*
 * Exit 0: every sample played; 1: one did not; 2: the device does not
 * play, so nothing was tried.
 */
static int
audio_test(struct config *cfg)
{
	struct speech *sp;
	int i, failed = 0;

	if (!cfg->audio_enabled)
		printf("note: [audio] enabled = no, so the kiosk does not read "
		    "aloud; this test tries the device all the same\n");
	sp = open_speech(cfg, NULL);
	if (!probe(sp)) {
		no_device(cfg, sp, "device");
		for (i = 0; i < cfg->nlangs; i++)
			printf("%s (voice %s): not tried, no device\n",
			    cfg->langs[i], config_voice(cfg, cfg->langs[i]));
		printf("nothing was spoken; the kiosk hides its Listen key "
		    "until the device plays\n");
		speech_free(sp);
		return 2;
	}
	for (i = 0; i < cfg->nlangs; i++)
		if (sample(cfg, &sp, i, config_voice(cfg, cfg->langs[i]),
		    cfg->langs[i]) != 0)
			failed = 1;
	if (form_voices(cfg, &sp) != 0)
		failed = 1;
	i18n_set("en");
	speech_free(sp);
	return failed;
}

/* The options of audio say; status and test take --config alone. */
static const struct cmd_option cmd_audio_options[] = {
	{ "lang", 1, 0, "speak with this language's voice" },
	{ "voice", 1, 0, "speak with this espeak-ng voice" },
	{ "device", 1, 0, "play on this ALSA device" },
	{ "wav", 1, 0, "write a WAV file instead (tests only)" },
	{ "time", 0, 0, "print the time to the first samples" },
	{ "repeat", 1, 0, "say it N times (1 to 1000; with --time)" },
	{ "config", 1, 0, "the config file" },
	{ NULL, 0, 0, NULL }
};

/*
 * kiosk audio say [--lang CODE] [--voice V] [--device D] [--wav F] [--time]
 * [--repeat N] [--config F] TEXT; a holds its options and "say" TEXT.
 */
static int
audio_say(struct config *cfg, const struct cmd_args *a,
    const struct cmd_entry *e)
{
	const char *lang, *voice, *device, *wav, *text, *v;
	struct speech *sp;
	double first, sum = 0, min = -1, max = 0;
	int timing, repeat = 1, i = 0, rc = 0;

	if ((lang = cmd_args_get(a, "lang")) == NULL)
		lang = "en";
	voice = cmd_args_get(a, "voice");
	device = cmd_args_get(a, "device");
	wav = cmd_args_get(a, "wav");
	timing = cmd_args_has(a, "time");
	while ((v = cmd_args_next(a, "repeat", &i)) != NULL) {
		repeat = atoi(v);
		if (repeat < 1 || repeat > 1000)
			return cmd_usage(e, "--repeat: 1 to 1000");
	}
	if (a->argc != 2)
		return cmd_usage(e, "say needs one TEXT");
	text = a->argv[1];
	if (voice == NULL)
		voice = config_voice(cfg, lang);
	sp = open_speech(cfg, device);
	speech_set_wav(sp, wav);
	for (i = 0; i < repeat && rc == 0; i++) {
		if (say_wait(sp, voice, text, &first) != 0) {
			cmd_error("did not play: %s", speech_why(sp) ?
			    speech_why(sp) : "no answer");
			rc = 1;
			break;
		}
		sum += first;
		if (min < 0 || first < min)
			min = first;
		if (first > max)
			max = first;
		if (timing && repeat == 1 && i == 0)
			printf("first_ms %.1f (helper start included)\n", first);
	}
	if (rc == 0 && timing && repeat > 1)
		printf("first_ms min %.1f mean %.1f max %.1f (%d times, the "
		    "first with the helper's start)\n", min, sum / repeat, max,
		    repeat);
	if (rc == 0 && !timing)
		printf("played\n");
	speech_free(sp);
	return rc;
}

/* The subcommand of a, with its config loaded (NULL: say without one). */
static int
audio_run(const struct cmd_entry *e, const struct cmd_args *a)
{
	static const char *const opts[] = { "config", NULL };
	const char *config = cmd_args_get(a, "config"), *sub = a->argv[0];
	struct config *cfg = NULL;
	int rc;

	if (strcmp(sub, "say") == 0) {
		if (config != NULL && (cfg = cmd_load_config(config)) == NULL)
			return 1;
		rc = audio_say(cfg, a, e);
		config_free(cfg);
		return rc;
	}
	if (strcmp(sub, "status") != 0 && strcmp(sub, "test") != 0)
		return cmd_usage(e, "unknown audio command \"%s\"", sub);
	if ((rc = cmd_args_only(e, a, sub, opts)) != 0)
		return rc;
	if (a->argc > 1)
		return cmd_usage(e, "audio %s: unexpected \"%s\"", sub,
		    a->argv[1]);
	if ((cfg = cmd_load_config(config)) == NULL)
		return 1;
	i18n_init(cfg->locale_dir);
	rc = strcmp(sub, "status") == 0 ? audio_status(cfg) : audio_test(cfg);
	config_free(cfg);
	return rc;
}

static int
audio_exec(const struct cmd_entry *e, int argc, char **argv)
{
	struct cmd_args a;
	int rc;

	if (cmd_wants_help(argc, argv)) {
		cmd_print_help(e);
		return 0;
	}
	if ((rc = cmd_parse(e, argc, argv, &a)) != 0)
		return rc;
	if (a.argc == 0)
		rc = cmd_usage(e, "say status, test or say");
	else
		rc = audio_run(e, &a);
	cmd_args_free(&a);
	return rc;
}

const struct cmd_entry cmd_audio_entry = {
	"audio",
	"audio status|test [--config FILE] | audio say [--lang CODE] "
	    "[--voice V] [--device D] [--time] TEXT",
	"Check the audio device and the voices that read screens aloud.",
	"status probes the [audio] device (a moment of silence) and says "
	"whether it plays; without a device the kiosk hides its Listen key. "
	"test speaks a sample in every configured language, and in each voice "
	"a form of forms_dir names for one (settings voice::Language (code)), "
	"and says, for each, whether it played; with no device that plays it "
	"says so, and whether the machine has a sound card at all. It exits 0 "
	"if every sample played, 1 if one did not, 2 if the device does not "
	"play.\n\n"
	"say speaks TEXT with the voice of --lang (or --voice, an espeak-ng "
	"voice) on --device or the config's device; --time prints the time "
	"from the request to the first samples (make bench). For the tests "
	"only, with KIOSK_TEST=1, --wav FILE writes a WAV file instead of "
	"playing. Speaking is done by the helper kiosk-speak (espeak-ng).",
	cmd_audio_options,
	audio_exec,
};
