/*
 * printer-request: the request of the print protocol (printer.h) on the
 * wire, in the framing of helper.h. The kiosk formats it (printer.c);
 * kiosk-print parses it (print-main.c); tests/fuzz/fuzz_printer_request.c
 * fuzzes both. Pure: no I/O, no state of its own, never logs (a request
 * holds a claim code).
 */
#ifndef KIOSK_PRINTER_REQUEST_H
#define KIOSK_PRINTER_REQUEST_H

#include <stddef.h>

#include "printer.h"
#include "util.h"

/* The fields and limits in helper.h's terms (the fuzzer's too). */
struct helper_proto;
extern const struct helper_proto printer_request_proto;
/*
 * Append req, op first, "end" last, to b. -1 with *cause (which names the
 * field, never its value) if a field or the whole is too long; b is then
 * wiped and freed.
 */
int		 printer_request_format(const struct printer_request *,
		    struct buf *, char **cause);
/*
 * Parse the request in buf[*off, len), which may still be arriving. Each
 * complete field is NUL-terminated in place, req->f points into buf, and
 * *off moves past it. Returns 1 once "end" LF is taken (*off just past it:
 * anything after is not the request), 0 if more bytes are needed (call
 * again with the same buf, *off and req once they are there), or -1 with
 * *cause: the request is refused whole. req starts zeroed. Never reads
 * buf at or past len.
 */
int		 printer_request_parse(char *buf, size_t len, size_t *off,
		    struct printer_request *, char **cause);

#endif
