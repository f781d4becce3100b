/*
 * stick: the USB sticks staff can export to and read acknowledgements
 * from, as the kernel's table of mounts lists them: each filesystem
 * mounted below one of the configured roots (usb_roots: "/media
 * /run/media /mnt"). Never writes, draws or exits.
 */
#ifndef KIOSK_STICK_H
#define KIOSK_STICK_H

#define STICK_MAX	16	/* sticks listed at the most */
#define STICK_MOUNTS	"/proc/mounts"

/*
 * The mount points below roots (folders separated by spaces) in the
 * mounts table at path (STICK_MOUNTS; tests give another file in its
 * format), in its order, each once (a service's sandbox lists a mount
 * twice), at most STICK_MAX. A root itself is not a stick, nor is
 * anything outside the roots (/, /boot, the data partition), nor a
 * device mounted outside them, or another partition of its disk, that is
 * mounted again below a root (a bind mount of / or of data_dir, the
 * partitions of a kiosk booted from a USB disk, its EFI partition too).
 * Returns how many; *out is an allocated array of allocated paths (NULL
 * if none). A table that cannot be read lists none.
 */
int	 stick_find(const char *path, const char *roots, char ***out);

#endif
