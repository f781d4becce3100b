/*
 * speech: start kiosk-speak, keep it, hand it requests, follow its
 * answers, kill and restart it (the protocol and the life cycle are in
 * speech.h).
 *
 * It links no speech or audio library and never will: that is the point
 * of the helper. What it must never do: block the caller (requests go
 * into a buffer that is written as the pipe takes it; answers are read
 * with poll); trust the helper's output (every line is checked against a
 * fixed grammar, and a crash, a hang, a bad line or a pipe that stays full
 * kills it); leave a helper running or unreaped; log what was spoken.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "helper.h"
#include "speech.h"
#include "util.h"

#define SPEECH_HELPER		"kiosk-speak"
#define SPEECH_READY_MS		10000	/* spawn to "ready" */
#define SPEECH_ANSWER_MS	5000	/* a request to its first answer */
#define SPEECH_PROBE_MS		8000	/* the helper's own probe takes <= 3 s */
#define SPEECH_MS_PER_BYTE	150	/* slowest speech, and then some */
#define SPEECH_SLACK_MS		10000
#define SPEECH_OUT_MAX		(4 * SPEECH_REQ_MAX)	/* unwritten: hung */
#define SPEECH_RESTARTS		3	/* deaths in a row before a rest */
#define SPEECH_REST_S		30
#define SPEECH_PENDING_MAX	(SPEECH_QUEUE_MAX + 4)

static const char *const speech_env[] = {
	"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
	"HOME", "XDG_RUNTIME_DIR", "PULSE_SERVER", "PULSE_RUNTIME_PATH",
	"PIPEWIRE_RUNTIME_DIR", "ALSA_CONFIG_PATH",
	/* Test only: the helper heeds them only with KIOSK_TEST=1. */
	"KIOSK_TEST", "KIOSK_TEST_SPEECH_LOG", "KIOSK_TEST_SPEECH_TIMES",
};

struct pending {
	long	 id;
	size_t	 len;		/* bytes of text: bounds the time it takes */
};

struct speech {
	char			*device;
	char			*wav;		/* test only: a WAV file */
	int			 rate, volume, quiet;

	pid_t			 pid;		/* 0 when none */
	int			 to, from;	/* -1 when closed */
	enum speech_state	 state;
	enum speech_device	 dev;
	int			 probing;
	struct buf		 out;		/* requests not yet written */
	char			 line[SPEECH_LINE_MAX];
	struct helper_line	 in;		/* answers, cut into lines */

	long			 next_id;
	long			 playing;
	long			 started;	/* the last id "playing" came for */
	double			 started_ms;	/* ... and when it was read */
	struct pending		 pend[SPEECH_PENDING_MAX];
	int			 npend;
	int			 nstopping;	/* cut off, final answer due */
	double			 deadline;	/* ms; 0: none */
	int			 deaths;	/* in a row */
	time_t			 rest_until;
	char			*why;
};

static void
set_why(struct speech *sp, const char *why)
{
	free(sp->why);
	sp->why = xstrdup(why);
}

struct speech *
speech_new(const struct speech_params *p)
{
	struct speech *sp;

	sp = xcalloc(1, sizeof *sp);
	sp->device = xstrdup(p->device != NULL && *p->device != '\0' ?
	    p->device : "default");
	sp->rate = p->rate;
	sp->volume = p->volume;
	sp->quiet = p->quiet;
	sp->to = sp->from = -1;
	sp->state = SPEECH_DEAD;
	sp->dev = SPEECH_DEVICE_UNKNOWN;
	sp->next_id = 1;
	sp->in.line = sp->line;
	sp->in.size = sizeof sp->line;
	return sp;
}

/* Kill and reap the helper; everything it had is forgotten. */
static void
kill_helper(struct speech *sp, const char *why)
{
	int status;

	if (why != NULL)
		set_why(sp, why);
	if (sp->pid > 0) {
		kill(sp->pid, SIGKILL);
		while (waitpid(sp->pid, &status, 0) == -1 && errno == EINTR)
			;
	}
	if (sp->to != -1)
		close(sp->to);
	if (sp->from != -1)
		close(sp->from);
	sp->to = sp->from = -1;
	sp->pid = 0;
	sp->state = SPEECH_DEAD;
	sp->npend = 0;
	sp->nstopping = 0;
	sp->playing = 0;
	sp->in.len = 0;
	sp->deadline = 0;
	buf_free(&sp->out);
	if (sp->probing) {
		sp->probing = 0;
		sp->dev = SPEECH_DEVICE_NONE;
	}
	if (why != NULL && ++sp->deaths >= SPEECH_RESTARTS)
		sp->rest_until = time(NULL) + SPEECH_REST_S;
}

static int
spawn(struct speech *sp, char **cause)
{
	struct helper_child c;
	char *path;

	if (sp->rest_until != 0 && time(NULL) < sp->rest_until) {
		xasprintf(cause, "the speech helper failed %d times; resting",
		    SPEECH_RESTARTS);
		return -1;
	}
	sp->rest_until = 0;
	if (sp->deaths >= SPEECH_RESTARTS)
		sp->deaths = 0;
	path = helper_path(SPEECH_HELPER, "KIOSK_TEST_SPEAK_HELPER");
	if (helper_spawn(path, speech_env, nitems(speech_env), sp->quiet, &c,
	    cause) != 0) {
		free(path);
		return -1;
	}
	free(path);
	sp->pid = c.pid;
	sp->to = c.to;
	sp->from = c.from;
	sp->state = SPEECH_STARTING;
	sp->deadline = now_ms() + SPEECH_READY_MS;
	return 0;
}

/* Write what the pipe takes now; kill a helper that takes nothing. */
static void
flush(struct speech *sp)
{
	ssize_t w;

	while (sp->to != -1 && sp->out.len > 0) {
		w = write(sp->to, sp->out.data, sp->out.len);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno == EAGAIN)
			break;
		if (w <= 0) {
			kill_helper(sp, "the speech helper closed its input");
			return;
		}
		explicit_bzero(sp->out.data, (size_t)w);
		memmove(sp->out.data, sp->out.data + w, sp->out.len -
		    (size_t)w);
		sp->out.len -= (size_t)w;
	}
	if (sp->out.len == 0)
		buf_free(&sp->out);
	else if (sp->out.len > SPEECH_OUT_MAX)
		kill_helper(sp, "the speech helper does not read its input");
}

/* Queue one request for the helper, starting it if need be. */
static int
send_req(struct speech *sp, const struct speech_request *req, char **cause)
{
	struct buf b = { 0 };

	if (sp->pid == 0 && spawn(sp, cause) != 0) {
		set_why(sp, *cause);	/* for speech_why: staff see it */
		return -1;
	}
	if (speech_request_format(req, &b, cause) != 0)
		return -1;
	buf_add(&sp->out, b.data, b.len);
	buf_free(&b);
	flush(sp);
	if (sp->pid == 0) {
		xasprintf(cause, "%s", sp->why);
		return -1;
	}
	return 0;
}

long
speech_say(struct speech *sp, const char *voice, const char *text, int add,
    char **cause)
{
	struct speech_request req;
	char id[24], rate[16], vol[16];
	long n;

	free(sp->why);
	sp->why = NULL;
	if (!add) {
		sp->nstopping += sp->npend;	/* each answered "stopped" */
		sp->npend = 0;
	}
	if (sp->npend == SPEECH_PENDING_MAX) {
		xasprintf(cause, "too much to say at once");
		return -1;
	}
	n = sp->next_id++;
	if (sp->next_id > 999999999)
		sp->next_id = 1;
	memset(&req, 0, sizeof req);
	snprintf(id, sizeof id, "%ld", n);
	req.f[SF_OP] = add ? "add" : "say";
	req.f[SF_ID] = id;
	req.f[SF_VOICE] = voice;
	if (sp->rate > 0) {
		snprintf(rate, sizeof rate, "%d", sp->rate);
		req.f[SF_RATE] = rate;
	}
	if (sp->volume >= 0) {
		snprintf(vol, sizeof vol, "%d", sp->volume);
		req.f[SF_VOLUME] = vol;
	}
	req.f[SF_DEVICE] = sp->device;
	req.f[SF_TEXT] = text;
	req.f[SF_WAV] = sp->wav;
	if (send_req(sp, &req, cause) != 0)
		return -1;
	sp->pend[sp->npend].id = n;
	sp->pend[sp->npend++].len = strlen(text);
	if (sp->state == SPEECH_IDLE)
		sp->state = SPEECH_SPEAKING;
	if (sp->state != SPEECH_STARTING && sp->npend == 1)
		sp->deadline = now_ms() + SPEECH_ANSWER_MS;
	return n;
}

void
speech_stop(struct speech *sp)
{
	struct speech_request req;
	char *cause = NULL;

	if (sp->pid == 0 || sp->npend == 0)
		return;
	memset(&req, 0, sizeof req);
	req.f[SF_OP] = "stop";
	sp->nstopping += sp->npend;
	sp->npend = 0;
	sp->playing = 0;
	if (send_req(sp, &req, &cause) != 0)
		free(cause);
	else if (sp->state == SPEECH_SPEAKING)
		sp->state = SPEECH_IDLE;
	if (sp->pid != 0)
		sp->deadline = now_ms() + SPEECH_ANSWER_MS;	/* "stopped" */
}

int
speech_probe(struct speech *sp, char **cause)
{
	struct speech_request req;

	memset(&req, 0, sizeof req);
	req.f[SF_OP] = "probe";
	req.f[SF_DEVICE] = sp->device;
	sp->probing = 1;
	sp->dev = SPEECH_DEVICE_UNKNOWN;
	if (send_req(sp, &req, cause) != 0) {
		sp->probing = 0;
		sp->dev = SPEECH_DEVICE_NONE;
		return -1;
	}
	if (sp->state != SPEECH_STARTING)
		sp->deadline = now_ms() + SPEECH_PROBE_MS;
	return 0;
}

enum speech_device
speech_device(const struct speech *sp)
{
	return sp->dev;
}

static int
find_pending(struct speech *sp, long id)
{
	int i;

	for (i = 0; i < sp->npend; i++) {
		if (sp->pend[i].id == id)
			return i;
	}
	return -1;
}

/* The deadline for the helper's next answer, from what is in flight. */
static void
set_deadline(struct speech *sp)
{
	int i;

	if (sp->state == SPEECH_STARTING)
		return;
	if (sp->npend == 0 && !sp->probing) {
		sp->deadline = sp->nstopping > 0 ? now_ms() +
		    SPEECH_ANSWER_MS : 0;
		return;
	}
	if (sp->probing) {
		sp->deadline = now_ms() + SPEECH_PROBE_MS;
		return;
	}
	if (sp->playing != 0 && (i = find_pending(sp, sp->playing)) != -1)
		sp->deadline = now_ms() + (double)sp->pend[i].len *
		    SPEECH_MS_PER_BYTE + SPEECH_SLACK_MS;
	else
		sp->deadline = now_ms() + SPEECH_ANSWER_MS;
}

/* One answer line; -1 if it breaks the grammar or makes no sense. */
static int
answer(void *arg, const char *line, size_t len)
{
	struct speech *sp = arg;
	struct speech_answer a;
	char *v;
	int i;

	if (speech_parse_answer(line, len, &a) != 0)
		return -1;
	if (strcmp(a.word, "ready") == 0) {
		if (sp->state != SPEECH_STARTING)
			return -1;
		sp->state = sp->npend > 0 ? SPEECH_SPEAKING : SPEECH_IDLE;
		set_deadline(sp);
		return 0;
	}
	if (sp->state == SPEECH_STARTING && strcmp(a.word, "error") != 0)
		return -1;	/* "ready" comes first */
	if (strcmp(a.word, "probe") == 0 ||
	    strcmp(a.word, "probe-failed") == 0) {
		if (!sp->probing)
			return -1;
		sp->probing = 0;
		sp->dev = a.word[5] == '\0' ? SPEECH_DEVICE_OK :
		    SPEECH_DEVICE_NONE;
		if (sp->dev == SPEECH_DEVICE_OK)
			sp->deaths = 0;
		else {
			v = xstrndup(a.value, a.valuelen);
			set_why(sp, v);
			free(v);
		}
		set_deadline(sp);
		return 0;
	}
	if (strcmp(a.word, "error") == 0) {
		v = xstrndup(a.value, a.valuelen);
		set_why(sp, v);
		free(v);
		return 0;	/* it exits; EOF follows */
	}
	/* playing, done, stopped, failed: about a request we sent. */
	if (a.num >= sp->next_id)
		return -1;	/* never sent */
	i = find_pending(sp, a.num);
	if (strcmp(a.word, "playing") == 0) {
		if (i != -1) {
			sp->playing = a.num;
			sp->started = a.num;
			sp->started_ms = now_ms();
			sp->deaths = 0;
		}
		set_deadline(sp);
		return 0;
	}
	if (strcmp(a.word, "failed") == 0) {
		v = memchr(a.value, ' ', a.valuelen);	/* after the id */
		v = xstrndup(v + 1, a.valuelen - (size_t)(v + 1 - a.value));
		set_why(sp, v);
		free(v);
	}
	if (i == -1 && sp->nstopping > 0)
		sp->nstopping--;
	if (i != -1) {
		memmove(&sp->pend[i], &sp->pend[i + 1], (size_t)(sp->npend -
		    i - 1) * sizeof sp->pend[0]);
		sp->npend--;
	}
	if (sp->playing == a.num)
		sp->playing = 0;
	if (sp->npend == 0 && sp->state == SPEECH_SPEAKING)
		sp->state = SPEECH_IDLE;
	set_deadline(sp);
	return 0;
}

enum speech_state
speech_poll(struct speech *sp, int ms)
{
	double end = now_ms() + (ms > 0 ? ms : 0);

	while (sp->pid > 0) {
		flush(sp);
		if (sp->pid == 0)
			break;
		if (sp->deadline != 0 && now_ms() >= sp->deadline) {
			kill_helper(sp, sp->state == SPEECH_STARTING ?
			    "the speech helper did not start in time" :
			    "the speech helper did not answer in time");
			break;
		}
		switch (helper_read(sp->from, (int)(end - now_ms()), &sp->in,
		    answer, sp)) {
		case HELPER_READ_NONE:
			return sp->state;
		case HELPER_READ_EOF:
			kill_helper(sp, "the speech helper stopped");
			return sp->state;
		case HELPER_READ_LONG:
			kill_helper(sp, "the speech helper's answer is too long");
			return sp->state;
		case HELPER_READ_BAD:
			kill_helper(sp, "the speech helper gave a bad answer");
			return sp->state;
		case HELPER_READ_SOME:
			break;
		}
	}
	return sp->state;
}

int
speech_busy(const struct speech *sp)
{
	return sp->npend > 0;
}

long
speech_playing(const struct speech *sp)
{
	return sp->playing;
}

long
speech_started(const struct speech *sp, double *ms)
{
	if (ms != NULL)
		*ms = sp->started_ms;
	return sp->started;
}

const char *
speech_why(const struct speech *sp)
{
	return sp->why;
}

void
speech_set_wav(struct speech *sp, const char *path)
{
	free(sp->wav);
	sp->wav = path != NULL ? xstrdup(path) : NULL;
}

int
speech_pid(const struct speech *sp)
{
	return (int)sp->pid;
}

void
speech_free(struct speech *sp)
{
	if (sp == NULL)
		return;
	kill_helper(sp, NULL);
	free(sp->device);
	free(sp->wav);
	free(sp->why);
	free(sp);
}

/* ---- text for the ear ---- */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Append the characters of s[0, len) one by one: "7 K Q 2". */
static void
spell(struct buf *b, const char *s, size_t len)
{
	size_t i;
	int first = 1;

	for (i = 0; i < len; i++) {
		if (s[i] == '-' || s[i] == '/' || s[i] == '(' || s[i] == ')' ||
		    s[i] == ' ' || s[i] == '.') {
			/* A group ends: a short pause. */
			if (!first && b->len > 0 && b->data[b->len - 1] != ',')
				buf_addc(b, ',');
			continue;
		}
		if (!first)
			buf_addc(b, ' ');
		buf_addc(b, s[i]);
		first = 0;
	}
}

/*
 * The native digit at s (UTF-8) as '0' to '9', with its length in *n; or
 * 0. Arabic-Indic (U+0660, Arabic), Extended Arabic-Indic (U+06F0, Urdu),
 * Devanagari (U+0966), Bengali (U+09E6), Gujarati (U+0AE6).
 */
static char
native_digit(const char *s, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;

	if ((u[0] == 0xd9 && u[1] >= 0xa0 && u[1] <= 0xa9) ||
	    (u[0] == 0xdb && u[1] >= 0xb0 && u[1] <= 0xb9)) {
		*n = 2;
		return (char)('0' + (u[1] & 0x0f));
	}
	if (u[0] == 0xe0 && (u[1] == 0xa5 || u[1] == 0xa7 || u[1] == 0xab) &&
	    u[2] >= 0xa6 && u[2] <= 0xaf) {
		*n = 3;
		return (char)('0' + u[2] - 0xa6);
	}
	return 0;
}

/*
 * Native-script digits as ASCII digits. espeak-ng reads ASCII digits in
 * every voice's own language, but no voice reads another script's digits
 * (silence), and its Urdu voice does not read Urdu's own Extended
 * Arabic-Indic digits at all; read as ASCII they say the same words. The
 * Arabic decimal and thousands separators (U+066B, U+066C) between two
 * digits become "." and ",". Allocated.
 */
static char *
ascii_digits(const char *s)
{
	struct buf b = { 0 };
	const char *p = s;
	char c, *out;
	size_t n, m;

	while (*p != '\0') {
		if ((c = native_digit(p, &n)) != 0) {
			buf_addc(&b, c);
			p += n;
		} else if ((unsigned char)p[0] == 0xd9 &&
		    ((unsigned char)p[1] == 0xab ||
		    (unsigned char)p[1] == 0xac) && b.len > 0 &&
		    is_digit(b.data[b.len - 1]) && (native_digit(p + 2, &m) ||
		    is_digit(p[2]))) {
			buf_addc(&b, (unsigned char)p[1] == 0xab ? '.' : ',');
			p += 2;
		} else
			buf_addc(&b, *p++);
	}
	out = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return out;
}

char *
speech_spell_numbers(const char *text)
{
	struct buf b = { 0 };
	const char *p, *start, *end, *q;
	char *s, *out;
	int digits, groups;

	p = s = ascii_digits(text);
	while (*p != '\0') {
		if (!is_digit(*p) && !(*p == '(' && is_digit(p[1]))) {
			buf_addc(&b, *p++);
			continue;
		}
		/*
		 * A number: digit groups joined by "-" or "/", or "(973) 555":
		 * a phone number, a date, a code. Read digit by digit when it
		 * has five digits or more, or two groups or more.
		 */
		start = p;
		end = p;
		digits = groups = 0;
		for (q = p;;) {
			if (*q == '(')
				q++;
			if (!is_digit(*q))
				break;
			groups++;
			while (is_digit(*q)) {
				q++;
				digits++;
			}
			if (*q == ')')
				q++;
			end = q;
			if ((*q == '-' || *q == '/') && is_digit(q[1]))
				q++;
			else if (q[-1] == ')' && *q == ' ' && is_digit(q[1]))
				q++;
			else
				break;
		}
		if (digits >= 5 || groups >= 2)
			spell(&b, start, (size_t)(end - start));
		else
			buf_add(&b, start, (size_t)(end - start));
		p = end;
	}
	free(s);
	out = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return out;
}

char *
speech_spell_code(const char *text)
{
	struct buf b = { 0 };
	char *code, *out;

	code = ascii_digits(text);
	spell(&b, code, strlen(code));
	freezero_str(code);
	out = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return out;
}
