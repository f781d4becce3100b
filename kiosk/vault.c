/*
 * vault: libsodium behind a small interface (see vault.h).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util.h"
#include "vault.h"

int
vault_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void *
vault_secure_alloc(size_t n)
{
	void *p;

	if (n == 0)
		n = 1;
	if ((p = sodium_malloc(n)) == NULL)
		fatal("out of secure memory (%zu bytes)", n);
	sodium_memzero(p, n);
	return p;
}

void
vault_secure_free(void *p)
{
	sodium_free(p);		/* wipes before unmapping; NULL is a no-op */
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
