/*
 * text: UTF-8 widths, grapheme stepping, wrapping and bidi reordering (see
 * text.h). The only module that includes utf8proc.h and fribidi.h.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <fribidi.h>
#include <utf8proc.h>

#include "text.h"
#include "util.h"

size_t
text_decode(const char *s, size_t len, uint32_t *cp)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	if (len == 0 || *s == '\0')
		return 0;
	n = utf8proc_iterate((const utf8proc_uint8_t *)s,
	    (utf8proc_ssize_t)(len > 4 ? 4 : len), &c);
	if (n <= 0) {
		*cp = 0xfffd;	/* replacement character for a bad byte */
		return 1;
	}
	*cp = (uint32_t)c;
	return (size_t)n;
}

int
text_valid(const char *s, size_t len)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	while (len > 0) {
		n = utf8proc_iterate((const utf8proc_uint8_t *)s,
		    (utf8proc_ssize_t)(len > 4 ? 4 : len), &c);
		if (n <= 0)
			return 0;
		s += n;
		len -= (size_t)n;
	}
	return 1;
}

int
text_cp_width(uint32_t cp)
{
	int w;

	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 0;
	w = wcwidth((wchar_t)cp);
	if (w < 0)
		w = utf8proc_charwidth((utf8proc_int32_t)cp);
	if (w < 0)
		w = 1;
	return w;
}

int
text_nwidth(const char *s, size_t len)
{
	uint32_t cp;
	size_t n;
	int w = 0;

	while ((n = text_decode(s, len, &cp)) != 0) {
		w += text_cp_width(cp);
		s += n;
		len -= n;
	}
	return w;
}

int
text_width(const char *s)
{
	return text_nwidth(s, strlen(s));
}

/* Viramas: the next consonant joins the cluster (Indic conjuncts). */
static int
is_virama(uint32_t cp)
{
	switch (cp) {
	case 0x094d:	/* Devanagari */
	case 0x09cd:	/* Bengali */
	case 0x0a4d:	/* Gurmukhi */
	case 0x0acd:	/* Gujarati */
	case 0x0b4d:	/* Oriya */
	case 0x0bcd:	/* Tamil */
	case 0x0c4d:	/* Telugu */
	case 0x0ccd:	/* Kannada */
	case 0x0d4d:	/* Malayalam */
		return 1;
	}
	return 0;
}

size_t
text_next(const char *s, size_t len, size_t pos)
{
	utf8proc_int32_t state = 0;
	uint32_t prev = 0, cp;
	size_t n;

	if (pos >= len)
		return len;
	n = text_decode(s + pos, len - pos, &prev);
	pos += n;
	while (pos < len) {
		n = text_decode(s + pos, len - pos, &cp);
		if (n == 0)
			break;
		if (!is_virama(prev) &&
		    utf8proc_grapheme_break_stateful((utf8proc_int32_t)prev,
		    (utf8proc_int32_t)cp, &state))
			break;
		prev = cp;
		pos += n;
	}
	return pos;
}

size_t
text_prev(const char *s, size_t len, size_t pos)
{
	size_t at = 0, next;

	if (pos > len)
		pos = len;
	while (at < pos) {
		next = text_next(s, len, at);
		if (next >= pos)
			return at;
		at = next;
	}
	return 0;
}

size_t
text_fit(const char *s, size_t len, int cols)
{
	size_t at = 0, next;
	int w = 0, cw;

	while (at < len) {
		next = text_next(s, len, at);
		cw = text_nwidth(s + at, next - at);
		if (w + cw > cols)
			break;
		w += cw;
		at = next;
	}
	return at;
}

static void
wrap_paragraph(const char *s, size_t len, int cols,
    void (*fn)(void *, const char *, size_t), void *arg)
{
	size_t start = 0, at, brk, fit;

	if (len == 0) {
		fn(arg, s, 0);
		return;
	}
	while (start < len) {
		while (start < len && s[start] == ' ')
			start++;
		if (start >= len)
			break;
		if (text_nwidth(s + start, len - start) <= cols) {
			fn(arg, s + start, len - start);
			return;
		}
		fit = text_fit(s + start, len - start, cols);
		/* Break at the last space within the fitting part. */
		brk = 0;
		for (at = fit; at > 0; at--) {
			if (s[start + at] == ' ') {
				brk = at;
				break;
			}
		}
		if (brk == 0)
			brk = fit ? fit : text_next(s + start, len - start, 0);
		fn(arg, s + start, brk);
		start += brk;
	}
}

void
text_wrap(const char *s, int cols,
    void (*fn)(void *, const char *, size_t), void *arg)
{
	const char *nl;

	if (cols < 1)
		cols = 1;
	for (;;) {
		nl = strchr(s, '\n');
		wrap_paragraph(s, nl ? (size_t)(nl - s) : strlen(s), cols,
		    fn, arg);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
}

int
text_is_rtl(const char *s)
{
	size_t len = strlen(s), n;
	uint32_t cp;
	FriBidiCharType t;

	while ((n = text_decode(s, len, &cp)) != 0) {
		t = fribidi_get_bidi_type((FriBidiChar)cp);
		if (FRIBIDI_IS_STRONG(t))
			return FRIBIDI_IS_RTL(t) ? 1 : 0;
		s += n;
		len -= n;
	}
	return 0;
}

char *
text_visual(const char *s, size_t len)
{
	FriBidiChar *logical, *visual;
	FriBidiParType base = FRIBIDI_PAR_ON;
	FriBidiStrIndex n = 0;
	uint32_t cp;
	size_t used, i, cap;
	char *out;

	logical = xreallocarray(NULL, len + 1, sizeof *logical);
	visual = xreallocarray(NULL, len + 1, sizeof *visual);
	for (i = 0; i < len; i += used) {
		if ((used = text_decode(s + i, len - i, &cp)) == 0)
			break;
		logical[n++] = cp;
	}
	if (!fribidi_log2vis(logical, n, &base, visual, NULL, NULL, NULL))
		memcpy(visual, logical, (size_t)n * sizeof *visual);
	cap = (size_t)n * 4 + 1;
	out = xmalloc(cap);
	used = 0;
	for (i = 0; i < (size_t)n; i++)
		used += (size_t)fribidi_unicode_to_charset(FRIBIDI_CHAR_SET_UTF8,
		    &visual[i], 1, out + used);
	out[used] = '\0';
	freezero(logical, (len + 1) * sizeof *logical);
	freezero(visual, (len + 1) * sizeof *visual);
	return out;
}

char *
text_plain(char *s)
{
	char *r, *w;

	for (r = w = s; *r != '\0'; r++) {
		if (r[0] == '*' && r[1] == '*') {
			r++;
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
	return s;
}
