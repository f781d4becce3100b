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

#endif
