/*
 * outbox: the kiosk's side of the sealed trip to the office.
 *
 * It owns the kiosk's store (SQLite, through store), its Ed25519 identity
 * (through vault, made on first run in data_dir) and the pinned office
 * public key. A submission enters as a struct record (plaintext in secure
 * memory), is sealed to the office key at once and committed durably; from
 * then on the kiosk holds only ciphertext. Export writes the sealed
 * records into one signed batch file; an acknowledgement from the office
 * lets the kiosk delete what the office has safely received.
 *
 * Never prints, never exits; every error returns -1 with *cause set.
 */
#ifndef KIOSK_OUTBOX_H
#define KIOSK_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct config;
struct record;

struct outbox;

/* What a submission carries besides its answers (all inside the seal). */
struct outbox_meta {
	const char	*date;		/* YYYY-MM-DD, no time of day */
	const char	*form_id;
	const char	*form_version;
	const char	*lang;
	const char	*claim;		/* claim code, e.g. 7KQ2-M9XD-4TRB */
	int		 assisted_by;	/* volunteer number, 0 if none */
};

/* Opens data_dir/kiosk.db, loads office.pub and the kiosk identity. */
struct outbox	*outbox_open(const struct config *, char **cause);
void		 outbox_close(struct outbox *);

/*
 * Seal meta and the record's columns to the office key and commit them.
 * Returns 0 only once the sealed record is durable on disk (the caller may
 * then tell the resident it is saved), with *seq its sequence number.
 * The record is not freed.
 */
int		 outbox_submit(struct outbox *, const struct outbox_meta *,
		    const struct record *, uint64_t *seq, char **cause);

/* Number of sealed submissions waiting for the office's acknowledgement. */
int		 outbox_waiting(struct outbox *, long *n, char **cause);

/*
 * Write every unacknowledged record into one signed batch in dir, verify it
 * by reading it back, then mark the records exported. *path (allocated) is
 * the batch file, *count the number of records in it. Any acknowledgement
 * found in dir is applied first.
 */
int		 outbox_export(struct outbox *, const char *dir, char **path,
		    long *count, char **cause);

/* Apply an acknowledgement file (verified against office.pub). */
int		 outbox_apply_ack(struct outbox *, const char *path,
		    long *deleted, char **cause);

/* The kiosk's public key fingerprint, for staff to compare on paper. */
const char	*outbox_fingerprint(struct outbox *);

/*
 * Opening with flags; the kiosk's identity (identity.h holds its files);
 * what the last export did. Test hooks are in outbox-test.h.
 */

/* Flags for outbox_open_flags. */
#define OUTBOX_NOSYNC	0x1	/* tests and benchmarks only: no fsync */

struct outbox	*outbox_open_flags(const struct config *, int flags,
		    char **cause);
/* The kiosk's public identity (what `kiosk identity` prints), in b. */
void		 outbox_identity(struct outbox *, struct buf *b);
/*
 * Make or load only the identity (data_dir/kiosk.id), without the store
 * or the office key: for `kiosk identity`.
 */
int		 outbox_identity_only(const struct config *, struct buf *b,
		    char **cause);
/*
 * A kiosk identity protected by a passphrase (kiosk identity --protect):
 * the outbox opens with the public key only, so it can seal and commit
 * but not sign. outbox_unlock opens the signing key (-1 with *wrong set
 * on a wrong passphrase); outbox_lock forgets it again. Export and
 * tamper fail while locked. An unprotected identity is never locked.
 */
int		 outbox_locked(struct outbox *);
int		 outbox_unlock(struct outbox *, const char *passphrase,
		    int *wrong, char **cause);
void		 outbox_lock(struct outbox *);
/* Is data_dir/kiosk.id protected by a passphrase? */
int		 outbox_identity_protected(const struct config *, int *prot,
		    char **cause);
/*
 * Rewrite data_dir/kiosk.id: sealed under pass, or in the clear when pass
 * is NULL. old is the current passphrase of a protected file (else
 * unused); a wrong one fails with *wrong set. The key itself is kept.
 */
int		 outbox_identity_protect(const struct config *, const char *old,
		    const char *pass, int *wrong, char **cause);
/*
 * How long the phases of the last successful outbox_export took, in ms:
 * [0] preparing (an ack found in the folder, the batch number), [1]
 * writing the records and building the manifest, [2] the head, fsync,
 * rename and fsync of the folder, [3] reading it back from the device
 * and verifying, [4] marking the records exported.
 */
#define OUTBOX_NPHASES	5
const double	*outbox_export_phases(struct outbox *);
/*
 * Records deleted by the ack the last outbox_export applied: -1 none (or
 * the ack found was the one already applied), -2 the ack found on the
 * stick is older than one already applied (a stale ack: it deletes
 * nothing; staff should bring the newest one from the office).
 */
long		 outbox_last_ack_deleted(struct outbox *);
/*
 * Submissions the last outbox_export found damaged on the kiosk's disk:
 * their sealed bytes no longer match the hash kept since sealing. They
 * went out as they are (the office reports them lost by number, and the
 * records after them still verify); they stay on the kiosk until an
 * acknowledgement covers them. *seqs is valid until the next export.
 */
size_t		 outbox_last_damaged(struct outbox *, const uint64_t **seqs);
/* PRAGMA integrity_check of the kiosk database. */
int		 outbox_check(struct outbox *, char **cause);
#endif
