/*
 * digest: the message digests of ODK's digest() function (MD5, SHA-1,
 * SHA-256, SHA-384, SHA-512), in plain C, for expr.c. These hash form
 * values for a form's own use (digest(${x}, 'SHA-256')); nothing here is
 * used to protect data: the vault and libsodium do that.
 */
#ifndef KIOSK_DIGEST_H
#define KIOSK_DIGEST_H

#include <stddef.h>

#define DIGEST_MAX	64

/*
 * Hash len bytes of data with the algorithm named as ODK names it
 * ("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"). Returns the digest's
 * length (written to out), or 0 for an unknown algorithm.
 */
size_t	digest(const char *algorithm, const void *data, size_t len,
	    unsigned char out[DIGEST_MAX]);

#endif
