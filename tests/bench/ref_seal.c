/*
 * ref_seal: the references for bench_seal.sh and bench_open.sh, built by
 * them with plain libsodium and SQLite and nothing of kiosk.
 *
 *   ref_seal seal DB N     N x (sodium_pad 1500 -> 4096, crypto_box_seal,
 *                          INSERT in its own transaction, WAL +
 *                          synchronous=FULL); prints microseconds per op
 *   ref_seal open N        seals N padded 4096-byte records to its own key
 *                          (untimed), then times crypto_box_seal_open +
 *                          sodium_unpad of all of them: the physical limit
 *                          for kiosk open of N records; prints total ms
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	unsigned char pk[32], sk[32], buf[4096], env[4096 + 48];
	double t0;
	size_t plen;

	if (sodium_init() < 0 || argc < 3)
		return 1;
	crypto_box_keypair(pk, sk);
	if (strcmp(argv[1], "seal") == 0 && argc == 4) {
		sqlite3 *db;
		sqlite3_stmt *st;
		long i, n = atol(argv[3]);

		if (sqlite3_open(argv[2], &db) != SQLITE_OK)
			return 1;
		sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
		    "CREATE TABLE e(seq INTEGER PRIMARY KEY, sealed BLOB);",
		    NULL, NULL, NULL);
		sqlite3_prepare_v2(db, "INSERT INTO e(sealed) VALUES (?)", -1,
		    &st, NULL);
		t0 = now();
		for (i = 0; i < n; i++) {
			randombytes_buf(buf, 1500);
			sodium_pad(&plen, buf, 1500, 4096, sizeof buf);
			crypto_box_seal(env, buf, plen, pk);
			sqlite3_bind_blob(st, 1, env, sizeof env, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				return 1;
			sqlite3_reset(st);
		}
		printf("%.1f\n", (now() - t0) * 1e6 / n);
		sqlite3_finalize(st);
		sqlite3_close(db);
		return 0;
	}
	if (strcmp(argv[1], "open") == 0) {
		long i, n = atol(argv[2]);
		unsigned char *all, out[4096];
		size_t ulen;

		/* Same count and sizes as the batch, sealed to our own key. */
		all = malloc((size_t)n * sizeof env);
		for (i = 0; i < n; i++) {
			randombytes_buf(buf, 1500);
			sodium_pad(&plen, buf, 1500, 4096, sizeof buf);
			crypto_box_seal(all + i * sizeof env, buf, plen, pk);
		}
		t0 = now();
		for (i = 0; i < n; i++) {
			if (crypto_box_seal_open(out, all + i * sizeof env,
			    sizeof env, pk, sk) != 0 ||
			    sodium_unpad(&ulen, out, sizeof out, 4096) != 0)
				return 1;
		}
		printf("%.0f\n", (now() - t0) * 1e3);
		return 0;
	}
	return 1;
}
