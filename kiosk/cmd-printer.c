/*
 * cmd-printer: `kiosk printer test|status`, for staff setting up a printer,
 * and `kiosk printer sample`, a helper for the tests and the benchmark that
 * renders (and optionally prints) one ticket without the full kiosk.
 *
 * It must never print a real resident's code: every ticket made here
 * carries a sample code and says it is a test.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "i18n.h"
#include "print.h"
#include "ticket.h"
#include "util.h"

#define SAMPLE_CLAIM	"TEST-0000-0000"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

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

static int
write_pdf(const char *path, const struct buf *pdf)
{
	FILE *f;

	if ((f = fopen(path, "wb")) == NULL) {
		cmd_error("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fwrite(pdf->data, 1, pdf->len, f) != pdf->len || fclose(f) != 0) {
		cmd_error("%s: write failed", path);
		return -1;
	}
	return 0;
}

/*
 * Follow a job until it completes, fails or the deadline passes; cancel it
 * unless it completed. Returns 0 if it printed, -1 (with *why) if not.
 */
static int
follow_job(const char *dest, int job, int timeout, char **why)
{
	time_t deadline = time(NULL) + timeout;
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	char *cause = NULL;

	*why = NULL;
	for (;;) {
		switch (print_poll(dest, job, why)) {
		case PRINT_DONE:
			return 0;
		case PRINT_FAILED:
			break;
		case PRINT_PENDING:
			if (time(NULL) < deadline) {
				nanosleep(&ts, NULL);
				continue;
			}
			xasprintf(why, "not printed after %d seconds", timeout);
			break;
		}
		break;
	}
	if (print_cancel(dest, job, &cause) != 0) {
		char *w = *why;

		xasprintf(why, "%s; and cancel failed: %s", w, cause);
		free(w);
		free(cause);
	}
	return -1;
}

/* ---- printer status ---------------------------------------------------- */

static const char *
state_name(int state)
{
	switch (state) {
	case 3:	return "idle";
	case 4:	return "processing";
	case 5:	return "stopped";
	}
	return "unknown";
}

static int
printer_status(struct config *cfg)
{
	struct print_state ps;
	struct ticket_profile prof;
	char *cause = NULL;
	int rc = 0;

	if (ticket_profile_load(cfg->printer_profiles_dir,
	    cfg->printer_profile, &prof, &cause) != 0) {
		printf("profile: %s (error: %s)\n", cfg->printer_profile,
		    cause);
		free(cause);
		cause = NULL;
		rc = 1;
	} else {
		printf("profile: %s (%g mm wide, %s, media %s)\n", prof.name,
		    prof.width_mm, prof.height_mm > 0 ? "fixed length" :
		    "roll, length fits the ticket",
		    prof.media[0] ? prof.media : "printer default");
	}
	if (cfg->printer_dest == NULL) {
		printf("destination: none configured\n");
		if (cfg->printer_save_dir != NULL)
			printf("tickets are saved in: %s\n",
			    cfg->printer_save_dir);
		else
			printf("tickets are not printed; the code stays on "
			    "screen\n");
		return rc;
	}
	printf("destination: %s\n", cfg->printer_dest);
	if (print_dest_state(cfg->printer_dest, &ps, &cause) != 0) {
		printf("state: unavailable (%s)\n", cause);
		free(cause);
		return 1;
	}
	printf("state: %s\n", state_name(ps.state));
	printf("accepting jobs: %s\n", ps.accepting ? "yes" : "no");
	printf("reasons: %s\n", ps.reasons[0] ? ps.reasons : "none");
	printf("message: %s\n", ps.message[0] ? ps.message : "(none)");
	return rc;
}

/* ---- printer test ------------------------------------------------------ */

static void
sample_ticket(struct ticket *t, const struct config *cfg, const char *lang,
    const char *date)
{
	memset(t, 0, sizeof *t);
	t->lang = lang;
	t->office_name = cfg != NULL && cfg->office_name != NULL ?
	    cfg->office_name : "Example Office";
	t->office_address = cfg != NULL ? cfg->office_address : NULL;
	t->office_hours = cfg != NULL ? cfg->office_hours : NULL;
	t->claim = SAMPLE_CLAIM;
	t->date = date;
	t->service = _("Printer test: this is not a claim ticket.");
	t->next_steps = _("This is a test ticket. No one needs to bring it "
	    "anywhere.");
	t->next_steps_en = "This is a test ticket. No one needs to bring it "
	    "anywhere.";
	if (strcmp(t->next_steps, t->next_steps_en) == 0)
		t->next_steps_en = NULL;
	t->h_code = _("Your claim code");
	t->h_date = _("Date");
	t->h_next = _("Next steps");
	t->h_keep = _("Keep this ticket. It has no personal information on "
	    "it.");
}

static int
printer_test(struct config *cfg)
{
	struct ticket_profile prof;
	struct ticket t;
	struct buf pdf = { 0 };
	char date[11], *cause = NULL, *why = NULL, *path = NULL;
	int i, job, failed = 0;

	if (ticket_profile_load(cfg->printer_profiles_dir,
	    cfg->printer_profile, &prof, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (cfg->printer_dest == NULL && cfg->printer_save_dir == NULL) {
		cmd_error("%s: no [printer] destination or save_dir to test",
		    cfg->path);
		return 1;
	}
	today_ymd(date);
	for (i = 0; i < cfg->nlangs; i++) {
		i18n_set(cfg->langs[i]);
		sample_ticket(&t, cfg, cfg->langs[i], date);
		if (ticket_render(&t, &prof, &pdf, &cause) != 0) {
			printf("%s: not rendered: %s\n", cfg->langs[i], cause);
			free(cause);
			failed++;
			continue;
		}
		if (cfg->printer_dest == NULL) {
			xasprintf(&path, "%s/test-ticket-%s.pdf",
			    cfg->printer_save_dir, cfg->langs[i]);
			if (mkdir_p(cfg->printer_save_dir, 0700, &cause) != 0) {
				printf("%s: not saved: %s\n", cfg->langs[i],
				    cause);
				free(cause);
				failed++;
			} else if (write_pdf(path, &pdf) != 0)
				failed++;
			else
				printf("%s: saved %s\n", cfg->langs[i], path);
			free(path);
			buf_free(&pdf);
			continue;
		}
		if (print_submit(cfg->printer_dest, prof.media, pdf.data,
		    pdf.len, &job, &cause) != 0) {
			printf("%s: not printed: %s\n", cfg->langs[i], cause);
			free(cause);
			buf_free(&pdf);
			failed++;
			continue;
		}
		buf_free(&pdf);
		if (follow_job(cfg->printer_dest, job, cfg->printer_timeout,
		    &why) != 0) {
			printf("%s: not printed (job %d, canceled): %s\n",
			    cfg->langs[i], job, why);
			free(why);
			failed++;
		} else
			printf("%s: printed (job %d)\n", cfg->langs[i], job);
		fflush(stdout);
	}
	i18n_set("en");
	return failed ? 1 : 0;
}

/* ---- printer sample (tests and bench) ---------------------------------- */

static int
printer_sample(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "lang", required_argument, NULL, 'l' },
		{ "profile", required_argument, NULL, 'p' },
		{ "profiles-dir", required_argument, NULL, 'P' },
		{ "claim", required_argument, NULL, 'C' },
		{ "next-steps", required_argument, NULL, 'n' },
		{ "next-steps-en", required_argument, NULL, 'N' },
		{ "service", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "dest", required_argument, NULL, 'd' },
		{ "wait", required_argument, NULL, 'w' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "time", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct config *cfg = NULL;
	struct ticket_profile prof;
	struct ticket t;
	struct buf pdf = { 0 };
	const char *cfgpath = NULL, *lang = "en", *profile = NULL;
	const char *pdir = NULL, *out = NULL, *dest = NULL;
	const char *claim = SAMPLE_CLAIM, *steps = NULL, *steps_en = NULL;
	const char *service = NULL;
	char date[11], *cause = NULL, *why = NULL;
	double t0, render_ms = 0, submit_ms = 0;
	int ch, wait = -1, repeat = 1, timing = 0, job = 0, i, rc = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': cfgpath = optarg; break;
		case 'l': lang = optarg; break;
		case 'p': profile = optarg; break;
		case 'P': pdir = optarg; break;
		case 'C': claim = optarg; break;
		case 'n': steps = optarg; break;
		case 'N': steps_en = optarg; break;
		case 's': service = optarg; break;
		case 'o': out = optarg; break;
		case 'd': dest = optarg; break;
		case 'w': wait = atoi(optarg); break;
		case 'r': repeat = atoi(optarg); break;
		case 't': timing = 1; break;
		default:
			fprintf(stderr, "usage: kiosk printer sample [--config F]"
			    " [--lang L] [--profile P] [--profiles-dir D]\n"
			    "    [--claim C] [--next-steps T] [--next-steps-en T]"
			    " [--service S]\n    [--out F.pdf] [--dest D "
			    "[--wait SECONDS]] [--repeat N] [--time]\n");
			return 2;
		}
	}
	if (cfgpath != NULL && (cfg = cmd_load_config(cfgpath)) == NULL)
		return 1;
	if (profile == NULL)
		profile = cfg != NULL ? cfg->printer_profile : "receipt-80mm";
	if (ticket_profile_load(profiles_dir(cfg, pdir), profile, &prof,
	    &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		goto out;
	}
	today_ymd(date);
	i18n_set(lang);
	sample_ticket(&t, cfg, lang, date);
	t.claim = claim;
	t.service = service;
	if (steps != NULL)
		t.next_steps = steps;
	t.next_steps_en = steps_en;
	if (t.next_steps_en != NULL && strcmp(t.next_steps_en,
	    t.next_steps) == 0)
		t.next_steps_en = NULL;
	if (repeat < 1)
		repeat = 1;
	for (i = 0; i < repeat; i++) {
		buf_free(&pdf);
		t0 = now_ms();
		if (ticket_render(&t, &prof, &pdf, &cause) != 0) {
			cmd_error("%s", cause);
			free(cause);
			goto out;
		}
		render_ms += now_ms() - t0;
	}
	if (out != NULL && write_pdf(out, &pdf) != 0)
		goto out;
	if (dest != NULL) {
		t0 = now_ms();
		if (print_submit(dest, prof.media, pdf.data, pdf.len, &job,
		    &cause) != 0) {
			cmd_error("%s", cause);
			free(cause);
			goto out;
		}
		submit_ms = now_ms() - t0;
		printf("job %d\n", job);
		fflush(stdout);
		if (wait >= 0) {
			if (follow_job(dest, job, wait, &why) != 0) {
				printf("failed: %s\n", why);
				printf("canceled\n");
				free(why);
				goto out;
			}
			printf("printed\n");
		}
	}
	if (timing) {
		printf("render_ms %.3f\n", render_ms / repeat);
		if (dest != NULL)
			printf("submit_ms %.3f\n", submit_ms);
	}
	rc = 0;
out:
	i18n_set("en");
	buf_free(&pdf);
	config_free(cfg);
	return rc;
}

/* ---- Entry ------------------------------------------------------------- */

static int
cmd_printer_exec(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct config *cfg;
	const char *cfgpath = NULL, *sub;
	int ch, rc;

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
	optind = 1;
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		default:
			return cmd_usage(e, "printer %s: bad option", sub);
		}
	}
	if (optind != argc)
		return cmd_usage(e, "printer %s: unexpected \"%s\"", sub,
		    argv[optind]);
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
	cmd_printer_exec
};
