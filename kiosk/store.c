/*
 * store: SQLite for the kiosk outbox and the office ledger (see store.h).
 *
 * Kiosk schema (STRICT; ciphertext and counters only):
 *
 *	head(k=1, next_seq, prev_hash, last_batch, last_batch_hash,
 *	     acked_through, ack_counter, exported_through, exported_batch)
 *	envelope(seq PRIMARY KEY, key_id, hash, sealed)
 *
 * Two choices keep a commit to one row and an export mark to one row:
 *
 *  - envelope.hash is BLAKE2b-256 of sealed, computed by the caller as it
 *    seals. The chain head is derived: head.next_seq and head.prev_hash
 *    are only written by store_set_head (export, ack); an envelope with a
 *    seq at or past head.next_seq supersedes them (store_get_head), so a
 *    submission is one INSERT and nothing else.
 *  - The export state is a range, not a column per row: a batch always
 *    holds seq acked_through+1 .. last, so marking it exported sets
 *    head.exported_through and head.exported_batch. (An UPDATE of every
 *    row would rewrite every row's overflow page: the whole outbox.)
 *
 * Databases made before these two (envelope.batch per row, no hash) are
 * upgraded on open: the columns are added, old rows keep a NULL hash
 * (the caller hashes those itself) and exported_through comes from the
 * old per-row marks.
 *
 * Ledger schema:
 *
 *	kiosk(pk PRIMARY KEY, name UNIQUE, how, ack_counter)
 *	batch(pk, number, hash)          one row per batch opened
 *	seen(pk, seq, hash)              one row per record opened
 *
 * Must never store plaintext: the only blobs written at the kiosk are
 * sealed envelopes and hashes. Must never print or exit.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "util.h"

#define STORE_NCACHE	64

#define STORE_AHEAD	((off_t)4 << 20)	/* store_prefetch: one hint */

struct store {
	sqlite3		*db;
	char		*path;
	int		 kind;
	int		 ahead_fd;	/* store_prefetch; -1: none */
	pthread_t	 ahead;		/* its thread, */
	int		 ahead_on;	/* if started and not joined */
	struct {
		const char	*sql;
		sqlite3_stmt	*st;
	}		 cache[STORE_NCACHE];
};

static const char *kiosk_schema =
	"CREATE TABLE IF NOT EXISTS head("
	" k INTEGER PRIMARY KEY CHECK (k = 1),"
	" next_seq INTEGER NOT NULL,"
	" prev_hash BLOB NOT NULL,"
	" last_batch INTEGER NOT NULL,"
	" last_batch_hash BLOB NOT NULL,"
	" acked_through INTEGER NOT NULL,"
	" ack_counter INTEGER NOT NULL,"
	" exported_through INTEGER NOT NULL DEFAULT 0,"
	" exported_batch INTEGER NOT NULL DEFAULT 0) STRICT;"
	"CREATE TABLE IF NOT EXISTS envelope("
	" seq INTEGER PRIMARY KEY,"
	" key_id BLOB NOT NULL,"
	" hash BLOB,"			/* before sealed: on the leaf page */
	" sealed BLOB NOT NULL) STRICT;";

/* Upgrades of a kiosk database made by an earlier version (see above). */
static const char *kiosk_upgrade_head =
	"ALTER TABLE head ADD COLUMN exported_through INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE head ADD COLUMN exported_batch INTEGER NOT NULL"
	" DEFAULT 0;"
	"UPDATE head SET"
	" exported_through = (SELECT ifnull(max(seq), 0) FROM envelope"
	"  WHERE batch IS NOT NULL),"
	" exported_batch = (SELECT ifnull(max(batch), 0) FROM envelope);";
static const char *kiosk_upgrade_envelope =
	"ALTER TABLE envelope ADD COLUMN hash BLOB;";
/* Which database and which kiosk identity (see store_get_ident). */
static const char *kiosk_upgrade_ident =
	"ALTER TABLE head ADD COLUMN db_id BLOB;"
	"ALTER TABLE head ADD COLUMN kiosk_pk BLOB;";
static const char *kiosk_first_head =
	"INSERT OR IGNORE INTO head (k, next_seq, prev_hash, last_batch,"
	" last_batch_hash, acked_through, ack_counter)"
	" VALUES (1, 1, zeroblob(32), 0, zeroblob(32), 0, 0);";

static const char *ledger_schema =
	"CREATE TABLE IF NOT EXISTS kiosk("
	" pk BLOB PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" how INTEGER NOT NULL,"
	" ack_counter INTEGER NOT NULL DEFAULT 0,"
	" revoked_through INTEGER,"	/* NULL: not revoked */
	" revoked_on TEXT) STRICT;"
	"CREATE TABLE IF NOT EXISTS batch("
	" pk BLOB NOT NULL REFERENCES kiosk(pk),"
	" number INTEGER NOT NULL,"
	" hash BLOB NOT NULL,"
	" PRIMARY KEY (pk, number)) STRICT;"
	"CREATE TABLE IF NOT EXISTS seen("
	" pk BLOB NOT NULL REFERENCES kiosk(pk),"
	" seq INTEGER NOT NULL,"
	" hash BLOB NOT NULL,"
	" PRIMARY KEY (pk, seq)) STRICT, WITHOUT ROWID;"
	/* Records that arrived damaged (bytes not matching the signed */
	/* hash): lost until they arrive intact, or staff accept the loss. */
	"CREATE TABLE IF NOT EXISTS lost("
	" pk BLOB NOT NULL REFERENCES kiosk(pk),"
	" seq INTEGER NOT NULL,"
	" hash BLOB NOT NULL,"
	" accepted INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (pk, seq)) STRICT, WITHOUT ROWID;"
	/* Output files a batch is writing (see office.c): size before, */
	/* -1 if made by it; tmp: a replacement; redo: 1 once committed. */
	"CREATE TABLE IF NOT EXISTS pending_output("
	" path TEXT PRIMARY KEY,"
	" dir TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" tmp TEXT,"
	" redo INTEGER NOT NULL DEFAULT 0) STRICT;";

static int
store_fail(struct store *s, char **cause, const char *what)
{
	int ec = sqlite3_extended_errcode(s->db);

	if ((ec & 0xff) == SQLITE_FULL)
		xasprintf(cause, "%s: the disk is full (%s); nothing new was "
		    "saved, earlier data is intact", s->path, what);
	else
		xasprintf(cause, "%s: %s: %s (code %d)", s->path, what,
		    sqlite3_errmsg(s->db), ec);
	return -1;
}

static int
store_exec(struct store *s, const char *sql, char **cause)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, cause, "cannot run a statement");
	return 0;
}

/* Does table have column? (Preparing a SELECT of it fails if not.) */
static int
has_column(struct store *s, const char *table, const char *column)
{
	sqlite3_stmt *st;
	char *sql;
	int rc;

	xasprintf(&sql, "SELECT %s FROM %s LIMIT 0", column, table);
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	sqlite3_finalize(st);
	free(sql);
	return rc == SQLITE_OK;
}

/* A ledger made before revocation. */
static const char *ledger_upgrade_kiosk =
	"ALTER TABLE kiosk ADD COLUMN revoked_through INTEGER;"
	"ALTER TABLE kiosk ADD COLUMN revoked_on TEXT;";

static int
ledger_upgrade(struct store *s)
{
	if (has_column(s, "kiosk", "revoked_through"))
		return SQLITE_OK;
	return sqlite3_exec(s->db, ledger_upgrade_kiosk, NULL, NULL, NULL);
}

static int
kiosk_upgrade(struct store *s)
{
	int rc = SQLITE_OK;

	if (!has_column(s, "head", "exported_through"))
		rc = sqlite3_exec(s->db, kiosk_upgrade_head, NULL, NULL, NULL);
	if (rc == SQLITE_OK && !has_column(s, "envelope", "hash"))
		rc = sqlite3_exec(s->db, kiosk_upgrade_envelope, NULL, NULL,
		    NULL);
	if (rc == SQLITE_OK && !has_column(s, "head", "db_id"))
		rc = sqlite3_exec(s->db, kiosk_upgrade_ident, NULL, NULL,
		    NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, kiosk_first_head, NULL, NULL, NULL);
	return rc;
}

struct store *
store_open(const char *path, int kind, char **cause)
{
	struct store *s;
	int rc, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_FULLMUTEX;
	char *err = NULL;
	int fd;

	/* Create it owner-only before SQLite does (with the umask). */
	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) != -1)
		close(fd);
	s = xcalloc(1, sizeof *s);
	s->ahead_fd = -1;
	s->path = xstrdup(path);
	s->kind = kind & 0xff;
	if ((rc = sqlite3_open_v2(path, &s->db, flags, NULL)) != SQLITE_OK) {
		if (s->db == NULL)
			xasprintf(cause, "%s: cannot open database", path);
		else
			store_fail(s, cause, "cannot open database");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 5000);
	/* Every pragma on every open: most are per connection. */
	if (store_exec(s, "PRAGMA auto_vacuum=FULL;", cause) != 0 ||
	    store_exec(s, "PRAGMA journal_mode=WAL;", cause) != 0 ||
	    store_exec(s, (kind & STORE_NOSYNC) ? "PRAGMA synchronous=OFF;" :
	    "PRAGMA synchronous=FULL;", cause) != 0 ||
	    store_exec(s, "PRAGMA secure_delete=ON;", cause) != 0 ||
	    store_exec(s, "PRAGMA temp_store=MEMORY;", cause) != 0 ||
	    store_exec(s, "PRAGMA foreign_keys=ON;", cause) != 0 ||
	    store_exec(s, "PRAGMA trusted_schema=OFF;", cause) != 0)
		goto fail;
	if (store_begin(s, cause) != 0)
		goto fail;
	if (sqlite3_exec(s->db, s->kind == STORE_KIOSK ? kiosk_schema :
	    ledger_schema, NULL, NULL, &err) != SQLITE_OK ||
	    (s->kind == STORE_KIOSK && kiosk_upgrade(s) != SQLITE_OK) ||
	    (s->kind == STORE_LEDGER && ledger_upgrade(s) != SQLITE_OK)) {
		store_fail(s, cause, "cannot create the tables");
		sqlite3_free(err);
		store_rollback(s);
		goto fail;
	}
	if (store_commit(s, cause) != 0)
		goto fail;
	return s;
fail:
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < STORE_NCACHE; i++)
		sqlite3_finalize(s->cache[i].st);
	sqlite3_close(s->db);
	if (s->ahead_on)
		pthread_join(s->ahead, NULL);
	/* Only now: closing any fd of the file drops SQLite's locks. */
	if (s->ahead_fd != -1)
		close(s->ahead_fd);
	free(s->path);
	free(s);
}

/*
 * Before a pass over every row: from a cold page cache (a kiosk just
 * rebooted) a b-tree walk reads one page at a time, 4 KiB per read and
 * seek. Ask the kernel to read the whole file ahead in large reads
 * instead, on a thread of its own so that the pass (and what it writes)
 * goes on meanwhile. Linux reads at most one readahead window per call,
 * so the hints go a piece at a time; pieces already cached cost a lookup
 * each. A hint; it fails quietly. The fd stays open until store_close,
 * because closing a second fd of the database would release the POSIX
 * locks SQLite holds on it.
 */
static void *
prefetch_main(void *arg)
{
#ifdef POSIX_FADV_WILLNEED
	struct store *s = arg;
	struct stat sb;
	off_t off;

	if (fstat(s->ahead_fd, &sb) != 0)
		return NULL;
	for (off = 0; off < sb.st_size; off += STORE_AHEAD)
		(void)posix_fadvise(s->ahead_fd, off, STORE_AHEAD,
		    POSIX_FADV_WILLNEED);
#else
	(void)arg;
#endif
	return NULL;
}

void
store_prefetch(struct store *s)
{
	sigset_t all, old;

	if (s->ahead_on) {
		pthread_join(s->ahead, NULL);
		s->ahead_on = 0;
	}
	if (s->ahead_fd == -1)
		s->ahead_fd = open(s->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (s->ahead_fd == -1)
		return;
	/* Signals stay with the caller's thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	s->ahead_on = pthread_create(&s->ahead, NULL, prefetch_main, s) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!s->ahead_on)
		prefetch_main(s);
}

/*
 * Prepare (once, cached by the address of the static SQL text), reset and
 * bind. Format: 'i' uint64_t, 'I' int, 'b' pointer + size_t (copied), 'B'
 * pointer + size_t (not copied: valid until the step), 't' string.
 */
static sqlite3_stmt *
stmt(struct store *s, char **cause, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	size_t i;
	int n, rc = SQLITE_OK;

	for (i = 0; i < STORE_NCACHE; i++) {
		if (s->cache[i].sql == sql) {
			st = s->cache[i].st;
			break;
		}
	}
	if (st == NULL) {
		if (sqlite3_prepare_v3(s->db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
			store_fail(s, cause, "cannot prepare a statement");
			return NULL;
		}
		for (i = 0; i < STORE_NCACHE; i++) {
			if (s->cache[i].sql == NULL) {
				s->cache[i].sql = sql;
				s->cache[i].st = st;
				break;
			}
		}
		if (i == STORE_NCACHE)
			fatal("store: statement cache full");
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	va_start(ap, fmt);
	for (n = 1; *fmt != '\0' && rc == SQLITE_OK; fmt++, n++) {
		switch (*fmt) {
		case 'i':
			rc = sqlite3_bind_int64(st, n,
			    (sqlite3_int64)va_arg(ap, uint64_t));
			break;
		case 'I':
			rc = sqlite3_bind_int(st, n, va_arg(ap, int));
			break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t len = va_arg(ap, size_t);

			rc = sqlite3_bind_blob64(st, n, p, len,
			    SQLITE_TRANSIENT);
			break;
		}
		case 'B': {	/* blob the caller keeps until the step */
			const void *p = va_arg(ap, const void *);
			size_t len = va_arg(ap, size_t);

			rc = sqlite3_bind_blob64(st, n, p, len, SQLITE_STATIC);
			break;
		}
		case 't':
			rc = sqlite3_bind_text(st, n, va_arg(ap, const char *),
			    -1, SQLITE_TRANSIENT);
			break;
		}
	}
	va_end(ap);
	if (rc != SQLITE_OK) {
		store_fail(s, cause, "cannot bind a value");
		return NULL;
	}
	return st;
}

static int
step_done(struct store *s, sqlite3_stmt *st, char **cause, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, cause, what);
	return 0;
}

/*
 * The end of a one-row SELECT whose step returned rc (the row already
 * read): reset st; -1 if the step failed, or found no row and need_row.
 */
static int
row_end(struct store *s, sqlite3_stmt *st, int rc, int need_row,
    char **cause, const char *what)
{
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || (rc == SQLITE_DONE && !need_row))
		return 0;
	return store_fail(s, cause, what);
}

/*
 * Step st (from stmt(); NULL: it failed) for one row and set *v to its
 * first column; *v is left alone if there is no row.
 */
static int
one_int64(struct store *s, sqlite3_stmt *st, int need_row, int64_t *v,
    char **cause, const char *what)
{
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	return row_end(s, st, rc, need_row, cause, what);
}

/* Column col, a blob of exactly n bytes, into out; -1 if not n bytes. */
static int
blob_n(sqlite3_stmt *st, int col, unsigned char *out, int n)
{
	if (sqlite3_column_bytes(st, col) != n)
		return -1;
	memcpy(out, sqlite3_column_blob(st, col), (size_t)n);
	return 0;
}

int
store_begin(struct store *s, char **cause)
{
	return store_exec(s, "BEGIN IMMEDIATE;", cause);
}

int
store_commit(struct store *s, char **cause)
{
	if (sqlite3_exec(s->db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK) {
		store_fail(s, cause, "cannot commit");
		store_rollback(s);
		return -1;
	}
	return 0;
}

void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
}

int
store_integrity(struct store *s, char **cause)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check;", -1, &st,
	    NULL) != SQLITE_OK)
		return store_fail(s, cause, "cannot check integrity");
	if (sqlite3_step(st) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0)
		rc = 0;
	else
		xasprintf(cause, "%s: integrity check failed", s->path);
	sqlite3_finalize(st);
	return rc;
}

/* ---- kiosk ---- */

int
store_get_head(struct store *s, struct store_head *h, char **cause)
{
	static const char sql[] = "SELECT next_seq, prev_hash, last_batch,"
	    " last_batch_hash, acked_through, ack_counter, exported_through,"
	    " exported_batch FROM head";
	static const char last[] = "SELECT seq, hash FROM envelope"
	    " ORDER BY seq DESC LIMIT 1";
	sqlite3_stmt *st;
	uint64_t seq;
	int rc;

	if ((st = stmt(s, cause, sql, "")) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(s, cause, "cannot read the chain head");
	}
	h->next_seq = (uint64_t)sqlite3_column_int64(st, 0);
	h->last_batch = (uint64_t)sqlite3_column_int64(st, 2);
	h->acked_through = (uint64_t)sqlite3_column_int64(st, 4);
	h->ack_counter = (uint64_t)sqlite3_column_int64(st, 5);
	h->exported_through = (uint64_t)sqlite3_column_int64(st, 6);
	h->exported_batch = (uint64_t)sqlite3_column_int64(st, 7);
	rc = blob_n(st, 1, h->prev_hash, 32) |
	    blob_n(st, 3, h->last_batch_hash, 32);
	sqlite3_reset(st);
	if (rc != 0 || h->next_seq < 1)
		goto damaged;

	/* A newer envelope supersedes the stored next_seq and prev_hash. */
	if ((st = stmt(s, cause, last, "")) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    (seq = (uint64_t)sqlite3_column_int64(st, 0)) >= h->next_seq) {
		h->next_seq = seq + 1;
		if (blob_n(st, 1, h->prev_hash, 32) != 0) {
			sqlite3_reset(st);
			goto damaged;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, cause, "cannot read the chain head");
	return 0;
damaged:
	xasprintf(cause, "%s: the chain head is damaged", s->path);
	return -1;
}

int
store_set_head(struct store *s, const struct store_head *h, char **cause)
{
	static const char sql[] = "UPDATE head SET next_seq = ?,"
	    " prev_hash = ?, last_batch = ?, last_batch_hash = ?,"
	    " acked_through = ?, ack_counter = ?";
	sqlite3_stmt *st;

	if ((st = stmt(s, cause, sql, "ibibii", h->next_seq, h->prev_hash,
	    (size_t)32, h->last_batch, h->last_batch_hash, (size_t)32,
	    h->acked_through, h->ack_counter)) == NULL)
		return -1;
	return step_done(s, st, cause, "cannot update the chain head");
}

int
store_put_envelope(struct store *s, uint64_t seq, const unsigned char kid[8],
    const unsigned char hash[32], const unsigned char *env, size_t len,
    char **cause)
{
	static const char sql[] = "INSERT INTO envelope (seq, key_id, hash,"
	    " sealed) VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st;

	if ((st = stmt(s, cause, sql, "ibbB", seq, kid, (size_t)8, hash,
	    (size_t)32, env, len)) == NULL)
		return -1;
	return step_done(s, st, cause, "cannot save the sealed submission");
}

int
store_count_envelopes(struct store *s, long *n, char **cause)
{
	static const char sql[] = "SELECT count(*) FROM envelope";
	int64_t v = 0;

	if (one_int64(s, stmt(s, cause, sql, ""), 1, &v, cause,
	    "cannot count submissions") != 0)
		return -1;
	*n = (long)v;
	return 0;
}

int
store_envelope_totals(struct store *s, uint64_t after, size_t *n,
    uint64_t *bytes, char **cause)
{
	/* length() of a blob reads its size, not its overflow pages. */
	static const char sql[] = "SELECT count(*), ifnull(sum(length(sealed)),"
	    " 0) FROM envelope WHERE seq > ?";
	sqlite3_stmt *st;

	if ((st = stmt(s, cause, sql, "i", after)) == NULL)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(s, cause, "cannot count submissions");
	}
	*n = (size_t)sqlite3_column_int64(st, 0);
	*bytes = (uint64_t)sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return 0;
}

/*
 * Walk envelopes after < seq <= through with sql, whose columns are seq,
 * key_id, hash, length(sealed), then the sealed bytes or NULL.
 */
static int
each_envelope(struct store *s, const char *sql, uint64_t after,
    uint64_t through, int (*fn)(const struct store_envelope *, void *),
    void *arg, char **cause)
{
	struct store_envelope e;
	sqlite3_stmt *st;
	int rc;

	if (through > INT64_MAX)
		through = INT64_MAX;
	if ((st = stmt(s, cause, sql, "ii", after, through)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.seq = (uint64_t)sqlite3_column_int64(st, 0);
		if (blob_n(st, 1, e.key_id, 8) != 0 ||
		    (sqlite3_column_type(st, 2) != SQLITE_NULL &&
		    blob_n(st, 2, e.hash, 32) != 0) ||
		    sqlite3_column_int64(st, 3) < 0) {
			sqlite3_reset(st);
			xasprintf(cause, "%s: envelope %llu is damaged",
			    s->path, (unsigned long long)e.seq);
			return -1;
		}
		e.has_hash = sqlite3_column_type(st, 2) != SQLITE_NULL;
		e.len = (size_t)sqlite3_column_int64(st, 3);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
			e.data = sqlite3_column_blob(st, 4);
			if (e.data == NULL && e.len > 0)
				break;		/* out of memory: rc says */
			if ((size_t)sqlite3_column_bytes(st, 4) != e.len) {
				sqlite3_reset(st);
				xasprintf(cause, "%s: envelope %llu is damaged",
				    s->path, (unsigned long long)e.seq);
				return -1;
			}
		}
		if ((rc = fn(&e, arg)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, cause, "cannot read the submissions");
	return 0;
}

int
store_each_envelope(struct store *s, uint64_t after, uint64_t through,
    int (*fn)(const struct store_envelope *, void *), void *arg,
    char **cause)
{
	static const char sql[] = "SELECT seq, key_id, hash, length(sealed),"
	    " sealed FROM envelope WHERE seq > ? AND seq <= ? ORDER BY seq";

	return each_envelope(s, sql, after, through, fn, arg, cause);
}

struct envelopes {
	struct store_envelope	*v;
	size_t			 n, cap;
};

static int
copy_envelope(const struct store_envelope *e, void *arg)
{
	struct envelopes *a = arg;
	struct store_envelope *c;
	unsigned char *d;

	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xreallocarray(a->v, a->cap, sizeof *a->v);
	}
	c = &a->v[a->n++];
	c->seq = e->seq;
	memcpy(c->key_id, e->key_id, 8);
	memcpy(c->hash, e->hash, 32);
	c->has_hash = e->has_hash;
	c->len = e->len;
	d = xmalloc(e->len ? e->len : 1);
	memcpy(d, e->data, e->len);
	c->data = d;
	return 0;
}

int
store_get_envelopes(struct store *s, uint64_t after,
    struct store_envelope **out,
    size_t *nout, char **cause)
{
	struct envelopes a = { NULL, 0, 0 };

	if (store_each_envelope(s, after, UINT64_MAX, copy_envelope, &a,
	    cause) != 0) {
		store_envelopes_free(a.v, a.n);
		return -1;
	}
	*out = a.v;
	*nout = a.n;
	return 0;
}

void
store_envelopes_free(struct store_envelope *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free((void *)v[i].data);
	free(v);
}

int
store_mark_exported(struct store *s, uint64_t first, uint64_t last,
    uint64_t batch, char **cause)
{
	static const char sql[] = "UPDATE head SET exported_through = ?,"
	    " exported_batch = ?";
	sqlite3_stmt *st;

	(void)first;	/* a batch always starts at acked_through + 1 */
	if ((st = stmt(s, cause, sql, "ii", last, batch)) == NULL)
		return -1;
	return step_done(s, st, cause, "cannot mark records exported");
}

int
store_delete_through(struct store *s, uint64_t through, long *deleted,
    char **cause)
{
	static const char sql[] = "DELETE FROM envelope WHERE seq <= ?";
	sqlite3_stmt *st;

	if ((st = stmt(s, cause, sql, "i", through)) == NULL)
		return -1;
	if (step_done(s, st, cause, "cannot delete acknowledged records") != 0)
		return -1;
	*deleted = (long)sqlite3_changes(s->db);
	return 0;
}

int
store_compact(struct store *s, char **cause)
{
	if (store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE);", cause) != 0 ||
	    store_exec(s, "VACUUM;", cause) != 0 ||
	    store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE);", cause) != 0)
		return -1;
	return 0;
}

/* ---- ledger ---- */

int
store_ledger_kiosk(struct store *s, const unsigned char pk[32], int *found,
    char **name, char **cause)
{
	static const char sql[] = "SELECT name FROM kiosk WHERE pk = ?";
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	if ((st = stmt(s, cause, sql, "b", pk, (size_t)32)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		if (name != NULL)
			*name = xstrdup((const char *)sqlite3_column_text(st,
			    0));
	}
	return row_end(s, st, rc, 0, cause, "cannot read enrolled kiosks");
}

int
store_ledger_kiosk_by_name(struct store *s, const char *name, int *found,
    unsigned char pk[32], char **cause)
{
	static const char sql[] = "SELECT pk FROM kiosk WHERE name = ?";
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	if ((st = stmt(s, cause, sql, "t", name)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		blob_n(st, 0, pk, 32);
	}
	return row_end(s, st, rc, 0, cause, "cannot read enrolled kiosks");
}

int
store_ledger_enroll(struct store *s, const unsigned char pk[32],
    const char *name, int how, char **cause)
{
	static const char sql[] = "INSERT INTO kiosk (pk, name, how)"
	    " VALUES (?, ?, ?)";
	sqlite3_stmt *st;

	if ((st = stmt(s, cause, sql, "btI", pk, (size_t)32, name,
	    how)) == NULL)
		return -1;
	return step_done(s, st, cause, "cannot enrol the kiosk");
}

static int
lookup_hash(struct store *s, const char *sql, const unsigned char pk[32],
    uint64_t n, int *found, unsigned char hash[32], char **cause)
{
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	if ((st = stmt(s, cause, sql, "bi", pk, (size_t)32, n)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		if (blob_n(st, 0, hash, 32) != 0)
			memset(hash, 0, 32);
	}
	return row_end(s, st, rc, 0, cause, "cannot read the ledger");
}

int
store_ledger_batch(struct store *s, const unsigned char pk[32],
    uint64_t number, int *found, unsigned char hash[32], char **cause)
{
	static const char sql[] = "SELECT hash FROM batch WHERE pk = ?"
	    " AND number = ?";

	return lookup_hash(s, sql, pk, number, found, hash, cause);
}

/* Insert (pk, n, hash) with sql. */
static int
put_hash(struct store *s, const char *sql, const unsigned char pk[32],
    uint64_t n, const unsigned char hash[32], char **cause, const char *what)
{
	sqlite3_stmt *st;

	if ((st = stmt(s, cause, sql, "bib", pk, (size_t)32, n, hash,
	    (size_t)32)) == NULL)
		return -1;
	return step_done(s, st, cause, what);
}

int
store_ledger_put_batch(struct store *s, const unsigned char pk[32],
    uint64_t number, const unsigned char hash[32], char **cause)
{
	return put_hash(s, "INSERT INTO batch VALUES (?, ?, ?)", pk, number,
	    hash, cause, "cannot record the batch");
}

int
store_ledger_seen(struct store *s, const unsigned char pk[32], uint64_t seq,
    int *found, unsigned char hash[32], char **cause)
{
	static const char sql[] = "SELECT hash FROM seen WHERE pk = ?"
	    " AND seq = ?";

	return lookup_hash(s, sql, pk, seq, found, hash, cause);
}

int
store_ledger_put_seen(struct store *s, const unsigned char pk[32],
    uint64_t seq, const unsigned char hash[32], char **cause)
{
	return put_hash(s, "INSERT INTO seen VALUES (?, ?, ?)", pk, seq, hash,
	    cause, "cannot record a sequence number");
}

/* The (first, last) pairs that sql selects for pk. */
static int
read_ranges(struct store *s, const char *sql, const unsigned char pk[32],
    uint64_t **ranges, size_t *nranges, char **cause)
{
	sqlite3_stmt *st;
	uint64_t *r = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if ((st = stmt(s, cause, sql, "b", pk, (size_t)32)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n + 2 > cap) {
			cap = cap ? cap * 2 : 16;
			r = xreallocarray(r, cap, sizeof *r);
		}
		r[n++] = (uint64_t)sqlite3_column_int64(st, 0);
		r[n++] = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(r);
		return store_fail(s, cause, "cannot read the ledger");
	}
	*ranges = r;
	*nranges = n / 2;
	return 0;
}

int
store_ledger_ranges(struct store *s, const unsigned char pk[32],
    uint64_t **ranges, size_t *nranges, char **cause)
{
	/* Islands: seq - row_number is constant within a run. */
	static const char sql[] = "SELECT min(seq), max(seq) FROM"
	    " (SELECT seq, seq - row_number() OVER (ORDER BY seq) AS g"
	    " FROM seen WHERE pk = ?) GROUP BY g ORDER BY 1";

	return read_ranges(s, sql, pk, ranges, nranges, cause);
}

int
store_ledger_next_ack(struct store *s, const unsigned char pk[32],
    uint64_t *counter, char **cause)
{
	static const char up[] = "UPDATE kiosk SET ack_counter ="
	    " ack_counter + 1 WHERE pk = ?";
	static const char get[] = "SELECT ack_counter FROM kiosk WHERE pk = ?";
	sqlite3_stmt *st;
	int64_t v = (int64_t)*counter;

	if ((st = stmt(s, cause, up, "b", pk, (size_t)32)) == NULL ||
	    step_done(s, st, cause, "cannot count acknowledgements") != 0 ||
	    one_int64(s, stmt(s, cause, get, "b", pk, (size_t)32), 1, &v,
	    cause, "cannot count acknowledgements") != 0)
		return -1;
	*counter = (uint64_t)v;
	return 0;
}

int
store_ledger_revoked(struct store *s, const unsigned char pk[32],
    int64_t *through, char **on, char **cause)
{
	static const char sql[] = "SELECT revoked_through, revoked_on"
	    " FROM kiosk WHERE pk = ?";
	sqlite3_stmt *st;
	int rc;

	*through = -1;
	if (on != NULL)
		*on = NULL;
	if ((st = stmt(s, cause, sql, "b", pk, (size_t)32)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*through = sqlite3_column_int64(st, 0);
		if (on != NULL && sqlite3_column_text(st, 1) != NULL)
			*on = xstrdup((const char *)sqlite3_column_text(st,
			    1));
	}
	return row_end(s, st, rc, 0, cause, "cannot read enrolled kiosks");
}

int
store_ledger_revoke(struct store *s, const unsigned char pk[32],
    int64_t through, const char *on, char **cause)
{
	static const char sql[] = "UPDATE kiosk SET revoked_through = ?,"
	    " revoked_on = ? WHERE pk = ?";
	sqlite3_stmt *st;

	if ((st = stmt(s, cause, sql, "itb", (uint64_t)through, on, pk,
	    (size_t)32)) == NULL)
		return -1;
	return step_done(s, st, cause, "cannot revoke the kiosk");
}

int
store_ledger_last_batch(struct store *s, const unsigned char pk[32],
    uint64_t *number, char **cause)
{
	static const char sql[] = "SELECT ifnull(max(number), 0) FROM batch"
	    " WHERE pk = ?";
	int64_t v = 0;
	int rc;

	rc = one_int64(s, stmt(s, cause, sql, "b", pk, (size_t)32), 1, &v,
	    cause, "cannot read the ledger");
	*number = (uint64_t)v;
	return rc;
}

int
store_ledger_each_kiosk(struct store *s,
    int (*fn)(const struct store_kiosk *, void *), void *arg, char **cause)
{
	static const char sql[] = "SELECT k.pk, k.name, k.how,"
	    " k.revoked_through, k.revoked_on,"
	    " (SELECT ifnull(max(number), 0) FROM batch b WHERE b.pk = k.pk),"
	    " (SELECT count(*) FROM seen n WHERE n.pk = k.pk)"
	    " FROM kiosk k ORDER BY k.name";
	struct store_kiosk k;
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((st = stmt(s, cause, sql, "")) == NULL)
		return -1;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&k, 0, sizeof k);
		if (blob_n(st, 0, k.pk, 32) != 0)
			continue;
		k.name = (const char *)sqlite3_column_text(st, 1);
		k.how = sqlite3_column_int(st, 2);
		k.revoked_through = sqlite3_column_type(st, 3) == SQLITE_NULL ?
		    -1 : sqlite3_column_int64(st, 3);
		k.revoked_on = (const char *)sqlite3_column_text(st, 4);
		k.last_batch = (uint64_t)sqlite3_column_int64(st, 5);
		k.records = (uint64_t)sqlite3_column_int64(st, 6);
		if (k.name == NULL)
			k.name = "";
		stop = fn(&k, arg) != 0;
	}
	sqlite3_reset(st);
	if (!stop && rc != SQLITE_DONE)
		return store_fail(s, cause, "cannot read enrolled kiosks");
	return 0;
}

/* ---- office output journal ---- */

int
store_ledger_pending_add(struct store *s, const char *dir, const char *path,
    int64_t size, const char *tmp, char **cause)
{
	static const char sql[] = "INSERT OR REPLACE INTO pending_output"
	    " (path, dir, size, tmp, redo) VALUES (?, ?, ?, ?, 0)";
	static const char sqln[] = "INSERT OR REPLACE INTO pending_output"
	    " (path, dir, size, tmp, redo) VALUES (?, ?, ?, NULL, 0)";
	sqlite3_stmt *st;

	if (tmp != NULL)
		st = stmt(s, cause, sql, "ttit", path, dir, (uint64_t)size,
		    tmp);
	else
		st = stmt(s, cause, sqln, "tti", path, dir, (uint64_t)size);
	if (st == NULL)
		return -1;
	return step_done(s, st, cause, "cannot record an output file");
}

int
store_ledger_pending_commit(struct store *s, const char *dir, char **cause)
{
	static const char del[] = "DELETE FROM pending_output WHERE dir = ?"
	    " AND tmp IS NULL";
	static const char redo[] = "UPDATE pending_output SET redo = 1"
	    " WHERE dir = ?";
	sqlite3_stmt *st;

	if ((st = stmt(s, cause, del, "t", dir)) == NULL ||
	    step_done(s, st, cause, "cannot record the output") != 0)
		return -1;
	if ((st = stmt(s, cause, redo, "t", dir)) == NULL)
		return -1;
	return step_done(s, st, cause, "cannot record the output");
}

int
store_ledger_pending_clear(struct store *s, const char *dir, char **cause)
{
	static const char sql[] = "DELETE FROM pending_output WHERE dir = ?";
	sqlite3_stmt *st;

	if ((st = stmt(s, cause, sql, "t", dir)) == NULL)
		return -1;
	return step_done(s, st, cause, "cannot clear the output journal");
}

int
store_ledger_pending_each(struct store *s, const char *dir,
    int (*fn)(const struct store_pending *, void *), void *arg,
    char **cause)
{
	static const char sql[] = "SELECT path, size, tmp, redo FROM"
	    " pending_output WHERE dir = ? ORDER BY path";
	struct store_pending p;
	sqlite3_stmt *st;
	int rc, r = 0;

	if ((st = stmt(s, cause, sql, "t", dir)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p.path = (const char *)sqlite3_column_text(st, 0);
		p.size = sqlite3_column_int64(st, 1);
		p.tmp = (const char *)sqlite3_column_text(st, 2);
		p.redo = sqlite3_column_int(st, 3);
		if (p.path != NULL && (r = fn(&p, arg)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (r != 0)
		return r;
	if (rc != SQLITE_DONE)
		return store_fail(s, cause, "cannot read the output journal");
	return 0;
}

/* ---- lost records ---- */

int
store_ledger_put_lost(struct store *s, const unsigned char pk[32],
    uint64_t seq, const unsigned char hash[32], char **cause)
{
	return put_hash(s, "INSERT OR IGNORE INTO lost (pk, seq, hash)"
	    " VALUES (?, ?, ?)", pk, seq, hash, cause,
	    "cannot record a lost submission");
}

int
store_ledger_unlost(struct store *s, const unsigned char pk[32],
    uint64_t seq, char **cause)
{
	static const char sql[] = "DELETE FROM lost WHERE pk = ? AND seq = ?";
	sqlite3_stmt *st;

	if ((st = stmt(s, cause, sql, "bi", pk, (size_t)32, seq)) == NULL)
		return -1;
	return step_done(s, st, cause, "cannot update a lost submission");
}

int
store_ledger_accept_lost(struct store *s, const unsigned char pk[32],
    uint64_t seq, int *found, char **cause)
{
	static const char sql[] = "UPDATE lost SET accepted = 1"
	    " WHERE pk = ? AND seq = ?";
	sqlite3_stmt *st;

	if ((st = stmt(s, cause, sql, "bi", pk, (size_t)32, seq)) == NULL ||
	    step_done(s, st, cause, "cannot accept a lost submission") != 0)
		return -1;
	*found = sqlite3_changes(s->db) > 0;
	return 0;
}

int
store_ledger_lost(struct store *s, const unsigned char pk[32],
    uint64_t **seqs, int **accepted, size_t *n, char **cause)
{
	static const char sql[] = "SELECT seq, accepted FROM lost"
	    " WHERE pk = ? ORDER BY seq";
	sqlite3_stmt *st;
	uint64_t *v = NULL;
	int *a = NULL, rc;
	size_t k = 0;

	if ((st = stmt(s, cause, sql, "b", pk, (size_t)32)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, k + 1, sizeof *v);
		a = xreallocarray(a, k + 1, sizeof *a);
		v[k] = (uint64_t)sqlite3_column_int64(st, 0);
		a[k++] = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(v);
		free(a);
		return store_fail(s, cause, "cannot read the ledger");
	}
	*seqs = v;
	*accepted = a;
	*n = k;
	return 0;
}

int
store_ledger_ack_through(struct store *s, const unsigned char pk[32],
    uint64_t *through, char **cause)
{
	/* The first run of seen or accepted-lost numbers, if it starts at 1. */
	static const char sql[] = "SELECT min(seq), max(seq) FROM"
	    " (SELECT seq, seq - row_number() OVER (ORDER BY seq) AS g FROM"
	    " (SELECT seq FROM seen WHERE pk = ?1 UNION"
	    " SELECT seq FROM lost WHERE pk = ?1 AND accepted = 1))"
	    " GROUP BY g ORDER BY 1 LIMIT 1";
	sqlite3_stmt *st;
	int rc;

	*through = 0;
	if ((st = stmt(s, cause, sql, "b", pk, (size_t)32)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == 1)
		*through = (uint64_t)sqlite3_column_int64(st, 1);
	return row_end(s, st, rc, 0, cause, "cannot read the ledger");
}

int
store_ledger_lost_in(struct store *s, const unsigned char pk[32],
    uint64_t first, uint64_t last, int *any, char **cause)
{
	static const char sql[] = "SELECT count(*) FROM lost WHERE pk = ?"
	    " AND seq BETWEEN ? AND ? AND accepted = 0";
	int64_t v = 0;
	int rc;

	rc = one_int64(s, stmt(s, cause, sql, "bii", pk, (size_t)32, first,
	    last), 1, &v, cause, "cannot read the ledger");
	*any = v > 0;
	return rc;
}

int
store_ledger_known_ranges(struct store *s, const unsigned char pk[32],
    uint64_t **ranges, size_t *nranges, char **cause)
{
	static const char sql[] = "SELECT min(seq), max(seq) FROM"
	    " (SELECT seq, seq - row_number() OVER (ORDER BY seq) AS g FROM"
	    " (SELECT seq FROM seen WHERE pk = ?1 UNION"
	    " SELECT seq FROM lost WHERE pk = ?1)) GROUP BY g ORDER BY 1";

	return read_ranges(s, sql, pk, ranges, nranges, cause);
}

/* ---- kiosk: which database, which identity ---- */

int
store_get_ident(struct store *s, unsigned char db_id[16],
    unsigned char pk[32], int *has, char **cause)
{
	static const char sql[] = "SELECT db_id, kiosk_pk FROM head";
	sqlite3_stmt *st;
	int rc;

	*has = 0;
	if ((st = stmt(s, cause, sql, "")) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 16 &&
	    sqlite3_column_bytes(st, 1) == 32) {
		memcpy(db_id, sqlite3_column_blob(st, 0), 16);
		memcpy(pk, sqlite3_column_blob(st, 1), 32);
		*has = 1;
	}
	return row_end(s, st, rc, 1, cause, "cannot read the chain head");
}

int
store_set_ident(struct store *s, const unsigned char db_id[16],
    const unsigned char pk[32], char **cause)
{
	static const char sql[] = "UPDATE head SET db_id = ?, kiosk_pk = ?";
	sqlite3_stmt *st;

	if ((st = stmt(s, cause, sql, "bb", db_id, (size_t)16, pk,
	    (size_t)32)) == NULL)
		return -1;
	return step_done(s, st, cause, "cannot update the chain head");
}

int
store_ledger_resync(struct store *s, const unsigned char pk[32],
    uint64_t through, uint64_t counter_floor, long *added, char **cause)
{
	static const char fill[] = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL"
	    " SELECT x + 1 FROM c WHERE x < ?) INSERT OR IGNORE INTO seen"
	    " SELECT ?, x, zeroblob(32) FROM c";
	static const char ctr[] = "UPDATE kiosk SET ack_counter ="
	    " max(ack_counter, ?) WHERE pk = ?";
	sqlite3_stmt *st;

	if ((st = stmt(s, cause, fill, "ib", through, pk, (size_t)32)) == NULL ||
	    step_done(s, st, cause, "cannot resync the ledger") != 0)
		return -1;
	*added = (long)sqlite3_changes(s->db);
	if ((st = stmt(s, cause, ctr, "ib", counter_floor, pk,
	    (size_t)32)) == NULL)
		return -1;
	return step_done(s, st, cause, "cannot resync the ledger");
}

int
store_ledger_batch_hash(struct store *s, const unsigned char pk[32],
    const unsigned char hash[32], int *found, uint64_t *number, char **cause)
{
	static const char sql[] = "SELECT number FROM batch WHERE pk = ?"
	    " AND hash = ?";
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	if ((st = stmt(s, cause, sql, "bb", pk, (size_t)32, hash,
	    (size_t)32)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		*number = (uint64_t)sqlite3_column_int64(st, 0);
	}
	return row_end(s, st, rc, 0, cause, "cannot read the ledger");
}
