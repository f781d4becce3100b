/*
 * util: allocation, buffers, small file helpers and the staff log.
 * Never writes resident data anywhere; the log takes events only.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static FILE *log_file;

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("kiosk: fatal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p;

	if (n == 0)
		n = 1;
	if ((p = malloc(n)) == NULL)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		n = size = 1;
	if (size != 0 && n > SIZE_MAX / size)
		fatal("allocation overflow (%zu x %zu)", n, size);
	if ((p = realloc(old, n * size)) == NULL)
		fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;
	size_t len;

	len = strnlen(s, n);
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

int
xvasprintf(char **out, const char *fmt, va_list ap)
{
	int n;

	if ((n = vasprintf(out, fmt, ap)) < 0)
		fatal("out of memory (vasprintf)");
	return n;
}

int
xasprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = xvasprintf(out, fmt, ap);
	va_end(ap);
	return n;
}

void
freezero(void *p, size_t n)
{
	if (p == NULL)
		return;
	explicit_bzero(p, n);
	free(p);
}

void
freezero_str(char *s)
{
	if (s != NULL)
		freezero(s, strlen(s));
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	size_t cap;
	unsigned char *nd;

	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		/* Grow by copying so the old block can be wiped. */
		nd = xmalloc(cap);
		if (b->len)
			memcpy(nd, b->data, b->len);
		freezero(b->data, b->cap);
		b->data = nd;
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	buf_add(b, s, (size_t)n);
	freezero(s, (size_t)n);
}

char *
buf_cstr(struct buf *b)
{
	if (b->data == NULL)
		buf_add(b, "", 0);
	return (char *)b->data;
}

void
buf_free(struct buf *b)
{
	freezero(b->data, b->cap);
	b->data = NULL;
	b->len = b->cap = 0;
}

int
buf_same_text(const struct buf *b, const void *d, size_t len)
{
	if (len != b->len && !(len + 1 == b->len &&
	    b->data[b->len - 1] == '\n'))
		return 0;
	return len == 0 || memcmp(b->data, d, len) == 0;
}

int
read_file(const char *path, struct buf *b, size_t max, char **cause)
{
	unsigned char chunk[8192];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		if (b->len + (size_t)n > max) {
			xasprintf(cause, "%s: file is larger than %zu bytes",
			    path, max);
			close(fd);
			return -1;
		}
		buf_add(b, chunk, (size_t)n);
	}
	explicit_bzero(chunk, sizeof chunk);
	close(fd);
	buf_cstr(b);
	return 0;
}

int
mkdir_p(const char *path, int mode, char **cause)
{
	char *p, *s;

	s = xstrdup(path);
	for (p = s + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(s, (mode_t)mode) == -1 && errno != EEXIST) {
			xasprintf(cause, "%s: %s", s, strerror(errno));
			free(s);
			return -1;
		}
		*p = '/';
	}
	if (mkdir(s, (mode_t)mode) == -1 && errno != EEXIST) {
		xasprintf(cause, "%s: %s", s, strerror(errno));
		free(s);
		return -1;
	}
	free(s);
	return 0;
}

int
path_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

void
hex_encode(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
hex_decode(unsigned char *out, size_t outlen, const char *in, size_t inlen)
{
	size_t i;
	int hi, lo;

	if (inlen != outlen * 2)
		return -1;
	for (i = 0; i < outlen; i++) {
		if ((hi = hexval(in[2 * i])) < 0 ||
		    (lo = hexval(in[2 * i + 1])) < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

void
log_open(const char *path)
{
	int fd;

	log_close();
	if (path == NULL)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return;
	log_file = fdopen(fd, "a");
	if (log_file == NULL)
		close(fd);
}

void
log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

void
log_msg(const char *fmt, ...)
{
	va_list ap;
	FILE *f = log_file ? log_file : stderr;
	char stamp[32];
	time_t t;
	struct tm tm;

	/*
	 * The date only: a time of day next to "submission saved" could be
	 * matched with who stood at the kiosk then (the sealed record itself
	 * carries only the date, for the same reason).
	 */
	t = time(NULL);
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d", &tm);
	fprintf(f, "%s kiosk: ", stamp);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}

double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void
today_ymd(char out[11])
{
	time_t t;
	struct tm tm;
	const char *fixed;

	/* Tests pin the date so expected output is stable. */
	if ((fixed = getenv("KIOSK_TEST_DATE")) != NULL &&
	    strlen(fixed) == 10) {
		memcpy(out, fixed, 11);
		return;
	}
	t = time(NULL);
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/*
 * Length of the valid UTF-8 sequence at p (1-4), or 0 if it is not one
 * (overlong, surrogate, above U+10FFFF, cut short). p must be
 * NUL-terminated or have 4 readable bytes.
 */
size_t
utf8_seq_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[0] == 0xe0 && p[1] < 0xa0) ||
		    (p[0] == 0xed && p[1] > 0x9f))
			return 0;
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80 || (p[0] == 0xf0 && p[1] < 0x90) ||
		    (p[0] == 0xf4 && p[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

size_t
json_quote(const char *s, void (*put)(void *, const void *, size_t),
    void *arg)
{
	static const char bad[] = "\xef\xbf\xbd";	/* U+FFFD */
	const unsigned char *p;
	char esc[8];
	size_t n, fixed = 0;

	put(arg, "\"", 1);
	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		if ((n = utf8_seq_len(p)) == 0) {
			put(arg, bad, sizeof bad - 1);
			fixed++;
			n = 1;
		} else if (*p == '"' || *p == '\\') {
			put(arg, "\\", 1);
			put(arg, p, 1);
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof esc, "\\u%04x", *p);
			put(arg, esc, 6);
		} else
			put(arg, p, n);
	}
	put(arg, "\"", 1);
	return fixed;
}

static void
buf_put(void *arg, const void *d, size_t len)
{
	buf_add(arg, d, len);
}

void
buf_add_json(struct buf *b, const char *s)
{
	(void)json_quote(s, buf_put, b);
}
