/*
 * identity: the kiosk's identity files, kiosk.id and the public identity
 * file (see identity.h).
 *
 * The secret key is read into secure memory and never leaves it in the
 * clear except into kiosk.id itself (KID1). Never prints or exits.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "durable.h"
#include "identity.h"
#include "util.h"
#include "vault.h"

#define ID_MAGIC	"KID1\n\0\0\0"
#define ID_LEN		(8 + 64)
#define ID2_MAGIC	"KID2\n\0\0\0"
#define ID2_LEN		(8 + 32 + vault_sign_key_sealed_len())

void
identity_clear(struct identity *id)
{
	vault_sign_free(id->key);
	free(id->sealed);
	memset(id, 0, sizeof *id);
}

int
identity_save_clear(const char *dir, const struct vault_sign_key *key,
    int replace, char **cause)
{
	unsigned char *raw;
	int rc;

	raw = vault_secure_alloc(ID_LEN);
	memcpy(raw, ID_MAGIC, 8);
	memcpy(raw + 8, vault_sign_secret(key), 64);
	rc = durable_save(dir, IDENTITY_FILE, raw, ID_LEN, replace, NULL,
	    cause);
	vault_secure_free(raw);
	return rc;
}

int
identity_save_sealed(const char *dir, const struct vault_sign_key *key,
    const char *pass, char **cause)
{
	struct buf b = { 0 };
	int rc = -1;

	buf_add(&b, ID2_MAGIC, 8);
	buf_add(&b, vault_sign_pk(key), 32);
	if (vault_sign_key_seal(key, pass, &b, cause) == 0)
		rc = durable_save(dir, IDENTITY_FILE, b.data, b.len, 1, NULL,
		    cause);
	buf_free(&b);
	return rc;
}

int
identity_read(const char *dir, struct identity *id, char **cause)
{
	unsigned char *raw;
	struct stat sb;
	char *path;
	ssize_t n;
	int fd, rc = -1;

	memset(id, 0, sizeof *id);
	xasprintf(&path, "%s/" IDENTITY_FILE, dir);
	raw = vault_secure_alloc(ID2_LEN + 1);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT) {
		rc = 1;
		goto out;
	}
	if (fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (sb.st_mode & 077) != 0) {
		xasprintf(cause, "%s: must be a file only its owner can read "
		    "(chmod 600)", path);
		goto out_close;
	}
	n = read(fd, raw, ID2_LEN + 1);
	if (n == ID_LEN && memcmp(raw, ID_MAGIC, 8) == 0 &&
	    (id->key = vault_sign_from_secret(raw + 8)) != NULL) {
		memcpy(id->pk, vault_sign_pk(id->key), 32);
		rc = 0;
	} else if (n == (ssize_t)ID2_LEN && memcmp(raw, ID2_MAGIC, 8) == 0) {
		memcpy(id->pk, raw + 8, 32);
		id->sealedlen = ID2_LEN - 40;
		id->sealed = xmalloc(id->sealedlen);
		memcpy(id->sealed, raw + 40, id->sealedlen);
		rc = 0;
	} else if (n >= 8 && memcmp(raw, "KID", 3) == 0 && raw[3] > '2' &&
	    raw[3] <= '9' && memcmp(raw + 4, ID_MAGIC + 4, 4) == 0)
		xasprintf(cause, "%s: kiosk identity format KID%c: made by a "
		    "newer kiosk; use a newer version of kiosk", path, raw[3]);
	else
		xasprintf(cause, "%s: damaged kiosk identity file", path);
out_close:
	close(fd);
out:
	if (rc == -1)
		identity_clear(id);
	vault_secure_free(raw);
	free(path);
	return rc;
}

struct vault_sign_key *
identity_unseal(const struct identity *id, const char *pass, int *wrong,
    char **cause)
{
	struct vault_sign_key *k;
	char *why = NULL;

	if ((k = vault_sign_key_open(id->sealed, id->sealedlen, pass, wrong,
	    &why)) == NULL) {
		xasprintf(cause, "kiosk.id: %s", why);
		free(why);
		return NULL;
	}
	if (memcmp(vault_sign_pk(k), id->pk, 32) != 0) {
		vault_sign_free(k);
		xasprintf(cause, "kiosk.id: the sealed key is not the kiosk's "
		    "public key; the file is damaged");
		return NULL;
	}
	return k;
}

/* ---- the public identity file ---- */

#define IDENTITY_MAGIC "kiosk identity v1\n"

void
identity_format(const char *name, const unsigned char pk[32], struct buf *b)
{
	char hex[65], fpr[VAULT_FPR_LEN];

	hex_encode(hex, pk, 32);
	vault_fingerprint(fpr, pk, NULL);
	buf_adds(b, IDENTITY_MAGIC);
	buf_addf(b, "name %s\nsign %s\nfingerprint %s\n", name, hex, fpr);
}

int
identity_parse(const void *data, size_t len, char name[BATCH_NAME_MAX + 1],
    unsigned char pk[32], char **cause)
{
	const char *d = data, *s, *nl, *e = d + len;
	struct buf want = { 0 };
	size_t mlen = strlen(IDENTITY_MAGIC);
	int rc = -1;

	if (len > mlen && memcmp(d, IDENTITY_MAGIC, mlen - 2) == 0 &&
	    d[mlen - 2] >= '2' && d[mlen - 2] <= '9') {
		xasprintf(cause, "kiosk identity format v%c: made by a newer "
		    "kiosk; use a newer version of kiosk", d[mlen - 2]);
		return -1;
	}
	if (len < mlen || memcmp(d, IDENTITY_MAGIC, mlen) != 0) {
		xasprintf(cause, "not a kiosk identity file (first line must "
		    "be \"kiosk identity v1\")");
		return -1;
	}
	s = d + mlen;
	if ((nl = memchr(s, '\n', (size_t)(e - s))) == NULL ||
	    (size_t)(e - s) < 5 || memcmp(s, "name ", 5) != 0 ||
	    !batch_name_ok(s + 5, (size_t)(nl - s - 5))) {
		xasprintf(cause, "line 2 should be \"name NAME\" (letters, "
		    "digits, - or _)");
		return -1;
	}
	memcpy(name, s + 5, (size_t)(nl - s - 5));
	name[nl - s - 5] = '\0';
	s = nl + 1;
	if ((nl = memchr(s, '\n', (size_t)(e - s))) == NULL ||
	    nl - s != 5 + 64 || memcmp(s, "sign ", 5) != 0 ||
	    hex_decode(pk, 32, s + 5, 64) != 0) {
		xasprintf(cause, "line 3 should be \"sign <64 hex digits>\"");
		return -1;
	}
	identity_format(name, pk, &want);
	if (!buf_same_text(&want, d, len)) {
		xasprintf(cause, "fingerprint line does not match the key, "
		    "or extra text after it");
		goto out;
	}
	rc = 0;
out:
	buf_free(&want);
	return rc;
}
