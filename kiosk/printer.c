/*
 * printer: start kiosk-print, hand it one request, follow its answers,
 * cancel, reap (the protocol and the life cycle are in printer.h).
 *
 * It links no printing or font library and never will: that is the point
 * of the helper. What it must never do: block the caller longer than the
 * wait it was given; trust the helper's output (every line is checked
 * against a fixed grammar and a crash, hang or bad line kills it); leave
 * a helper running or unreaped; pass the helper any environment but what
 * printing needs; log or keep a request (it holds a claim code).
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "helper.h"
#include "printer.h"
#include "printer-request.h"
#include "util.h"

#define PRINTER_HELPER		"kiosk-print"
#define PRINTER_WRITE_MS	5000	/* to hand over the request */
#define PRINTER_CANCEL_WAIT	8	/* s: the helper's own cancel takes <= 5 */
#define PRINTER_CANCEL_HELPER	15	/* s: a fresh helper that cancels */
#define PRINTER_MAXVALS		24

/* Every word the helper may say; anything else is a bad answer. */
static const char *const printer_words[] = {
	"job", "printed", "failed", "canceled", "cancel-failed", "saved",
	"wrote", "error", "render_ms", "submit_ms", "profile-name",
	"profile-width", "profile-height", "profile-media", "profile-error",
	"dest-error", "state", "accepting", "reasons", "message", "end",
};

/* Environment the helper keeps: the print server, and sanitizer options. */
static const char *const printer_env[] = {
	"CUPS_SERVER", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
};

struct printer_val {
	const char	*word;		/* one of printer_words */
	char		*value;
};

struct printer {
	pid_t			 pid;		/* 0 once reaped */
	int			 to;		/* its stdin, -1 when closed */
	int			 from;		/* its stdout, -1 when closed */
	int			 quiet;
	char			*dest;		/* for cancel; NULL if none */
	enum printer_result	 result;
	int			 job;
	int			 ended, bad, printed, canceled;
	char			*why;
	char			 line[PRINTER_LINE_MAX];
	struct helper_line	 in;		/* answers, cut into lines */
	struct printer_val	 vals[PRINTER_MAXVALS];
	int			 nvals;
};

static void
set_why(struct printer *p, const char *why)
{
	if (p->why == NULL)
		p->why = xstrdup(why);
}

/* Reap the helper: wait up to ms for it to exit, then kill it. */
static void
reap(struct printer *p, int ms)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int status = 0, waited;
	char *why;

	if (p->pid <= 0)
		return;
	for (waited = 0; waited < ms; waited += 10) {
		if (waitpid(p->pid, &status, WNOHANG) == p->pid)
			goto done;
		nanosleep(&ts, NULL);
	}
	kill(p->pid, SIGKILL);
	while (waitpid(p->pid, &status, 0) == -1 && errno == EINTR)
		;
done:
	p->pid = 0;
	if (!p->ended) {
		if (WIFSIGNALED(status))
			xasprintf(&why, "the print helper died (signal %d)",
			    WTERMSIG(status));
		else
			xasprintf(&why, "the print helper stopped (exit %d) "
			    "without an answer", WEXITSTATUS(status));
		set_why(p, why);
		free(why);
	}
}

static void
close_fds(struct printer *p)
{
	if (p->to != -1)
		close(p->to);
	if (p->from != -1)
		close(p->from);
	p->to = p->from = -1;
}

void
printer_kill(struct printer *p, const char *why)
{
	if (p->result != PRINTER_RUNNING)
		return;
	set_why(p, why);
	if (p->pid > 0)
		kill(p->pid, SIGKILL);
	close_fds(p);
	reap(p, 0);
	p->result = PRINTER_FAILED;
}

/* Write all of data to the helper's stdin within PRINTER_WRITE_MS. */
static int
write_all(int fd, const void *data, size_t len)
{
	struct pollfd pfd = { fd, POLLOUT, 0 };
	double end = now_ms() + PRINTER_WRITE_MS;
	size_t off = 0;
	ssize_t w;
	long ms;

	while (off < len) {
		ms = (long)(end - now_ms());
		if (ms <= 0 || poll(&pfd, 1, (int)ms) == -1) {
			if (ms > 0 && errno == EINTR)
				continue;
			return -1;
		}
		w = write(fd, (const char *)data + off, len - off);
		if (w == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

struct printer *
printer_start(const struct printer_request *req, int quiet, char **cause)
{
	struct printer *p;
	struct helper_child c;
	struct buf b = { 0 };
	char *path;
	int ticket;

	if (printer_request_format(req, &b, cause) != 0)
		return NULL;
	/* Test-only: a fake helper for ticket requests (SECURITY.md). */
	ticket = req->f[PF_OP] != NULL && strcmp(req->f[PF_OP], "ticket") == 0;
	path = helper_path(PRINTER_HELPER, ticket ? "KIOSK_TEST_PRINT_HELPER" :
	    NULL);
	if (helper_spawn(path, printer_env, nitems(printer_env), quiet, &c,
	    cause) != 0) {
		buf_free(&b);
		free(path);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->pid = c.pid;
	p->to = c.to;
	p->from = c.from;
	p->quiet = quiet;
	p->result = PRINTER_RUNNING;
	p->in.line = p->line;
	p->in.size = sizeof p->line;
	if (req->f[PF_DEST] != NULL && ticket)
		p->dest = xstrdup(req->f[PF_DEST]);
	if (write_all(p->to, b.data, b.len) != 0) {
		/* It never had the whole request: it cannot have a job. */
		xasprintf(cause, "%s did not take the request", path);
		printer_kill(p, *cause);
		printer_free(p);
		p = NULL;
	}
	buf_free(&b);		/* holds the claim code: zeroed */
	free(path);
	return p;
}

int
printer_parse_answer(const char *line, size_t len, struct printer_answer *a)
{
	size_t i;
	long l;
	int w;

	memset(a, 0, sizeof *a);
	if ((w = helper_answer_word(line, len, printer_words,
	    nitems(printer_words), &a->value, &a->valuelen)) == -1)
		return -1;
	a->word = printer_words[w];
	if (strcmp(a->word, "job") == 0) {
		/* 1 to INT_MAX, decimal, no sign, space or leading zero. */
		if (a->valuelen == 0 || a->value[0] < '1' || a->value[0] > '9')
			return -1;
		for (l = 0, i = 0; i < a->valuelen; i++) {
			if (a->value[i] < '0' || a->value[i] > '9' ||
			    l > (INT_MAX - (a->value[i] - '0')) / 10)
				return -1;
			l = l * 10 + (a->value[i] - '0');
		}
		a->job = (int)l;
	}
	return 0;
}

/* One answer line. Returns -1 if it breaks the grammar. */
static int
answer(void *arg, const char *line, size_t len)
{
	struct printer *p = arg;
	struct printer_answer a;
	const char *word;
	char *value, *sp;
	int k;

	if (p->ended)
		return -1;	/* nothing may follow "end" */
	if (printer_parse_answer(line, len, &a) != 0)
		return -1;
	word = a.word;
	if (a.job != 0) {
		if (p->job != 0)
			return -1;
		p->job = a.job;
	}
	value = xstrndup(a.value, a.valuelen);
	if (strcmp(word, "printed") == 0)
		p->printed = 1;
	else if (strcmp(word, "canceled") == 0)
		p->canceled = 1;
	else if (strcmp(word, "failed") == 0 ||
	    strcmp(word, "cancel-failed") == 0) {
		set_why(p, *value != '\0' ? value : "failed");
		p->bad = 1;
	} else if (strcmp(word, "error") == 0) {
		/* "error STAGE WHY": the why is for people. */
		sp = strchr(value, ' ');
		set_why(p, sp != NULL ? sp + 1 : "error");
		p->bad = 1;
	} else if (strcmp(word, "end") == 0)
		p->ended = 1;
	for (k = 0; k < p->nvals; k++) {
		if (p->vals[k].word == word)
			break;
	}
	if (k == p->nvals) {
		if (k == PRINTER_MAXVALS) {
			free(value);
			return -1;
		}
		p->vals[p->nvals++].word = word;
	}
	free(p->vals[k].value);
	p->vals[k].value = value;
	return 0;
}

enum printer_result
printer_poll(struct printer *p, int ms)
{
	while (p->result == PRINTER_RUNNING) {
		switch (helper_read(p->from, ms, &p->in, answer, p)) {
		case HELPER_READ_NONE:
			return p->result;	/* nothing yet */
		case HELPER_READ_EOF:
			/* It closed stdout: it ended, or it died. */
			close_fds(p);
			reap(p, 1000);
			if (!p->ended)
				set_why(p, "the print helper stopped");
			p->result = p->ended && !p->bad ? PRINTER_OK :
			    PRINTER_FAILED;
			break;
		case HELPER_READ_LONG:
			printer_kill(p, "the print helper's answer is too long");
			break;
		case HELPER_READ_BAD:
			printer_kill(p, "the print helper gave a bad answer");
			break;
		case HELPER_READ_SOME:
			ms = 0;
			break;
		}
	}
	return p->result;
}

enum printer_result
printer_wait(struct printer *p, int seconds)
{
	time_t deadline = time(NULL) + seconds;

	while (printer_poll(p, 100) == PRINTER_RUNNING) {
		if (time(NULL) >= deadline) {
			printer_kill(p, "the print helper did not answer in "
			    "time");
			break;
		}
	}
	return p->result;
}

int
printer_job(const struct printer *p)
{
	return p->job;
}

const char *
printer_why(const struct printer *p)
{
	return p->why;
}

const char *
printer_get(const struct printer *p, const char *word)
{
	int k;

	for (k = 0; k < p->nvals; k++) {
		if (strcmp(p->vals[k].word, word) == 0)
			return p->vals[k].value;
	}
	return NULL;
}

/* A fresh helper that cancels job (0: every ticket job of ours) on dest. */
static int
cancel_with_helper(const char *dest, int job, int quiet, char **cause)
{
	struct printer_request req;
	struct printer *h;
	char id[16];
	int rc = -1;

	memset(&req, 0, sizeof req);
	snprintf(id, sizeof id, "%d", job);
	req.f[PF_OP] = "cancel";
	req.f[PF_DEST] = dest;
	req.f[PF_JOB] = id;
	if ((h = printer_start(&req, quiet, cause)) == NULL)
		return -1;
	if (printer_wait(h, PRINTER_CANCEL_HELPER) == PRINTER_OK &&
	    h->canceled)
		rc = 0;
	else
		xasprintf(cause, "%s", h->why != NULL ? h->why :
		    "cancel not confirmed");
	printer_free(h);
	return rc;
}

int
printer_cancel(struct printer *p, char **cause)
{
	if (p->result == PRINTER_RUNNING) {
		if (p->to != -1) {
			if (write(p->to, "cancel\n", 7) != 7) {
				/* Gone or full: closing says cancel too. */
			}
			close(p->to);
			p->to = -1;
		}
		printer_wait(p, PRINTER_CANCEL_WAIT);
	}
	if (p->canceled || p->printed || p->dest == NULL)
		return 0;
	/* The helper ended cleanly before making a job: nothing queued. */
	if (p->job == 0 && p->ended)
		return 0;
	/* A job it did not confirm cancelled, or one it may have made. */
	return cancel_with_helper(p->dest, p->job, p->quiet, cause);
}

void
printer_free(struct printer *p)
{
	int k;

	if (p == NULL)
		return;
	close_fds(p);		/* EOF: a helper following a job cancels it */
	reap(p, 1000);
	for (k = 0; k < p->nvals; k++)
		free(p->vals[k].value);
	free(p->dest);
	free(p->why);
	explicit_bzero(p, sizeof *p);
	free(p);
}
