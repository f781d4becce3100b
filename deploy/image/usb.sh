#!/bin/sh
# kiosk-usb mount|unmount DEVICE: a USB stick at /media/usb-DEVICE, owned by
# the kiosk's user (FAT and exFAT), never executable, flushed as it is
# written. The kiosk's staff menu finds it there (usb_roots).
set -eu
dev=$2
dir=/media/usb-$dev
# disk_of DEVICE: the whole disk a partition is on (the device itself if
# it is a whole disk).
disk_of() {
	p=$(lsblk -ndo PKNAME "$1" 2>/dev/null || true)
	if [ -n "$p" ]; then echo "$p"; else basename "$1"; fi
}
case $1 in
mount)
	# A kiosk booted from a USB disk: its own partitions (data, EFI)
	# are on the USB bus too, and must never be offered as a stick.
	root=$(findmnt -no SOURCE / || true)
	if [ -n "$root" ] && [ "$(disk_of "/dev/$dev")" = "$(disk_of "$root")" ]
	then
		echo "kiosk-usb: /dev/$dev is on the kiosk's own disk; not mounted" >&2
		exit 1
	fi
	type=$(blkid -o value -s TYPE "/dev/$dev" || true)
	opts=nodev,nosuid,noexec,noatime
	case $type in
	vfat) opts=$opts,uid=@KIOSK_UID@,gid=@KIOSK_GID@,umask=0077,flush,shortname=mixed,utf8 ;;
	exfat) opts=$opts,uid=@KIOSK_UID@,gid=@KIOSK_GID@,umask=0077 ;;
	*)
		# The kiosk could not write to it (its owner is root), and
		# a stick for the office is FAT or exFAT: not mounted.
		echo "kiosk-usb: /dev/$dev is ${type:-not a known file system}; the kiosk writes to FAT or exFAT sticks; not mounted" >&2
		exit 1 ;;
	esac
	mkdir -p "$dir"
	mount -t "$type" -o "$opts" "/dev/$dev" "$dir"
	;;
unmount)
	umount -l "$dir" 2>/dev/null || true
	rmdir "$dir" 2>/dev/null || true
	;;
esac
