/*
 * main: the kiosk command line. One binary, git-style subcommands, each an
 * entry in the table below (see cmd.h). `kiosk` alone is `kiosk run`.
 */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "i18n.h"
#include "util.h"
#include "vault.h"

static const struct cmd_entry *const cmds[] = {
	&cmd_run_entry,
	&cmd_keygen_entry,
	&cmd_key_entry,
	&cmd_identity_entry,
	&cmd_enroll_entry,
	&cmd_revoke_entry,
	&cmd_export_entry,
	&cmd_open_entry,
	&cmd_report_entry,
	&cmd_forms_entry,
	&cmd_printer_entry,
	&cmd_pin_entry,
	&cmd_audio_entry,
};

static void
usage_all(FILE *f)
{
	size_t i;

	fprintf(f, "usage: kiosk [COMMAND] [ARGS...]\n\n"
	    "kiosk is a privacy-first intake kiosk. With no command it runs "
	    "the kiosk\n(kiosk run) with the config in %s.\n\nCommands:\n",
	    "/etc/kiosk/kiosk.ini");
	for (i = 0; i < nitems(cmds); i++)
		fprintf(f, "  %-10s %s\n", cmds[i]->name, cmds[i]->summary);
	fprintf(f, "  %-10s %s\n", "help", "Show this list, or help on one "
	    "command (kiosk help COMMAND).");
	fprintf(f, "\nRun 'kiosk COMMAND --help' for the details of one "
	    "command.\n");
}

/* `kiosk help --man`: the same text as kiosk(1), in man(7) markup. */
static void
man_page(void)
{
	size_t i;
	const char *p;

	printf(".TH KIOSK 1 \"\" \"kiosk\" \"User Commands\"\n"
	    ".SH NAME\nkiosk \\- privacy-first intake kiosk\n"
	    ".SH SYNOPSIS\n.B kiosk\n[\\fICOMMAND\\fR] [\\fIARGS\\fR...]\n"
	    ".SH DESCRIPTION\nWith no command, kiosk runs the full-screen "
	    "kiosk with the config in /etc/kiosk/kiosk.ini.\n"
	    ".SH COMMANDS\n");
	for (i = 0; i < nitems(cmds); i++) {
		printf(".SS kiosk %s\n", cmds[i]->usage);
		for (p = cmds[i]->help; *p != '\0'; p++) {
			if (*p == '\\')
				fputs("\\e", stdout);
			else if (*p == '\n' && p[1] == '\n') {
				fputs("\n.PP\n", stdout);
				p++;
			} else if (*p == '-' && (p == cmds[i]->help ||
			    p[-1] == ' ' || p[-1] == '-' || p[-1] == '\n'))
				fputs("\\-", stdout);
			else if ((*p == '.' || *p == '\'') &&
			    (p == cmds[i]->help || p[-1] == '\n'))
				printf("\\&%c", *p);
			else
				putchar(*p);
		}
		putchar('\n');
	}
	printf(".SH EXIT STATUS\n0 on success, 1 on error, 2 on bad usage; "
	    "kiosk open exits 3 when it opened every batch but a gap in the "
	    "sequence numbers remains.\n.SH SEE ALSO\nREADME.md and "
	    "SECURITY.md in the kiosk sources.\n");
}

static void
harden(void)
{
	struct rlimit rl = { 0, 0 };

	/* No core dumps: a dump could hold a resident's answers. */
	setrlimit(RLIMIT_CORE, &rl);
	if (getenv("KIOSK_ALLOW_DUMP") == NULL)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int
main(int argc, char **argv)
{
	const char *name;
	size_t i;

	harden();
	setlocale(LC_ALL, "");
	i18n_init(NULL);
	/* Every command seals, opens, hashes or wipes: start libsodium once. */
	if (vault_init() != 0) {
		cmd_error("cannot start libsodium");
		return 1;
	}

	if (argc < 2)
		return cmd_run_entry.exec(&cmd_run_entry, argc, argv);
	name = argv[1];
	if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 ||
	    strcmp(name, "-h") == 0) {
		if (argc > 2 && strcmp(argv[2], "--man") == 0) {
			man_page();
			return 0;
		}
		if (argc > 2) {
			for (i = 0; i < nitems(cmds); i++) {
				if (strcmp(argv[2], cmds[i]->name) == 0) {
					cmd_print_help(cmds[i]);
					return 0;
				}
			}
			cmd_error("unknown command \"%s\"", argv[2]);
			usage_all(stderr);
			return 2;
		}
		usage_all(stdout);
		return 0;
	}
	if (strcmp(name, "--version") == 0) {
		printf("kiosk 0.1\n");
		return 0;
	}
	for (i = 0; i < nitems(cmds); i++) {
		if (strcmp(name, cmds[i]->name) != 0)
			continue;
		if (cmd_wants_help(argc - 1, argv + 1)) {
			cmd_print_help(cmds[i]);
			return 0;
		}
		return cmds[i]->exec(cmds[i], argc - 1, argv + 1);
	}
	if (name[0] == '-')
		return cmd_run_entry.exec(&cmd_run_entry, argc, argv);
	cmd_error("unknown command \"%s\"", name);
	usage_all(stderr);
	return 2;
}
