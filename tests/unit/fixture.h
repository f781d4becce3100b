/*
 * fixture: a private kiosk in a temporary folder, for the unit tests that
 * drive the session or the outbox (tests/unit/t_*.c). It writes the office
 * public key, the forms and kiosk.ini there, loads the config and opens
 * the kiosk's log in its data folder. Any failure here is fatal: it is
 * set-up, not something under test. The Makefile links fixture.o into
 * every unit test but t_ticket and t_qtype_hole.
 */
#ifndef KIOSK_TEST_FIXTURE_H
#define KIOSK_TEST_FIXTURE_H

#include <sodium.h>

struct config;
struct vault_office_key;

/* Make the folder /tmp/NAME.XXXXXX; returns its path (the fixture's). */
const char	*fixture_dir(const char *name);
/* Write text to the file name (a path below the fixture's folder). */
void		 fixture_put(const char *name, const char *text);
/* Make the folder name below the fixture's folder. */
void		 fixture_mkdir(const char *name);
/* A new office key set; its public key is written to office.pub. */
struct vault_office_key *fixture_office(void);
/*
 * Write kiosk.ini (name t-kiosk, data in data/, forms in forms/, the
 * office's key office.pub, these languages, then the lines extra),
 * make data/, load the config and open data/kiosk.log.
 */
struct config	*fixture_kiosk(const char *languages, const char *extra);
/* A PIN hash as kiosk pin set makes, with the cheapest limits. */
void		 fixture_pin_hash(char out[crypto_pwhash_STRBYTES],
		     const char *pin);
/* How many files folder dir holds (. and .. not counted); 0 if none. */
int		 fixture_entries(const char *dir);
/* Close the log and remove the folder, unless keep names a variable set
 * in the environment (then say where it is). */
void		 fixture_remove(const char *keep);

#endif
