/*
 * durable: files written so that a power cut leaves the old file or the
 * new one, never a torn one; and files read with a size limit.
 *
 * A durable write (as Redis does it): a temp file beside the name,
 * written, fsynced, renamed over the name, then the folder fsynced; an
 * error at any step is returned, the temp file removed, and the old file
 * (if any) left as it was; the error names the file being written, not
 * its temp file (gone by then). Reads refuse links, FIFOs and devices
 * (opened O_NOFOLLOW | O_NONBLOCK, then checked to be regular files) and
 * know a file's size before a byte is read.
 *
 * The kiosk's batches, kiosk.id, kiosk.state and the config file, and
 * the office's acks and keys, are written here; the only other writer of
 * files is the office's output transaction (office.c), which uses
 * durable_sync_dir. Never prints or exits; errors are -1 and *cause.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "durable.h"
#include "spool.h"
#include "util.h"

#define SAVE_WRITEBACK		(8u << 20)	/* see durable_open */

static int
save_fail(char **cause, const char *path, const char *what, int err)
{
	if (err == ENOSPC || err == EDQUOT)
		xasprintf(cause, "%s: %s: the disk is full", path, what);
	else
		xasprintf(cause, "%s: %s: %s", path, what, strerror(err));
	return -1;
}

/*
 * A file being written durably: a temp file in dir, written through a
 * spool, then durable_commit puts it in place (see durable.h).
 */
struct durable {
	char		*dir, *tmp, *final;
	int		 fd, replace;
	struct spool	*sp;		/* started by the first write */
	unsigned char	*head;		/* durable_set_head: bytes at 0 */
	size_t		 headlen;
};

int
durable_open(const char *dir, const char *name, int replace,
    struct durable **out, char **cause)
{
	struct durable *f;
	struct stat sb;
	int fl;

	f = xcalloc(1, sizeof *f);
	f->fd = -1;
	f->replace = replace;
	f->dir = xstrdup(dir);
	xasprintf(&f->final, "%s/%s", dir, name);
	xasprintf(&f->tmp, "%s/.%s.%ld.tmp", dir, name, (long)getpid());
	if (!replace && lstat(f->final, &sb) == 0) {
		xasprintf(cause, "%s: already exists; not replacing it",
		    f->final);
		goto fail;
	}
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (f->fd == -1) {
		save_fail(cause, f->tmp, "cannot create", errno);
		goto fail;
	}
#ifdef O_DIRECT
	/*
	 * Straight to the device where it can (a spool writes whole blocks
	 * so): no second copy of a big batch in the page cache, and fsync
	 * has little left to wait for. Where the file system refuses,
	 * through the page cache as before.
	 */
	if ((fl = fcntl(f->fd, F_GETFL)) != -1)
		(void)fcntl(f->fd, F_SETFL, fl | O_DIRECT);
#endif
	*out = f;
	return 0;
fail:
	free(f->dir);
	free(f->tmp);
	free(f->final);
	free(f);
	return -1;
}

int
durable_reserve(struct durable *f, uint64_t len, char **cause)
{
	if (f->sp != NULL || (len % DURABLE_BLOCK) != 0)
		return save_fail(cause, f->final, "cannot reserve the head",
		    EINVAL);
	if (lseek(f->fd, (off_t)len, SEEK_SET) != (off_t)len)
		return save_fail(cause, f->final, "cannot reserve the head",
		    errno);
	return 0;
}

void
durable_set_head(struct durable *f, const void *data, size_t len)
{
	free(f->head);
	f->head = xmalloc(len ? len : 1);
	memcpy(f->head, data, len);
	f->headlen = len;
}

int
durable_like(struct durable *f, const char *path, char **cause)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return save_fail(cause, path, "cannot read its owner and mode",
		    errno);
	/* Only root may give a file away; keeping one's own is fine. */
	if ((fchown(f->fd, sb.st_uid, sb.st_gid) != 0 &&
	    (errno != EPERM || sb.st_uid != geteuid())) ||
	    fchmod(f->fd, sb.st_mode & 07777) != 0)
		return save_fail(cause, f->final, "cannot set owner and mode",
		    errno);
	return 0;
}

int
durable_write(struct durable *f, const void *data, size_t len,
    char **cause)
{
	int err;

	/*
	 * Written on a second thread, which also starts writeback every
	 * SAVE_WRITEBACK bytes of what goes through the page cache. It
	 * starts where the file offset is (after a reserved head).
	 */
	if (f->sp == NULL)
		f->sp = spool_writer(f->fd, SAVE_WRITEBACK);
	if (spool_write(f->sp, data, len, &err) != 0)
		return save_fail(cause, f->final, "cannot write", err);
	return 0;
}

static void
file_free(struct durable *f)
{
	spool_close(f->sp);	/* joins the writer */
	if (f->fd != -1)
		close(f->fd);
	free(f->head);
	free(f->dir);
	free(f->tmp);
	free(f->final);
	free(f);
}

void
durable_abort(struct durable *f)
{
	if (f == NULL)
		return;
	spool_close(f->sp);
	f->sp = NULL;
	unlink(f->tmp);
	file_free(f);
}

/* The reserved head, at offset 0, once the spool has stopped. */
static int
write_head(struct durable *f, char **cause)
{
	size_t off = 0;
	ssize_t n;
	int fl;

	/* Through the page cache: it need not be whole blocks. */
	if ((fl = fcntl(f->fd, F_GETFL)) == -1 ||
	    fcntl(f->fd, F_SETFL, fl & ~O_DIRECT) == -1)
		return save_fail(cause, f->final, "cannot write", errno);
	while (off < f->headlen) {
		n = pwrite(f->fd, f->head + off, f->headlen - off,
		    (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return save_fail(cause, f->final, "cannot write",
			    n == 0 ? EIO : errno);
		off += (size_t)n;
	}
	return 0;
}

int
durable_commit(struct durable *f, char **path, char **cause)
{
	struct stat sb;
	int err, rc;

	rc = f->sp != NULL ? spool_finish(f->sp, &err) : 0; /* joins */
	f->sp = NULL;
	if (rc != 0) {
		save_fail(cause, f->final, "cannot write", err);
		goto fail;
	}
	if (f->headlen > 0 && write_head(f, cause) != 0)
		goto fail;
	/* Tests stop here to pull the folder away mid-write. */
	if (getenv("KIOSK_TEST_STOP_AFTER_WRITE") != NULL)
		raise(SIGSTOP);
	if (fsync(f->fd) != 0) {
		save_fail(cause, f->final, "cannot flush to disk", errno);
		goto fail;
	}
	err = close(f->fd);
	f->fd = -1;
	if (err != 0) {
		save_fail(cause, f->final, "cannot close", errno);
		goto fail;
	}
	if (!f->replace && lstat(f->final, &sb) == 0) {
		xasprintf(cause, "%s: already exists; not replacing it",
		    f->final);
		goto fail;
	}
	if (rename(f->tmp, f->final) != 0) {
		save_fail(cause, f->final, "cannot rename into place", errno);
		goto fail;
	}
	if (durable_sync_dir(f->dir, cause) != 0) {
		unlink(f->final);
		file_free(f);
		return -1;
	}
	if (path != NULL) {
		*path = f->final;
		f->final = NULL;
	}
	file_free(f);
	return 0;
fail:
	durable_abort(f);
	return -1;
}

int
durable_save(const char *dir, const char *name, const void *data, size_t len,
    int replace, char **path, char **cause)
{
	struct durable *f;

	if (durable_open(dir, name, replace, &f, cause) != 0)
		return -1;
	if (durable_write(f, data, len, cause) != 0) {
		durable_abort(f);
		return -1;
	}
	return durable_commit(f, path, cause);
}

int
durable_load_in(const char *path, size_t max, void *(*alloc)(size_t),
    void (*release)(void *), unsigned char **data, size_t *len, char **cause)
{
	struct stat sb;
	unsigned char *d = NULL;
	size_t off = 0, cap;
	ssize_t n;
	int fd;

	/*
	 * O_NONBLOCK: a FIFO (or device) under a file name must be
	 * refused, not waited on; O_NOFOLLOW: a link is refused too. The
	 * size is known before a byte is read.
	 */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", path, errno == ELOOP ?
		    "a symbolic link; not read" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		xasprintf(cause, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if ((uint64_t)sb.st_size > max) {
		xasprintf(cause, "%s: larger than %zu bytes (%llu); not read",
		    path, max, (unsigned long long)sb.st_size);
		close(fd);
		return -1;
	}
#ifdef POSIX_FADV_DONTNEED
	/* Ask for the bytes on the device, not the page cache. */
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
#endif
	/* One block: a file that grows while it is read is refused. */
	cap = (size_t)sb.st_size + 1;
	d = alloc(cap);
	for (;;) {
		n = read(fd, d + off, cap - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		off += (size_t)n;
		if (off == cap) {
			xasprintf(cause, "%s: grew while it was read; not "
			    "read", path);
			goto fail;
		}
	}
	close(fd);
	d[off] = '\0';
	*data = d;
	*len = off;
	return 0;
fail:
	close(fd);
	release(d);
	return -1;
}

int
durable_load(const char *path, size_t max, unsigned char **data, size_t *len,
    char **cause)
{
	return durable_load_in(path, max, xmalloc, free, data, len, cause);
}

int
durable_open_head(const char *path, uint64_t max, const char *what,
    size_t headlen, int *fdp, unsigned char **head, size_t *len, char **cause)
{
	struct stat sb;
	unsigned char *d;
	size_t n;
	ssize_t got;
	int fd;

	*fdp = -1;
	*head = NULL;
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s", errno == ELOOP ? "a symbolic link; not "
		    "read" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		xasprintf(cause, "not a regular file");
		close(fd);
		return -1;
	}
	if ((uint64_t)sb.st_size > max) {
		xasprintf(cause, "larger than %s can be (%llu bytes); not "
		    "read", what, (unsigned long long)sb.st_size);
		close(fd);
		return -1;
	}
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	n = (uint64_t)sb.st_size < headlen ? (size_t)sb.st_size : headlen;
	d = xmalloc(headlen ? headlen : 1);
	memset(d, 0, headlen);
	while (n > 0 && (got = pread(fd, d, n, 0)) != (ssize_t)n) {
		if (got == -1 && errno == EINTR)
			continue;
		xasprintf(cause, "%s", got == -1 ? strerror(errno) :
		    "the file got shorter while it was read");
		free(d);
		close(fd);
		return -1;
	}
	*fdp = fd;
	*head = d;
	*len = (size_t)sb.st_size;
	return 0;
}

/*
 * Reading a file back from the device, piece by piece (see durable.h),
 * through a spool: the next pieces are read on a second thread while the
 * caller compares.
 */
struct durable_reread {
	char			*path;
	int			 fd;
	struct spool		*sp;
	const unsigned char	*buf;
	size_t			 pos, have;	/* buf[pos, have) is left */
};

int
durable_reread_open(const char *path, uint64_t len, struct durable_reread **out,
    char **cause)
{
	struct durable_reread *r;
	struct stat sb;
	int fd, fl;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: cannot read it back: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size != len) {
		xasprintf(cause, "%s: read back differs from what was written "
		    "(size)", path);
		close(fd);
		return -1;
	}
	/*
	 * Ask for the bytes on the device, not the page cache: O_DIRECT
	 * reads them from the device into the spool's buffers. Where the
	 * file system refuses O_DIRECT, the page cache is dropped first and
	 * read through.
	 */
#ifdef POSIX_FADV_DONTNEED
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
#endif
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
#ifdef O_DIRECT
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, fl | O_DIRECT);
#endif
	r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	r->fd = fd;
	r->sp = spool_reader(fd);
	*out = r;
	return 0;
}

/* Refill buf; 0 at the end of the file. */
static ssize_t
reread_fill(struct durable_reread *r, char **cause)
{
	ssize_t n;
	int err;

	if ((n = spool_next(r->sp, &r->buf, &err)) == -1) {
		xasprintf(cause, "%s: cannot read it back: %s", r->path,
		    strerror(err));
		return -1;
	}
	r->pos = 0;
	r->have = (size_t)n;
	return n;
}

/* The next len bytes of the file, in pieces: fn(piece, n, arg) for each. */
static int
reread_each(struct durable_reread *r, size_t len,
    int (*fn)(const unsigned char *, size_t, void *), void *arg,
    char **cause)
{
	ssize_t got;
	size_t n;

	while (len > 0) {
		if (r->pos == r->have) {
			if ((got = reread_fill(r, cause)) == -1)
				return -1;
			if (got == 0) {
				xasprintf(cause, "%s: read back differs from "
				    "what was written (shorter)", r->path);
				return -1;
			}
		}
		n = r->have - r->pos;
		if (n > len)
			n = len;
		if (fn(r->buf + r->pos, n, arg) != 0) {
			xasprintf(cause, "%s: read back differs from what was "
			    "written (bad medium?)", r->path);
			return -1;
		}
		r->pos += n;
		len -= n;
	}
	return 0;
}

static int
reread_copy(const unsigned char *p, size_t n, void *arg)
{
	unsigned char **to = arg;

	memcpy(*to, p, n);
	*to += n;
	return 0;
}

static int
reread_same(const unsigned char *p, size_t n, void *arg)
{
	const unsigned char **want = arg;

	if (memcmp(*want, p, n) != 0)
		return -1;
	*want += n;
	return 0;
}

int
durable_reread_read(struct durable_reread *r, void *data, size_t len,
    char **cause)
{
	unsigned char *to = data;

	return reread_each(r, len, reread_copy, &to, cause);
}

int
durable_reread_cmp(struct durable_reread *r, const void *data, size_t len,
    char **cause)
{
	const unsigned char *want = data;

	return reread_each(r, len, reread_same, &want, cause);
}

int
durable_reread_close(struct durable_reread *r, int check, char **cause)
{
	ssize_t got = 0;
	int rc = 0;

	if (r == NULL)
		return 0;
	/* And nothing after what we wrote. */
	if (check && r->pos == r->have && (got = reread_fill(r, cause)) == -1)
		rc = -1;
	else if (check && (r->pos != r->have || got > 0)) {
		xasprintf(cause, "%s: read back differs from what was written "
		    "(longer)", r->path);
		rc = -1;
	}
	spool_close(r->sp);	/* joins the reader */
	close(r->fd);
	free(r->path);
	free(r);
	return rc;
}


int
durable_sync_dir(const char *dir, char **cause)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (fsync(fd) != 0 && errno != EINVAL)) {
		if (cause != NULL)
			save_fail(cause, dir, "cannot flush the folder", errno);
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
