/*
 * cmd-identity: print the kiosk's public identity (name, Ed25519 public
 * key, fingerprint), making the key on first run. The output is the
 * KIOSK.pub file `kiosk enroll` takes at the office. Never prints the
 * secret key.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "config.h"
#include "outbox.h"
#include "util.h"

/* --protect (seal it, or change the passphrase) or --unprotect. */
static int
identity_protect(struct config *cfg, int protect, const char *pfile,
    const char *newfile)
{
	char *old = NULL, *pass = NULL, *cause = NULL;
	int prot, wrong, rc = 1;

	if (outbox_identity_protected(cfg, &prot, &cause) != 0) {
		cmd_error("%s", cause);
		goto out;
	}
	if (prot && (old = cmd_passphrase(pfile, "Current passphrase of the "
	    "kiosk's signing key: ", 0)) == NULL)
		goto out;
	if (protect && (pass = cmd_passphrase(newfile != NULL ? newfile :
	    prot ? NULL : pfile, "New passphrase for the kiosk's signing key: ",
	    1)) == NULL)
		goto out;
	if (!protect && !prot) {
		printf("kiosk.id: the signing key is not protected; nothing "
		    "to do\n");
		rc = 0;
		goto out;
	}
	if (outbox_identity_protect(cfg, old, pass, &wrong, &cause) != 0) {
		cmd_error("%s", cause);
		goto out;
	}
	if (protect)
		printf("kiosk.id: the signing key is sealed under the "
		    "passphrase; every export now asks for it\n");
	else
		printf("kiosk.id: the signing key is no longer protected\n");
	rc = 0;
out:
	if (old != NULL)
		freezero_str(old);
	if (pass != NULL)
		freezero_str(pass);
	free(cause);
	return rc;
}

static const struct cmd_option cmd_identity_options[] = {
	{ "config", 1, 0, "the config file" },
	{ "protect", 0, 0, "seal the kiosk key under a passphrase" },
	{ "unprotect", 0, 0, "store the kiosk key in the clear again" },
	{ "passphrase-file", 1, 0, "the current passphrase, from a file" },
	{ "new-passphrase-file", 1, 0, "the new passphrase, from a file" },
	{ NULL, 0, 0, NULL }
};

static int
cmd_identity_exec(const struct cmd_entry *e, int argc, char **argv)
{
	struct cmd_args args;
	struct config *cfg;
	struct buf b = { 0 };
	const char *cpath, *pfile, *newfile;
	char *cause = NULL;
	int rc = 1, protect, unprotect, nargs;

	if ((rc = cmd_parse(e, argc, argv, &args)) != 0)
		return rc;
	cpath = cmd_args_get(&args, "config");
	protect = cmd_args_has(&args, "protect");
	unprotect = cmd_args_has(&args, "unprotect");
	pfile = cmd_args_get(&args, "passphrase-file");
	newfile = cmd_args_get(&args, "new-passphrase-file");
	nargs = args.argc;
	cmd_args_free(&args);
	rc = 1;
	if (nargs != 0)
		return cmd_usage(e, "unexpected argument \"%s\"", args.argv[0]);
	if (protect && unprotect)
		return cmd_usage(e, "--protect and --unprotect together");
	if ((pfile != NULL || newfile != NULL) && !protect && !unprotect)
		return cmd_usage(e, "a passphrase file without --protect or "
		    "--unprotect");
	if ((cfg = cmd_load_config(cpath)) == NULL)
		return 1;
	if (protect || unprotect)
		rc = identity_protect(cfg, protect, pfile, newfile);
	else if (outbox_identity_only(cfg, &b, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
	} else {
		fwrite(b.data, 1, b.len, stdout);
		rc = 0;
	}
	buf_free(&b);
	config_free(cfg);
	return rc;
}

const struct cmd_entry cmd_identity_entry = {
	"identity",
	"identity [--config FILE] [--protect | --unprotect] "
	"[--passphrase-file F] [--new-passphrase-file F]",
	"Print this kiosk's public key and fingerprint (for kiosk enroll).",
	"Prints the kiosk's name, its Ed25519 public key and fingerprint, "
	"making the key in data_dir on first use. Save the output as "
	"NAME.pub, take it to the office and enrol it there with "
	"`kiosk enroll --ledger L.db NAME.pub`; read the fingerprint aloud "
	"or compare it on paper. The secret key never leaves data_dir.\n\n"
	"The key is made unprotected, so that staff can export without a "
	"passphrase; whoever takes the kiosk can then sign batches as it. "
	"--protect seals it under a passphrase (Argon2id, MODERATE, and "
	"XChaCha20-Poly1305, as office.key): the kiosk still seals and saves "
	"every submission, but each export, at the command line "
	"(`kiosk export --passphrase-file F`) or in the staff menu, asks for "
	"the passphrase, and the key is forgotten after it. On a protected "
	"key, --protect changes the passphrase (the current one from "
	"--passphrase-file, the new one from --new-passphrase-file) and "
	"--unprotect stores it in the clear again. The key, and so the "
	"kiosk's enrolment at the office, stays the same. Without the files "
	"the passphrases are asked on the terminal. A kiosk that is running "
	"goes on as it started until it is restarted.",
	cmd_identity_options,
	cmd_identity_exec
};
