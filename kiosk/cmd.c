/*
 * cmd: helpers shared by the subcommands: errors, usage, help text,
 * loading the config, and reading a passphrase without echo.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "util.h"

void
cmd_error(const char *fmt, ...)
{
	va_list ap;

	fputs("kiosk: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cmd_report(int failed, struct buf *msg, char *cause)
{
	if (failed) {
		cmd_error("%s", cause != NULL ? cause : "failed");
		free(cause);
	} else
		fwrite(msg->data, 1, msg->len, stdout);
	buf_free(msg);
	return failed ? 1 : 0;
}

int
cmd_usage(const struct cmd_entry *e, const char *fmt, ...)
{
	va_list ap;

	fputs("kiosk: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: kiosk %s\n", e->usage);
	return 2;
}

void
cmd_print_help(const struct cmd_entry *e)
{
	printf("usage: kiosk %s\n\n%s\n\n%s\n", e->usage, e->summary, e->help);
}

int
cmd_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

struct config *
cmd_load_config(const char *path)
{
	struct config *cfg;
	char *cause = NULL;

	if (path == NULL)
		path = getenv("KIOSK_CONFIG");
	if (path == NULL)
		path = CONFIG_DEFAULT_PATH;
	if ((cfg = config_load(path, &cause)) == NULL) {
		cmd_error("%s", cause);
		free(cause);
	}
	return cfg;
}

static char *
read_line_noecho(const char *prompt)
{
	struct termios old, raw;
	char line[1024];
	int tty;
	FILE *f;
	size_t n;

	if ((f = fopen("/dev/tty", "r+")) == NULL) {
		cmd_error("no terminal to ask for a passphrase on; use "
		    "--passphrase-file");
		return NULL;
	}
	tty = fileno(f);
	fputs(prompt, f);
	fflush(f);
	if (tcgetattr(tty, &old) == 0) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(tty, TCSAFLUSH, &raw);
	}
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	tcsetattr(tty, TCSAFLUSH, &old);
	fputc('\n', f);
	fclose(f);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	{
		char *out = xstrdup(line);
		explicit_bzero(line, sizeof line);
		return out;
	}
}

char *
cmd_passphrase(const char *file, const char *prompt, int confirm)
{
	struct buf b = { 0 };
	char *cause = NULL, *p, *again;
	size_t n;

	if (file != NULL) {
		if (read_file(file, &b, 4096, &cause) != 0) {
			cmd_error("%s", cause);
			free(cause);
			return NULL;
		}
		n = strcspn(buf_cstr(&b), "\r\n");
		p = xstrndup((char *)b.data, n);
		buf_free(&b);
	} else {
		if ((p = read_line_noecho(prompt)) == NULL)
			return NULL;
		if (confirm) {
			if ((again = read_line_noecho("Repeat the passphrase: "))
			    == NULL) {
				freezero_str(p);
				return NULL;
			}
			if (strcmp(p, again) != 0) {
				cmd_error("the two passphrases differ");
				freezero_str(p);
				freezero_str(again);
				return NULL;
			}
			freezero_str(again);
		}
	}
	if (*p == '\0') {
		cmd_error("the passphrase is empty");
		freezero_str(p);
		return NULL;
	}
	return p;
}
