/*
 * util: allocation that never returns NULL, growable byte buffers, error
 * strings and the staff log.
 *
 * Allocation failure is fatal at once (fatal() restores nothing, it is only
 * reached when malloc fails); every other error is returned to the caller as
 * -1 plus an English message in *cause that the caller owns and frees.
 *
 * The log is for staff, in English, and must never receive an answer, a
 * claim code, a form id or a language: log lines describe events, not data.
 */
#ifndef KIOSK_UTIL_H
#define KIOSK_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list);
void	 fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* Zero then free a string or buffer that may have held resident data. */
void	 freezero_str(char *);
void	 freezero(void *, size_t);

/*
 * A growable byte buffer for data that is NOT secret (file contents of
 * batches, manifests, CSV lines of public names). buf_add may reallocate:
 * pointers into data are invalid afterwards.
 */
struct buf {
	unsigned char	*data;
	size_t		 len;
	size_t		 cap;
};
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_addc(struct buf *, char);
char	*buf_cstr(struct buf *);	/* NUL-terminates, returns data */
void	 buf_free(struct buf *);		/* zeroes before freeing */
/*
 * 1 if d[0, len) is the canonical text in b, or b without its final
 * newline (a file whose last line has no newline); 0 otherwise.
 */
int	 buf_same_text(const struct buf *b, const void *d, size_t len);

/* Whole-file helpers. read_file returns -1 and sets *cause on error. */
size_t	 utf8_seq_len(const unsigned char *);
int	 read_file(const char *, struct buf *, size_t max, char **cause);
int	 mkdir_p(const char *, int mode, char **cause);
int	 path_exists(const char *);

/*
 * The one JSON string writer: s as a JSON string literal (RFC 8259),
 * quotes included, handed to put(arg, bytes, len) in pieces. " and \ are
 * escaped, control characters and DEL become \u00XX, and each byte that
 * is not part of valid UTF-8 becomes U+FFFD, so the output is always
 * valid JSON. Returns how many bytes were so replaced. put may write to
 * secure memory: nothing of s is kept anywhere else.
 */
size_t	 json_quote(const char *s, void (*put)(void *, const void *, size_t),
	    void *arg);
/* json_quote into a buf. */
void	 buf_add_json(struct buf *, const char *);

/* Hex encoding (lower case). hex_decode returns -1 on bad input. */
void	 hex_encode(char *out, const unsigned char *, size_t);
int	 hex_decode(unsigned char *out, size_t outlen, const char *, size_t);

/* Little-endian integers in file formats (batch, ack, office.key). */
static inline void
le64_put(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint64_t
le64_get(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static inline void
le32_put(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static inline uint32_t
le32_get(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* Staff log: English, events only, never data. */
void	 log_open(const char *path);
void	 log_close(void);
void	 log_msg(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Today's date as YYYY-MM-DD in local time (no time of day). */
void	 today_ymd(char out[11]);
/*
 * Milliseconds on CLOCK_MONOTONIC: for timeouts and timings, never a time
 * of day (it starts at an arbitrary point and is never written anywhere).
 */
double	 now_ms(void);

#endif
