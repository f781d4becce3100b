/*
 * batch: format, sign, verify and parse .kib batches and .ack files (see
 * batch.h for the layouts).
 *
 * Invariants: batch_verify runs before batch_parse looks past the fixed
 * header; batch_parse refuses anything serialize would not produce
 * (unknown versions or flags, non-zero padding, unsorted or duplicate
 * sequence numbers, lengths that do not add up, trailing bytes). Must
 * never open a file (durable.c writes and reads them), print or exit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "par.h"
#include "util.h"
#include "vault.h"

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

int
batch_name_ok(const char *s, size_t len)
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

/* The fixed header's fields, after the signature holds. */
static int
parse_header(const unsigned char *d, size_t len, struct batch *b, int *why,
    char **cause)
{
	uint64_t count;
	size_t nlen;

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
	if (!batch_name_ok((const char *)d + 185, nlen) ||
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
	return 0;
}

/*
 * The manifest's entries: seqs rising from first to last, possible
 * lengths that add up to the file's exactly. b->ent is allocated.
 */
static int
parse_manifest(const unsigned char *d, size_t len, struct batch *b,
    int flags, int *why, char **cause)
{
	const unsigned char *e;
	uint64_t total;
	size_t i;

	b->ent = xcalloc(b->count, sizeof *b->ent);
	total = BATCH_HDR_LEN + (uint64_t)BATCH_ENT_LEN * b->count;
	for (i = 0; i < b->count; i++) {
		e = d + BATCH_HDR_LEN + i * BATCH_ENT_LEN;
		b->ent[i].seq = le64_get(e);
		memcpy(b->ent[i].key_id, e + 8, 8);
		b->ent[i].len = le32_get(e + 16);
		memcpy(b->ent[i].hash, e + 20, 32);
		if ((i == 0 && b->ent[i].seq != b->first) ||
		    (i > 0 && b->ent[i].seq <= b->ent[i - 1].seq) ||
		    (i == b->count - 1 && b->ent[i].seq != b->last))
			return manifest_fail(why, cause, "sequence numbers out "
			    "of order or outside the range");
		if (!vault_seal_len_ok(b->ent[i].len))
			return manifest_fail(why, cause, "a record has an "
			    "impossible length");
		b->ent[i].off = total;
		b->ent[i].data = (flags & BATCH_NO_DATA) ? NULL : d + total;
		total += b->ent[i].len;
		if (total > len)
			return manifest_fail(why, cause, "record lengths run "
			    "past the end of the file");
	}
	if (total != len)
		return manifest_fail(why, cause, "bytes left over after the "
		    "last record");
	return 0;
}

/*
 * Each sealed record against its hash in the manifest. Hashing is most of
 * the work: on every core, then in order. With BATCH_KEEP_DAMAGED a
 * mismatch marks the entry damaged instead of failing.
 */
static int
check_records(struct batch *b, int flags, int *why, char **cause)
{
	struct hash_check hc;
	unsigned char *bad;
	size_t i;
	int rc = 0;

	bad = xcalloc(b->count ? b->count : 1, 1);
	hc.b = b;
	hc.bad = bad;
	par_for(b->count, hash_check, &hc);
	for (i = 0; i < b->count && rc == 0; i++) {
		if (bad[i] && (flags & BATCH_KEEP_DAMAGED))
			b->ent[i].damaged = 1;
		else if (bad[i]) {
			*why = BATCH_E_RECORD_HASH;
			xasprintf(cause, "record hash: sealed record seq %llu "
			    "does not match the manifest",
			    (unsigned long long)b->ent[i].seq);
			rc = -1;
		}
	}
	free(bad);
	return rc;
}

int
batch_parse_flags(const unsigned char *d, size_t len, struct batch *b,
    int flags, int *why, char **cause)
{
	memset(b, 0, sizeof *b);
	if (parse_header(d, len, b, why, cause) != 0)
		return -1;
	if (parse_manifest(d, len, b, flags, why, cause) != 0 ||
	    (!(flags & BATCH_NO_DATA) && check_records(b, flags, why,
	    cause) != 0)) {
		batch_clear(b);
		return -1;
	}
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
