/*
 * helper-wire: format and parse a helper request, and read the word of an
 * answer line (the grammar is in helper.h; each protocol's fields in
 * printer.h and speech.h).
 *
 * The parser is a helper's first contact with its input: it must never
 * read past what it was given, never accept a field twice or a name it
 * does not know, and refuse anything the formatter would not write. What
 * it must never do: I/O, keep a copy of a request, or put a value in an
 * error message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "helper.h"
#include "util.h"

#define HELPER_REQUEST_LINE	32	/* a "NAME LEN" line, LF included */

int
helper_request_format(const struct helper_proto *p, const char *const *f,
    struct buf *b, char **cause)
{
	size_t i, len;

	for (i = 0; i < p->nfields; i++) {
		if (f[i] == NULL)
			continue;
		len = strlen(f[i]);
		if (len > p->field_max) {
			xasprintf(cause, "%s text too long (%s)", p->what,
			    p->names[i]);
			buf_free(b);
			return -1;
		}
		buf_addf(b, "%s %zu\n", p->names[i], len);
		buf_add(b, f[i], len);
		buf_addc(b, '\n');
	}
	buf_adds(b, "end\n");
	if (b->len > p->req_max) {
		xasprintf(cause, "%s request too long", p->what);
		buf_free(b);
		return -1;
	}
	return 0;
}

int
helper_request_parse(const struct helper_proto *p, char *buf, size_t len,
    size_t *off, const char **f, char **cause)
{
	char line[HELPER_REQUEST_LINE], *nl, *sp, *end;
	unsigned long vlen;
	size_t i, avail, n;

	for (;;) {
		avail = len - *off;
		nl = memchr(buf + *off, '\n', avail < HELPER_REQUEST_LINE ?
		    avail : HELPER_REQUEST_LINE);
		if (nl == NULL) {
			if (avail >= HELPER_REQUEST_LINE) {
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
		if (errno != 0 || *end != '\0' || vlen > p->field_max) {
			xasprintf(cause, "bad field length");
			return -1;
		}
		for (i = 0; i < p->nfields; i++) {
			if (strcmp(line, p->names[i]) == 0)
				break;
		}
		if (i == p->nfields || f[i] != NULL) {
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
		f[i] = nl + 1;
		*off = (size_t)(nl + 2 + vlen - buf);
	}
}

int
helper_answer_word(const char *line, size_t len, const char *const *words,
    size_t nwords, const char **value, size_t *valuelen)
{
	const char *sp;
	size_t i, k, wlen;

	/* All len bytes: a NUL is a control character, not the end. */
	if ((sp = memchr(line, ' ', len)) != NULL) {
		wlen = (size_t)(sp - line);
		*value = sp + 1;
		*valuelen = len - wlen - 1;
	} else {
		wlen = len;
		*value = line + len;
		*valuelen = 0;
	}
	for (i = 0; i < nwords; i++) {
		if (strlen(words[i]) == wlen &&
		    memcmp(line, words[i], wlen) == 0)
			break;
	}
	if (i == nwords)
		return -1;
	for (k = 0; k < *valuelen; k++) {
		if ((unsigned char)(*value)[k] < 0x20 || (*value)[k] == 0x7f)
			return -1;
	}
	return (int)i;
}
