/* cmd-enroll: placeholder until the real command lands. NOT DONE. */
#include <stdio.h>

#include "cmd.h"

static int
cmd_enroll_exec(const struct cmd_entry *e, int argc, char **argv)
{
	cmd_error("%s: not implemented yet", e->name);
	return 1;
}

const struct cmd_entry cmd_enroll_entry = {
	"enroll", "enroll", "(not implemented yet)", "(not implemented yet)",
	cmd_enroll_exec
};
