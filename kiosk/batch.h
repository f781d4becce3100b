/*
 * batch: the .kib batch file and the .ack acknowledgement, as bytes.
 *
 * A batch is written by the kiosk and read at the office; an ack the
 * other way round. This module formats, signs, verifies and parses them
 * in memory; it never opens a file (durable.h reads and writes them),
 * prints or exits. Verification comes
 * before parsing: the signer's key sits at a fixed offset, the signature
 * covers every other byte, and nothing past the fixed header is looked at
 * until the signature holds. Parsing accepts only the canonical form.
 *
 * Batch layout (integers little-endian):
 *
 *	off  len
 *	0    8    magic "KIB1\r\n\x1a\n"
 *	8    32   kiosk Ed25519 public key (the signer)
 *	40   64   Ed25519 signature of BLAKE2b-512("kiosk batch v1" ||
 *	          bytes[0,40) || bytes[104,M)), M = 248 + 52 * count: the
 *	          header and manifest, which holds every record's hash
 *	104  8    total file length
 *	112  2    format version (1)            114  2  flags (0)
 *	116  8    batch number (>= 1)
 *	124  32   BLAKE2b-256 of the previous batch file (zero if none known)
 *	156  8    acked-through: highest seq the office has acknowledged
 *	164  8    first seq (= acked-through + 1)   172  8  last seq
 *	180  4    count of records
 *	184  1    kiosk name length (1..63)      185  63  name, zero padded
 *	248  52n  per record: seq u64, office key id [8], length u32,
 *	          BLAKE2b-256 of the sealed record [32]; seq strictly rising
 *	...       the sealed records, in manifest order
 *
 * Ack layout: magic "KIA2\r\n\x1a\n", office Ed25519 public key [32],
 * signature [64] of "kiosk ack v2" || bytes[0,40) || bytes[104,160),
 * kiosk public key [32], acked-through u64, counter u64, batch number u64.
 * 160 bytes exactly. FORMAT.md is the full specification of both.
 */
#ifndef KIOSK_BATCH_H
#define KIOSK_BATCH_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct vault_sign_key;
struct vault_office_key;

#define BATCH_HDR_LEN	248
#define BATCH_ENT_LEN	52
#define BATCH_NAME_MAX	63
#define BATCH_MAX_LEN	((uint64_t)4 << 30)
#define ACK_LEN		160

/* Error classes, one per way a batch can fail (see office.c). */
#define BATCH_E_IO		1	/* cannot read the file */
#define BATCH_E_TRUNCATED	2	/* shorter (or longer) than it says */
#define BATCH_E_FORMAT		3	/* not a batch file, or unknown version */
#define BATCH_E_SIGNATURE	4
#define BATCH_E_MANIFEST	5	/* signed, but not canonical */
#define BATCH_E_RECORD_HASH	6	/* a sealed record does not match */

struct batch_entry {
	uint64_t		 seq;
	unsigned char		 key_id[8];
	size_t			 len;
	unsigned char		 hash[32];
	const unsigned char	*data;	/* into the batch bytes */
	int			 damaged; /* BATCH_KEEP_DAMAGED: data does not
					    match hash */
	uint64_t		 off;	/* where data starts in the file */
};

struct batch {
	unsigned char		 kiosk_pk[32];
	char			 name[BATCH_NAME_MAX + 1];
	uint64_t		 number;
	unsigned char		 prev_hash[32];
	uint64_t		 acked_through;
	uint64_t		 first, last;
	size_t			 count;
	struct batch_entry	*ent;		/* allocated by batch_parse */
	unsigned char		 file_hash[32];	/* BLAKE2b-256 of bytes [0,M):
						   names the batch */
};

/*
 * Format and sign a batch from b (ent[].data and len must be set; hashes
 * are computed here) into out.
 */
void	 batch_write(const struct batch *, const struct vault_sign_key *,
	    struct buf *out);
/* Where the sealed records start in a batch of count records. */
uint64_t batch_data_offset(size_t count);
/*
 * Header and manifest only, for a writer that streams the sealed records
 * behind them and knows each record's hash (the kiosk keeps it from
 * sealing): d has room for batch_data_offset(b->count) bytes, total is
 * the length of the whole file, ent[].hash is set and ent[].data is not
 * read. The signature covers these bytes alone (the manifest holds every
 * record's hash), so it can be made before or after the records are
 * written. Hashes nothing but the header and manifest.
 */
void	 batch_write_head(unsigned char *d, uint64_t total,
	    const struct batch *, const struct vault_sign_key *);
/* (Re)sign a formatted batch in place. */
void	 batch_sign(unsigned char *, size_t, const struct vault_sign_key *);
/*
 * Fixed header only: magic, size, length field, and that the manifest
 * fits in the file (from the count field). Copies the signer key.
 */
int	 batch_check_header(const unsigned char *, size_t,
	    unsigned char pk[32], int *why, char **cause);
/* Signature over header and manifest (after batch_check_header). */
int	 batch_verify(const unsigned char *, size_t, int *why, char **cause);
/* Canonical parse of a verified batch, and check each record's hash. */
int	 batch_parse(const unsigned char *, size_t, struct batch *, int *why,
	    char **cause);
/*
 * The same; with BATCH_KEEP_DAMAGED a record whose bytes do not match
 * its (signed) hash does not fail the parse: its entry is marked
 * damaged, for the office to report it lost and open the others.
 */
#define BATCH_KEEP_DAMAGED	0x1
/*
 * BATCH_NO_DATA: only the header and manifest are in memory (the first
 * batch_manifest_len bytes; len is still the whole file's): records are
 * neither hashed nor pointed to (data NULL, off set). For a reader that
 * streams them and checks each hash itself.
 */
#define BATCH_NO_DATA		0x2
/* Bytes of header and manifest, after batch_check_header. */
uint64_t batch_manifest_len(const unsigned char *);
int	 batch_parse_flags(const unsigned char *, size_t, struct batch *,
	    int flags, int *why, char **cause);
void	 batch_clear(struct batch *);
/* The batch's name hash (file_hash), after batch_check_header. */
void	 batch_hash(const unsigned char *, unsigned char out[32]);
/* All three in order. */
int	 batch_read(const unsigned char *, size_t, struct batch *, int *why,
	    char **cause);
const char *batch_error_name(int);

struct ack {
	unsigned char	office_pk[32];		/* Ed25519 of the office */
	unsigned char	kiosk_pk[32];
	uint64_t	acked_through;
	uint64_t	counter;
	uint64_t	batch;
};
void	 ack_write(const struct ack *, const struct vault_office_key *,
	    unsigned char out[ACK_LEN]);
/* Verify against the pinned office signing key, then parse. */
int	 ack_read(const unsigned char *, size_t,
	    const unsigned char office_pk[32], struct ack *, char **cause);


/*
 * A kiosk name as the batch header holds it: 1 to BATCH_NAME_MAX
 * letters, digits, - or _.
 */
int	 batch_name_ok(const char *, size_t);

#endif
