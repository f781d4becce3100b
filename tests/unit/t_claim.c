/* t_claim: claim code shape, check symbol, normalisation. */
#include <string.h>

#include "claim.h"
#include "vault.h"
#include "../tap.h"

int
main(void)
{
	char code[CLAIM_LEN + 1], norm[CLAIM_LEN + 1], bad[CLAIM_LEN + 1];
	char seen[CLAIM_LEN + 1];
	int i, pos, c, missed = 0, tried = 0, shape = 1, differ = 0;

	ok(vault_init() == 0, "libsodium starts");
	for (i = 0; i < 200; i++) {
		claim_new(code);
		if (strlen(code) != CLAIM_LEN || code[4] != '-' ||
		    code[9] != '-')
			shape = 0;
		for (pos = 0; pos < CLAIM_LEN; pos++)
			if (pos != 4 && pos != 9 &&
			    strchr(claim_alphabet, code[pos]) == NULL)
				shape = 0;
		if (claim_normalise(code, norm) != 0 || strcmp(norm, code))
			shape = 0;
		if (i > 0 && strcmp(seen, code) != 0)
			differ = 1;
		memcpy(seen, code, sizeof seen);
	}
	ok(shape, "200 codes are XXXX-XXXX-XXXX in Crockford base32 and valid");
	ok(differ, "codes differ from one another");

	/* Every single-symbol substitution, at every position, of 50 codes. */
	for (i = 0; i < 50; i++) {
		claim_new(code);
		for (pos = 0; pos < CLAIM_LEN; pos++) {
			if (pos == 4 || pos == 9)
				continue;
			for (c = 0; c < 32; c++) {
				if (claim_alphabet[c] == code[pos])
					continue;
				memcpy(bad, code, sizeof bad);
				bad[pos] = claim_alphabet[c];
				tried++;
				if (claim_normalise(bad, norm) == 0)
					missed++;
			}
		}
	}
	ok(tried == 50 * 12 * 31, "tried %d substitutions", tried);
	is_int(missed, 0, "the check symbol catches every substitution");

	ok(claim_normalise("7kq2 m9xd 4trb", norm) == 0 ||
	    claim_normalise("7kq2 m9xd 4trb", norm) == -1,
	    "normalise accepts spaces and lower case without crashing");
	claim_new(code);
	for (i = 0; code[i]; i++)
		bad[i] = (char)((code[i] >= 'A' && code[i] <= 'Z') ?
		    code[i] - 'A' + 'a' : code[i]);
	bad[i] = '\0';
	ok(claim_normalise(bad, norm) == 0 && strcmp(norm, code) == 0,
	    "lower case normalises to the same code");
	ok(claim_normalise("0000-0000-000", norm) == -1, "too short refused");
	ok(claim_normalise("0000-0000-0000-0", norm) == -1, "too long refused");
	ok(claim_normalise("U000-0000-0000", norm) == -1,
	    "U is not in the alphabet");
	return done_testing();
}
