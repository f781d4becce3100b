/* t_text: widths, grapheme clusters (Bengali conjuncts, combining marks),
 * wrapping by columns, and RTL detection/reordering. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"
#include "../tap.h"

struct lines {
	char	*l[16];
	int	 n;
};

static void
collect(void *arg, const char *s, size_t len)
{
	struct lines *ls = arg;

	if (ls->n < 16)
		ls->l[ls->n++] = xstrndup(s, len);
}

int
main(void)
{
	const char *bn = "ক্ষমা";		/* ক + ্ + ষ + ম + া */
	const char *acute = "Ame\xcc\x81lie";	/* e + combining acute */
	struct lines ls = { { 0 }, 0 };
	size_t n, i;
	char *v;
	int ok_wrap = 1;

	if (setlocale(LC_ALL, "") == NULL || !strstr(setlocale(LC_ALL, NULL),
	    "UTF-8"))
		setlocale(LC_ALL, "C.UTF-8");

	is_int(text_width("hello"), 5, "ASCII width");
	is_int(text_width("Zoë"), 3, "precomposed Latin width");
	is_int(text_width(acute), 6, "a combining mark takes no column");
	is_int(text_width("日本"), 4, "East Asian wide characters take two");
	ok(text_valid("বাংলা", strlen("বাংলা")), "Bengali is valid UTF-8");
	ok(!text_valid("\xff\xfe", 2), "bad bytes are not valid UTF-8");

	/* e + acute is one cluster: stepping right skips both. */
	n = text_next(acute, strlen(acute), 2);
	is_int(n, 5, "the cursor steps over a letter and its mark together");
	is_int(text_prev(acute, strlen(acute), 5), 2,
	    "and back over both");
	/* ক্ষ (ka + virama + ssa) is one conjunct. */
	n = text_next(bn, strlen(bn), 0);
	is_int(n, 9, "a Bengali conjunct (ka virama ssa) moves as one");
	n = text_next(bn, strlen(bn), n);
	is_int(n, strlen(bn), "then ma with its vowel sign aa, as one");
	is_int(text_prev(bn, strlen(bn), strlen(bn)), 9,
	    "stepping back from the end lands before ma+aa");

	is_int(text_fit("abcdef", 6, 3), 3, "fit three columns of ASCII");
	is_int(text_fit("日本語", strlen("日本語"), 3), 3,
	    "a wide character never splits: one fits in three columns");
	is_int(text_fit(acute, strlen(acute), 3), 5,
	    "a mark stays with its letter when fitting");

	text_wrap("one two three four five six", 9, collect, &ls);
	for (i = 0; i < (size_t)ls.n; i++)
		if (text_width(ls.l[i]) > 9)
			ok_wrap = 0;
	ok(ls.n == 4 && ok_wrap, "wrapped into 4 lines of at most 9 columns");
	is_str(ls.l[0], "one two", "breaks at a space");
	for (i = 0; i < (size_t)ls.n; i++)
		free(ls.l[i]);
	ls.n = 0;
	text_wrap("call (973) 555-0102 now", 16, collect, &ls);
	ok(ls.n >= 2 && strcmp(ls.l[1], "(973) 555-0102") == 0,
	    "a phone number is not split between lines");
	for (i = 0; i < (size_t)ls.n; i++)
		free(ls.l[i]);
	ls.n = 0;
	text_wrap("line one\nline two", 40, collect, &ls);
	ok(ls.n == 2, "explicit newlines are kept");
	for (i = 0; i < (size_t)ls.n; i++)
		free(ls.l[i]);
	ls.n = 0;
	text_wrap("supercalifragilistic", 5, collect, &ls);
	ok(ls.n == 4 && strcmp(ls.l[0], "super") == 0,
	    "a word longer than the line is split");
	for (i = 0; i < (size_t)ls.n; i++)
		free(ls.l[i]);

	ok(text_is_rtl("مرحبا"), "Arabic is right-to-left");
	ok(!text_is_rtl("hello"), "English is not");
	ok(text_is_rtl("123 مرحبا"), "the first strong character decides");
	v = text_visual("abc", 3);
	is_str(v, "abc", "left-to-right text keeps its order");
	free(v);
	v = text_visual("אבג", strlen("אבג"));
	is_str(v, "גבא", "right-to-left text is reversed for display");
	free(v);
	{
		char e1[] = "Bring the **original** papers", e2[] = "a * b ***";
		char e3[] = "Ø§**Ù**";

		is_str(text_plain(e1), "Bring the original papers",
		    "text_plain removes the ** emphasis markers");
		is_str(text_plain(e2), "a * b *", "a single * stays");
		is_str(text_plain(e3), "Ø§Ù",
		    "markers between Arabic letters");
	}

	/* Native digits of every shipped script become ASCII. */
	v = text_ascii_digits("٢٠٢٦-١١-٢٠");
	is_str(v, "2026-11-20", "Arabic-Indic digits become ASCII");
	free(v);
	v = text_ascii_digits("۹۷۳۵۵۵۰۱۴۴");
	is_str(v, "9735550144", "Extended Arabic-Indic (Urdu) digits too");
	free(v);
	v = text_ascii_digits("২০২১ and ૧૨");
	is_str(v, "2021 and 12", "Bengali and Gujarati digits too");
	free(v);
	is_int(text_digit(0x09e7), 1, "the value of Bengali one");
	is_int(text_digit(0x0627), -1, "alef is no digit");
	v = text_native_digits("2026-11-20", 0x0660);
	is_str(v, "٢٠٢٦-١١-٢٠", "ASCII digits shown in Arabic-Indic");
	free(v);

	/* Left-to-right runs inside right-to-left text are isolated. */
	v = text_isolate_ltr("اتصل (973) 555-0101.");
	is_str(v, "اتصل \u2066(973) 555-0101\u2069.",
	    "a phone number is one isolated run, without the full stop");
	free(v);
	v = text_isolate_ltr("الرمز 7KQ2-M9XD-4TRB والتاريخ 2026-11-20");
	is_str(v, "الرمز \u20667KQ2-M9XD-4TRB\u2069 والتاريخ "
	    "\u20662026-11-20\u2069", "a code and a date are isolated");
	free(v);
	{
		const char *ph = "اتصل 555-0101";
		size_t at = strlen("اتصل 555");

		v = text_isolate_ltr_at(ph, &at);
		ok(strncmp(v + at, "-0101", 5) == 0,
		    "an offset inside a run moves past the LRI");
		free(v);
		at = strlen(ph);
		v = text_isolate_ltr_at(ph, &at);
		is_int(at, strlen(v), "the end stays the end");
		free(v);
	}
	v = text_isolate_ltr("الخيار 1. والسنة 2021");
	is_str(v, "الخيار 1. والسنة 2021", "a number alone needs no isolate");
	free(v);
	v = text_isolate_ltr("بدون أرقام");
	is_str(v, "بدون أرقام", "text without numbers is unchanged");
	free(v);
	/* The phone number keeps its order inside Arabic (the bug: it was
	   drawn as 0101-555 (973)). */
	{
		char *iso = text_isolate_ltr("اتصل (973) 555-0101");

		v = text_visual_dir(iso, strlen(iso), 1, NULL, NULL);
		ok(strstr(v, "(973) 555-0101") != NULL,
		    "isolated, the number reads in order: %s", v);
		ok(strstr(v, "\xe2\x81\xa6") == NULL,
		    "no isolate reaches the screen");
		free(v);
		free(iso);
	}
	/* The same in the resident's own digits (issue 14: the review shows
	   answers in them), in Arabic and in Urdu: Arabic-Indic digits are
	   bidi class AN, which the plain algorithm also splits at '-'. */
	{
		static const char *const ph[][2] = {
		    { "اتصل (٩٧٣) ٥٥٥-٠١٠١", "(٩٧٣) ٥٥٥-٠١٠١" },
		    { "فون (۹۷۳) ۵۵۵-۰۱۰۱", "(۹۷۳) ۵۵۵-۰۱۰۱" },
		    { "التاريخ ٢٠٢٦-١١-٢٠", "٢٠٢٦-١١-٢٠" },
		};
		char *iso;
		size_t k;

		for (k = 0; k < nitems(ph); k++) {
			iso = text_isolate_ltr(ph[k][0]);
			v = text_visual_dir(iso, strlen(iso), 1, NULL, NULL);
			ok(strstr(v, ph[k][1]) != NULL,
			    "native digits, isolated, read in order: %s", v);
			free(v);
			free(iso);
		}
	}
	{
		size_t pos = 0;
		int col = -1;

		/* Right-to-left base: the first letter is at the right. */
		v = text_visual_dir("אבג", strlen("אבג"), 1, &pos, &col);
		is_int(col, 2, "the cursor on the first letter is at the right");
		free(v);
		pos = strlen("אבג");
		v = text_visual_dir("אבג", strlen("אבג"), 1, &pos, &col);
		is_int(col, -1, "at the end it is left of the last letter");
		free(v);
		pos = 1;
		v = text_visual_dir("ab", 2, 0, &pos, &col);
		is_int(col, 1, "left-to-right: the column of the character");
		free(v);
	}
	return done_testing();
}
