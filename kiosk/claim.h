/*
 * claim: claim codes. Twelve symbols of Crockford's base32 in three groups
 * of four (7KQ2-M9XD-4TRB): eleven random symbols from libsodium (through
 * vault) and a Luhn mod 32 check symbol, which catches every
 * single-symbol substitution and most adjacent swaps.
 *
 * A claim code is never stored outside the sealed submission; callers keep
 * it in secure memory and wipe it.
 */
#ifndef KIOSK_CLAIM_H
#define KIOSK_CLAIM_H

#define CLAIM_LEN	14	/* "XXXX-XXXX-XXXX" without the NUL */

/* Write a new code and its NUL into out[CLAIM_LEN + 1]. */
void	claim_new(char *out);
/*
 * Normalise a code typed by staff (case, I/L to 1, O to 0, spaces and
 * hyphens) into out[CLAIM_LEN + 1]. Returns 0 if it is a valid code, -1 if
 * it is malformed or its check symbol is wrong.
 */
int	claim_normalise(const char *in, char *out);
/* Check symbol for 11 symbols (values 0..31), as a value. */
int	claim_check_value(const int *vals, int n);
extern const char claim_alphabet[33];

#endif
