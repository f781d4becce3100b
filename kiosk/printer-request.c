/*
 * printer-request: format and parse the print request (the grammar is in
 * printer.h):
 *
 *     NAME SP LEN LF  <LEN bytes, no NUL>  LF        (LEN <= PRINTER_FIELD_MAX)
 *     ...
 *     "end" LF                                       (whole <= PRINTER_REQ_MAX)
 *
 * The parser is kiosk-print's first contact with its input: it must never
 * read past what it was given, never accept a field twice or a name it
 * does not know, and refuse anything the formatter would not write. What
 * it must never do: I/O, keep a copy of a request, or put a value in an
 * error message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "printer-request.h"

#define PRINTER_REQUEST_LINE	32	/* a "NAME LEN" line, LF included */

static const char *const printer_request_names[PRINTER_NFIELDS] = {
#define X(e, n) n,
	PRINTER_FIELDS(X)
#undef X
};

const char *
printer_request_name(enum printer_field f)
{
	return printer_request_names[f];
}

int
printer_request_format(const struct printer_request *req, struct buf *b,
    char **cause)
{
	size_t i, len;

	for (i = 0; i < PRINTER_NFIELDS; i++) {
		if (req->f[i] == NULL)
			continue;
		len = strlen(req->f[i]);
		if (len > PRINTER_FIELD_MAX) {
			xasprintf(cause, "ticket text too long (%s)",
			    printer_request_names[i]);
			buf_free(b);
			return -1;
		}
		buf_addf(b, "%s %zu\n", printer_request_names[i], len);
		buf_add(b, req->f[i], len);
		buf_addc(b, '\n');
	}
	buf_adds(b, "end\n");
	if (b->len > PRINTER_REQ_MAX) {
		xasprintf(cause, "ticket request too long");
		buf_free(b);
		return -1;
	}
	return 0;
}

int
printer_request_parse(char *buf, size_t len, size_t *off,
    struct printer_request *req, char **cause)
{
	char line[PRINTER_REQUEST_LINE], *nl, *sp, *end;
	unsigned long vlen;
	size_t i, avail, n;

	for (;;) {
		avail = len - *off;
		nl = memchr(buf + *off, '\n', avail < PRINTER_REQUEST_LINE ?
		    avail : PRINTER_REQUEST_LINE);
		if (nl == NULL) {
			if (avail >= PRINTER_REQUEST_LINE) {
				xasprintf(cause, "bad request line");
				return -1;
			}
			return 0;
		}
		/* A copy: buf is untouched until the whole field is here. */
		n = (size_t)(nl - (buf + *off));
		if (memchr(buf + *off, '\0', n) != NULL) {
			/* "end\0x": the string functions below stop at it. */
			xasprintf(cause, "bad request line");
			return -1;
		}
		memcpy(line, buf + *off, n);
		line[n] = '\0';
		if (strcmp(line, "end") == 0) {
			*off += n + 1;
			return 1;
		}
		if ((sp = strchr(line, ' ')) == NULL || sp[1] < '0' ||
		    sp[1] > '9' || (sp[1] == '0' && sp[2] != '\0')) {
			xasprintf(cause, "bad request line");
			return -1;
		}
		*sp = '\0';
		errno = 0;
		vlen = strtoul(sp + 1, &end, 10);
		if (errno != 0 || *end != '\0' || vlen > PRINTER_FIELD_MAX) {
			xasprintf(cause, "bad field length");
			return -1;
		}
		for (i = 0; i < PRINTER_NFIELDS; i++) {
			if (strcmp(line, printer_request_names[i]) == 0)
				break;
		}
		if (i == PRINTER_NFIELDS || req->f[i] != NULL) {
			xasprintf(cause, "unknown or repeated field");
			return -1;
		}
		/* The value and its newline must be here; else wait. */
		if (len - (size_t)(nl + 1 - buf) < vlen + 1)
			return 0;
		if (nl[1 + vlen] != '\n' || memchr(nl + 1, '\0', vlen) != NULL) {
			xasprintf(cause, "bad field value");
			return -1;
		}
		nl[1 + vlen] = '\0';
		req->f[i] = nl + 1;
		*off = (size_t)(nl + 2 + vlen - buf);
	}
}
