/*
 * t_diskfull: the durable writer on a full disk. A 64 KiB tmpfs holds a
 * small file; replacing it with 256 KiB runs out of space in the middle
 * of the write. The write must fail with an error that names the file
 * and says the disk is full, leave the old file whole, and leave no temp
 * file (so the space comes back and a small replace works again).
 *
 * The tmpfs is mounted in a mount namespace of this process alone (as
 * root; else in a user namespace too), so it never shows outside the
 * test and goes when it ends. Where neither may be made, the test is
 * skipped.
 */
#include <sys/mount.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "durable.h"
#include "fixture.h"
#include "util.h"

#define OLD_LEN		1000
#define NEW_LEN		(256 * 1024)

static int
put(const char *path, const char *text)
{
	int fd, rc;

	if ((fd = open(path, O_WRONLY)) == -1)
		return -1;
	rc = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -1;
	close(fd);
	return rc;
}

/* A mount namespace of our own, its mounts private; -1 if not allowed. */
static int
own_mounts(void)
{
	char map[64];
	unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();

	if (unshare(CLONE_NEWNS) != 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
			return -1;
		snprintf(map, sizeof map, "0 %u 1\n", uid);
		if (put("/proc/self/setgroups", "deny") != 0 ||
		    put("/proc/self/uid_map", map) != 0)
			return -1;
		snprintf(map, sizeof map, "0 %u 1\n", gid);
		if (put("/proc/self/gid_map", map) != 0)
			return -1;
	}
	/* The kernel ignores source and type here; valgrind reads them. */
	return mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL);
}

int
main(void)
{
	char dir[] = "/tmp/t_diskfull.XXXXXX", *path, *cause = NULL;
	unsigned char old[OLD_LEN], *big, *d = NULL;
	struct durable *f;
	size_t len, off, accepted = 0;
	int failed = 0;

	if (mkdtemp(dir) == NULL) {
		printf("1..0 # SKIP no temp folder\n");
		return 0;
	}
	if (own_mounts() != 0 ||
	    mount("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0700") != 0) {
		rmdir(dir);
		printf("1..0 # SKIP cannot mount a tmpfs here\n");
		return 0;
	}
	xasprintf(&path, "%s/f", dir);
	memset(old, 'o', sizeof old);
	ok(durable_save(dir, "f", old, sizeof old, 0, NULL, &cause) == 0,
	    "the old file is written");

	/* 256 KiB over it, 4 KiB at a time, on 64 KiB. */
	big = xmalloc(NEW_LEN);
	memset(big, 'n', NEW_LEN);
	ok(durable_open(dir, "f", 1, &f, &cause) == 0, "durable_open");
	for (off = 0; off < NEW_LEN && !failed; off += 4096) {
		if (durable_write(f, big + off, 4096, &cause) != 0)
			failed = 1;
		else
			accepted += 4096;
	}
	if (!failed)
		failed = durable_commit(f, NULL, &cause) != 0;
	ok(failed, "the write fails: the disk is full");
	ok(accepted >= 4096, "in the middle of the write, not at its start "
	    "(%zu bytes were taken)", accepted);
	ok(cause != NULL && strstr(cause, path) != NULL &&
	    strstr(cause, "the disk is full") != NULL,
	    "the error names the file and says the disk is full");
	printf("# %s\n", cause != NULL ? cause : "(no error)");
	free(cause);
	cause = NULL;
	ok(durable_load(path, NEW_LEN, &d, &len, &cause) == 0 &&
	    len == sizeof old && memcmp(d, old, sizeof old) == 0,
	    "the old file is there, whole");
	free(d);
	is_int(fixture_entries(dir), 1, "no temp file is left beside it");
	ok(durable_save(dir, "f", "small\n", 6, 1, NULL, &cause) == 0,
	    "its space came back: a small replace works");

	free(big);
	free(path);
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	return done_testing();
}
