/*
 * cmd-enroll: add a kiosk's identity to the office ledger, so that
 * `kiosk open --ledger` accepts batches it signs, or list the kiosks in
 * it. Never accepts a second key under a name already enrolled.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "office.h"
#include "util.h"

static int
cmd_enroll_exec(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, 'l' },
		{ "list", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	struct buf msg = { 0 };
	char *ledger = NULL, *cause = NULL;
	int c, rc = 1, list = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'l')
			ledger = optarg;
		else if (c == 'L')
			list = 1;
		else
			return cmd_usage(e, "unknown option");
	}
	if (ledger == NULL)
		return cmd_usage(e, "--ledger L.db is required");
	if (list && optind != argc)
		return cmd_usage(e, "--list takes no identity file");
	if (!list && optind + 1 != argc)
		return cmd_usage(e, "give exactly one kiosk identity file");
	rc = list ? office_list(ledger, &msg, &cause) :
	    office_enroll(ledger, argv[optind], &msg, &cause);
	return cmd_report(rc != 0, &msg, cause);
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
	cmd_enroll_exec
};
