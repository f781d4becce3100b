/*
 * t_ticket: paper profiles and the ticket PDF (no printer needed).
 * Run from the checkout (it reads the shipped printers/ profiles); pdftotext and
 * pdfinfo (poppler-utils) check what a reader of the PDF would see.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "ticket.h"
#include "util.h"

static char tmpdir[] = "/tmp/t_ticket.XXXXXX";

/*
 * Under ASan: fontconfig parses its configuration once per process and
 * keeps it (ticket_cleanup frees pango's and cairo's caches, not that),
 * and p11-kit, pulled in through libcups' TLS, leaks a locale when loaded.
 * Neither grows per ticket. LSan reads this hook; without ASan it is unused.
 */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libp11-kit.so\n"
	    "leak:__newlocale\nleak:__argz_add_sep\n";
}

static void
sample(struct ticket *t, const char *lang)
{
	memset(t, 0, sizeof *t);
	t->lang = lang;
	t->office_name = "Example Legal Aid";
	t->office_address = "1 Main St, Springfield";
	t->office_hours = "Mon-Fri 9:00-17:00";
	t->claim = "7KQ2-M9XD-4TRB";
	t->date = "2026-03-04";
	t->next_steps = "Bring your passport within 30 days.";
}

/* The first page's MediaBox width and height in points, from the PDF. */
static int
mediabox(const struct buf *pdf, double *w, double *h)
{
	const char *p;
	size_t i;

	for (i = 0; i + 9 < pdf->len; i++) {
		p = (const char *)pdf->data + i;
		if (memcmp(p, "/MediaBox", 9) == 0)
			return sscanf(p, "/MediaBox [ 0 0 %lf %lf ]", w, h) == 2
			    ? 0 : -1;
	}
	return -1;
}

static int
contains(const struct buf *b, const char *s)
{
	return memmem(b->data, b->len, s, strlen(s)) != NULL;
}

/* pdftotext of the PDF, as an allocated string. */
static char *
pdf_text(const struct buf *pdf)
{
	char path[256], cmd[512];
	struct buf out = { 0 };
	char line[1024];
	FILE *f;

	snprintf(path, sizeof path, "%s/t.pdf", tmpdir);
	if ((f = fopen(path, "wb")) == NULL)
		return xstrdup("");
	fwrite(pdf->data, 1, pdf->len, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' - 2>/dev/null",
	    path);
	if ((f = popen(cmd, "r")) == NULL)
		return xstrdup("");
	while (fgets(line, sizeof line, f) != NULL)
		buf_adds(&out, line);
	pclose(f);
	buf_cstr(&out);
	return (char *)out.data;
}

static void
write_profile(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.profile", tmpdir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

int
main(void)
{
	struct ticket_profile p, p80, a4;
	struct ticket t;
	struct buf pdf = { 0 }, pdf2 = { 0 };
	char *cause = NULL, *text;
	double w = 0, h = 0, h1, t0;
	int i, n, rc;
	static const struct { const char *name; double w, hgt; } shipped[] = {
		{ "receipt-80mm", 80, 0 }, { "receipt-58mm", 58, 0 },
		{ "letter", 215.9, 279.4 }, { "a4", 210, 297 },
	};

	if (mkdtemp(tmpdir) == NULL)
		fatal("mkdtemp");

	/* Profiles. */
	for (i = 0; i < (int)nitems(shipped); i++) {
		ok(ticket_profile_load("printers", shipped[i].name, &p,
		    &cause) == 0, "profile %s loads%s%s", shipped[i].name,
		    cause ? ": " : "", cause ? cause : "");
		ok(p.width_mm == shipped[i].w && p.height_mm == shipped[i].hgt,
		    "profile %s is %g x %g mm", shipped[i].name, p.width_mm,
		    p.height_mm);
		ok(p.media[0] != '\0' && p.dpi > 0 && p.code_pt > p.body_pt,
		    "profile %s has media, dpi and type sizes", shipped[i].name);
		free(cause);
		cause = NULL;
	}
	ok(ticket_profile_load("printers", "../etc/passwd", &p, &cause) == -1
	    && cause != NULL, "profile name with a path is refused");
	free(cause);
	cause = NULL;
	ok(ticket_profile_load(tmpdir, "missing", &p, &cause) == -1 &&
	    strstr(cause, "missing.profile") != NULL,
	    "missing profile names the file");
	free(cause);
	cause = NULL;
	write_profile("typo", "width_mm = 80\nwidht_mm = 80\n");
	ok(ticket_profile_load(tmpdir, "typo", &p, &cause) == -1 &&
	    strstr(cause, ":2: unknown key") != NULL,
	    "unknown key is an error with its line (%s)", cause);
	free(cause);
	cause = NULL;
	write_profile("nan", "width_mm = eighty\n");
	ok(ticket_profile_load(tmpdir, "nan", &p, &cause) == -1 &&
	    strstr(cause, ":1: width_mm") != NULL, "bad number (%s)", cause);
	free(cause);
	cause = NULL;
	write_profile("nowidth", "# only a comment\nmargin_mm = 4\n");
	ok(ticket_profile_load(tmpdir, "nowidth", &p, &cause) == -1 &&
	    strstr(cause, "width_mm is missing") != NULL, "width is required");
	free(cause);
	cause = NULL;
	write_profile("new", "# a new printer needs no code\nwidth_mm = 101.6\n"
	    "media = na_index-4x6_4x6in\nheight_mm = 152.4\nmargin_mm = 5\n");
	ok(ticket_profile_load(tmpdir, "new", &p, &cause) == 0 &&
	    p.width_mm == 101.6 && strcmp(p.media, "na_index-4x6_4x6in") == 0,
	    "a new profile file is enough for a new printer");
	free(cause);
	cause = NULL;

	/* Fonts per language. */
	ok(strstr(ticket_font("bn"), "Noto Sans Bengali") != NULL,
	    "bn uses Noto Sans Bengali");
	ok(strstr(ticket_font("ar"), "Noto Naskh Arabic") != NULL,
	    "ar uses Noto Naskh Arabic");
	ok(strstr(ticket_font("ur"), "Noto Nastaliq Urdu") != NULL,
	    "ur uses Noto Nastaliq Urdu");
	ok(strstr(ticket_font("gu"), "Noto Sans Gujarati") != NULL,
	    "gu uses Noto Sans Gujarati");
	is_str(ticket_font("es"), "Noto Sans", "es uses Noto Sans");

	/* Render. */
	if (ticket_profile_load("printers", "receipt-80mm", &p80, &cause) != 0 ||
	    ticket_profile_load("printers", "a4", &a4, &cause) != 0)
		fatal("%s", cause);
	unsetenv("SOURCE_DATE_EPOCH");
	sample(&t, "en");
	ok(ticket_render(&t, &p80, &pdf, &cause) == 0, "render en 80 mm");
	ok(pdf.len > 1000 && memcmp(pdf.data, "%PDF-", 5) == 0, "it is a PDF");
	/* Arguments are read in no set order: measure before ok(). */
	rc = mediabox(&pdf, &w, &h);
	ok(rc == 0 && fabs(w - 80 * 72 / 25.4) < 0.01,
	    "page is 80 mm wide (%.2f pt)", w);
	ok(fmod(h / (72.0 / 203), 1.0) < 1e-6 ||
	    fmod(h / (72.0 / 203), 1.0) > 1 - 1e-6,
	    "roll length is a whole number of 203 dpi dots (%.2f pt)", h);
	h1 = h;
	ok(contains(&pdf, "/Title (Claim ticket)"), "neutral PDF title");
	ok(!contains(&pdf, "7KQ2-M9XD-4TRB"), "claim code not in PDF metadata "
	    "or in clear in the file");
	/* cairo 1.16 leaves out the "D:" prefix; pdfinfo reads it anyway. */
	ok(contains(&pdf, "/CreationDate (20260304000000)") ||
	    contains(&pdf, "/CreationDate (D:20260304000000"),
	    "creation date is the ticket's date at midnight, no time of day");
	text = pdf_text(&pdf);
	ok(strstr(text, "7KQ2-M9XD-4TRB") != NULL, "pdftotext: claim code");
	ok(strstr(text, "Bring your passport within 30 days.") != NULL,
	    "pdftotext: next steps");
	ok(strstr(text, "1 Main St, Springfield") != NULL &&
	    strstr(text, "Mon-Fri 9:00-17:00") != NULL,
	    "pdftotext: office address and hours");
	ok(strstr(text, "Example Legal Aid") != NULL, "pdftotext: office name");
	ok(strstr(text, "2026-03-04") != NULL, "pdftotext: date");
	ok(strstr(text, "for staff") == NULL,
	    "no English staff block on an English ticket");
	free(text);

	/* Longer next steps: a longer roll; a4 keeps its page. */
	buf_free(&pdf);
	t.next_steps = "Bring your passport within 30 days. Bring a utility "
	    "bill. Bring the letter you received. Ask for the volunteer at "
	    "the front desk. The office is closed on public holidays.";
	rc = ticket_render(&t, &p80, &pdf, &cause) == 0 ?
	    mediabox(&pdf, &w, &h) : -1;
	ok(rc == 0 && h > h1 + 20,
	    "roll profile: length fits the content (%.0f pt > %.0f pt)", h,
	    h1);
	buf_free(&pdf);
	rc = ticket_render(&t, &a4, &pdf, &cause) == 0 ?
	    mediabox(&pdf, &w, &h) : -1;
	ok(rc == 0 && fabs(w - 595.28) < 0.01 && fabs(h - 841.89) < 0.01,
	    "a4: fixed page %.2f x %.2f pt", w, h);
	buf_free(&pdf);

	/* The form's "**" emphasis is drawn bold; the markers are not printed. */
	t.next_steps = "Bring the **original** papers. **Keep** it.";
	rc = ticket_render(&t, &p80, &pdf, &cause);
	text = rc == 0 ? pdf_text(&pdf) : NULL;
	ok(text != NULL && strstr(text, "Bring the original papers.") != NULL &&
	    strstr(text, "**") == NULL && strstr(text, "Keep it.") != NULL,
	    "emphasis markers are not printed, the words are");
	free(text);
	buf_free(&pdf);

	/* Service name only when asked; English for staff when different. */
	sample(&t, "es");
	t.next_steps = "Traiga su pasaporte dentro de 30 días.";
	t.next_steps_en = "Bring your passport within 30 days.";
	t.h_code = "Su código";
	ok(ticket_render(&t, &p80, &pdf, &cause) == 0, "render es");
	text = pdf_text(&pdf);
	ok(strstr(text, "Traiga su pasaporte") != NULL &&
	    strstr(text, "Bring your passport") != NULL &&
	    strstr(text, "Su código") != NULL,
	    "es: resident's text, heading, and English below for staff");
	ok(strstr(text, "U-visa") == NULL, "no service name by default");
	free(text);
	buf_free(&pdf);
	t.service = "U-visa request";
	ok(ticket_render(&t, &p80, &pdf, &cause) == 0, "render with service");
	text = pdf_text(&pdf);
	ok(strstr(text, "U-visa request") != NULL,
	    "service name shown when the form asks");
	free(text);
	buf_free(&pdf);

	/* Reproducible with SOURCE_DATE_EPOCH. */
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	sample(&t, "bn");
	t.next_steps = "৩০ দিনের মধ্যে আপনার পাসপোর্ট নিয়ে আসুন।";
	ok(ticket_render(&t, &p80, &pdf, &cause) == 0 &&
	    ticket_render(&t, &p80, &pdf2, &cause) == 0, "render bn twice");
	ok(pdf.len == pdf2.len && memcmp(pdf.data, pdf2.data, pdf.len) == 0,
	    "SOURCE_DATE_EPOCH: identical bytes");
	ok(contains(&pdf, "/CreationDate (20231114221320") ||
	    contains(&pdf, "/CreationDate (D:20231114221320"),
	    "SOURCE_DATE_EPOCH: fixed creation date");
	text = pdf_text(&pdf);
	ok(strstr(text, "পাসপোর্ট") != NULL, "bn: Bengali text extractable");
	free(text);
	buf_free(&pdf);
	buf_free(&pdf2);
	unsetenv("SOURCE_DATE_EPOCH");

	/* Errors. */
	sample(&t, "en");
	t.claim = NULL;
	ok(ticket_render(&t, &p80, &pdf, &cause) == -1 && cause != NULL,
	    "no claim code: error (%s)", cause);
	free(cause);
	cause = NULL;

	/* Render time (figures for make bench live in tests/bench). */
	sample(&t, "bn");
	t.next_steps = "৩০ দিনের মধ্যে আপনার পাসপোর্ট নিয়ে আসুন।";
	n = 20;
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		if (ticket_render(&t, &p80, &pdf, &cause) != 0)
			fatal("%s", cause);
		buf_free(&pdf);
	}
	printf("# render bn 80 mm: %.2f ms per ticket (mean of %d, warm)\n",
	    (now_ms() - t0) / n, n);

	ticket_cleanup();
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
	}
	return done_testing();
}
