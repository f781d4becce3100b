/* cmd-forms: placeholder until the real command lands. NOT DONE. */
#include <stdio.h>

#include "cmd.h"

static int
cmd_forms_exec(const struct cmd_entry *e, int argc, char **argv)
{
	cmd_error("%s: not implemented yet", e->name);
	return 1;
}

const struct cmd_entry cmd_forms_entry = {
	"forms", "forms", "(not implemented yet)", "(not implemented yet)",
	cmd_forms_exec
};
