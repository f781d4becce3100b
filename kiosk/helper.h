/*
 * helper: what the two helper programs, kiosk-print (printer.h) and
 * kiosk-speak (speech.h), share with the kiosk that starts them. Each
 * protocol keeps its own fields, limits and answer words; the framing and
 * the plumbing are here, once:
 *
 *   helper-wire.c  the request on the wire and the word of an answer line
 *                  (pure: no I/O, no state, fuzzed through
 *                  tests/fuzz/fuzz_printer_request.c and
 *                  fuzz_speech_request.c);
 *   helper-proc.c  the kiosk's side: find a helper, start it on two
 *                  pipes, cut its answers into lines; and the helper's
 *                  side: harden itself, write an answer line.
 *
 * A request, one field per entry, each name at most once:
 *
 *     NAME SP LEN LF  <LEN bytes, no NUL>  LF        (LEN <= field_max)
 *     ...
 *     "end" LF                                       (whole <= req_max)
 *
 * An answer: lines "WORD[ SP value]" LF, control characters replaced by
 * spaces by the helper and refused by the kiosk.
 *
 * Links no library but libc, so both helpers and the kiosk may link it
 * without one library reaching a second program. What it must never do:
 * put a field's value in an error message, log, or keep a request.
 */
#ifndef KIOSK_HELPER_H
#define KIOSK_HELPER_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>

struct buf;

/* One protocol's request: its field names and limits. */
struct helper_proto {
	const char *const	*names;		/* wire names, nfields of them */
	size_t			 nfields;
	size_t			 field_max;
	size_t			 req_max;
	const char		*what;		/* "ticket", "speech": errors */
};

/* ---- the wire (helper-wire.c; pure) ---- */

/*
 * Append the fields f[0, nfields) that are not NULL, in order, then
 * "end", to b. -1 with *cause (which names the field, never its value)
 * if a field or the whole is too long; b is then wiped and freed.
 */
int	 helper_request_format(const struct helper_proto *,
	    const char *const *f, struct buf *b, char **cause);
/*
 * Parse the request in buf[*off, len), which may still be arriving. Each
 * complete field is NUL-terminated in place, f[i] points into buf, and
 * *off moves past it. Returns 1 once "end" LF is taken (*off just past
 * it: anything after is not the request), 0 if more bytes are needed
 * (call again with the same buf, *off and f once they are there), or -1
 * with *cause: the request is refused whole. f starts all NULL. Never
 * reads buf at or past len.
 */
int	 helper_request_parse(const struct helper_proto *, char *buf,
	    size_t len, size_t *off, const char **f, char **cause);
/*
 * The word of an answer line of len bytes (LF taken off): its index in
 * words[0, nwords), with *value and *valuelen what follows the space (not
 * terminated; empty if none). -1 if the word is not one of words or the
 * value has a control character. Nothing past len is read.
 */
int	 helper_answer_word(const char *line, size_t len,
	    const char *const *words, size_t nwords, const char **value,
	    size_t *valuelen);

/* ---- the kiosk's side (helper-proc.c) ---- */

/*
 * The helper program name: beside this binary, else in BINDIR; or, with
 * KIOSK_TEST=1 and test_var (if not NULL) set in the environment, the
 * fake helper it names (SECURITY.md). Allocated.
 */
char	*helper_path(const char *name, const char *test_var);

/* A started helper: its pid and its stdin and stdout, non-blocking. */
struct helper_child {
	pid_t	 pid;
	int	 to;
	int	 from;
};
/*
 * Start path with no arguments, an environment of only the variables in
 * env[0, nenv) that are set, its stdin and stdout on pipes, its stderr on
 * /dev/null if quiet, and no other descriptor. SIGPIPE is ignored from
 * then on (a helper that dies must not kill the kiosk). -1 with *cause.
 */
#define HELPER_MAX_ENV	16	/* variables a helper may keep */
int	 helper_spawn(const char *path, const char *const *env, size_t nenv,
	    int quiet, struct helper_child *, char **cause);

/* An answer line being assembled from what the helper wrote. */
struct helper_line {
	char	*line;		/* size bytes, the caller's */
	size_t	 size;
	size_t	 len;
};
/*
 * Add chunk[0, n) to the line; call fn(arg, line, len) for each complete
 * line (NUL-terminated, LF taken off). Returns 0, -1 if a line is longer
 * than size - 1 bytes, or -2 as soon as fn returns non-zero.
 */
int	 helper_line_add(struct helper_line *, const char *chunk, size_t n,
	    int (*fn)(void *, const char *, size_t), void *arg);
/* What helper_read found. */
enum helper_read {
	HELPER_READ_BAD = -3,	/* fn refused a line */
	HELPER_READ_LONG = -2,	/* a line is too long */
	HELPER_READ_EOF = -1,	/* the helper closed its stdout, or an error */
	HELPER_READ_NONE = 0,	/* nothing within ms (or EINTR) */
	HELPER_READ_SOME = 1	/* read, and every complete line taken */
};
/*
 * Wait at most ms for the helper's stdout fd, read what is there and hand
 * it to helper_line_add. Never blocks longer than ms.
 */
enum helper_read helper_read(int fd, int ms, struct helper_line *,
	    int (*fn)(void *, const char *, size_t), void *arg);

/* ---- the helper's side (helper-proc.c) ---- */

/*
 * Harden a helper program: no core dumps (unless KIOSK_ALLOW_DUMP), die
 * with the kiosk (SIGTERM), no signal blocked, SIGPIPE and terminal
 * signals ignored, SIGTERM and SIGHUP to on_stop. Answer lines are cut to
 * linemax - 1 bytes with their LF.
 */
void	 helper_setup(size_t linemax, void (*on_stop)(int));
/*
 * Write the answer line "key value" LF (value from fmt; just "key" if
 * fmt is NULL or gives ""), cut to fit at a UTF-8 boundary, control
 * characters made spaces. Nothing once the kiosk is gone.
 */
void	 helper_say(const char *key, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 helper_vsay(const char *key, const char *fmt, va_list);
/* Has a write to the kiosk failed (it is gone: EPIPE)? */
int	 helper_parent_gone(void);

#endif
