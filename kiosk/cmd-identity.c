/*
 * cmd-identity: print the kiosk's public identity (name, Ed25519 public
 * key, fingerprint), making the key on first run. The output is the
 * KIOSK.pub file `kiosk enroll` takes at the office. Never prints the
 * secret key.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "config.h"
#include "outbox.h"
#include "util.h"

static int
cmd_identity_exec(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct config *cfg;
	struct buf b = { 0 };
	char *cpath = NULL, *cause = NULL;
	int c, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'c')
			cpath = optarg;
		else
			return cmd_usage(e, "unknown option");
	}
	if (optind != argc)
		return cmd_usage(e, "unexpected argument \"%s\"", argv[optind]);
	if ((cfg = cmd_load_config(cpath)) == NULL)
		return 1;
	if (outbox_identity_only(cfg, &b, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
	} else {
		fwrite(b.data, 1, b.len, stdout);
		rc = 0;
	}
	buf_free(&b);
	config_free(cfg);
	return rc;
}

const struct cmd_entry cmd_identity_entry = {
	"identity",
	"identity [--config FILE]",
	"Print this kiosk's public key and fingerprint (for kiosk enroll).",
	"Prints the kiosk's name, its Ed25519 public key and fingerprint, "
	"making the key in data_dir on first use. Save the output as "
	"NAME.pub, take it to the office and enrol it there with "
	"`kiosk enroll --ledger L.db NAME.pub`; read the fingerprint aloud "
	"or compare it on paper. The secret key never leaves data_dir.",
	cmd_identity_exec
};
