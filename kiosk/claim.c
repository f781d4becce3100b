/*
 * claim: claim codes (see claim.h). Pure functions plus vault's random.
 */
#include <ctype.h>
#include <string.h>

#include "claim.h"
#include "vault.h"

const char claim_alphabet[33] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static int
symbol_value(int c)
{
	const char *p;

	c = toupper((unsigned char)c);
	switch (c) {
	case 'I':
	case 'L':
		c = '1';
		break;
	case 'O':
		c = '0';
		break;
	}
	if (c == '\0' || (p = strchr(claim_alphabet, c)) == NULL)
		return -1;
	return (int)(p - claim_alphabet);
}

/*
 * Luhn mod N with N = 32: walking from the right, every other symbol's
 * value is doubled and its base-32 digits added. Doubling then folding is a
 * permutation of 0..31, so changing any one symbol changes the sum.
 */
int
claim_check_value(const int *vals, int n)
{
	int factor = 2, sum = 0, addend, i;

	for (i = n - 1; i >= 0; i--) {
		addend = factor * vals[i];
		factor = factor == 2 ? 1 : 2;
		sum += addend / 32 + addend % 32;
	}
	return (32 - sum % 32) % 32;
}

static void
format_code(const int *vals, char *out)
{
	int i, j = 0;

	for (i = 0; i < 12; i++) {
		if (i == 4 || i == 8)
			out[j++] = '-';
		out[j++] = claim_alphabet[vals[i]];
	}
	out[j] = '\0';
}

void
claim_new(char *out)
{
	int vals[12], i;

	for (i = 0; i < 11; i++)
		vals[i] = (int)vault_random_uniform(32);
	vals[11] = claim_check_value(vals, 11);
	format_code(vals, out);
	vault_wipe(vals, sizeof vals);
}

int
claim_normalise(const char *in, char *out)
{
	int vals[12], n = 0, v, rc = -1;

	for (; *in != '\0'; in++) {
		if (*in == '-' || *in == ' ')
			continue;
		if (n == 12 || (v = symbol_value(*in)) < 0)
			goto out;
		vals[n++] = v;
	}
	if (n != 12 || claim_check_value(vals, 11) != vals[11])
		goto out;
	format_code(vals, out);
	rc = 0;
out:
	vault_wipe(vals, sizeof vals);
	return rc;
}
