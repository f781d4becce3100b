/*
 * fixture: a private kiosk in a temporary folder for the unit tests (see
 * fixture.h). Test code only: never linked into a program.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fixture.h"
#include "util.h"
#include "vault.h"

static char	fixture_path[256];

const char *
fixture_dir(const char *name)
{
	snprintf(fixture_path, sizeof fixture_path, "/tmp/%s.XXXXXX", name);
	if (mkdtemp(fixture_path) == NULL)
		fatal("mkdtemp");
	return fixture_path;
}

void
fixture_put(const char *name, const char *text)
{
	char *path;
	FILE *f;

	xasprintf(&path, "%s/%s", fixture_path, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) < 0 ||
	    fclose(f) != 0)
		fatal("cannot write %s", path);
	free(path);
}

void
fixture_mkdir(const char *name)
{
	char *path;

	xasprintf(&path, "%s/%s", fixture_path, name);
	if (mkdir(path, 0700) != 0)
		fatal("cannot make %s", path);
	free(path);
}

struct vault_office_key *
fixture_office(void)
{
	struct vault_office_key *key = vault_office_generate();
	struct buf b = { 0 };

	vault_office_pub_format(vault_office_public(key), &b);
	fixture_put("office.pub", buf_cstr(&b));
	buf_free(&b);
	return key;
}

struct config *
fixture_kiosk(const char *languages, const char *extra)
{
	const char *d = fixture_path;
	struct buf ini = { 0 };
	struct config *cfg;
	char *path, *cause = NULL;

	buf_addf(&ini, "[kiosk]\nname = t-kiosk\ndata_dir = %s/data\n"
	    "forms_dir = %s/forms\nlanguages = %s\n"
	    "[office]\npublic_key = %s/office.pub\n%s", d, d, languages, d,
	    extra != NULL ? extra : "");
	fixture_put("kiosk.ini", buf_cstr(&ini));
	buf_free(&ini);
	fixture_mkdir("data");
	xasprintf(&path, "%s/kiosk.ini", d);
	if ((cfg = config_load(path, &cause)) == NULL)
		fatal("config: %s", cause);
	free(path);
	xasprintf(&path, "%s/data/kiosk.log", d);
	log_open(path);
	free(path);
	return cfg;
}

void
fixture_pin_hash(char out[crypto_pwhash_STRBYTES], const char *pin)
{
	if (crypto_pwhash_str_alg(out, pin, strlen(pin),
	    crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		fatal("pin hash");
}

int
fixture_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (d != NULL)
		closedir(d);
	return n;
}

void
fixture_remove(const char *keep)
{
	char *cmd;

	log_close();
	if (keep != NULL && getenv(keep) != NULL) {
		printf("# kept %s\n", fixture_path);
		return;
	}
	xasprintf(&cmd, "rm -rf '%s'", fixture_path);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", fixture_path);
	free(cmd);
}
