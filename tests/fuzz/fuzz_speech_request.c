/*
 * fuzz_speech_request: libFuzzer harness for kiosk-speak's request
 * reader (the grammar is in speech.h and helper.h), with the speech
 * protocol's fields and limits (the properties are in request-harness.h),
 * and for the kiosk's reader of the helper's answers, speech_parse_answer:
 * each line of the input is also parsed as an answer, which is accepted
 * only with a known word, no control character, and (for the numbered
 * words) a number from 1 to 999999999.
 *
 * Build: tests/fuzz/run.sh (it links these sources):
 *   kiosk/speech-request.c kiosk/helper-wire.c kiosk/util.c
 * Must never crash, hang, leak or read out of bounds, whatever the input.
 */
#include "request-harness.h"
#include "speech.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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
	answers(data, len);
	fuzz_request(&speech_request_proto, data, len);
	return 0;
}
