/*
 * fuzz_speech_request: libFuzzer harness for kiosk-speak's request
 * reader, speech_request_parse (the grammar is in speech.h), and for the
 * kiosk's reader of the helper's answers, speech_parse_answer. The input
 * is what the helper reads on stdin; it is parsed whole, and again as it
 * would arrive from a pipe, in pieces whose sizes the input's first byte
 * picks. Each line of it is also parsed as an answer. Properties checked:
 *   - both ways give the same answer, the same fields and the same end;
 *   - nothing is accepted that the formatter would not write: the bytes
 *     taken are exactly "NAME LEN\n" VALUE "\n" per field and "end\n", and
 *     speech_request_format of the fields parses back to the same fields;
 *   - an answer is accepted only with a known word, no control character,
 *     and (for the numbered words) a number from 1 to 999999999.
 *
 * Build: tests/fuzz/run.sh (it links these sources):
 *   kiosk/speech-request.c kiosk/util.c
 * Must never crash, hang, leak or read out of bounds, whatever the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speech.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Parse data[0, len) as it arrives in pieces of step bytes (0: whole). */
static int
parse(const uint8_t *data, size_t len, size_t step, char **copy,
    size_t *off, struct speech_request *req)
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
		r = speech_request_parse(*copy, have, off, req, &cause);
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

/* Every line of the input as an answer line of the helper. */
static void
answers(const uint8_t *data, size_t len)
{
	struct speech_answer a;
	const uint8_t *nl, *p = data, *end = data + len;
	size_t n, i;
	char *line;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		/* Exactly n bytes, so ASan sees any read past them. */
		line = xmalloc(n > 0 ? n : 1);
		memcpy(line, p, n);
		if (speech_parse_answer(line, n, &a) == 0) {
			if (a.word == NULL || a.value < line ||
			    a.value + a.valuelen != line + n)
				abort();
			for (i = 0; i < n; i++)
				if ((unsigned char)line[i] < 0x20 ||
				    line[i] == 0x7f)
					abort();
			if ((strcmp(a.word, "playing") == 0 ||
			    strcmp(a.word, "done") == 0 ||
			    strcmp(a.word, "failed") == 0) &&
			    (a.num < 1 || a.num > 999999999))
				abort();
		}
		free(line);
		p += n + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct speech_request a, b, c;
	struct buf out = { 0 };
	char *ca, *cb, *cc, *cause = NULL, num[32];
	size_t oa, ob, oc, want, i, step;
	int ra, rb, rc;

	answers(data, len);
	step = len > 0 ? (size_t)data[0] % 40 + 1 : 1;
	ra = parse(data, len, 0, &ca, &oa, &a);
	rb = parse(data, len, step, &cb, &ob, &b);
	if (ra != rb)
		abort();	/* the answer depends on how bytes arrive */
	if (ra == 1) {
		if (oa != ob)
			abort();
		want = 4;	/* "end\n" */
		for (i = 0; i < SPEECH_NFIELDS; i++) {
			if ((a.f[i] == NULL) != (b.f[i] == NULL) ||
			    (a.f[i] != NULL && strcmp(a.f[i], b.f[i]) != 0))
				abort();
			if (a.f[i] == NULL)
				continue;
			want += (size_t)snprintf(num, sizeof num, "%zu",
			    strlen(a.f[i]));
			want += strlen(speech_request_name(i)) + 3 +
			    strlen(a.f[i]);
		}
		if (want != oa)
			abort();	/* accepted what no kiosk writes */

		/* What the kiosk would write for these fields reads back. */
		if (speech_request_format(&a, &out, &cause) == 0) {
			if (out.len != oa ||
			    parse((uint8_t *)out.data, out.len, 0, &cc, &oc,
			    &c) != 1 || oc != out.len)
				abort();
			for (i = 0; i < SPEECH_NFIELDS; i++) {
				if ((a.f[i] == NULL) != (c.f[i] == NULL) ||
				    (a.f[i] != NULL &&
				    strcmp(a.f[i], c.f[i]) != 0))
					abort();
			}
			free(cc);
			buf_free(&out);
		} else {
			/* Only the whole can be too long for the kiosk. */
			if (oa <= SPEECH_REQ_MAX)
				abort();
			free(cause);
		}
	}
	free(ca);
	free(cb);
	return 0;
}
