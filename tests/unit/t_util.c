/*
 * t_util: the one JSON string writer (json_quote) byte for byte, and the
 * durable writer and bounded reader for small files (durable_save,
 * durable_like, durable_load, durable_load_in): replace or not, no temp
 * file left, owner and mode kept, links, FIFOs and big files refused.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "durable.h"
#include "fixture.h"
#include "util.h"

static void
put(void *arg, const void *d, size_t len)
{
	buf_add(arg, d, len);
}

static void
json_is(const char *in, const char *want, size_t fixed, const char *what)
{
	struct buf b = { 0 };
	size_t n;

	n = json_quote(in, put, &b);
	is_str(buf_cstr(&b), want, "json: %s", what);
	is_int(n, fixed, "json: %s: %zu bytes replaced", what, fixed);
	buf_free(&b);
}

/* durable_load_in's allocator: counts its blocks and their sizes. */
static int nalloc, nrelease;
static size_t alloc_size;

static void *
count_alloc(size_t n)
{
	nalloc++;
	alloc_size = n;
	return xmalloc(n);
}

static void
count_release(void *p)
{
	nrelease++;
	free(p);
}

int
main(void)
{
	char dir[] = "/tmp/t_util.XXXXXX", *path, *p2, *cause = NULL;
	unsigned char *d = NULL;
	struct durable *f;
	struct buf b = { 0 };
	struct stat sb;
	size_t len;

	json_is("plain", "\"plain\"", 0, "plain text");
	json_is("a\"b\\c", "\"a\\\"b\\\\c\"", 0, "quote and backslash");
	json_is("l1\nl2\tx\r", "\"l1\\u000al2\\u0009x\\u000d\"", 0,
	    "newline, tab, CR as \\u00XX (as the office's JSONL always had)");
	json_is("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"", 0,
	    "other controls and DEL");
	json_is("caf\xc3\xa9 \xd8\xa7 \xf0\x9f\x98\x80",
	    "\"caf\xc3\xa9 \xd8\xa7 \xf0\x9f\x98\x80\"", 0,
	    "valid UTF-8 kept as it is");
	json_is("a\xff" "b\xc3", "\"a\xef\xbf\xbd" "b\xef\xbf\xbd\"", 2,
	    "a bad byte and a cut sequence become U+FFFD");
	json_is("\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", 3,
	    "a surrogate is not UTF-8");
	buf_add_json(&b, "x\"");
	is_str(buf_cstr(&b), "\"x\\\"\"", "buf_add_json");
	buf_free(&b);

	ok(mkdtemp(dir) != NULL, "temp dir");
	xasprintf(&path, "%s/f", dir);
	ok(durable_save(dir, "f", "one\n", 4, 0, &p2, &cause) == 0,
	    "durable_save a new file");
	is_str(p2, path, "it says where the file is");
	free(p2);
	ok(stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0600,
	    "made 0600");
	ok(durable_save(dir, "f", "two\n", 4, 0, NULL, &cause) != 0 &&
	    strstr(cause, "already exists") != NULL,
	    "without replace an existing file is kept");
	free(cause);
	cause = NULL;
	ok(durable_load(path, 100, &d, &len, &cause) == 0 && len == 4 &&
	    memcmp(d, "one\n", 4) == 0, "and still holds the old bytes");
	free(d);
	d = NULL;

	/* Replace, keeping the mode of the file replaced (config's way). */
	ok(chmod(path, 0640) == 0, "chmod 0640");
	ok(durable_open(dir, "f", 1, &f, &cause) == 0, "durable_open");
	ok(durable_like(f, path, &cause) == 0, "durable_like");
	ok(durable_write(f, "three\n", 6, &cause) == 0 &&
	    durable_commit(f, NULL, &cause) == 0, "write and commit");
	ok(stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0640,
	    "the new file has the old one's mode");
	ok(durable_load(path, 100, &d, &len, &cause) == 0 && len == 6 &&
	    memcmp(d, "three\n", 6) == 0, "and the new bytes");
	free(d);
	d = NULL;
	is_int(fixture_entries(dir), 1, "no temp file is left beside it");
	ok(durable_load_in(path, 100, count_alloc, count_release, &d, &len,
	    &cause) == 0 && len == 6 && memcmp(d, "three\n", 7) == 0,
	    "durable_load_in: the bytes, then a NUL");
	ok(nalloc == 1 && alloc_size == 7 && nrelease == 0,
	    "in one block of the caller's memory, the file's size + 1");
	free(d);
	d = NULL;

	ok(durable_open(dir, "g", 0, &f, &cause) == 0 &&
	    durable_write(f, "x", 1, &cause) == 0, "start another");
	durable_abort(f);
	is_int(fixture_entries(dir), 1, "abort leaves nothing");

	/* Bounded reads refuse what is not a small regular file. */
	ok(durable_load(path, 5, &d, &len, &cause) != 0 &&
	    strstr(cause, "larger than 5 bytes") != NULL,
	    "a file over the limit is refused from its size");
	free(cause);
	cause = NULL;
	xasprintf(&p2, "%s/fifo", dir);
	ok(mkfifo(p2, 0600) == 0, "mkfifo");
	ok(durable_load(p2, 100, &d, &len, &cause) != 0 &&
	    strstr(cause, "not a regular file") != NULL,
	    "a FIFO is refused, not waited on");
	free(cause);
	cause = NULL;
	nalloc = 0;
	ok(durable_load_in(p2, 100, count_alloc, count_release, &d, &len,
	    &cause) != 0 && strstr(cause, p2) != NULL &&
	    strstr(cause, "not a regular file") != NULL && nalloc == 0,
	    "durable_load_in refuses it too, naming it, before allocating");
	free(cause);
	cause = NULL;
	unlink(p2);
	ok(symlink(path, p2) == 0, "symlink");
	ok(durable_load(p2, 100, &d, &len, &cause) != 0 &&
	    strstr(cause, "symbolic link") != NULL, "a link is refused");
	free(cause);
	cause = NULL;
	unlink(p2);
	free(p2);

	ok(durable_sync_dir(dir, &cause) == 0, "durable_sync_dir");
	unlink(path);
	rmdir(dir);
	free(path);
	return done_testing();
}
