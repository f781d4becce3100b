/*
 * cmd-revoke: mark an enrolled kiosk's key revoked in the office ledger,
 * for a kiosk that was stolen, seized or lost. `kiosk open --ledger`
 * then refuses its batches after the last one accepted.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "office.h"
#include "util.h"

static int
cmd_revoke_exec(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, 'l' },
		{ "accept-through", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct buf msg = { 0 };
	char *ledger = NULL, *cause = NULL, *end;
	long long through = -1;
	int c, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			ledger = optarg;
			break;
		case 'a':
			errno = 0;
			through = strtoll(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    through < 0)
				return cmd_usage(e, "--accept-through: not a "
				    "batch number: %s", optarg);
			break;
		default:
			return cmd_usage(e, "unknown option");
		}
	}
	if (ledger == NULL)
		return cmd_usage(e, "--ledger L.db is required");
	if (optind + 1 != argc)
		return cmd_usage(e, "give exactly one kiosk name");
	rc = office_revoke(ledger, argv[optind], (int64_t)through, &msg,
	    &cause);
	return cmd_report(rc != 0, &msg, cause);
}

const struct cmd_entry cmd_revoke_entry = {
	"revoke",
	"revoke --ledger L.db [--accept-through N] KIOSK-NAME",
	"Revoke a stolen or lost kiosk's key at the office.",
	"Marks the kiosk's key revoked in the ledger. From then on `kiosk "
	"open --ledger L.db` refuses its batches numbered after N (error "
	"class \"revoked\", exit 1, nothing written), because whoever holds "
	"the kiosk holds its signing key and can sign batches. N is by "
	"default the last batch already opened from it. Give a higher N "
	"only for a stick you know was exported before the kiosk was lost: "
	"the batch number is the last part of its file name "
	"(NAME-N.kib). A revoked key stays in the ledger, so what it sent "
	"before still counts; a replacement kiosk is enrolled under a new "
	"name. `kiosk enroll --list` shows every kiosk and whether it is "
	"revoked.",
	cmd_revoke_exec
};
