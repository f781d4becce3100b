/*
 * office: verify, open and record batches at the office (see office.h).
 *
 * For one batch, in this order (each step has its own error class):
 *
 *   load -> header (truncated / not a batch) -> enrolment (not enrolled)
 *   -> signature -> manifest (canonical, hashes) -> ledger (replay, fork)
 *   -> key ids (wrong office key) -> for each record: open, parse, seq,
 *   chain link -> plan output -> BEGIN; ledger rows; append CSV + JSONL
 *   (fsync); COMMIT
 *
 * Plaintext exists only in secure memory until the whole batch passed;
 * then it goes to the output files (0600) and nowhere else. If COMMIT
 * fails after the rows were appended, opening the batch again may add
 * them a second time: duplicates are preferred to loss. Must never print,
 * exit, or write plaintext anywhere but DIR/<form>.csv and .jsonl.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "office.h"
#include "par.h"
#include "record.h"
#include "store.h"
#include "util.h"
#include "vault.h"

/* A growable buffer in secure memory, for decrypted output. */
struct sbuf {
	unsigned char	*p;
	size_t		 len, cap;
};

struct target {
	char		*file;		/* basename: form.csv or form-v.csv */
	char		*header;	/* CSV header line, with newline */
	int		 exists;	/* on disk already (header checked) */
	struct sbuf	 rows;
	char		*jfile;		/* form.jsonl */
	struct sbuf	 json;
};

struct touched {
	unsigned char	pk[32];
	char		name[BATCH_NAME_MAX + 1];
	uint64_t	batch;
};

struct office {
	char			*outdir;
	struct store		*ledger;
	int			 tofu;
	struct vault_office_key	**keys;
	size_t			 nkeys;
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

static void
sb_add(struct sbuf *b, const void *d, size_t len)
{
	unsigned char *n;

	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (b->len + len > cap)
			cap *= 2;
		n = vault_secure_alloc(cap);
		if (b->len > 0)
			memcpy(n, b->p, b->len);
		vault_secure_free(b->p);
		b->p = n;
		b->cap = cap;
	}
	memcpy(b->p + b->len, d, len);
	b->len += len;
}

static void
sb_adds(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void
sb_free(struct sbuf *b)
{
	vault_secure_free(b->p);
	memset(b, 0, sizeof *b);
}

/* One CSV cell: neutralise formulas, quote when needed. */
static void
csv_cell(struct sbuf *b, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	const char *p;

	if (quote)
		sb_add(b, "\"", 1);
	if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
		sb_add(b, "'", 1);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			sb_add(b, "\"", 1);
		sb_add(b, p, 1);
	}
	if (quote)
		sb_add(b, "\"", 1);
}

static void
json_str(struct sbuf *b, const char *s)
{
	const unsigned char *p;
	char esc[8];

	sb_add(b, "\"", 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			sb_add(b, "\\", 1);
			sb_add(b, p, 1);
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof esc, "\\u%04x", *p);
			sb_adds(b, esc);
		} else
			sb_add(b, p, 1);
	}
	sb_add(b, "\"", 1);
}

/* A file-name-safe copy: letters, digits, - _ . kept, others '_'. */
static char *
safe_name(const char *s)
{
	char *o = xstrdup(*s != '\0' ? s : "form");
	char *p;

	for (p = o; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    (*p == '.' && p != o)))
			*p = '_';
	}
	return o;
}

struct office *
office_open(const char *outdir, const char *ledger, int tofu, char **cause)
{
	struct office *o;
	char *lpath = NULL;

	if (mkdir_p(outdir, 0700, cause) != 0)
		return NULL;
	o = xcalloc(1, sizeof *o);
	o->outdir = xstrdup(outdir);
	o->tofu = tofu;
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
	store_close(o->ledger);
	buf_free(&o->notes);
	free(o->outdir);
	free(o);
}

void
office_add_key(struct office *o, struct vault_office_key *k)
{
	o->keys = xreallocarray(o->keys, o->nkeys + 1, sizeof *o->keys);
	o->keys[o->nkeys++] = k;
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

/* Read the first line of an existing output file; NULL if none. */
static char *
existing_header(const char *dir, const char *file, int *exists)
{
	char *path, *line = NULL;
	size_t cap = 0;
	FILE *f;

	xasprintf(&path, "%s/%s", dir, file);
	*exists = 0;
	if ((f = fopen(path, "re")) != NULL) {
		*exists = 1;
		if (getline(&line, &cap, f) == -1) {
			free(line);
			line = xstrdup("");
		}
		fclose(f);
	}
	free(path);
	return line;
}

static struct target *
plan_target(struct office *o, struct target **tv, size_t *nt,
    const char *form, const char *version, const char *header)
{
	char *cand[2], *eh;
	size_t i, c;
	int exists;
	struct target *t = NULL;

	xasprintf(&cand[0], "%s.csv", form);
	xasprintf(&cand[1], "%s-%s.csv", form, version);
	for (c = 0; c < 2 && t == NULL; c++) {
		for (i = 0; i < *nt; i++) {
			if (strcmp((*tv)[i].file, cand[c]) == 0)
				break;
		}
		if (i < *nt) {
			if (strcmp((*tv)[i].header, header) == 0)
				t = &(*tv)[i];
			continue;
		}
		eh = existing_header(o->outdir, cand[c], &exists);
		if (exists && strcmp(eh, header) != 0) {
			free(eh);
			continue;
		}
		free(eh);
		*tv = xreallocarray(*tv, *nt + 1, sizeof **tv);
		t = &(*tv)[(*nt)++];
		memset(t, 0, sizeof *t);
		t->file = xstrdup(cand[c]);
		t->header = xstrdup(header);
		t->exists = exists;
		xasprintf(&t->jfile, "%s.jsonl", form);
	}
	free(cand[0]);
	free(cand[1]);
	return t;
}

static void
targets_free(struct target *tv, size_t nt)
{
	size_t i;

	for (i = 0; i < nt; i++) {
		free(tv[i].file);
		free(tv[i].header);
		free(tv[i].jfile);
		sb_free(&tv[i].rows);
		sb_free(&tv[i].json);
	}
	free(tv);
}

static int
append_file(const char *dir, const char *file, const char *header,
    const unsigned char *d, size_t len, char **cause)
{
	char *path;
	ssize_t n;
	size_t off = 0, hl = header ? strlen(header) : 0, total = hl + len;
	int fd, rc = -1;

	xasprintf(&path, "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	while (off < total) {
		if (off < hl)
			n = write(fd, header + off, hl - off);
		else
			n = write(fd, d + (off - hl), total - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	free(path);
	return rc;
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

static void
row_for(struct target *t, const char *kname, const struct record_head *h,
    const struct record *r)
{
	const char *name, *value;
	char num[32];
	size_t i, n = record_ncolumns(r);
	int rel;

	csv_cell(&t->rows, h->claim);
	sb_add(&t->rows, ",", 1);
	csv_cell(&t->rows, h->date);
	sb_add(&t->rows, ",", 1);
	csv_cell(&t->rows, h->lang);
	sb_add(&t->rows, ",", 1);
	csv_cell(&t->rows, h->form_version);
	sb_add(&t->rows, ",", 1);
	if (h->assisted_by != 0) {
		snprintf(num, sizeof num, "%u", h->assisted_by);
		sb_adds(&t->rows, num);
	}
	for (i = 0; i < n; i++) {
		record_column(r, i, NULL, &value, &rel);
		sb_add(&t->rows, ",", 1);
		if (rel)
			csv_cell(&t->rows, value);
	}
	sb_add(&t->rows, "\r\n", 2);

	sb_adds(&t->json, "{\"kiosk\":");
	json_str(&t->json, kname);
	snprintf(num, sizeof num, "%llu", (unsigned long long)h->seq);
	sb_adds(&t->json, ",\"seq\":");
	sb_adds(&t->json, num);
	sb_adds(&t->json, ",\"claim_code\":");
	json_str(&t->json, h->claim);
	sb_adds(&t->json, ",\"date\":");
	json_str(&t->json, h->date);
	sb_adds(&t->json, ",\"language\":");
	json_str(&t->json, h->lang);
	sb_adds(&t->json, ",\"form_id\":");
	json_str(&t->json, h->form_id);
	sb_adds(&t->json, ",\"form_version\":");
	json_str(&t->json, h->form_version);
	snprintf(num, sizeof num, "%u", h->assisted_by);
	sb_adds(&t->json, ",\"assisted_by\":");
	sb_adds(&t->json, num);
	sb_adds(&t->json, ",\"answers\":{");
	for (i = 0; i < n; i++) {
		record_column(r, i, &name, &value, &rel);
		if (i > 0)
			sb_add(&t->json, ",", 1);
		json_str(&t->json, name);
		sb_add(&t->json, ":", 1);
		if (rel)
			json_str(&t->json, value);
		else
			sb_adds(&t->json, "null");
	}
	sb_adds(&t->json, "}}\n");
}

static char *
header_for(const struct record *r)
{
	struct buf b = { 0 };
	const char *name, *p;
	size_t i;
	char *s;

	/* Column names are the form's, not the resident's: plain memory. */
	buf_adds(&b, "claim_code,date,language,form_version,assisted_by");
	for (i = 0; i < record_ncolumns(r); i++) {
		record_column(r, i, &name, NULL, NULL);
		buf_addc(&b, ',');
		if (strpbrk(name, ",\"\r\n") != NULL ||
		    strchr("=+-@\t\r", name[0]) != NULL) {
			buf_addc(&b, '"');
			if (name[0] != '\0' && strchr("=+-@\t\r", name[0]))
				buf_addc(&b, '\'');
			for (p = name; *p != '\0'; p++) {
				if (*p == '"')
					buf_addc(&b, '"');
				buf_addc(&b, *p);
			}
			buf_addc(&b, '"');
		} else
			buf_adds(&b, name);
	}
	buf_adds(&b, "\r\n");
	s = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

/*
 * Opening sealed records is most of the work of a batch, and each is
 * independent: a window of them is opened on every core (par_for) into
 * slots of one secure block, then checked in order as before. The
 * block is made, reused and wiped by this thread alone.
 */
#define OPEN_WINDOW_BYTES	(1u << 20)

struct open_window {
	struct office		*o;
	const struct batch	*b;
	size_t			 first;		/* record of slot 0 */
	size_t			 cap;		/* bytes per slot */
	unsigned char		*pt;		/* nslot * cap, secure */
	size_t			*ptlen;
	char			**err;		/* per slot: why it did not open */
};

static void
open_one(void *arg, size_t k)
{
	struct open_window *w = arg;
	const struct batch_entry *e = &w->b->ent[w->first + k];

	w->err[k] = NULL;
	if (vault_seal_open_into(find_key(w->o, e->key_id), e->data, e->len,
	    w->pt + k * w->cap, w->cap, &w->ptlen[k], &w->err[k]) != 0 &&
	    w->err[k] == NULL)
		w->err[k] = xstrdup("does not open");
}

int
office_batch(struct office *o, const char *path, int *replay, long *added,
    int *why, char **cause)
{
	struct batch b;
	struct target *tv = NULL, *t;
	size_t nt = 0, i, j;
	unsigned char *d = NULL, *pt, pk[32], h[32], prev[32];
	size_t len, ptlen, k, nslot = 0, wn = 0;
	struct open_window w;
	struct record *r = NULL;
	struct record_head rh;
	char *name = NULL, *m = NULL, *hdr = NULL, *form = NULL, *ver = NULL;
	char fpr[VAULT_FPR_LEN];
	uint64_t *newseq = NULL;
	size_t nnew = 0;
	int64_t through = -1;
	char *on = NULL;
	int found, seen, enrolled, rc = -1, intx = 0;

	memset(&b, 0, sizeof b);
	memset(&w, 0, sizeof w);
	*replay = 0;
	*added = 0;
	*why = 0;
	if (batch_load(path, BATCH_MAX_LEN, &d, &len, &m) != 0) {
		fail(why, BATCH_E_IO, cause, path, "%s", m);
		goto out;
	}
	if (batch_check_header(d, len, pk, why, &m) != 0) {
		fail(why, *why, cause, path, "%s", m);
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
	    batch_parse(d, len, &b, why, &m) != 0) {
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

	/* Seen this batch before? */
	if (store_ledger_batch(o->ledger, pk, b.number, &found, h, &m) != 0) {
		fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
		goto out;
	}
	if (found && memcmp(h, b.file_hash, 32) == 0) {
		*replay = 1;
		touch(o, pk, b.name, b.number);
		rc = 0;
		goto out;
	}
	if (found) {
		fail(why, OFFICE_E_FORK, cause, path, "batch %llu of kiosk %s "
		    "was already opened with different contents (cloned or "
		    "tampered kiosk?)", (unsigned long long)b.number, b.name);
		goto out;
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
	for (i = 0; i < b.count; i++) {
		const struct batch_entry *e = &b.ent[i];

		if (i == w.first + wn) {	/* the next window */
			for (k = 0; k < wn; k++) {
				free(w.err[k]);
				w.err[k] = NULL;
			}
			w.first = i;
			wn = b.count - i < nslot ? b.count - i : nslot;
			par_for(wn, open_one, &w);
		}
		k = i - w.first;
		if (store_ledger_seen(o->ledger, pk, e->seq, &found, h,
		    &m) != 0) {
			fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
			goto out;
		}
		if (found && memcmp(h, e->hash, 32) != 0) {
			fail(why, OFFICE_E_FORK, cause, path, "record %llu was "
			    "already received with different contents",
			    (unsigned long long)e->seq);
			goto out;
		}
		seen = found;
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
		}
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
		if (!seen) {
			form = safe_name(rh.form_id);
			ver = safe_name(rh.form_version);
			hdr = header_for(r);
			t = plan_target(o, &tv, &nt, form, ver, hdr);
			if (t == NULL) {
				fail(why, OFFICE_E_OUTPUT, cause, path, "record "
				    "%llu: its columns match neither %s.csv "
				    "nor %s-%s.csv; move those files away",
				    (unsigned long long)e->seq, form, form, ver);
				goto out;
			}
			row_for(t, b.name, &rh, r);
			newseq[nnew++] = i;
			free(form);
			free(ver);
			free(hdr);
			form = ver = hdr = NULL;
		}
	}
	record_free(r);
	r = NULL;

	/* Every check passed: ledger, then output, then commit. */
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
		    &m) != 0) {
			fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
			goto out;
		}
	}
	if (store_ledger_put_batch(o->ledger, pk, b.number, b.file_hash,
	    &m) != 0) {
		fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
		goto out;
	}
	for (i = 0; i < nt; i++) {
		if (append_file(o->outdir, tv[i].file, tv[i].exists ? NULL :
		    tv[i].header, tv[i].rows.p, tv[i].rows.len, &m) != 0 ||
		    append_file(o->outdir, tv[i].jfile, NULL, tv[i].json.p,
		    tv[i].json.len, &m) != 0) {
			fail(why, OFFICE_E_OUTPUT, cause, path, "%s", m);
			goto out;
		}
	}
	intx = 0;
	if (store_commit(o->ledger, &m) != 0) {
		fail(why, OFFICE_E_LEDGER, cause, path, "%s", m);
		goto out;
	}
	touch(o, pk, b.name, b.number);
	*added = (long)nnew;
	rc = 0;
out:
	if (intx)
		store_rollback(o->ledger);
	if (w.err != NULL)
		for (k = 0; k < wn; k++)
			free(w.err[k]);
	free(w.err);
	free(w.ptlen);
	vault_secure_free(w.pt);
	record_free(r);
	targets_free(tv, nt);
	batch_clear(&b);
	free(newseq);
	free(form);
	free(ver);
	free(hdr);
	free(name);
	free(on);
	free(m);
	free(d);
	return rc;
}

int
office_finish(struct office *o, struct buf *report, int *gap, char **cause)
{
	struct ack a;
	unsigned char raw[ACK_LEN];
	uint64_t *rg = NULL, through;
	size_t n, i, k;
	char *file = NULL;
	int rc = -1;

	*gap = 0;
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
		through = (n > 0 && rg[0] == 1) ? rg[1] : 0;
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
	free(file);
	return rc;
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
