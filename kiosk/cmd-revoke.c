/*
 * cmd-revoke: mark an enrolled kiosk's key revoked in the office ledger,
 * for a kiosk that was stolen, seized or lost. `kiosk open --ledger`
 * then refuses its batches after the last one accepted.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "office.h"
#include "util.h"

static const struct cmd_option cmd_revoke_options[] = {
	{ "ledger", 1, 0, "the office ledger (SQLite)" },
	{ "accept-through", 1, 0, "batches up to N from it still open" },
	{ NULL, 0, 0, NULL }
};

/* The command line: -1 with rc the usage error. */
static int
revoke_args(const struct cmd_entry *e, const struct cmd_args *a,
    const char **ledger, long long *through, int *rc)
{
	const char *v;
	char *end;
	int i;

	for (i = 0; i < a->n; i++) {
		if (strcmp(a->list[i].opt->name, "accept-through") != 0)
			continue;
		v = a->list[i].value;
		errno = 0;
		*through = strtoll(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0' || *through < 0) {
			*rc = cmd_usage(e, "--accept-through: not a batch "
			    "number: %s", v);
			return -1;
		}
	}
	if ((*ledger = cmd_args_get(a, "ledger")) == NULL) {
		*rc = cmd_usage(e, "--ledger L.db is required");
		return -1;
	}
	if (a->argc != 1) {
		*rc = cmd_usage(e, "give exactly one kiosk name");
		return -1;
	}
	return 0;
}

static int
cmd_revoke_exec(const struct cmd_entry *e, int argc, char **argv)
{
	struct cmd_args args;
	struct buf msg = { 0 };
	const char *ledger;
	char *cause = NULL;
	long long through = -1;
	int rc;

	if ((rc = cmd_parse(e, argc, argv, &args)) != 0)
		return rc;
	if (revoke_args(e, &args, &ledger, &through, &rc) == 0) {
		rc = office_revoke(ledger, args.argv[0], (int64_t)through,
		    &msg, &cause);
		rc = cmd_report(rc != 0, &msg, cause);
	}
	cmd_args_free(&args);
	return rc;
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
	cmd_revoke_options,
	cmd_revoke_exec
};
