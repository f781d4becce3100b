/*
 * stick: USB sticks from the mounts table (see stick.h). The table is
 * read as text, one mount a line: "SOURCE MOUNTPOINT TYPE OPTIONS 0 0",
 * with a space, tab, newline or backslash in a field written as \ and
 * three octal digits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stick.h"
#include "util.h"

/* Undo the octal escapes of the mounts table (\040 is a space) in place. */
static void
unescape(char *s)
{
	char *p, *q;

	for (p = q = s; *p != '\0'; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '7' &&
		    p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*q++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 +
			    (p[3] - '0'));
			p += 3;
		} else
			*q++ = *p;
	}
	*q = '\0';
}

/* Is mnt strictly below one of roots (space-separated folders)? */
static int
below_root(const char *mnt, const char *roots)
{
	const char *r = roots;
	size_t n;

	while (*(r += strspn(r, " ")) != '\0') {
		n = strcspn(r, " ");
		if (strncmp(mnt, r, n) == 0 && mnt[n] == '/' && mnt[n + 1] !=
		    '\0')
			return 1;
		r += n;
	}
	return 0;
}

/*
 * The block devices mounted outside the roots (/, the data partition,
 * /boot/efi): the kiosk's own disks, never sticks, also where one (or
 * another partition of its disk) is mounted again below a root (a bind
 * mount of / or of data_dir, or a kiosk booted from a USB disk whose
 * partitions were automounted: its EFI partition, noauto, is mounted
 * nowhere else).
 * Pseudo filesystems (tmpfs, overlay) name no device and hide nothing.
 * An allocated array of *n allocated names.
 */
static char **
system_devices(FILE *f, const char *roots, int *n)
{
	char line[4096], src[1024], mnt[1024], **d = NULL;
	int i;

	*n = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%1023s %1023s", src, mnt) != 2 ||
		    strncmp(src, "/dev/", 5) != 0)
			continue;
		unescape(mnt);
		if (below_root(mnt, roots))
			continue;
		for (i = 0; i < *n && strcmp(d[i], src) != 0; i++)
			;
		if (i == *n) {
			d = xreallocarray(d, (size_t)*n + 1, sizeof *d);
			d[(*n)++] = xstrdup(src);
		}
	}
	rewind(f);
	return d;
}

/*
 * The length of the whole disk's name at the start of a partition's
 * device: /dev/sda3 -> /dev/sda, /dev/nvme0n1p2 -> /dev/nvme0n1,
 * /dev/mmcblk0p1 -> /dev/mmcblk0. Other devices (loop0 and loop1,
 * dm-0, mapper/NAME) are each their own.
 */
static size_t
disk_len(const char *dev)
{
	static const char *const disks[] = { "/dev/sd", "/dev/vd", "/dev/hd",
	    "/dev/xvd", "/dev/nvme", "/dev/mmcblk" };
	size_t n = strlen(dev), i;

	for (i = 0; i < sizeof disks / sizeof disks[0]; i++)
		if (strncmp(dev, disks[i], strlen(disks[i])) == 0)
			break;
	if (i == sizeof disks / sizeof disks[0])
		return n;
	while (n > 6 && dev[n - 1] >= '0' && dev[n - 1] <= '9')
		n--;
	if (i < 4)
		return n;
	/* nvme0n1p2, mmcblk0p1: a 'p' after a digit ends the disk. */
	if (n < strlen(dev) && dev[n - 1] == 'p' && dev[n - 2] >= '0' &&
	    dev[n - 2] <= '9')
		return n - 1;
	return strlen(dev);	/* nvme0n1, mmcblk0: a whole disk */
}

/* Are devices a and b partitions of one disk (or the same device)? */
static int
same_disk(const char *a, const char *b)
{
	size_t n = disk_len(a);

	return n == disk_len(b) && strncmp(a, b, n) == 0;
}

int
stick_find(const char *path, const char *roots, char ***out)
{
	char line[4096], src[1024], mnt[1024], **s = NULL, **sys;
	FILE *f;
	int i, n = 0, nsys;

	*out = NULL;
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	sys = system_devices(f, roots, &nsys);
	while (n < STICK_MAX && fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%1023s %1023s", src, mnt) != 2)
			continue;
		unescape(mnt);
		if (!below_root(mnt, roots))
			continue;
		for (i = 0; i < nsys && !same_disk(sys[i], src); i++)
			;
		if (i < nsys)
			continue;
		for (i = 0; i < n && strcmp(s[i], mnt) != 0; i++)
			;
		if (i < n)
			continue;
		s = xreallocarray(s, (size_t)n + 1, sizeof *s);
		s[n++] = xstrdup(mnt);
	}
	fclose(f);
	for (i = 0; i < nsys; i++)
		free(sys[i]);
	free(sys);
	*out = s;
	return n;
}
