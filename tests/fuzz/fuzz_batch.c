/*
 * fuzz_batch: libFuzzer harness for the batch reader (and the record
 * parser it leads to). Properties checked, age FuzzMalleability style:
 * whatever batch_parse accepts, batch_write reproduces byte for byte
 * (past the signer key and signature), and whatever record_parse accepts,
 * record_serialize reproduces byte for byte. The signature check is
 * exercised too, but the parser is fuzzed past it on purpose.
 *
 * Build (from the checkout):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Ikiosk tests/fuzz/fuzz_batch.c kiosk/batch.c kiosk/record.c \
 *     kiosk/par.c kiosk/spool.c kiosk/vault.c kiosk/util.c -lsodium \
 *     -o build/fuzz_batch
 *   build/fuzz_batch -max_total_time=60 build/fuzz-corpus-batch
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "record.h"
#include "util.h"
#include "vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct vault_sign_key *key;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct batch b;
	struct buf out = { 0 };
	struct record *r;
	struct record_head h;
	unsigned char pk[32], *ser;
	size_t slen;
	char *cause = NULL;
	int why;

	if (key == NULL) {
		if (vault_init() != 0)
			abort();
		key = vault_sign_generate();
	}
	if (batch_check_header(data, len, pk, &why, &cause) == 0) {
		free(cause);
		cause = NULL;
		if (batch_verify(data, len, &why, &cause) != 0) {
			free(cause);
			cause = NULL;
		}
		if (batch_parse(data, len, &b, &why, &cause) == 0) {
			batch_write(&b, key, &out);
			if (out.len != len || memcmp(out.data + 104, data + 104,
			    len - 104) != 0)
				abort();	/* not canonical */
			batch_clear(&b);
			buf_free(&out);
		}
	}
	free(cause);
	cause = NULL;

	if ((r = record_parse(data, len, &h, &cause)) != NULL) {
		if (record_serialize(r, &h, &ser, &slen, &cause) != 0 ||
		    slen != len || memcmp(ser, data, len) != 0)
			abort();	/* not canonical */
		vault_secure_free(ser);
		record_free(r);
	}
	free(cause);
	return 0;
}
