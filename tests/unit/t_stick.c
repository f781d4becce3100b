/*
 * t_stick: the USB sticks staff are offered (stick_find), from a made-up
 * mounts table: a stick below each root is found, once, with its escaped
 * name undone; the root filesystem (also bound below a root), the data
 * partition and other fixed mounts, pseudo filesystems and a root folder
 * itself are not offered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "stick.h"
#include "util.h"

static const char table[] =
    "/dev/vda1 / ext4 rw,relatime 0 0\n"
    "proc /proc proc rw,nosuid,nodev,noexec 0 0\n"
    "tmpfs /run tmpfs rw,nosuid,nodev 0 0\n"
    "/dev/vda2 /boot/efi vfat rw 0 0\n"
    "/dev/vda3 /var/lib/kiosk ext4 rw,nodev 0 0\n"
    "tmpfs /media tmpfs rw 0 0\n"
    "/dev/sda1 /media/usb-sda1 vfat rw,nodev,nosuid,noexec 0 0\n"
    "/dev/sda1 /media/usb-sda1 vfat rw,nodev,nosuid,noexec 0 0\n"
    "/dev/vda1 /mnt/system ext4 rw 0 0\n"
    "/dev/sdc1 /mediaX/usb vfat rw 0 0\n"
    "garbage\n"
    "/dev/sdb1 /run/media/kiosk/MY\\040STICK exfat rw 0 0\n";

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static void
free_all(char **s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

int
main(void)
{
	char path[] = "/tmp/t_stick.XXXXXX", **s, line[128];
	struct buf b = { 0 };
	int fd, n, i;

	fd = mkstemp(path);
	ok(fd != -1, "a temp file for the mounts table");
	close(fd);
	put(path, table);

	n = stick_find(path, "/media /run/media /mnt", &s);
	is_int(n, 2, "two sticks found");
	ok(n >= 1 && strcmp(s[0], "/media/usb-sda1") == 0,
	    "the stick below /media, listed once");
	ok(n >= 2 && strcmp(s[1], "/run/media/kiosk/MY STICK") == 0,
	    "the stick below /run/media, \\040 read as a space");
	for (i = 0; i < n; i++) {
		ok(strcmp(s[i], "/") != 0 && strcmp(s[i], "/mnt/system") != 0,
		    "not the root filesystem, nor / bound below /mnt: %s", s[i]);
		ok(strcmp(s[i], "/var/lib/kiosk") != 0 &&
		    strcmp(s[i], "/boot/efi") != 0 && strcmp(s[i], "/media") !=
		    0 && strncmp(s[i], "/mediaX", 7) != 0,
		    "not a fixed disk, a root itself or a look-alike: %s", s[i]);
	}
	free_all(s, n);

	n = stick_find(path, "/run/media", &s);
	ok(n == 1 && strcmp(s[0], "/run/media/kiosk/MY STICK") == 0,
	    "only the configured roots are looked in");
	free_all(s, n);

	/* / on tmpfs (a live system): a tmpfs stick is still a stick. */
	put(path, "tmpfs / tmpfs rw 0 0\ntmpfs /media/STICK tmpfs rw 0 0\n");
	n = stick_find(path, "/media", &s);
	ok(n == 1 && strcmp(s[0], "/media/STICK") == 0,
	    "a root on no device hides no stick");
	free_all(s, n);

	for (i = 0; i < STICK_MAX + 4; i++) {
		snprintf(line, sizeof line, "/dev/sd%c1 /media/s%d vfat rw 0 0\n",
		    'a' + i, i);
		buf_adds(&b, line);
	}
	put(path, buf_cstr(&b));
	buf_free(&b);
	n = stick_find(path, "/media", &s);
	is_int(n, STICK_MAX, "at most STICK_MAX sticks");
	free_all(s, n);

	/*
	 * The kiosk's own disks mounted again below a root: the data
	 * partition (a kiosk booted from a USB disk has its partitions
	 * automounted too; or a bind mount of data_dir) and the EFI
	 * partition. A device also mounted outside the roots is the
	 * system's, never a stick.
	 */
	put(path, "/dev/root / ext4 rw 0 0\n"
	    "/dev/sda3 /srv/kiosk ext4 rw 0 0\n"
	    "/dev/sda3 /var/lib/kiosk ext4 rw 0 0\n"
	    "/dev/sda2 /boot/efi vfat rw 0 0\n"
	    "/dev/sda3 /media/usb-sda3 ext4 rw 0 0\n"
	    "/dev/sda2 /media/usb-sda2 vfat rw 0 0\n"
	    "/dev/sdb1 /media/usb-sdb1 vfat rw 0 0\n");
	n = stick_find(path, "/media", &s);
	ok(n == 1 && strcmp(s[0], "/media/usb-sdb1") == 0,
	    "the data and EFI partitions mounted below /media are not "
	    "sticks (%d found: %s)", n, n > 0 ? s[0] : "");
	free_all(s, n);

	/*
	 * A kiosk booted from a USB disk: its EFI partition (noauto, so
	 * mounted nowhere else) is automounted below /media too. A
	 * partition of a disk that holds a system partition is the
	 * kiosk's disk (sda, nvme0n1, mmcblk0), never a stick.
	 */
	put(path, "/dev/sda2 / ext4 rw 0 0\n"
	    "/dev/sda3 /srv/kiosk ext4 rw 0 0\n"
	    "/dev/sda1 /media/usb-sda1 vfat rw 0 0\n"
	    "/dev/sda12 /media/usb-sda12 vfat rw 0 0\n"
	    "/dev/nvme0n1p2 /var/x ext4 rw 0 0\n"
	    "/dev/nvme0n1p1 /media/usb-nvme0n1p1 vfat rw 0 0\n"
	    "/dev/nvme0n11p1 /media/usb-nvme0n11p1 vfat rw 0 0\n"
	    "/dev/sdaa1 /media/usb-sdaa1 vfat rw 0 0\n"
	    "/dev/sdb /media/usb-sdb vfat rw 0 0\n"
	    "/dev/loop0 /snap/core/1 squashfs ro 0 0\n"
	    "/dev/loop1 /media/loop1 vfat rw 0 0\n"
	    "/dev/mmcblk0 /var/y ext4 rw 0 0\n"
	    "/dev/mmcblk0p1 /media/mmc-p1 vfat rw 0 0\n"
	    "/dev/mmcblk1p1 /media/mmc1-p1 vfat rw 0 0\n");
	n = stick_find(path, "/media", &s);
	ok(n == 5 && strcmp(s[0], "/media/usb-nvme0n11p1") == 0 &&
	    strcmp(s[1], "/media/usb-sdaa1") == 0 &&
	    strcmp(s[2], "/media/usb-sdb") == 0 &&
	    strcmp(s[3], "/media/loop1") == 0 &&
	    strcmp(s[4], "/media/mmc1-p1") == 0,
	    "the other partitions of the kiosk's own disks are not sticks, "
	    "other disks are (%d found: %s)", n, n > 0 ? s[0] : "");
	free_all(s, n);

	unlink(path);
	n = stick_find(path, "/media", &s);
	ok(n == 0 && s == NULL, "no table: no stick, and no error");
	return done_testing();
}
