/*
 * speak-main: kiosk-speak, the helper program that reads a screen aloud
 * for the kiosk. It is the only program that links espeak-ng (the only
 * file that includes its headers), so the synthesiser's code and memory
 * never share an address space with a resident's answers, and the kiosk
 * itself stays small.
 *
 * It runs for as long as the kiosk keeps it: it reads requests on stdin
 * and answers on stdout, in the protocol described in speech.h (the
 * kiosk's side). espeak-ng synthesises into memory (synchronous mode, a
 * callback per chunk), and the samples go down a pipe to ALSA's player,
 * aplay, started for each utterance on the configured device (README says
 * why aplay rather than espeak-ng's own playback). While it speaks it
 * keeps reading stdin, so a "stop" or a new "say" cuts the speech off at
 * once: the player is killed, which drops what it still buffers.
 *
 * What it must never do: write anything spoken to disk (the WAV file and
 * the input log exist only with KIOSK_TEST=1, for the tests); put spoken
 * text in an answer or on stderr; run on after the kiosk is gone (EOF on
 * stdin or SIGTERM end it, and its player dies with it); block on the
 * player without also watching stdin.
 */
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <espeak-ng/speak_lib.h>

#include "helper.h"
#include "speech.h"
#include "util.h"

#ifndef SPEECH_PLAYER
#define SPEECH_PLAYER	"/usr/bin/aplay"
#endif
#define CHUNK_MS	40	/* espeak-ng hands over this much at a time */
#define PROBE_MS	3000	/* a probe's player must end within this */
#define DRAIN_SLACK_MS	5000	/* beyond the audio's own length */

/* A request, copied out of the read buffer. */
struct job {
	enum { J_SAY, J_ADD, J_STOP, J_PROBE } op;
	long	 id;
	char	*voice;
	char	*device;
	char	*text;
	char	*wav;
	int	 rate, volume;
};

#define INBOX_MAX	(SPEECH_QUEUE_MAX + 8)

static struct {
	char	 buf[SPEECH_REQ_MAX + 256];
	size_t	 len;		/* bytes read */
	size_t	 off;		/* bytes parsed */
	int	 eof;
} rd;
static struct job *inbox[INBOX_MAX];	/* requests not yet acted on */
static int ninbox;
static struct job *queue[SPEECH_QUEUE_MAX];	/* utterances waiting */
static int nqueue;
static volatile sig_atomic_t stop_sig;
static int sample_rate;
static char *cur_voice;
static int testing;

/* The utterance being spoken. */
static struct {
	struct job	*job;
	int		 fd;		/* player's stdin or the WAV file */
	pid_t		 pid;		/* the player, or 0 */
	int		 err;		/* the player's stderr */
	int		 aborted, failed, started;
	size_t		 bytes;		/* PCM written */
} cur;

static void
on_stop(int sig)
{
	stop_sig = sig;
}

/* ---- requests ---- */

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->voice);
	free(j->device);
	freezero_str(j->text);
	free(j->wav);
	free(j);
}

static int
num(const char *v, int dflt, long min, long max, long *out)
{
	char *end;
	long l;

	if (v == NULL) {
		*out = dflt;
		return 0;
	}
	errno = 0;
	l = strtol(v, &end, 10);
	if (errno != 0 || *v == '\0' || *end != '\0' || l < min || l > max)
		return -1;
	*out = l;
	return 0;
}

/* A parsed request as a job; NULL with *why if it makes no sense. */
static struct job *
job_new(const struct speech_request *req, const char **why)
{
	const char *op = req->f[SF_OP];
	struct job *j;
	long l;

	j = xcalloc(1, sizeof *j);
	if (op == NULL) {
		*why = "request has no op";
		goto bad;
	}
	if (strcmp(op, "say") == 0)
		j->op = J_SAY;
	else if (strcmp(op, "add") == 0)
		j->op = J_ADD;
	else if (strcmp(op, "stop") == 0)
		j->op = J_STOP;
	else if (strcmp(op, "probe") == 0)
		j->op = J_PROBE;
	else {
		*why = "request has an unknown op";
		goto bad;
	}
	if (num(req->f[SF_ID], 0, 1, 999999999, &l) != 0) {
		*why = "bad id";
		goto bad;
	}
	j->id = l;
	if ((j->op == J_SAY || j->op == J_ADD) && (j->id == 0 ||
	    req->f[SF_TEXT] == NULL || req->f[SF_VOICE] == NULL)) {
		*why = "say needs an id, a voice and a text";
		goto bad;
	}
	if (num(req->f[SF_RATE], 160, 80, 450, &l) != 0) {
		*why = "bad rate";
		goto bad;
	}
	j->rate = (int)l;
	if (num(req->f[SF_VOLUME], 100, 0, 200, &l) != 0) {
		*why = "bad volume";
		goto bad;
	}
	j->volume = (int)l;
	if (req->f[SF_TEXT] != NULL && strlen(req->f[SF_TEXT]) >
	    SPEECH_TEXT_MAX) {
		*why = "text too long";
		goto bad;
	}
	j->voice = xstrdup(req->f[SF_VOICE] ? req->f[SF_VOICE] : "en-us");
	j->device = xstrdup(req->f[SF_DEVICE] && *req->f[SF_DEVICE] ?
	    req->f[SF_DEVICE] : "default");
	if (req->f[SF_TEXT] != NULL)
		j->text = xstrdup(req->f[SF_TEXT]);
	if (req->f[SF_WAV] != NULL)
		j->wav = xstrdup(req->f[SF_WAV]);
	return j;
bad:
	free(j);
	return NULL;
}

/* Test only: what the helper was asked to say (tests/speech/listen.t). */
static void
test_log(const struct job *j)
{
	const char *path;
	char head[128];
	int fd, n;

	if (!testing || (path = getenv("KIOSK_TEST_SPEECH_LOG")) == NULL ||
	    *path == '\0')
		return;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		return;
	n = snprintf(head, sizeof head, "%s %ld %s %zu\n", j->op == J_ADD ?
	    "add" : "say", j->id, j->voice, strlen(j->text));
	if (write(fd, head, (size_t)n) != n ||
	    write(fd, j->text, strlen(j->text)) < 0 || write(fd, "\n", 1) < 0) {
		/* A test will see what is missing. */
	}
	close(fd);
}

/*
 * Test only (make bench): when the first samples of id went to the player,
 * on CLOCK_MONOTONIC, in ms.
 */
static void
test_time(long id)
{
	const char *path;
	char line[64];
	double t;
	int fd, n;

	if (!testing || (path = getenv("KIOSK_TEST_SPEECH_TIMES")) == NULL ||
	    *path == '\0')
		return;
	t = now_ms();
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		return;
	n = snprintf(line, sizeof line, "%ld %.3f\n", id, t);
	if (write(fd, line, (size_t)n) != n) {
		/* The bench sees what is missing. */
	}
	close(fd);
}

/*
 * Take every complete request in rd into the inbox, then drop the bytes
 * taken. A request that breaks the grammar ends the helper: the stream is
 * out of step and only a new helper can start clean. A request still
 * arriving stays half parsed in pend (its fields point into rd.buf and
 * move with it).
 */
static struct speech_request pend;
static size_t pend_start;	/* where pend's request begins in rd.buf */

static void
take_requests(void)
{
	const char *why = NULL;
	char *cause = NULL;
	struct job *j;
	size_t i, shift;
	int r;

	for (;;) {
		r = speech_request_parse(rd.buf, rd.len, &rd.off, &pend,
		    &cause);
		if (r == 0)
			break;
		if (r == -1 || (j = job_new(&pend, &why)) == NULL) {
			helper_say("error", "request %s", r == -1 ? cause : why);
			free(cause);
			_exit(1);
		}
		memset(&pend, 0, sizeof pend);
		pend_start = rd.off;
		if (j->op == J_SAY || j->op == J_ADD)
			test_log(j);
		if (ninbox == INBOX_MAX) {
			helper_say("error", "too many requests at once");
			_exit(1);
		}
		inbox[ninbox++] = j;
	}
	if ((shift = pend_start) == 0)
		return;
	explicit_bzero(rd.buf, shift);
	memmove(rd.buf, rd.buf + shift, rd.len - shift);
	rd.len -= shift;
	rd.off -= shift;
	explicit_bzero(rd.buf + rd.len, shift);
	for (i = 0; i < SPEECH_NFIELDS; i++) {
		if (pend.f[i] != NULL)
			pend.f[i] -= shift;
	}
	pend_start = 0;
}

/* Read what stdin has, waiting at most ms (-1: until something comes). */
static void
rd_fill(int ms)
{
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
	ssize_t r;

	if (rd.eof)
		return;
	if (rd.len == sizeof rd.buf) {
		helper_say("error", "request too long");
		_exit(1);
	}
	if (poll(&pfd, 1, ms) <= 0)
		return;
	r = read(STDIN_FILENO, rd.buf + rd.len, sizeof rd.buf - rd.len);
	if (r == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r <= 0) {
		rd.eof = 1;
		return;
	}
	rd.len += (size_t)r;
	take_requests();
}

/* Move adds to the queue; is there a request that stops the current one? */
static int
interrupted(void)
{
	int i, k = 0, stop = 0;

	for (i = 0; i < ninbox; i++) {
		if (!stop && inbox[i]->op == J_ADD) {
			if (nqueue < SPEECH_QUEUE_MAX)
				queue[nqueue++] = inbox[i];
			else {
				helper_say("failed", "%ld queue full", inbox[i]->id);
				job_free(inbox[i]);
			}
			continue;
		}
		if (inbox[i]->op != J_PROBE)
			stop = 1;
		inbox[k++] = inbox[i];
	}
	ninbox = k;
	return stop || stop_sig || rd.eof;
}

/* ---- the player ---- */

/* Environment the player keeps: where a sound server may be. */
static const char *const player_env[] = {
	"HOME", "XDG_RUNTIME_DIR", "PULSE_SERVER", "PULSE_RUNTIME_PATH",
	"PIPEWIRE_RUNTIME_DIR", "ALSA_CONFIG_PATH",
};

/* Start aplay on device for raw mono S16_LE at the synthesiser's rate. */
static int
player_start(const char *device, int *in, int *err, pid_t *pid,
    char **cause)
{
	char rate[16], *argv[16], *envp[nitems(player_env) + 1], *v;
	int p[2] = { -1, -1 }, e[2] = { -1, -1 }, n = 0;
	size_t i, ne = 0;

	snprintf(rate, sizeof rate, "%d", sample_rate);
	argv[n++] = "aplay";
	argv[n++] = "-q";
	argv[n++] = "-D";
	argv[n++] = (char *)device;
	argv[n++] = "-t";
	argv[n++] = "raw";
	argv[n++] = "-f";
	argv[n++] = "S16_LE";
	argv[n++] = "-c";
	argv[n++] = "1";
	argv[n++] = "-r";
	argv[n++] = rate;
	argv[n++] = "-B";	/* a short buffer: stop is quick */
	argv[n++] = "200000";
	argv[n] = NULL;
	for (i = 0; i < nitems(player_env); i++) {
		if ((v = getenv(player_env[i])) != NULL)
			xasprintf(&envp[ne++], "%s=%s", player_env[i], v);
	}
	envp[ne] = NULL;
	if (pipe2(p, O_CLOEXEC) != 0 || pipe2(e, O_CLOEXEC) != 0) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		goto fail;
	}
	if ((*pid = fork()) == -1) {
		xasprintf(cause, "fork: %s", strerror(errno));
		goto fail;
	}
	if (*pid == 0) {
		if (dup2(p[0], STDIN_FILENO) == -1 ||
		    dup2(e[1], STDOUT_FILENO) == -1 ||
		    dup2(e[1], STDERR_FILENO) == -1)
			_exit(127);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		execve(SPEECH_PLAYER, argv, envp);
		_exit(127);
	}
	close(p[0]);
	close(e[1]);
	*in = p[1];
	*err = e[0];
	fcntl(*in, F_SETFL, fcntl(*in, F_GETFL) | O_NONBLOCK);
	fcntl(*err, F_SETFL, fcntl(*err, F_GETFL) | O_NONBLOCK);
	for (i = 0; i < ne; i++)
		free(envp[i]);
	return 0;
fail:
	for (i = 0; i < 2; i++) {
		if (p[i] != -1)
			close(p[i]);
		if (e[i] != -1)
			close(e[i]);
	}
	for (i = 0; i < ne; i++)
		free(envp[i]);
	return -1;
}

/*
 * Wait for the player to end (its stderr closes), at most ms, watching
 * stdin when watch is set. Returns its exit status (0 played), -2 if it
 * was interrupted (and killed), -1 if it did not end in time (killed).
 * why gets the last line it printed.
 */
static int
player_wait(pid_t pid, int err, int ms, int watch, char *why, size_t whylen)
{
	struct pollfd pfd[2];
	char b[512];
	double end = now_ms() + ms;
	int status, rc = -1, left, n;
	size_t have = 0, len;
	char *last;
	ssize_t r;

	if (whylen > 0)
		why[0] = '\0';
	for (;;) {
		left = (int)(end - now_ms());
		if (left <= 0)
			break;
		if (watch && interrupted()) {
			rc = -2;
			break;
		}
		pfd[0].fd = err;
		pfd[0].events = POLLIN;
		pfd[1].fd = STDIN_FILENO;
		pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		n = poll(pfd, watch && !rd.eof ? 2 : 1, left);
		if (n <= 0)
			continue;
		if (pfd[1].revents)
			rd_fill(0);
		if (!pfd[0].revents)
			continue;
		r = read(err, b + have, sizeof b - 1 - have);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
				;
			close(err);
			/* The last line it printed, for the answer. */
			while (have > 0 && b[have - 1] == '\n')
				have--;
			b[have] = '\0';
			last = strrchr(b, '\n');
			last = last != NULL ? last + 1 : b;
			len = strlen(last);
			if (len >= whylen)
				len = whylen - 1;
			memcpy(why, last, len);
			why[len] = '\0';
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
			    (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		}
		have += (size_t)r;
		if (have >= sizeof b - 1)
			have = 0;	/* keep only what comes last */
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	close(err);
	return rc;
}

/* ---- a WAV file (tests only) ---- */

static void
le32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static void
wav_header(unsigned char h[44], uint32_t bytes)
{
	memcpy(h, "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0", 24);
	le32(h + 4, 36 + bytes);
	le32(h + 24, (uint32_t)sample_rate);
	le32(h + 28, (uint32_t)sample_rate * 2);
	memcpy(h + 32, "\x02\0\x10\0data", 8);
	le32(h + 40, bytes);
}

/* ---- speaking ---- */

/* Write PCM to the sink, watching stdin; -1 if it went away. */
static int
sink_write(const void *data, size_t len)
{
	struct pollfd pfd[2];
	size_t off = 0;
	ssize_t w;

	while (off < len) {
		if (interrupted()) {
			cur.aborted = 1;
			return 0;
		}
		w = write(cur.fd, (const char *)data + off, len - off);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno == EAGAIN) {
			pfd[0].fd = cur.fd;
			pfd[0].events = POLLOUT;
			pfd[1].fd = STDIN_FILENO;
			pfd[1].events = POLLIN;
			pfd[0].revents = pfd[1].revents = 0;
			if (poll(pfd, rd.eof ? 1 : 2, 1000) > 0 &&
			    pfd[1].revents)
				rd_fill(0);
			continue;
		}
		return -1;	/* EPIPE: the player died */
	}
	return 0;
}

static int
synth_cb(short *wav, int numsamples, espeak_EVENT *events)
{
	if (cur.aborted || cur.failed)
		return 1;
	if (wav == NULL || numsamples <= 0)
		return interrupted() ? (cur.aborted = 1) : 0;
	if (sink_write(wav, (size_t)numsamples * 2) != 0) {
		cur.failed = 1;
		return 1;
	}
	if (cur.aborted)
		return 1;
	cur.bytes += (size_t)numsamples * 2;
	if (!cur.started) {
		cur.started = 1;
		test_time(cur.job->id);
		helper_say("playing", "%ld", cur.job->id);
	}
	return 0;
}

static void
speak(struct job *j)
{
	unsigned char h[44];
	char *cause = NULL, why[256];
	espeak_ERROR e;
	int st, ms;

	memset(&cur, 0, sizeof cur);
	cur.job = j;
	cur.fd = cur.err = -1;
	if (cur_voice == NULL || strcmp(cur_voice, j->voice) != 0) {
		if (espeak_SetVoiceByName(j->voice) != EE_OK) {
			helper_say("failed", "%ld unknown voice", j->id);
			free(cur_voice);
			cur_voice = NULL;
			return;
		}
		free(cur_voice);
		cur_voice = xstrdup(j->voice);
	}
	espeak_SetParameter(espeakRATE, j->rate, 0);
	espeak_SetParameter(espeakVOLUME, j->volume, 0);
	if (j->wav != NULL) {
		if (!testing) {
			helper_say("failed", "%ld wav is for tests only", j->id);
			return;
		}
		cur.fd = open(j->wav, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (cur.fd == -1) {
			helper_say("failed", "%ld %s", j->id, strerror(errno));
			return;
		}
		wav_header(h, 0);
		if (write(cur.fd, h, sizeof h) != (ssize_t)sizeof h) {
			helper_say("failed", "%ld %s", j->id, strerror(errno));
			close(cur.fd);
			return;
		}
	} else if (player_start(j->device, &cur.fd, &cur.err, &cur.pid,
	    &cause) != 0) {
		helper_say("failed", "%ld player %s", j->id, cause);
		free(cause);
		return;
	}
	e = espeak_Synth(j->text, strlen(j->text) + 1, 0, POS_CHARACTER, 0,
	    espeakCHARS_UTF8, NULL, NULL);
	if (e != EE_OK && !cur.aborted)
		cur.failed = 1;
	if (j->wav != NULL) {
		wav_header(h, (uint32_t)cur.bytes);
		if (pwrite(cur.fd, h, sizeof h, 0) != (ssize_t)sizeof h ||
		    close(cur.fd) != 0)
			cur.failed = 1;
		if (cur.aborted)
			helper_say("stopped", "%ld", j->id);
		else if (cur.failed)
			helper_say("failed", "%ld cannot write the file", j->id);
		else
			helper_say("done", "%ld", j->id);
		return;
	}
	close(cur.fd);		/* the player plays what it has, then ends */
	if (cur.aborted) {
		kill(cur.pid, SIGKILL);
		player_wait(cur.pid, cur.err, 1000, 0, why, sizeof why);
		helper_say("stopped", "%ld", j->id);
		return;
	}
	ms = (int)(cur.bytes * 1000 / 2 / (size_t)sample_rate) +
	    DRAIN_SLACK_MS;
	st = player_wait(cur.pid, cur.err, ms, 1, why, sizeof why);
	if (st == -2)
		helper_say("stopped", "%ld", j->id);
	else if (st == 0 && !cur.failed)
		helper_say("done", "%ld", j->id);
	else if (st == -1)
		helper_say("failed", "%ld the player did not finish", j->id);
	else
		helper_say("failed", "%ld the player stopped (%d): %s", j->id, st,
		    *why ? why : "no message");
}

static void
probe(const struct job *j)
{
	static const char silence[2048];
	char *cause = NULL, why[256];
	int in, err, st;
	pid_t pid;

	if (player_start(j->device, &in, &err, &pid, &cause) != 0) {
		helper_say("probe-failed", "%s", cause);
		free(cause);
		return;
	}
	if (write(in, silence, sizeof silence) < 0) {
		/* It may have died already: its status says why. */
	}
	close(in);
	st = player_wait(pid, err, PROBE_MS, 0, why, sizeof why);
	if (st == 0)
		helper_say("probe", "ok");
	else if (st == 127)
		helper_say("probe-failed", "%s cannot run", SPEECH_PLAYER);
	else
		helper_say("probe-failed", "%s", *why ? why : "the player failed");
}

/* Forget the queue: each waiting utterance is answered "stopped". */
static void
flush_queue(void)
{
	int i;

	for (i = 0; i < nqueue; i++) {
		helper_say("stopped", "%ld", queue[i]->id);
		job_free(queue[i]);
	}
	nqueue = 0;
}

static void
setup(void)
{
	const char *t;

	helper_setup(SPEECH_LINE_MAX, on_stop);
	testing = (t = getenv("KIOSK_TEST")) != NULL && strcmp(t, "1") == 0;
}

int
main(int argc, char **argv)
{
	struct job *j;
	int i;

	setup();
	if (argc > 1 || isatty(STDIN_FILENO)) {
		fprintf(stderr, "usage: kiosk-speak < REQUESTS\n"
		    "kiosk-speak reads screens aloud for kiosk(1), which starts"
		    " it;\nit reads requests on stdin (see speech.h).\n");
		return 2;
	}
	sample_rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, CHUNK_MS,
	    NULL, espeakINITIALIZE_DONT_EXIT);
	if (sample_rate <= 0) {
		helper_say("error", "espeak-ng did not start (is espeak-ng-data "
		    "installed?)");
		return 1;
	}
	espeak_SetSynthCallback(synth_cb);
	helper_say("ready", "%d", sample_rate);
	while (!stop_sig && !helper_parent_gone()) {
		/* Act on what came in, in order. */
		while (ninbox > 0) {
			j = inbox[0];
			memmove(inbox, inbox + 1, (size_t)--ninbox *
			    sizeof *inbox);
			switch (j->op) {
			case J_STOP:
				flush_queue();
				job_free(j);
				break;
			case J_SAY:
				flush_queue();
				queue[nqueue++] = j;
				break;
			case J_ADD:
				if (nqueue < SPEECH_QUEUE_MAX)
					queue[nqueue++] = j;
				else {
					helper_say("failed", "%ld queue full", j->id);
					job_free(j);
				}
				break;
			case J_PROBE:
				probe(j);
				job_free(j);
				break;
			}
		}
		if (nqueue > 0) {
			j = queue[0];
			memmove(queue, queue + 1, (size_t)--nqueue *
			    sizeof *queue);
			speak(j);
			job_free(j);
			continue;
		}
		if (rd.eof)
			break;
		rd_fill(-1);
	}
	for (i = 0; i < nqueue; i++)
		job_free(queue[i]);
	for (i = 0; i < ninbox; i++)
		job_free(inbox[i]);
	free(cur_voice);
	espeak_Terminate();
	explicit_bzero(&rd, sizeof rd);
	return 0;
}
