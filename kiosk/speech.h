/*
 * speech: the kiosk's side of reading a screen aloud. It starts the
 * helper program kiosk-speak (speak-main.c), which alone links espeak-ng
 * and starts the audio player, keeps it running for the visit, hands it
 * requests over a pipe without ever blocking, reads its answers without
 * blocking, and kills and restarts it if it crashes, hangs or answers
 * nonsense. A dead helper only means silence: the screen never waits.
 *
 * The protocol. The kiosk writes requests on the helper's stdin, in the
 * same framing as the print protocol (printer.h), one field per entry,
 * each name at most once per request:
 *
 *     NAME SP LEN LF  <LEN bytes, no NUL>  LF        (LEN <= SPEECH_FIELD_MAX)
 *     ...
 *     "end" LF                                       (whole <= SPEECH_REQ_MAX)
 *
 * Fields (SPEECH_FIELDS below):
 *     op       say    stop what is playing, then speak text
 *              add    speak text after what is playing or queued
 *                     (at most SPEECH_QUEUE_MAX waiting)
 *              stop   stop now and forget the queue
 *              probe  can the device play? (a few ms of silence)
 *     id       1 to 999999999: the kiosk's number for a say or add
 *     voice    an espeak-ng voice name ("en-us", "es-419", "bn", ...)
 *     rate     words per minute, 80 to 450 (default 160)
 *     volume   0 to 200 (default 100)
 *     device   the ALSA PCM to play on ("default", "plughw:1", "null")
 *     text     UTF-8, what to say, in logical order (SPEECH_TEXT_MAX)
 *     wav      test only (KIOSK_TEST=1 in the helper's environment):
 *              write this WAV file instead of playing
 *
 * The helper answers on stdout with lines "WORD[ SP value]" LF of at most
 * SPEECH_LINE_MAX bytes, control characters replaced by spaces; no
 * answer ever carries text that was spoken:
 *
 *     ready RATE        initialised; the sample rate (first line)
 *     playing ID        the first samples of ID went to the player
 *     done ID           ID was spoken to its end
 *     stopped ID        ID was cut short (stop, or a new say)
 *     failed ID WHY     ID could not be spoken (bad voice, no player)
 *     probe ok | probe-failed WHY
 *     error WHY         the request broke the grammar; the helper exits
 *
 * Life of the helper (the helper's side in speak-main.c):
 *
 *   speech_new() --spawn--> STARTING --"ready"--> IDLE <--"done/stopped/
 *                               |                  |  failed" (queue empty)
 *                               |        say/add   v
 *                               |              SPEAKING
 *                               +-- EOF, exit, a bad line, or no answer in
 *                                   time: killed, DEAD; the next request
 *                                   starts a new helper (at most
 *                                   SPEECH_RESTARTS times in a row).
 *
 * Privacy: what is spoken is question text, never an answer (the caller's
 * rule: ui-listen.c); nothing here logs or keeps a request, and the request
 * buffer is wiped once written. The helper writes nothing to disk but the
 * test-only WAV file and test-only input log (SECURITY.md).
 */
#ifndef KIOSK_SPEECH_H
#define KIOSK_SPEECH_H

#include <stddef.h>

#define SPEECH_FIELD_MAX	8192
#define SPEECH_TEXT_MAX		8192
#define SPEECH_REQ_MAX		16384
#define SPEECH_LINE_MAX		512
#define SPEECH_QUEUE_MAX	16

#define SPEECH_FIELDS(X)						\
	X(OP, "op")		/* say | add | stop | probe */		\
	X(ID, "id")							\
	X(VOICE, "voice")						\
	X(RATE, "rate")							\
	X(VOLUME, "volume")						\
	X(DEVICE, "device")						\
	X(TEXT, "text")							\
	X(WAV, "wav")		/* test only */

enum speech_field {
#define X(e, n) SF_##e,
	SPEECH_FIELDS(X)
#undef X
	SPEECH_NFIELDS
};

/* A request: NULL fields are not sent. */
struct speech_request {
	const char	*f[SPEECH_NFIELDS];
};

/* One answer line, parsed (pointers into the line). */
struct speech_answer {
	const char	*word;		/* one of the fixed words: static */
	const char	*value;		/* after the space; not terminated */
	size_t		 valuelen;
	long		 num;		/* ready, playing, done, stopped,
					   failed: the number, else 0 */
};

/* The kiosk's settings for the helper (from [audio]). */
struct speech_params {
	const char	*device;	/* ALSA PCM; NULL: "default" */
	int		 rate;		/* 0: the default */
	int		 volume;	/* -1: the default */
	int		 quiet;		/* its stderr to /dev/null */
};

enum speech_state {
	SPEECH_DEAD,		/* not running (never started, or killed) */
	SPEECH_STARTING,	/* spawned, no "ready" yet */
	SPEECH_IDLE,
	SPEECH_SPEAKING
};

enum speech_device {
	SPEECH_DEVICE_UNKNOWN,	/* probe not answered yet */
	SPEECH_DEVICE_OK,
	SPEECH_DEVICE_NONE	/* the probe failed, or no helper */
};

struct speech;

/* A handle; the helper starts with the first request (or speech_probe). */
struct speech	*speech_new(const struct speech_params *);
/* Kill and reap the helper; NULL is fine. */
void		 speech_free(struct speech *);
/*
 * Speak text with voice, cutting off anything playing (add: after it).
 * Returns the request's id (> 0), or -1 with *cause if the helper cannot
 * be started or will not take it. Never blocks longer than a few ms.
 */
long		 speech_say(struct speech *, const char *voice, const char *text,
		    int add, char **cause);
/* Stop speaking now (nothing if idle or dead). */
void		 speech_stop(struct speech *);
/* Ask the helper whether the device plays (answer via speech_device). */
int		 speech_probe(struct speech *, char **cause);
enum speech_device speech_device(const struct speech *);
/*
 * Read what the helper said, waiting at most ms; kill it if it broke the
 * grammar or has not answered in time. Never blocks longer than ms.
 */
enum speech_state speech_poll(struct speech *, int ms);
/* Is something being spoken or waiting to be (by the last poll)? */
int		 speech_busy(const struct speech *);
/* The id of the last request that "playing" was seen for, or 0. */
long		 speech_playing(const struct speech *);
/*
 * The id of the last request whose first samples were played, and (ms)
 * when that answer was read, on now_ms()'s clock (util.h; the bench).
 */
long		 speech_started(const struct speech *, double *ms);
/* Why the helper was last killed or a request failed (English), or NULL. */
const char	*speech_why(const struct speech *);
/* Test only: later requests write this WAV file instead (NULL: play). */
void		 speech_set_wav(struct speech *, const char *path);
/* The helper's pid, or 0 (tests and the bench). */
int		 speech_pid(const struct speech *);

/*
 * Text for the ear (pure). speech_spell_numbers: phone numbers, dates and
 * other numbers of five digits or more, or of several groups, digit by
 * digit with a pause between groups ("(973) 555-0100" -> "9 7 3, 5 5 5,
 * 0 1 0 0"); other text as it is. speech_spell_code: every character
 * apart ("7KQ2-M9XD" -> "7 K Q 2, M 9 X D"). Both first turn native-script
 * digits (Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali,
 * Gujarati) into ASCII ones, which espeak-ng reads in every voice's own
 * language ("٩٧٣-٥٥٥٥" -> "9 7 3, 5 5 5 5", said in Arabic). Allocated.
 */
char		*speech_spell_numbers(const char *);
char		*speech_spell_code(const char *);

/* ---- the wire (speech-request.c; pure, fuzzed) ---- */

/* The fields and limits in helper.h's terms (the fuzzer's too). */
struct helper_proto;
extern const struct helper_proto speech_request_proto;

/* As printer_request_format (printer-request.h). */
struct buf;
int		 speech_request_format(const struct speech_request *,
		    struct buf *, char **cause);
/* As printer_request_parse: 1 done, 0 more needed, -1 refused whole. */
int		 speech_request_parse(char *buf, size_t len, size_t *off,
		    struct speech_request *, char **cause);
/*
 * Parse one answer line of len bytes (its LF taken off), the grammar
 * alone; -1 if it breaks it. Nothing past len is read.
 */
int		 speech_parse_answer(const char *, size_t,
		    struct speech_answer *);

#endif
