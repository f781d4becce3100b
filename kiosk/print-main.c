/*
 * print-main: kiosk-print, the helper program that renders a ticket
 * (ticket.c: cairo, pango, qrencode) and talks to CUPS (print.c) for the
 * kiosk. It is the only program that links those libraries, so their code
 * and their memory never share an address space with a resident's answers,
 * and the kiosk itself stays small.
 *
 * It reads one request on stdin and answers on stdout, in the protocol
 * described in printer.h (the kiosk's side), then exits. A ticket request holds one claim
 * code: it is wiped (with the PDF) before exit, never logged, never
 * written anywhere but the one file the request names (demo and tests).
 *
 * What it must never do: read anything of the kiosk's but the request; run
 * on after its parent is gone (EOF on stdin, or SIGTERM, cancels a job it
 * follows); leave a failed or cancelled job waiting to print later; write
 * to stderr anything but a fatal error.
 */

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

#include "chart.h"
#include "helper.h"
#include "print.h"
#include "printer.h"
#include "printer-request.h"
#include "ticket.h"
#include "util.h"

/*
 * Under ASan: fontconfig and the TLS stack behind libcups keep one-off
 * allocations for the life of the process (see tests/lsan.supp). LSan reads
 * this hook; without ASan it is unused.
 */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libp11-kit.so\nleak:libgnutls.so\n"
	    "leak:libglib-2.0.so\nleak:libgobject-2.0.so\nleak:libcups.so\n"
	    "leak:libkrb5.so\nleak:__newlocale\nleak:argz_add_sep\n";
}

/* The request, read whole into rd.buf; req's fields point into it. */
static struct {
	char	 buf[PRINTER_REQ_MAX + 256];
	size_t	 len;		/* bytes read */
	size_t	 off;		/* bytes parsed */
} rd;
static struct printer_request req;
static volatile sig_atomic_t stop_sig;

static void
on_stop(int sig)
{
	stop_sig = sig;
}

/* ---- The request ------------------------------------------------------- */

/* Read more of stdin, waiting at most ms. -1 on EOF or error, 0 timeout. */
static int
rd_fill(int ms)
{
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
	ssize_t r;

	if (rd.len == sizeof rd.buf)
		return -1;
	switch (poll(&pfd, 1, ms)) {
	case -1:
		return errno == EINTR ? 0 : -1;
	case 0:
		return 0;
	}
	r = read(STDIN_FILENO, rd.buf + rd.len, sizeof rd.buf - rd.len);
	if (r == -1 && errno == EINTR)
		return 0;
	if (r <= 0)
		return -1;
	rd.len += (size_t)r;
	return 1;
}

/*
 * Read and parse the request (printer-request.c) until "end", waiting at
 * most PRINTER_REQ_WAIT_MS in all. Anything bad is refused whole.
 */
static int
rd_request(char **cause)
{
	double deadline = now_ms() + PRINTER_REQ_WAIT_MS;
	int r;

	for (;;) {
		r = printer_request_parse(rd.buf, rd.len, &rd.off, &req, cause);
		if (r != 0)
			return r == 1 ? 0 : -1;
		if (now_ms() > deadline || rd_fill(100) == -1) {
			xasprintf(cause, "request cut short");
			return -1;
		}
	}
}

static const char *
get(enum printer_field f)
{
	return req.f[f];
}

static int
get_int(enum printer_field f, int dflt, int min, int max)
{
	const char *v = req.f[f];
	char *end;
	long l;

	if (v == NULL || *v == '\0')
		return dflt;
	errno = 0;
	l = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || l < min || l > max)
		return dflt;
	return (int)l;
}

/*
 * After the request, the parent may only say "cancel". Wait up to ms for
 * it; EOF (the kiosk is gone), a signal or anything else counts as cancel.
 */
static int
cancel_asked(int ms)
{
	double end = now_ms() + ms;
	int r;

	while (!stop_sig && !helper_parent_gone()) {
		if (rd.len > rd.off)
			return 1;
		if ((r = rd_fill(ms)) == -1)
			return 1;
		if (r == 0 && now_ms() >= end)
			return 0;
		ms = (int)(end - now_ms());
		if (ms < 0)
			ms = 0;
	}
	return 1;
}

/* ---- Operations -------------------------------------------------------- */

static int
write_file(const char *path, const struct buf *pdf, int excl, char **cause)
{
	int fd, flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC;
	size_t off;
	ssize_t w;

	flags |= excl ? O_EXCL : O_TRUNC;
	if ((fd = open(path, flags, 0600)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (off = 0; off < pdf->len; off += (size_t)w) {
		w = write(fd, pdf->data + off, pdf->len - off);
		if (w == -1 && errno == EINTR) {
			w = 0;
			continue;
		}
		if (w <= 0) {
			xasprintf(cause, "%s: %s", path,
			    w == 0 ? "write failed" : strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

static void
job_created(int id, void *arg)
{
	helper_say("job", "%d", id);
}

/* Follow the job until done, failed, the deadline, or a cancel. */
static int
follow(const char *dest, int job, int timeout)
{
	double deadline = now_ms() + timeout * 1000.0;
	char *why = NULL, *cause = NULL;

	for (;;) {
		switch (print_poll(dest, job, &why)) {
		case PRINT_DONE:
			helper_say("printed", NULL);
			return 0;
		case PRINT_FAILED:
			break;
		case PRINT_PENDING:
			if (cancel_asked(100)) {
				xasprintf(&why, "canceled by the kiosk");
				break;
			}
			if (now_ms() < deadline)
				continue;
			xasprintf(&why, "not printed after %d seconds",
			    timeout);
			break;
		}
		break;
	}
	helper_say("failed", "%s", why);
	free(why);
	if (print_cancel(dest, job, &cause) != 0) {
		helper_say("cancel-failed", "%s", cause);
		free(cause);
	} else
		helper_say("canceled", NULL);
	return -1;
}

static int
op_ticket(void)
{
	struct ticket_profile prof;
	struct ticket t;
	struct buf pdf = { 0 };
	const char *dest = get(PF_DEST), *save = get(PF_SAVE);
	const char *out = get(PF_OUT);
	char *cause = NULL;
	double t0, render_ms = 0, submit_ms = 0;
	int i, job = 0, rc = -1, wait, repeat;

	wait = get_int(PF_WAIT, -1, -1, 3600);
	repeat = get_int(PF_REPEAT, 1, 1, 100000);
	if (ticket_profile_load(get(PF_PROFILES_DIR) ? get(PF_PROFILES_DIR) :
	    ".", get(PF_PROFILE), &prof, &cause) != 0) {
		helper_say("error", "profile %s", cause);
		goto out;
	}
	memset(&t, 0, sizeof t);
	t.lang = get(PF_LANG);
	t.office_name = get(PF_OFFICE_NAME) ? get(PF_OFFICE_NAME) : "";
	t.office_address = get(PF_OFFICE_ADDRESS);
	t.office_hours = get(PF_OFFICE_HOURS);
	t.claim = get(PF_CLAIM);
	t.date = get(PF_DATE);
	t.service = get(PF_SERVICE);
	t.next_steps = get(PF_NEXT_STEPS);
	t.next_steps_en = get(PF_NEXT_STEPS_EN);
	t.h_code = get(PF_H_CODE);
	t.h_date = get(PF_H_DATE);
	t.h_next = get(PF_H_NEXT);
	t.h_keep = get(PF_H_KEEP);
	/* No claim code: a take-away sheet (know your rights). */
	t.sheet = t.claim == NULL;
	for (i = 0; i < repeat; i++) {
		buf_free(&pdf);
		t0 = now_ms();
		if (ticket_render(&t, &prof, &pdf, &cause) != 0) {
			helper_say("error", "render %s", cause);
			goto out;
		}
		render_ms += now_ms() - t0;
	}
	if (out != NULL) {
		if (write_file(out, &pdf, 0, &cause) != 0) {
			helper_say("error", "save %s", cause);
			goto out;
		}
		helper_say("wrote", "%s", out);
	}
	if (save != NULL) {
		if (write_file(save, &pdf, 1, &cause) != 0) {
			helper_say("error", "save %s", cause);
			goto out;
		}
		helper_say("saved", "%s", save);
	}
	if (dest != NULL) {
		t0 = now_ms();
		if (print_submit(dest, prof.media, pdf.data, pdf.len, &job,
		    job_created, NULL, &cause) != 0) {
			helper_say("error", "submit %s", cause);
			goto out;
		}
		submit_ms = now_ms() - t0;
		/* The document is in the spooler: the PDF goes now. */
		buf_free(&pdf);
		if (wait >= 0 && follow(dest, job, wait) != 0)
			goto out;
	}
	rc = 0;
out:
	if (get_int(PF_TIME, 0, 0, 1)) {
		helper_say("render_ms", "%.3f", render_ms / repeat);
		if (dest != NULL)
			helper_say("submit_ms", "%.3f", submit_ms);
	}
	free(cause);
	buf_free(&pdf);		/* holds the claim code: zeroed */
	return rc;
}

static int
op_cancel(void)
{
	const char *dest = get(PF_DEST);
	char *cause = NULL;
	int job = get_int(PF_JOB, -1, 0, INT_MAX), rc;

	if (dest == NULL || job < 0) {
		helper_say("error", "request cancel needs a destination and a job");
		return -1;
	}
	if (job == 0)
		rc = print_cancel_mine(dest, &cause);
	else
		rc = print_cancel(dest, job, &cause);
	if (rc != 0) {
		helper_say("cancel-failed", "%s", cause);
		free(cause);
		return -1;
	}
	helper_say("canceled", NULL);
	return 0;
}

static int
op_status(void)
{
	struct ticket_profile prof;
	struct print_state ps;
	const char *dest = get(PF_DEST);
	char *cause = NULL;

	if (ticket_profile_load(get(PF_PROFILES_DIR) ? get(PF_PROFILES_DIR) :
	    ".", get(PF_PROFILE), &prof, &cause) != 0) {
		helper_say("profile-error", "%s", cause);
		free(cause);
		cause = NULL;
	} else {
		helper_say("profile-name", "%s", prof.name);
		helper_say("profile-width", "%g", prof.width_mm);
		helper_say("profile-height", "%g", prof.height_mm);
		helper_say("profile-media", "%s", prof.media);
	}
	if (dest == NULL)
		return 0;
	if (print_dest_state(dest, &ps, &cause) != 0) {
		helper_say("dest-error", "%s", cause);
		free(cause);
		return 0;
	}
	helper_say("state", "%d", ps.state);
	helper_say("accepting", "%d", ps.accepting ? 1 : 0);
	helper_say("reasons", "%s", ps.reasons);
	helper_say("message", "%s", ps.message);
	return 0;
}


int
main(int argc, char **argv)
{
	const char *op;
	char *cause = NULL;
	int rc = 1;

	/* kiosk report: the taskforce's page, not a ticket (chart.c). */
	if (argc == 3 && strcmp(argv[1], "--report-chart") == 0)
		return chart_main(argv[2]);

	helper_setup(PRINTER_LINE_MAX, on_stop);
	if (argc > 1 || isatty(STDIN_FILENO)) {
		fprintf(stderr, "usage: kiosk-print < REQUEST\n"
		    "kiosk-print renders and prints claim tickets for kiosk(1),"
		    " which starts it;\nit reads one request on stdin "
		    "(see printer.h).\n");
		return 2;
	}
	if (rd_request(&cause) != 0) {
		helper_say("error", "request %s", cause);
		free(cause);
		goto out;
	}
	if ((op = get(PF_OP)) == NULL)
		helper_say("error", "request has no op");
	else if (strcmp(op, "ticket") == 0)
		rc = op_ticket() == 0 ? 0 : 1;
	else if (strcmp(op, "cancel") == 0)
		rc = op_cancel() == 0 ? 0 : 1;
	else if (strcmp(op, "status") == 0)
		rc = op_status() == 0 ? 0 : 1;
	else
		helper_say("error", "request has an unknown op");
out:
	helper_say("end", NULL);
	/*
	 * The claim code. (No ticket_cleanup(): cairo asserts when pango
	 * still holds fonts at exit, and the process ends anyway.)
	 */
	explicit_bzero(&rd, sizeof rd);
	return rc;
}
