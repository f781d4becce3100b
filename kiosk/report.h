/*
 * report: anonymous monthly figures for the taskforce from the office's
 * opened incident reports (kiosk report).
 *
 * It reads the submission CSV files kiosk open wrote (every version of
 * one form) and counts, per month, the answers to the form's choice
 * questions that identify nobody (report_type, setting, what_happened,
 * agency markings, ...: REPORT_QUESTIONS, or the caller's list). It never
 * looks at a free-text answer, a name, a contact or a claim code, and
 * writes none. Small cells are suppressed: a count from 1 to k-1 is shown
 * as "fewer than k", and for a question whose answers add up to a shown
 * total, more cells are suppressed until the hidden ones cannot be
 * worked out from it (complementary suppression).
 *
 * Plaintext from the CSV files is held in secure memory while it is
 * read. Never prints or exits.
 */
#ifndef KIOSK_REPORT_H
#define KIOSK_REPORT_H

#include <stddef.h>

struct buf;
struct form;
struct report;

#define REPORT_K_DEFAULT	5
#define REPORT_QUESTIONS	"report_type,setting,what_happened,basis," \
	"town,already_reported,wants,reporter_role,time_band,agents_band," \
	"vehicles_band,markings,activity,warrant_shown,people_taken," \
	"reporter_role_enf"
/* The month of a report: the first of these that holds a date. */
#define REPORT_DATES		"incident_date,observed_date,submitted"

/*
 * form: the form definition (its choice questions and labels; the report
 * keeps it); questions: comma-separated names, NULL for REPORT_QUESTIONS
 * (names the form lacks or that are not choices are refused).
 */
struct report	*report_new(struct form *, const char *questions, int k,
		    const char *lang, char **cause);
void		 report_free(struct report *);
/* Read every submission CSV of the form in dir; *nrows: how many counted. */
int		 report_read_dir(struct report *, const char *dir,
		    size_t *nrows, char **cause);
/* Months with reports, "YYYY-MM", in order. */
size_t		 report_months(const struct report *, const char ***);
/* The month's figures as CSV, and as the chart description the drawing
 * helper reads (see chart.h). */
void		 report_csv(const struct report *, const char *month,
		    struct buf *);
void		 report_chart(const struct report *, const char *month,
		    struct buf *);

#endif
