/*
 * cmd-pin: `kiosk pin set volunteer N | staff` stores a PIN as a
 * crypto_pwhash_str hash in the config file. The PIN itself is never
 * written anywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "util.h"
#include "vault.h"

static int
pin_ok(const char *pin)
{
	size_t n = strlen(pin);

	return n >= VAULT_PIN_MIN && n <= 12 &&
	    strspn(pin, "0123456789") == n;
}

static const struct cmd_option cmd_pin_options[] = {
	{ "config", 1, 'c', "the config file the hash is saved in" },
	{ "pin-file", 1, 'p', "read the PIN from this file" },
	{ NULL, 0, 0, NULL }
};

static int
cmd_pin_exec(const struct cmd_entry *e, int argc, char **argv)
{
	struct cmd_args args;
	struct config *cfg = NULL;
	const char *config, *pinfile, *who;
	char hash[128], *pin = NULL, *cause = NULL, key[16];
	char *endp;
	long n = 0;
	int rc = 1;

	if ((rc = cmd_parse(e, argc, argv, &args)) != 0)
		return rc;
	config = cmd_args_get(&args, "config");
	pinfile = cmd_args_get(&args, "pin-file");
	argc = args.argc;
	argv = args.argv;
	cmd_args_free(&args);
	rc = 1;
	if (argc < 2 || strcmp(argv[0], "set") != 0)
		return cmd_usage(e, "say which PIN to set");
	who = argv[1];
	if (strcmp(who, "volunteer") == 0) {
		if (argc != 3)
			return cmd_usage(e, "give the volunteer's number "
			    "(1 to 99)");
		n = strtol(argv[2], &endp, 10);
		if (*endp != '\0' || n < 1 || n > 99)
			return cmd_usage(e, "the volunteer's number must be "
			    "1 to 99");
		snprintf(key, sizeof key, "%ld", n);
	} else if (strcmp(who, "staff") == 0) {
		if (argc != 2)
			return cmd_usage(e, "unexpected argument \"%s\"",
			    argv[2]);
		snprintf(key, sizeof key, "pin");
	} else
		return cmd_usage(e, "set volunteer N, or set staff");

	if ((cfg = cmd_load_config(config)) == NULL)
		return 1;
	if ((pin = cmd_passphrase(pinfile, "New PIN (6 to 12 digits): ",
	    1)) == NULL)
		goto out;
	if (!pin_ok(pin)) {
		cmd_error("a PIN is 6 to 12 digits (see README, \"Why six digits\")");
		goto out;
	}
	if (vault_pin_hash(hash, pin, &cause) != 0 ||
	    config_set_value(cfg->path, n ? "volunteers" : "staff", key, hash,
	    &cause) != 0) {
		cmd_error("%s", cause);
		goto out;
	}
	if (n)
		printf("PIN for volunteer %ld saved in %s\n", n, cfg->path);
	else
		printf("staff PIN saved in %s\n", cfg->path);
	rc = 0;
out:
	freezero_str(pin);
	free(cause);
	config_free(cfg);
	return rc;
}

const struct cmd_entry cmd_pin_entry = {
	"pin",
	"pin set volunteer N | staff [--config FILE] [--pin-file F]",
	"Set a volunteer's or the staff PIN.",
	"A volunteer presses F5 at the kiosk and types their PIN to mark a "
	"session as assisted (\"assisted by volunteer N\", inside the sealed "
	"record). Staff press F9 and type the staff PIN to reach the staff "
	"menu.\n\n"
	"The PIN (6 to 12 digits) is asked twice on the terminal, or read "
	"from the first line of --pin-file. Only its Argon2id hash "
	"(crypto_pwhash_str) is stored, in [volunteers] or [staff] of the "
	"config file; the rest of the file is kept as it is. Restart the kiosk "
	"to use a new PIN. Five wrong PINs in a row lock the PIN prompt for a "
	"time that doubles with each further lock.",
	cmd_pin_options,
	cmd_pin_exec
};
