#!/bin/sh
# kiosk-usb mount|unmount DEVICE: a USB stick at /media/usb-DEVICE, owned by
# the kiosk's user (FAT and exFAT), never executable, flushed as it is
# written. The kiosk's staff menu finds it there (usb_roots).
set -eu
dev=$2
dir=/media/usb-$dev
case $1 in
mount)
	type=$(blkid -o value -s TYPE "/dev/$dev" || true)
	opts=nodev,nosuid,noexec,noatime
	case $type in
	vfat) opts=$opts,uid=@KIOSK_UID@,gid=@KIOSK_GID@,umask=0077,flush,shortname=mixed,utf8 ;;
	exfat) opts=$opts,uid=@KIOSK_UID@,gid=@KIOSK_GID@,umask=0077 ;;
	*) echo "kiosk-usb: /dev/$dev is $type; the kiosk writes to FAT or exFAT sticks" >&2 ;;
	esac
	mkdir -p "$dir"
	mount -t "$type" -o "$opts" "/dev/$dev" "$dir"
	;;
unmount)
	umount -l "$dir" 2>/dev/null || true
	rmdir "$dir" 2>/dev/null || true
	;;
esac
