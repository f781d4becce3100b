/*
 * outbox: the kiosk's side of the sealed path (see outbox.h).
 *
 * A submission's life at the kiosk:
 *
 *   record (secure memory)
 *     -- outbox_submit: BEGIN IMMEDIATE, read chain head (derived from
 *        the newest envelope), serialize into the secure scratch buffer,
 *        pad, seal to the office key, wipe, INSERT with its hash,
 *        COMMIT -->
 *   envelope, seq > exported_through (pending)
 *     -- outbox_export: batch streamed to a temp file, fsynced, renamed,
 *        read back and verified, then -->
 *   envelope, seq <= exported_through (exported; still kept, and put in
 *   every later batch)
 *     -- outbox_apply_ack: a signed ack covering its seq -->
 *   deleted (secure_delete, then VACUUM)
 *
 * Files in data_dir (0700): kiosk.db (ciphertext and counters only),
 * kiosk.state (below) and kiosk.id (0600), the kiosk's Ed25519 identity
 * (identity.h): its secret key in the clear, or sealed under a
 * passphrase (`kiosk identity --protect`). With a sealed one the outbox
 * holds only the public key; outbox_unlock opens the secret for one
 * export and outbox_lock forgets it. See SECURITY.md. Every file is
 * written through durable.h.
 *
 * Must never write plaintext anywhere, print, or exit.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "config.h"
#include "durable.h"
#include "identity.h"
#include "outbox.h"
#include "outbox-test.h"
#include "record.h"
#include "store.h"
#include "util.h"
#include "vault.h"

struct kstate {
	int		 present;
	unsigned char	 pk[32];
	int		 has_db;
	unsigned char	 db_id[16];
	uint64_t	 issued;
	uint64_t	 batch;
};

struct outbox {
	char			*name;
	char			*data_dir;
	struct store		*store;
	struct identity		 id;	/* id.key NULL while locked */
	struct vault_office_pub	 office;
	char			 fpr[VAULT_FPR_LEN];
	long			 ack_deleted;
	struct kstate		 state;		/* kiosk.state as last saved */
	int			 flags;		/* OUTBOX_NOSYNC */
	uint64_t		*damaged;	/* last export: seqs whose bytes */
	size_t			 ndamaged;	/* no longer match their hash */
	double			 phase[OUTBOX_NPHASES];	/* last export, ms */
	unsigned char		*pt;	/* secure scratch for one plaintext, */
	size_t			 ptcap;	/* wiped after every seal */
};

/*
 * data_dir/kiosk.state: what must survive the loss of kiosk.id or
 * kiosk.db, so that neither is ever silently made anew (a new identity,
 * or sequence numbers starting again at 1, which the office can only
 * reject). Text, 0600, replaced atomically:
 *	kiosk-state 1
 *	kiosk <hex Ed25519 public key>
 *	db <hex 16-byte id of kiosk.db, also in its head row> | db none
 *	issued <highest seq committed: by a submission or an export>
 *	batch <highest batch number reserved by then>
 * Written when the identity is made, when the database is made, after
 * every submission (so a kiosk.db restored from a backup that lacks a
 * later submission is noticed) and after every export. Public values
 * only.
 */
#define STATE_FILE	"kiosk.state"
#define STATE_MAX	512

static int
state_load(const char *dir, struct kstate *st, char **cause)
{
	struct buf b = { 0 };
	char *path, pkhex[65], dbhex[33], *m = NULL;
	unsigned long long issued, batch;
	int n, rc = -1;

	memset(st, 0, sizeof *st);
	xasprintf(&path, "%s/" STATE_FILE, dir);
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		free(path);
		return 0;
	}
	if (read_file(path, &b, STATE_MAX, &m) != 0) {
		xasprintf(cause, "%s", m);
		goto out;
	}
	buf_addc(&b, '\0');
	if (sscanf((char *)b.data, "kiosk-state 1\nkiosk %64[0-9a-f]\n"
	    "db %32[0-9a-fnoe]\nissued %llu\nbatch %llu\n%n", pkhex, dbhex,
	    &issued, &batch, &n) != 4 || (size_t)n != b.len - 1 || strlen(pkhex) != 64 ||
	    hex_decode(st->pk, 32, pkhex, 64) != 0 ||
	    (strcmp(dbhex, "none") != 0 && (strlen(dbhex) != 32 ||
	    hex_decode(st->db_id, 16, dbhex, 32) != 0))) {
		xasprintf(cause, "%s: damaged; it must read \"kiosk-state 1\", "
		    "\"kiosk HEX\", \"db HEX\" or \"db none\", \"issued N\", "
		    "\"batch N\" "
		    "(see README, \"Lost kiosk.id or kiosk.db\")", path);
		goto out;
	}
	st->has_db = strcmp(dbhex, "none") != 0;
	st->issued = issued;
	st->batch = batch;
	st->present = 1;
	rc = 0;
out:
	free(m);
	buf_free(&b);
	free(path);
	return rc;
}

static int
state_save(const char *dir, const struct kstate *st, char **cause)
{
	struct buf b = { 0 };
	char pkhex[65], dbhex[33];
	int rc;

	hex_encode(pkhex, st->pk, 32);
	if (st->has_db)
		hex_encode(dbhex, st->db_id, 16);
	else
		snprintf(dbhex, sizeof dbhex, "none");
	buf_addf(&b, "kiosk-state 1\nkiosk %s\ndb %s\nissued %llu\n"
	    "batch %llu\n", pkhex, dbhex, (unsigned long long)st->issued,
	    (unsigned long long)st->batch);
	rc = durable_save(dir, STATE_FILE, b.data, b.len, 1, NULL, cause);
	buf_free(&b);
	return rc;
}

static int
dir_private(const char *dir, char **cause)
{
	struct stat sb;

	if (mkdir_p(dir, 0700, cause) != 0)
		return -1;
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		xasprintf(cause, "%s: not a folder", dir);
		return -1;
	}
	if ((sb.st_mode & 077) != 0 && chmod(dir, 0700) != 0) {
		xasprintf(cause, "%s: cannot make it private: %s", dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Load data_dir/kiosk.id, making it (in the clear) on first run. */
static int
identity_load(const char *dir, struct identity *id, char **cause)
{
	struct kstate st;
	struct stat sb;
	char *path, *db = NULL, fpr[VAULT_FPR_LEN];
	int r, rc = -1;

	if ((r = identity_read(dir, id, cause)) != 1)
		return r;
	/*
	 * First run: make the identity; but never when this kiosk already
	 * had one (kiosk.state) or its database holds anything: a new
	 * identity would orphan every submission made under the old one.
	 */
	xasprintf(&path, "%s/" IDENTITY_FILE, dir);
	if (state_load(dir, &st, cause) != 0)
		goto out;
	if (st.present) {
		vault_fingerprint(fpr, st.pk, NULL);
		xasprintf(cause, "%s is missing, but this kiosk already has an "
		    "identity (fingerprint %s, in %s/" STATE_FILE ")%s. Restore "
		    "kiosk.id from its backup; a new identity would strand "
		    "them. See README, \"Lost kiosk.id or kiosk.db\"", path,
		    fpr, dir, st.has_db ? " and submissions made under it may "
		    "be waiting in kiosk.db" : "");
		goto out;
	}
	xasprintf(&db, "%s/kiosk.db", dir);
	if (stat(db, &sb) == 0 && sb.st_size > 0) {
		xasprintf(cause, "%s is missing, but %s exists and may hold "
		    "submissions sealed under it. Restore kiosk.id from its "
		    "backup. See README, \"Lost kiosk.id or kiosk.db\"", path,
		    db);
		goto out;
	}
	id->key = vault_sign_generate();
	memcpy(id->pk, vault_sign_pk(id->key), 32);
	memset(&st, 0, sizeof st);
	memcpy(st.pk, id->pk, 32);
	if (identity_save_clear(dir, id->key, 0, cause) != 0 ||
	    state_save(dir, &st, cause) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		identity_clear(id);
	free(db);
	free(path);
	return rc;
}

int
outbox_identity_protected(const struct config *cfg, int *prot, char **cause)
{
	struct identity id;

	if (dir_private(cfg->data_dir, cause) != 0 ||
	    identity_load(cfg->data_dir, &id, cause) != 0)
		return -1;
	*prot = id.sealed != NULL;
	identity_clear(&id);
	return 0;
}

int
outbox_identity_protect(const struct config *cfg, const char *old,
    const char *pass, int *wrong, char **cause)
{
	struct identity id;
	struct vault_sign_key *k;
	int rc = -1;

	*wrong = 0;
	if (dir_private(cfg->data_dir, cause) != 0 ||
	    identity_load(cfg->data_dir, &id, cause) != 0)
		return -1;
	if (id.sealed != NULL) {
		if (old == NULL) {
			xasprintf(cause, "kiosk.id: the signing key is "
			    "protected; its passphrase is needed");
			goto out;
		}
		if ((id.key = identity_unseal(&id, old, wrong, cause)) == NULL)
			goto out;
	}
	k = id.key;
	if (pass == NULL)
		rc = identity_save_clear(cfg->data_dir, k, 1, cause);
	else
		rc = identity_save_sealed(cfg->data_dir, k, pass, cause);
out:
	identity_clear(&id);
	return rc;
}

int
outbox_identity_only(const struct config *cfg, struct buf *b, char **cause)
{
	struct identity id;

	if (dir_private(cfg->data_dir, cause) != 0 ||
	    identity_load(cfg->data_dir, &id, cause) != 0)
		return -1;
	identity_format(cfg->name, id.pk, b);
	identity_clear(&id);
	return 0;
}

/*
 * Before opening kiosk.db: the identity is the one kiosk.state knows,
 * and a database this kiosk made is still there and not empty.
 */
static int
check_db_file(struct outbox *ob, const char *path, char **cause)
{
	struct kstate *st = &ob->state;
	struct stat sb;
	char fpr[VAULT_FPR_LEN];
	int missing;

	if (state_load(ob->data_dir, st, cause) != 0)
		return -1;
	if (st->present && memcmp(st->pk, ob->id.pk, 32) != 0) {
		vault_fingerprint(fpr, st->pk, NULL);
		xasprintf(cause, "%s/kiosk.id is not this kiosk's identity "
		    "(kiosk.state says fingerprint %s, kiosk.id is %s): it was "
		    "replaced. Put the right kiosk.id back. See README, \"Lost "
		    "kiosk.id or kiosk.db\"", ob->data_dir, fpr, ob->fpr);
		return -1;
	}
	if (!st->present || !st->has_db)
		return 0;
	missing = stat(path, &sb) != 0;
	if (missing || sb.st_size == 0) {
		xasprintf(cause, "%s is %s, but this kiosk made it and has "
		    "issued submissions up to %llu (kiosk.state). Starting a "
		    "new one would lose every waiting submission without a "
		    "word and reuse numbers the office already has. Restore "
		    "kiosk.db from its backup. See README, \"Lost kiosk.id or "
		    "kiosk.db\"", path, missing ? "missing" : "empty",
		    (unsigned long long)st->issued);
		return -1;
	}
	return 0;
}

/*
 * After opening it: the database is the one kiosk.state names, of this
 * identity, and not older than the last export. A new database (first
 * run, or one made before kiosk.state existed) is given its id here.
 */
static int
check_db_ident(struct outbox *ob, const char *path, char **cause)
{
	struct kstate *st = &ob->state;
	struct store_head h;
	unsigned char db_id[16], pk[32];
	char fpr[VAULT_FPR_LEN];
	int has;

	if (store_get_ident(ob->store, db_id, pk, &has, cause) != 0 ||
	    store_get_head(ob->store, &h, cause) != 0)
		return -1;
	if (has && memcmp(pk, ob->id.pk, 32) != 0) {
		vault_fingerprint(fpr, pk, NULL);
		xasprintf(cause, "%s belongs to another kiosk identity "
		    "(fingerprint %s; this kiosk.id is %s). Put back the "
		    "matching kiosk.id or kiosk.db. See README, \"Lost "
		    "kiosk.id or kiosk.db\"", path, fpr, ob->fpr);
		return -1;
	}
	if (st->present && st->has_db && (!has ||
	    memcmp(db_id, st->db_id, 16) != 0)) {
		xasprintf(cause, "%s is not the database this kiosk made "
		    "(kiosk.state names another): it was replaced. Restore "
		    "the kiosk's own kiosk.db. See README, \"Lost kiosk.id or "
		    "kiosk.db\"", path);
		return -1;
	}
	if (st->present && h.next_seq - 1 < st->issued) {
		xasprintf(cause, "%s is older than this kiosk's last "
		    "submission or export: it holds submissions only up to "
		    "%llu, but %llu were issued (kiosk.state). It was restored "
		    "from an old backup, and submissions %llu to %llu are not "
		    "in it; new ones would reuse their numbers. See README, "
		    "\"Lost kiosk.id or kiosk.db\"",
		    path, (unsigned long long)(h.next_seq - 1),
		    (unsigned long long)st->issued,
		    (unsigned long long)h.next_seq,
		    (unsigned long long)st->issued);
		return -1;
	}
	/*
	 * A database restored from a backup taken before the last export
	 * would number its next batch as that export's: skip past it.
	 */
	if (st->present && h.last_batch < st->batch) {
		h.last_batch = st->batch;
		if (store_begin(ob->store, cause) != 0)
			return -1;
		if (store_set_head(ob->store, &h, cause) != 0) {
			store_rollback(ob->store);
			return -1;
		}
		if (store_commit(ob->store, cause) != 0)
			return -1;
	}
	if (!has) {
		vault_random(db_id, sizeof db_id);
		if (store_begin(ob->store, cause) != 0)
			return -1;
		if (store_set_ident(ob->store, db_id, ob->id.pk, cause) != 0) {
			store_rollback(ob->store);
			return -1;
		}
		if (store_commit(ob->store, cause) != 0)
			return -1;
	}
	if (!st->present || !st->has_db) {
		memcpy(st->pk, ob->id.pk, 32);
		memcpy(st->db_id, db_id, 16);
		st->has_db = 1;
		if (st->issued < h.exported_through)
			st->issued = h.exported_through;
		if (st->batch < h.last_batch)
			st->batch = h.last_batch;
		if (state_save(ob->data_dir, st, cause) != 0)
			return -1;
		st->present = 1;
	}
	return 0;
}

struct outbox *
outbox_open_flags(const struct config *cfg, int flags, char **cause)
{
	struct outbox *ob;
	struct buf b = { 0 };
	char *path = NULL, *why = NULL;

	ob = xcalloc(1, sizeof *ob);
	ob->name = xstrdup(cfg->name);
	ob->flags = flags;
	ob->data_dir = xstrdup(cfg->data_dir);
	ob->ack_deleted = -1;
	ob->ptcap = VAULT_BUCKET_MIN;
	ob->pt = vault_secure_alloc(ob->ptcap);
	if (cfg->office_pub == NULL) {
		xasprintf(cause, "%s: [office] public_key is not set",
		    cfg->path);
		goto fail;
	}
	if (read_file(cfg->office_pub, &b, 4096, cause) != 0)
		goto fail;
	if (vault_office_pub_parse(b.data, b.len, &ob->office, &why) != 0) {
		xasprintf(cause, "%s: %s", cfg->office_pub, why);
		free(why);
		goto fail;
	}
	if (dir_private(cfg->data_dir, cause) != 0 ||
	    identity_load(cfg->data_dir, &ob->id, cause) != 0)
		goto fail;
	vault_fingerprint(ob->fpr, ob->id.pk, NULL);
	xasprintf(&path, "%s/kiosk.db", cfg->data_dir);
	if (check_db_file(ob, path, cause) != 0)
		goto fail;
	if ((ob->store = store_open(path, STORE_KIOSK |
	    ((flags & OUTBOX_NOSYNC) ? STORE_NOSYNC : 0), cause)) == NULL)
		goto fail;
	if (check_db_ident(ob, path, cause) != 0)
		goto fail;
	free(path);
	buf_free(&b);
	return ob;
fail:
	free(path);
	buf_free(&b);
	outbox_close(ob);
	return NULL;
}

struct outbox *
outbox_open(const struct config *cfg, char **cause)
{
	return outbox_open_flags(cfg, 0, cause);
}

void
outbox_close(struct outbox *ob)
{
	if (ob == NULL)
		return;
	store_close(ob->store);
	identity_clear(&ob->id);
	free(ob->damaged);
	vault_secure_free(ob->pt);
	free(ob->name);
	free(ob->data_dir);
	free(ob);
}

const char *
outbox_fingerprint(struct outbox *ob)
{
	return ob->fpr;
}

void
outbox_identity(struct outbox *ob, struct buf *b)
{
	identity_format(ob->name, ob->id.pk, b);
}

int
outbox_locked(struct outbox *ob)
{
	return ob->id.key == NULL;
}

int
outbox_unlock(struct outbox *ob, const char *pass, int *wrong, char **cause)
{
	*wrong = 0;
	if (ob->id.key != NULL)
		return 0;
	ob->id.key = identity_unseal(&ob->id, pass, wrong, cause);
	return ob->id.key == NULL ? -1 : 0;
}

void
outbox_lock(struct outbox *ob)
{
	if (ob->id.sealed != NULL) {
		vault_sign_free(ob->id.key);
		ob->id.key = NULL;
	}
}

/* Export and tamper sign; a sealed key must be unlocked first. */
static int
need_key(struct outbox *ob, char **cause)
{
	if (ob->id.key != NULL)
		return 0;
	xasprintf(cause, "the kiosk's signing key is protected by a "
	    "passphrase and is locked");
	return -1;
}

const double *
outbox_export_phases(struct outbox *ob)
{
	return ob->phase;
}

size_t
outbox_last_damaged(struct outbox *ob, const uint64_t **seqs)
{
	*seqs = ob->damaged;
	return ob->ndamaged;
}

long
outbox_last_ack_deleted(struct outbox *ob)
{
	return ob->ack_deleted;
}

int
outbox_check(struct outbox *ob, char **cause)
{
	return store_integrity(ob->store, cause);
}

int
outbox_submit(struct outbox *ob, const struct outbox_meta *m,
    const struct record *r, uint64_t *seq, char **cause)
{
	struct store_head h;
	struct record_head rh;
	unsigned char *env = NULL, hash[VAULT_HASH_LEN];
	size_t ptlen, bucket, envlen = 0;
	int rc = -1;

	if (store_begin(ob->store, cause) != 0)
		return -1;
	if (store_get_head(ob->store, &h, cause) != 0)
		goto out;
	memset(&rh, 0, sizeof rh);
	memcpy(rh.kiosk_id, ob->id.pk, 32);
	rh.seq = h.next_seq;
	memcpy(rh.prev_hash, h.prev_hash, 32);
	rh.date = m->date;
	rh.form_id = m->form_id;
	rh.form_version = m->form_version;
	rh.lang = m->lang;
	rh.claim = m->claim;
	rh.assisted_by = m->assisted_by < 0 ? 0 : (uint32_t)m->assisted_by;
	if ((ptlen = record_serialized_len(r, &rh, cause)) == 0)
		goto out;
	if ((bucket = vault_bucket(ptlen)) == 0) {
		xasprintf(cause, "submission too large to seal (%zu bytes)",
		    ptlen);
		goto out;
	}
	if (bucket > ob->ptcap) {	/* rare: a record over 4 KiB */
		vault_secure_free(ob->pt);
		ob->pt = vault_secure_alloc(bucket);
		ob->ptcap = bucket;
	}
	record_serialize_into(r, &rh, ob->pt);
	/* Pads and seals in place, and wipes the plaintext at once. */
	if (vault_seal_buf(ob->office.box_pk, ob->pt, ptlen, ob->ptcap, &env,
	    &envlen, cause) != 0)
		goto out;
	/* The next record's chain link; the chain head is derived from it. */
	vault_hash(hash, sizeof hash, env, envlen);
	if (store_put_envelope(ob->store, rh.seq, ob->office.key_id, hash, env,
	    envlen, cause) != 0)
		goto out;
	if (store_commit(ob->store, cause) != 0)
		goto out_nofail;
	*seq = rh.seq;
	rc = 0;
	/*
	 * kiosk.state learns the new number after the commit (before it, a
	 * failed commit would leave kiosk.state ahead of the database and
	 * the next start would refuse a good one). A failed save leaves the
	 * number behind, as it was before kiosk.state existed; the next
	 * submission or export saves it. Benchmarks' OUTBOX_NOSYNC skips it.
	 */
	if (ob->state.present && rh.seq > ob->state.issued &&
	    !(ob->flags & OUTBOX_NOSYNC)) {
		struct kstate was = ob->state;
		char *why = NULL;

		ob->state.issued = rh.seq;
		if (state_save(ob->data_dir, &ob->state, &why) != 0) {
			free(why);
			ob->state = was;
		}
	}
	goto out_nofail;
out:
	store_rollback(ob->store);
out_nofail:
	free(env);		/* ciphertext */
	return rc;
}

int
outbox_waiting(struct outbox *ob, long *n, char **cause)
{
	return store_count_envelopes(ob->store, n, cause);
}

/* Read the ack at path: signed by our office, for this kiosk. */
static int
ack_load(struct outbox *ob, const char *path, struct ack *a, char **cause)
{
	unsigned char *d = NULL;
	size_t len;
	char *why = NULL;
	int rc = -1;

	if (durable_load(path, 4096, &d, &len, cause) != 0)
		return -1;
	if (ack_read(d, len, ob->office.sign_pk, a, &why) != 0) {
		xasprintf(cause, "%s: refused: %s", path, why);
		free(why);
	} else if (memcmp(a->kiosk_pk, ob->id.pk, 32) != 0)
		xasprintf(cause, "%s: refused: the acknowledgement is for "
		    "another kiosk", path);
	else
		rc = 0;
	free(d);
	return rc;
}

/*
 * Never delete what this kiosk did not issue, or did not export: an ack
 * past either covers records the office got from somewhere else, signed
 * with this kiosk's key: a copy of kiosk.id and kiosk.db (a clone).
 */
static int
ack_numbers_ok(const char *path, const struct ack *a,
    const struct store_head *h, char **cause)
{
	if (a->acked_through >= h->next_seq) {
		xasprintf(cause, "%s: refused, nothing deleted: it "
		    "acknowledges submission %llu, but this kiosk has only "
		    "issued up to %llu. The office received numbers this kiosk "
		    "never made, from another copy of this kiosk (its kiosk.id "
		    "and kiosk.db were copied, or the office was sent a forged "
		    "batch). Tell the office, and remove this file from the "
		    "stick (see README, \"A refused acknowledgement\")", path,
		    (unsigned long long)a->acked_through,
		    (unsigned long long)(h->next_seq - 1));
		return 0;
	}
	if (a->acked_through > h->exported_through) {
		xasprintf(cause, "%s: refused, nothing deleted: it "
		    "acknowledges submissions up to %llu, but this kiosk has "
		    "exported only up to %llu. The office received "
		    "submissions %llu-%llu from another copy of this kiosk "
		    "(its kiosk.id and kiosk.db were copied, or the office "
		    "was sent a forged batch). Tell the office, and remove "
		    "this file from the stick (see README, \"A refused "
		    "acknowledgement\")", path,
		    (unsigned long long)a->acked_through,
		    (unsigned long long)h->exported_through,
		    (unsigned long long)h->exported_through + 1,
		    (unsigned long long)a->acked_through);
		return 0;
	}
	return 1;
}

/* Apply an ack; stale_ok: an ack older than one applied is not an error. */
static int
apply_ack(struct outbox *ob, const char *path, int stale_ok, long *deleted,
    char **cause)
{
	struct store_head h;
	struct ack a;

	*deleted = 0;
	if (ack_load(ob, path, &a, cause) != 0)
		return -1;
	if (store_begin(ob->store, cause) != 0)
		return -1;
	if (store_get_head(ob->store, &h, cause) != 0 ||
	    !ack_numbers_ok(path, &a, &h, cause))
		goto rollback;
	if (a.counter <= h.ack_counter) {
		store_rollback(ob->store);
		if (stale_ok) {
			/* -1: this very ack again; -2: an older one. */
			*deleted = a.counter == h.ack_counter ? -1 : -2;
			return 0;
		}
		xasprintf(cause, "%s: refused: an acknowledgement as new or "
		    "newer was already applied (replayed?)", path);
		return -1;
	}
	if (store_delete_through(ob->store, a.acked_through, deleted,
	    cause) != 0)
		goto rollback;
	if (a.acked_through > h.acked_through)
		h.acked_through = a.acked_through;
	h.ack_counter = a.counter;
	if (store_set_head(ob->store, &h, cause) != 0)
		goto rollback;
	if (store_commit(ob->store, cause) != 0)
		return -1;
	if (*deleted > 0 && store_compact(ob->store, cause) != 0)
		return -1;
	return 0;
rollback:
	store_rollback(ob->store);
	return -1;
}

int
outbox_apply_ack(struct outbox *ob, const char *path, long *deleted,
    char **cause)
{
	return apply_ack(ob, path, 0, deleted, cause);
}

/*
 * An export reads the outbox twice and the batch file once:
 *
 *   export_stream  the rows in order: each sealed record is streamed
 *                  into the file behind a reserved head, through one
 *                  reused buffer, and its seq, key id, length and hash
 *                  (kept from sealing) go into the manifest; then the
 *                  header and manifest are signed and written into the
 *                  head, before fsync;
 *   export_data    after the file is renamed into place and the folder
 *                  flushed: the sealed bytes again, compared with what
 *                  the device gives back, piece by piece.
 *
 * The number of records is known before the first one is read (the
 * sequence numbers after the acknowledged ones are all there, up to the
 * next one to be issued), so the head's size is too. It is rounded up to
 * whole blocks; the first records' bytes that fall in that round-up are
 * kept and written with the head, so every streamed write starts on a
 * block (O_DIRECT).
 *
 * Neither pass holds the whole batch in memory: 420 MB for 100,000
 * submissions would cost more in page faults than the write itself. The
 * second pass checks each row against the manifest (seq, length, key id,
 * hash), so a change between the passes fails the export.
 */
struct export_walk {
	struct batch		*b;
	size_t			 i;
	uint64_t		 bytes;
	uint64_t		 hlen;	/* header and manifest */
	unsigned char		*lead;	/* the records' first bytes, */
	size_t			 nlead;	/* up to the first block */
	size_t			 leadcap;
	struct durable		*f;	/* export_stream writes to f */
	struct durable_reread	*r;	/* export_data compares with r */
	struct outbox		*ob;
	char			**cause;
	unsigned char		*head;	/* header, manifest, lead: blocks */
	uint64_t		 blocks;	/* bytes reserved for head */
	uint64_t		 len;	/* of the whole file */
};

static int
export_changed(struct export_walk *w)
{
	xasprintf(w->cause, "the outbox changed while it was read");
	return -1;
}

static int
export_stream(const struct store_envelope *e, void *arg)
{
	struct export_walk *w = arg;
	struct batch_entry *be;
	const unsigned char *d = e->data;
	size_t len = e->len, k;

	if (w->i == w->b->count)
		return export_changed(w);
	be = &w->b->ent[w->i];
	if (e->seq != w->b->acked_through + 1 + w->i) {
		xasprintf(w->cause, "the outbox is damaged: submission %llu "
		    "is missing", (unsigned long long)(w->b->acked_through +
		    1 + w->i));
		return -1;
	}
	w->i++;
	be->seq = e->seq;
	memcpy(be->key_id, e->key_id, 8);
	be->len = e->len;
	if (e->has_hash)
		memcpy(be->hash, e->hash, 32);
	else	/* saved by a version that did not keep the hash */
		vault_hash(be->hash, 32, e->data, e->len);
	w->bytes += e->len;
	if (w->hlen + w->bytes > BATCH_MAX_LEN) {
		xasprintf(w->cause, "too many submissions for one batch "
		    "(%zu); ask the office for an acknowledgement",
		    w->b->count);
		return -1;
	}
	k = w->leadcap - w->nlead;
	if (k > len)
		k = len;
	memcpy(w->lead + w->nlead, d, k);
	w->nlead += k;
	if (len == k)
		return 0;
	return durable_write(w->f, d + k, len - k, w->cause);
}

static int
export_data(const struct store_envelope *e, void *arg)
{
	struct export_walk *w = arg;
	struct batch_entry *be;

	if (w->i == w->b->count)
		return export_changed(w);
	unsigned char h[32];

	be = &w->b->ent[w->i++];
	if (e->seq != be->seq || e->len != be->len ||
	    memcmp(e->key_id, be->key_id, 8) != 0 ||
	    (e->has_hash && memcmp(e->hash, be->hash, 32) != 0))
		return export_changed(w);
	if (durable_reread_cmp(w->r, e->data, e->len, w->cause) != 0)
		return -1;
	/*
	 * The stick holds the outbox's bytes; do they still match the hash
	 * kept since sealing? If not, the record was damaged on this disk:
	 * it goes out as it is, under its true hash in the manifest (so the
	 * next record still chains to it), and the office reports it lost.
	 */
	if (e->has_hash) {
		vault_hash(h, sizeof h, e->data, e->len);
		if (memcmp(h, e->hash, 32) != 0) {
			w->ob->damaged = xreallocarray(w->ob->damaged,
			    w->ob->ndamaged + 1, sizeof *w->ob->damaged);
			w->ob->damaged[w->ob->ndamaged++] = e->seq;
		}
	}
	return 0;
}

/* One pass over the batch's records with fn. */
static int
export_pass(struct outbox *ob, struct export_walk *w,
    int (*fn)(const struct store_envelope *, void *))
{
	w->i = 0;
	if (store_each_envelope(ob->store, w->b->acked_through, w->b->last,
	    fn, w, w->cause) != 0)
		return -1;
	if (w->i != w->b->count)
		return export_changed(w);
	return 0;
}

/* Prepare: dir is a folder; an ack found in it is applied first. */
static int
export_prepare(struct outbox *ob, const char *dir, char **cause)
{
	struct stat sb;
	char *ackpath;
	long deleted;
	int rc = 0;

	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		xasprintf(cause, "%s: %s", dir, errno ? strerror(errno) :
		    "not a folder");
		return -1;
	}
	xasprintf(&ackpath, "%s/%s.ack", dir, ob->name);
	if (lstat(ackpath, &sb) == 0) {
		if (apply_ack(ob, ackpath, 1, &deleted, cause) != 0)
			rc = -1;
		else
			ob->ack_deleted = deleted;
	}
	free(ackpath);
	return rc;
}

/*
 * Reserve: in one transaction, how many records wait, and a batch
 * number, reserved so that a number is never reused; b is filled in for
 * them. 1: nothing waits.
 */
static int
export_reserve(struct outbox *ob, struct batch *b, char **cause)
{
	struct store_head h;
	size_t n;

	if (store_begin(ob->store, cause) != 0)
		return -1;
	if (store_get_head(ob->store, &h, cause) != 0)
		goto rollback;
	if (h.next_seq - 1 <= h.acked_through) {
		store_rollback(ob->store);
		return 1;
	}
	if (h.next_seq - 1 - h.acked_through > UINT32_MAX) {
		xasprintf(cause, "too many submissions for one batch; ask the "
		    "office for an acknowledgement");
		goto rollback;
	}
	n = (size_t)(h.next_seq - 1 - h.acked_through);
	h.last_batch++;
	if (store_set_head(ob->store, &h, cause) != 0)
		goto rollback;
	if (store_commit(ob->store, cause) != 0)
		return -1;
	store_prefetch(ob->store);	/* alongside the pass below */

	snprintf(b->name, sizeof b->name, "%s", ob->name);
	b->count = n;
	b->number = h.last_batch;
	memcpy(b->prev_hash, h.last_batch_hash, 32);
	b->acked_through = h.acked_through;
	b->first = h.acked_through + 1;
	b->last = h.next_seq - 1;
	b->ent = xcalloc(n, sizeof *b->ent);
	return 0;
rollback:
	store_rollback(ob->store);
	return -1;
}

/*
 * Write: a temp file; the records behind the reserved head; then header
 * and manifest, signed, with the first records' bytes, into the head.
 * *f is ready for durable_commit (fsync, rename, fsync of the folder).
 */
static int
export_write(struct outbox *ob, struct export_walk *w, const char *dir,
    struct durable **f, char **cause)
{
	char *name;
	int rc;

	w->hlen = batch_data_offset(w->b->count);
	w->blocks = (w->hlen + DURABLE_BLOCK - 1) / DURABLE_BLOCK *
	    DURABLE_BLOCK;
	w->leadcap = (size_t)(w->blocks - w->hlen);
	w->head = xmalloc((size_t)w->blocks);
	w->lead = w->head + w->hlen;

	xasprintf(&name, "%s-%llu.kib", ob->name,
	    (unsigned long long)w->b->number);
	rc = durable_open(dir, name, 0, f, cause);
	free(name);
	if (rc != 0)
		return -1;
	w->f = *f;
	if (durable_reserve(*f, w->blocks, cause) != 0 ||
	    export_pass(ob, w, export_stream) != 0) {
		durable_abort(*f);
		*f = NULL;
		return -1;
	}
	w->len = w->hlen + w->bytes;
	batch_write_head(w->head, w->len, w->b, ob->id.key);
	durable_set_head(*f, w->head, (size_t)w->hlen + w->nlead);
	return 0;
}

/*
 * Verify: read the file back from the device: the same bytes, or fail.
 * Then check the signature over them (header and manifest are the bytes
 * in head, compared first), and name the batch by its hash.
 */
static int
export_verify(struct outbox *ob, struct export_walk *w, const char *final,
    char **cause)
{
	struct durable_reread *r = NULL;
	unsigned char pk[32];
	char *why = NULL;
	int wy;

	if (durable_reread_open(final, w->len, &r, cause) != 0)
		return -1;
	if (durable_reread_cmp(r, w->head, (size_t)w->hlen, cause) != 0)
		goto fail;
	if (batch_check_header(w->head, (size_t)w->len, pk, &wy, &why) != 0 ||
	    batch_verify(w->head, (size_t)w->len, &wy, &why) != 0) {
		xasprintf(cause, "%s: does not verify after writing: %s",
		    final, why);
		free(why);
		goto fail;
	}
	w->r = r;
	if (export_pass(ob, w, export_data) != 0)
		goto fail;
	w->r = NULL;
	if (durable_reread_close(r, 1, cause) != 0)
		return -1;
	batch_hash(w->head, w->b->file_hash);
	return 0;
fail:
	w->r = NULL;
	durable_reread_close(r, 0, NULL);
	return -1;
}

/* Mark: only now are the records marked exported; then kiosk.state. */
static int
export_mark(struct outbox *ob, const struct batch *b, char **cause)
{
	struct store_head h;
	struct kstate was = ob->state;
	char *why = NULL;

	if (store_begin(ob->store, cause) != 0)
		return -1;
	if (store_get_head(ob->store, &h, cause) != 0 ||
	    store_mark_exported(ob->store, b->first, b->last, b->number,
	    cause) != 0) {
		store_rollback(ob->store);
		return -1;
	}
	memcpy(h.last_batch_hash, b->file_hash, 32);
	if (store_set_head(ob->store, &h, cause) != 0) {
		store_rollback(ob->store);
		return -1;
	}
	if (store_commit(ob->store, cause) != 0)
		return -1;
	/* kiosk.state: the highest number issued, as of this export. */
	if (ob->state.present) {
		if (b->last > ob->state.issued)
			ob->state.issued = b->last;
		if (b->number > ob->state.batch)
			ob->state.batch = b->number;
		if (state_save(ob->data_dir, &ob->state, &why) != 0) {
			/* The batch is good and marked; try next time. */
			free(why);
			ob->state = was;
		}
	}
	return 0;
}

/* The time since *t, in ms, into phase; *t is now. */
static void
export_phase(struct outbox *ob, int phase, double *t)
{
	double now = now_ms();

	ob->phase[phase] = now - *t;
	*t = now;
}

/*
 * The batch holds ciphertext only (sealed records, their hashes, sequence
 * numbers and key ids), so its buffers are freed without a wipe: wiping
 * would protect nothing and cost a pass over every byte.
 */
int
outbox_export(struct outbox *ob, const char *dir, char **path, long *count,
    char **cause)
{
	struct export_walk w;
	struct batch b;
	struct durable *f = NULL;
	char *final = NULL;
	int r, rc = -1;
	double t;

	*path = NULL;
	*count = 0;
	ob->ack_deleted = -1;
	free(ob->damaged);
	ob->damaged = NULL;
	ob->ndamaged = 0;
	memset(&b, 0, sizeof b);
	memset(&w, 0, sizeof w);
	if (need_key(ob, cause) != 0)
		return -1;
	memset(ob->phase, 0, sizeof ob->phase);
	t = now_ms();
	if (export_prepare(ob, dir, cause) != 0)
		return -1;
	if ((r = export_reserve(ob, &b, cause)) != 0) {
		rc = r == 1 ? 0 : -1;
		goto out;
	}
	w.b = &b;
	w.ob = ob;
	w.cause = cause;
	export_phase(ob, 0, &t);

	if (export_write(ob, &w, dir, &f, cause) != 0)
		goto out;
	export_phase(ob, 1, &t);
	if (durable_commit(f, &final, cause) != 0)
		goto out;
	export_phase(ob, 2, &t);
	if (export_verify(ob, &w, final, cause) != 0)
		goto out_unlink;
	export_phase(ob, 3, &t);
	if (export_mark(ob, &b, cause) != 0)
		goto out_unlink;
	export_phase(ob, 4, &t);
	*path = final;
	final = NULL;
	*count = (long)b.count;
	rc = 0;
	goto out;
out_unlink:
	unlink(final);
out:
	free(b.ent);
	free(w.head);
	free(final);
	return rc;
}

int
outbox_tamper(struct outbox *ob, const char *in, const char *outpath,
    long ti, long tj, char **cause)
{
	struct batch b;
	struct batch_entry t;
	struct buf out = { 0 };
	unsigned char *d = NULL;
	size_t len, off;
	char *why = NULL, *dir;
	const char *base;
	int w, rc = -1;

	if (need_key(ob, cause) != 0 ||
	    durable_load(in, BATCH_MAX_LEN, &d, &len, cause) != 0)
		return -1;
	if (batch_read(d, len, &b, &w, &why) != 0) {
		xasprintf(cause, "%s: %s", in, why);
		free(why);
		free(d);
		return -1;
	}
	if (ti < 0 || (size_t)ti >= b.count || tj >= (long)b.count) {
		xasprintf(cause, "record index out of range");
		goto out;
	}
	if (tj >= 0) {
		t = b.ent[ti];
		b.ent[ti].data = b.ent[tj].data;
		b.ent[ti].len = b.ent[tj].len;
		memcpy(b.ent[ti].key_id, b.ent[tj].key_id, 8);
		b.ent[tj].data = t.data;
		b.ent[tj].len = t.len;
		memcpy(b.ent[tj].key_id, t.key_id, 8);
	} else if (tj == -1) {
		if (b.count < 2) {
			xasprintf(cause, "cannot drop the only record");
			goto out;
		}
		memmove(&b.ent[ti], &b.ent[ti + 1],
		    (b.count - (size_t)ti - 1) * sizeof *b.ent);
		b.count--;
		b.first = b.ent[0].seq;
		b.last = b.ent[b.count - 1].seq;
	}
	batch_write(&b, ob->id.key, &out);
	if (tj == -2) {
		/* Flip one ciphertext byte but keep the manifest's hash. */
		off = BATCH_HDR_LEN + b.count * BATCH_ENT_LEN;
		for (w = 0; w < ti; w++)
			off += b.ent[w].len;
		out.data[off + b.ent[ti].len / 2] ^= 1;
		batch_sign(out.data, out.len, ob->id.key);
	}
	dir = xstrdup(outpath);
	if (strrchr(dir, '/') != NULL) {
		*strrchr(dir, '/') = '\0';
		base = outpath + strlen(dir) + 1;
	} else {
		free(dir);
		dir = xstrdup(".");
		base = outpath;
	}
	rc = durable_save(dir, base, out.data, out.len, 1, NULL, cause);
	free(dir);
out:
	batch_clear(&b);
	buf_free(&out);
	free(d);
	return rc;
}
