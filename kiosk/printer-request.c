/*
 * printer-request: the print request on the wire: the fields of
 * printer.h in the framing of helper.h (helper-wire.c formats and parses
 * it). What it must never do: I/O, keep a copy of a request, or put a
 * value in an error message (a request holds a claim code).
 */
#include "helper.h"
#include "printer-request.h"

static const char *const printer_request_names[PRINTER_NFIELDS] = {
#define X(e, n) n,
	PRINTER_FIELDS(X)
#undef X
};

const struct helper_proto printer_request_proto = {
	printer_request_names, PRINTER_NFIELDS, PRINTER_FIELD_MAX,
	PRINTER_REQ_MAX, "ticket"
};

int
printer_request_format(const struct printer_request *req, struct buf *b,
    char **cause)
{
	return helper_request_format(&printer_request_proto, req->f, b,
	    cause);
}

int
printer_request_parse(char *buf, size_t len, size_t *off,
    struct printer_request *req, char **cause)
{
	return helper_request_parse(&printer_request_proto, buf, len, off,
	    req->f, cause);
}
