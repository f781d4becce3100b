/*
 * print: submit a ticket PDF to a CUPS destination, follow the job, cancel
 * it, and read the printer's state. The only file that includes cups
 * headers; it uses the destination API (cupsGetNamedDest, cupsCopyDestInfo,
 * cupsCreateDestJob, cupsStartDestDocument, cupsWriteRequestData,
 * cupsFinishDestDocument, cupsCancelDestJob) plus two IPP requests,
 * Get-Job-Attributes and Get-Printer-Attributes.
 *
 * Never prints to the screen, never exits, never logs the document (it
 * holds a claim code); the job is named neutrally ("kiosk ticket").
 *
 * Job life cycle, from the caller's side:
 *
 *   print_submit() --> PENDING --print_poll()--> DONE (job completed)
 *                         |
 *                         +--print_poll()--> FAILED: job aborted, canceled,
 *                         |                  stopped or held; printer
 *                         |                  stopped, not accepting, or an
 *                         |                  error in its reasons/message
 *                         +--deadline passed (caller)
 *                                   |
 *                     FAILED or deadline: print_cancel() --> job canceled
 *
 * The pitfall this handles: a socket:// queue whose printer is unplugged
 * keeps the job "processing" forever with printer-state-reasons "none";
 * only printer-state-message says "The printer may not exist or is
 * unavailable at this time". print_poll() reads that message as a failure
 * at once, and the caller's deadline plus print_cancel() covers the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cups/cups.h>

#include "print.h"
#include "util.h"

/* CUPS 2.5 and libcups3 renamed these; Debian 12 has CUPS 2.4. */
#if CUPS_VERSION_MAJOR == 2 && CUPS_VERSION_MINOR < 5
#define cupsGetError		cupsLastError
#define cupsGetErrorString	cupsLastErrorString
#endif

#define PRINT_JOB_NAME		"kiosk ticket"
#define PRINT_CANCEL_WAIT_MS	5000

/* Printer messages that mean "cannot reach the printer" (CUPS backends). */
static const char *print_bad_messages[] = {
	"may not exist or is unavailable",
	"not responding",
	"unable to connect",
	"unable to locate printer",
	"waiting for printer to become available",
	"printer is offline",
	"printer not connected",
	"out of paper",
	"paper jam",
	"cover open",
};

/* Reasons that stop a job even without an "-error" suffix. */
static const char *print_bad_reasons[] = {
	"offline",
	"media-empty",
	"media-jam",
	"media-needed",
	"paused",
	"shutdown",
	"door-open",
	"cover-open",
	"marker-supply-empty",
};

static cups_dest_t *
get_dest(const char *name, char **cause)
{
	cups_dest_t *dest;
	char *copy, *slash;

	if (name == NULL || *name == '\0') {
		xasprintf(cause, "no printer destination is configured");
		return NULL;
	}
	copy = xstrdup(name);
	if ((slash = strchr(copy, '/')) != NULL)
		*slash++ = '\0';
	dest = cupsGetNamedDest(CUPS_HTTP_DEFAULT, copy, slash);
	if (dest == NULL) {
		if (cupsGetError() == IPP_STATUS_OK ||
		    cupsGetError() == IPP_STATUS_ERROR_NOT_FOUND)
			xasprintf(cause, "printer \"%s\" not found", name);
		else
			xasprintf(cause, "printer \"%s\": %s", name,
			    cupsGetErrorString());
	}
	free(copy);
	return dest;
}

/* ---- Submit ------------------------------------------------------------ */

int
print_submit(const char *name, const char *media, const void *pdf,
    size_t len, int *job_id, void (*created)(int, void *), void *arg,
    char **cause)
{
	cups_dest_t *dest = NULL;
	cups_dinfo_t *info = NULL;
	cups_option_t *opts = NULL;
	int nopts = 0, rc = -1, id = 0;
	ipp_status_t st;

	*job_id = 0;
	if ((dest = get_dest(name, cause)) == NULL)
		return -1;
	if ((info = cupsCopyDestInfo(CUPS_HTTP_DEFAULT, dest)) == NULL) {
		xasprintf(cause, "printer \"%s\": %s", name,
		    cupsGetErrorString());
		goto out;
	}
	/* Ask for the profile's media only where the printer knows it. */
	if (media != NULL && *media != '\0' &&
	    cupsCheckDestSupported(CUPS_HTTP_DEFAULT, dest, info, CUPS_MEDIA,
	    media))
		nopts = cupsAddOption(CUPS_MEDIA, media, nopts, &opts);

	st = cupsCreateDestJob(CUPS_HTTP_DEFAULT, dest, info, &id,
	    PRINT_JOB_NAME, nopts, opts);
	if (st != IPP_STATUS_OK || id <= 0) {
		xasprintf(cause, "printer \"%s\" refused the job: %s", name,
		    cupsGetErrorString());
		goto out;
	}
	if (created != NULL)
		created(id, arg);
	if (cupsStartDestDocument(CUPS_HTTP_DEFAULT, dest, info, id,
	    "ticket.pdf", CUPS_FORMAT_PDF, 0, NULL, 1) != HTTP_STATUS_CONTINUE) {
		xasprintf(cause, "printer \"%s\": cannot send the ticket: %s",
		    name, cupsGetErrorString());
		goto fail;
	}
	if (cupsWriteRequestData(CUPS_HTTP_DEFAULT, pdf, len) !=
	    HTTP_STATUS_CONTINUE) {
		xasprintf(cause, "printer \"%s\": cannot send the ticket: %s",
		    name, cupsGetErrorString());
		cupsFinishDestDocument(CUPS_HTTP_DEFAULT, dest, info);
		goto fail;
	}
	if (cupsFinishDestDocument(CUPS_HTTP_DEFAULT, dest, info) !=
	    IPP_STATUS_OK) {
		xasprintf(cause, "printer \"%s\": the ticket was not accepted: "
		    "%s", name, cupsGetErrorString());
		goto fail;
	}
	*job_id = id;
	rc = 0;
	goto out;
fail:
	/* Never leave half a job behind to print later. */
	cupsCancelDestJob(CUPS_HTTP_DEFAULT, dest, id);
out:
	cupsFreeOptions(nopts, opts);
	if (info != NULL)
		cupsFreeDestInfo(info);
	if (dest != NULL)
		cupsFreeDests(1, dest);
	return rc;
}

/* ---- IPP helpers ------------------------------------------------------- */

/* Join the values of a keyword attribute with commas into out. */
static void
join_values(ipp_attribute_t *a, char *out, size_t len)
{
	int i, n;
	size_t used = 0;
	const char *v;

	out[0] = '\0';
	if (a == NULL)
		return;
	n = ippGetCount(a);
	for (i = 0; i < n; i++) {
		if ((v = ippGetString(a, i, NULL)) == NULL)
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s%s",
		    used ? "," : "", v);
		if (used >= len) {
			out[len - 1] = '\0';
			return;
		}
	}
}

static void
copy_string(ipp_t *resp, const char *name, char *out, size_t len)
{
	ipp_attribute_t *a;
	const char *v;

	out[0] = '\0';
	a = ippFindAttribute(resp, name, IPP_TAG_ZERO);
	if (a != NULL && (v = ippGetString(a, 0, NULL)) != NULL)
		snprintf(out, len, "%s", v);
}

/*
 * Ask CUPS for the n attributes want of the job or printer at uri (named
 * by the attribute key, "job-uri" or "printer-uri") with request op.
 */
static ipp_t *
ask(ipp_op_t op, const char *key, const char *uri, const char *const *want,
    size_t n, char **cause)
{
	ipp_t *req, *resp;

	req = ippNewRequest(op);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, key, NULL, uri);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME,
	    "requesting-user-name", NULL, cupsUser());
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD,
	    "requested-attributes", (int)n, NULL, want);
	resp = cupsDoRequest(CUPS_HTTP_DEFAULT, req, "/");
	if (resp == NULL || cupsGetError() > IPP_STATUS_OK_CONFLICTING) {
		xasprintf(cause, "%s", cupsGetErrorString());
		ippDelete(resp);
		return NULL;
	}
	return resp;
}

static ipp_t *
get_job(int job_id, char **cause)
{
	static const char *const want[] = {
		"job-state", "job-state-reasons", "job-printer-state-message",
		"job-printer-uri"
	};
	char uri[64];

	snprintf(uri, sizeof uri, "ipp://localhost/jobs/%d", job_id);
	return ask(IPP_OP_GET_JOB_ATTRIBUTES, "job-uri", uri, want,
	    nitems(want), cause);
}

static int
get_printer(const char *uri, struct print_state *ps, char **cause)
{
	static const char *const want[] = {
		"printer-state", "printer-state-reasons",
		"printer-state-message", "printer-is-accepting-jobs"
	};
	ipp_t *resp;
	ipp_attribute_t *a;

	if ((resp = ask(IPP_OP_GET_PRINTER_ATTRIBUTES, "printer-uri", uri,
	    want, nitems(want), cause)) == NULL)
		return -1;
	memset(ps, 0, sizeof *ps);
	if ((a = ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM)) != NULL)
		ps->state = ippGetInteger(a, 0);
	join_values(ippFindAttribute(resp, "printer-state-reasons",
	    IPP_TAG_KEYWORD), ps->reasons, sizeof ps->reasons);
	copy_string(resp, "printer-state-message", ps->message,
	    sizeof ps->message);
	a = ippFindAttribute(resp, "printer-is-accepting-jobs",
	    IPP_TAG_BOOLEAN);
	ps->accepting = a != NULL ? ippGetBoolean(a, 0) : 1;
	ippDelete(resp);
	return 0;
}

int
print_dest_state(const char *name, struct print_state *ps, char **cause)
{
	cups_dest_t *dest;
	const char *uri;
	int rc;

	memset(ps, 0, sizeof *ps);
	if ((dest = get_dest(name, cause)) == NULL)
		return -1;
	uri = cupsGetOption("printer-uri-supported", dest->num_options,
	    dest->options);
	if (uri == NULL) {
		xasprintf(cause, "printer \"%s\" has no URI", name);
		cupsFreeDests(1, dest);
		return -1;
	}
	rc = get_printer(uri, ps, cause);
	if (rc != 0) {
		char *c = *cause;

		xasprintf(cause, "printer \"%s\": %s", name, c);
		free(c);
	}
	cupsFreeDests(1, dest);
	return rc;
}

/* ---- Poll -------------------------------------------------------------- */

static int
contains_ci(const char *hay, const char *needle)
{
	return strcasestr(hay, needle) != NULL;
}

/*
 * Does this printer state mean a waiting job will not print? Returns an
 * allocated English explanation, or NULL.
 */
static char *
printer_trouble(const struct print_state *ps)
{
	char *why = NULL, *r, *save = NULL, *copy;
	size_t i, n;

	if (ps->state == IPP_PSTATE_STOPPED) {
		xasprintf(&why, "the printer is stopped%s%s",
		    ps->message[0] ? ": " : "", ps->message);
		return why;
	}
	copy = xstrdup(ps->reasons);
	for (r = strtok_r(copy, ",", &save); r != NULL;
	    r = strtok_r(NULL, ",", &save)) {
		n = strlen(r);
		if (n > 6 && strcmp(r + n - 6, "-error") == 0)
			break;
		for (i = 0; i < nitems(print_bad_reasons); i++) {
			if (strncmp(r, print_bad_reasons[i],
			    strlen(print_bad_reasons[i])) == 0 &&
			    strstr(r, "-warning") == NULL)
				break;
		}
		if (i < nitems(print_bad_reasons))
			break;
	}
	if (r != NULL) {
		xasprintf(&why, "printer reports %s%s%s", r,
		    ps->message[0] ? ": " : "", ps->message);
		free(copy);
		return why;
	}
	free(copy);
	for (i = 0; i < nitems(print_bad_messages); i++) {
		if (contains_ci(ps->message, print_bad_messages[i])) {
			xasprintf(&why, "printer unreachable: %s", ps->message);
			return why;
		}
	}
	if (!ps->accepting) {
		xasprintf(&why, "the printer is not accepting jobs%s%s",
		    ps->message[0] ? ": " : "", ps->message);
		return why;
	}
	return NULL;
}

static const char *
job_state_name(int st)
{
	switch (st) {
	case IPP_JSTATE_PENDING:	return "pending";
	case IPP_JSTATE_HELD:		return "held";
	case IPP_JSTATE_PROCESSING:	return "processing";
	case IPP_JSTATE_STOPPED:	return "stopped";
	case IPP_JSTATE_CANCELED:	return "canceled";
	case IPP_JSTATE_ABORTED:	return "aborted";
	case IPP_JSTATE_COMPLETED:	return "completed";
	}
	return "unknown";
}

enum print_result
print_poll(const char *name, int job_id, char **why)
{
	ipp_t *resp = NULL;
	ipp_attribute_t *a;
	struct print_state ps;
	char reasons[512], *cause = NULL, printer_uri[1024];
	enum print_result res = PRINT_PENDING;
	int st;

	*why = NULL;
	if (job_id <= 0) {
		xasprintf(why, "no print job");
		return PRINT_FAILED;
	}
	if ((resp = get_job(job_id, &cause)) == NULL) {
		xasprintf(why, "job %d: %s", job_id, cause);
		free(cause);
		return PRINT_FAILED;
	}
	a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM);
	st = a != NULL ? ippGetInteger(a, 0) : 0;
	join_values(ippFindAttribute(resp, "job-state-reasons",
	    IPP_TAG_KEYWORD), reasons, sizeof reasons);
	copy_string(resp, "job-printer-uri", printer_uri, sizeof printer_uri);

	switch (st) {
	case IPP_JSTATE_COMPLETED:
		res = PRINT_DONE;
		goto out;
	case IPP_JSTATE_CANCELED:
	case IPP_JSTATE_ABORTED:
	case IPP_JSTATE_STOPPED:
	case IPP_JSTATE_HELD:
		xasprintf(why, "job %d is %s (%s)", job_id, job_state_name(st),
		    reasons[0] ? reasons : "no reason given");
		res = PRINT_FAILED;
		goto out;
	case IPP_JSTATE_PENDING:
	case IPP_JSTATE_PROCESSING:
		break;
	default:
		xasprintf(why, "job %d has no known state", job_id);
		res = PRINT_FAILED;
		goto out;
	}

	/* Waiting or printing: will it ever finish? Ask the printer. */
	if (printer_uri[0] == '\0')
		goto out;
	if (get_printer(printer_uri, &ps, &cause) != 0) {
		/* Cannot tell: leave it to the caller's deadline. */
		free(cause);
		goto out;
	}
	if ((*why = printer_trouble(&ps)) != NULL)
		res = PRINT_FAILED;
out:
	ippDelete(resp);
	(void)name;
	return res;
}

/* ---- Cancel ------------------------------------------------------------ */

static int
job_state(int job_id, char **cause)
{
	ipp_t *resp;
	ipp_attribute_t *a;
	int st;

	if ((resp = get_job(job_id, cause)) == NULL)
		return -1;
	a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM);
	st = a != NULL ? ippGetInteger(a, 0) : 0;
	ippDelete(resp);
	return st;
}

int
print_cancel(const char *name, int job_id, char **cause)
{
	cups_dest_t *dest;
	ipp_status_t st;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	char *c = NULL;
	int state, waited;

	if (job_id <= 0)
		return 0;
	if ((dest = get_dest(name, cause)) == NULL)
		return -1;
	st = cupsCancelDestJob(CUPS_HTTP_DEFAULT, dest, job_id);
	cupsFreeDests(1, dest);
	/* Whatever cancel said, the job's state is what matters. */
	for (waited = 0;; waited += 50) {
		if ((state = job_state(job_id, &c)) == -1) {
			xasprintf(cause, "job %d: cancel: %s", job_id, c);
			free(c);
			return -1;
		}
		if (state == IPP_JSTATE_CANCELED ||
		    state == IPP_JSTATE_ABORTED ||
		    state == IPP_JSTATE_COMPLETED)
			return 0;
		if (waited >= PRINT_CANCEL_WAIT_MS)
			break;
		nanosleep(&ts, NULL);
	}
	xasprintf(cause, "job %d is still %s after cancel%s%s", job_id,
	    job_state_name(state), st != IPP_STATUS_OK ? ": " : "",
	    st != IPP_STATUS_OK ? cupsGetErrorString() : "");
	return -1;
}

int
print_cancel_mine(const char *name, char **cause)
{
	cups_job_t *jobs = NULL;
	char *copy, *slash, *c = NULL;
	int i, n, rc = 0;

	if (name == NULL || *name == '\0') {
		xasprintf(cause, "no printer destination is configured");
		return -1;
	}
	copy = xstrdup(name);
	if ((slash = strchr(copy, '/')) != NULL)
		*slash = '\0';
	n = cupsGetJobs2(CUPS_HTTP_DEFAULT, &jobs, copy, 1,
	    CUPS_WHICHJOBS_ACTIVE);
	free(copy);
	if (n < 0) {
		xasprintf(cause, "printer \"%s\": cannot list jobs: %s", name,
		    cupsGetErrorString());
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (jobs[i].title == NULL ||
		    strcmp(jobs[i].title, PRINT_JOB_NAME) != 0)
			continue;
		if (print_cancel(name, jobs[i].id, &c) != 0) {
			if (rc == 0)
				*cause = c;
			else
				free(c);
			c = NULL;
			rc = -1;
		}
	}
	cupsFreeJobs(n, jobs);
	return rc;
}
