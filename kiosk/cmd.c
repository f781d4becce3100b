/*
 * cmd: helpers shared by the subcommands: the option parser (each entry
 * declares its options in a table, as tmux's cmd_entry does), errors,
 * usage, help text, loading the config, and reading a passphrase without
 * echo.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "util.h"

#define CMD_OPTIONS_MAX	32	/* options of one command */
#define CMD_OPT_VAL	256	/* getopt's value for option i: this + i */

/*
 * Why getopt_long returned c ('?' or ':', with optopt) for word, the
 * argument it stopped at, into a->why.
 */
static void
cmd_args_why(struct cmd_args *a, const struct cmd_option *opts, int c,
    const char *word)
{
	const struct cmd_option *o = NULL;
	struct buf fits = { 0 };
	size_t n, len;
	int nfit = 0;

	if (optopt >= CMD_OPT_VAL)
		o = &opts[optopt - CMD_OPT_VAL];
	for (n = 0; optopt > 0 && optopt < CMD_OPT_VAL && opts != NULL &&
	    opts[n].name != NULL; n++) {
		if (opts[n].letter == optopt)
			o = &opts[n];
	}
	if (c == ':' && o != NULL && o->letter == optopt)
		snprintf(a->why, sizeof a->why, "-%c needs a value", optopt);
	else if (c == ':' && o != NULL)
		snprintf(a->why, sizeof a->why, "--%s needs a value", o->name);
	else if (o != NULL && optopt >= CMD_OPT_VAL)
		snprintf(a->why, sizeof a->why, "--%s takes no value", o->name);
	else if (optopt != 0)
		snprintf(a->why, sizeof a->why, "unknown option -%c", optopt);
	else {
		/* A long option: unknown, or a prefix of several names. */
		len = strcspn(word, "=");
		for (n = 0; opts != NULL && opts[n].name != NULL && len > 2;
		    n++) {
			if (strncmp(opts[n].name, word + 2, len - 2) == 0)
				buf_addf(&fits, "%s--%s", nfit++ == 0 ? "" :
				    ", ", opts[n].name);
		}
		if (nfit < 2)
			snprintf(a->why, sizeof a->why, "unknown option %.*s",
			    (int)len, word);
		else
			snprintf(a->why, sizeof a->why, "%.*s is short for "
			    "more than one option: %s", (int)len, word,
			    buf_cstr(&fits));
		buf_free(&fits);
	}
}

int
cmd_args_parse(const struct cmd_option *opts, int argc, char **argv,
    struct cmd_args *a)
{
	struct option lo[CMD_OPTIONS_MAX + 1];
	char shorts[2 * CMD_OPTIONS_MAX + 2];
	const struct cmd_option *o;
	size_t n, k = 0;
	int c;

	memset(a, 0, sizeof *a);
	a->options = opts;
	shorts[k++] = ':';	/* a missing value is ':', not '?' */
	for (n = 0; opts != NULL && opts[n].name != NULL; n++) {
		if (n == CMD_OPTIONS_MAX)
			fatal("%s: too many options", __func__);
		lo[n].name = opts[n].name;
		lo[n].has_arg = opts[n].nargs > 0 ? required_argument :
		    no_argument;
		lo[n].flag = NULL;
		lo[n].val = CMD_OPT_VAL + (int)n;
		if (opts[n].letter != 0) {
			shorts[k++] = (char)opts[n].letter;
			if (opts[n].nargs > 0)
				shorts[k++] = ':';
		}
	}
	memset(&lo[n], 0, sizeof lo[n]);
	shorts[k] = '\0';
	optind = 1;
	opterr = 0;		/* cmd_args_why says it, in one line */
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (c == '?' || c == ':') {
			cmd_args_why(a, opts, c, argv[optind - 1]);
			cmd_args_free(a);
			return -1;
		}
		if (c >= CMD_OPT_VAL)
			o = &opts[c - CMD_OPT_VAL];
		else {
			for (o = opts; o != NULL && o->name != NULL; o++) {
				if (o->letter != 0 && o->letter == c)
					break;
			}
			if (o == NULL || o->name == NULL) {
				cmd_args_free(a);
				return -1;
			}
		}
		a->list = xreallocarray(a->list, (size_t)a->n + 1,
		    sizeof *a->list);
		a->list[a->n].opt = o;
		a->list[a->n].value = o->nargs > 0 ? optarg : NULL;
		a->list[a->n].value2 = NULL;
		if (o->nargs > 1 && optind < argc)
			a->list[a->n].value2 = argv[optind++];
		a->n++;
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	return 0;
}

int
cmd_parse(const struct cmd_entry *e, int argc, char **argv,
    struct cmd_args *a)
{
	if (cmd_args_parse(e->options, argc, argv, a) != 0)
		return cmd_usage(e, "%s", a->why);
	return 0;
}

void
cmd_args_free(struct cmd_args *a)
{
	free(a->list);
	a->list = NULL;
	a->n = 0;
}

/* A name the command does not declare is a bug in the command. */
static void
cmd_args_check(const struct cmd_args *a, const char *name)
{
	const struct cmd_option *o;

	for (o = a->options; o != NULL && o->name != NULL; o++) {
		if (strcmp(o->name, name) == 0)
			return;
	}
	fatal("option --%s is not declared", name);
}

int
cmd_args_has(const struct cmd_args *a, const char *name)
{
	int i, n = 0;

	cmd_args_check(a, name);
	for (i = 0; i < a->n; i++) {
		if (strcmp(a->list[i].opt->name, name) == 0)
			n++;
	}
	return n;
}

const char *
cmd_args_get(const struct cmd_args *a, const char *name)
{
	int i;

	cmd_args_check(a, name);
	for (i = a->n - 1; i >= 0; i--) {
		if (strcmp(a->list[i].opt->name, name) == 0)
			return a->list[i].value;
	}
	return NULL;
}

const char *
cmd_args_next(const struct cmd_args *a, const char *name, int *i)
{
	const struct cmd_arg *arg;

	cmd_args_check(a, name);
	while (*i < a->n) {
		arg = &a->list[(*i)++];
		if (strcmp(arg->opt->name, name) == 0)
			return arg->value != NULL ? arg->value : "";
	}
	return NULL;
}

int
cmd_args_only(const struct cmd_entry *e, const struct cmd_args *a,
    const char *sub, const char *const *names)
{
	const char *const *n;
	int i;

	for (i = 0; i < a->n; i++) {
		for (n = names; *n != NULL; n++) {
			if (strcmp(*n, a->list[i].opt->name) == 0)
				break;
		}
		if (*n == NULL)
			return cmd_usage(e, "--%s is not an option of %s %s",
			    a->list[i].opt->name, e->name, sub);
	}
	return 0;
}

static int
cmd_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
cmd_form_files(const char *dir, size_t *n)
{
	struct dirent *de;
	char **names = NULL;
	size_t len;
	DIR *d;

	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 4, ".csv") != 0)
			continue;
		names = xreallocarray(names, *n + 1, sizeof *names);
		names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (names == NULL)
		names = xcalloc(1, sizeof *names);	/* none: not an error */
	qsort(names, *n, sizeof *names, cmd_cmp_str);
	return names;
}

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
