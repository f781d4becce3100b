/*
 * t_store: the kiosk outbox tables (head derived from the newest envelope,
 * envelopes with their hashes, export marks, deletion) and the office ledger (enrolment, batches, seen ranges, ack
 * counters), and that a rolled-back transaction leaves nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "../tap.h"
#include "util.h"

int
main(void)
{
	char dir[] = "/tmp/t_store.XXXXXX", path[256], *cause = NULL, *name;
	struct store *s;
	struct store_head h;
	struct store_envelope *ev;
	unsigned char kid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, env[100], pk[32];
	unsigned char hash[32], pk2[32];
	uint64_t *rg, ctr;
	size_t n, i;
	long cnt, del;
	int found;

	ok(mkdtemp(dir) != NULL, "temp dir");
	snprintf(path, sizeof path, "%s/kiosk.db", dir);
	s = store_open(path, STORE_KIOSK, &cause);
	ok(s != NULL, "open kiosk store");
	ok(store_get_head(s, &h, &cause) == 0 && h.next_seq == 1 &&
	    h.acked_through == 0, "fresh head starts at seq 1");
	for (i = 1; i <= 5; i++) {
		memset(env, (int)i, sizeof env);
		memset(hash, 0x40 + (int)i, sizeof hash);
		store_begin(s, &cause);
		store_put_envelope(s, i, kid, hash, env, sizeof env, &cause);
		if (i == 2) {	/* the head row is written now and then */
			ok(store_get_head(s, &h, &cause) == 0, "read head");
			store_set_head(s, &h, &cause);
		}
		ok(store_commit(s, &cause) == 0, "commit envelope %zu", i);
		ok(store_get_head(s, &h, &cause) == 0 && h.next_seq == i + 1 &&
		    h.prev_hash[0] == 0x40 + i && h.prev_hash[31] == 0x40 + i,
		    "head derived from envelope %zu", i);
	}
	/* A rolled-back submission leaves nothing. */
	store_begin(s, &cause);
	store_put_envelope(s, 6, kid, hash, env, sizeof env, &cause);
	store_rollback(s);
	ok(store_count_envelopes(s, &cnt, &cause) == 0 && cnt == 5,
	    "rollback leaves 5 envelopes");
	ok(store_get_head(s, &h, &cause) == 0 && h.next_seq == 6 &&
	    h.prev_hash[0] == 0x45, "rollback leaves the head at 6");
	ok(store_put_envelope(s, 5, kid, hash, env, sizeof env, &cause) != 0,
	    "a duplicate seq is refused");
	free(cause);
	cause = NULL;
	ok(store_get_envelopes(s, 2, &ev, &n, &cause) == 0 && n == 3 &&
	    ev[0].seq == 3 && ev[0].len == sizeof env && ev[0].data[0] == 3 &&
	    memcmp(ev[0].key_id, kid, 8) == 0 && ev[0].has_hash &&
	    ev[0].hash[0] == 0x43, "envelopes after 2");
	store_envelopes_free(ev, n);
	{
		size_t tn;
		uint64_t tb;

		ok(store_envelope_totals(s, 2, &tn, &tb, &cause) == 0 &&
		    tn == 3 && tb == 3 * sizeof env, "totals after 2");
	}
	store_begin(s, &cause);
	ok(store_mark_exported(s, 1, 5, 1, &cause) == 0, "mark exported");
	ok(store_get_head(s, &h, &cause) == 0, "read head");
	h.acked_through = 5;
	ok(store_delete_through(s, 5, &del, &cause) == 0 && del == 5,
	    "delete through 5");
	store_set_head(s, &h, &cause);
	store_commit(s, &cause);
	ok(store_get_head(s, &h, &cause) == 0 && h.next_seq == 6 &&
	    h.prev_hash[0] == 0x45, "no envelopes left: the head row holds 6");
	for (i = 6; i <= 7; i++) {
		memset(env, (int)i, sizeof env);
		memset(hash, 0x40 + (int)i, sizeof hash);
		store_begin(s, &cause);
		store_put_envelope(s, i, kid, hash, env, sizeof env, &cause);
		ok(store_commit(s, &cause) == 0, "commit envelope %zu", i);
	}
	store_begin(s, &cause);
	ok(store_get_head(s, &h, &cause) == 0 && h.next_seq == 8,
	    "head derived past the head row");
	ok(store_set_head(s, &h, &cause) == 0, "derived head written back");
	store_commit(s, &cause);
	ok(store_compact(s, &cause) == 0, "checkpoint and vacuum");
	ok(store_integrity(s, &cause) == 0, "integrity_check ok");
	store_close(s);
	s = store_open(path, STORE_KIOSK, &cause);
	ok(s != NULL && store_count_envelopes(s, &cnt, &cause) == 0 &&
	    cnt == 2, "reopened: 2 envelopes left");
	ok(store_get_head(s, &h, &cause) == 0 && h.next_seq == 8 &&
	    h.prev_hash[0] == 0x47, "reopened: head kept");
	store_close(s);

	snprintf(path, sizeof path, "%s/ledger.db", dir);
	s = store_open(path, STORE_LEDGER, &cause);
	ok(s != NULL, "open ledger");
	memset(pk, 0xaa, 32);
	memset(pk2, 0xbb, 32);
	ok(store_ledger_enroll(s, pk, "lib-1", STORE_ENROLLED, &cause) == 0,
	    "enrol");
	ok(store_ledger_enroll(s, pk2, "lib-1", STORE_ENROLLED, &cause) != 0,
	    "a second key under the same name is refused");
	free(cause);
	cause = NULL;
	ok(store_ledger_kiosk(s, pk, &found, &name, &cause) == 0 && found &&
	    strcmp(name, "lib-1") == 0, "look up by key");
	free(name);
	ok(store_ledger_kiosk(s, pk2, &found, NULL, &cause) == 0 && !found,
	    "unknown key not found");
	memset(hash, 5, 32);
	for (i = 1; i <= 9; i++) {
		if (i == 4 || i == 7 || i == 8)
			continue;
		store_ledger_put_seen(s, pk, i, hash, &cause);
	}
	ok(store_ledger_ranges(s, pk, &rg, &n, &cause) == 0 && n == 3 &&
	    rg[0] == 1 && rg[1] == 3 && rg[2] == 5 && rg[3] == 6 &&
	    rg[4] == 9 && rg[5] == 9, "ranges 1-3, 5-6, 9-9");
	free(rg);
	ok(store_ledger_put_batch(s, pk, 1, hash, &cause) == 0 &&
	    store_ledger_batch(s, pk, 1, &found, hash, &cause) == 0 && found,
	    "batch recorded");
	ok(store_ledger_next_ack(s, pk, &ctr, &cause) == 0 && ctr == 1 &&
	    store_ledger_next_ack(s, pk, &ctr, &cause) == 0 && ctr == 2,
	    "ack counter grows");
	store_close(s);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	ok(system(path) == 0, "clean up");
	return done_testing();
}
