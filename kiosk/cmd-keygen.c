/* cmd-keygen: placeholder until the real command lands. NOT DONE. */
#include <stdio.h>

#include "cmd.h"

static int
cmd_keygen_exec(const struct cmd_entry *e, int argc, char **argv)
{
	cmd_error("%s: not implemented yet", e->name);
	return 1;
}

const struct cmd_entry cmd_keygen_entry = {
	"keygen", "keygen", "(not implemented yet)", "(not implemented yet)",
	cmd_keygen_exec
};
