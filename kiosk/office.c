/*
 * office: verify, open and record batches at the office (see office.h).
 *
 * For one batch, in this order (each step has its own error class):
 *
 *   load -> header (truncated / not a batch) -> enrolment (not enrolled)
 *   -> signature -> manifest (canonical, hashes) -> ledger (replay, fork)
 *   -> key ids (wrong office key) -> for each record: open, parse, seq,
 *   chain link -> plan output -> open every output file, journal their
 *   sizes -> append CSV + JSONL, fsync -> BEGIN; ledger rows; retire the
 *   journal; COMMIT (or, on any failure, truncate every file back)
 *
 * Plaintext exists only in secure memory until the whole batch passed;
 * then it goes to the output files (0600) and nowhere else. The output
 * of a batch is all or nothing, also across a crash (see "The output of
 * one batch" below). Must never print, exit, or write plaintext anywhere
 * but the output files in DIR.
 */
#include <sys/file.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "form.h"
#include "office.h"
#include "output.h"
#include "par.h"
#include "record.h"
#include "store.h"
#include "util.h"
#include "vault.h"

struct touched {
	unsigned char	pk[32];
	char		name[BATCH_NAME_MAX + 1];
	uint64_t	batch;
};

struct office {
	char			*outdir;
	char			*absdir;	/* outdir, absolute: journal key */
	int			 lockfd;	/* flock on outdir */
	struct store		*ledger;
	int			 tofu;
	int			 resync;	/* office_set_resync */
	int			 behind;	/* a ledger behind a kiosk seen */
	struct vault_office_key	**keys;
	size_t			 nkeys;
	struct output		*out;		/* the files for people */
	struct touched		*touched;
	size_t			 ntouched;
	struct buf		 notes;
};

const char *
office_error_name(int why)
{
	switch (why) {
	case OFFICE_E_NOT_ENROLLED:	return "not enrolled";
	case OFFICE_E_WRONG_KEY:	return "wrong office key";
	case OFFICE_E_CHAIN:		return "chain";
	case OFFICE_E_RECORD:		return "record";
	case OFFICE_E_FORK:		return "fork";
	case OFFICE_E_OUTPUT:		return "output";
	case OFFICE_E_LEDGER:		return "ledger";
	case OFFICE_E_REVOKED:		return "revoked";
	}
	return batch_error_name(why);
}

static int
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		if ((n = utf8_seq_len(p)) == 0)
			return 0;
		p += n;
	}
	return 1;
}

/*
 * A real calendar date, YYYY-MM-DD, from 1970 (a kiosk whose clock was
 * never set still sends a real date) to 9999.
 */
static int
date_valid(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d, i, leap;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1970 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* forms check refuses what the office would refuse (form.h). */
_Static_assert(OFFICE_FORM_ID_MAX == FORM_ID_MAX, "form id limits differ");

/* A header field: not empty, at most max bytes, UTF-8, no controls. */
static int
field_ok(const char *s, size_t max)
{
	const unsigned char *p;

	if (*s == '\0' || strlen(s) > max || !utf8_valid(s))
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/*
 * Check what a record says of itself before it reaches output; a record
 * an honest kiosk could not have made rejects the batch (a hostile or
 * broken kiosk). Answers are not refused: a bad byte in one becomes
 * U+FFFD, with a warning.
 */
static int
record_check(const struct record_head *h, char **why)
{
	if (!date_valid(h->date)) {
		xasprintf(why, "its date is not a real calendar date");
		return -1;
	}
	if (!field_ok(h->form_id, OFFICE_FORM_ID_MAX)) {
		xasprintf(why, "its form id is empty, longer than %d bytes, "
		    "not UTF-8 or holds control characters",
		    OFFICE_FORM_ID_MAX);
		return -1;
	}
	if (!field_ok(h->form_version, FORM_VERSION_MAX) || !field_ok(h->lang, 35) ||
	    (*h->claim != '\0' && !field_ok(h->claim, 64))) {
		xasprintf(why, "its form version, language or claim code is "
		    "empty, too long, not UTF-8 or holds control characters");
		return -1;
	}
	return 0;
}

/*
 * The output of one batch, all or nothing (see office.h).
 *
 * Every file a batch writes is first opened (O_NOFOLLOW, O_NONBLOCK: a
 * symbolic link, FIFO or device at an output name is refused before
 * anything is written) and its size noted; the sizes go to the ledger's
 * pending_output journal in a transaction of their own. Then rows are
 * appended at those sizes (or a whole new file is written to a temp file
 * beside its name, for outputs that cannot be appended to) and fsynced.
 * The transaction that records the batch in the ledger also retires the
 * journal rows; replacements are renamed after it. So:
 *   - any failure before that commit truncates every file back to its
 *     noted size, removes the files this batch made and its temp files:
 *     a rejected batch leaves nothing, and a retry starts from the same
 *     bytes (no duplicate, no torn row);
 *   - a crash before that commit is undone the same way by the next
 *     office_open on the same folder (it reads the journal); a crash
 *     after it finishes the renames.
 * Concurrent opens of one folder are kept apart by a flock on it.
 */
struct ofile {
	char		*name;		/* file name in outdir */
	char		*path;
	char		*tmp;		/* replace: temp file; NULL: append */
	int		 fd;
	int64_t		 size0;		/* size before; -1: made now */
	uint64_t	 off;		/* where the next byte goes */
	int		 journaled;	/* its size is in the journal */
};

struct otx {
	struct ofile	*f;
	size_t		 n;
	int		 journaled;
};

/* Is name fit for a file name in outdir? */
static int
out_name_ok(const char *name, char **cause)
{
	if (*name == '\0' || *name == '.' || strchr(name, '/') != NULL ||
	    strlen(name) > OFFICE_NAME_MAX) {
		xasprintf(cause, "\"%.40s%s\" cannot be an output file name",
		    name, strlen(name) > 40 ? "..." : "");
		return -1;
	}
	return 0;
}

/* Refuse anything but a regular file; fd is open. */
static int
out_regular(int fd, const char *path, struct stat *sb, char **cause)
{
	if (fstat(fd, sb) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb->st_mode)) {
		xasprintf(cause, "%s: not a regular file; move it away",
		    path);
		return -1;
	}
	return 0;
}

static int
out_open_err(const char *path, char **cause)
{
	if (errno == ELOOP || errno == EMLINK)
		xasprintf(cause, "%s: a symbolic link; output is never "
		    "written through one (move it away)", path);
	else
		xasprintf(cause, "%s: %s", path, strerror(errno));
	return -1;
}

/*
 * Add an output file to the batch's transaction: appended (replace 0)
 * or written whole and renamed over name at commit (replace 1); call
 * otx_journal before writing to it. *of stays valid until the next
 * otx_add. Adding a name again gives the same file.
 */
static int
otx_add(struct office *o, struct otx *x, const char *name, int replace,
    struct ofile **of, char **cause)
{
	struct ofile *f;
	struct stat sb;
	size_t i;
	int fd;

	for (i = 0; i < x->n; i++) {
		if (strcmp(x->f[i].name, name) == 0) {
			*of = &x->f[i];
			return 0;
		}
	}
	if (out_name_ok(name, cause) != 0)
		return -1;
	x->f = xreallocarray(x->f, x->n + 1, sizeof *x->f);
	f = &x->f[x->n];
	memset(f, 0, sizeof *f);
	f->fd = -1;
	f->name = xstrdup(name);
	xasprintf(&f->path, "%s/%s", o->absdir, name);
	if (replace) {
		/* The name may exist (it is replaced), but not as a link. */
		fd = open(f->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC);
		if (fd == -1 && errno != ENOENT)
			goto fail_errno;
		if (fd != -1) {
			i = out_regular(fd, f->path, &sb, cause);
			close(fd);
			if (i != 0)
				goto fail;
		}
		xasprintf(&f->tmp, "%s/.%s.part", o->absdir, name);
		unlink(f->tmp);		/* a stale one of ours */
		fd = open(f->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd == -1) {
			out_open_err(f->tmp, cause);
			goto fail;
		}
		f->size0 = -1;
	} else {
		fd = open(f->path, O_RDWR | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC);
		if (fd == -1 && errno == ENOENT) {
			fd = open(f->path, O_RDWR | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0600);
			f->size0 = -1;
		}
		if (fd == -1)
			goto fail_errno;
		if (out_regular(fd, f->path, &sb, cause) != 0) {
			close(fd);
			goto fail;
		}
		if (f->size0 == 0)
			f->size0 = (int64_t)sb.st_size;
		f->off = (uint64_t)sb.st_size;
		if ((sb.st_mode & 077) != 0)
			buf_addf(&o->notes, "WARNING: %s can be read by "
			    "other users (chmod 600 it).\n", f->path);
	}
	f->fd = fd;
	x->n++;
	*of = f;
	return 0;
fail_errno:
	out_open_err(f->path, cause);
fail:
	free(f->name);
	free(f->path);
	free(f->tmp);
	return -1;
}

/*
 * Note the size of every file added since the last call in the journal
 * (before the first write to it). Files can be added as a batch goes.
 */
static int
otx_journal(struct office *o, struct otx *x, char **cause)
{
	size_t i, n = 0;

	for (i = 0; i < x->n; i++)
		n += !x->f[i].journaled;
	if (n == 0)
		return 0;
	if (store_begin(o->ledger, cause) != 0)
		return -1;
	for (i = 0; i < x->n; i++) {
		if (!x->f[i].journaled && store_ledger_pending_add(o->ledger,
		    o->absdir, x->f[i].path, x->f[i].size0, x->f[i].tmp,
		    cause) != 0) {
			store_rollback(o->ledger);
			return -1;
		}
	}
	if (store_commit(o->ledger, cause) != 0)
		return -1;
	for (i = 0; i < x->n; i++)
		x->f[i].journaled = 1;
	x->journaled = 1;
	return 0;
}

static int
otx_write(struct ofile *f, const void *d, size_t len, char **cause)
{
	const unsigned char *p = d;
	ssize_t n;

	while (len > 0) {
		n = pwrite(f->fd, p, len, (off_t)f->off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || n == 0) {
			xasprintf(cause, "%s: %s", f->tmp ? f->tmp : f->path,
			    n == 0 ? "cannot write" : strerror(errno));
			return -1;
		}
		p += n;
		len -= (size_t)n;
		f->off += (uint64_t)n;
	}
	return 0;
}

/* fsync every file, before the ledger commit. */
static int
otx_sync(struct otx *x, char **cause)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		if (fsync(x->f[i].fd) != 0) {
			xasprintf(cause, "%s: %s", x->f[i].tmp ? x->f[i].tmp :
			    x->f[i].path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void
sync_dir(const char *dir)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
}

/* Undo one file: back to its size before, or gone if made now. */
static int
undo_one(const char *path, int64_t size, const char *tmp)
{
	int fd, rc = 0;

	if (tmp != NULL) {
		if (unlink(tmp) != 0 && errno != ENOENT)
			rc = -1;
		return rc;
	}
	if (size < 0) {
		if (unlink(path) != 0 && errno != ENOENT)
			rc = -1;
		return rc;
	}
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	if (ftruncate(fd, (off_t)size) != 0 || fsync(fd) != 0)
		rc = -1;
	close(fd);
	return rc;
}

/* Give up: every file back as it was, then the journal rows go. */
static void
otx_abort(struct office *o, struct otx *x)
{
	size_t i;
	char *m = NULL;

	if (x->n == 0 && !x->journaled)
		return;
	for (i = 0; i < x->n; i++) {
		if (x->f[i].fd != -1) {
			close(x->f[i].fd);
			x->f[i].fd = -1;
		}
		if (undo_one(x->f[i].path, x->f[i].size0, x->f[i].tmp) != 0)
			buf_addf(&o->notes, "WARNING: could not undo the "
			    "output in %s (%s); the next kiosk open of this "
			    "folder tries again.\n", x->f[i].path,
			    strerror(errno));
	}
	sync_dir(o->absdir);
	if (x->journaled && store_ledger_pending_clear(o->ledger, o->absdir,
	    &m) != 0) {
		buf_addf(&o->notes, "WARNING: %s\n", m);
		free(m);
	}
	x->journaled = 0;
}

/*
 * After the ledger commit: rename replacements into place, then retire
 * the journal. A failure here is finished by the next office_open.
 */
static void
otx_finish(struct office *o, struct otx *x)
{
	size_t i;
	char *m = NULL;
	int redo = 0;

	for (i = 0; i < x->n; i++) {
		close(x->f[i].fd);
		x->f[i].fd = -1;
		if (x->f[i].tmp != NULL) {
			redo = 1;
			if (rename(x->f[i].tmp, x->f[i].path) != 0)
				buf_addf(&o->notes, "WARNING: %s: %s\n",
				    x->f[i].path, strerror(errno));
		}
	}
	if (redo) {
		sync_dir(o->absdir);
		if (store_ledger_pending_clear(o->ledger, o->absdir, &m) != 0) {
			buf_addf(&o->notes, "WARNING: %s\n", m);
			free(m);
		}
	}
	x->journaled = 0;
}

static void
otx_free(struct otx *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		if (x->f[i].fd != -1)
			close(x->f[i].fd);
		free(x->f[i].name);
		free(x->f[i].path);
		free(x->f[i].tmp);
	}
	free(x->f);
	memset(x, 0, sizeof *x);
}

/* office_open: finish or undo what a crashed open left in this folder. */
static int
recover_one(const struct store_pending *p, void *arg)
{
	struct office *o = arg;

	if (p->redo) {
		if (p->tmp != NULL && rename(p->tmp, p->path) != 0 &&
		    errno != ENOENT)
			return -1;
		buf_addf(&o->notes, "NOTE: finished writing %s, left by an "
		    "earlier kiosk open that was interrupted.\n", p->path);
		return 0;
	}
	if (undo_one(p->path, p->size, p->tmp) != 0)
		return -1;
	buf_addf(&o->notes, "NOTE: removed the unfinished output of an "
	    "earlier kiosk open from %s (its batch was not recorded; open "
	    "it again).\n", p->path);
	return 0;
}

static int
office_recover(struct office *o, char **cause)
{
	int r;

	r = store_ledger_pending_each(o->ledger, o->absdir, recover_one, o,
	    cause);
	if (r > 0 || (r < 0 && *cause == NULL)) {
		xasprintf(cause, "%s: cannot undo the output of an earlier, "
		    "interrupted open: %s", o->absdir, strerror(errno));
		return -1;
	}
	if (r != 0)
		return -1;
	sync_dir(o->absdir);
	return store_ledger_pending_clear(o->ledger, o->absdir, cause);
}

/*
 * Is dir on a removable drive (a USB stick, an SD card)? From sysfs: the
 * block device of its file system, or the disk that partition is on,
 * says removable, or sits on a USB bus. Unknown counts as not.
 */
static int
on_removable(const char *dir, char *dev, size_t devlen)
{
	const char *sys = "/sys";
	char path[512], *real, buf[8];
	struct stat sb;
	FILE *f;
	int r = 0, up;

	if (getenv("KIOSK_TEST") != NULL && strcmp(getenv("KIOSK_TEST"),
	    "1") == 0 && getenv("KIOSK_TEST_SYSFS") != NULL)
		sys = getenv("KIOSK_TEST_SYSFS");	/* tests only */
	if (stat(dir, &sb) != 0)
		return 0;
	snprintf(path, sizeof path, "%s/dev/block/%u:%u", sys,
	    major(sb.st_dev), minor(sb.st_dev));
	if ((real = realpath(path, NULL)) == NULL)
		return 0;
	snprintf(dev, devlen, "%s", strrchr(real, '/') + 1);
	if (strstr(real, "/usb") != NULL)
		r = 1;
	for (up = 0; up < 2 && !r; up++) {	/* the device, then its disk */
		snprintf(path, sizeof path, "%s%s/removable", real,
		    up ? "/.." : "");
		if ((f = fopen(path, "re")) != NULL) {
			if (fgets(buf, sizeof buf, f) != NULL && buf[0] == '1')
				r = 1;
			fclose(f);
		}
	}
	free(real);
	return r;
}

struct office *
office_open(const char *outdir, const char *ledger, int tofu, char **cause)
{
	char dev[64];

	struct office *o;
	char *lpath = NULL;

	if (mkdir_p(outdir, 0700, cause) != 0)
		return NULL;
	o = xcalloc(1, sizeof *o);
	o->outdir = xstrdup(outdir);
	o->out = output_new(outdir, 0);
	o->lockfd = -1;
	o->tofu = tofu;
	if ((o->absdir = realpath(outdir, NULL)) == NULL) {
		xasprintf(cause, "%s: %s", outdir, strerror(errno));
		office_close(o);
		return NULL;
	}
	if ((o->lockfd = open(o->absdir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || flock(o->lockfd, LOCK_EX | LOCK_NB) != 0) {
		xasprintf(cause, "%s: %s", outdir, errno == EWOULDBLOCK ?
		    "another kiosk open is writing here; wait for it" :
		    strerror(errno));
		office_close(o);
		return NULL;
	}
	if (ledger == NULL)
		xasprintf(&lpath, "%s/ledger.db", outdir);
	else
		lpath = xstrdup(ledger);
	if ((o->ledger = store_open(lpath, STORE_LEDGER, cause)) == NULL) {
		free(lpath);
		office_close(o);
		return NULL;
	}
	free(lpath);
	if (on_removable(o->absdir, dev, sizeof dev))
		buf_addf(&o->notes, "WARNING: %s is on a removable drive "
		    "(%s). Opened submissions are plaintext: keep them on the "
		    "office machine's encrypted disk, not on a stick, unless "
		    "the stick itself is encrypted (LUKS).\n", outdir, dev);
	if (office_recover(o, cause) != 0) {
		office_close(o);
		return NULL;
	}
	return o;
}

void
office_close(struct office *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nkeys; i++)
		vault_office_free(o->keys[i]);
	free(o->keys);
	free(o->touched);
	output_free(o->out);
	store_close(o->ledger);
	buf_free(&o->notes);
	if (o->lockfd != -1)
		close(o->lockfd);
	free(o->absdir);
	free(o->outdir);
	free(o);
}

void
office_add_key(struct office *o, struct vault_office_key *k)
{
	o->keys = xreallocarray(o->keys, o->nkeys + 1, sizeof *o->keys);
	o->keys[o->nkeys++] = k;
}

/*
 * The floor for the ack counter after a resync: microseconds since 1970,
 * past any counter a lost ledger wrote (one per ack), and past an
 * earlier resync's even within the same second.
 */
static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void
office_set_resync(struct office *o, int on)
{
	o->resync = on;
}

int
office_ledger_behind(struct office *o)
{
	return o->behind;
}

void
office_add_form(struct office *o, struct form *f)
{
	output_add_form(o->out, f);
}

void
office_output_flags(struct office *o, int flags)
{
	output_set_flags(o->out, flags);
}

int
office_xlsx(struct office *o, const char *lang, char **path, char **cause)
{
	char day[11], *p = NULL;
	int n;

	*path = NULL;
	if (output_run_rows(o->out) == 0)
		return 0;
	today_ymd(day);
	for (n = 1;; n++) {
		free(p);
		if (n == 1)
			xasprintf(&p, "%s/opened-%s.xlsx", o->outdir, day);
		else
			xasprintf(&p, "%s/opened-%s-%d.xlsx", o->outdir, day, n);
		if (!path_exists(p))
			break;
	}
	if (output_xlsx(o->out, p, lang, cause) != 0) {
		free(p);
		return -1;
	}
	*path = p;
	return 0;
}

struct buf *
office_notes(struct office *o)
{
	return &o->notes;
}

static struct vault_office_key *
find_key(struct office *o, const unsigned char kid[8])
{
	size_t i;

	for (i = 0; i < o->nkeys; i++) {
		if (memcmp(vault_office_public(o->keys[i])->key_id, kid,
		    8) == 0)
			return o->keys[i];
	}
	return NULL;
}

static void
touch(struct office *o, const unsigned char pk[32], const char *name,
    uint64_t batch)
{
	size_t i;

	for (i = 0; i < o->ntouched; i++) {
		if (memcmp(o->touched[i].pk, pk, 32) == 0) {
			if (batch > o->touched[i].batch)
				o->touched[i].batch = batch;
			return;
		}
	}
	o->touched = xreallocarray(o->touched, o->ntouched + 1,
	    sizeof *o->touched);
	memcpy(o->touched[o->ntouched].pk, pk, 32);
	snprintf(o->touched[o->ntouched].name, BATCH_NAME_MAX + 1, "%s", name);
	o->touched[o->ntouched].batch = batch;
	o->ntouched++;
}

static int
fail(int *why, int cls, char **cause, const char *path, const char *fmt,
    ...) __attribute__((format(printf, 5, 6)));
static int
fail(int *why, int cls, char **cause, const char *path, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	xvasprintf(&m, fmt, ap);
	va_end(ap);
	*why = cls;
	xasprintf(cause, "%s: rejected (%s): %s", path, office_error_name(cls),
	    m);
	free(m);
	return -1;
}

/*
 * Opening sealed records is most of the work of a batch, and each is
 * independent: a window of them is opened on every core (par_for) into
 * slots of one secure block, then checked in order as before. The
 * block is made, reused and wiped by this thread alone.
 */
#define OPEN_WINDOW_BYTES	(1u << 20)
/* A target's rows go to its files once this much is waiting. */
#define OUT_FLUSH_BYTES		(256u << 10)

struct open_window {
	struct office		*o;
	struct batch		*b;
	size_t			 first;		/* record of slot 0 */
	size_t			 cap;		/* bytes per slot */
	unsigned char		*pt;		/* nslot * cap, secure */
	size_t			*ptlen;
	char			**err;		/* per slot: why it did not open */
	unsigned char		*bad;		/* per slot: bytes not matching
						   the signed hash */
	unsigned char		*ct;		/* the window's sealed bytes */
	size_t			 ctcap;
};

static void
open_one(void *arg, size_t k)
{
	struct open_window *w = arg;
	const struct batch_entry *e = &w->b->ent[w->first + k];
	unsigned char h[32];

	w->err[k] = NULL;
	w->ptlen[k] = 0;
	vault_hash(h, sizeof h, e->data, e->len);
	w->bad[k] = memcmp(h, e->hash, 32) != 0;
	if (w->bad[k])		/* would not open: reported lost instead */
		return;
	if (vault_seal_open_into(find_key(w->o, e->key_id), e->data, e->len,
	    w->pt + k * w->cap, w->cap, &w->ptlen[k], &w->err[k]) != 0 &&
	    w->err[k] == NULL)
		w->err[k] = xstrdup("does not open");
}

/* Read n bytes at off, all of them, or fail (the file got shorter). */
static int
read_at(int fd, void *p, size_t n, uint64_t off, char **cause)
{
	unsigned char *d = p;
	ssize_t got;

	while (n > 0) {
		got = pread(fd, d, n, (off_t)off);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0) {
			xasprintf(cause, "%s", got == 0 ? "the file got "
			    "shorter while it was read" : strerror(errno));
			return -1;
		}
		d += got;
		n -= (size_t)got;
		off += (uint64_t)got;
	}
	return 0;
}

/*
 * The window's sealed records, records first .. first+n-1 (contiguous in
 * the file), into w->ct; each entry's data points there until the next
 * window.
 */
static int
read_window(int fd, struct open_window *w, size_t n, char **cause)
{
	struct batch_entry *e = &w->b->ent[w->first];
	uint64_t from = e[0].off, to = e[n - 1].off + e[n - 1].len;
	size_t i;

	if (to - from > w->ctcap) {
		free(w->ct);
		w->ctcap = (size_t)(to - from);
		w->ct = xmalloc(w->ctcap);
	}
	if (read_at(fd, w->ct, (size_t)(to - from), from, cause) != 0)
		return -1;
	for (i = 0; i < n; i++)
		e[i].data = w->ct + (e[i].off - from);
	return 0;
}

/*
 * Send the output's waiting bytes to its files (each opened and
 * journaled the first time; a new file's header is in its first bytes),
 * for every file with at least min bytes waiting.
 */
static int
flush_output(struct office *o, struct otx *x, size_t min, char **cause)
{
	const unsigned char *d;
	const char *name;
	struct ofile *f;
	size_t i, len;

	for (i = 0; i < output_nfiles(o->out); i++) {
		output_file(o->out, i, &name, &d, &len);
		if (len == 0 || len < min)
			continue;
		if (otx_add(o, x, name, 0, &f, cause) != 0 ||
		    otx_journal(o, x, cause) != 0 ||
		    otx_add(o, x, name, 0, &f, cause) != 0 ||
		    otx_write(f, d, len, cause) != 0)
			return -1;
		output_flushed(o->out, i);
	}
	return 0;
}

int
office_batch(struct office *o, const char *path, int *replay, long *added,
    int *why, char **cause)
{
	struct batch b;
	size_t i, j;
	unsigned char *d = NULL, *pt, pk[32], h[32], prev[32];
	size_t len, ptlen, k, nslot = 0, wn = 0;
	struct open_window w;
	struct record *r = NULL;
	struct record_head rh;
	char *name = NULL, *m = NULL;
	char fpr[VAULT_FPR_LEN];
	uint64_t *newseq = NULL, *lostv = NULL;
	size_t nnew = 0, nlost = 0;
	int64_t through = -1;
	char *on = NULL;
	int found, seen, enrolled, rc = -1, intx = 0, again = 0, fd = -1;
	uint64_t mlen;
	struct otx x;

	memset(&b, 0, sizeof b);
	memset(&w, 0, sizeof w);
	memset(&x, 0, sizeof x);
	*replay = 0;
	*added = 0;
	*why = 0;
	/*
	 * Only the header and manifest are read into memory; the sealed
	 * records are read a window at a time below (a batch can be 4 GiB).
	 */
	if (batch_open_head(path, &fd, &d, &len, &m) != 0) {
		fail(why, BATCH_E_IO, cause, path, "%s", m);
		goto out;
	}
	if (batch_check_header(d, len, pk, why, &m) != 0) {
		fail(why, *why, cause, path, "%s", m);
		goto out;
	}
	/*
	 * Every record is at least a sealed minimum bucket: a manifest
	 * claiming more records than the file could hold is refused before
	 * it is read (it could otherwise be most of a 4 GiB file).
	 */
	mlen = batch_manifest_len(d);
	if ((mlen - BATCH_HDR_LEN) / BATCH_ENT_LEN * (BATCH_ENT_LEN +
	    VAULT_BUCKET_MIN + VAULT_SEAL_OVERHEAD) > len - BATCH_HDR_LEN) {
		fail(why, BATCH_E_TRUNCATED, cause, path, "truncated: the "
		    "manifest lists more records than the file can hold");
		goto out;
	}
	d = xreallocarray(d, (size_t)mlen, 1);
	if (read_at(fd, d + BATCH_HDR_LEN, (size_t)mlen - BATCH_HDR_LEN,
	    BATCH_HDR_LEN, &m) != 0) {
		fail(why, BATCH_E_IO, cause, path, "%s", m);
		goto out;
	}
	vault_fingerprint(fpr, pk, NULL);
	if (store_ledger_kiosk(o->ledger, pk, &enrolled, &name, &m) != 0) {
		fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
		goto out;
	}
	if (!enrolled && !o->tofu) {
		fail(why, OFFICE_E_NOT_ENROLLED, cause, path, "signed by a "
		    "kiosk that is not enrolled (fingerprint %s); enrol it "
		    "with kiosk enroll", fpr);
		goto out;
	}
	if (batch_verify(d, len, why, &m) != 0 ||
	    batch_parse_flags(d, len, &b, BATCH_KEEP_DAMAGED | BATCH_NO_DATA,
	    why, &m) != 0) {
		fail(why, *why, cause, path, "%s", m);
		goto out;
	}
	if (enrolled && strcmp(name, b.name) != 0) {
		fail(why, BATCH_E_MANIFEST, cause, path, "the batch says kiosk "
		    "\"%s\" but that key is enrolled as \"%s\"", b.name, name);
		goto out;
	}
	if (enrolled) {
		if (store_ledger_revoked(o->ledger, pk, &through, &on,
		    &m) != 0) {
			fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
			goto out;
		}
		if (through >= 0 && b.number > (uint64_t)through) {
			fail(why, OFFICE_E_REVOKED, cause, path, "kiosk \"%s\" "
			    "(fingerprint %s) was revoked on %s; only its "
			    "batches up to %lld are accepted, and this is "
			    "batch %llu", name, fpr, on ? on : "an unknown day",
			    (long long)through, (unsigned long long)b.number);
			goto out;
		}
		if (through >= 0)
			buf_addf(&o->notes, "NOTE: batch %llu is from kiosk "
			    "\"%s\", revoked on %s; accepted because it is "
			    "not after batch %lld.\n",
			    (unsigned long long)b.number, name,
			    on ? on : "an unknown day", (long long)through);
	}
	if (!enrolled) {
		if (store_ledger_kiosk_by_name(o->ledger, b.name, &found, h,
		    &m) != 0) {
			fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
			goto out;
		}
		if (found) {
			fail(why, OFFICE_E_NOT_ENROLLED, cause, path, "another "
			    "kiosk key is already enrolled under the name "
			    "\"%s\"; this one (fingerprint %s) is not", b.name,
			    fpr);
			goto out;
		}
	}

	/*
	 * The kiosk says (signed) that the office acknowledged 1..acked_
	 * through: the kiosk accepts only acks signed by the office. If this
	 * ledger does not know that, it was lost or restored from a backup:
	 * say so, and with --resync take those numbers as received before.
	 */
	if (b.acked_through > 0) {
		if (store_ledger_seen(o->ledger, pk, b.acked_through, &found, h,
		    &m) != 0) {
			fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
			goto out;
		}
		if (!found && !o->resync) {
			o->behind = 1;
			buf_addf(&o->notes, "NOTE: kiosk \"%s\" holds an "
			    "acknowledgement from this office for its "
			    "submissions 1-%llu, but this ledger has no record "
			    "of %llu: the ledger was lost or restored from a "
			    "backup. If so, open again with --resync (see "
			    "README, \"A lost or restored ledger\").\n",
			    b.name, (unsigned long long)b.acked_through,
			    (unsigned long long)b.acked_through);
		} else if (!found && !enrolled) {
			o->behind = 1;
			buf_addf(&o->notes, "NOTE: kiosk \"%s\" is not enrolled "
			    "in this ledger, so --resync cannot apply to it: "
			    "enrol it with kiosk enroll first.\n", b.name);
		} else if (!found) {
			long nadd = 0;

			if (store_begin(o->ledger, &m) != 0 ||
			    store_ledger_resync(o->ledger, pk, b.acked_through,
			    now_us(), &nadd, &m) != 0 ||
			    store_commit(o->ledger, &m) != 0) {
				store_rollback(o->ledger);
				fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
				goto out;
			}
			buf_addf(&o->notes, "NOTE: resynced kiosk \"%s\": its "
			    "submissions 1-%llu are taken as received before "
			    "(%ld of them were unknown to this ledger); the "
			    "acknowledgement counter moved forward.\n", b.name,
			    (unsigned long long)b.acked_through, nadd);
		}
	}

	/* Seen this batch before? */
	if (store_ledger_batch(o->ledger, pk, b.number, &found, h, &m) != 0) {
		fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
		goto out;
	}
	if (found && memcmp(h, b.file_hash, 32) == 0) {
		/*
		 * The same batch again. Its name hash covers the manifest,
		 * not the sealed bytes: if a record of it arrived damaged
		 * before, this copy may hold it intact, so look again.
		 */
		if (store_ledger_lost_in(o->ledger, pk, b.first, b.last,
		    &again, &m) != 0) {
			fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
			goto out;
		}
		if (!again) {
			*replay = 1;
			touch(o, pk, b.name, b.number);
			rc = 0;
			goto out;
		}
		found = 0;
	}
	if (found) {
		fail(why, OFFICE_E_FORK, cause, path, "batch %llu of kiosk %s "
		    "was already opened with different contents (cloned or "
		    "tampered kiosk?)", (unsigned long long)b.number, b.name);
		goto out;
	}
	/*
	 * The previous batch, as the kiosk names it (the last one it
	 * exported and verified). Batches are cumulative, so one that never
	 * arrived loses nothing; but a named batch that is not the one this
	 * office opened under that number is a second history: a clone.
	 */
	if (enrolled) {
		uint64_t pn = 0, last = 0;
		int pf = 0;

		if (store_ledger_batch_hash(o->ledger, pk, b.prev_hash, &pf,
		    &pn, &m) != 0 || store_ledger_last_batch(o->ledger, pk,
		    &last, &m) != 0) {
			fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
			goto out;
		}
		if (pf && pn >= b.number) {
			fail(why, OFFICE_E_FORK, cause, path, "batch %llu names "
			    "batch %llu as the one before it (cloned or "
			    "tampered kiosk?)", (unsigned long long)b.number,
			    (unsigned long long)pn);
			goto out;
		}
		if (!pf && last > 0 && last < b.number)
			buf_addf(&o->notes, "NOTE: batch %llu of kiosk \"%s\" "
			    "follows a batch this office has not opened%s; "
			    "batches are cumulative, so nothing is lost by "
			    "that alone.\n", (unsigned long long)b.number,
			    b.name, vault_is_zero(b.prev_hash, 32) ? " (it "
			    "names none, though batches were opened before)" :
			    "");
	}
	for (i = 0; i < b.count; i++) {
		if (find_key(o, b.ent[i].key_id) == NULL) {
			char hex[17];

			hex_encode(hex, b.ent[i].key_id, 8);
			fail(why, OFFICE_E_WRONG_KEY, cause, path, "record %llu "
			    "is sealed to office key %s, which was not given "
			    "with --key", (unsigned long long)b.ent[i].seq, hex);
			goto out;
		}
	}

	/* Open and check every record; build the output in secure memory. */
	newseq = xcalloc(b.count, sizeof *newseq);
	lostv = xcalloc(b.count, sizeof *lostv);
	w.o = o;
	w.b = &b;
	for (i = 0; i < b.count; i++)
		if (vault_seal_len_ok(b.ent[i].len) &&
		    b.ent[i].len - VAULT_SEAL_OVERHEAD > w.cap)
			w.cap = b.ent[i].len - VAULT_SEAL_OVERHEAD;
	if (w.cap == 0)
		w.cap = 1;
	nslot = OPEN_WINDOW_BYTES / w.cap;
	if (nslot == 0)
		nslot = 1;
	if (nslot > b.count)
		nslot = b.count ? b.count : 1;
	w.pt = vault_secure_alloc(nslot * w.cap);
	w.ptlen = xcalloc(nslot, sizeof *w.ptlen);
	w.err = xcalloc(nslot, sizeof *w.err);
	w.bad = xcalloc(nslot, 1);
	for (i = 0; i < b.count; i++) {
		struct batch_entry *e = &b.ent[i];

		if (i == w.first + wn) {	/* the next window */
			for (k = 0; k < wn; k++) {
				free(w.err[k]);
				w.err[k] = NULL;
			}
			w.first = i;
			wn = b.count - i < nslot ? b.count - i : nslot;
			if (read_window(fd, &w, wn, &m) != 0) {
				wn = 0;
				fail(why, BATCH_E_IO, cause, path, "%s", m);
				goto out;
			}
			par_for(wn, open_one, &w);
		}
		k = i - w.first;
		e->damaged = w.bad[k];
		if (store_ledger_seen(o->ledger, pk, e->seq, &found, h,
		    &m) != 0) {
			fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
			goto out;
		}
		/* A zero hash: received under an earlier ledger (resync). */
		if (found && !vault_is_zero(h, 32) &&
		    memcmp(h, e->hash, 32) != 0) {
			fail(why, OFFICE_E_FORK, cause, path, "record %llu was "
			    "already received with different contents",
			    (unsigned long long)e->seq);
			goto out;
		}
		seen = found;
		if (e->damaged) {
			/*
			 * Its bytes do not match the hash the kiosk signed:
			 * damaged on the kiosk's disk or on the stick. The
			 * others still verify (the next record chains to
			 * the signed hash); this one is reported lost until
			 * it arrives intact or staff accept the loss.
			 */
			if (!seen)
				lostv[nlost++] = i;
			continue;
		}
		if (w.err[k] != NULL) {
			fail(why, OFFICE_E_RECORD, cause, path, "record %llu: "
			    "%s", (unsigned long long)e->seq, w.err[k]);
			goto out;
		}
		pt = w.pt + k * w.cap;
		ptlen = w.ptlen[k];
		if (r == NULL)
			r = record_new();
		if (record_reparse(r, pt, ptlen, &rh, &m) != 0) {
			fail(why, OFFICE_E_RECORD, cause, path, "record %llu: "
			    "%s", (unsigned long long)e->seq, m);
			goto out;
		}
		if (memcmp(rh.kiosk_id, pk, 32) != 0) {
			fail(why, OFFICE_E_CHAIN, cause, path, "record %llu "
			    "was made by another kiosk",
			    (unsigned long long)e->seq);
			goto out;
		}
		if (rh.seq != e->seq) {
			fail(why, OFFICE_E_CHAIN, cause, path, "the record "
			    "listed as %llu is really %llu (records swapped "
			    "or moved)", (unsigned long long)e->seq,
			    (unsigned long long)rh.seq);
			goto out;
		}
		/* Chain link to the previous record. */
		found = 0;
		if (i > 0 && b.ent[i - 1].seq == e->seq - 1) {
			memcpy(prev, b.ent[i - 1].hash, 32);
			found = 1;
		} else if (e->seq == 1) {
			memset(prev, 0, 32);
			found = 1;
		} else if (store_ledger_seen(o->ledger, pk, e->seq - 1, &found,
		    prev, &m) != 0) {
			fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
			goto out;
		} else if (found && vault_is_zero(prev, 32))
			found = 0;	/* its hash is not known (resync) */
		if (i > 0 && b.ent[i - 1].seq != e->seq - 1) {
			fail(why, OFFICE_E_CHAIN, cause, path, "records "
			    "%llu to %llu are missing from the batch (dropped)",
			    (unsigned long long)b.ent[i - 1].seq + 1,
			    (unsigned long long)e->seq - 1);
			goto out;
		}
		if (found && memcmp(prev, rh.prev_hash, 32) != 0) {
			fail(why, OFFICE_E_CHAIN, cause, path, "record %llu "
			    "does not follow the record before it (a record "
			    "was dropped, inserted or replaced)",
			    (unsigned long long)e->seq);
			goto out;
		}
		if (record_check(&rh, &m) != 0) {
			fail(why, OFFICE_E_RECORD, cause, path, "record %llu: "
			    "%s", (unsigned long long)e->seq, m);
			goto out;
		}
		if (!seen) {
			output_record(o->out, b.name, &rh, r, &o->notes);
			if (flush_output(o, &x, OUT_FLUSH_BYTES, &m) != 0) {
				fail(why, OFFICE_E_OUTPUT, cause, path, "%s", m);
				goto out;
			}
			newseq[nnew++] = i;
		}
	}
	record_free(r);
	r = NULL;

	/*
	 * Every check passed. The rows still waiting go out; all is fsynced;
	 * then the ledger rows and the journal's retirement commit together
	 * (see otx above). Any failure truncates every file back.
	 */
	if (flush_output(o, &x, 0, &m) != 0) {
		fail(why, OFFICE_E_OUTPUT, cause, path, "%s", m);
		goto out;
	}
	if (otx_sync(&x, &m) != 0) {
		fail(why, OFFICE_E_OUTPUT, cause, path, "%s", m);
		goto out;
	}
	/* Tests only: stop here, so that a test can kill the open. */
	if (getenv("KIOSK_TEST") != NULL && getenv("KIOSK_TEST_OPEN_STOP") !=
	    NULL && strcmp(getenv("KIOSK_TEST"), "1") == 0)
		raise(SIGSTOP);
	if (store_begin(o->ledger, &m) != 0) {
		fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
		goto out;
	}
	intx = 1;
	if (!enrolled) {
		if (store_ledger_enroll(o->ledger, pk, b.name, STORE_TOFU,
		    &m) != 0) {
			fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
			goto out;
		}
		buf_addf(&o->notes, "WARNING: kiosk \"%s\" was not enrolled. "
		    "Trusting it on first use, with fingerprint\n  %s\n"
		    "Compare this with `kiosk identity` on the kiosk itself. "
		    "Use --ledger and\n`kiosk enroll` to require enrolment.\n",
		    b.name, fpr);
	}
	for (j = 0; j < nnew; j++) {
		const struct batch_entry *e = &b.ent[newseq[j]];

		if (store_ledger_put_seen(o->ledger, pk, e->seq, e->hash,
		    &m) != 0 || store_ledger_unlost(o->ledger, pk, e->seq,
		    &m) != 0) {
			fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
			goto out;
		}
	}
	for (j = 0; j < nlost; j++) {
		const struct batch_entry *e = &b.ent[lostv[j]];

		if (store_ledger_put_lost(o->ledger, pk, e->seq, e->hash,
		    &m) != 0) {
			fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
			goto out;
		}
		buf_addf(&o->notes, "LOST: submission %llu of kiosk \"%s\" "
		    "is damaged in this batch (its bytes do not match the "
		    "hash the kiosk signed); every other record was checked "
		    "and opened.\n", (unsigned long long)e->seq, b.name);
	}
	if ((!again && store_ledger_put_batch(o->ledger, pk, b.number,
	    b.file_hash, &m) != 0) || store_ledger_pending_commit(o->ledger, o->absdir,
	    &m) != 0) {
		fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
		goto out;
	}
	intx = 0;
	if (store_commit(o->ledger, &m) != 0) {
		fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
		goto out;
	}
	otx_finish(o, &x);
	touch(o, pk, b.name, b.number);
	*added = (long)nnew;
	rc = 0;
out:
	if (intx)
		store_rollback(o->ledger);
	if (rc != 0)
		otx_abort(o, &x);
	otx_free(&x);
	if (w.err != NULL)
		for (k = 0; k < wn; k++)
			free(w.err[k]);
	free(w.err);
	free(w.bad);
	free(w.ct);
	free(w.ptlen);
	vault_secure_free(w.pt);
	if (fd != -1)
		close(fd);
	record_free(r);
	output_done(o->out, rc == 0);
	batch_clear(&b);
	free(newseq);
	free(lostv);
	free(name);
	free(on);
	free(m);
	free(d);
	return rc;
}

int
office_finish(struct office *o, struct buf *report, int *gap, int *lost,
    char **cause)
{
	struct ack a;
	unsigned char raw[ACK_LEN];
	uint64_t *rg = NULL, through, *ls = NULL;
	int *acc = NULL, any;
	size_t n, i, k, nl;
	char *file = NULL;
	int rc = -1;

	*gap = 0;
	*lost = 0;
	for (k = 0; k < o->ntouched; k++) {
		struct touched *t = &o->touched[k];

		if (store_ledger_ranges(o->ledger, t->pk, &rg, &n, cause) != 0)
			goto out;
		buf_addf(report, "kiosk %s: received", t->name);
		for (i = 0; i < n; i++)
			buf_addf(report, "%s %llu-%llu", i ? "," : "",
			    (unsigned long long)rg[2 * i],
			    (unsigned long long)rg[2 * i + 1]);
		if (n == 0)
			buf_addf(report, " nothing");
		/* Missing: neither received nor reported lost. */
		free(rg);
		rg = NULL;
		if (store_ledger_known_ranges(o->ledger, t->pk, &rg, &n,
		    cause) != 0)
			goto out;
		if ((n > 0 && rg[0] != 1) || n > 1) {
			*gap = 1;
			buf_addf(report, "; MISSING");
			if (n > 0 && rg[0] != 1)
				buf_addf(report, " 1-%llu",
				    (unsigned long long)rg[0] - 1);
			for (i = 1; i < n; i++)
				buf_addf(report, " %llu-%llu",
				    (unsigned long long)rg[2 * i - 1] + 1,
				    (unsigned long long)rg[2 * i] - 1);
		}
		buf_addf(report, "\n");
		free(rg);
		rg = NULL;

		/* Damaged records: lost until intact, or accepted. */
		if (store_ledger_lost(o->ledger, t->pk, &ls, &acc, &nl,
		    cause) != 0)
			goto out;
		for (any = 0, i = 0; i < nl; i++) {
			if (acc[i])
				continue;
			if (!any)
				buf_addf(report, "kiosk %s: LOST (arrived "
				    "damaged, not acknowledged):", t->name);
			buf_addf(report, "%s %llu", any ? "," : "",
			    (unsigned long long)ls[i]);
			any = 1;
		}
		if (any) {
			*lost = 1;
			buf_addf(report, "\n  if the kiosk's export also "
			    "called them DAMAGED, they cannot be recovered: "
			    "accept the loss with kiosk open --accept-lost "
			    "%s:SEQ; otherwise export again, which carries "
			    "them again\n", t->name);
		}
		for (any = 0, i = 0; i < nl; i++) {
			if (!acc[i])
				continue;
			if (!any)
				buf_addf(report, "kiosk %s: accepted as lost:",
				    t->name);
			buf_addf(report, "%s %llu", any ? "," : "",
			    (unsigned long long)ls[i]);
			any = 1;
		}
		if (any)
			buf_addf(report, "\n");
		free(ls);
		free(acc);
		ls = NULL;
		acc = NULL;

		if (store_ledger_ack_through(o->ledger, t->pk, &through,
		    cause) != 0)
			goto out;
		if (through == 0 || o->nkeys == 0)
			continue;
		memset(&a, 0, sizeof a);
		memcpy(a.kiosk_pk, t->pk, 32);
		a.acked_through = through;
		a.batch = t->batch;
		if (store_begin(o->ledger, cause) != 0)
			goto out;
		if (store_ledger_next_ack(o->ledger, t->pk, &a.counter,
		    cause) != 0) {
			store_rollback(o->ledger);
			goto out;
		}
		if (store_commit(o->ledger, cause) != 0)
			goto out;
		ack_write(&a, o->keys[0], raw);
		xasprintf(&file, "%s.ack", t->name);
		if (batch_save(o->outdir, file, raw, sizeof raw, 1, NULL,
		    cause) != 0)
			goto out;
		buf_addf(report, "kiosk %s: wrote %s/%s (acknowledges 1-%llu); "
		    "put it on the stick for the kiosk\n", t->name, o->outdir,
		    file, (unsigned long long)through);
		free(file);
		file = NULL;
	}
	rc = 0;
out:
	free(rg);
	free(ls);
	free(acc);
	free(file);
	return rc;
}

int
office_accept_lost(struct office *o, const char *name, uint64_t seq,
    char **cause)
{
	unsigned char pk[32];
	uint64_t last;
	int found;

	if (store_ledger_kiosk_by_name(o->ledger, name, &found, pk,
	    cause) != 0)
		return -1;
	if (!found) {
		xasprintf(cause, "--accept-lost: no kiosk named \"%s\" in the "
		    "ledger", name);
		return -1;
	}
	if (store_begin(o->ledger, cause) != 0)
		return -1;
	if (store_ledger_accept_lost(o->ledger, pk, seq, &found,
	    cause) != 0 || store_ledger_last_batch(o->ledger, pk, &last,
	    cause) != 0) {
		store_rollback(o->ledger);
		return -1;
	}
	if (!found) {
		store_rollback(o->ledger);
		xasprintf(cause, "--accept-lost: kiosk \"%s\" has no "
		    "submission %llu reported lost", name,
		    (unsigned long long)seq);
		return -1;
	}
	if (store_commit(o->ledger, cause) != 0)
		return -1;
	buf_addf(&o->notes, "NOTE: submission %llu of kiosk \"%s\" is "
	    "accepted as lost; acknowledgements now go past it.\n",
	    (unsigned long long)seq, name);
	touch(o, pk, name, last);
	return 0;
}

static int
revoked_key(struct store *s, const unsigned char pk[32])
{
	int64_t through;
	char *m = NULL;

	if (store_ledger_revoked(s, pk, &through, NULL, &m) != 0) {
		free(m);
		return 0;
	}
	return through >= 0;
}

int
office_enroll(const char *ledger, const char *idpath, struct buf *msg,
    char **cause)
{
	struct store *s = NULL;
	struct buf b = { 0 };
	char name[BATCH_NAME_MAX + 1], fpr[VAULT_FPR_LEN], *m = NULL;
	char *have = NULL;
	unsigned char pk[32], other[32];
	int found, rc = -1;

	if (read_file(idpath, &b, 4096, cause) != 0)
		return -1;
	if (identity_parse(b.data, b.len, name, pk, &m) != 0) {
		xasprintf(cause, "%s: %s", idpath, m);
		goto out;
	}
	vault_fingerprint(fpr, pk, NULL);
	if ((s = store_open(ledger, STORE_LEDGER, cause)) == NULL)
		goto out;
	if (store_begin(s, cause) != 0)
		goto out;
	if (store_ledger_kiosk(s, pk, &found, &have, cause) != 0)
		goto rollback;
	if (found) {
		buf_addf(msg, "kiosk %s (fingerprint %s) is already enrolled "
		    "as \"%s\"\n", name, fpr, have);
		store_rollback(s);
		rc = 0;
		goto out;
	}
	if (store_ledger_kiosk_by_name(s, name, &found, other, cause) != 0)
		goto rollback;
	if (found) {
		xasprintf(cause, "%s: another kiosk key is already enrolled as "
		    "\"%s\"%s; give this kiosk another name (name = in its "
		    "kiosk.ini)", idpath, name, revoked_key(s, other) ?
		    " (and revoked)" : "");
		goto rollback;
	}
	if (store_ledger_enroll(s, pk, name, STORE_ENROLLED, cause) != 0)
		goto rollback;
	if (store_commit(s, cause) != 0)
		goto out;
	buf_addf(msg, "enrolled kiosk %s, fingerprint %s\n", name, fpr);
	rc = 0;
	goto out;
rollback:
	store_rollback(s);
out:
	store_close(s);
	free(have);
	free(m);
	buf_free(&b);
	return rc;
}

int
office_revoke(const char *ledger, const char *kname, int64_t through,
    struct buf *msg, char **cause)
{
	struct store *s = NULL;
	unsigned char pk[32];
	char fpr[VAULT_FPR_LEN], day[16], *on = NULL;
	uint64_t last;
	int64_t was;
	int found, rc = -1;

	if ((s = store_open(ledger, STORE_LEDGER, cause)) == NULL)
		return -1;
	if (store_begin(s, cause) != 0)
		goto out;
	if (store_ledger_kiosk_by_name(s, kname, &found, pk, cause) != 0)
		goto rollback;
	if (!found) {
		xasprintf(cause, "%s: no kiosk named \"%s\" (see kiosk "
		    "enroll --list)", ledger, kname);
		goto rollback;
	}
	vault_fingerprint(fpr, pk, NULL);
	if (store_ledger_revoked(s, pk, &was, &on, cause) != 0 ||
	    store_ledger_last_batch(s, pk, &last, cause) != 0)
		goto rollback;
	if (was >= 0) {
		xasprintf(cause, "kiosk \"%s\" was already revoked on %s "
		    "(batches up to %lld accepted)", kname, on ? on : "?",
		    (long long)was);
		goto rollback;
	}
	if (through < 0)
		through = (int64_t)last;
	else if ((uint64_t)through < last) {
		xasprintf(cause, "batch %llu of kiosk \"%s\" is already "
		    "opened; --accept-through cannot be lower than that",
		    (unsigned long long)last, kname);
		goto rollback;
	}
	today_ymd(day);
	if (store_ledger_revoke(s, pk, through, day, cause) != 0)
		goto rollback;
	if (store_commit(s, cause) != 0)
		goto out;
	buf_addf(msg, "revoked kiosk %s, fingerprint %s\n", kname, fpr);
	if (through == 0)
		buf_addf(msg, "none of its batches will be opened\n");
	else
		buf_addf(msg, "its batches up to %lld will still be opened; "
		    "later ones are refused\n", (long long)through);
	rc = 0;
	goto out;
rollback:
	store_rollback(s);
out:
	store_close(s);
	free(on);
	return rc;
}

static int
list_one(const struct store_kiosk *k, void *arg)
{
	struct buf *msg = arg;
	char fpr[VAULT_FPR_LEN];

	vault_fingerprint(fpr, k->pk, NULL);
	buf_addf(msg, "%s\n  fingerprint %s\n  %s", k->name, fpr,
	    k->how == STORE_TOFU ? "trusted on first use" : "enrolled");
	if (k->revoked_through >= 0)
		buf_addf(msg, ", revoked on %s (batches up to %lld accepted)",
		    k->revoked_on ? k->revoked_on : "?",
		    (long long)k->revoked_through);
	buf_addf(msg, "\n  last batch %llu, %llu submissions received\n",
	    (unsigned long long)k->last_batch,
	    (unsigned long long)k->records);
	return 0;
}

int
office_list(const char *ledger, struct buf *msg, char **cause)
{
	struct store *s;
	int rc;

	if ((s = store_open(ledger, STORE_LEDGER, cause)) == NULL)
		return -1;
	rc = store_ledger_each_kiosk(s, list_one, msg, cause);
	store_close(s);
	if (rc == 0 && msg->len == 0)
		buf_addf(msg, "no kiosks in %s\n", ledger);
	return rc;
}
