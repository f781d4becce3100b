/*
 * cmd-key: `kiosk key passwd` changes the passphrase of office.key;
 * `kiosk key show` prints key ids and fingerprints of office.pub,
 * office.key or a kiosk identity file. Must never write a secret in the
 * clear or leave a half-written key file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cmd.h"
#include "durable.h"
#include "identity.h"
#include "util.h"
#include "vault.h"

static void
show_office(const struct vault_office_pub *p)
{
	char hex[65];

	hex_encode(hex, p->key_id, 8);
	printf("office key set\nkey id      %s\n", hex);
	hex_encode(hex, p->box_pk, 32);
	printf("encrypt     %s\n", hex);
	hex_encode(hex, p->sign_pk, 32);
	printf("sign        %s\nfingerprint %s\n", hex, p->fpr);
}

static struct vault_office_key *
open_key(const char *path, const char *pfile, const char *prompt)
{
	struct vault_office_key *k = NULL;
	struct buf b = { 0 };
	char *pass = NULL, *cause = NULL;
	int wrong;

	if (read_file(path, &b, 4096, &cause) != 0) {
		cmd_error("%s", cause);
		goto out;
	}
	if ((pass = cmd_passphrase(pfile, prompt, 0)) == NULL)
		goto out;
	if ((k = vault_office_key_open(b.data, b.len, pass, &wrong,
	    &cause)) == NULL)
		cmd_error("%s: %s", path, cause);
out:
	if (pass != NULL)
		freezero_str(pass);
	buf_free(&b);
	free(cause);
	return k;
}

static int
key_show(const struct cmd_entry *e, const struct cmd_args *a)
{
	static const char *const opts[] = { "passphrase-file", NULL };
	struct vault_office_pub pub;
	struct vault_office_key *k;
	struct buf b = { 0 };
	char *cause = NULL, name[BATCH_NAME_MAX + 1];
	char fpr[VAULT_FPR_LEN], hex[65];
	unsigned char pk[32];
	int rc = 1;
	const char *path, *pfile;

	if ((rc = cmd_args_only(e, a, "show", opts)) != 0)
		return rc;
	rc = 1;
	if (a->argc < 2)
		return cmd_usage(e, "key show needs a FILE");
	if (a->argc > 2)
		return cmd_usage(e, "key show: unexpected \"%s\"", a->argv[2]);
	path = a->argv[1];
	pfile = cmd_args_get(a, "passphrase-file");
	if (read_file(path, &b, 4096, &cause) != 0) {
		cmd_error("%s", cause);
		goto out;
	}
	if (b.len >= 6 && memcmp(b.data, "KOSK1\n", 6) == 0) {
		if ((k = open_key(path, pfile, "Passphrase for office.key: "))
		    == NULL)
			goto out;
		show_office(vault_office_public(k));
		vault_office_free(k);
	} else if (vault_office_pub_parse(b.data, b.len, &pub, &cause) == 0)
		show_office(&pub);
	else if (identity_parse(b.data, b.len, name, pk, &cause) == 0) {
		vault_fingerprint(fpr, pk, NULL);
		hex_encode(hex, pk, 32);
		printf("kiosk identity\nname        %s\nsign        %s\n"
		    "fingerprint %s\n", name, hex, fpr);
	} else {
		cmd_error("%s: not an office key, office.pub or kiosk "
		    "identity file", path);
		goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	free(cause);
	return rc;
}

static int
key_passwd(const struct cmd_entry *e, const struct cmd_args *a)
{
	static const char *const opts[] = { "key", "passphrase-file",
	    "new-passphrase-file", NULL };
	struct vault_office_key *k = NULL;
	struct buf out = { 0 };
	const char *keyp, *oldf, *newf;
	char *pass = NULL, *cause = NULL, *dir = NULL, *base;
	int rc;

	if ((rc = cmd_args_only(e, a, "passwd", opts)) != 0)
		return rc;
	rc = 1;
	if (a->argc > 1)
		return cmd_usage(e, "key passwd: unexpected \"%s\"",
		    a->argv[1]);
	if ((keyp = cmd_args_get(a, "key")) == NULL)
		return cmd_usage(e, "key passwd needs --key FILE");
	oldf = cmd_args_get(a, "passphrase-file");
	newf = cmd_args_get(a, "new-passphrase-file");
	if ((k = open_key(keyp, oldf, "Current passphrase: ")) == NULL)
		goto out;
	if ((pass = cmd_passphrase(newf, "New passphrase: ", 1)) == NULL)
		goto out;
	if (vault_office_key_seal(k, pass, &out, &cause) != 0) {
		cmd_error("%s", cause);
		goto out;
	}
	dir = xstrdup(keyp);
	if ((base = strrchr(dir, '/')) != NULL) {
		*base++ = '\0';
		if (*dir == '\0') {
			free(dir);
			dir = xstrdup("/");
		}
	} else {
		base = dir;
		dir = xstrdup(".");
	}
	/* Replace atomically: the old file stays whole until the rename. */
	if (durable_save(dir, strrchr(keyp, '/') ? strrchr(keyp, '/') + 1 : keyp,
	    out.data, out.len, 1, NULL, &cause) != 0) {
		cmd_error("%s", cause);
		goto out;
	}
	printf("changed the passphrase of %s\n", keyp);
	rc = 0;
out:
	if (pass != NULL)
		freezero_str(pass);
	vault_office_free(k);
	buf_free(&out);
	free(cause);
	free(dir);
	return rc;
}

static const struct cmd_option cmd_key_options[] = {
	{ "passphrase-file", 1, 0, "the (current) passphrase of office.key" },
	{ "key", 1, 0, "key passwd: the office.key to change" },
	{ "new-passphrase-file", 1, 0, "key passwd: the new passphrase" },
	{ NULL, 0, 0, NULL }
};

static int
cmd_key_exec(const struct cmd_entry *e, int argc, char **argv)
{
	struct cmd_args a;
	const char *sub;
	int rc;

	if ((rc = cmd_parse(e, argc, argv, &a)) != 0)
		return rc;
	sub = a.argc > 0 ? a.argv[0] : "";
	if (strcmp(sub, "show") == 0)
		rc = key_show(e, &a);
	else if (strcmp(sub, "passwd") == 0)
		rc = key_passwd(e, &a);
	else
		rc = cmd_usage(e, "say key show or key passwd");
	cmd_args_free(&a);
	return rc;
}

const struct cmd_entry cmd_key_entry = {
	"key",
	"key show FILE [--passphrase-file F] | key passwd --key office.key "
	"[--passphrase-file OLD] [--new-passphrase-file NEW]",
	"Show key ids and fingerprints, or change office.key's passphrase.",
	"key show FILE prints the key id and fingerprint of an office.pub, "
	"an office.key (asks for its passphrase) or a kiosk identity file, "
	"so staff can compare them with the copy on paper.\n\n"
	"key passwd --key office.key asks for the current passphrase and a "
	"new one (or reads them from the first line of --passphrase-file "
	"and --new-passphrase-file), and replaces the file atomically. The "
	"keys themselves do not change, so kiosks need nothing new.",
	cmd_key_options,
	cmd_key_exec
};
