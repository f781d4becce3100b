/* cmd-printer: placeholder until the real command lands. NOT DONE. */
#include <stdio.h>

#include "cmd.h"

static int
cmd_printer_exec(const struct cmd_entry *e, int argc, char **argv)
{
	cmd_error("%s: not implemented yet", e->name);
	return 1;
}

const struct cmd_entry cmd_printer_entry = {
	"printer", "printer", "(not implemented yet)", "(not implemented yet)",
	cmd_printer_exec
};
