/*
 * cmd-enroll: add a kiosk's identity to the office ledger, so that
 * `kiosk open --ledger` accepts batches it signs, or list the kiosks in
 * it. Never accepts a second key under a name already enrolled.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "office.h"
#include "util.h"

static const struct cmd_option cmd_enroll_options[] = {
	{ "ledger", 1, 0, "the office ledger (SQLite) to add the kiosk to" },
	{ "list", 0, 0, "list the kiosks in the ledger instead" },
	{ NULL, 0, 0, NULL }
};

static int
cmd_enroll_exec(const struct cmd_entry *e, int argc, char **argv)
{
	struct cmd_args args;
	struct buf msg = { 0 };
	const char *ledger;
	char *cause = NULL;
	int rc = 1, list;

	if ((rc = cmd_parse(e, argc, argv, &args)) != 0)
		return rc;
	ledger = cmd_args_get(&args, "ledger");
	list = cmd_args_has(&args, "list");
	if (ledger == NULL)
		rc = cmd_usage(e, "--ledger L.db is required");
	else if (list && args.argc != 0)
		rc = cmd_usage(e, "--list takes no identity file");
	else if (!list && args.argc != 1)
		rc = cmd_usage(e, "give exactly one kiosk identity file");
	else {
		rc = list ? office_list(ledger, &msg, &cause) :
		    office_enroll(ledger, args.argv[0], &msg, &cause);
		rc = cmd_report(rc != 0, &msg, cause);
	}
	cmd_args_free(&args);
	return rc;
}

const struct cmd_entry cmd_enroll_entry = {
	"enroll",
	"enroll --ledger L.db KIOSK.pub | --list",
	"Enrol a kiosk at the office, so its batches are accepted.",
	"Reads a kiosk identity file (the output of `kiosk identity` on the "
	"kiosk) and adds the kiosk to the ledger. Compare the fingerprint it "
	"prints with the one shown on the kiosk before trusting it. A name "
	"can be enrolled with one key only. `kiosk open --ledger L.db` "
	"rejects batches from kiosks that are not enrolled. With --list, "
	"prints every kiosk in the ledger: name, fingerprint, whether it "
	"was enrolled or trusted on first use, whether it is revoked (see "
	"kiosk revoke), its last batch and how many submissions came from "
	"it.",
	cmd_enroll_options,
	cmd_enroll_exec
};
