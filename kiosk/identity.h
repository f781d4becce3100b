/*
 * identity: the kiosk's Ed25519 identity, in its two files.
 *
 * data_dir/kiosk.id (0600) holds the signing key, in one of two forms:
 *   "KID1\n\0\0\0", then the 64-byte secret key in the clear (as made on
 *   first run: export needs no passphrase);
 *   "KID2\n\0\0\0", then the public key, then the secret key sealed
 *   under a passphrase (vault_sign_key_seal; `kiosk identity --protect`).
 * The public identity file (what `kiosk identity` prints, and `kiosk
 * enroll` reads at the office) is text: "kiosk identity v1", the kiosk's
 * name, its public key and fingerprint. See FORMAT.md.
 *
 * When a kiosk may make a new identity is the outbox's decision (it knows
 * kiosk.state and kiosk.db); this module only reads and writes the files.
 * Never prints or exits; errors are -1 and *cause.
 */
#ifndef KIOSK_IDENTITY_H
#define KIOSK_IDENTITY_H

#include <stddef.h>

#include "batch.h"

struct buf;
struct vault_sign_key;

#define IDENTITY_FILE	"kiosk.id"

/*
 * kiosk.id as read: the public key always; the secret in the clear (KID1,
 * or made now), or sealed (KID2), in which case key is NULL until it is
 * unsealed.
 */
struct identity {
	unsigned char		 pk[32];
	struct vault_sign_key	*key;
	unsigned char		*sealed;	/* heap: ciphertext */
	size_t			 sealedlen;
};

/*
 * Read dir/kiosk.id: 0, or 1 when there is none (id cleared), or -1. The
 * file must be a regular file only its owner can read.
 */
int	 identity_read(const char *dir, struct identity *, char **cause);
/* Write dir/kiosk.id in the clear (KID1) from key. */
int	 identity_save_clear(const char *dir, const struct vault_sign_key *,
	    int replace, char **cause);
/* Write dir/kiosk.id sealed under pass (KID2), replacing it. */
int	 identity_save_sealed(const char *dir, const struct vault_sign_key *,
	    const char *pass, char **cause);
/* Open the sealed secret of id with pass; checks it is id's own key. */
struct vault_sign_key *identity_unseal(const struct identity *,
	    const char *pass, int *wrong, char **cause);
void	 identity_clear(struct identity *);

/* The public identity file. */
void	 identity_format(const char *name, const unsigned char pk[32],
	    struct buf *);
int	 identity_parse(const void *, size_t, char name[BATCH_NAME_MAX + 1],
	    unsigned char pk[32], char **cause);

#endif
