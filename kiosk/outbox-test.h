/*
 * outbox-test: the outbox's hooks for tests, kept out of outbox.h so that
 * no production caller sees them. `kiosk export --test-tamper` (only with
 * KIOSK_TEST=1) is their one caller.
 */
#ifndef KIOSK_OUTBOX_TEST_H
#define KIOSK_OUTBOX_TEST_H

struct outbox;

/*
 * Rewrite a batch signed by this kiosk (swap records i and j, or drop
 * record i when j < 0, or flip a byte in record i's ciphertext when
 * j == -2) and sign it again, into out.
 */
int	 outbox_tamper(struct outbox *, const char *in, const char *out,
	    long i, long j, char **cause);

#endif
