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
#include "durable.h"
#include "form.h"
#include "identity.h"
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
	(void)durable_sync_dir(o->absdir, NULL);
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
		(void)durable_sync_dir(o->absdir, NULL);
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
	(void)durable_sync_dir(o->absdir, NULL);
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

/*
 * One batch being opened by office_batch, through its stages: load (the
 * header and manifest), signer (enrolment, signature, revocation), ledger
 * (what this office knew of the kiosk and of this batch), open (every
 * record opened and checked, rows built), output (the rows to their files,
 * fsynced) and commit (the ledger rows and the journal together).
 */
struct obatch {
	struct office		*o;
	const char		*path;
	int			*why;
	char			**cause;
	char			*m;		/* the failing callee's message */
	int			 fd;
	unsigned char		*d;		/* header and manifest */
	size_t			 len;		/* the whole file's */
	unsigned char		 pk[32];	/* the signer */
	char			 fpr[VAULT_FPR_LEN];
	struct batch		 b;
	int			 enrolled;
	char			*name;		/* as enrolled */
	int			 again;		/* seen, but it had damage */
	uint64_t		*newseq;	/* records new to this office */
	size_t			 nnew;
	uint64_t		*lostv;		/* damaged and not seen before */
	size_t			 nlost;
	struct open_window	 w;
	size_t			 wn, nslot;	/* records in w, slots in w */
	struct record		*r;
	struct otx		 x;
};

static int
ob_fail(struct obatch *ob, int cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int
ob_fail(struct obatch *ob, int cls, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	xvasprintf(&m, fmt, ap);
	va_end(ap);
	fail(ob->why, cls, ob->cause, ob->path, "%s", m);
	free(m);
	return -1;
}

/* A ledger call failed with ob->m. */
static int
ob_ledger_fail(struct obatch *ob)
{
	return ob_fail(ob, OFFICE_E_LEDGER, "%s", ob->m);
}

/*
 * Load: only the header and manifest are read into memory; the sealed
 * records are read a window at a time later (a batch can be 4 GiB).
 */
static int
ob_load(struct obatch *ob)
{
	uint64_t mlen;

	if (durable_open_head(ob->path, BATCH_MAX_LEN, "a batch",
	    BATCH_HDR_LEN, &ob->fd, &ob->d, &ob->len, &ob->m) != 0)
		return ob_fail(ob, BATCH_E_IO, "%s", ob->m);
	if (batch_check_header(ob->d, ob->len, ob->pk, ob->why, &ob->m) != 0)
		return ob_fail(ob, *ob->why, "%s", ob->m);
	/*
	 * Every record is at least a sealed minimum bucket: a manifest
	 * claiming more records than the file could hold is refused before
	 * it is read (it could otherwise be most of a 4 GiB file).
	 */
	mlen = batch_manifest_len(ob->d);
	if ((mlen - BATCH_HDR_LEN) / BATCH_ENT_LEN * (BATCH_ENT_LEN +
	    VAULT_BUCKET_MIN + VAULT_SEAL_OVERHEAD) > ob->len - BATCH_HDR_LEN)
		return ob_fail(ob, BATCH_E_TRUNCATED, "truncated: the manifest "
		    "lists more records than the file can hold");
	ob->d = xreallocarray(ob->d, (size_t)mlen, 1);
	if (read_at(ob->fd, ob->d + BATCH_HDR_LEN, (size_t)mlen -
	    BATCH_HDR_LEN, BATCH_HDR_LEN, &ob->m) != 0)
		return ob_fail(ob, BATCH_E_IO, "%s", ob->m);
	return 0;
}

/* A revoked kiosk's batches are accepted up to the one it was cut at. */
static int
ob_revoked(struct obatch *ob)
{
	struct office *o = ob->o;
	struct batch *b = &ob->b;
	int64_t through = -1;
	char *on = NULL;
	int rc = -1;

	if (store_ledger_revoked(o->ledger, ob->pk, &through, &on,
	    &ob->m) != 0) {
		ob_ledger_fail(ob);
		goto out;
	}
	if (through >= 0 && b->number > (uint64_t)through) {
		ob_fail(ob, OFFICE_E_REVOKED, "kiosk \"%s\" (fingerprint %s) "
		    "was revoked on %s; only its batches up to %lld are "
		    "accepted, and this is batch %llu", ob->name, ob->fpr,
		    on ? on : "an unknown day", (long long)through,
		    (unsigned long long)b->number);
		goto out;
	}
	if (through >= 0)
		buf_addf(&o->notes, "NOTE: batch %llu is from kiosk \"%s\", "
		    "revoked on %s; accepted because it is not after batch "
		    "%lld.\n", (unsigned long long)b->number, ob->name,
		    on ? on : "an unknown day", (long long)through);
	rc = 0;
out:
	free(on);
	return rc;
}

/*
 * Signer: enrolled (or trusted on first use), the signature holds, the
 * manifest is canonical, and the name and revocation agree with the
 * ledger.
 */
static int
ob_signer(struct obatch *ob)
{
	struct office *o = ob->o;
	struct batch *b = &ob->b;
	unsigned char h[32];
	int found;

	vault_fingerprint(ob->fpr, ob->pk, NULL);
	if (store_ledger_kiosk(o->ledger, ob->pk, &ob->enrolled, &ob->name,
	    &ob->m) != 0)
		return ob_ledger_fail(ob);
	if (!ob->enrolled && !o->tofu)
		return ob_fail(ob, OFFICE_E_NOT_ENROLLED, "signed by a kiosk "
		    "that is not enrolled (fingerprint %s); enrol it with "
		    "kiosk enroll", ob->fpr);
	if (batch_verify(ob->d, ob->len, ob->why, &ob->m) != 0 ||
	    batch_parse_flags(ob->d, ob->len, b, BATCH_KEEP_DAMAGED |
	    BATCH_NO_DATA, ob->why, &ob->m) != 0)
		return ob_fail(ob, *ob->why, "%s", ob->m);
	if (ob->enrolled && strcmp(ob->name, b->name) != 0)
		return ob_fail(ob, BATCH_E_MANIFEST, "the batch says kiosk "
		    "\"%s\" but that key is enrolled as \"%s\"", b->name,
		    ob->name);
	if (ob->enrolled)
		return ob_revoked(ob);
	if (store_ledger_kiosk_by_name(o->ledger, b->name, &found, h,
	    &ob->m) != 0)
		return ob_ledger_fail(ob);
	if (found)
		return ob_fail(ob, OFFICE_E_NOT_ENROLLED, "another kiosk key "
		    "is already enrolled under the name \"%s\"; this one "
		    "(fingerprint %s) is not", b->name, ob->fpr);
	return 0;
}

/*
 * Ledger, 1: the kiosk says (signed) that the office acknowledged
 * 1..acked_through: the kiosk accepts only acks signed by the office. If
 * this ledger does not know that, it was lost or restored from a backup:
 * say so, and with --resync take those numbers as received before.
 */
static int
ob_resync(struct obatch *ob)
{
	struct office *o = ob->o;
	struct batch *b = &ob->b;
	unsigned char h[32];
	long nadd = 0;
	int found;

	if (b->acked_through == 0)
		return 0;
	if (store_ledger_seen(o->ledger, ob->pk, b->acked_through, &found, h,
	    &ob->m) != 0)
		return ob_ledger_fail(ob);
	if (found)
		return 0;
	if (!o->resync) {
		o->behind = 1;
		buf_addf(&o->notes, "NOTE: kiosk \"%s\" holds an "
		    "acknowledgement from this office for its submissions "
		    "1-%llu, but this ledger has no record of %llu: the ledger "
		    "was lost or restored from a backup. If so, open again "
		    "with --resync (see README, \"A lost or restored "
		    "ledger\").\n", b->name,
		    (unsigned long long)b->acked_through,
		    (unsigned long long)b->acked_through);
		return 0;
	}
	if (!ob->enrolled) {
		o->behind = 1;
		buf_addf(&o->notes, "NOTE: kiosk \"%s\" is not enrolled in "
		    "this ledger, so --resync cannot apply to it: enrol it "
		    "with kiosk enroll first.\n", b->name);
		return 0;
	}
	if (store_begin(o->ledger, &ob->m) != 0 ||
	    store_ledger_resync(o->ledger, ob->pk, b->acked_through, now_us(),
	    &nadd, &ob->m) != 0 || store_commit(o->ledger, &ob->m) != 0) {
		store_rollback(o->ledger);
		return ob_ledger_fail(ob);
	}
	buf_addf(&o->notes, "NOTE: resynced kiosk \"%s\": its submissions "
	    "1-%llu are taken as received before (%ld of them were unknown "
	    "to this ledger); the acknowledgement counter moved forward.\n",
	    b->name, (unsigned long long)b->acked_through, nadd);
	return 0;
}

/*
 * Ledger, 2: seen this batch before? 1 if it is a replay with nothing
 * to do. The same batch again may be opened again: its name hash covers
 * the manifest, not the sealed bytes, so if a record of it arrived
 * damaged before, this copy may hold it intact (ob->again).
 */
static int
ob_seen_batch(struct obatch *ob)
{
	struct office *o = ob->o;
	struct batch *b = &ob->b;
	unsigned char h[32];
	int found;

	if (store_ledger_batch(o->ledger, ob->pk, b->number, &found, h,
	    &ob->m) != 0)
		return ob_ledger_fail(ob);
	if (found && memcmp(h, b->file_hash, 32) == 0) {
		if (store_ledger_lost_in(o->ledger, ob->pk, b->first, b->last,
		    &ob->again, &ob->m) != 0)
			return ob_ledger_fail(ob);
		if (!ob->again)
			return 1;
		found = 0;
	}
	if (found)
		return ob_fail(ob, OFFICE_E_FORK, "batch %llu of kiosk %s was "
		    "already opened with different contents (cloned or "
		    "tampered kiosk?)", (unsigned long long)b->number,
		    b->name);
	return 0;
}

/*
 * Ledger, 3: the previous batch, as the kiosk names it (the last one it
 * exported and verified). Batches are cumulative, so one that never
 * arrived loses nothing; but a named batch that is not the one this
 * office opened under that number is a second history: a clone.
 */
static int
ob_prev_batch(struct obatch *ob)
{
	struct office *o = ob->o;
	struct batch *b = &ob->b;
	uint64_t pn = 0, last = 0;
	int pf = 0;

	if (!ob->enrolled)
		return 0;
	if (store_ledger_batch_hash(o->ledger, ob->pk, b->prev_hash, &pf, &pn,
	    &ob->m) != 0 || store_ledger_last_batch(o->ledger, ob->pk, &last,
	    &ob->m) != 0)
		return ob_ledger_fail(ob);
	if (pf && pn >= b->number)
		return ob_fail(ob, OFFICE_E_FORK, "batch %llu names batch %llu "
		    "as the one before it (cloned or tampered kiosk?)",
		    (unsigned long long)b->number, (unsigned long long)pn);
	if (!pf && last > 0 && last < b->number)
		buf_addf(&o->notes, "NOTE: batch %llu of kiosk \"%s\" follows "
		    "a batch this office has not opened%s; batches are "
		    "cumulative, so nothing is lost by that alone.\n",
		    (unsigned long long)b->number, b->name,
		    vault_is_zero(b->prev_hash, 32) ? " (it names none, "
		    "though batches were opened before)" : "");
	return 0;
}

/* Ledger, 4: every record is sealed to an office key we were given. */
static int
ob_keys(struct obatch *ob)
{
	struct batch *b = &ob->b;
	char hex[17];
	size_t i;

	for (i = 0; i < b->count; i++) {
		if (find_key(ob->o, b->ent[i].key_id) != NULL)
			continue;
		hex_encode(hex, b->ent[i].key_id, 8);
		return ob_fail(ob, OFFICE_E_WRONG_KEY, "record %llu is sealed "
		    "to office key %s, which was not given with --key",
		    (unsigned long long)b->ent[i].seq, hex);
	}
	return 0;
}

/* Ledger: what this office knew of the kiosk and of this batch. */
static int
ob_ledger(struct obatch *ob)
{
	int r;

	if (ob_resync(ob) != 0)
		return -1;
	if ((r = ob_seen_batch(ob)) != 0)
		return r;
	if (ob_prev_batch(ob) != 0 || ob_keys(ob) != 0)
		return -1;
	return 0;
}

/* Open, 1: the window's secure slots, sized for the largest record. */
static void
ob_window_alloc(struct obatch *ob)
{
	struct open_window *w = &ob->w;
	struct batch *b = &ob->b;
	size_t i;

	w->o = ob->o;
	w->b = b;
	for (i = 0; i < b->count; i++)
		if (vault_seal_len_ok(b->ent[i].len) &&
		    b->ent[i].len - VAULT_SEAL_OVERHEAD > w->cap)
			w->cap = b->ent[i].len - VAULT_SEAL_OVERHEAD;
	if (w->cap == 0)
		w->cap = 1;
	ob->nslot = OPEN_WINDOW_BYTES / w->cap;
	if (ob->nslot == 0)
		ob->nslot = 1;
	if (ob->nslot > b->count)
		ob->nslot = b->count ? b->count : 1;
	w->pt = vault_secure_alloc(ob->nslot * w->cap);
	w->ptlen = xcalloc(ob->nslot, sizeof *w->ptlen);
	w->err = xcalloc(ob->nslot, sizeof *w->err);
	w->bad = xcalloc(ob->nslot, 1);
}

/* Open, 2: read the window starting at record i and open it on every core. */
static int
ob_window_next(struct obatch *ob, size_t i)
{
	struct open_window *w = &ob->w;
	size_t k, left = ob->b.count - i;

	for (k = 0; k < ob->wn; k++) {
		free(w->err[k]);
		w->err[k] = NULL;
	}
	w->first = i;
	ob->wn = left < ob->nslot ? left : ob->nslot;
	if (read_window(ob->fd, w, ob->wn, &ob->m) != 0) {
		ob->wn = 0;
		return ob_fail(ob, BATCH_E_IO, "%s", ob->m);
	}
	par_for(ob->wn, open_one, w);
	return 0;
}

/*
 * Open, 3: the record opened as record i is the kiosk's, has the seq the
 * manifest gives it, and links to the record before it (in this batch,
 * or in the ledger; the first record links to zero).
 */
static int
ob_chain(struct obatch *ob, size_t i, const struct record_head *rh)
{
	const struct batch_entry *e = &ob->b.ent[i], *p = e - 1;
	unsigned char prev[32];
	int found = 0;

	if (memcmp(rh->kiosk_id, ob->pk, 32) != 0)
		return ob_fail(ob, OFFICE_E_CHAIN, "record %llu was made by "
		    "another kiosk", (unsigned long long)e->seq);
	if (rh->seq != e->seq)
		return ob_fail(ob, OFFICE_E_CHAIN, "the record listed as %llu "
		    "is really %llu (records swapped or moved)",
		    (unsigned long long)e->seq, (unsigned long long)rh->seq);
	if (i > 0 && p->seq == e->seq - 1) {
		memcpy(prev, p->hash, 32);
		found = 1;
	} else if (e->seq == 1) {
		memset(prev, 0, 32);
		found = 1;
	} else if (store_ledger_seen(ob->o->ledger, ob->pk, e->seq - 1, &found,
	    prev, &ob->m) != 0)
		return ob_ledger_fail(ob);
	else if (found && vault_is_zero(prev, 32))
		found = 0;	/* its hash is not known (resync) */
	if (i > 0 && p->seq != e->seq - 1)
		return ob_fail(ob, OFFICE_E_CHAIN, "records %llu to %llu are "
		    "missing from the batch (dropped)",
		    (unsigned long long)p->seq + 1,
		    (unsigned long long)e->seq - 1);
	if (found && memcmp(prev, rh->prev_hash, 32) != 0)
		return ob_fail(ob, OFFICE_E_CHAIN, "record %llu does not follow "
		    "the record before it (a record was dropped, inserted or "
		    "replaced)", (unsigned long long)e->seq);
	return 0;
}

/*
 * Open, 4: record i, opened in the window: checked, and if this office
 * has not seen it, its row built in secure memory (and flushed to the
 * files once enough is waiting).
 */
static int
ob_record(struct obatch *ob, size_t i)
{
	struct batch_entry *e = &ob->b.ent[i];
	struct open_window *w = &ob->w;
	size_t k = i - w->first;
	struct record_head rh;
	unsigned char h[32];
	int seen;

	e->damaged = w->bad[k];
	if (store_ledger_seen(ob->o->ledger, ob->pk, e->seq, &seen, h,
	    &ob->m) != 0)
		return ob_ledger_fail(ob);
	/* A zero hash: received under an earlier ledger (resync). */
	if (seen && !vault_is_zero(h, 32) && memcmp(h, e->hash, 32) != 0)
		return ob_fail(ob, OFFICE_E_FORK, "record %llu was already "
		    "received with different contents",
		    (unsigned long long)e->seq);
	if (e->damaged) {
		/*
		 * Its bytes do not match the hash the kiosk signed: damaged
		 * on the kiosk's disk or on the stick. The others still
		 * verify (the next record chains to the signed hash); this
		 * one is reported lost until it arrives intact or staff
		 * accept the loss.
		 */
		if (!seen)
			ob->lostv[ob->nlost++] = i;
		return 0;
	}
	if (w->err[k] != NULL)
		return ob_fail(ob, OFFICE_E_RECORD, "record %llu: %s",
		    (unsigned long long)e->seq, w->err[k]);
	if (ob->r == NULL)
		ob->r = record_new();
	if (record_reparse(ob->r, w->pt + k * w->cap, w->ptlen[k], &rh,
	    &ob->m) != 0)
		return ob_fail(ob, OFFICE_E_RECORD, "record %llu: %s",
		    (unsigned long long)e->seq, ob->m);
	if (ob_chain(ob, i, &rh) != 0)
		return -1;
	if (record_check(&rh, &ob->m) != 0)
		return ob_fail(ob, OFFICE_E_RECORD, "record %llu: %s",
		    (unsigned long long)e->seq, ob->m);
	if (!seen) {
		output_record(ob->o->out, ob->b.name, &rh, ob->r, &ob->o->notes);
		if (flush_output(ob->o, &ob->x, OUT_FLUSH_BYTES, &ob->m) != 0)
			return ob_fail(ob, OFFICE_E_OUTPUT, "%s", ob->m);
		ob->newseq[ob->nnew++] = i;
	}
	return 0;
}

/* Open: every record opened and checked; the output built. */
static int
ob_open(struct obatch *ob)
{
	size_t i;

	ob->newseq = xcalloc(ob->b.count, sizeof *ob->newseq);
	ob->lostv = xcalloc(ob->b.count, sizeof *ob->lostv);
	ob_window_alloc(ob);
	for (i = 0; i < ob->b.count; i++) {
		if (i == ob->w.first + ob->wn && ob_window_next(ob, i) != 0)
			return -1;
		if (ob_record(ob, i) != 0)
			return -1;
	}
	record_free(ob->r);
	ob->r = NULL;
	return 0;
}

/*
 * Output: every check passed. The rows still waiting go out and all is
 * fsynced, before the ledger commit (see otx above).
 */
static int
ob_output(struct obatch *ob)
{
	if (flush_output(ob->o, &ob->x, 0, &ob->m) != 0 ||
	    otx_sync(&ob->x, &ob->m) != 0)
		return ob_fail(ob, OFFICE_E_OUTPUT, "%s", ob->m);
	/* Tests only: stop here, so that a test can kill the open. */
	if (getenv("KIOSK_TEST") != NULL && getenv("KIOSK_TEST_OPEN_STOP") !=
	    NULL && strcmp(getenv("KIOSK_TEST"), "1") == 0)
		raise(SIGSTOP);
	return 0;
}

/*
 * Commit, inside the ledger transaction: a kiosk trusted on first use,
 * the records seen and lost, the batch, and the journal's retirement.
 */
static int
ob_ledger_rows(struct obatch *ob)
{
	struct office *o = ob->o;
	struct batch *b = &ob->b;
	const struct batch_entry *e;
	size_t j;

	if (!ob->enrolled) {
		if (store_ledger_enroll(o->ledger, ob->pk, b->name, STORE_TOFU,
		    &ob->m) != 0)
			return ob_ledger_fail(ob);
		buf_addf(&o->notes, "WARNING: kiosk \"%s\" was not enrolled. "
		    "Trusting it on first use, with fingerprint\n  %s\n"
		    "Compare this with `kiosk identity` on the kiosk itself. "
		    "Use --ledger and\n`kiosk enroll` to require enrolment.\n",
		    b->name, ob->fpr);
	}
	for (j = 0; j < ob->nnew; j++) {
		e = &b->ent[ob->newseq[j]];
		if (store_ledger_put_seen(o->ledger, ob->pk, e->seq, e->hash,
		    &ob->m) != 0 || store_ledger_unlost(o->ledger, ob->pk,
		    e->seq, &ob->m) != 0)
			return ob_ledger_fail(ob);
	}
	for (j = 0; j < ob->nlost; j++) {
		e = &b->ent[ob->lostv[j]];
		if (store_ledger_put_lost(o->ledger, ob->pk, e->seq, e->hash,
		    &ob->m) != 0)
			return ob_ledger_fail(ob);
		buf_addf(&o->notes, "LOST: submission %llu of kiosk \"%s\" "
		    "is damaged in this batch (its bytes do not match the "
		    "hash the kiosk signed); every other record was checked "
		    "and opened.\n", (unsigned long long)e->seq, b->name);
	}
	if ((!ob->again && store_ledger_put_batch(o->ledger, ob->pk,
	    b->number, b->file_hash, &ob->m) != 0) ||
	    store_ledger_pending_commit(o->ledger, o->absdir, &ob->m) != 0)
		return ob_ledger_fail(ob);
	return 0;
}

/*
 * Commit: the ledger rows and the journal's retirement in one
 * transaction; then replacements are renamed into place.
 */
static int
ob_commit(struct obatch *ob)
{
	struct office *o = ob->o;

	if (store_begin(o->ledger, &ob->m) != 0)
		return ob_ledger_fail(ob);
	if (ob_ledger_rows(ob) != 0) {
		store_rollback(o->ledger);
		return -1;
	}
	if (store_commit(o->ledger, &ob->m) != 0)
		return ob_ledger_fail(ob);
	otx_finish(o, &ob->x);
	return 0;
}

static void
ob_free(struct obatch *ob, int ok)
{
	struct open_window *w = &ob->w;
	size_t k;

	if (!ok)
		otx_abort(ob->o, &ob->x);
	otx_free(&ob->x);
	if (w->err != NULL)
		for (k = 0; k < ob->wn; k++)
			free(w->err[k]);
	free(w->err);
	free(w->bad);
	free(w->ct);
	free(w->ptlen);
	vault_secure_free(w->pt);
	if (ob->fd != -1)
		close(ob->fd);
	record_free(ob->r);
	output_done(ob->o->out, ok);
	batch_clear(&ob->b);
	free(ob->newseq);
	free(ob->lostv);
	free(ob->name);
	free(ob->m);
	free(ob->d);
}

int
office_batch(struct office *o, const char *path, int *replay, long *added,
    int *why, char **cause)
{
	struct obatch ob;
	int r, rc = -1;

	memset(&ob, 0, sizeof ob);
	ob.o = o;
	ob.path = path;
	ob.why = why;
	ob.cause = cause;
	ob.fd = -1;
	*replay = 0;
	*added = 0;
	*why = 0;
	if (ob_load(&ob) != 0 || ob_signer(&ob) != 0 ||
	    (r = ob_ledger(&ob)) < 0)
		goto out;
	if (r == 1) {
		*replay = 1;
		touch(o, ob.pk, ob.b.name, ob.b.number);
		rc = 0;
		goto out;
	}
	if (ob_open(&ob) != 0 || ob_output(&ob) != 0 || ob_commit(&ob) != 0)
		goto out;
	touch(o, ob.pk, ob.b.name, ob.b.number);
	*added = (long)ob.nnew;
	rc = 0;
out:
	ob_free(&ob, rc == 0);
	return rc;
}

/*
 * Report, 1: what this office received from kiosk t, and what is missing
 * (neither received nor reported lost): *gap set if anything is.
 */
static int
finish_received(struct office *o, const struct touched *t,
    struct buf *report, int *gap, char **cause)
{
	uint64_t *rg = NULL;
	size_t n, i;

	if (store_ledger_ranges(o->ledger, t->pk, &rg, &n, cause) != 0)
		return -1;
	buf_addf(report, "kiosk %s: received", t->name);
	for (i = 0; i < n; i++)
		buf_addf(report, "%s %llu-%llu", i ? "," : "",
		    (unsigned long long)rg[2 * i],
		    (unsigned long long)rg[2 * i + 1]);
	if (n == 0)
		buf_addf(report, " nothing");
	free(rg);
	rg = NULL;
	if (store_ledger_known_ranges(o->ledger, t->pk, &rg, &n, cause) != 0)
		return -1;
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
	return 0;
}

/* One line of the seqs in ls whose acc is want, after head; 1 if any. */
static int
finish_seq_line(struct buf *report, const char *head, const uint64_t *ls,
    const int *acc, size_t nl, int want)
{
	size_t i;
	int any = 0;

	for (i = 0; i < nl; i++) {
		if (!acc[i] != !want)
			continue;
		if (!any)
			buf_adds(report, head);
		buf_addf(report, "%s %llu", any ? "," : "",
		    (unsigned long long)ls[i]);
		any = 1;
	}
	return any;
}

/*
 * Report, 2: kiosk t's damaged records, lost until they arrive intact or
 * staff accept the loss: *lost set if any is still lost.
 */
static int
finish_lost(struct office *o, const struct touched *t, struct buf *report,
    int *lost, char **cause)
{
	uint64_t *ls = NULL;
	int *acc = NULL;
	size_t nl;
	char *head;

	if (store_ledger_lost(o->ledger, t->pk, &ls, &acc, &nl, cause) != 0)
		return -1;
	xasprintf(&head, "kiosk %s: LOST (arrived damaged, not "
	    "acknowledged):", t->name);
	if (finish_seq_line(report, head, ls, acc, nl, 0)) {
		*lost = 1;
		buf_addf(report, "\n  if the kiosk's export also called them "
		    "DAMAGED, they cannot be recovered: accept the loss with "
		    "kiosk open --accept-lost %s:SEQ; otherwise export again, "
		    "which carries them again\n", t->name);
	}
	free(head);
	xasprintf(&head, "kiosk %s: accepted as lost:", t->name);
	if (finish_seq_line(report, head, ls, acc, nl, 1))
		buf_addf(report, "\n");
	free(head);
	free(ls);
	free(acc);
	return 0;
}

/*
 * Ack: kiosk t's acknowledgement of everything received through the
 * ledger's ack_through, signed with the first office key, into outdir.
 */
static int
finish_ack(struct office *o, const struct touched *t, struct buf *report,
    char **cause)
{
	struct ack a;
	unsigned char raw[ACK_LEN];
	uint64_t through;
	char *file;
	int rc;

	if (store_ledger_ack_through(o->ledger, t->pk, &through, cause) != 0)
		return -1;
	if (through == 0 || o->nkeys == 0)
		return 0;
	memset(&a, 0, sizeof a);
	memcpy(a.kiosk_pk, t->pk, 32);
	a.acked_through = through;
	a.batch = t->batch;
	if (store_begin(o->ledger, cause) != 0)
		return -1;
	if (store_ledger_next_ack(o->ledger, t->pk, &a.counter, cause) != 0) {
		store_rollback(o->ledger);
		return -1;
	}
	if (store_commit(o->ledger, cause) != 0)
		return -1;
	ack_write(&a, o->keys[0], raw);
	xasprintf(&file, "%s.ack", t->name);
	rc = durable_save(o->outdir, file, raw, sizeof raw, 1, NULL, cause);
	if (rc == 0)
		buf_addf(report, "kiosk %s: wrote %s/%s (acknowledges 1-%llu); "
		    "put it on the stick for the kiosk\n", t->name, o->outdir,
		    file, (unsigned long long)through);
	free(file);
	return rc;
}

int
office_finish(struct office *o, struct buf *report, int *gap, int *lost,
    char **cause)
{
	size_t k;

	*gap = 0;
	*lost = 0;
	for (k = 0; k < o->ntouched; k++) {
		if (finish_received(o, &o->touched[k], report, gap,
		    cause) != 0 ||
		    finish_lost(o, &o->touched[k], report, lost, cause) != 0 ||
		    finish_ack(o, &o->touched[k], report, cause) != 0)
			return -1;
	}
	return 0;
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
