/*
 * batch: format, sign, verify and parse .kib batches and .ack files (see
 * batch.h for the layouts).
 *
 * Invariants: batch_verify runs before batch_parse looks past the fixed
 * header; batch_parse refuses anything serialize would not produce
 * (unknown versions or flags, non-zero padding, unsorted or duplicate
 * sequence numbers, lengths that do not add up, trailing bytes). Must
 * never print or exit; the only file access is batch_file and batch_save
 * (the durable write the kiosk uses for batches and the office for acks),
 * batch_load (a bounded read) and batch_reread (the kiosk's read-back
 * check).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "batch.h"
#include "par.h"
#include "spool.h"
#include "util.h"
#include "vault.h"

#define SAVE_WRITEBACK		(8u << 20)	/* see batch_file_open */

static const unsigned char batch_magic[8] = "KIB1\r\n\x1a\n";
static const unsigned char ack_magic[8] = "KIA2\r\n\x1a\n";

#define BATCH_VERSION	1	/* the u16 at offset 112 */

static unsigned
le16_get(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static void
le16_put(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

const char *
batch_error_name(int why)
{
	switch (why) {
	case BATCH_E_IO:		return "unreadable";
	case BATCH_E_TRUNCATED:		return "truncated";
	case BATCH_E_FORMAT:		return "not a batch";
	case BATCH_E_SIGNATURE:		return "signature";
	case BATCH_E_MANIFEST:		return "manifest";
	case BATCH_E_RECORD_HASH:	return "record hash";
	}
	return "error";
}

static int
name_ok(const char *s, size_t len)
{
	size_t i;

	if (len < 1 || len > BATCH_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* Where the manifest ends, from the count field (not yet verified). */
static uint64_t
manifest_end(const unsigned char *d)
{
	return BATCH_HDR_LEN + (uint64_t)BATCH_ENT_LEN * le32_get(d + 180);
}

/*
 * BLAKE2b-512 of the header and manifest, without the signature. The
 * manifest holds every record's hash, so this commits to every byte.
 */
static void
batch_digest(const unsigned char *d, unsigned char out[64])
{
	struct vault_hash_state *h;

	h = vault_hash_start(64);
	vault_hash_update(h, "kiosk batch v1", 14);
	vault_hash_update(h, d, 40);
	vault_hash_update(h, d + 104, (size_t)manifest_end(d) - 104);
	vault_hash_final(h, out);
}

uint64_t
batch_data_offset(size_t count)
{
	return BATCH_HDR_LEN + (uint64_t)BATCH_ENT_LEN * count;
}

/* Header and manifest into d (hashes from ent[].hash), then sign. */
static void
batch_finish(unsigned char *d, uint64_t total, const struct batch *b,
    const struct vault_sign_key *k)
{
	unsigned char *e;
	size_t i, nlen = strlen(b->name);

	memset(d, 0, BATCH_HDR_LEN);
	memcpy(d, batch_magic, 8);
	memcpy(d + 8, vault_sign_pk(k), 32);
	le64_put(d + 104, total);
	le16_put(d + 112, BATCH_VERSION);
	le64_put(d + 116, b->number);
	memcpy(d + 124, b->prev_hash, 32);
	le64_put(d + 156, b->acked_through);
	le64_put(d + 164, b->first);
	le64_put(d + 172, b->last);
	le32_put(d + 180, (uint32_t)b->count);
	d[184] = (unsigned char)nlen;
	memcpy(d + 185, b->name, nlen);
	for (i = 0; i < b->count; i++) {
		e = d + BATCH_HDR_LEN + i * BATCH_ENT_LEN;
		le64_put(e, b->ent[i].seq);
		memcpy(e + 8, b->ent[i].key_id, 8);
		le32_put(e + 16, (uint32_t)b->ent[i].len);
		memcpy(e + 20, b->ent[i].hash, 32);
	}
	batch_sign(d, (size_t)total, k);
}

void
batch_write(const struct batch *b, const struct vault_sign_key *k,
    struct buf *out)
{
	struct batch h = *b;
	unsigned char *d;
	uint64_t total;
	size_t i, off;

	total = batch_data_offset(b->count);
	for (i = 0; i < b->count; i++)
		total += b->ent[i].len;
	/* One allocation, no copies (buf_add's NUL included). */
	if (out->cap - out->len < total + 1) {
		out->data = xreallocarray(out->data, out->len + total + 1, 1);
		out->cap = out->len + total + 1;
	}
	d = out->data + out->len;
	h.ent = xcalloc(b->count ? b->count : 1, sizeof *h.ent);
	off = (size_t)batch_data_offset(b->count);
	for (i = 0; i < b->count; i++) {
		h.ent[i] = b->ent[i];
		vault_hash(h.ent[i].hash, 32, b->ent[i].data, b->ent[i].len);
		memcpy(d + off, b->ent[i].data, b->ent[i].len);
		off += b->ent[i].len;
	}
	batch_finish(d, total, &h, k);
	free(h.ent);
	out->len += (size_t)total;
	out->data[out->len] = '\0';
}

void
batch_write_head(unsigned char *d, uint64_t total, const struct batch *b,
    const struct vault_sign_key *k)
{
	batch_finish(d, total, b, k);
}

void
batch_sign(unsigned char *d, size_t len, const struct vault_sign_key *k)
{
	unsigned char dig[64];

	(void)len;
	batch_digest(d, dig);
	vault_sign(k, d + 40, dig, sizeof dig);
}

int
batch_check_header(const unsigned char *d, size_t len, unsigned char pk[32],
    int *why, char **cause)
{
	if (len >= 8 && memcmp(d, batch_magic, 3) == 0 && d[3] > '1' &&
	    d[3] <= '9' && memcmp(d + 4, batch_magic + 4, 4) == 0) {
		*why = BATCH_E_FORMAT;
		xasprintf(cause, "batch format KIB%c: made by a newer kiosk; "
		    "open it with a newer version of kiosk", d[3]);
		return -1;
	}
	if (len < 8 || memcmp(d, batch_magic, 8) != 0) {
		/* A prefix of the magic is a truncated batch. */
		if (len < 8 && memcmp(d, batch_magic, len) == 0) {
			*why = BATCH_E_TRUNCATED;
			xasprintf(cause, "truncated: only %zu bytes", len);
		} else {
			*why = BATCH_E_FORMAT;
			xasprintf(cause, "not a kiosk batch file (bad magic)");
		}
		return -1;
	}
	if (len < BATCH_HDR_LEN) {
		*why = BATCH_E_TRUNCATED;
		xasprintf(cause, "truncated: %zu bytes, shorter than the "
		    "header", len);
		return -1;
	}
	/* Before the signature: a newer layout may put it elsewhere. */
	if (le16_get(d + 112) != BATCH_VERSION) {
		*why = BATCH_E_FORMAT;
		if (le16_get(d + 112) > BATCH_VERSION)
			xasprintf(cause, "batch format version %u: made by a "
			    "newer kiosk; open it with a newer version of "
			    "kiosk", le16_get(d + 112));
		else
			xasprintf(cause, "unknown batch format version %u "
			    "(damaged?)", le16_get(d + 112));
		return -1;
	}
	if (le64_get(d + 104) != (uint64_t)len) {
		*why = BATCH_E_TRUNCATED;
		xasprintf(cause, "truncated: the file has %zu bytes but says "
		    "it has %llu", len, (unsigned long long)le64_get(d + 104));
		return -1;
	}
	if (manifest_end(d) > (uint64_t)len) {
		*why = BATCH_E_TRUNCATED;
		xasprintf(cause, "truncated: the manifest runs past the end "
		    "of the file");
		return -1;
	}
	memcpy(pk, d + 8, 32);
	return 0;
}

int
batch_verify(const unsigned char *d, size_t len, int *why, char **cause)
{
	unsigned char dig[64];

	(void)len;	/* batch_check_header checked the manifest fits */
	batch_digest(d, dig);
	if (vault_verify(d + 8, d + 40, dig, sizeof dig) != 0) {
		*why = BATCH_E_SIGNATURE;
		xasprintf(cause, "signature: the batch is not signed by the "
		    "kiosk key it names (forged or changed)");
		return -1;
	}
	return 0;
}

static int
manifest_fail(int *why, char **cause, const char *what)
{
	*why = BATCH_E_MANIFEST;
	xasprintf(cause, "manifest: %s", what);
	return -1;
}

struct hash_check {
	const struct batch	*b;
	unsigned char		*bad;	/* per record: 1 if its hash differs */
};

static void
hash_check(void *arg, size_t i)
{
	struct hash_check *hc = arg;
	const struct batch_entry *e = &hc->b->ent[i];
	unsigned char h[32];

	vault_hash(h, 32, e->data, e->len);
	hc->bad[i] = memcmp(h, e->hash, 32) != 0;
}

uint64_t
batch_manifest_len(const unsigned char *d)
{
	return manifest_end(d);
}

int
batch_parse(const unsigned char *d, size_t len, struct batch *b, int *why,
    char **cause)
{
	return batch_parse_flags(d, len, b, 0, why, cause);
}

int
batch_parse_flags(const unsigned char *d, size_t len, struct batch *b,
    int flags, int *why, char **cause)
{
	struct hash_check hc;
	unsigned char *bad;
	const unsigned char *e;
	uint64_t total, count;
	size_t i, nlen;

	memset(b, 0, sizeof *b);
	memcpy(b->kiosk_pk, d + 8, 32);
	if (d[114] != 0 || d[115] != 0)
		return manifest_fail(why, cause, "unknown flags");
	b->number = le64_get(d + 116);
	memcpy(b->prev_hash, d + 124, 32);
	b->acked_through = le64_get(d + 156);
	b->first = le64_get(d + 164);
	b->last = le64_get(d + 172);
	count = le32_get(d + 180);
	nlen = d[184];
	if (b->number < 1 || b->number > INT64_MAX)
		return manifest_fail(why, cause, "bad batch number");
	if (!name_ok((const char *)d + 185, nlen) ||
	    !vault_is_zero(d + 185 + nlen, BATCH_NAME_MAX - nlen))
		return manifest_fail(why, cause, "bad kiosk name");
	memcpy(b->name, d + 185, nlen);
	b->name[nlen] = '\0';
	if (count < 1 || b->acked_through >= INT64_MAX ||
	    b->first != b->acked_through + 1 || b->last < b->first ||
	    b->last > INT64_MAX || b->last - b->first + 1 < count)
		return manifest_fail(why, cause, "bad sequence range");
	if (count > (len - BATCH_HDR_LEN) / BATCH_ENT_LEN)
		return manifest_fail(why, cause, "more records than bytes");
	b->count = (size_t)count;
	b->ent = xcalloc(b->count, sizeof *b->ent);
	total = BATCH_HDR_LEN + (uint64_t)BATCH_ENT_LEN * count;
	for (i = 0; i < b->count; i++) {
		e = d + BATCH_HDR_LEN + i * BATCH_ENT_LEN;
		b->ent[i].seq = le64_get(e);
		memcpy(b->ent[i].key_id, e + 8, 8);
		b->ent[i].len = le32_get(e + 16);
		memcpy(b->ent[i].hash, e + 20, 32);
		if ((i == 0 && b->ent[i].seq != b->first) ||
		    (i > 0 && b->ent[i].seq <= b->ent[i - 1].seq) ||
		    (i == b->count - 1 && b->ent[i].seq != b->last)) {
			batch_clear(b);
			return manifest_fail(why, cause, "sequence numbers out "
			    "of order or outside the range");
		}
		if (!vault_seal_len_ok(b->ent[i].len)) {
			batch_clear(b);
			return manifest_fail(why, cause, "a record has an "
			    "impossible length");
		}
		b->ent[i].off = total;
		b->ent[i].data = (flags & BATCH_NO_DATA) ? NULL : d + total;
		total += b->ent[i].len;
		if (total > len) {
			batch_clear(b);
			return manifest_fail(why, cause, "record lengths run "
			    "past the end of the file");
		}
	}
	if (total != len) {
		batch_clear(b);
		return manifest_fail(why, cause, "bytes left over after the "
		    "last record");
	}
	if (flags & BATCH_NO_DATA) {
		vault_hash(b->file_hash, 32, d, (size_t)manifest_end(d));
		return 0;
	}
	/* Hashing is most of the work: on every core, then in order. */
	bad = xcalloc(b->count ? b->count : 1, 1);
	hc.b = b;
	hc.bad = bad;
	par_for(b->count, hash_check, &hc);
	for (i = 0; i < b->count; i++) {
		if (bad[i] && (flags & BATCH_KEEP_DAMAGED))
			b->ent[i].damaged = 1;
		else if (bad[i]) {
			free(bad);
			*why = BATCH_E_RECORD_HASH;
			xasprintf(cause, "record hash: sealed record seq %llu "
			    "does not match the manifest",
			    (unsigned long long)b->ent[i].seq);
			batch_clear(b);
			return -1;
		}
	}
	free(bad);
	vault_hash(b->file_hash, 32, d, (size_t)manifest_end(d));
	return 0;
}

void
batch_clear(struct batch *b)
{
	free(b->ent);
	b->ent = NULL;
	b->count = 0;
}

void
batch_hash(const unsigned char *d, unsigned char out[32])
{
	vault_hash(out, 32, d, (size_t)manifest_end(d));
}

int
batch_read(const unsigned char *d, size_t len, struct batch *b, int *why,
    char **cause)
{
	unsigned char pk[32];

	memset(b, 0, sizeof *b);
	if (batch_check_header(d, len, pk, why, cause) != 0 ||
	    batch_verify(d, len, why, cause) != 0)
		return -1;
	return batch_parse(d, len, b, why, cause);
}

/* ---- acks ---- */

/*
 * What the office signs: the context string (12 bytes, no NUL), the magic
 * and the office key, then everything after the signature. (Format KIA1
 * signed a context cut to 11 bytes, "kiosk ack v"; KIA2 fixed that.)
 */
#define ACK_CONTEXT	"kiosk ack v2"
#define ACK_MSG_LEN	(sizeof ACK_CONTEXT - 1 + 40 + 56)

static void
ack_msg(const unsigned char *d, unsigned char msg[ACK_MSG_LEN])
{
	size_t c = sizeof ACK_CONTEXT - 1;

	memcpy(msg, ACK_CONTEXT, c);
	memcpy(msg + c, d, 40);
	memcpy(msg + c + 40, d + 104, 56);
}

void
ack_write(const struct ack *a, const struct vault_office_key *k,
    unsigned char out[ACK_LEN])
{
	unsigned char msg[ACK_MSG_LEN];

	memset(out, 0, ACK_LEN);
	memcpy(out, ack_magic, 8);
	memcpy(out + 8, vault_office_public(k)->sign_pk, 32);
	memcpy(out + 104, a->kiosk_pk, 32);
	le64_put(out + 136, a->acked_through);
	le64_put(out + 144, a->counter);
	le64_put(out + 152, a->batch);
	ack_msg(out, msg);
	vault_office_sign(k, out + 40, msg, sizeof msg);
}

int
ack_read(const unsigned char *d, size_t len, const unsigned char opk[32],
    struct ack *a, char **cause)
{
	unsigned char msg[ACK_MSG_LEN];

	if (len >= 8 && memcmp(d, ack_magic, 3) == 0 && d[3] >= '1' &&
	    d[3] <= '9' && d[3] != ack_magic[3] &&
	    memcmp(d + 4, ack_magic + 4, 4) == 0) {
		if (d[3] > ack_magic[3])
			xasprintf(cause, "acknowledgement format KIA%c: made "
			    "by a newer kiosk at the office; update this "
			    "kiosk", d[3]);
		else
			xasprintf(cause, "acknowledgement format KIA%c: made "
			    "by an older kiosk at the office; open the batch "
			    "there again with this version for a new one",
			    d[3]);
		return -1;
	}
	if (len != ACK_LEN || memcmp(d, ack_magic, 8) != 0) {
		xasprintf(cause, "not an acknowledgement file");
		return -1;
	}
	if (memcmp(d + 8, opk, 32) != 0) {
		xasprintf(cause, "the acknowledgement is not from this "
		    "kiosk's office key");
		return -1;
	}
	ack_msg(d, msg);
	if (vault_verify(opk, d + 40, msg, sizeof msg) != 0) {
		xasprintf(cause, "the acknowledgement's signature is bad "
		    "(forged or changed)");
		return -1;
	}
	memset(a, 0, sizeof *a);
	memcpy(a->office_pk, d + 8, 32);
	memcpy(a->kiosk_pk, d + 104, 32);
	a->acked_through = le64_get(d + 136);
	a->counter = le64_get(d + 144);
	a->batch = le64_get(d + 152);
	if (a->acked_through > INT64_MAX || a->counter < 1 ||
	    a->counter > INT64_MAX) {
		xasprintf(cause, "the acknowledgement has impossible numbers");
		return -1;
	}
	return 0;
}

/* ---- files ---- */

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
 * spool, then batch_file_commit puts it in place (see batch.h).
 */
struct batch_file {
	char		*dir, *tmp, *final;
	int		 fd, replace;
	struct spool	*sp;		/* started by the first write */
	unsigned char	*head;		/* batch_file_set_head: bytes at 0 */
	size_t		 headlen;
};

int
batch_file_open(const char *dir, const char *name, int replace,
    struct batch_file **out, char **cause)
{
	struct batch_file *f;
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
batch_file_reserve(struct batch_file *f, uint64_t len, char **cause)
{
	if (f->sp != NULL || (len % BATCH_FILE_BLOCK) != 0)
		return save_fail(cause, f->tmp, "cannot reserve the head",
		    EINVAL);
	if (lseek(f->fd, (off_t)len, SEEK_SET) != (off_t)len)
		return save_fail(cause, f->tmp, "cannot reserve the head",
		    errno);
	return 0;
}

void
batch_file_set_head(struct batch_file *f, const void *data, size_t len)
{
	free(f->head);
	f->head = xmalloc(len ? len : 1);
	memcpy(f->head, data, len);
	f->headlen = len;
}

int
batch_file_write(struct batch_file *f, const void *data, size_t len,
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
		return save_fail(cause, f->tmp, "cannot write", err);
	return 0;
}

static void
file_free(struct batch_file *f)
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
batch_file_abort(struct batch_file *f)
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
write_head(struct batch_file *f, char **cause)
{
	size_t off = 0;
	ssize_t n;
	int fl;

	/* Through the page cache: it need not be whole blocks. */
	if ((fl = fcntl(f->fd, F_GETFL)) == -1 ||
	    fcntl(f->fd, F_SETFL, fl & ~O_DIRECT) == -1)
		return save_fail(cause, f->tmp, "cannot write", errno);
	while (off < f->headlen) {
		n = pwrite(f->fd, f->head + off, f->headlen - off,
		    (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return save_fail(cause, f->tmp, "cannot write",
			    n == 0 ? EIO : errno);
		off += (size_t)n;
	}
	return 0;
}

int
batch_file_commit(struct batch_file *f, char **path, char **cause)
{
	struct stat sb;
	int dfd, err, rc;

	rc = f->sp != NULL ? spool_finish(f->sp, &err) : 0; /* joins */
	f->sp = NULL;
	if (rc != 0) {
		save_fail(cause, f->tmp, "cannot write", err);
		goto fail;
	}
	if (f->headlen > 0 && write_head(f, cause) != 0)
		goto fail;
	/* Tests stop here to pull the folder away mid-write. */
	if (getenv("KIOSK_TEST_STOP_AFTER_WRITE") != NULL)
		raise(SIGSTOP);
	if (fsync(f->fd) != 0) {
		save_fail(cause, f->tmp, "cannot flush to disk", errno);
		goto fail;
	}
	err = close(f->fd);
	f->fd = -1;
	if (err != 0) {
		save_fail(cause, f->tmp, "cannot close", errno);
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
	if ((dfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (fsync(dfd) != 0 && errno != EINVAL)) {
		save_fail(cause, f->dir, "cannot flush the folder", errno);
		if (dfd != -1)
			close(dfd);
		unlink(f->final);
		file_free(f);
		return -1;
	}
	close(dfd);
	if (path != NULL) {
		*path = f->final;
		f->final = NULL;
	}
	file_free(f);
	return 0;
fail:
	batch_file_abort(f);
	return -1;
}

int
batch_save(const char *dir, const char *name, const void *data, size_t len,
    int replace, char **path, char **cause)
{
	struct batch_file *f;

	if (batch_file_open(dir, name, replace, &f, cause) != 0)
		return -1;
	if (batch_file_write(f, data, len, cause) != 0) {
		batch_file_abort(f);
		return -1;
	}
	return batch_file_commit(f, path, cause);
}

int
batch_load(const char *path, size_t max, unsigned char **data, size_t *len,
    char **cause)
{
	struct stat sb;
	unsigned char *d = NULL;
	size_t off = 0, cap;
	ssize_t n;
	int fd;

	/*
	 * O_NONBLOCK: a FIFO (or device) under a batch or ack name must be
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
	cap = (size_t)sb.st_size + 1;
	if ((uint64_t)sb.st_size > max)
		cap = max + 1;
	d = xmalloc(cap);
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
		if (off > max) {
			xasprintf(cause, "%s: larger than %zu bytes", path,
			    max);
			goto fail;
		}
		if (off == cap) {
			cap *= 2;
			if (cap > max + 1)
				cap = max + 1;
			d = xreallocarray(d, cap, 1);
		}
	}
	close(fd);
	*data = d;
	*len = off;
	return 0;
fail:
	close(fd);
	free(d);
	return -1;
}

int
batch_open_head(const char *path, int *fdp, unsigned char **head,
    size_t *len, char **cause)
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
	if ((uint64_t)sb.st_size > BATCH_MAX_LEN) {
		xasprintf(cause, "larger than a batch can be (%llu bytes); not "
		    "read", (unsigned long long)sb.st_size);
		close(fd);
		return -1;
	}
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	n = (uint64_t)sb.st_size < BATCH_HDR_LEN ? (size_t)sb.st_size :
	    BATCH_HDR_LEN;
	d = xmalloc(BATCH_HDR_LEN);
	memset(d, 0, BATCH_HDR_LEN);
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
 * Reading a file back from the device, piece by piece (see batch.h),
 * through a spool: the next pieces are read on a second thread while the
 * caller compares.
 */
struct batch_reread {
	char			*path;
	int			 fd;
	struct spool		*sp;
	const unsigned char	*buf;
	size_t			 pos, have;	/* buf[pos, have) is left */
};

int
batch_reread_open(const char *path, uint64_t len, struct batch_reread **out,
    char **cause)
{
	struct batch_reread *r;
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
reread_fill(struct batch_reread *r, char **cause)
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
reread_each(struct batch_reread *r, size_t len,
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
batch_reread_read(struct batch_reread *r, void *data, size_t len,
    char **cause)
{
	unsigned char *to = data;

	return reread_each(r, len, reread_copy, &to, cause);
}

int
batch_reread_cmp(struct batch_reread *r, const void *data, size_t len,
    char **cause)
{
	const unsigned char *want = data;

	return reread_each(r, len, reread_same, &want, cause);
}

int
batch_reread_close(struct batch_reread *r, int check, char **cause)
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

/* ---- kiosk identity ---- */

#define IDENTITY_MAGIC "kiosk identity v1\n"

void
identity_format(const char *name, const unsigned char pk[32], struct buf *b)
{
	char hex[65], fpr[VAULT_FPR_LEN];

	hex_encode(hex, pk, 32);
	vault_fingerprint(fpr, pk, NULL);
	buf_adds(b, IDENTITY_MAGIC);
	buf_addf(b, "name %s\nsign %s\nfingerprint %s\n", name, hex, fpr);
}

int
identity_parse(const void *data, size_t len, char name[BATCH_NAME_MAX + 1],
    unsigned char pk[32], char **cause)
{
	const char *d = data, *s, *nl, *e = d + len;
	struct buf want = { 0 };
	size_t mlen = strlen(IDENTITY_MAGIC);
	int rc = -1;

	if (len > mlen && memcmp(d, IDENTITY_MAGIC, mlen - 2) == 0 &&
	    d[mlen - 2] >= '2' && d[mlen - 2] <= '9') {
		xasprintf(cause, "kiosk identity format v%c: made by a newer "
		    "kiosk; use a newer version of kiosk", d[mlen - 2]);
		return -1;
	}
	if (len < mlen || memcmp(d, IDENTITY_MAGIC, mlen) != 0) {
		xasprintf(cause, "not a kiosk identity file (first line must "
		    "be \"kiosk identity v1\")");
		return -1;
	}
	s = d + mlen;
	if ((nl = memchr(s, '\n', (size_t)(e - s))) == NULL ||
	    (size_t)(e - s) < 5 || memcmp(s, "name ", 5) != 0 ||
	    !name_ok(s + 5, (size_t)(nl - s - 5))) {
		xasprintf(cause, "line 2 should be \"name NAME\" (letters, "
		    "digits, - or _)");
		return -1;
	}
	memcpy(name, s + 5, (size_t)(nl - s - 5));
	name[nl - s - 5] = '\0';
	s = nl + 1;
	if ((nl = memchr(s, '\n', (size_t)(e - s))) == NULL ||
	    nl - s != 5 + 64 || memcmp(s, "sign ", 5) != 0 ||
	    hex_decode(pk, 32, s + 5, 64) != 0) {
		xasprintf(cause, "line 3 should be \"sign <64 hex digits>\"");
		return -1;
	}
	identity_format(name, pk, &want);
	if (!buf_same_text(&want, d, len)) {
		xasprintf(cause, "fingerprint line does not match the key, "
		    "or extra text after it");
		goto out;
	}
	rc = 0;
out:
	buf_free(&want);
	return rc;
}
