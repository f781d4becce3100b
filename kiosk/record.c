/*
 * record: one submission's plaintext in secure memory, and its canonical
 * serialization.
 *
 * All bytes (column names, answers, and after parsing the head strings)
 * live in one arena from vault_secure_alloc; the index of entries is in
 * secure memory too. Both grow by allocate-new, copy, free-old (which
 * wipes), so no answer is ever left behind in plain heap memory. Must
 * never use malloc for an answer, print, or write anything anywhere.
 *
 * Serialized layout (all integers little-endian, str = u32 length then
 * that many bytes, no NUL inside):
 *
 *	"KRC1" | u8 version=1 | kiosk_id[32] | u64 seq | prev_hash[32]
 *	| u32 assisted_by | str date | str form_id | str form_version
 *	| str lang | str claim | u32 ncolumns
 *	| ncolumns x (str name | str value | u8 relevant (0 or 1))
 *
 * Parsing accepts exactly this and nothing else (no trailing bytes), so
 * parse(serialize(x)) == x and serialize(parse(b)) == b.
 */
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "util.h"
#include "vault.h"

struct record_entry {
	size_t	name_off, name_len;
	size_t	value_off, value_len;
	int	relevant;
};

struct record {
	unsigned char		*arena;		/* secure */
	size_t			 used, cap;
	struct record_entry	*ent;		/* secure */
	size_t			 n, ncap;
	size_t			 nhidden;	/* head strings after parse */
};

#define RECORD_NHEAD	5

struct record *
record_new(void)
{
	struct record *r;

	r = xcalloc(1, sizeof *r);
	r->cap = 1024;
	r->arena = vault_secure_alloc(r->cap);
	r->ncap = 16;
	r->ent = vault_secure_alloc(r->ncap * sizeof *r->ent);
	return r;
}

void
record_free(struct record *r)
{
	if (r == NULL)
		return;
	vault_secure_free(r->arena);
	vault_secure_free(r->ent);
	free(r);
}

/* Append bytes plus a NUL; returns the offset. May move the arena. */
static size_t
arena_add(struct record *r, const char *s, size_t len)
{
	unsigned char *n;
	size_t off;

	if (len > SIZE_MAX / 2 - r->used - 1)
		fatal("record too large");
	if (r->used + len + 1 > r->cap) {
		size_t cap = r->cap;

		while (r->used + len + 1 > cap)
			cap *= 2;
		n = vault_secure_alloc(cap);
		memcpy(n, r->arena, r->used);
		vault_secure_free(r->arena);
		r->arena = n;
		r->cap = cap;
	}
	off = r->used;
	memcpy(r->arena + off, s, len);
	r->arena[off + len] = '\0';
	r->used += len + 1;
	return off;
}

static void
record_add_n(struct record *r, const char *name, size_t nlen,
    const char *value, size_t vlen, int relevant)
{
	struct record_entry *e;

	if (r->n == r->ncap) {
		e = vault_secure_alloc(r->ncap * 2 * sizeof *e);
		memcpy(e, r->ent, r->n * sizeof *e);
		vault_secure_free(r->ent);
		r->ent = e;
		r->ncap *= 2;
	}
	e = &r->ent[r->n];
	e->name_off = arena_add(r, name, nlen);
	e->name_len = nlen;
	e->value_off = arena_add(r, value, vlen);
	e->value_len = vlen;
	e->relevant = relevant ? 1 : 0;
	r->n++;
}

void
record_add(struct record *r, const char *column, const char *value,
    int relevant)
{
	if (value == NULL)
		value = "";
	record_add_n(r, column, strlen(column), value, strlen(value), relevant);
}

size_t
record_ncolumns(const struct record *r)
{
	return r->n - r->nhidden;
}

void
record_column(const struct record *r, size_t i, const char **name,
    const char **value, int *relevant)
{
	const struct record_entry *e = &r->ent[r->nhidden + i];

	if (name != NULL)
		*name = (const char *)r->arena + e->name_off;
	if (value != NULL)
		*value = (const char *)r->arena + e->value_off;
	if (relevant != NULL)
		*relevant = e->relevant;
}

/* ---- serialization ---- */

/* Writes into a buffer the caller sized with record_serialized_len. */
struct wr {
	unsigned char	*p;		/* secure */
	size_t		 len;
};

static void
wr_add(struct wr *w, const void *d, size_t len)
{
	memcpy(w->p + w->len, d, len);
	w->len += len;
}

static void
wr_u32(struct wr *w, uint32_t v)
{
	unsigned char b[4] = { v, v >> 8, v >> 16, v >> 24 };

	wr_add(w, b, 4);
}

static void
wr_u64(struct wr *w, uint64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	wr_add(w, b, 8);
}

static void
wr_str(struct wr *w, const char *s, size_t len)
{
	wr_u32(w, (uint32_t)len);
	wr_add(w, s, len);
}

static int
date_ok(const char *d)
{
	int i;

	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return 0;
	for (i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return 0;
	}
	return 1;
}

/* The head strings in serialization order, "" for NULL. */
static void
head_strings(const struct record_head *h, const char *hs[RECORD_NHEAD])
{
	size_t i;

	hs[0] = h->date;
	hs[1] = h->form_id;
	hs[2] = h->form_version;
	hs[3] = h->lang;
	hs[4] = h->claim;
	for (i = 0; i < RECORD_NHEAD; i++) {
		if (hs[i] == NULL)
			hs[i] = "";
	}
}

size_t
record_serialized_len(const struct record *r, const struct record_head *h,
    char **cause)
{
	const char *hs[RECORD_NHEAD];
	size_t i, len;

	head_strings(h, hs);
	if (!date_ok(hs[0])) {
		xasprintf(cause, "record date is not YYYY-MM-DD");
		return 0;
	}
	len = 4 + 1 + 32 + 8 + 32 + 4 + 4;
	for (i = 0; i < RECORD_NHEAD; i++)
		len += 4 + strlen(hs[i]);
	for (i = r->nhidden; i < r->n && len <= RECORD_MAX_LEN; i++)
		len += 4 + r->ent[i].name_len + 4 + r->ent[i].value_len + 1;
	if (len > RECORD_MAX_LEN) {
		xasprintf(cause, "submission too large (over %d bytes)",
		    RECORD_MAX_LEN);
		return 0;
	}
	return len;
}

void
record_serialize_into(const struct record *r, const struct record_head *h,
    unsigned char *buf)
{
	struct wr w = { buf, 0 };
	const char *hs[RECORD_NHEAD];
	unsigned char v = 1;
	size_t i;

	head_strings(h, hs);
	wr_add(&w, "KRC1", 4);
	wr_add(&w, &v, 1);
	wr_add(&w, h->kiosk_id, 32);
	wr_u64(&w, h->seq);
	wr_add(&w, h->prev_hash, 32);
	wr_u32(&w, h->assisted_by);
	for (i = 0; i < RECORD_NHEAD; i++)
		wr_str(&w, hs[i], strlen(hs[i]));
	wr_u32(&w, (uint32_t)record_ncolumns(r));
	for (i = r->nhidden; i < r->n; i++) {
		const struct record_entry *e = &r->ent[i];
		unsigned char rel = (unsigned char)e->relevant;

		wr_str(&w, (const char *)r->arena + e->name_off, e->name_len);
		wr_str(&w, (const char *)r->arena + e->value_off, e->value_len);
		wr_add(&w, &rel, 1);
	}
}

int
record_serialize(const struct record *r, const struct record_head *h,
    unsigned char **out, size_t *len, char **cause)
{
	size_t n;

	if ((n = record_serialized_len(r, h, cause)) == 0)
		return -1;
	*out = vault_secure_alloc(n);
	record_serialize_into(r, h, *out);
	*len = n;
	return 0;
}

struct rd {
	const unsigned char	*p;
	size_t			 len, off;
};

static int
rd_get(struct rd *r, void *out, size_t n)
{
	if (r->len - r->off < n)
		return -1;
	memcpy(out, r->p + r->off, n);
	r->off += n;
	return 0;
}

static int
rd_u32(struct rd *r, uint32_t *v)
{
	unsigned char b[4];

	if (rd_get(r, b, 4) != 0)
		return -1;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
	return 0;
}

static int
rd_str(struct rd *r, const char **s, size_t *len)
{
	uint32_t n;

	if (rd_u32(r, &n) != 0 || r->len - r->off < n)
		return -1;
	*s = (const char *)r->p + r->off;
	*len = n;
	if (memchr(*s, '\0', n) != NULL)
		return -1;
	r->off += n;
	return 0;
}

struct record *
record_parse(const unsigned char *p, size_t len, struct record_head *h,
    char **cause)
{
	struct record *rec;

	rec = record_new();
	if (record_reparse(rec, p, len, h, cause) != 0) {
		record_free(rec);
		return NULL;
	}
	return rec;
}

int
record_reparse(struct record *rec, const unsigned char *p, size_t len,
    struct record_head *h, char **cause)
{
	struct rd r = { p, len, 0 };
	unsigned char magic[5], b[8], rel;
	const char *s, *v;
	size_t slen, vlen, i;
	uint32_t ncols, n;

	/* Wipe and reuse the record's memory. */
	vault_wipe(rec->arena, rec->used);
	vault_wipe(rec->ent, rec->n * sizeof *rec->ent);
	rec->used = rec->n = rec->nhidden = 0;
	memset(h, 0, sizeof *h);
	if (rd_get(&r, magic, 5) != 0 || memcmp(magic, "KRC1", 4) != 0)
		goto bad;
	if (magic[4] != 1) {
		memset(h, 0, sizeof *h);
		if (magic[4] > 1)
			xasprintf(cause, "record format version %u: made by a "
			    "newer kiosk; open it with a newer version of "
			    "kiosk", magic[4]);
		else
			xasprintf(cause, "unknown record format version 0");
		return -1;
	}
	if (rd_get(&r, h->kiosk_id, 32) != 0 || rd_get(&r, b, 8) != 0)
		goto bad;
	for (i = 8; i > 0; i--)
		h->seq = (h->seq << 8) | b[i - 1];
	if (rd_get(&r, h->prev_hash, 32) != 0 ||
	    rd_u32(&r, &h->assisted_by) != 0)
		goto bad;
	for (i = 0; i < RECORD_NHEAD; i++) {
		if (rd_str(&r, &s, &slen) != 0)
			goto bad;
		record_add_n(rec, "", 0, s, slen, 1);
	}
	rec->nhidden = RECORD_NHEAD;
	if (rd_u32(&r, &ncols) != 0)
		goto bad;
	for (n = 0; n < ncols; n++) {
		if (rd_str(&r, &s, &slen) != 0 || rd_str(&r, &v, &vlen) != 0 ||
		    rd_get(&r, &rel, 1) != 0 || rel > 1)
			goto bad;
		record_add_n(rec, s, slen, v, vlen, rel);
	}
	if (r.off != r.len)
		goto bad;
	h->date = (const char *)rec->arena + rec->ent[0].value_off;
	h->form_id = (const char *)rec->arena + rec->ent[1].value_off;
	h->form_version = (const char *)rec->arena + rec->ent[2].value_off;
	h->lang = (const char *)rec->arena + rec->ent[3].value_off;
	h->claim = (const char *)rec->arena + rec->ent[4].value_off;
	if (!date_ok(h->date))
		goto bad;
	return 0;
bad:
	memset(h, 0, sizeof *h);
	xasprintf(cause, "record is malformed (at byte %zu)", r.off);
	return -1;
}
