/*
 * t_cmd: the shared option parser of the subcommands (cmd.c) and the
 * option tables the command entries declare.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "util.h"
#include "../tap.h"

static const struct cmd_option opts[] = {
	{ "config", 1, 'c', "a file" },
	{ "list", 0, 0, "a flag" },
	{ "key", 1, 0, "may be repeated" },
	{ "swap", 2, 0, "two values" },
	{ "keep", 0, 0, "a flag that key is a prefix of" },
	{ NULL, 0, 0, NULL }
};

static int
parse(struct cmd_args *a, int argc, const char **argv)
{
	static char *copy[32];
	int i;

	/* getopt permutes argv: hand it a copy of the literals. */
	for (i = 0; i < argc; i++)
		copy[i] = (char *)argv[i];
	copy[argc] = NULL;
	return cmd_args_parse(opts, argc, copy, a);
}

static const struct cmd_entry *const entries[] = {
	&cmd_run_entry, &cmd_keygen_entry, &cmd_key_entry,
	&cmd_identity_entry, &cmd_enroll_entry, &cmd_revoke_entry,
	&cmd_export_entry, &cmd_open_entry, &cmd_report_entry,
	&cmd_forms_entry, &cmd_printer_entry, &cmd_pin_entry,
	&cmd_audio_entry,
};

/*
 * Options not in the help: export's and forms fill's for the tests alone
 * (refused without KIOSK_TEST=1) and audio say's --repeat (make bench).
 */
static int
hidden(const char *cmd, const char *name)
{
	if (strcmp(cmd, "forms") == 0)
		return strncmp(name, "test-", 5) == 0;
	if (strcmp(cmd, "export") == 0)
		return strncmp(name, "test-", 5) == 0 ||
		    strcmp(name, "swap") == 0 || strcmp(name, "drop") == 0 ||
		    strcmp(name, "corrupt") == 0;
	return strcmp(cmd, "audio") == 0 && strcmp(name, "repeat") == 0;
}

static void
tables(void)
{
	const struct cmd_option *o, *p;
	char word[64];
	size_t i;
	int named, unique, helped;

	for (i = 0; i < nitems(entries); i++) {
		named = unique = helped = 1;
		for (o = entries[i]->options; o != NULL && o->name != NULL;
		    o++) {
			snprintf(word, sizeof word, "--%s", o->name);
			if (!hidden(entries[i]->name, o->name) &&
			    strstr(entries[i]->usage, word) == NULL &&
			    strstr(entries[i]->help, word) == NULL) {
				named = 0;
				printf("# %s: %s is in neither usage nor help\n",
				    entries[i]->name, word);
			}
			for (p = entries[i]->options; p != o; p++)
				if (strcmp(p->name, o->name) == 0)
					unique = 0;
			if (strcmp(o->name, "help") == 0 || o->help == NULL ||
			    *o->help == '\0' || o->nargs < 0 || o->nargs > 2)
				helped = 0;
		}
		ok(named, "%s: every option it declares is in its usage or help",
		    entries[i]->name);
		ok(unique && helped, "%s: option names unique, each with help "
		    "and 0 to 2 values", entries[i]->name);
	}
}

int
main(void)
{
	struct cmd_args a;
	const char *v;
	int i;

	{
		const char *argv[] = { "x", "b1", "--config=F", "--list",
		    "b2", "--key", "k1", "-c", "G", "--key", "k2", "--swap",
		    "1", "2", "--", "--list" };

		ok(parse(&a, (int)nitems(argv), argv) == 0, "a line parses");
		is_str(cmd_args_get(&a, "config"), "G", "the last value counts");
		is_int(cmd_args_has(&a, "list"), 1, "a flag, counted");
		is_int(cmd_args_has(&a, "key"), 2, "a repeated option, twice");
		i = 0;
		v = cmd_args_next(&a, "key", &i);
		ok(v != NULL && strcmp(v, "k1") == 0 &&
		    (v = cmd_args_next(&a, "key", &i)) != NULL &&
		    strcmp(v, "k2") == 0 && cmd_args_next(&a, "key", &i) ==
		    NULL, "the values of a repeated option, in order");
		ok(a.n == 6 && strcmp(a.list[5].opt->name, "swap") == 0 &&
		    strcmp(a.list[5].value, "1") == 0 &&
		    a.list[5].value2 != NULL &&
		    strcmp(a.list[5].value2, "2") == 0,
		    "--swap takes the next word as its second value");
		ok(a.argc == 3 && strcmp(a.argv[0], "b1") == 0 &&
		    strcmp(a.argv[1], "b2") == 0 &&
		    strcmp(a.argv[2], "--list") == 0,
		    "operands, wherever they stand, and all after --");
		cmd_args_free(&a);
	}
	{
		const char *argv[] = { "x", "--swap", "1" };

		ok(parse(&a, 3, argv) == 0 && a.n == 1 &&
		    a.list[0].value2 == NULL,
		    "--swap without its second value: NULL, for the command");
		cmd_args_free(&a);
	}
	{
		const char *argv[] = { "x", "--bogus=1" };
		const char *argv2[] = { "x", "--config" };
		const char *argv3[] = { "x", "-l" };
		const char *argv4[] = { "x", "--list=1" };
		const char *argv5[] = { "x", "-c" };
		const char *argv6[] = { "x", "--ke", "1" };

		ok(parse(&a, 2, argv) == -1, "an unknown option is refused");
		is_str(a.why, "unknown option --bogus", "and named");
		ok(parse(&a, 2, argv2) == -1, "a missing value is refused");
		is_str(a.why, "--config needs a value", "and named");
		ok(parse(&a, 2, argv3) == -1,
		    "a letter that no option declares is refused");
		is_str(a.why, "unknown option -l", "and named");
		ok(parse(&a, 2, argv4) == -1, "a value for a flag is refused");
		is_str(a.why, "--list takes no value", "and named");
		ok(parse(&a, 2, argv5) == -1, "a letter's missing value too");
		is_str(a.why, "-c needs a value", "and named");
		ok(parse(&a, 3, argv6) == -1, "a prefix of two names is refused");
		is_str(a.why, "--ke is short for more than one option: --key, "
		    "--keep", "and the names it fits are listed");
	}
	{
		const char *argv[] = { "x", "--li", "--conf", "F" };

		ok(parse(&a, 4, argv) == 0 && cmd_args_has(&a, "list") == 1 &&
		    strcmp(cmd_args_get(&a, "config"), "F") == 0,
		    "a unique prefix of a name is that option (getopt_long)");
		cmd_args_free(&a);
	}
	tables();
	return done_testing();
}
