/*
 * t_batch: batch write/verify/parse round trip, the error class of every
 * truncation and of a flipped bit at every header byte, non-canonical
 * manifests re-signed by the kiosk, acks and identity files, and the
 * streamed durable write and read-back (durable.h).
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "batch.h"
#include "durable.h"
#include "identity.h"
#include "util.h"
#include "vault.h"

static struct vault_sign_key *key;

/*
 * Write len bytes of d to dir/name in uneven pieces (across the spool's
 * chunks, with a tail that is not whole blocks), then read them back.
 */
static void
file_round_trip(const char *dir, const unsigned char *d, size_t len)
{
	struct durable *f;
	struct durable_reread *r;
	char *cause = NULL, *path = NULL, *tmp;
	size_t off, n, step = 1;
	int fd, rc;

	ok(durable_open(dir, "big.kib", 0, &f, &cause) == 0, "file open");
	for (off = 0, rc = 0; off < len && rc == 0; off += n) {
		n = len - off < step ? len - off : step;
		rc = durable_write(f, d + off, n, &cause);
		step = step * 7 + 4093;		/* 1, 4100, 32793, ... */
	}
	ok(rc == 0, "streamed %zu bytes in pieces", len);
	ok(durable_commit(f, &path, &cause) == 0, "file commit");
	xasprintf(&tmp, "%s/big.kib", dir);
	ok(path != NULL && strcmp(path, tmp) == 0, "renamed into place");
	free(tmp);

	ok(durable_reread_open(path, len, &r, &cause) == 0, "reread open");
	ok(durable_reread_cmp(r, d, 100, &cause) == 0 &&
	    durable_reread_cmp(r, d + 100, len - 100, &cause) == 0 &&
	    durable_reread_close(r, 1, &cause) == 0, "read back the same bytes");
	ok(durable_reread_open(path, len + 1, &r, &cause) != 0,
	    "a different size is refused");
	free(cause);
	cause = NULL;
	ok(durable_reread_open(path, len, &r, &cause) == 0 &&
	    durable_reread_cmp(r, d, len - 1, &cause) == 0, "all but one byte");
	ok(durable_reread_close(r, 1, &cause) != 0 &&
	    strstr(cause, "longer") != NULL, "a byte left over is refused");
	free(cause);
	cause = NULL;

	/* One byte changed on the medium, late in the file. */
	fd = open(path, O_WRONLY);
	ok(fd != -1 && pwrite(fd, "?", 1, (off_t)(len - 5000)) == 1,
	    "change a byte");
	close(fd);
	ok(durable_reread_open(path, len, &r, &cause) == 0, "reread open");
	ok(durable_reread_cmp(r, d, len, &cause) != 0 &&
	    strstr(cause, "differs") != NULL, "a changed byte is caught");
	durable_reread_close(r, 0, NULL);
	free(cause);
	cause = NULL;

	ok(durable_open(dir, "big.kib", 0, &f, &cause) != 0,
	    "an existing batch is not replaced");
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);

	/* Given up: nothing is left behind. */
	ok(durable_open(dir, "gone.kib", 0, &f, &cause) == 0 &&
	    durable_write(f, d, len / 3, &cause) == 0, "start another");
	durable_abort(f);
	ok(rmdir(dir) == 0, "abort leaves nothing in the folder");
}

static int
read_class(const unsigned char *d, size_t len)
{
	struct batch b;
	char *cause = NULL;
	int why = 0;

	if (batch_read(d, len, &b, &why, &cause) == 0) {
		batch_clear(&b);
		return 0;
	}
	free(cause);
	return why;
}

int
main(void)
{
	struct batch b, p;
	struct buf out = { 0 }, idb = { 0 };
	struct vault_office_key *ok_ = NULL;
	struct ack a, ra;
	unsigned char env[3][4144], raw[ACK_LEN], pk[32];
	char *cause = NULL, name[64];
	size_t i, bad;
	int why, cls;

	ok(vault_init() == 0, "libsodium starts");
	key = vault_sign_generate();
	memset(&b, 0, sizeof b);
	strcpy(b.name, "lib-1");
	b.number = 2;
	b.acked_through = 4;
	b.first = 5;
	b.last = 7;
	b.count = 3;
	b.ent = xcalloc(3, sizeof *b.ent);
	for (i = 0; i < 3; i++) {
		vault_random(env[i], sizeof env[i]);
		b.ent[i].seq = 5 + i;
		memset(b.ent[i].key_id, 0x11, 8);
		b.ent[i].data = env[i];
		b.ent[i].len = sizeof env[i];
	}
	batch_write(&b, key, &out);
	is_int(out.len, BATCH_HDR_LEN + 3 * (BATCH_ENT_LEN + 4144),
	    "batch length");
	ok(batch_read(out.data, out.len, &p, &why, &cause) == 0, "batch reads");
	ok(p.number == 2 && p.first == 5 && p.last == 7 && p.count == 3 &&
	    strcmp(p.name, "lib-1") == 0 && p.ent[2].seq == 7 &&
	    memcmp(p.ent[1].data, env[1], 4144) == 0 &&
	    memcmp(p.kiosk_pk, vault_sign_pk(key), 32) == 0,
	    "fields round trip");
	batch_clear(&p);

	/* Every truncation is "truncated". */
	bad = 0;
	for (i = 0; i < out.len; i++) {
		if (read_class(out.data, i) != BATCH_E_TRUNCATED)
			bad++;
	}
	is_int(bad, 0, "every one of %zu truncations is class truncated",
	    out.len);
	/* A flipped bit anywhere is refused (sampled in the records). */
	bad = 0;
	for (i = 0; i < out.len; i += (i < 2000 ? 1 : 97)) {
		out.data[i] ^= 0x10;
		if (read_class(out.data, out.len) == 0)
			bad++;
		out.data[i] ^= 0x10;
	}
	is_int(bad, 0, "no flipped bit is accepted");
	out.data[50] ^= 1;
	is_int(read_class(out.data, out.len), BATCH_E_SIGNATURE,
	    "a flipped signature bit is class signature");
	out.data[50] ^= 1;
	out.data[0] ^= 1;
	is_int(read_class(out.data, out.len), BATCH_E_FORMAT,
	    "a bad magic is class not-a-batch");
	out.data[0] ^= 1;

	/* Non-canonical manifests, validly signed: class manifest. */
	out.data[114] = 1;			/* flags */
	batch_sign(out.data, out.len, key);
	is_int(read_class(out.data, out.len), BATCH_E_MANIFEST, "flags");
	out.data[114] = 0;
	out.data[190 + 0] = 'x';		/* name padding */
	batch_sign(out.data, out.len, key);
	is_int(read_class(out.data, out.len), BATCH_E_MANIFEST,
	    "non-zero name padding");
	out.data[190] = 0;
	out.data[164] = 6;			/* first != acked + 1 */
	batch_sign(out.data, out.len, key);
	is_int(read_class(out.data, out.len), BATCH_E_MANIFEST, "range");
	out.data[164] = 5;
	out.data[BATCH_HDR_LEN + BATCH_ENT_LEN] = 5;	/* seq 6 -> 5 */
	batch_sign(out.data, out.len, key);
	is_int(read_class(out.data, out.len), BATCH_E_MANIFEST,
	    "duplicate seq");
	out.data[BATCH_HDR_LEN + BATCH_ENT_LEN] = 6;
	out.data[out.len - 1] ^= 1;			/* record bytes */
	batch_sign(out.data, out.len, key);
	is_int(read_class(out.data, out.len), BATCH_E_RECORD_HASH,
	    "changed record is class record hash");
	out.data[out.len - 1] ^= 1;
	batch_sign(out.data, out.len, key);
	is_int(read_class(out.data, out.len), 0, "restored batch reads again");
	/* Signed by another key. */
	{
		struct vault_sign_key *k2 = vault_sign_generate();

		batch_sign(out.data, out.len, k2);
		is_int(read_class(out.data, out.len), BATCH_E_SIGNATURE,
		    "signature by another kiosk");
		vault_sign_free(k2);
	}

	/* Acks. */
	ok_ = vault_office_generate();
	memset(&a, 0, sizeof a);
	memcpy(a.kiosk_pk, vault_sign_pk(key), 32);
	a.acked_through = 7;
	a.counter = 3;
	a.batch = 2;
	ack_write(&a, ok_, raw);
	ok(ack_read(raw, sizeof raw, vault_office_public(ok_)->sign_pk, &ra,
	    &cause) == 0 && ra.acked_through == 7 && ra.counter == 3 &&
	    ra.batch == 2, "ack round trip");
	for (bad = 0, i = 0; i < sizeof raw; i++) {
		raw[i] ^= 4;
		if (ack_read(raw, sizeof raw, vault_office_public(ok_)->sign_pk,
		    &ra, &cause) == 0)
			bad++;
		free(cause);
		cause = NULL;
		raw[i] ^= 4;
	}
	is_int(bad, 0, "a flipped bit anywhere in an ack is refused");
	ok(ack_read(raw, sizeof raw - 1, vault_office_public(ok_)->sign_pk,
	    &ra, &cause) != 0, "a short ack is refused");
	free(cause);
	cause = NULL;
	{
		/* FORMAT.md: the whole 12-byte context string is signed. */
		unsigned char msg[12 + 40 + 56];

		memcpy(msg, "kiosk ack v2", 12);
		memcpy(msg + 12, raw, 40);
		memcpy(msg + 52, raw + 104, 56);
		ok(vault_verify(vault_office_public(ok_)->sign_pk, raw + 40,
		    msg, sizeof msg) == 0, "the ack signs \"kiosk ack v2\" "
		    "whole, then bytes 0-40 and 104-160");
		msg[11] = '1';
		ok(vault_verify(vault_office_public(ok_)->sign_pk, raw + 40,
		    msg, sizeof msg) != 0, "not with another context");
	}
	ok(memcmp(raw, "KIA2\r\n\x1a\n", 8) == 0, "ack magic is KIA2");
	raw[3] = '3';
	ok(ack_read(raw, sizeof raw, vault_office_public(ok_)->sign_pk, &ra,
	    &cause) != 0 && strstr(cause, "made by a newer kiosk") != NULL,
	    "a KIA3 ack was made by a newer kiosk");
	free(cause);
	cause = NULL;
	raw[3] = '1';
	ok(ack_read(raw, sizeof raw, vault_office_public(ok_)->sign_pk, &ra,
	    &cause) != 0 && strstr(cause, "made by an older kiosk") != NULL,
	    "a KIA1 ack was made by an older kiosk");
	free(cause);
	cause = NULL;
	raw[3] = '2';

	/* Identity files. */
	identity_format("lib-1", vault_sign_pk(key), &idb);
	ok(identity_parse(idb.data, idb.len, name, pk, &cause) == 0 &&
	    strcmp(name, "lib-1") == 0 &&
	    memcmp(pk, vault_sign_pk(key), 32) == 0, "identity round trip");
	ok(identity_parse(idb.data, idb.len - 1, name, pk, &cause) == 0,
	    "identity without its final newline");
	buf_addc(&idb, 'x');
	ok(identity_parse(idb.data, idb.len, name, pk, &cause) != 0 &&
	    strstr(cause, "extra text") != NULL, "text after it is refused");
	free(cause);
	cause = NULL;
	idb.len--;
	idb.data[idb.len - 2] ^= 1;	/* the fingerprint's last digit */
	ok(identity_parse(idb.data, idb.len, name, pk, &cause) != 0 &&
	    strstr(cause, "fingerprint") != NULL,
	    "a fingerprint that does not match the key is refused");
	free(cause);
	cause = NULL;
	idb.data[idb.len - 2] ^= 1;
	idb.data[30] = 'Z';
	cls = identity_parse(idb.data, idb.len, name, pk, &cause);
	ok(cls != 0, "changed identity file is refused");
	free(cause);

	/* Streamed write and read-back. */
	{
		char dir[] = "/tmp/t_batch.XXXXXX";
		unsigned char *big;
		size_t blen = (9u << 20) + 12345;

		ok(mkdtemp(dir) != NULL, "temp dir");
		big = xmalloc(blen);
		for (i = 0; i < blen; i++)
			big[i] = (unsigned char)(i * 2654435761u >> 13);
		file_round_trip(dir, big, blen);
		free(big);
	}

	vault_office_free(ok_);
	vault_sign_free(key);
	free(b.ent);
	buf_free(&out);
	buf_free(&idb);
	return done_testing();
}
