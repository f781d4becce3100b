/*
 * t_record: canonical serialization round trip, growth beyond the first
 * arena, refusal of non-canonical bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "../tap.h"
#include "util.h"
#include "vault.h"

int
main(void)
{
	struct record *r, *p, *q;
	struct record_head h, ph, qh;
	unsigned char *ser, *ser2, *bad;
	size_t len, len2, i;
	const char *n, *v;
	char name[32], value[64], *cause = NULL;
	int rel, same = 1;

	ok(vault_init() == 0, "libsodium starts");
	r = record_new();
	for (i = 0; i < 200; i++) {	/* forces the arena to grow */
		snprintf(name, sizeof name, "q%zu", i);
		snprintf(value, sizeof value, "answer ñ %zu", i);
		record_add(r, name, i % 7 == 0 ? "" : value, i % 7 != 0);
	}
	is_int(record_ncolumns(r), 200, "200 columns");
	record_column(r, 199, &n, &v, &rel);
	ok(strcmp(n, "q199") == 0 && strcmp(v, "answer ñ 199") == 0 && rel,
	    "last column survives growth");

	memset(&h, 0, sizeof h);
	memset(h.kiosk_id, 7, 32);
	h.seq = 42;
	memset(h.prev_hash, 9, 32);
	h.date = "2026-03-01";
	h.form_id = "muni_id";
	h.form_version = "2026031";
	h.lang = "es";
	h.claim = "7KQ2-M9XD-4TRB";
	h.assisted_by = 3;
	ok(record_serialize(r, &h, &ser, &len, &cause) == 0, "serialize");
	p = record_parse(ser, len, &ph, &cause);
	ok(p != NULL, "parse");
	ok(ph.seq == 42 && memcmp(ph.kiosk_id, h.kiosk_id, 32) == 0 &&
	    memcmp(ph.prev_hash, h.prev_hash, 32) == 0 &&
	    strcmp(ph.date, h.date) == 0 && strcmp(ph.form_id, h.form_id) == 0 &&
	    strcmp(ph.form_version, h.form_version) == 0 &&
	    strcmp(ph.lang, "es") == 0 && strcmp(ph.claim, h.claim) == 0 &&
	    ph.assisted_by == 3, "head round trip");
	is_int(record_ncolumns(p), 200, "columns round trip");
	for (i = 0; i < 200; i++) {
		const char *n2, *v2;
		int rel2;

		record_column(r, i, &n, &v, &rel);
		record_column(p, i, &n2, &v2, &rel2);
		if (strcmp(n, n2) != 0 || strcmp(v, v2) != 0 || rel != rel2)
			same = 0;
	}
	ok(same, "every column is the same after parsing");
	ok(record_serialize(p, &ph, &ser2, &len2, &cause) == 0 &&
	    len2 == len && memcmp(ser, ser2, len) == 0,
	    "serialize(parse(b)) == b");
	vault_secure_free(ser2);

	/* Non-canonical input. */
	bad = xmalloc(len + 1);
	memcpy(bad, ser, len);
	bad[len] = 0;
	q = record_parse(bad, len + 1, &qh, &cause);
	ok(q == NULL, "a trailing byte is refused");
	free(cause);
	cause = NULL;
	for (i = 0; i < len; i += len / 50 + 1) {
		q = record_parse(bad, i, &qh, &cause);
		if (q != NULL)
			break;
		free(cause);
		cause = NULL;
	}
	ok(q == NULL, "every truncation tried is refused");
	memcpy(bad, ser, len);
	bad[len - 1] = 2;	/* relevant flag of the last column */
	q = record_parse(bad, len, &qh, &cause);
	ok(q == NULL, "a relevant flag other than 0 or 1 is refused");
	free(cause);
	cause = NULL;
	memcpy(bad, ser, len);
	bad[4] = 2;		/* record format version */
	q = record_parse(bad, len, &qh, &cause);
	ok(q == NULL && cause != NULL &&
	    strstr(cause, "made by a newer kiosk") != NULL,
	    "record version 2 says it was made by a newer kiosk");
	free(cause);
	cause = NULL;
	h.date = "2026-3-1";
	ok(record_serialize(r, &h, &ser2, &len2, &cause) != 0,
	    "a date that is not YYYY-MM-DD is refused");
	free(cause);
	free(bad);
	vault_secure_free(ser);
	record_free(p);
	record_free(r);
	return done_testing();
}
