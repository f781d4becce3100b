/*
 * fuzz_ack: libFuzzer harness for what the kiosk reads from a USB stick
 * (the .ack file) and the small text formats staff carry around
 * (office.pub and kiosk identity files). Acks are verified before they
 * are parsed; the harness also re-signs the input with a fixed office key
 * so the parser behind the signature is reached, and checks that the
 * text parsers accept only what their formatters write.
 *
 * Build (from the checkout):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Ikiosk tests/fuzz/fuzz_ack.c kiosk/batch.c kiosk/identity.c \
 *     kiosk/durable.c kiosk/record.c kiosk/par.c kiosk/spool.c \
 *     kiosk/vault.c kiosk/util.c -lsodium \
 *     -o build/fuzz_ack
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "identity.h"
#include "util.h"
#include "vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct vault_office_key *okey;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct vault_office_pub *op;
	struct vault_office_pub pub;
	struct ack a, a2;
	struct buf b = { 0 };
	unsigned char raw[ACK_LEN], pk[32];
	char *cause = NULL, name[BATCH_NAME_MAX + 1];

	if (okey == NULL) {
		if (vault_init() != 0)
			abort();
		okey = vault_office_generate();
	}
	op = vault_office_public(okey);
	if (ack_read(data, len, op->sign_pk, &a, &cause) == 0)
		abort();	/* a random input cannot carry our signature */
	free(cause);
	cause = NULL;

	/* Past the signature: take the fields, sign, read back. */
	if (len >= ACK_LEN) {
		memset(&a, 0, sizeof a);
		memcpy(a.kiosk_pk, data + 104, 32);
		memcpy(&a.acked_through, data + 136, 8);
		memcpy(&a.counter, data + 144, 8);
		memcpy(&a.batch, data + 152, 8);
		ack_write(&a, okey, raw);
		if (ack_read(raw, sizeof raw, op->sign_pk, &a2, &cause) == 0 &&
		    (a2.acked_through != a.acked_through ||
		    a2.counter != a.counter || a2.batch != a.batch))
			abort();
		free(cause);
		cause = NULL;
	}

	if (vault_office_pub_parse(data, len, &pub, &cause) == 0) {
		vault_office_pub_format(&pub, &b);
		if (!(b.len == len || b.len == len + 1) ||
		    memcmp(b.data, data, len) != 0)
			abort();
		buf_free(&b);
	}
	free(cause);
	cause = NULL;
	if (identity_parse(data, len, name, pk, &cause) == 0) {
		identity_format(name, pk, &b);
		if (!(b.len == len || b.len == len + 1) ||
		    memcmp(b.data, data, len) != 0)
			abort();
		buf_free(&b);
	}
	free(cause);
	return 0;
}
