/*
 * speech-request: the speech protocol on the wire (the grammar is in
 * speech.h). The kiosk formats requests and parses answers (speech.c);
 * kiosk-speak parses requests (speak-main.c); tests/fuzz/
 * fuzz_speech_request.c fuzzes all three.
 *
 * The request parser is kiosk-speak's first contact with its input: it
 * must never read past what it was given, never accept a field twice or a
 * name it does not know, and refuse anything the formatter would not
 * write. What it must never do: I/O, keep a copy of a request, or put a
 * value in an error message (a request holds text of the screen).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "speech.h"
#include "util.h"

#define SPEECH_REQUEST_LINE	32	/* a "NAME LEN" line, LF included */

static const char *const speech_request_names[SPEECH_NFIELDS] = {
#define X(e, n) n,
	SPEECH_FIELDS(X)
#undef X
};

/* Every word the helper may say; the first six carry a number. */
static const char *const speech_words[] = {
	"ready", "playing", "done", "stopped", "failed", "probe",
	"probe-failed", "error",
};

const char *
speech_request_name(enum speech_field f)
{
	return speech_request_names[f];
}

int
speech_request_format(const struct speech_request *req, struct buf *b,
    char **cause)
{
	size_t i, len;

	for (i = 0; i < SPEECH_NFIELDS; i++) {
		if (req->f[i] == NULL)
			continue;
		len = strlen(req->f[i]);
		if (len > SPEECH_FIELD_MAX) {
			xasprintf(cause, "speech text too long (%s)",
			    speech_request_names[i]);
			buf_free(b);
			return -1;
		}
		buf_addf(b, "%s %zu\n", speech_request_names[i], len);
		buf_add(b, req->f[i], len);
		buf_addc(b, '\n');
	}
	buf_adds(b, "end\n");
	if (b->len > SPEECH_REQ_MAX) {
		xasprintf(cause, "speech request too long");
		buf_free(b);
		return -1;
	}
	return 0;
}

int
speech_request_parse(char *buf, size_t len, size_t *off,
    struct speech_request *req, char **cause)
{
	char line[SPEECH_REQUEST_LINE], *nl, *sp, *end;
	unsigned long vlen;
	size_t i, avail, n;

	for (;;) {
		avail = len - *off;
		nl = memchr(buf + *off, '\n', avail < SPEECH_REQUEST_LINE ?
		    avail : SPEECH_REQUEST_LINE);
		if (nl == NULL) {
			if (avail >= SPEECH_REQUEST_LINE) {
				xasprintf(cause, "bad request line");
				return -1;
			}
			return 0;
		}
		/* A copy: buf is untouched until the whole field is here. */
		n = (size_t)(nl - (buf + *off));
		if (memchr(buf + *off, '\0', n) != NULL) {
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
		if (errno != 0 || *end != '\0' || vlen > SPEECH_FIELD_MAX) {
			xasprintf(cause, "bad field length");
			return -1;
		}
		for (i = 0; i < SPEECH_NFIELDS; i++) {
			if (strcmp(line, speech_request_names[i]) == 0)
				break;
		}
		if (i == SPEECH_NFIELDS || req->f[i] != NULL) {
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

int
speech_parse_answer(const char *line, size_t len, struct speech_answer *a)
{
	const char *sp;
	size_t i, wlen, k, numlen;
	long l;

	memset(a, 0, sizeof *a);
	if ((sp = memchr(line, ' ', len)) != NULL) {
		wlen = (size_t)(sp - line);
		a->value = sp + 1;
		a->valuelen = len - wlen - 1;
	} else {
		wlen = len;
		a->value = line + len;
		a->valuelen = 0;
	}
	for (i = 0; i < nitems(speech_words); i++) {
		if (strlen(speech_words[i]) == wlen &&
		    memcmp(line, speech_words[i], wlen) == 0)
			break;
	}
	if (i == nitems(speech_words))
		return -1;
	a->word = speech_words[i];
	for (k = 0; k < a->valuelen; k++) {
		if ((unsigned char)a->value[k] < 0x20 || a->value[k] == 0x7f)
			return -1;
	}
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
