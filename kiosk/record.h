/*
 * record: the plaintext of one submission, kept in secure memory (vault)
 * from the first answer to the seal, and parsed again at the office.
 *
 * The kiosk builds a record column by column (in form order, see
 * form_state_columns) and hands it to outbox_submit. record_free() wipes
 * everything. The serialized form is canonical and length-prefixed; see
 * record.c for the layout.
 */
#ifndef KIOSK_RECORD_H
#define KIOSK_RECORD_H

#include <stddef.h>
#include <stdint.h>

struct record;

struct record	*record_new(void);
void		 record_free(struct record *);	/* wipes */
/* Add a column. relevant=0 means the question was skipped (value ""). */
void		 record_add(struct record *, const char *column,
		    const char *value, int relevant);
size_t		 record_ncolumns(const struct record *);
void		 record_column(const struct record *, size_t, const char **name,
		    const char **value, int *relevant);

/*
 * What travels with the columns inside the seal. At the kiosk the strings
 * belong to the caller; after record_parse they point into the returned
 * record and are valid until record_free.
 */
struct record_head {
	unsigned char	 kiosk_id[32];		/* kiosk Ed25519 public key */
	uint64_t	 seq;
	unsigned char	 prev_hash[32];		/* BLAKE2b-256 of previous envelope */
	const char	*date;			/* YYYY-MM-DD */
	const char	*form_id;
	const char	*form_version;
	const char	*lang;
	const char	*claim;
	uint32_t	 assisted_by;
};

#define RECORD_MAX_LEN	(1024 * 1024 - 1)

/*
 * Serialize head and columns into *out, secure memory the caller frees
 * with vault_secure_free. -1 if a string is invalid or it is too long.
 */
int		 record_serialize(const struct record *, const struct record_head *,
		    unsigned char **out, size_t *len, char **cause);
/*
 * The same without an allocation, for a caller that keeps one secure
 * scratch buffer: record_serialized_len is the exact length (0 if a string
 * is invalid or it is over RECORD_MAX_LEN, with *cause set), and
 * record_serialize_into writes that many bytes into buf, which must hold
 * them.
 */
size_t		 record_serialized_len(const struct record *,
		    const struct record_head *, char **cause);
void		 record_serialize_into(const struct record *,
		    const struct record_head *, unsigned char *buf);
/* Parse canonical bytes; anything else is refused. */
struct record	*record_parse(const unsigned char *, size_t,
		    struct record_head *, char **cause);
/* The same into an existing record, whose old contents are wiped. */
int		 record_reparse(struct record *, const unsigned char *, size_t,
		    struct record_head *, char **cause);

#endif
