/*
 * vault: the only module that includes sodium.h. Secure memory, random
 * numbers, keys, sealing, signing and hashing.
 *
 * Secure memory comes from sodium_malloc (guard pages, mlock where the
 * limit allows) and is wiped by vault_secure_free. Key material and
 * plaintext answers live only there.
 *
 * Never prints, never exits (except on allocation failure, like xmalloc).
 */
#ifndef KIOSK_VAULT_H
#define KIOSK_VAULT_H

#include <stddef.h>
#include <stdint.h>

/* Call once before anything else; -1 if libsodium cannot start. */
int	 vault_init(void);

void	*vault_secure_alloc(size_t);	/* never NULL; zero-filled */
void	 vault_secure_free(void *);	/* wipes; NULL is fine */
void	 vault_wipe(void *, size_t);	/* sodium_memzero */

void	 vault_random(void *, size_t);
uint32_t vault_random_uniform(uint32_t upper);	/* 0 .. upper-1 */

/* PIN hashes for volunteers and staff (crypto_pwhash_str, INTERACTIVE). */
int	 vault_pin_hash(char out[128], const char *pin, char **cause);
int	 vault_pin_verify(const char *hash, const char *pin);	/* 1 if matches */

#endif
