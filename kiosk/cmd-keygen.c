/*
 * cmd-keygen: make the office key set (office side). Writes DIR/office.pub
 * for the kiosks and DIR/office.key, the secrets sealed under a
 * passphrase. Must never overwrite an existing key, and never write a
 * secret anywhere but office.key (sealed).
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cmd.h"
#include "durable.h"
#include "util.h"
#include "vault.h"

static const struct cmd_option cmd_keygen_options[] = {
	{ "out", 1, 0, "the folder for office.key and office.pub" },
	{ "passphrase-file", 1, 0, "read the passphrase from this file" },
	{ NULL, 0, 0, NULL }
};

static int
cmd_keygen_exec(const struct cmd_entry *e, int argc, char **argv)
{
	struct cmd_args args;
	struct vault_office_key *k = NULL;
	const struct vault_office_pub *pub;
	struct buf key = { 0 }, pubtext = { 0 };
	const char *out, *pfile;
	char *pass = NULL, *cause = NULL;
	char *kpath = NULL, *ppath = NULL, hex[17];
	int rc = 1;

	if ((rc = cmd_parse(e, argc, argv, &args)) != 0)
		return rc;
	out = cmd_args_get(&args, "out");
	pfile = cmd_args_get(&args, "passphrase-file");
	if (out == NULL)
		rc = cmd_usage(e, "--out DIR is required");
	else if (args.argc != 0)
		rc = cmd_usage(e, "unexpected argument \"%s\"", args.argv[0]);
	cmd_args_free(&args);
	if (rc != 0)
		return rc;
	rc = 1;
	xasprintf(&kpath, "%s/office.key", out);
	xasprintf(&ppath, "%s/office.pub", out);
	if (path_exists(kpath) || path_exists(ppath)) {
		cmd_error("%s: a key already exists there; not overwriting it",
		    out);
		goto out;
	}
	if (mkdir_p(out, 0700, &cause) != 0) {
		cmd_error("%s", cause);
		goto out;
	}
	if ((pass = cmd_passphrase(pfile, "New passphrase for office.key: ",
	    1)) == NULL)
		goto out;
	if (strlen(pass) < 12)
		cmd_error("warning: a passphrase shorter than 12 characters "
		    "is weak; use six or more random words");
	k = vault_office_generate();
	if (vault_office_key_seal(k, pass, &key, &cause) != 0) {
		cmd_error("%s", cause);
		goto out;
	}
	pub = vault_office_public(k);
	vault_office_pub_format(pub, &pubtext);
	if (durable_save(out, "office.key", key.data, key.len, 0, NULL,
	    &cause) != 0 ||
	    durable_save(out, "office.pub", pubtext.data, pubtext.len, 0, NULL,
	    &cause) != 0) {
		cmd_error("%s", cause);
		goto out;
	}
	chmod(ppath, 0644);
	hex_encode(hex, pub->key_id, 8);
	printf("wrote %s (give this to the kiosks)\n", ppath);
	printf("wrote %s (secret; keep it and its passphrase offline, with "
	    "a backup)\n", kpath);
	printf("key id      %s\nfingerprint %s\n", hex, pub->fpr);
	rc = 0;
out:
	if (pass != NULL)
		freezero_str(pass);
	vault_office_free(k);
	buf_free(&key);
	buf_free(&pubtext);
	free(cause);
	free(kpath);
	free(ppath);
	return rc;
}

const struct cmd_entry cmd_keygen_entry = {
	"keygen",
	"keygen --out DIR [--passphrase-file FILE]",
	"Make the office key set: office.pub for kiosks, office.key for the "
	"office.",
	"Makes two key pairs for the office: one that kiosks seal "
	"submissions to (X25519), and one that signs acknowledgements "
	"(Ed25519). DIR/office.pub holds both public halves, the short key "
	"id and a fingerprint; copy it to every kiosk. DIR/office.key holds "
	"both secret halves, sealed under a passphrase (Argon2id, "
	"XChaCha20-Poly1305); keep it on the office machine, with a backup, "
	"and never on a kiosk.\n\n"
	"The passphrase is asked for twice on the terminal, or read from the "
	"first line of --passphrase-file. Use six or more random words. "
	"keygen never overwrites an existing key. Write the fingerprint on "
	"paper so staff can compare it with `kiosk key show` later.",
	cmd_keygen_options,
	cmd_keygen_exec
};
