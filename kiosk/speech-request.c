/*
 * speech-request: the speech protocol on the wire: the fields of speech.h
 * in the framing of helper.h (helper-wire.c formats and parses requests),
 * and the kiosk's reader of the helper's answer lines. The kiosk formats
 * requests and parses answers (speech.c); kiosk-speak parses requests
 * (speak-main.c); tests/fuzz/fuzz_speech_request.c fuzzes all three.
 *
 * What it must never do: I/O, keep a copy of a request, or put a value in
 * an error message (a request holds text of the screen).
 */
#include <string.h>

#include "helper.h"
#include "speech.h"
#include "util.h"

static const char *const speech_request_names[SPEECH_NFIELDS] = {
#define X(e, n) n,
	SPEECH_FIELDS(X)
#undef X
};

const struct helper_proto speech_request_proto = {
	speech_request_names, SPEECH_NFIELDS, SPEECH_FIELD_MAX,
	SPEECH_REQ_MAX, "speech"
};

/* Every word the helper may say; the first six carry a number. */
static const char *const speech_words[] = {
	"ready", "playing", "done", "stopped", "failed", "probe",
	"probe-failed", "error",
};

int
speech_request_format(const struct speech_request *req, struct buf *b,
    char **cause)
{
	return helper_request_format(&speech_request_proto, req->f, b,
	    cause);
}

int
speech_request_parse(char *buf, size_t len, size_t *off,
    struct speech_request *req, char **cause)
{
	return helper_request_parse(&speech_request_proto, buf, len, off,
	    req->f, cause);
}

int
speech_parse_answer(const char *line, size_t len, struct speech_answer *a)
{
	const char *sp;
	size_t i, k, numlen;
	long l;
	int w;

	memset(a, 0, sizeof *a);
	if ((w = helper_answer_word(line, len, speech_words,
	    nitems(speech_words), &a->value, &a->valuelen)) == -1)
		return -1;
	i = (size_t)w;
	a->word = speech_words[i];
	if (i == 5) {
		/* "probe ok" and nothing else. */
		return a->valuelen == 2 && memcmp(a->value, "ok", 2) == 0 ?
		    0 : -1;
	}
	if (i >= 5)
		return 0;
	/* A number, 1 to 999999999, then (failed only) a space and why. */
	numlen = a->valuelen;
	if (i == 4) {
		if ((sp = memchr(a->value, ' ', a->valuelen)) == NULL)
			return -1;
		numlen = (size_t)(sp - a->value);
	}
	if (numlen == 0 || numlen > 9 || a->value[0] < '1' ||
	    a->value[0] > '9')
		return -1;
	for (l = 0, k = 0; k < numlen; k++) {
		if (a->value[k] < '0' || a->value[k] > '9')
			return -1;
		l = l * 10 + (a->value[k] - '0');
	}
	a->num = l;
	return 0;
}
