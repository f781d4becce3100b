/*
 * cmd-printer: `kiosk printer test|status`, for staff setting up a printer,
 * and `kiosk printer sample`, a helper for the tests and the benchmark that
 * renders (and optionally prints) one ticket without the full kiosk. The
 * rendering and CUPS work is done by the helper kiosk-print (printer.h),
 * as in the kiosk; this file only builds requests and prints answers.
 *
 * It must never print a real resident's code: every ticket made here
 * carries a sample code and says it is a test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "i18n.h"
#include "printer.h"
#include "util.h"

#define SAMPLE_CLAIM	"TEST-0000-0000"
#define HELPER_GRACE	30	/* s beyond the job's own deadline */

static const char *
profiles_dir(const struct config *cfg, const char *opt)
{
	if (opt != NULL)
		return opt;
	if (cfg != NULL && cfg->printer_profiles_dir != NULL)
		return cfg->printer_profiles_dir;
	if (access("printers/receipt-80mm.profile", R_OK) == 0)
		return "printers";
	return DATADIR "/printers";
}

/* Run one request to the end; NULL (message printed) if it cannot start. */
static struct printer *
run(const struct printer_request *r, int seconds)
{
	struct printer *p;
	char *cause = NULL;

	if ((p = printer_start(r, 0, &cause)) == NULL) {
		cmd_error("%s", cause);
		free(cause);
		return NULL;
	}
	printer_wait(p, seconds);
	return p;
}

/* Cancel what a failed helper may have left; say so if that fails. */
static void
cancel_left(struct printer *p)
{
	char *cause = NULL;

	if (printer_cancel(p, &cause) != 0) {
		cmd_error("cancel: %s", cause);
		free(cause);
	}
}

static const char *
why(const struct printer *p)
{
	return printer_why(p) != NULL ? printer_why(p) : "unknown reason";
}

/* What went wrong, by the helper's "error STAGE" word, or NULL. */
static const char *
error_stage(const struct printer *p, char *stage, size_t len)
{
	const char *e = printer_get(p, "error");
	size_t n;

	if (e == NULL)
		return NULL;
	n = strcspn(e, " ");
	snprintf(stage, len, "%.*s", (int)n, e);
	return stage;
}

/* ---- printer status ---------------------------------------------------- */

static const char *
state_name(const char *state)
{
	if (state != NULL && strcmp(state, "3") == 0)
		return "idle";
	if (state != NULL && strcmp(state, "4") == 0)
		return "processing";
	if (state != NULL && strcmp(state, "5") == 0)
		return "stopped";
	return "unknown";
}

static int
printer_status(struct config *cfg)
{
	struct printer_request r;
	struct printer *p;
	const char *v, *h, *media;
	int rc = 0;

	memset(&r, 0, sizeof r);
	r.f[PF_OP] = "status";
	r.f[PF_PROFILES_DIR] = cfg->printer_profiles_dir;
	r.f[PF_PROFILE] = cfg->printer_profile;
	r.f[PF_DEST] = cfg->printer_dest;
	if ((p = run(&r, HELPER_GRACE)) == NULL)
		return 1;
	if ((v = printer_get(p, "profile-error")) != NULL ||
	    printer_get(p, "profile-name") == NULL) {
		printf("profile: %s (error: %s)\n", cfg->printer_profile,
		    v != NULL ? v : why(p));
		rc = 1;
	} else {
		h = printer_get(p, "profile-height");
		media = printer_get(p, "profile-media");
		printf("profile: %s (%s mm wide, %s, media %s)\n",
		    printer_get(p, "profile-name"),
		    printer_get(p, "profile-width"),
		    h != NULL && strcmp(h, "0") != 0 ? "fixed length" :
		    "roll, length fits the ticket",
		    media != NULL && *media != '\0' ? media :
		    "printer default");
	}
	if (cfg->printer_dest == NULL) {
		printf("destination: none configured\n");
		if (cfg->printer_save_dir != NULL)
			printf("tickets are saved in: %s\n",
			    cfg->printer_save_dir);
		else
			printf("tickets are not printed; the code stays on "
			    "screen\n");
		goto out;
	}
	printf("destination: %s\n", cfg->printer_dest);
	if ((v = printer_get(p, "dest-error")) != NULL ||
	    printer_get(p, "state") == NULL) {
		printf("state: unavailable (%s)\n", v != NULL ? v : why(p));
		rc = 1;
		goto out;
	}
	v = printer_get(p, "accepting");
	printf("state: %s\n", state_name(printer_get(p, "state")));
	printf("accepting jobs: %s\n", v != NULL && strcmp(v, "1") == 0 ?
	    "yes" : "no");
	v = printer_get(p, "reasons");
	printf("reasons: %s\n", v != NULL && *v != '\0' ? v : "none");
	v = printer_get(p, "message");
	printf("message: %s\n", v != NULL && *v != '\0' ? v : "(none)");
out:
	printer_free(p);
	return rc;
}

/* ---- printer test ------------------------------------------------------ */

static void
sample_ticket(struct printer_request *r, const struct config *cfg,
    const char *lang, const char *date)
{
	const char *name = NULL, *address = NULL, *hours = NULL;

	if (cfg != NULL)
		config_office(cfg, lang, &name, &address, &hours);
	memset(r, 0, sizeof *r);
	r->f[PF_OP] = "ticket";
	r->f[PF_LANG] = lang;
	r->f[PF_OFFICE_NAME] = name != NULL ? name : "Example Office";
	r->f[PF_OFFICE_ADDRESS] = address;
	r->f[PF_OFFICE_HOURS] = hours;
	r->f[PF_CLAIM] = SAMPLE_CLAIM;
	r->f[PF_DATE] = date;
	r->f[PF_SERVICE] = _("Printer test: this is not a claim ticket.");
	r->f[PF_NEXT_STEPS] = _("This is a test ticket. No one needs to bring "
	    "it anywhere.");
	r->f[PF_NEXT_STEPS_EN] = "This is a test ticket. No one needs to "
	    "bring it anywhere.";
	if (strcmp(r->f[PF_NEXT_STEPS], r->f[PF_NEXT_STEPS_EN]) == 0)
		r->f[PF_NEXT_STEPS_EN] = NULL;
	r->f[PF_H_CODE] = _("Your claim code");
	r->f[PF_H_DATE] = _("Date");
	r->f[PF_H_NEXT] = _("Next steps");
	r->f[PF_H_KEEP] = _("Keep this ticket. It has no personal information "
	    "on it.");
}

static int
printer_test(struct config *cfg)
{
	struct printer_request r;
	struct printer *p;
	const char *lang, *st;
	char date[11], wait[16], stage[16], *cause = NULL, *path = NULL;
	int i, failed = 0;

	if (cfg->printer_dest == NULL && cfg->printer_save_dir == NULL) {
		cmd_error("%s: no [printer] destination or save_dir to test",
		    cfg->path);
		return 1;
	}
	today_ymd(date);
	snprintf(wait, sizeof wait, "%d", cfg->printer_timeout);
	for (i = 0; i < cfg->nlangs; i++) {
		lang = cfg->langs[i];
		i18n_set(lang);
		sample_ticket(&r, cfg, lang, date);
		r.f[PF_PROFILES_DIR] = cfg->printer_profiles_dir;
		r.f[PF_PROFILE] = cfg->printer_profile;
		if (cfg->printer_dest == NULL) {
			if (mkdir_p(cfg->printer_save_dir, 0700, &cause) != 0) {
				printf("%s: not saved: %s\n", lang, cause);
				free(cause);
				failed++;
				continue;
			}
			xasprintf(&path, "%s/test-ticket-%s.pdf",
			    cfg->printer_save_dir, lang);
			r.f[PF_OUT] = path;
		} else {
			r.f[PF_DEST] = cfg->printer_dest;
			r.f[PF_WAIT] = wait;
		}
		if ((p = run(&r, cfg->printer_timeout + HELPER_GRACE)) ==
		    NULL) {
			free(path);
			path = NULL;
			failed++;
			continue;
		}
		st = error_stage(p, stage, sizeof stage);
		if (st != NULL && strcmp(st, "profile") == 0) {
			cmd_error("%s", why(p));
			printer_free(p);
			free(path);
			i18n_set("en");
			return 1;
		}
		if (printer_get(p, "wrote") != NULL)
			printf("%s: saved %s\n", lang, printer_get(p, "wrote"));
		else if (printer_get(p, "printed") != NULL)
			printf("%s: printed (job %d)\n", lang, printer_job(p));
		else if (st != NULL && strcmp(st, "render") == 0)
			printf("%s: not rendered: %s\n", lang, why(p));
		else if (st != NULL && strcmp(st, "save") == 0)
			printf("%s: not saved: %s\n", lang, why(p));
		else if (printer_job(p) != 0) {
			cancel_left(p);
			printf("%s: not printed (job %d, canceled): %s\n",
			    lang, printer_job(p), why(p));
		} else {
			cancel_left(p);
			printf("%s: not printed: %s\n", lang, why(p));
		}
		if (printer_get(p, "wrote") == NULL &&
		    printer_get(p, "printed") == NULL)
			failed++;
		printer_free(p);
		free(path);
		path = NULL;
		fflush(stdout);
	}
	i18n_set("en");
	return failed ? 1 : 0;
}

/* ---- printer sample (tests and bench) ---------------------------------- */

static const struct cmd_option printer_sample_options[] = {
	{ "config", 1, 0, "the config file (profile, office, date)" },
	{ "lang", 1, 0, "the ticket's language" },
	{ "profile", 1, 0, "the paper profile" },
	{ "profiles-dir", 1, 0, "where the paper profiles are" },
	{ "claim", 1, 0, "the claim code printed" },
	{ "next-steps", 1, 0, "the next steps, in the ticket's language" },
	{ "next-steps-en", 1, 0, "the next steps in English" },
	{ "service", 1, 0, "the service named" },
	{ "out", 1, 0, "write the PDF here" },
	{ "dest", 1, 0, "submit it to this CUPS destination" },
	{ "wait", 1, 0, "follow the job this many seconds" },
	{ "repeat", 1, 0, "render it N times" },
	{ "time", 0, 0, "print the mean render time" },
	{ NULL, 0, 0, NULL }
};

/* The command line of printer sample, parsed. */
struct sample_opts {
	const char	*cfgpath, *lang, *profile, *pdir, *out, *dest, *claim;
	const char	*steps, *steps_en, *service;
	int		 wait, repeat, timing;
};

/* Parse the command line: 0, or 2 with the usage printed. */
static int
sample_args(int argc, char **argv, struct sample_opts *o)
{
	struct cmd_args a;
	const char *v;

	if (cmd_args_parse(printer_sample_options, argc, argv, &a) != 0) {
		cmd_error("%s", a.why);
		fprintf(stderr, "usage: kiosk printer sample [--config F]"
		    " [--lang L] [--profile P] [--profiles-dir D]\n"
		    "    [--claim C] [--next-steps T] [--next-steps-en T]"
		    " [--service S]\n    [--out F.pdf] [--dest D "
		    "[--wait SECONDS]] [--repeat N] [--time]\n");
		return 2;
	}
	o->cfgpath = cmd_args_get(&a, "config");
	if ((o->lang = cmd_args_get(&a, "lang")) == NULL)
		o->lang = "en";
	o->profile = cmd_args_get(&a, "profile");
	o->pdir = cmd_args_get(&a, "profiles-dir");
	if ((o->claim = cmd_args_get(&a, "claim")) == NULL)
		o->claim = SAMPLE_CLAIM;
	o->steps = cmd_args_get(&a, "next-steps");
	o->steps_en = cmd_args_get(&a, "next-steps-en");
	o->service = cmd_args_get(&a, "service");
	o->out = cmd_args_get(&a, "out");
	o->dest = cmd_args_get(&a, "dest");
	o->wait = (v = cmd_args_get(&a, "wait")) != NULL ? atoi(v) : -1;
	o->repeat = (v = cmd_args_get(&a, "repeat")) != NULL ? atoi(v) : 1;
	o->timing = cmd_args_has(&a, "time");
	cmd_args_free(&a);
	return 0;
}

/* What the helper said about the sample; -1 if it did not print. */
static int
sample_result(struct printer *p, const struct sample_opts *o)
{
	const char *v;

	if (printer_job(p) != 0) {
		printf("job %d\n", printer_job(p));
		fflush(stdout);
	}
	if (printer_get(p, "failed") != NULL) {
		printf("failed: %s\n", printer_get(p, "failed"));
		printf("canceled\n");
		cancel_left(p);
		return -1;
	}
	if (printer_poll(p, 0) != PRINTER_OK) {
		cmd_error("%s", why(p));
		cancel_left(p);
		return -1;
	}
	if (o->dest != NULL && o->wait >= 0)
		printf("printed\n");
	if (o->timing) {
		if ((v = printer_get(p, "render_ms")) != NULL)
			printf("render_ms %s\n", v);
		if ((v = printer_get(p, "submit_ms")) != NULL)
			printf("submit_ms %s\n", v);
	}
	return 0;
}

static int
printer_sample(int argc, char **argv)
{
	struct sample_opts o;
	struct config *cfg = NULL;
	struct printer_request r;
	struct printer *p = NULL;
	char date[11], waits[16], repeats[16];
	int rc;

	if ((rc = sample_args(argc, argv, &o)) != 0)
		return rc;
	rc = 1;
	if (o.cfgpath != NULL && (cfg = cmd_load_config(o.cfgpath)) == NULL)
		return 1;
	if (o.profile == NULL)
		o.profile = cfg != NULL ? cfg->printer_profile : "receipt-80mm";
	today_ymd(date);
	i18n_set(o.lang);
	sample_ticket(&r, cfg, o.lang, date);
	r.f[PF_PROFILES_DIR] = profiles_dir(cfg, o.pdir);
	r.f[PF_PROFILE] = o.profile;
	r.f[PF_CLAIM] = o.claim;
	r.f[PF_SERVICE] = o.service;
	if (o.steps != NULL)
		r.f[PF_NEXT_STEPS] = o.steps;
	r.f[PF_NEXT_STEPS_EN] = o.steps_en;
	if (o.steps_en != NULL && strcmp(o.steps_en, r.f[PF_NEXT_STEPS]) == 0)
		r.f[PF_NEXT_STEPS_EN] = NULL;
	r.f[PF_OUT] = o.out;
	r.f[PF_DEST] = o.dest;
	if (o.wait > 3600)
		o.wait = 3600;
	if (o.dest != NULL && o.wait >= 0) {
		snprintf(waits, sizeof waits, "%d", o.wait);
		r.f[PF_WAIT] = waits;
	}
	if (o.repeat < 1)
		o.repeat = 1;
	snprintf(repeats, sizeof repeats, "%d", o.repeat);
	r.f[PF_REPEAT] = repeats;
	r.f[PF_TIME] = o.timing ? "1" : NULL;
	if ((p = run(&r, (o.wait > 0 ? o.wait : 0) + 60 + o.repeat / 10)) !=
	    NULL && sample_result(p, &o) == 0)
		rc = 0;
	printer_free(p);
	i18n_set("en");
	config_free(cfg);
	return rc;
}

/* ---- Entry ------------------------------------------------------------- */

/* The options of printer test and status (sample has its own). */
static const struct cmd_option cmd_printer_options[] = {
	{ "config", 1, 0, "the config file" },
	{ NULL, 0, 0, NULL }
};

static int
cmd_printer_exec(const struct cmd_entry *e, int argc, char **argv)
{
	struct cmd_args args;
	struct config *cfg;
	const char *cfgpath, *sub;
	int rc, nargs;

	if (cmd_wants_help(argc, argv)) {
		cmd_print_help(e);
		return 0;
	}
	if (argc < 2)
		return cmd_usage(e, "printer: test or status?");
	sub = argv[1];
	if (strcmp(sub, "sample") == 0)
		return printer_sample(argc - 1, argv + 1);
	if (strcmp(sub, "test") != 0 && strcmp(sub, "status") != 0)
		return cmd_usage(e, "printer: unknown command \"%s\"", sub);
	if (cmd_args_parse(e->options, argc - 1, argv + 1, &args) != 0)
		return cmd_usage(e, "printer %s: %s", sub, args.why);
	cfgpath = cmd_args_get(&args, "config");
	nargs = args.argc;
	cmd_args_free(&args);
	if (nargs != 0)
		return cmd_usage(e, "printer %s: unexpected \"%s\"", sub,
		    args.argv[0]);
	if ((cfg = cmd_load_config(cfgpath)) == NULL)
		return 1;
	if (strcmp(sub, "test") == 0)
		rc = printer_test(cfg);
	else
		rc = printer_status(cfg);
	config_free(cfg);
	return rc;
}

const struct cmd_entry cmd_printer_entry = {
	"printer", "printer test|status [--config F]", "Print a test ticket, or show the printer's state.",
	"kiosk printer test prints a sample ticket in every language of the "
	"config, one after another, through the configured CUPS destination "
	"(or saves them in save_dir when there is no destination), and says "
	"for each whether it printed. A ticket that does not print within the "
	"configured timeout is canceled, as in the kiosk. Each sample carries "
	"the code " SAMPLE_CLAIM " and says it is a test.\n\n"
	"kiosk printer status shows the paper profile and the destination's "
	"state (idle, processing, stopped), whether it accepts jobs, its "
	"printer-state-reasons (media-empty-error, offline-report, ...) and "
	"its message.\n\n"
	"--config F reads F instead of the default config.\n\n"
	"For tests and benchmarks, kiosk printer sample renders one sample "
	"ticket (--lang, --profile, --claim, --next-steps, --next-steps-en, "
	"--service), writes it with --out F.pdf, submits it with --dest D and "
	"follows it for --wait SECONDS, canceling it if it does not print; "
	"--repeat N --time prints the mean render time.",
	cmd_printer_options,
	cmd_printer_exec
};
