/*
 * vault: libsodium behind a small interface (see vault.h).
 *
 * Owns every cryptographic choice: BLAKE2b for hashes and key ids,
 * crypto_box_seal (X25519 + XSalsa20-Poly1305) with fixed-bucket
 * ISO 7816-4 padding for records, Ed25519 for batches and acks, and
 * Argon2id + XChaCha20-Poly1305 for the office secret-key file.
 * Secrets and padded plaintext live only in sodium_malloc memory and are
 * wiped on every path. Must never print, exit or touch a file.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util.h"
#include "vault.h"

struct vault_office_key {
	unsigned char		box_sk[crypto_box_SECRETKEYBYTES];
	unsigned char		sign_sk[crypto_sign_SECRETKEYBYTES];
	struct vault_office_pub	pub;
};

struct vault_sign_key {
	unsigned char	sk[crypto_sign_SECRETKEYBYTES];
	unsigned char	pk[crypto_sign_PUBLICKEYBYTES];
};

struct vault_hash_state {
	crypto_generichash_state	st;
	size_t				outlen;
};

int
vault_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

/*
 * Every live secure block, so that a fatal signal can wipe them all
 * (vault_wipe_all) before the process dies. A fixed table: no allocation
 * on this path, and nothing to lock (one thread uses secure memory).
 */
#define LIVE_MAX	1024
static struct {
	void	*p;
	size_t	 n;
} live[LIVE_MAX];

void *
vault_secure_alloc(size_t n)
{
	void *p;
	size_t i;

	if (n == 0)
		n = 1;
	if ((p = sodium_malloc(n)) == NULL)
		fatal("out of secure memory (%zu bytes)", n);
	sodium_memzero(p, n);
	for (i = 0; i < LIVE_MAX; i++) {
		if (live[i].p == NULL) {
			live[i].n = n;
			live[i].p = p;
			break;
		}
	}
	return p;
}

void
vault_secure_free(void *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < LIVE_MAX; i++) {
		if (live[i].p == p) {
			live[i].p = NULL;
			break;
		}
	}
	sodium_free(p);		/* wipes before unmapping */
}

void
vault_wipe_all(void)
{
	volatile unsigned char *v;
	size_t i, j;

	/* Only plain stores: this runs in a signal handler. */
	for (i = 0; i < LIVE_MAX; i++) {
		if (live[i].p == NULL)
			continue;
		v = live[i].p;
		for (j = 0; j < live[i].n; j++)
			v[j] = 0;
	}
}

void
vault_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}

void
vault_random(void *p, size_t n)
{
	randombytes_buf(p, n);
}

uint32_t
vault_random_uniform(uint32_t upper)
{
	return randombytes_uniform(upper);
}

int
vault_pin_hash(char out[128], const char *pin, char **cause)
{
	if (strlen(pin) < VAULT_PIN_MIN) {
		xasprintf(cause, "a PIN must have at least %d digits",
		    VAULT_PIN_MIN);
		return -1;
	}
	if (crypto_pwhash_str(out, pin, strlen(pin),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		xasprintf(cause, "cannot hash the PIN (out of memory?)");
		return -1;
	}
	return 0;
}

int
vault_pin_verify(const char *hash, const char *pin)
{
	return crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0;
}

/* ---- hashing ---- */

void
vault_hash(unsigned char *out, size_t outlen, const void *in, size_t len)
{
	crypto_generichash(out, outlen, in, len, NULL, 0);
}

struct vault_hash_state *
vault_hash_start(size_t outlen)
{
	struct vault_hash_state *h;

	h = xmalloc(sizeof *h);
	h->outlen = outlen;
	crypto_generichash_init(&h->st, NULL, 0, outlen);
	return h;
}

void
vault_hash_update(struct vault_hash_state *h, const void *p, size_t len)
{
	crypto_generichash_update(&h->st, p, len);
}

void
vault_hash_final(struct vault_hash_state *h, unsigned char *out)
{
	crypto_generichash_final(&h->st, out, h->outlen);
	sodium_memzero(h, sizeof *h);
	free(h);
}

void
vault_key_id(unsigned char out[VAULT_KEYID_LEN], const unsigned char *pk)
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, pk, VAULT_PK_LEN, NULL, 0);
	memcpy(out, h, VAULT_KEYID_LEN);
}

void
vault_fingerprint(char out[VAULT_FPR_LEN], const unsigned char *pk1,
    const unsigned char *pk2)
{
	crypto_generichash_state st;
	unsigned char h[32];
	char hex[33];
	int i, o = 0;

	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, pk1, VAULT_PK_LEN);
	if (pk2 != NULL)
		crypto_generichash_update(&st, pk2, VAULT_PK_LEN);
	crypto_generichash_final(&st, h, sizeof h);
	hex_encode(hex, h, 16);
	for (i = 0; i < 32; i++) {
		if (i != 0 && i % 4 == 0)
			out[o++] = '-';
		out[o++] = hex[i];
	}
	out[o] = '\0';
}

int
vault_equal(const void *a, const void *b, size_t len)
{
	return sodium_memcmp(a, b, len) == 0;
}

int
vault_is_zero(const void *p, size_t len)
{
	return sodium_is_zero(p, len);
}

/* ---- office key set ---- */

static void
office_fill_pub(struct vault_office_key *k)
{
	memcpy(k->pub.sign_pk, k->sign_sk + 32, 32);
	vault_key_id(k->pub.key_id, k->pub.box_pk);
	vault_fingerprint(k->pub.fpr, k->pub.box_pk, k->pub.sign_pk);
}

struct vault_office_key *
vault_office_generate(void)
{
	struct vault_office_key *k;
	unsigned char spk[crypto_sign_PUBLICKEYBYTES];

	k = vault_secure_alloc(sizeof *k);
	crypto_box_keypair(k->pub.box_pk, k->box_sk);
	crypto_sign_keypair(spk, k->sign_sk);
	office_fill_pub(k);
	return k;
}

void
vault_office_free(struct vault_office_key *k)
{
	vault_secure_free(k);
}

const struct vault_office_pub *
vault_office_public(const struct vault_office_key *k)
{
	return &k->pub;
}

#define OFFICE_PUB_MAGIC "kiosk office public key v1\n"

void
vault_office_pub_format(const struct vault_office_pub *p, struct buf *b)
{
	char hex[65];

	buf_adds(b, OFFICE_PUB_MAGIC);
	hex_encode(hex, p->key_id, VAULT_KEYID_LEN);
	buf_addf(b, "key-id %s\n", hex);
	hex_encode(hex, p->box_pk, 32);
	buf_addf(b, "encrypt %s\n", hex);
	hex_encode(hex, p->sign_pk, 32);
	buf_addf(b, "sign %s\n", hex);
	buf_addf(b, "fingerprint %s\n", p->fpr);
}

int
vault_office_pub_parse(const void *data, size_t len,
    struct vault_office_pub *out, char **cause)
{
	struct vault_office_pub p;
	struct buf want = { 0 };
	const unsigned char *d = data;
	size_t i, mlen = strlen(OFFICE_PUB_MAGIC);
	const char *s, *e;
	int rc = -1;

	/* Tolerate a missing final newline, nothing else. */
	if (len > mlen && memcmp(d, OFFICE_PUB_MAGIC, mlen - 2) == 0 &&
	    d[mlen - 2] >= '2' && d[mlen - 2] <= '9') {
		xasprintf(cause, "office public key format v%c: made by a "
		    "newer kiosk; use a newer version of kiosk",
		    d[mlen - 2]);
		return -1;
	}
	if (len < mlen || memcmp(d, OFFICE_PUB_MAGIC, mlen) != 0) {
		xasprintf(cause, "not an office public key file "
		    "(first line must be \"kiosk office public key v1\")");
		return -1;
	}
	memset(&p, 0, sizeof p);
	s = (const char *)d + mlen;
	e = (const char *)d + len;
	for (i = 0; i < 3; i++) {
		static const char *names[] = { "key-id ", "encrypt ", "sign " };
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		size_t nlen = strlen(names[i]);
		size_t hexlen = i == 0 ? 16 : 64;

		if (nl == NULL || (size_t)(nl - s) != nlen + hexlen ||
		    memcmp(s, names[i], nlen) != 0) {
			xasprintf(cause, "line %zu should be \"%s<%zu hex "
			    "digits>\"", i + 2, names[i], hexlen);
			goto out;
		}
		if (hex_decode(i == 0 ? p.key_id : i == 1 ? p.box_pk : p.sign_pk,
		    hexlen / 2, s + nlen, hexlen) != 0) {
			xasprintf(cause, "line %zu: bad hex", i + 2);
			goto out;
		}
		s = nl + 1;
	}
	{
		unsigned char kid[VAULT_KEYID_LEN];

		vault_key_id(kid, p.box_pk);
		if (memcmp(kid, p.key_id, sizeof kid) != 0) {
			xasprintf(cause, "key-id does not match the key");
			goto out;
		}
	}
	vault_fingerprint(p.fpr, p.box_pk, p.sign_pk);
	vault_office_pub_format(&p, &want);
	if (!buf_same_text(&want, d, len)) {
		xasprintf(cause, "fingerprint line does not match the keys, "
		    "or extra text after it");
		goto out;
	}
	*out = p;
	rc = 0;
out:
	buf_free(&want);
	return rc;
}

#define KOSK_MAGIC	"KOSK1\n"
#define KOSK_HDR	66
#define KOSK_PT		(32 + 64 + 32)

static int
fast_kdf(void)
{
	const char *e = getenv("KIOSK_TEST_FAST_KDF");

	return e != NULL && strcmp(e, "1") == 0;
}

static int
derive(unsigned char *key, const char *pass, const unsigned char *salt,
    uint64_t ops, uint64_t mem, char **cause)
{
	if (crypto_pwhash(key, 32, pass, strlen(pass), salt, ops, (size_t)mem,
	    crypto_pwhash_ALG_ARGON2ID13) != 0) {
		xasprintf(cause, "cannot derive the key from the passphrase "
		    "(out of memory? Argon2id needs %llu MiB)",
		    (unsigned long long)(mem >> 20));
		return -1;
	}
	return 0;
}

/*
 * The passphrase-sealed key files: a header naming the kind of secret,
 * the Argon2id limits, salt and nonce, then XChaCha20-Poly1305 of the
 * secret with the whole header as additional data.
 *
 *	off len
 *	0   6   "KOSK1\n"	6  1  version 1	7  1  kind (KOSK_OFFICE, KOSK_KIOSK)
 *	8   1   2 (Argon2id13)	9  1  0		10 8  opslimit	18 8  memlimit
 *	26  16  salt		42 24 nonce	66 ... ciphertext and tag
 */
#define KOSK_OFFICE	1
#define KOSK_KIOSK	2

static int
kosk_seal(unsigned kind, const unsigned char *pt, size_t ptlen,
    const char *pass, struct buf *out, char **cause)
{
	unsigned char hdr[KOSK_HDR], *ct;
	unsigned char *key;
	uint64_t ops, mem;
	int rc = -1;

	ops = fast_kdf() ? crypto_pwhash_OPSLIMIT_INTERACTIVE :
	    crypto_pwhash_OPSLIMIT_MODERATE;
	mem = fast_kdf() ? crypto_pwhash_MEMLIMIT_INTERACTIVE :
	    crypto_pwhash_MEMLIMIT_MODERATE;
	memcpy(hdr, KOSK_MAGIC, 6);
	hdr[6] = 1;		/* version */
	hdr[7] = (unsigned char)kind;
	hdr[8] = 2;		/* Argon2id13 */
	hdr[9] = 0;
	le64_put(hdr + 10, ops);
	le64_put(hdr + 18, mem);
	randombytes_buf(hdr + 26, 16);
	randombytes_buf(hdr + 42, 24);

	ct = xmalloc(ptlen + crypto_aead_xchacha20poly1305_ietf_ABYTES);
	key = vault_secure_alloc(32);
	if (derive(key, pass, hdr + 26, ops, mem, cause) != 0)
		goto out;
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, pt, ptlen,
	    hdr, sizeof hdr, NULL, hdr + 42, key);
	buf_add(out, hdr, sizeof hdr);
	buf_add(out, ct, ptlen + crypto_aead_xchacha20poly1305_ietf_ABYTES);
	rc = 0;
out:
	vault_secure_free(key);
	free(ct);
	return rc;
}

/* Open into pt (secure memory, ptlen bytes); what names the file. */
static int
kosk_open(unsigned kind, const void *data, size_t len, const char *pass,
    unsigned char *pt, size_t ptlen, const char *what, int *wrong_pass,
    char **cause)
{
	const unsigned char *d = data;
	unsigned char *key;
	uint64_t ops, mem, minops, minmem;
	int rc = -1;

	*wrong_pass = 0;
	if (len < 8 || memcmp(d, KOSK_MAGIC, 6) != 0 ||
	    (d[7] != kind && (d[7] == KOSK_OFFICE || d[7] == KOSK_KIOSK))) {
		xasprintf(cause, "%s: wrong kind of file", what);
		return -1;
	}
	if (d[6] > 1) {
		xasprintf(cause, "%s: format version %u: made by a newer "
		    "kiosk; use a newer version of kiosk", what, d[6]);
		return -1;
	}
	if (len != KOSK_HDR + ptlen + crypto_aead_xchacha20poly1305_ietf_ABYTES ||
	    d[6] != 1 || d[7] != kind || d[8] != 2 || d[9] != 0) {
		xasprintf(cause, "%s: unsupported version or damaged", what);
		return -1;
	}
	ops = le64_get(d + 10);
	mem = le64_get(d + 18);
	minops = fast_kdf() ? crypto_pwhash_OPSLIMIT_INTERACTIVE :
	    crypto_pwhash_OPSLIMIT_MODERATE;
	minmem = fast_kdf() ? crypto_pwhash_MEMLIMIT_INTERACTIVE :
	    crypto_pwhash_MEMLIMIT_MODERATE;
	if (ops < minops || mem < minmem) {
		xasprintf(cause, "the key file's Argon2id limits are weaker "
		    "than MODERATE; refusing it");
		return -1;
	}
	if (ops > 64 || mem > ((uint64_t)4 << 30)) {
		xasprintf(cause, "the key file's Argon2id limits are "
		    "implausibly large; refusing it");
		return -1;
	}
	key = vault_secure_alloc(32);
	if (derive(key, pass, d + 26, ops, mem, cause) != 0)
		goto out;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL,
	    d + KOSK_HDR, len - KOSK_HDR, d, KOSK_HDR, d + 42, key) != 0) {
		*wrong_pass = 1;
		xasprintf(cause, "wrong passphrase (or the key file was "
		    "changed)");
		goto out;
	}
	rc = 0;
out:
	vault_secure_free(key);
	sodium_stackzero(4096);
	return rc;
}

int
vault_office_key_seal(const struct vault_office_key *k, const char *pass,
    struct buf *out, char **cause)
{
	unsigned char *pt;
	int rc;

	pt = vault_secure_alloc(KOSK_PT);
	memcpy(pt, k->box_sk, 32);
	memcpy(pt + 32, k->sign_sk, 64);
	memcpy(pt + 96, k->pub.box_pk, 32);
	rc = kosk_seal(KOSK_OFFICE, pt, KOSK_PT, pass, out, cause);
	vault_secure_free(pt);
	return rc;
}

struct vault_office_key *
vault_office_key_open(const void *data, size_t len, const char *pass,
    int *wrong_pass, char **cause)
{
	struct vault_office_key *k = NULL;
	unsigned char *pt;
	unsigned char spk[32], ssk[64], bpk[32];

	pt = vault_secure_alloc(KOSK_PT);
	if (kosk_open(KOSK_OFFICE, data, len, pass, pt, KOSK_PT,
	    "office secret key file", wrong_pass, cause) != 0)
		goto fail;
	/* The halves must belong together. */
	crypto_scalarmult_base(bpk, pt);
	crypto_sign_seed_keypair(spk, ssk, pt + 32);
	if (sodium_memcmp(bpk, pt + 96, 32) != 0 ||
	    sodium_memcmp(ssk, pt + 32, 64) != 0) {
		sodium_memzero(ssk, sizeof ssk);
		xasprintf(cause, "the key file's secret and public halves do "
		    "not match");
		goto fail;
	}
	sodium_memzero(ssk, sizeof ssk);
	k = vault_secure_alloc(sizeof *k);
	memcpy(k->box_sk, pt, 32);
	memcpy(k->sign_sk, pt + 32, 64);
	memcpy(k->pub.box_pk, pt + 96, 32);
	office_fill_pub(k);
fail:
	vault_secure_free(pt);
	sodium_stackzero(4096);
	return k;
}

/* ---- sealing ---- */

size_t
vault_bucket(size_t len)
{
	size_t b;

	/* ISO 7816-4 padding needs at least one byte. */
	for (b = VAULT_BUCKET_MIN; b <= VAULT_BUCKET_MAX; b *= 4) {
		if (len < b)
			return b;
	}
	return 0;
}

int
vault_seal_len_ok(size_t envlen)
{
	size_t b;

	for (b = VAULT_BUCKET_MIN; b <= VAULT_BUCKET_MAX; b *= 4) {
		if (envlen == b + crypto_box_SEALBYTES)
			return 1;
	}
	return 0;
}

int
vault_seal_buf(const unsigned char box_pk[VAULT_PK_LEN], unsigned char *buf,
    size_t len, size_t cap, unsigned char **out, size_t *outlen,
    char **cause)
{
	unsigned char *env;
	size_t bucket, plen;
	int rc = -1;

	if ((bucket = vault_bucket(len)) == 0) {
		xasprintf(cause, "submission too large to seal (%zu bytes)",
		    len);
		goto out;
	}
	if (cap < bucket || sodium_pad(&plen, buf, len, bucket, cap) != 0 ||
	    plen != bucket) {
		xasprintf(cause, "cannot pad the submission");
		goto out;
	}
	env = xmalloc(bucket + crypto_box_SEALBYTES);
	if (crypto_box_seal(env, buf, bucket, box_pk) != 0) {
		free(env);
		xasprintf(cause, "cannot seal the submission");
		goto out;
	}
	*out = env;
	*outlen = bucket + crypto_box_SEALBYTES;
	rc = 0;
out:
	sodium_memzero(buf, bucket != 0 && bucket < cap ? bucket : cap);
	return rc;
}

int
vault_seal(const unsigned char box_pk[VAULT_PK_LEN], const void *pt,
    size_t len, unsigned char **out, size_t *outlen, char **cause)
{
	unsigned char *padded;
	size_t bucket;
	int rc;

	if ((bucket = vault_bucket(len)) == 0) {
		xasprintf(cause, "submission too large to seal (%zu bytes)",
		    len);
		return -1;
	}
	padded = vault_secure_alloc(bucket);
	memcpy(padded, pt, len);
	rc = vault_seal_buf(box_pk, padded, len, bucket, out, outlen, cause);
	vault_secure_free(padded);
	return rc;
}

int
vault_seal_open_into(const struct vault_office_key *k, const void *env,
    size_t envlen, unsigned char *out, size_t cap, size_t *ptlen,
    char **cause)
{
	size_t bucket, ulen;

	if (!vault_seal_len_ok(envlen) ||
	    envlen - crypto_box_SEALBYTES > cap) {
		xasprintf(cause, "sealed record has an impossible length");
		return -1;
	}
	bucket = envlen - crypto_box_SEALBYTES;
	if (crypto_box_seal_open(out, env, envlen, k->pub.box_pk,
	    k->box_sk) != 0) {
		xasprintf(cause, "sealed record does not open with this key");
		return -1;
	}
	if (sodium_unpad(&ulen, out, bucket, bucket) != 0 ||
	    vault_bucket(ulen) != bucket) {
		sodium_memzero(out, bucket);
		xasprintf(cause, "sealed record has bad padding");
		return -1;
	}
	*ptlen = ulen;
	return 0;
}

int
vault_seal_open(const struct vault_office_key *k, const void *env,
    size_t envlen, unsigned char **pt, size_t *ptlen, char **cause)
{
	unsigned char *p;
	size_t bucket, ulen;

	if (!vault_seal_len_ok(envlen)) {
		xasprintf(cause, "sealed record has an impossible length");
		return -1;
	}
	bucket = envlen - crypto_box_SEALBYTES;
	p = vault_secure_alloc(bucket);
	if (crypto_box_seal_open(p, env, envlen, k->pub.box_pk,
	    k->box_sk) != 0) {
		vault_secure_free(p);
		xasprintf(cause, "sealed record does not open with this key");
		return -1;
	}
	if (sodium_unpad(&ulen, p, bucket, bucket) != 0 ||
	    vault_bucket(ulen) != bucket) {
		vault_secure_free(p);
		xasprintf(cause, "sealed record has bad padding");
		return -1;
	}
	*pt = p;
	*ptlen = ulen;
	return 0;
}

/* ---- Ed25519 ---- */

struct vault_sign_key *
vault_sign_generate(void)
{
	struct vault_sign_key *k;

	k = vault_secure_alloc(sizeof *k);
	crypto_sign_keypair(k->pk, k->sk);
	return k;
}

struct vault_sign_key *
vault_sign_from_secret(const unsigned char *sk64)
{
	struct vault_sign_key *k;
	unsigned char sk[64];

	k = vault_secure_alloc(sizeof *k);
	crypto_sign_seed_keypair(k->pk, sk, sk64);
	memcpy(k->sk, sk, 64);
	sodium_memzero(sk, sizeof sk);
	if (sodium_memcmp(k->pk, sk64 + 32, 32) != 0) {
		vault_secure_free(k);
		return NULL;
	}
	return k;
}

void
vault_sign_free(struct vault_sign_key *k)
{
	vault_secure_free(k);
}

int
vault_sign_key_seal(const struct vault_sign_key *k, const char *pass,
    struct buf *out, char **cause)
{
	return kosk_seal(KOSK_KIOSK, k->sk, 64, pass, out, cause);
}

struct vault_sign_key *
vault_sign_key_open(const void *data, size_t len, const char *pass,
    int *wrong_pass, char **cause)
{
	struct vault_sign_key *k = NULL;
	unsigned char *pt;

	pt = vault_secure_alloc(64);
	if (kosk_open(KOSK_KIOSK, data, len, pass, pt, 64,
	    "sealed kiosk signing key", wrong_pass, cause) == 0 &&
	    (k = vault_sign_from_secret(pt)) == NULL)
		xasprintf(cause, "the sealed kiosk key's secret and public "
		    "halves do not match");
	vault_secure_free(pt);
	return k;
}

size_t
vault_sign_key_sealed_len(void)
{
	return KOSK_HDR + 64 + crypto_aead_xchacha20poly1305_ietf_ABYTES;
}

const unsigned char *
vault_sign_pk(const struct vault_sign_key *k)
{
	return k->pk;
}

const unsigned char *
vault_sign_secret(const struct vault_sign_key *k)
{
	return k->sk;
}

void
vault_sign(const struct vault_sign_key *k, unsigned char sig[VAULT_SIG_LEN],
    const void *m, size_t len)
{
	crypto_sign_detached(sig, NULL, m, len, k->sk);
}

int
vault_verify(const unsigned char pk[VAULT_PK_LEN],
    const unsigned char sig[VAULT_SIG_LEN], const void *m, size_t len)
{
	return crypto_sign_verify_detached(sig, m, len, pk) == 0 ? 0 : -1;
}

void
vault_office_sign(const struct vault_office_key *k,
    unsigned char sig[VAULT_SIG_LEN], const void *m, size_t len)
{
	crypto_sign_detached(sig, NULL, m, len, k->sign_sk);
}
