/*
 * text: UTF-8 text for a cell grid. Display width (wcwidth, with -1 taken
 * as 1 like tmux), grapheme clusters (utf8proc, plus Indic virama joins so
 * a Bengali conjunct moves as one), word wrapping by columns, and the
 * visual reordering of right-to-left lines (fribidi) for terminals that do
 * not do it themselves.
 *
 * Pure functions over caller-owned strings. Returned strings are allocated
 * and may contain resident text: free them with freezero_str().
 */
#ifndef KIOSK_TEXT_H
#define KIOSK_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Decode one code point at s (len bytes); returns bytes used, 0 at end. */
size_t	 text_decode(const char *s, size_t len, uint32_t *cp);
/* Is s valid UTF-8? */
int	 text_valid(const char *s, size_t len);
/* Display columns of a code point / a string. */
int	 text_cp_width(uint32_t);
int	 text_width(const char *);
int	 text_nwidth(const char *, size_t);
/* Byte offset of the next / previous grapheme cluster boundary. */
size_t	 text_next(const char *s, size_t len, size_t pos);
size_t	 text_prev(const char *s, size_t len, size_t pos);
/* Number of bytes of s that fit in cols columns, ending on a cluster. */
size_t	 text_fit(const char *s, size_t len, int cols);
/*
 * Wrap s at word boundaries into lines of at most cols columns (a word
 * longer than a line is split between clusters). Explicit newlines are
 * kept. Calls fn for each line with a pointer into s and its length.
 */
void	 text_wrap(const char *s, int cols,
	    void (*fn)(void *, const char *, size_t), void *arg);
/* Does the text start with a strong right-to-left character? */
int	 text_is_rtl(const char *);
/* Reorder one line into visual order (fribidi), for bidi = app. */
char	*text_visual(const char *s, size_t len);
/*
 * Form emphasis: "**" around words in a label, hint or next_steps marks
 * them to be drawn bold or reversed (capitals do not exist in most of the
 * kiosk's scripts). text_plain removes the markers in place, for places
 * that draw no emphasis; returns s.
 */
#define TEXT_EMPH	"**"
char	*text_plain(char *s);
/*
 * The same with a paragraph direction: rtl 1 right-to-left, 0
 * left-to-right, -1 from the first strong character. Bidi controls
 * (isolates, marks, embeddings) are left out of the result: they did
 * their work and a terminal need not see them. If pos is not NULL, *col
 * is the visual column (from the left of the result) of the logical byte
 * offset *pos: the cell of the character there, or at the end of the
 * text the cell just past its last character in reading order.
 */
char	*text_visual_dir(const char *s, size_t len, int rtl,
	    const size_t *pos, int *col);
/*
 * Wrap each left-to-right run that must keep its order inside
 * right-to-left text (a number with its separators, such as a phone
 * number "(973) 555-0101" or a date "2026-11-20"; a code of Latin letters
 * and digits such as "7KQ2-M9XD-4TRB") in the Unicode isolates LRI ...
 * PDI, so the bidi algorithm keeps its parts in order.
 */
char	*text_isolate_ltr(const char *s);
/* The same, moving the byte offset *pos to where it is in the result. */
char	*text_isolate_ltr_at(const char *s, size_t *pos);
/* The decimal digit value of a code point in any script, or -1. */
int	 text_digit(uint32_t cp);
/* s with every decimal digit of any script made an ASCII digit. */
char	*text_ascii_digits(const char *s);
/*
 * s with ASCII digits written in the digits of the script whose zero is
 * zero (0x0660 Arabic-Indic, 0x06f0 Urdu, 0x09e6 Bengali...); a copy if
 * zero is '0'.
 */
char	*text_native_digits(const char *s, uint32_t zero);

#endif
