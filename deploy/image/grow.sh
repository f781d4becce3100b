#!/bin/sh
# kiosk-grow-data [DISK N]: the kiosk image's data partition (partition N of
# DISK; by default the one whose PARTUUID build.sh gives it) grows to the end
# of its disk. The image is 3714 MiB; a library writes it to a disk of 64 GB
# or more, and the rest of that disk is for sealed submissions.
#
# Run by kiosk-grow-data.service at every boot, before the data partition is
# checked (fsck) and mounted; it does nothing when the partition already
# reaches the end of the disk (1 MiB of slack). The file system then grows
# into the partition while mounted (x-systemd.growfs in /etc/fstab:
# systemd-growfs, the kernel's online resize, through ext4's journal).
#
# Why a power cut cannot damage the data (deploy/image/README.md):
# - The partition's start never moves and nothing in it is written here:
#   only its end in the partition table changes, in one sfdisk write, which
#   also moves the backup table to the disk's end (libfdisk writes the
#   backup table first, then the primary). A cut leaves the old table
#   (the next boot grows it again) or the new one; a torn primary is read
#   from the backup (the kernel's `gpt` option in grub.cfg, and UEFI
#   firmware restores it).
# - The file system grows only after the partition has, so it never ends
#   past its partition; an online resize cut short is completed from the
#   journal at the next mount, and growfs runs again.
# - If the partition table is ever put back to the image's (an update that
#   wrote the whole first MiB), the partition is smaller than the grown
#   file system: growing it again to the disk's end, before fsck, gives the
#   file system back its room.
#
# DISK may be a file (tests/image/grow.t): then the kernel is not told.
set -eu
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
DATA_PARTUUID=6b696f73-6b00-4000-8000-000000000003	# build.sh
# Test only (tests/image/check.py): `kiosk.test_cut=NAME` on the kernel
# command line stops the machine at the point NAME at once, as a power cut
# would. Nobody can set it on a kiosk (grub.cfg: no menu, no editing).
test_cut() {
	case " $(cat /proc/cmdline 2>/dev/null) " in
	*" kiosk.test_cut=$1 "*) echo b > /proc/sysrq-trigger; sleep 60 ;;
	esac
}

if [ $# -eq 2 ]; then
	disk=$1 n=$2
else
	part=$(readlink -f "/dev/disk/by-partuuid/$DATA_PARTUUID")
	name=${part##*/}
	[ -e "/sys/class/block/$name/partition" ] ||
	    { echo "kiosk-grow-data: no data partition ($DATA_PARTUUID)" >&2; exit 1; }
	n=$(cat "/sys/class/block/$name/partition")
	disk=/dev/$(basename "$(readlink -f "/sys/class/block/$name/..")")
fi

# The disk's size in 512-byte sectors; a GPT's last usable sector is 34
# before its end (the backup header and its 32 sectors of entries).
if [ -b "$disk" ]; then
	total=$(blockdev --getsz "$disk")
else
	total=$(($(stat -c %s "$disk") / 512))
fi
last=$((total - 34))

# This partition's start and size, and the last sector any partition uses.
dump=$(sfdisk --dump "$disk" 2>/dev/null)
printf '%s\n' "$dump" | grep -q '^label: gpt$' ||
    { echo "kiosk-grow-data: $disk has no GPT" >&2; exit 1; }
geo=$(printf '%s\n' "$dump" | awk -v n="$n" '
	/ : start=/ {
		dev = $1; sub(/.*[^0-9]/, "", dev)
		s = $0; sub(/.*start= */, "", s); sub(/,.*/, "", s)
		z = $0; sub(/.*size= */, "", z); sub(/,.*/, "", z)
		if (s + z - 1 > maxend) maxend = s + z - 1
		if (dev == n) { start = s; size = z }
	}
	END { if (start != "") print start, size, maxend }')
[ -n "$geo" ] || { echo "kiosk-grow-data: no partition $n on $disk" >&2; exit 1; }
set -- $geo
start=$1 size=$2 maxend=$3
end=$((start + size - 1))

if [ "$end" -ne "$maxend" ]; then
	echo "kiosk-grow-data: partition $n of $disk is not the last one; not grown"
	exit 0
fi
if [ $((last - end)) -lt 2048 ]; then
	echo "kiosk-grow-data: partition $n of $disk reaches the end of the disk ($((size / 2048)) MiB)"
	exit 0
fi

echo "kiosk-grow-data: partition $n of $disk: $((size / 2048)) MiB, growing to the end of the disk"
# ", +": the same start, as large as the free space after it allows.
echo ', +' | sfdisk --quiet --no-reread --no-tell-kernel -N "$n" "$disk" >/dev/null
# (sfdisk has synced the table to the disk.)
test_cut grown
if [ -b "$disk" ]; then
	sync
	# The kernel learns the partition's new size (BLKPG; the disk is busy).
	partx --update --nr "$n" "$disk"
fi
echo "kiosk-grow-data: partition $n of $disk: now $(($(sfdisk --dump "$disk" 2>/dev/null |
    awk -v n="$n" '/ : start=/ { d = $1; sub(/.*[^0-9]/, "", d); if (d == n) { z = $0; sub(/.*size= */, "", z); sub(/,.*/, "", z); print z } }') / 2048)) MiB"
