/*
 * t_vault: sealing round trip, padding buckets, office key file (right and
 * wrong passphrase, header tampering), office.pub parsing, signatures.
 */
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "util.h"
#include "vault.h"

int
main(void)
{
	struct vault_office_key *k, *k2;
	struct vault_office_pub pub;
	struct vault_sign_key *s;
	struct buf b = { 0 }, pb = { 0 };
	unsigned char msg[5000], *env, *pt, sig[64];
	size_t envlen, ptlen, sizes[] = { 0, 1, 4095, 4096, 16383, 16384,
	    100000 };
	char *cause = NULL;
	size_t i;
	int wrong;

	setenv("KIOSK_TEST_FAST_KDF", "1", 1);
	ok(vault_init() == 0, "libsodium starts");
	k = vault_office_generate();

	/* Buckets. */
	is_int(vault_bucket(0), 4096, "empty record pads to 4096");
	is_int(vault_bucket(4095), 4096, "4095 bytes pad to 4096");
	is_int(vault_bucket(4096), 16384, "4096 bytes need the next bucket");
	is_int(vault_bucket(VAULT_BUCKET_MAX), 0, "1 MiB is too big");

	/* Seal round trip over sizes; lengths depend on the bucket only. */
	for (i = 0; i < nitems(sizes); i++) {
		unsigned char *big = xcalloc(1, sizes[i] + 1);

		vault_random(big, sizes[i]);
		ok(vault_seal(vault_office_public(k)->box_pk, big, sizes[i],
		    &env, &envlen, &cause) == 0, "seal %zu bytes", sizes[i]);
		is_int(envlen, vault_bucket(sizes[i]) + 48,
		    "sealed length is bucket + 48");
		ok(vault_seal_open(k, env, envlen, &pt, &ptlen, &cause) == 0 &&
		    ptlen == sizes[i] && memcmp(pt, big, ptlen) == 0,
		    "open gives back the same %zu bytes", sizes[i]);
		vault_secure_free(pt);
		env[envlen / 2] ^= 1;
		ok(vault_seal_open(k, env, envlen, &pt, &ptlen, &cause) != 0,
		    "a flipped bit is refused");
		free(cause);
		cause = NULL;
		free(env);
		free(big);
	}
	memset(msg, 'a', sizeof msg);
	vault_seal(vault_office_public(k)->box_pk, msg, 10, &env, &envlen,
	    &cause);
	k2 = vault_office_generate();
	ok(vault_seal_open(k2, env, envlen, &pt, &ptlen, &cause) != 0,
	    "another office key cannot open it");
	free(cause);
	cause = NULL;
	vault_office_free(k2);
	free(env);

	/* Key file. */
	ok(vault_office_key_seal(k, "correct horse", &b, &cause) == 0,
	    "seal the key file");
	is_int(b.len, 210, "key file is 210 bytes");
	k2 = vault_office_key_open(b.data, b.len, "correct horse", &wrong,
	    &cause);
	ok(k2 != NULL && memcmp(vault_office_public(k2),
	    vault_office_public(k), sizeof(struct vault_office_pub)) == 0,
	    "the key file opens with the right passphrase");
	vault_office_free(k2);
	k2 = vault_office_key_open(b.data, b.len, "wrong horse", &wrong,
	    &cause);
	ok(k2 == NULL && wrong == 1, "a wrong passphrase is refused as such");
	free(cause);
	cause = NULL;
	b.data[12] ^= 1;	/* opslimit: header is authenticated */
	k2 = vault_office_key_open(b.data, b.len, "correct horse", &wrong,
	    &cause);
	ok(k2 == NULL, "a changed header is refused");
	free(cause);
	cause = NULL;
	b.data[12] ^= 1;
	unsetenv("KIOSK_TEST_FAST_KDF");
	k2 = vault_office_key_open(b.data, b.len, "correct horse", &wrong,
	    &cause);
	ok(k2 == NULL && wrong == 0 && strstr(cause, "weaker") != NULL,
	    "INTERACTIVE limits are refused outside tests");
	free(cause);
	cause = NULL;
	setenv("KIOSK_TEST_FAST_KDF", "1", 1);

	/* office.pub */
	vault_office_pub_format(vault_office_public(k), &pb);
	ok(vault_office_pub_parse(pb.data, pb.len, &pub, &cause) == 0 &&
	    memcmp(&pub, vault_office_public(k), sizeof pub) == 0,
	    "office.pub round trip");
	ok(vault_office_pub_parse(pb.data, pb.len - 1, &pub, &cause) == 0,
	    "office.pub without its final newline is fine");
	pb.data[40] = pb.data[40] == 'a' ? 'b' : 'a';
	ok(vault_office_pub_parse(pb.data, pb.len, &pub, &cause) != 0,
	    "office.pub with a changed key is refused");
	free(cause);
	cause = NULL;

	/* Signatures. */
	s = vault_sign_generate();
	vault_sign(s, sig, "hello", 5);
	ok(vault_verify(vault_sign_pk(s), sig, "hello", 5) == 0,
	    "signature verifies");
	ok(vault_verify(vault_sign_pk(s), sig, "hellp", 5) != 0,
	    "signature over other bytes is refused");
	k2 = (struct vault_office_key *)vault_sign_from_secret(
	    vault_sign_secret(s));
	ok(k2 != NULL, "sign key reloads from its secret");
	vault_sign_free((struct vault_sign_key *)k2);

	/* The kiosk's signing key under a passphrase. */
	{
		struct buf sb = { 0 };
		struct vault_sign_key *s2;

		ok(vault_sign_key_seal(s, "staff words", &sb, &cause) == 0 &&
		    sb.len == vault_sign_key_sealed_len(),
		    "seal the kiosk signing key");
		ok(memmem(sb.data, sb.len, vault_sign_secret(s), 32) == NULL,
		    "its secret is not in the sealed bytes");
		s2 = vault_sign_key_open(sb.data, sb.len, "staff words",
		    &wrong, &cause);
		ok(s2 != NULL && memcmp(vault_sign_pk(s2), vault_sign_pk(s),
		    32) == 0, "it opens with the right passphrase");
		vault_sign_free(s2);
		s2 = vault_sign_key_open(sb.data, sb.len, "staff word",
		    &wrong, &cause);
		ok(s2 == NULL && wrong == 1, "a wrong passphrase is refused");
		free(cause);
		cause = NULL;
		s2 = vault_sign_key_open(b.data, b.len, "correct horse",
		    &wrong, &cause);
		ok(s2 == NULL && wrong == 0 && cause != NULL &&
		    strstr(cause, "wrong kind") != NULL,
		    "an office key file is not taken for a kiosk key");
		free(cause);
		cause = NULL;
		k2 = vault_office_key_open(sb.data, sb.len, "staff words",
		    &wrong, &cause);
		ok(k2 == NULL && wrong == 0,
		    "nor a kiosk key for an office key file");
		free(cause);
		cause = NULL;
		sb.data[sb.len - 1] ^= 1;
		s2 = vault_sign_key_open(sb.data, sb.len, "staff words",
		    &wrong, &cause);
		ok(s2 == NULL, "a changed sealed key is refused");
		free(cause);
		cause = NULL;
		s2 = vault_sign_key_open(sb.data, sb.len - 1, "staff words",
		    &wrong, &cause);
		ok(s2 == NULL && wrong == 0, "a short one too");
		free(cause);
		cause = NULL;
		buf_free(&sb);
	}
	vault_sign_free(s);

	vault_office_free(k);
	buf_free(&b);
	buf_free(&pb);
	/* vault_wipe_all (the fatal-signal path) zeroes every live block. */
	{
		unsigned char *a = vault_secure_alloc(100);
		unsigned char *b2 = vault_secure_alloc(5000);
		size_t j, nz = 0;

		memset(a, 'x', 100);
		memset(b2, 'y', 5000);
		vault_wipe_all();
		for (j = 0; j < 100; j++)
			nz += a[j] != 0;
		for (j = 0; j < 5000; j++)
			nz += b2[j] != 0;
		ok(nz == 0, "vault_wipe_all zeroes every live secure block");
		vault_secure_free(a);
		vault_secure_free(b2);
	}
	/* PINs: at least six digits (issue 13). */
	{
		char ph[128];

		free(cause);
		cause = NULL;
		ok(vault_pin_hash(ph, "12345", &cause) != 0 && cause != NULL &&
		    strstr(cause, "at least 6") != NULL,
		    "a 5-digit PIN is refused");
		free(cause);
		cause = NULL;
		ok(vault_pin_hash(ph, "123456", &cause) == 0 &&
		    vault_pin_verify(ph, "123456") &&
		    !vault_pin_verify(ph, "123457"),
		    "a 6-digit PIN is hashed and verifies");
	}
	return done_testing();
}
