/*
 * store: the only module that includes sqlite3.h. Two databases:
 *
 *  - the kiosk's outbox (data_dir/kiosk.db): sealed envelopes and the
 *    chain head; it holds ciphertext and counters only, never an answer,
 *    a claim code, a form id or a language;
 *  - the office ledger (ledger.db): enrolled kiosks, batches and sequence
 *    numbers seen, acknowledgement counters.
 *
 * Every open sets every pragma (WAL, synchronous=FULL, secure_delete=ON,
 * temp_store=MEMORY, foreign_keys, busy_timeout); tables are STRICT;
 * every write runs inside store_begin (BEGIN IMMEDIATE) .. store_commit.
 * Never prints, never exits: errors return -1 with *cause set. A full
 * disk is reported as such, and a failed commit leaves the previous
 * state intact.
 */
#ifndef KIOSK_STORE_H
#define KIOSK_STORE_H

#include <stddef.h>
#include <stdint.h>

struct store;

#define STORE_KIOSK	1
#define STORE_LEDGER	2
#define STORE_NOSYNC	0x100	/* tests and benchmarks only: synchronous=OFF */

struct store	*store_open(const char *path, int kind, char **cause);
void		 store_close(struct store *);

int	 store_begin(struct store *, char **cause);	/* BEGIN IMMEDIATE */
/* Read the whole database file ahead (a hint) before a pass over it all. */
void	 store_prefetch(struct store *);
int	 store_commit(struct store *, char **cause);
void	 store_rollback(struct store *);
int	 store_integrity(struct store *, char **cause);	/* integrity_check */

/* ---- kiosk ---- */

/*
 * The chain head: next_seq and prev_hash are derived from the newest
 * envelope when there is one past what the head row says (see store.c),
 * so store_put_envelope alone advances the chain.
 */
struct store_head {
	uint64_t	next_seq;		/* first is 1 */
	unsigned char	prev_hash[32];		/* of envelope next_seq-1 */
	uint64_t	last_batch;		/* batch numbers reserved so far */
	unsigned char	last_batch_hash[32];	/* of the last verified batch */
	uint64_t	acked_through;
	uint64_t	ack_counter;
	/* Read only (store_mark_exported sets them): */
	uint64_t	exported_through;	/* last seq in a verified batch */
	uint64_t	exported_batch;		/* that batch's number */
};
int	 store_get_head(struct store *, struct store_head *, char **cause);
/*
 * The database's own random id and the kiosk identity it belongs to,
 * kept also in data_dir/kiosk.state (outbox.c) so that a lost, emptied
 * or swapped database is noticed. *has = 0 until set.
 */
int	 store_get_ident(struct store *, unsigned char db_id[16],
	    unsigned char pk[32], int *has, char **cause);
int	 store_set_ident(struct store *, const unsigned char db_id[16],
	    const unsigned char pk[32], char **cause);
int	 store_set_head(struct store *, const struct store_head *, char **cause);
/* hash: BLAKE2b-256 of the sealed bytes (the next record's chain link). */
int	 store_put_envelope(struct store *, uint64_t seq,
	    const unsigned char key_id[8], const unsigned char hash[32],
	    const unsigned char *, size_t, char **cause);
int	 store_count_envelopes(struct store *, long *, char **cause);

/* One sealed envelope read back for export. */
struct store_envelope {
	uint64_t		 seq;
	unsigned char		 key_id[8];
	unsigned char		 hash[32];	/* if has_hash */
	int			 has_hash;	/* 0: saved by an older version */
	const unsigned char	*data;		/* ciphertext (see below) */
	size_t			 len;
};
/* How many envelopes have seq > after, and their sealed bytes in all. */
int	 store_envelope_totals(struct store *, uint64_t after, size_t *n,
	    uint64_t *bytes, char **cause);
/*
 * Call fn for every envelope with after < seq <= through, ascending,
 * without a copy: e->data points into SQLite and is valid only during the
 * call. A non-zero return from fn stops the walk and is returned (fn sets
 * any *cause).
 */
int	 store_each_envelope(struct store *, uint64_t after, uint64_t through,
	    int (*fn)(const struct store_envelope *e, void *), void *,
	    char **cause);
/*
 * The same, copied: data is malloc'd. Free with store_envelopes_free.
 */
int	 store_get_envelopes(struct store *, uint64_t after,
	    struct store_envelope **, size_t *n, char **cause);
void	 store_envelopes_free(struct store_envelope *, size_t);
/*
 * Records first..last went out in a verified batch: kept as a range in
 * the head row (a batch always starts at acked_through + 1).
 */
int	 store_mark_exported(struct store *, uint64_t first, uint64_t last,
	    uint64_t batch, char **cause);
/* Delete envelopes with seq <= through; returns how many. */
int	 store_delete_through(struct store *, uint64_t through, long *deleted,
	    char **cause);
/* Outside a transaction: checkpoint the WAL and VACUUM. */
int	 store_compact(struct store *, char **cause);

/* ---- office ledger ---- */

#define STORE_ENROLLED	1	/* kiosk enroll */
#define STORE_TOFU	2	/* trusted on first use */

/* *found = 0 if unknown. *name allocated. */
int	 store_ledger_kiosk(struct store *, const unsigned char pk[32],
	    int *found, char **name, char **cause);
int	 store_ledger_kiosk_by_name(struct store *, const char *name,
	    int *found, unsigned char pk[32], char **cause);
int	 store_ledger_enroll(struct store *, const unsigned char pk[32],
	    const char *name, int how, char **cause);
int	 store_ledger_batch(struct store *, const unsigned char pk[32],
	    uint64_t number, int *found, unsigned char hash[32], char **cause);
int	 store_ledger_put_batch(struct store *, const unsigned char pk[32],
	    uint64_t number, const unsigned char hash[32], char **cause);
int	 store_ledger_seen(struct store *, const unsigned char pk[32],
	    uint64_t seq, int *found, unsigned char hash[32], char **cause);
int	 store_ledger_put_seen(struct store *, const unsigned char pk[32],
	    uint64_t seq, const unsigned char hash[32], char **cause);
/* Ranges of seq seen, ascending: *ranges = [first0, last0, first1, ...]. */
int	 store_ledger_ranges(struct store *, const unsigned char pk[32],
	    uint64_t **ranges, size_t *nranges, char **cause);
/* Increment and return the kiosk's acknowledgement counter. */
int	 store_ledger_next_ack(struct store *, const unsigned char pk[32],
	    uint64_t *counter, char **cause);
/*
 * Revocation: a revoked kiosk's batches numbered above *through are
 * refused. *through = -1 if not revoked; *on (allocated, may be NULL)
 * the day it was revoked.
 */
int	 store_ledger_revoked(struct store *, const unsigned char pk[32],
	    int64_t *through, char **on, char **cause);
int	 store_ledger_revoke(struct store *, const unsigned char pk[32],
	    int64_t through, const char *on, char **cause);
/* Which batch of the kiosk has this name hash, if any was opened. */
int	 store_ledger_batch_hash(struct store *, const unsigned char pk[32],
	    const unsigned char hash[32], int *found, uint64_t *number,
	    char **cause);
/* The highest batch number opened from the kiosk (0 if none). */
int	 store_ledger_last_batch(struct store *, const unsigned char pk[32],
	    uint64_t *number, char **cause);
/* Every kiosk in the ledger, by name; fn returns non-zero to stop. */
struct store_kiosk {
	unsigned char	 pk[32];
	const char	*name;
	int		 how;		/* STORE_ENROLLED or STORE_TOFU */
	int64_t		 revoked_through;	/* -1: not revoked */
	const char	*revoked_on;		/* NULL if not revoked */
	uint64_t	 last_batch;	/* highest opened, 0 if none */
	uint64_t	 records;	/* submissions received */
};
int	 store_ledger_each_kiosk(struct store *,
	    int (*fn)(const struct store_kiosk *, void *), void *arg,
	    char **cause);

/*
 * Lost records: one that arrived damaged (its bytes do not match its
 * signed hash) is put_lost; unlost when it later arrives intact;
 * accept_lost when staff confirm it is gone (*found 0: no such lost
 * record). ack_through: the end of the first unbroken run of numbers
 * received or accepted as lost, from 1 (0: none).
 */
int	 store_ledger_put_lost(struct store *, const unsigned char pk[32],
	    uint64_t seq, const unsigned char hash[32], char **cause);
int	 store_ledger_unlost(struct store *, const unsigned char pk[32],
	    uint64_t seq, char **cause);
int	 store_ledger_accept_lost(struct store *, const unsigned char pk[32],
	    uint64_t seq, int *found, char **cause);
int	 store_ledger_lost(struct store *, const unsigned char pk[32],
	    uint64_t **seqs, int **accepted, size_t *n, char **cause);
/*
 * A lost or restored ledger: take seq 1..through as received under an
 * earlier ledger (seen rows with a zero hash: "received, hash unknown"),
 * and raise the ack counter to at least counter_floor so the kiosk takes
 * the next ack as newer than any the lost ledger wrote. *added: rows new.
 */
int	 store_ledger_resync(struct store *, const unsigned char pk[32],
	    uint64_t through, uint64_t counter_floor, long *added,
	    char **cause);
/* As store_ledger_ranges, of the numbers received or lost. */
int	 store_ledger_known_ranges(struct store *, const unsigned char pk[32],
	    uint64_t **ranges, size_t *nranges, char **cause);
/* Any lost, not accepted, numbers in first..last? */
int	 store_ledger_lost_in(struct store *, const unsigned char pk[32],
	    uint64_t first, uint64_t last, int *any, char **cause);
int	 store_ledger_ack_through(struct store *, const unsigned char pk[32],
	    uint64_t *through, char **cause);

/*
 * The office's output journal (office.c): every file a batch is writing
 * under dir, with its size before (-1: made by the batch) or, for a file
 * replaced whole, the temp file. pending_add before the first write;
 * pending_commit in the transaction that records the batch (appends are
 * then final; replacements are marked redo); pending_clear once done or
 * undone. After a crash, pending_each lists what to undo (redo 0:
 * truncate, remove) or finish (redo 1: rename tmp over path).
 */
struct store_pending {
	const char	*path;
	int64_t		 size;
	const char	*tmp;		/* NULL: appended */
	int		 redo;
};
int	 store_ledger_pending_add(struct store *, const char *dir,
	    const char *path, int64_t size, const char *tmp, char **cause);
int	 store_ledger_pending_commit(struct store *, const char *dir,
	    char **cause);
int	 store_ledger_pending_clear(struct store *, const char *dir,
	    char **cause);
int	 store_ledger_pending_each(struct store *, const char *dir,
	    int (*fn)(const struct store_pending *, void *), void *arg,
	    char **cause);

#endif
