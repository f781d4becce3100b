/* cmd-run: placeholder. NOT DONE. */
#include "cmd.h"

static int
cmd_run_exec(const struct cmd_entry *e, int argc, char **argv)
{
	cmd_error("run: not implemented yet");
	return 1;
}

const struct cmd_entry cmd_run_entry = {
	"run", "run [--config FILE]", "Run the full-screen kiosk.", "",
	cmd_run_exec
};
