/*
 * text: UTF-8 widths, grapheme stepping, wrapping and bidi reordering (see
 * text.h). The only module that includes utf8proc.h and fribidi.h.
 */
#include <stdint.h>
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

/* Is the space at s[at] between two parts of a number, "(973) 555"? */
static int
inside_number(const char *s, size_t len, size_t at)
{
	char a = at > 0 ? s[at - 1] : ' ', b = at + 1 < len ? s[at + 1] : ' ';

	return ((a >= '0' && a <= '9') || a == ')') &&
	    ((b >= '0' && b <= '9') || b == '(');
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
			if (s[start + at] == ' ' && !inside_number(s + start,
			    len - start, at)) {
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

/*
 * fribidi_log2vis, but Arabic-Indic digits (U+0660-0669, bidi class AN)
 * are reordered as the European digits they stand for (class EN) and put
 * back after: the algorithm splits an AN number at '-' and ' ' even inside
 * a left-to-right isolate, so a phone number typed in them was drawn
 * ٠١٠١-٥٥٥ (٩٧٣). Outside an isolate an EN after Arabic letters becomes
 * AN again (rule W2), so Arabic text reads as before.
 */
static int
log2vis(FriBidiChar *logical, FriBidiStrIndex n, FriBidiParType *base,
    FriBidiChar *visual, FriBidiStrIndex *l2v, FriBidiLevel *levels)
{
	FriBidiStrIndex i, *map = l2v;
	FriBidiChar *en;
	int ok;

	en = xreallocarray(NULL, (size_t)n + 1, sizeof *en);
	if (map == NULL)
		map = xreallocarray(NULL, (size_t)n + 1, sizeof *map);
	for (i = 0; i < n; i++)
		en[i] = logical[i] >= 0x0660 && logical[i] <= 0x0669 ?
		    '0' + (logical[i] - 0x0660) : logical[i];
	ok = fribidi_log2vis(en, n, base, visual, map, NULL, levels) != 0;
	if (ok) {
		for (i = 0; i < n; i++)
			if (en[i] != logical[i])
				visual[map[i]] = logical[i];
	}
	freezero(en, ((size_t)n + 1) * sizeof *en);
	if (map != l2v)
		freezero(map, ((size_t)n + 1) * sizeof *map);
	return ok;
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
	if (!log2vis(logical, n, &base, visual, NULL, NULL))
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

/* Bidi controls: they steer the algorithm and are never drawn. */
static int
is_bidi_control(uint32_t cp)
{
	return cp == 0x200e || cp == 0x200f || cp == 0x061c ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

char *
text_visual_dir(const char *s, size_t len, int rtl, const size_t *pos,
    int *col)
{
	FriBidiChar *logical, *visual;
	FriBidiStrIndex *l2v, n = 0, k = 0, v;
	FriBidiLevel *levels;
	FriBidiParType base = rtl > 0 ? FRIBIDI_PAR_RTL : rtl == 0 ?
	    FRIBIDI_PAR_LTR : FRIBIDI_PAR_ON;
	uint32_t cp;
	size_t used, i, cap;
	int *vcol, c = 0;
	char *out;

	logical = xreallocarray(NULL, len + 1, sizeof *logical);
	visual = xreallocarray(NULL, len + 1, sizeof *visual);
	l2v = xreallocarray(NULL, len + 1, sizeof *l2v);
	levels = xreallocarray(NULL, len + 1, sizeof *levels);
	vcol = xreallocarray(NULL, len + 2, sizeof *vcol);
	for (i = 0; i < len; i += used) {
		if ((used = text_decode(s + i, len - i, &cp)) == 0)
			break;
		if (pos != NULL && i < *pos)
			k = n + 1;	/* logical characters before pos */
		logical[n++] = cp;
	}
	if (!log2vis(logical, n, &base, visual, l2v, levels)) {
		memcpy(visual, logical, (size_t)n * sizeof *visual);
		for (v = 0; v < n; v++) {
			l2v[v] = v;
			levels[v] = 0;
		}
	}
	cap = (size_t)n * 4 + 1;
	out = xmalloc(cap);
	used = 0;
	for (v = 0; v < n; v++) {
		vcol[v] = c;
		if (is_bidi_control(visual[v]))
			continue;
		c += text_cp_width(visual[v]);
		used += (size_t)fribidi_unicode_to_charset(FRIBIDI_CHAR_SET_UTF8,
		    &visual[v], 1, out + used);
	}
	vcol[n] = c;
	out[used] = '\0';
	if (pos != NULL && col != NULL) {
		if (n == 0)
			*col = 0;
		else if (k < n)
			*col = vcol[l2v[k]];
		else if (levels[n - 1] & 1)	/* ends right-to-left */
			*col = vcol[l2v[n - 1]] - 1;
		else
			*col = vcol[l2v[n - 1]] +
			    text_cp_width(logical[n - 1]);
	}
	freezero(logical, (len + 1) * sizeof *logical);
	freezero(visual, (len + 1) * sizeof *visual);
	freezero(l2v, (len + 1) * sizeof *l2v);
	freezero(levels, (len + 1) * sizeof *levels);
	freezero(vcol, (len + 2) * sizeof *vcol);
	return out;
}

/* Zeros of the decimal digits of the scripts a kiosk may meet. */
static const uint32_t digit_zeros[] = {
	0x0660,	/* Arabic-Indic */
	0x06f0,	/* Extended Arabic-Indic (Urdu, Persian) */
	0x07c0,	/* N'Ko */
	0x0966,	/* Devanagari */
	0x09e6,	/* Bengali */
	0x0a66,	/* Gurmukhi */
	0x0ae6,	/* Gujarati */
	0x0b66,	/* Oriya */
	0x0be6,	/* Tamil */
	0x0c66,	/* Telugu */
	0x0ce6,	/* Kannada */
	0x0d66,	/* Malayalam */
	0x0e50,	/* Thai */
	0x0ed0,	/* Lao */
	0x0f20,	/* Tibetan */
	0x1040,	/* Myanmar */
	0x17e0,	/* Khmer */
	0x1810,	/* Mongolian */
	0xff10,	/* fullwidth */
};

int
text_digit(uint32_t cp)
{
	size_t i;

	if (cp >= '0' && cp <= '9')
		return (int)(cp - '0');
	for (i = 0; i < sizeof digit_zeros / sizeof digit_zeros[0]; i++)
		if (cp >= digit_zeros[i] && cp < digit_zeros[i] + 10)
			return (int)(cp - digit_zeros[i]);
	return -1;
}

char *
text_ascii_digits(const char *s)
{
	size_t len = strlen(s), i = 0, n, o = 0;
	uint32_t cp;
	char *out = xmalloc(len + 1);
	int d;

	while ((n = text_decode(s + i, len - i, &cp)) != 0) {
		if (cp > 0x7f && (d = text_digit(cp)) >= 0)
			out[o++] = (char)('0' + d);
		else {
			memcpy(out + o, s + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}

char *
text_native_digits(const char *s, uint32_t zero)
{
	size_t len = strlen(s), i, o = 0;
	FriBidiChar c;
	char *out = xmalloc(len * 4 + 1);

	for (i = 0; i < len; i++) {
		if (zero != '0' && s[i] >= '0' && s[i] <= '9') {
			c = zero + (FriBidiChar)(s[i] - '0');
			o += (size_t)fribidi_unicode_to_charset(
			    FRIBIDI_CHAR_SET_UTF8, &c, 1, out + o);
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

static int
is_ascii_alnum(uint32_t cp)
{
	return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
	    (cp >= '0' && cp <= '9');
}

/* May this code point be inside a left-to-right run? */
static int
in_run(uint32_t cp)
{
	return text_digit(cp) >= 0 || is_ascii_alnum(cp) ||
	    strchr("-()./:+", (int)cp) != NULL;
}

char *
text_isolate_ltr(const char *s)
{
	return text_isolate_ltr_at(s, NULL);
}

char *
text_isolate_ltr_at(const char *s, size_t *pos)
{
	size_t len = strlen(s), i = 0, j, end, n, m, last, o = 0;
	uint32_t cp = 0, next = 0;
	/* At most one LRI and one PDI (3 bytes each) per input byte. */
	char *out = xmalloc(len * 7 + 1);
	int digits, opens, mixed;
	size_t mapped = 0;

#define PUT(p, k)	(memcpy(out + o, (p), (k)), o += (k))
	if (pos != NULL && *pos >= len)
		mapped = SIZE_MAX;	/* the end maps to the end */

	while (i < len) {
		n = text_decode(s + i, len - i, &cp);
		/* A run starts at a digit or letter, or "(" / "+" before one. */
		m = i + n < len ? text_decode(s + i + n, len - i - n, &next) : 0;
		if (!(text_digit(cp) >= 0 || is_ascii_alnum(cp) ||
		    ((cp == '(' || cp == '+') && m > 0 &&
		    text_digit(next) >= 0))) {
			if (pos != NULL && *pos == i && mapped == 0)
				mapped = o + 1;
			PUT(s + i, n);
			i += n;
			continue;
		}
		/* Extend it; a space only between parts of a number. */
		digits = 0;
		opens = 0;
		last = i;
		for (j = i; j < len; j += n) {
			n = text_decode(s + j, len - j, &cp);
			if (cp == ' ') {
				m = j + 1 < len ? text_decode(s + j + 1,
				    len - j - 1, &next) : 0;
				if (m == 0 || !digits || !(text_digit(next) >= 0 ||
				    next == '('))
					break;
				continue;
			}
			if (!in_run(cp))
				break;
			if (text_digit(cp) >= 0)
				digits = 1;
			if (cp == '(')
				opens++;
			/* The run ends on a letter, a digit or a closing ")". */
			if (text_digit(cp) >= 0 || is_ascii_alnum(cp) ||
			    (cp == ')' && opens > 0))
				last = j + n;
		}
		end = last;
		/* Digits alone keep their order: only mixed runs need it. */
		mixed = 0;
		for (j = i; j < end; j++)
			if (s[j] < '0' || s[j] > '9')
				mixed = 1;
		if (digits && mixed && end > i) {
			if (pos != NULL && *pos == i && mapped == 0)
				mapped = o + 1;	/* before the LRI */
			PUT("\xe2\x81\xa6", 3);	/* LRI */
			if (pos != NULL && *pos > i && *pos < end && mapped == 0)
				mapped = o + (*pos - i) + 1;
			PUT(s + i, end - i);
			PUT("\xe2\x81\xa9", 3);	/* PDI */
			i = end;
		} else {
			n = end > i ? end - i : text_decode(s + i, len - i, &cp);
			if (pos != NULL && *pos >= i && *pos < i + n &&
			    mapped == 0)
				mapped = o + (*pos - i) + 1;
			PUT(s + i, n);
			i += n;
		}
	}
#undef PUT
	out[o] = '\0';
	if (pos != NULL)
		*pos = mapped == SIZE_MAX || mapped == 0 ? o : mapped - 1;
	return out;
}
