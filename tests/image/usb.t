#!/bin/sh
# The image's USB stick mounter (deploy/image/usb.sh, run by udev through
# kiosk-usb@.service), with lsblk, findmnt, blkid, mkdir and mount
# replaced by stand-ins: a FAT or exFAT stick is mounted for the kiosk; a
# partition of the kiosk's own disk (a kiosk booted from a USB disk has
# its data and EFI partitions on the USB bus too) and a stick of another
# file system are not.
. "$(dirname "$0")/../env.sh"
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir "$w/bin"
# The machine: / on sda2 (a USB disk); sdb is a stick.
cat >"$w/bin/findmnt" <<'S'
#!/bin/sh
echo /dev/sda2
S
cat >"$w/bin/lsblk" <<'S'
#!/bin/sh
for a; do :; done
case $a in /dev/sd?[0-9]) d=${a#/dev/}; echo "${d%%[0-9]*}" ;; *) echo ;; esac
S
cat >"$w/bin/blkid" <<'S'
#!/bin/sh
for a; do :; done
case $a in /dev/sdb1) echo vfat ;; /dev/sdb2) echo exfat ;; /dev/sdb3) echo ext4 ;; /dev/sdc) echo vfat ;; *) echo ext4 ;; esac
S
printf '#!/bin/sh\nexit 0\n' >"$w/bin/mkdir"
printf '#!/bin/sh\necho "mount $*" >>"%s/mounts"\n' "$w" >"$w/bin/mount"
chmod +x "$w/bin/"*
m() {	# m DEVICE: run usb.sh mount DEVICE; 0 if it mounted
	: >"$w/mounts"
	PATH="$w/bin:$PATH" sh "$KIOSK_TOP/deploy/image/usb.sh" mount "$1" \
	    >"$w/out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && grep -q "/dev/$1 /media/usb-$1\$" "$w/mounts"
}
m sdb1
t $? "a FAT stick's partition is mounted"
grep -q -- "-t vfat -o nodev,nosuid,noexec,noatime,uid=" "$w/mounts"
t $? "never executable, owned by the kiosk"
m sdb2
t $? "an exFAT one too"
m sdc
t $? "a stick with no partition table"
m sdb3
[ $? -ne 0 ] && [ ! -s "$w/mounts" ] && grep -q "sdb3 is ext4.*not mounted" "$w/out"
t $? "an ext4 stick is not mounted, and says why"
m sda1
[ $? -ne 0 ] && [ ! -s "$w/mounts" ] && grep -q "own disk" "$w/out"
t $? "the kiosk's own disk's EFI partition is not mounted"
m sda3
[ $? -ne 0 ] && [ ! -s "$w/mounts" ]
t $? "nor its data partition"
echo "1..$n"
