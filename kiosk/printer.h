/*
 * printer: the kiosk's side of ticket printing. It starts the helper
 * program kiosk-print (print-main.c), which alone links cairo, pango,
 * qrencode and CUPS, hands it one request over a pipe, reads its answers
 * without blocking, can ask it to cancel, and reaps it. A helper that
 * crashes, hangs or answers nonsense is killed; the caller sees a failure
 * and any job it may have queued is cancelled by a fresh helper.
 *
 * The protocol. The kiosk writes the request on the helper's stdin, one
 * field per entry, op first:
 *
 *     NAME SP LEN LF  <LEN bytes, no NUL>  LF        (LEN <= PRINTER_FIELD_MAX)
 *     ...
 *     "end" LF                                       (whole <= PRINTER_REQ_MAX)
 *
 * Names are those of PRINTER_FIELDS (printer-request.h), each at most
 * once. Afterwards the kiosk may write "cancel" LF; closing the pipe means
 * the same. The helper answers on stdout with lines "WORD[ SP text]" LF of
 * at most PRINTER_LINE_MAX bytes, control characters replaced by spaces:
 *
 *     job N            CUPS made job N (sent before the document)
 *     printed          the job completed
 *     failed WHY       the job failed, timed out or was cancelled; then
 *     canceled | cancel-failed WHY
 *     saved PATH | wrote PATH       the PDF was written
 *     error STAGE WHY  nothing printed (STAGE: request profile render
 *                      save submit); a half-made job was cancelled
 *     render_ms X, submit_ms X, profile-*, dest-error, state, accepting,
 *     reasons, message              (printer test/status/sample)
 *     end              last line; the helper exits
 *
 * Life of one ticket (the helper's side in print-main.c):
 *
 *   printer_start() --> RUNNING --"job N"--> RUNNING (job known)
 *                          |                    |
 *                          |   "printed" "end"  +--> OK
 *                          |   "failed" "end"   +--> FAILED (job cancelled)
 *                          |   printer_cancel() +--> "cancel": FAILED
 *                          +--EOF, exit, garbage, or the caller's deadline:
 *                              killed, FAILED; printer_cancel() then
 *                              cancels the job (or every ticket job of
 *                              this user on the destination) with a new
 *                              helper.
 *
 * The only secret in a request is the claim code; the caller keeps its own
 * copy in secure memory, and the request buffer here is wiped once sent.
 * Never draws, never exits, never logs a request.
 */
#ifndef KIOSK_PRINTER_H
#define KIOSK_PRINTER_H

#include "printer-request.h"

enum printer_result {
	PRINTER_RUNNING,
	PRINTER_OK,		/* "end" without error or failure */
	PRINTER_FAILED		/* error, failure, crash, hang, garbage */
};

struct printer;

/*
 * Start a helper for req. quiet: its stderr goes to /dev/null (the full
 * screen kiosk). Returns NULL with *cause if it cannot be started.
 */
struct printer	*printer_start(const struct printer_request *, int quiet,
		    char **cause);
/* Read what the helper said, waiting at most ms; never blocks longer. */
enum printer_result printer_poll(struct printer *, int ms);
/* Poll until it ends or seconds pass; then kill it (FAILED). */
enum printer_result printer_wait(struct printer *, int seconds);
/* Kill the helper now (it hangs): FAILED, why says so. */
void		 printer_kill(struct printer *, const char *why);
/* The job id it reported, or 0. */
int		 printer_job(const struct printer *);
/* Why it failed (English, for logs), or NULL. */
const char	*printer_why(const struct printer *);
/* The last value of an answer line (e.g. "state"), or NULL. */
const char	*printer_get(const struct printer *, const char *word);
/*
 * Make sure nothing this helper sent to CUPS prints later: ask it to
 * cancel (waiting a few seconds), or, if it is gone or does not confirm,
 * cancel with a new helper. 0 if no job is left waiting.
 */
int		 printer_cancel(struct printer *, char **cause);
/* Kill (if running) and reap the helper; NULL is fine. */
void		 printer_free(struct printer *);

/* One answer line, parsed (pointers into the line). */
struct printer_answer {
	const char	*word;		/* one of the fixed words: static */
	const char	*value;		/* after the space; not terminated */
	size_t		 valuelen;
	int		 job;		/* "job": the id (> 0), else 0 */
};
/*
 * Parse one answer line of len bytes (its LF taken off), the grammar
 * alone: no state, no I/O, nothing past len is read. -1 if it breaks it.
 * The line's place in the answer (one "job", nothing after "end") is
 * printer.c's to check.
 */
int		 printer_parse_answer(const char *, size_t,
		    struct printer_answer *);

#endif
