/*
 * helper-proc: the processes of the helper protocol (helper.h). The
 * kiosk's side finds a helper program, starts it on two pipes with a
 * cleaned environment and no other descriptor, and cuts what it writes
 * into answer lines; the helper's side hardens the helper and writes its
 * answer lines.
 *
 * What it must never do: hand a helper any descriptor but its stdin,
 * stdout and stderr, or any environment but what its caller names; write
 * an answer line with a control character in it or longer than the
 * protocol allows; block the kiosk (its pipes are non-blocking).
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper.h"
#include "util.h"

#ifndef BINDIR
#define BINDIR "/usr/local/bin"
#endif
#define HELPER_LINE_MAX	1024	/* the longest answer line of any protocol */

/* ---- the kiosk's side ---- */

char *
helper_path(const char *name, const char *test_var)
{
	char self[PATH_MAX], *slash, *path;
	const char *t;
	ssize_t n;

	/* Test-only: a fake helper (SECURITY.md). */
	if (test_var != NULL && (t = getenv("KIOSK_TEST")) != NULL &&
	    strcmp(t, "1") == 0 && (t = getenv(test_var)) != NULL &&
	    *t != '\0')
		return xstrdup(t);
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			xasprintf(&path, "%s/%s", self, name);
			if (access(path, X_OK) == 0)
				return path;
			free(path);
		}
	}
	xasprintf(&path, "%s/%s", BINDIR, name);
	return path;
}

int
helper_spawn(const char *path, const char *const *env, size_t nenv,
    int quiet, struct helper_child *c, char **cause)
{
	struct sigaction sa;
	char *argv[2], *envp[HELPER_MAX_ENV + 1], *v;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, null = -1, rc = -1;
	size_t i, n = 0;
	pid_t pid;

	/* A helper that dies must not kill us with SIGPIPE. */
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
		sa.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &sa, NULL);
	}
	/*
	 * On the stack, not the heap: a child whose exec fails exits with
	 * the array still reachable, so memcheck sees no leak in it.
	 */
	if (nenv > HELPER_MAX_ENV) {
		xasprintf(cause, "cannot start %s: %zu environment variables "
		    "(at most %d)", path, nenv, HELPER_MAX_ENV);
		return -1;
	}
	for (i = 0; i < nenv; i++) {
		if ((v = getenv(env[i])) != NULL)
			xasprintf(&envp[n++], "%s=%s", env[i], v);
	}
	envp[n] = NULL;
	argv[0] = (char *)path;
	argv[1] = NULL;
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 ||
	    (quiet && (null = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1) ||
	    (pid = fork()) == -1) {
		xasprintf(cause, "cannot start %s: %s", path, strerror(errno));
		goto out;
	}
	if (pid == 0) {
		/* Only async-signal-safe calls until exec. */
		if (dup2(in[0], STDIN_FILENO) == -1 ||
		    dup2(out[1], STDOUT_FILENO) == -1 ||
		    (null != -1 && dup2(null, STDERR_FILENO) == -1))
			_exit(127);
		close_range(3, ~0U, 0);	/* the database, the log, ... */
		setpgid(0, 0);		/* no terminal signals */
		execve(path, argv, envp);
		_exit(127);
	}
	c->pid = pid;
	c->to = in[1];
	c->from = out[0];
	in[1] = out[0] = -1;
	fcntl(c->to, F_SETFL, fcntl(c->to, F_GETFL) | O_NONBLOCK);
	fcntl(c->from, F_SETFL, fcntl(c->from, F_GETFL) | O_NONBLOCK);
	rc = 0;
out:
	for (i = 0; i < 2; i++) {
		if (in[i] != -1)
			close(in[i]);
		if (out[i] != -1)
			close(out[i]);
	}
	if (null != -1)
		close(null);
	for (i = 0; i < n; i++)
		free(envp[i]);
	return rc;
}

int
helper_line_add(struct helper_line *l, const char *chunk, size_t n,
    int (*fn)(void *, const char *, size_t), void *arg)
{
	size_t i, len;

	for (i = 0; i < n; i++) {
		if (chunk[i] != '\n') {
			if (l->len == l->size - 1)
				return -1;
			l->line[l->len++] = chunk[i];
			continue;
		}
		l->line[l->len] = '\0';
		len = l->len;
		l->len = 0;
		if (fn(arg, l->line, len) != 0)
			return -2;
	}
	return 0;
}

enum helper_read
helper_read(int fd, int ms, struct helper_line *l,
    int (*fn)(void *, const char *, size_t), void *arg)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	char chunk[4096];
	ssize_t r;

	if (poll(&pfd, 1, ms > 0 ? ms : 0) <= 0)
		return HELPER_READ_NONE;
	r = read(fd, chunk, sizeof chunk);
	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return HELPER_READ_NONE;
	if (r <= 0)
		return HELPER_READ_EOF;
	switch (helper_line_add(l, chunk, (size_t)r, fn, arg)) {
	case -1:
		return HELPER_READ_LONG;
	case -2:
		return HELPER_READ_BAD;
	}
	return HELPER_READ_SOME;
}

/* ---- the helper's side ---- */

static size_t helper_linemax = HELPER_LINE_MAX;
static int helper_gone;

void
helper_setup(size_t linemax, void (*on_stop)(int))
{
	struct rlimit rl = { 0, 0 };
	struct sigaction sa;
	sigset_t none;

	if (linemax < HELPER_LINE_MAX)
		helper_linemax = linemax;
	/* A request holds a claim code or screen text: no core dumps. */
	setrlimit(RLIMIT_CORE, &rl);
	if (getenv("KIOSK_ALLOW_DUMP") == NULL)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* Die with the kiosk: if it is killed, SIGTERM comes here too. */
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGTSTP, &sa, NULL);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void
helper_vsay(const char *key, const char *fmt, va_list ap)
{
	char line[HELPER_LINE_MAX], *v = NULL;
	size_t n, i, off, max = helper_linemax;
	ssize_t w;

	if (helper_gone)
		return;
	if (fmt != NULL)
		xvasprintf(&v, fmt, ap);
	if (v != NULL && *v != '\0')
		n = (size_t)snprintf(line, max - 1, "%s %s", key, v);
	else
		n = (size_t)snprintf(line, max - 1, "%s", key);
	free(v);
	if (n >= max - 1) {
		n = max - 2;
		/* Do not end in the middle of a UTF-8 sequence. */
		while (n > 0 && ((unsigned char)line[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = ' ';
	}
	line[n++] = '\n';
	for (off = 0; off < n; off += (size_t)w) {
		w = write(STDOUT_FILENO, line + off, n - off);
		if (w == -1 && errno == EINTR) {
			w = 0;
			continue;
		}
		if (w <= 0) {
			helper_gone = 1;	/* EPIPE: the kiosk is gone */
			return;
		}
	}
}

void
helper_say(const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	helper_vsay(key, fmt, ap);
	va_end(ap);
}

int
helper_parent_gone(void)
{
	return helper_gone;
}
