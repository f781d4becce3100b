/*
 * request-harness: the body of the two request harnesses,
 * fuzz_printer_request.c and fuzz_speech_request.c: a helper's request
 * reader, helper_request_parse, in one protocol's terms (helper.h). The
 * input is what the helper reads on stdin; it is parsed whole, and again
 * as it would arrive from a pipe, in pieces whose sizes the input's first
 * byte picks. Properties checked:
 *   - both ways give the same answer, the same fields and the same end;
 *   - nothing is accepted that the formatter would not write: the bytes
 *     taken are exactly "NAME LEN\n" VALUE "\n" per field and "end\n", and
 *     helper_request_format of the fields parses back to the same fields.
 * Included once by each harness (static functions only).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper.h"
#include "util.h"

#define HARNESS_FIELDS	64	/* more than any protocol has */

/* Parse data[0, len) as it arrives in pieces of step bytes (0: whole). */
static int
parse(const struct helper_proto *p, const uint8_t *data, size_t len,
    size_t step, char **copy, size_t *off, const char **f)
{
	char *cause = NULL;
	size_t have;
	int r;

	/* Exactly len bytes, so ASan sees any read past them. */
	*copy = xmalloc(len > 0 ? len : 1);
	memcpy(*copy, data, len);
	memset(f, 0, HARNESS_FIELDS * sizeof *f);
	*off = 0;
	have = step == 0 ? len : 0;
	for (;;) {
		r = helper_request_parse(p, *copy, have, off, f, &cause);
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

/* The same fields in a and b? */
static void
same_fields(const struct helper_proto *p, const char **a, const char **b)
{
	size_t i;

	for (i = 0; i < p->nfields; i++) {
		if ((a[i] == NULL) != (b[i] == NULL) ||
		    (a[i] != NULL && strcmp(a[i], b[i]) != 0))
			abort();
	}
}

/* What the kiosk would write for fields a (oa bytes) reads back. */
static void
format_back(const struct helper_proto *p, const char **a, size_t oa)
{
	const char *c[HARNESS_FIELDS];
	struct buf out = { 0 };
	char *cc, *cause = NULL;
	size_t oc;

	if (helper_request_format(p, a, &out, &cause) == 0) {
		if (out.len != oa ||
		    parse(p, (uint8_t *)out.data, out.len, 0, &cc, &oc, c) !=
		    1 || oc != out.len)
			abort();
		same_fields(p, a, c);
		free(cc);
		buf_free(&out);
	} else {
		/* Only the whole can be too long for the kiosk. */
		if (oa <= p->req_max)
			abort();
		free(cause);
	}
}

static void
fuzz_request(const struct helper_proto *p, const uint8_t *data, size_t len)
{
	const char *a[HARNESS_FIELDS], *b[HARNESS_FIELDS];
	char *ca, *cb, num[32];
	size_t oa, ob, want, i, step;
	int ra, rb;

	if (p->nfields > HARNESS_FIELDS)
		abort();
	step = len > 0 ? (size_t)data[0] % 40 + 1 : 1;
	ra = parse(p, data, len, 0, &ca, &oa, a);
	rb = parse(p, data, len, step, &cb, &ob, b);
	if (ra != rb)
		abort();	/* the answer depends on how bytes arrive */
	if (ra == 1) {
		if (oa != ob)
			abort();
		same_fields(p, a, b);
		want = 4;	/* "end\n" */
		for (i = 0; i < p->nfields; i++) {
			if (a[i] == NULL)
				continue;
			want += (size_t)snprintf(num, sizeof num, "%zu",
			    strlen(a[i]));
			want += strlen(p->names[i]) + 3 + strlen(a[i]);
		}
		if (want != oa)
			abort();	/* accepted what no kiosk writes */
		format_back(p, a, oa);
	}
	free(ca);
	free(cb);
}
