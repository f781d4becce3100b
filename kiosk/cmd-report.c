/*
 * cmd-report: `kiosk report` at the office. From the CSV files kiosk open
 * wrote, the taskforce's anonymous figures per month (report.c): a CSV
 * and a one-page PDF per month, the PDF drawn by kiosk-print (the only
 * program that links cairo), started here with the page's description on
 * its stdin: counts and labels, nothing a resident typed.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "form.h"
#include "report.h"
#include "util.h"

#ifndef BINDIR
#define BINDIR "/usr/local/bin"
#endif

/* kiosk-print beside this binary, else in BINDIR. */
static char *
helper_path(void)
{
	char self[PATH_MAX], *slash, *path;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			xasprintf(&path, "%s/kiosk-print", self);
			if (access(path, X_OK) == 0)
				return path;
			free(path);
		}
	}
	return xstrdup(BINDIR "/kiosk-print");
}

/* Draw the page: kiosk-print --report-chart PDF < description. */
static int
draw(const char *pdf, const struct buf *desc, char **cause)
{
	char *helper = helper_path(), *argv[4];
	int fd[2], status;
	size_t off = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fd) != 0) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		free(helper);
		return -1;
	}
	if ((pid = fork()) == -1) {
		xasprintf(cause, "fork: %s", strerror(errno));
		close(fd[0]);
		close(fd[1]);
		free(helper);
		return -1;
	}
	if (pid == 0) {
		char *envp[] = { NULL, NULL };
		const char *fc = getenv("FONTCONFIG_FILE");
		char *e = NULL;

		if (fc != NULL && asprintf(&e, "FONTCONFIG_FILE=%s", fc) > 0)
			envp[0] = e;
		dup2(fd[0], STDIN_FILENO);
		close(fd[0]);
		close(fd[1]);
		argv[0] = helper;
		argv[1] = (char *)"--report-chart";
		argv[2] = (char *)pdf;
		argv[3] = NULL;
		execve(helper, argv, envp);
		_exit(127);
	}
	close(fd[0]);
	signal(SIGPIPE, SIG_IGN);
	while (off < desc->len) {
		n = write(fd[1], desc->data + off, desc->len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd[1]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		xasprintf(cause, "%s: %s could not draw it%s", pdf, helper,
		    WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
		    " (not found)" : "");
		free(helper);
		return -1;
	}
	free(helper);
	return 0;
}

static int
write_text(const char *path, const struct buf *b, char **cause)
{
	FILE *f;

	if ((f = fopen(path, "we")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0) {
		xasprintf(cause, "%s: cannot write", path);
		return -1;
	}
	return 0;
}

static const struct cmd_option cmd_report_options[] = {
	{ "in", 1, 0, "the folder of CSV files that kiosk open wrote" },
	{ "form", 1, 0, "the form they answer" },
	{ "out", 1, 0, "the folder for the report" },
	{ "k", 1, 0, "the smallest count shown (2 to 1000)" },
	{ "month", 1, 0, "only this month (YYYY-MM)" },
	{ "lang", 1, 0, "the language of the labels" },
	{ "questions", 1, 0, "only these questions" },
	{ "no-pdf", 0, 0, "no PDF page, the CSV alone" },
	{ NULL, 0, 0, NULL }
};

/* The command line of report, parsed. */
struct report_opts {
	const char	*in, *fpath, *out, *only, *lang, *questions;
	long		 k;
	int		 pdf;
};

/* Parse and check the command line: 0, or the usage error's status. */
static int
report_args(const struct cmd_entry *e, int argc, char **argv,
    struct report_opts *o)
{
	struct cmd_args a;
	const char *v;
	char *end;
	int rc, j = 0;

	if ((rc = cmd_parse(e, argc, argv, &a)) != 0)
		return rc;
	o->in = cmd_args_get(&a, "in");
	o->fpath = cmd_args_get(&a, "form");
	o->out = cmd_args_get(&a, "out");
	o->only = cmd_args_get(&a, "month");
	if ((o->lang = cmd_args_get(&a, "lang")) == NULL)
		o->lang = "en";
	o->questions = cmd_args_get(&a, "questions");
	o->pdf = !cmd_args_has(&a, "no-pdf");
	o->k = REPORT_K_DEFAULT;
	while ((v = cmd_args_next(&a, "k", &j)) != NULL && rc == 0) {
		o->k = strtol(v, &end, 10);
		if (*end != '\0' || o->k < 2 || o->k > 1000)
			rc = cmd_usage(e, "--k must be a number from 2 to 1000");
	}
	if (rc == 0 && (o->in == NULL || o->fpath == NULL || o->out == NULL))
		rc = cmd_usage(e, "--in DIR, --form FILE and --out DIR are "
		    "needed");
	else if (rc == 0 && a.argc != 0)
		rc = cmd_usage(e, "unexpected argument \"%s\"", a.argv[0]);
	cmd_args_free(&a);
	return rc;
}

/* One month's CSV and (pdf) its page; -1 with *cause. */
static int
report_month(struct report *r, const char *month, const char *out, int pdf,
    char **cause)
{
	struct buf b = { 0 };
	char *path;
	int rc = -1;

	report_csv(r, month, &b);
	xasprintf(&path, "%s/taskforce-%s.csv", out, month);
	if (write_text(path, &b, cause) != 0)
		goto out;
	printf("wrote %s\n", path);
	if (pdf) {
		b.len = 0;
		report_chart(r, month, &b);
		free(path);
		xasprintf(&path, "%s/taskforce-%s.pdf", out, month);
		if (draw(path, &b, cause) != 0)
			goto out;
		printf("wrote %s\n", path);
	}
	rc = 0;
out:
	buf_free(&b);
	free(path);
	return rc;
}

static int
cmd_report_exec(const struct cmd_entry *e, int argc, char **argv)
{
	struct report_opts o;
	struct report *r = NULL;
	struct form *f;
	const char **months;
	char *cause = NULL;
	size_t nrows, nm, i;
	int rc, wrote = 0;

	if ((rc = report_args(e, argc, argv, &o)) != 0)
		return rc;
	rc = 1;
	if ((f = form_load(o.fpath, &cause)) == NULL ||
	    (r = report_new(f, o.questions, (int)o.k, o.lang, &cause)) ==
	    NULL || report_read_dir(r, o.in, &nrows, &cause) != 0 ||
	    mkdir_p(o.out, 0700, &cause) != 0) {
		cmd_error("%s", cause);
		goto out;
	}
	nm = report_months(r, &months);
	for (i = 0; i < nm; i++) {
		if (o.only != NULL && strcmp(o.only, months[i]) != 0)
			continue;
		if (report_month(r, months[i], o.out, o.pdf, &cause) != 0) {
			cmd_error("%s", cause);
			goto out;
		}
		wrote++;
	}
	if (wrote == 0) {
		cmd_error("%s: no report of form %s%s%s", o.in, f->id,
		    o.only ? " in " : "", o.only ? o.only : "");
		goto out;
	}
	rc = 0;
out:
	report_free(r);
	free(cause);
	return rc;
}

const struct cmd_entry cmd_report_entry = {
	"report",
	"report --in DIR --form FORM.csv --out DIR [--k N] [--month YYYY-MM] "
	"[--lang LANG] [--questions a,b,...] [--no-pdf]",
	"Anonymous monthly figures for the taskforce from opened reports.",
	"Reads the submission CSV files kiosk open wrote in --in DIR for the "
	"form in --form (every version) and writes, for each month (the "
	"month of the incident; the day of submission when the report has "
	"no date), DIR/taskforce-YYYY-MM.csv and a one-page "
	"DIR/taskforce-YYYY-MM.pdf with bar charts. It counts only the "
	"answers to choice questions that identify nobody (by default "
	"" REPORT_QUESTIONS "; --questions to choose), and never reads "
	"out, copies or prints a free-text answer, a name, a contact or a "
	"claim code. A count from 1 to k-1 (--k, default 5) is shown as "
	"\"fewer than k\"; where a question's answers add up to a shown "
	"total, more cells are hidden so that the hidden ones cannot be "
	"worked out; a month or question with fewer than k reports shows "
	"no counts at all. --lang picks the language of the labels.",
	cmd_report_options,
	cmd_report_exec
};
