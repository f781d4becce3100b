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
	return done_testing();
}
