/*
 * cmd-run: start the full-screen kiosk.
 *
 * Sets up what must hold before a resident touches a key: libsodium, the
 * data folder (0700), the outbox (store, identity, office key), the forms,
 * the signal handling (Ctrl-C and friends never stop the kiosk; SIGTERM
 * and SIGHUP end it cleanly; a crash restores the terminal first).
 */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "i18n.h"
#include "outbox.h"
#include "session.h"
#include "ui.h"
#include "util.h"
#include "vault.h"

static void
on_stop(int sig)
{
	ui_stop = 1;
}

static void
on_fatal(int sig)
{
	/* Wipe the answers first; there is no core dump either (main.c). */
	vault_wipe_all();
	ui_emergency_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
setup_signals(void)
{
	struct sigaction sa;
	static const int ignore[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN,
	    SIGTTOU, SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM };
	static const int fatal_sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE,
	    SIGABRT };
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	for (i = 0; i < nitems(ignore); i++)
		sigaction(ignore[i], &sa, NULL);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < nitems(fatal_sigs); i++)
		sigaction(fatal_sigs[i], &sa, NULL);
}

static const struct cmd_option cmd_run_options[] = {
	{ "config", 1, 'c', "the config file" },
	{ NULL, 0, 0, NULL }
};

static int
cmd_run_exec(const struct cmd_entry *e, int argc, char **argv)
{
	struct cmd_args args;
	struct config *cfg;
	struct outbox *ob = NULL;
	struct session *s = NULL;
	char *cause = NULL, *logpath = NULL;
	const char *config;
	int rc = 1;

	if ((rc = cmd_parse(e, argc, argv, &args)) != 0)
		return rc;
	config = cmd_args_get(&args, "config");
	cmd_args_free(&args);
	if (args.argc > 0 && strcmp(args.argv[0], "run") != 0)
		return cmd_usage(e, "unexpected argument \"%s\"",
		    args.argv[0]);
	rc = 1;

	if (!i18n_utf8()) {
		cmd_error("the locale is not UTF-8 (LANG=%s); set LANG to a "
		    "UTF-8 locale such as en_US.UTF-8", getenv("LANG") ?
		    getenv("LANG") : "");
		return 1;
	}
	if ((cfg = cmd_load_config(config)) == NULL)
		return 1;
	if (mkdir_p(cfg->data_dir, 0700, &cause) != 0) {
		cmd_error("data folder: %s", cause);
		goto out;
	}
	chmod(cfg->data_dir, 0700);
	if (cfg->locale_dir != NULL)
		i18n_init(cfg->locale_dir);
	xasprintf(&logpath, "%s/kiosk.log", cfg->data_dir);
	log_open(logpath);
	if ((ob = outbox_open(cfg, &cause)) == NULL) {
		log_msg("cannot start: %s", cause);
		cmd_error("%s", cause);
		goto out;
	}
	if ((s = session_new(cfg, ob, &cause)) == NULL) {
		cmd_error("%s", cause);
		goto out;
	}
	session_load_forms(s);
	setup_signals();
	log_msg("kiosk started");
	if (ui_run(s, cfg, &cause) != 0) {
		log_msg("cannot start the screen: %s", cause);
		cmd_error("%s", cause);
		goto out;
	}
	log_msg("kiosk stopped");
	rc = 0;
out:
	free(cause);
	free(logpath);
	session_free(s);
	outbox_close(ob);
	config_free(cfg);
	log_close();
	return rc;
}

const struct cmd_entry cmd_run_entry = {
	"run",
	"run [--config FILE]",
	"Run the full-screen kiosk.",
	"Starts the kiosk on this terminal: a resident picks a language and a "
	"service, answers the questions, checks the answers and gets a claim "
	"code. The answers are sealed to the office's public key the moment "
	"they are sent; the kiosk cannot read them afterwards.\n\n"
	"--config FILE  the kiosk's INI file (default /etc/kiosk/kiosk.ini, or "
	"$KIOSK_CONFIG).\n\n"
	"Keys for the resident are shown on every screen. Ctrl-C, Ctrl-Z and "
	"Ctrl-\\ do nothing. SIGTERM or SIGHUP end the kiosk after wiping "
	"the session. The terminal must be at least 60 columns by 20 lines and "
	"use a UTF-8 locale.",
	cmd_run_options,
	cmd_run_exec
};
