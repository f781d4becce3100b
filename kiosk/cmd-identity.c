/* cmd-identity: placeholder until the real command lands. NOT DONE. */
#include <stdio.h>

#include "cmd.h"

static int
cmd_identity_exec(const struct cmd_entry *e, int argc, char **argv)
{
	cmd_error("%s: not implemented yet", e->name);
	return 1;
}

const struct cmd_entry cmd_identity_entry = {
	"identity", "identity", "(not implemented yet)", "(not implemented yet)",
	cmd_identity_exec
};
