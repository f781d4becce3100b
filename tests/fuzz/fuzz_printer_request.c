/*
 * fuzz_printer_request: libFuzzer harness for kiosk-print's request
 * reader, printer_request_parse (the grammar is in printer.h). The input
 * is what the helper reads on stdin; it is parsed whole, and again as it
 * would arrive from a pipe, in pieces whose sizes the input's first byte
 * picks. Properties checked:
 *   - both ways give the same answer, the same fields and the same end;
 *   - nothing is accepted that the formatter would not write: the bytes
 *     taken are exactly "NAME LEN\n" VALUE "\n" per field and "end\n", and
 *     printer_request_format of the fields parses back to the same fields.
 *
 * Build: tests/fuzz/run.sh (it links these sources):
 *   kiosk/printer-request.c kiosk/util.c
 * Must never crash, hang, leak or read out of bounds, whatever the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printer-request.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Parse data[0, len) as it arrives in pieces of step bytes (0: whole). */
static int
parse(const uint8_t *data, size_t len, size_t step, char **copy,
    size_t *off, struct printer_request *req)
{
	char *cause = NULL;
	size_t have;
	int r;

	/* Exactly len bytes, so ASan sees any read past them. */
	*copy = xmalloc(len > 0 ? len : 1);
	memcpy(*copy, data, len);
	memset(req, 0, sizeof *req);
	*off = 0;
	have = step == 0 ? len : 0;
	for (;;) {
		r = printer_request_parse(*copy, have, off, req, &cause);
		if (r == -1) {
			if (cause == NULL || *cause == '\0')
				abort();	/* a refusal says why */
			free(cause);
			return -1;
		}
		if (cause != NULL || *off > have)
			abort();
		if (r == 1 || have == len)
			return r;
		have = have + step < len ? have + step : len;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct printer_request a, b, c;
	struct buf out = { 0 };
	char *ca, *cb, *cc, *cause = NULL, num[32];
	size_t oa, ob, oc, want, i, step;
	int ra, rb, rc;

	step = len > 0 ? (size_t)data[0] % 40 + 1 : 1;
	ra = parse(data, len, 0, &ca, &oa, &a);
	rb = parse(data, len, step, &cb, &ob, &b);
	if (ra != rb)
		abort();	/* the answer depends on how bytes arrive */
	if (ra == 1) {
		if (oa != ob)
			abort();
		want = 4;	/* "end\n" */
		for (i = 0; i < PRINTER_NFIELDS; i++) {
			if ((a.f[i] == NULL) != (b.f[i] == NULL) ||
			    (a.f[i] != NULL && strcmp(a.f[i], b.f[i]) != 0))
				abort();
			if (a.f[i] == NULL)
				continue;
			want += (size_t)snprintf(num, sizeof num, "%zu",
			    strlen(a.f[i]));
			want += strlen(printer_request_name(i)) + 3 +
			    strlen(a.f[i]);
		}
		if (want != oa)
			abort();	/* accepted what no kiosk writes */

		/* What the kiosk would write for these fields reads back. */
		if (printer_request_format(&a, &out, &cause) == 0) {
			if (out.len != oa ||
			    parse((uint8_t *)out.data, out.len, 0, &cc, &oc,
			    &c) != 1 || oc != out.len)
				abort();
			for (i = 0; i < PRINTER_NFIELDS; i++) {
				if ((a.f[i] == NULL) != (c.f[i] == NULL) ||
				    (a.f[i] != NULL &&
				    strcmp(a.f[i], c.f[i]) != 0))
					abort();
			}
			free(cc);
			buf_free(&out);
		} else {
			/* Only the whole can be too long for the kiosk. */
			if (oa <= PRINTER_REQ_MAX)
				abort();
			free(cause);
		}
	}
	free(ca);
	free(cb);
	return 0;
}
