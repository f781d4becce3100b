/*
 * vault: the only module that includes sodium.h. Secure memory, random
 * numbers, keys, sealing, signing and hashing.
 *
 * Secure memory comes from sodium_malloc (guard pages, mlock where the
 * limit allows) and is wiped by vault_secure_free. Key material and
 * plaintext answers live only there.
 *
 * Never prints, never exits (except on allocation failure, like xmalloc).
 * Never writes a file: callers own the bytes it formats.
 */
#ifndef KIOSK_VAULT_H
#define KIOSK_VAULT_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* Call once before anything else; -1 if libsodium cannot start. */
int	 vault_init(void);

void	*vault_secure_alloc(size_t);	/* never NULL; zero-filled */
void	 vault_secure_free(void *);	/* wipes; NULL is fine */
void	 vault_wipe(void *, size_t);	/* sodium_memzero */
/*
 * Zero every live secure block now (async-signal-safe: for the fatal
 * signal handler). The blocks stay allocated.
 */
void	 vault_wipe_all(void);

void	 vault_random(void *, size_t);
uint32_t vault_random_uniform(uint32_t upper);	/* 0 .. upper-1 */

/*
 * PIN hashes for volunteers and staff (crypto_pwhash_str, INTERACTIVE).
 * A PIN shorter than VAULT_PIN_MIN digits is refused: its hash sits in
 * the config, and 10^4 guesses at 0.1 s each take 15 minutes on one core.
 */
#define VAULT_PIN_MIN	6
int	 vault_pin_hash(char out[128], const char *pin, char **cause);
int	 vault_pin_verify(const char *hash, const char *pin);	/* 1 if matches */

/* Sizes. */
#define VAULT_HASH_LEN		32	/* BLAKE2b-256 */
#define VAULT_KEYID_LEN		8	/* first 8 bytes of BLAKE2b-256(pk) */
#define VAULT_PK_LEN		32	/* X25519 or Ed25519 public key */
#define VAULT_SIGN_SK_LEN	64	/* Ed25519 secret key (seed || pk) */
#define VAULT_BOX_SK_LEN	32
#define VAULT_SIG_LEN		64
#define VAULT_SEAL_OVERHEAD	48	/* crypto_box_SEALBYTES */
#define VAULT_FPR_LEN		40	/* "xxxx-xxxx-..." 8 groups, + NUL */

/* Hashing: BLAKE2b with outlen 16..64, unkeyed. */
void	 vault_hash(unsigned char *out, size_t outlen, const void *, size_t);
/* Incremental BLAKE2b for big inputs. */
struct vault_hash_state;
struct vault_hash_state *vault_hash_start(size_t outlen);
void	 vault_hash_update(struct vault_hash_state *, const void *, size_t);
void	 vault_hash_final(struct vault_hash_state *, unsigned char *out);
void	 vault_key_id(unsigned char out[VAULT_KEYID_LEN], const unsigned char *pk);
/* Fingerprint of one or two public keys (the second may be NULL). */
void	 vault_fingerprint(char out[VAULT_FPR_LEN], const unsigned char *pk1,
	    const unsigned char *pk2);
int	 vault_equal(const void *, const void *, size_t);	/* constant time */
int	 vault_is_zero(const void *, size_t);

/*
 * The office key set: an X25519 pair (records are sealed to it) and an
 * Ed25519 pair (acknowledgements are signed with it). The secret halves
 * are in secure memory; the key id is that of the X25519 public key.
 */
struct vault_office_pub {
	unsigned char	box_pk[VAULT_PK_LEN];
	unsigned char	sign_pk[VAULT_PK_LEN];
	unsigned char	key_id[VAULT_KEYID_LEN];
	char		fpr[VAULT_FPR_LEN];
};
struct vault_office_key;	/* secret; lives in secure memory */

struct vault_office_key	*vault_office_generate(void);
void			 vault_office_free(struct vault_office_key *);
const struct vault_office_pub *vault_office_public(const struct vault_office_key *);

/* office.pub: text, both public halves, key id and fingerprint. */
void	 vault_office_pub_format(const struct vault_office_pub *, struct buf *);
int	 vault_office_pub_parse(const void *, size_t, struct vault_office_pub *,
	    char **cause);

/*
 * office.key: "KOSK1\n" header with Argon2id parameters, salt and nonce,
 * then XChaCha20-Poly1305 of the secrets with the whole header as AD.
 * Sealing uses MODERATE limits (INTERACTIVE when KIOSK_TEST_FAST_KDF=1).
 * vault_office_key_open returns -1 with *wrong_pass set to 1 when the
 * file is well formed but the passphrase (or the file) does not match.
 */
int	 vault_office_key_seal(const struct vault_office_key *,
	    const char *passphrase, struct buf *out, char **cause);
struct vault_office_key *vault_office_key_open(const void *, size_t,
	    const char *passphrase, int *wrong_pass, char **cause);

/* Sealing (crypto_box_seal) with fixed buckets of padding. */
size_t	 vault_bucket(size_t len);	/* 0 if too big for any bucket */
#define VAULT_BUCKET_MIN	4096
#define VAULT_BUCKET_MAX	(4096u * 4 * 4 * 4 * 4)	/* 1 MiB */
/*
 * Pad plaintext pt (len bytes) to its bucket and seal it to box_pk.
 * *out (plain malloc: it is ciphertext) has *outlen = bucket + 48 bytes.
 * The padded copy lives in secure memory and is wiped here.
 */
int	 vault_seal(const unsigned char box_pk[VAULT_PK_LEN], const void *pt,
	    size_t len, unsigned char **out, size_t *outlen, char **cause);
/*
 * The same without a copy, for a caller that keeps one secure scratch
 * buffer: buf (secure memory of cap bytes) holds len bytes of plaintext,
 * is padded in place (cap must be at least vault_bucket(len)) and sealed.
 * The bucket (all of buf if len fits no bucket) is wiped before return,
 * on every path.
 */
int	 vault_seal_buf(const unsigned char box_pk[VAULT_PK_LEN],
	    unsigned char *buf, size_t len, size_t cap, unsigned char **out,
	    size_t *outlen, char **cause);
/*
 * Open and unpad. *pt is secure memory (free with vault_secure_free),
 * *ptlen the unpadded length.
 */
int	 vault_seal_open(const struct vault_office_key *, const void *env,
	    size_t envlen, unsigned char **pt, size_t *ptlen, char **cause);
/* The same into out (secure memory of cap bytes), for loops. */
int	 vault_seal_open_into(const struct vault_office_key *, const void *env,
	    size_t envlen, unsigned char *out, size_t cap, size_t *ptlen,
	    char **cause);
/* Is envlen a possible sealed length (a bucket plus overhead)? */
int	 vault_seal_len_ok(size_t envlen);

/* Ed25519. */
struct vault_sign_key;	/* secret; secure memory */
struct vault_sign_key *vault_sign_generate(void);
struct vault_sign_key *vault_sign_from_secret(const unsigned char *sk64);
void	 vault_sign_free(struct vault_sign_key *);
const unsigned char *vault_sign_pk(const struct vault_sign_key *);
/* The 64-byte secret (seed || pk), for writing the identity file. */
const unsigned char *vault_sign_secret(const struct vault_sign_key *);
/*
 * The kiosk's signing key under a passphrase: the same sealing as
 * office.key (another kind in its header, which each side checks), with
 * the 64-byte secret inside. Open returns NULL with *wrong_pass set on a
 * wrong passphrase. sealed_len is the length of what seal appends.
 */
int	 vault_sign_key_seal(const struct vault_sign_key *,
	    const char *passphrase, struct buf *out, char **cause);
struct vault_sign_key *vault_sign_key_open(const void *, size_t,
	    const char *passphrase, int *wrong_pass, char **cause);
size_t	 vault_sign_key_sealed_len(void);
void	 vault_sign(const struct vault_sign_key *, unsigned char sig[VAULT_SIG_LEN],
	    const void *, size_t);
int	 vault_verify(const unsigned char pk[VAULT_PK_LEN],
	    const unsigned char sig[VAULT_SIG_LEN], const void *, size_t);
/* Sign with the office's Ed25519 half. */
void	 vault_office_sign(const struct vault_office_key *,
	    unsigned char sig[VAULT_SIG_LEN], const void *, size_t);

#endif
