/*
 * printer-request: the request of the print protocol (printer.h) on the
 * wire, in the framing of helper.h, with its fields and limits (printer.h
 * includes this header, never the other way round). The kiosk formats it
 * (printer.c); kiosk-print parses it (print-main.c);
 * tests/fuzz/fuzz_printer_request.c fuzzes both. Pure: no I/O, no state
 * of its own, never logs (a request holds a claim code).
 */
#ifndef KIOSK_PRINTER_REQUEST_H
#define KIOSK_PRINTER_REQUEST_H

#include <stddef.h>

#include "util.h"

#define PRINTER_FIELD_MAX	16384
#define PRINTER_REQ_MAX		65536
#define PRINTER_LINE_MAX	1024
#define PRINTER_REQ_WAIT_MS	10000	/* the helper waits this for a request */

#define PRINTER_FIELDS(X)						\
	X(OP, "op")		/* ticket | status | cancel */		\
	X(LANG, "lang")							\
	X(OFFICE_NAME, "office_name")					\
	X(OFFICE_ADDRESS, "office_address")				\
	X(OFFICE_HOURS, "office_hours")					\
	X(CLAIM, "claim")						\
	X(DATE, "date")							\
	X(SERVICE, "service")						\
	X(NEXT_STEPS, "next_steps")					\
	X(NEXT_STEPS_EN, "next_steps_en")				\
	X(H_CODE, "h_code")						\
	X(H_DATE, "h_date")						\
	X(H_NEXT, "h_next")						\
	X(H_KEEP, "h_keep")						\
	X(PROFILES_DIR, "profiles_dir")					\
	X(PROFILE, "profile")						\
	X(DEST, "dest")			/* CUPS destination */		\
	X(SAVE, "save")			/* new file, O_EXCL, 0600 */	\
	X(OUT, "out")			/* file, replaced */		\
	X(WAIT, "wait")			/* seconds to follow; -1 not */	\
	X(JOB, "job")			/* cancel: job id, 0 = mine */	\
	X(REPEAT, "repeat")		/* render N times (bench) */	\
	X(TIME, "time")			/* 1: say render_ms */

enum printer_field {
#define X(e, n) PF_##e,
	PRINTER_FIELDS(X)
#undef X
	PRINTER_NFIELDS
};

/* A request: NULL fields are not sent. */
struct printer_request {
	const char	*f[PRINTER_NFIELDS];
};

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
