#!/bin/sh
# deploy/image/build.sh OUT.img: the kiosk appliance, a bootable x86-64 disk
# image of Debian 12 with this checkout's kiosk installed (`make install`).
# Run by `make image` as root. See deploy/image/README.md.
#
# Everything comes from Debian packages through apt (the mirror below); no
# loop devices or mounts are used: the file systems are made from folders
# (mkfs.ext4 -d, mtools) and put into the disk file at fixed offsets, so the
# build also works in a container.
#
#   IMAGE_MIRROR   Debian mirror (default: the one this machine's apt uses for
#                  bookworm); a snapshot.debian.org URL pins the versions
#   IMAGE_SECURITY the same for bookworm-security
#   SOURCE_DATE_EPOCH  every time stamp in the image (default: the last commit)
set -eu
umask 022
export LC_ALL=C.UTF-8 TZ=UTC
out=${1:?usage: build.sh OUT.img}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# The machine's own Debian mirrors (its apt sources), as tests/fresh does.
sources() {	# sources SUITE: the first URI apt uses for SUITE
	cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	    awk -v s="$1" '/^URIs:/ {u=$2} /^Suites:/ {for (i = 2; i <= NF; i++) if ($i == s && u != "") {print u; exit}}'
	awk -v s="$1" '$1 == "deb" && $3 == s {print $2}' /etc/apt/sources.list 2>/dev/null
}
mirror=${IMAGE_MIRROR:-$(sources bookworm | head -1)}
mirror=${mirror:-http://deb.debian.org/debian}
security=${IMAGE_SECURITY:-$(sources bookworm-security | head -1)}
security=${security:-http://deb.debian.org/debian-security}
: "${SOURCE_DATE_EPOCH:=$(git -C "$top" log -1 --format=%ct 2>/dev/null || echo 1700000000)}"
export SOURCE_DATE_EPOCH
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH

[ "$(id -u)" = 0 ] || { echo "build.sh: run as root (make image)" >&2; exit 1; }

# The fixed layout (MiB). A newer image keeps it, so that an update can leave
# the data partition in place (README "Install on a mini PC").
ESP_START=1 ESP_MB=128
ROOT_START=129 ROOT_MB=3072
DATA_START=3201 DATA_MB=512
DISK_MB=3714		# + 1 MiB for the backup GPT
# Fixed identifiers, so that two builds give the same bytes and the boot
# loader and fstab can name the partitions.
DISK_GUID=6b696f73-6b00-4000-8000-000000000000
ESP_PARTUUID=6b696f73-6b00-4000-8000-000000000001
ROOT_PARTUUID=6b696f73-6b00-4000-8000-000000000002
DATA_PARTUUID=6b696f73-6b00-4000-8000-000000000003
ROOT_FSUUID=6b696f73-6b00-4000-8001-000000000002
DATA_FSUUID=6b696f73-6b00-4000-8001-000000000003
HASH_SEED=6b696f73-6b00-4000-8002-000000000000
ESP_VOLID=4B494F53

work="$top/build/image/work"
rm -rf "$work"
mkdir -p "$work"
root="$work/root"

step() { printf '%s  image: %s\n' "$(date +%H:%M:%S)" "$*"; }

pkgs=$(sed 's/#.*//' "$here/packages" | tr -s ' \n' ',' | sed 's/^,//; s/,$//')

step "mmdebstrap (Debian 12 + $(echo "$pkgs" | tr ',' '\n' | wc -l) packages)"
# The customize hooks run in this order once the packages are in: this
# checkout's `make install`, the image's own files, then configure.sh in the
# chroot (users, locale, units, CUPS; see that file).
# Downloaded packages are kept in build/image/debs for the next build.
debs="$top/build/image/debs"
mkdir -p "$debs"
mmdebstrap --variant=minbase --mode=root --format=directory \
    --skip=essential/unlink \
    --setup-hook="mkdir -p \"\$1/var/cache/apt/archives\" && find '$debs' -name '*.deb' -exec cp {} \"\$1/var/cache/apt/archives/\" \\;" \
    --aptopt='APT::Install-Recommends "false"' \
    --aptopt='Acquire::Languages "none"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --include="$pkgs" \
    --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" && printf "MODULES=most\nCOMPRESS=zstd\n" > "$1/etc/initramfs-tools/conf.d/kiosk"' \
    --customize-hook="make -s -C '$top' install DESTDIR=\"\$1\" PREFIX=/usr/local" \
    --customize-hook="cp -R '$here/rootfs/.' \"\$1/\"" \
    --customize-hook="install -m 0755 '$here/firstboot.sh' \"\$1/usr/local/sbin/kiosk-firstboot\"" \
    --customize-hook="install -m 0755 '$here/usb.sh' \"\$1/usr/local/sbin/kiosk-usb\"" \
    --customize-hook="install -m 0755 '$here/grow.sh' \"\$1/usr/local/sbin/kiosk-grow-data\"" \
    --customize-hook="cp '$here/configure.sh' \"\$1/tmp/configure.sh\" && chroot \"\$1\" sh /tmp/configure.sh && rm \"\$1/tmp/configure.sh\"" \
    --customize-hook="mkdir -p '$work/efi' && cd \"\$1/tmp\" && chroot \"\$1\" sh -c 'cd /tmp && apt-get download -q shim-signed grub-efi-amd64-signed' && for d in \"\$1\"/tmp/*.deb; do dpkg-deb -x \"\$d\" '$work/efi'; done && rm -f \"\$1\"/tmp/*.deb" \
    --customize-hook="find \"\$1/var/cache/apt/archives\" -maxdepth 1 -name '*.deb' -exec cp -n {} '$debs/' \\; ; rm -f \"\$1\"/var/cache/apt/archives/*.deb" \
    bookworm "$root" \
    "deb $mirror bookworm main" \
    "deb $mirror bookworm-updates main" \
    "deb $security bookworm-security main"

step "checking the kiosk's libraries in the image"
if chroot "$root" ldd /usr/local/bin/kiosk /usr/local/bin/kiosk-print /usr/local/bin/kiosk-speak | grep 'not found'; then
	echo "build.sh: a library of kiosk is missing from deploy/image/packages" >&2
	exit 1
fi

step "clean-up for reproducibility"
rm -f "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/var/cache/debconf/*-old \
    "$root"/var/lib/dpkg/*-old "$root"/var/cache/ldconfig/aux-cache \
    "$root"/etc/ssh/ssh_host_* "$root"/var/lib/systemd/random-seed
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/tmp/* \
    "$root"/var/tmp/* "$root"/root/.bash_history
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
# The data partition is mounted here; its folders come from the data image.
rm -rf "$root/srv/kiosk" && mkdir -p "$root/srv/kiosk" "$root/var/lib/kiosk"
# ssl-cert (a dependency of cups-daemon) made a random key pair, named after
# this build machine, when it was installed. Nothing in the image uses it:
# CUPS listens on its local socket only, without TLS, and would make its own
# keys in /etc/cups/ssl if TLS were ever asked for. Kept, it would make every
# build differ, and every kiosk written from the image would share one
# "private" key. So it goes, with its hash link.
find "$root/etc/ssl/certs" -maxdepth 1 -lname ssl-cert-snakeoil.pem -delete
rm -f "$root/etc/ssl/certs/ssl-cert-snakeoil.pem" \
    "$root/etc/ssl/private/ssl-cert-snakeoil.key"
find "$root" -newermt "@$SOURCE_DATE_EPOCH" -print0 |
    xargs -0r touch -h -d "@$SOURCE_DATE_EPOCH"
# console-setup uses its cached font and keymap only when they are newer
# than its settings; otherwise it makes them again at boot (minutes).
touch -d "@$((SOURCE_DATE_EPOCH - 60))" "$root/etc/default/keyboard" \
    "$root/etc/default/console-setup"

step "file systems"
kver=$(ls "$root/boot" | sed -n 's/^vmlinuz-//p' | sort -V | tail -1)
[ -n "$kver" ] || { echo "build.sh: no kernel in the image" >&2; exit 1; }
mkfs_ext4() {	# LABEL UUID MB DIR FILE
	rm -f "$5"
	mkfs.ext4 -q -L "$1" -U "$2" -E "hash_seed=$HASH_SEED,lazy_itable_init=0,lazy_journal_init=0,root_owner=0:0" \
	    -m 1 -d "$4" "$5" "$3M"
	ext4_times "$5"
}
# mkfs.ext4 -d (e2fsprogs 1.47.0) copies each file's atime and ctime from
# the build folder: the moments this build read or wrote it (ctime cannot be
# set by touch). So every inode in use (the root folder and inodes from 11
# on; 1 to 10 are reserved) gets SOURCE_DATE_EPOCH as its access, change and
# creation time, with debugfs, from the inode bitmap that dumpe2fs prints.
# Modification times were set in the folder (clamped to SOURCE_DATE_EPOCH).
ext4_times() {	# FILE
	dumpe2fs "$1" 2>/dev/null | awk -v t="@$SOURCE_DATE_EPOCH" '
	function used(a, b,   i) {
		for (i = a; i <= b; i++)
			if (!(i in free) && (i == 2 || i >= 11))
				for (f = 1; f <= 3; f++)
					printf "sif <%d> %s %s\nsif <%d> %s_extra 0\n", i, fld[f], t, i, fld[f]
	}
	BEGIN { fld[1] = "atime"; fld[2] = "ctime"; fld[3] = "crtime" }
	/^Inodes per group:/ { ipg = $4 }
	/^Group [0-9]+:/ { g = $2 + 0 }
	/^  Free inodes:/ {
		split("", free)
		s = $0; sub(/^  Free inodes: */, "", s)
		n = split(s, r, /, */)
		for (k = 1; k <= n; k++) {
			if (r[k] == "") continue
			m = split(r[k], ab, "-")
			for (i = ab[1]; i <= ab[m]; i++) free[i] = 1
		}
		used(g * ipg + 1, (g + 1) * ipg)
	}' | debugfs -w -f - "$1" >/dev/null 2>"$1.debugfs"
	if grep -v '^debugfs ' "$1.debugfs" | grep -q .; then
		echo "build.sh: debugfs on $1:" >&2; cat "$1.debugfs" >&2; exit 1
	fi
	rm -f "$1.debugfs"
	e2fsck -fn "$1" >/dev/null 2>&1 ||
	    { echo "build.sh: $1 does not pass e2fsck after its times were set" >&2; exit 1; }
}
mkfs_ext4 kiosk-root "$ROOT_FSUUID" "$ROOT_MB" "$root" "$work/root.ext4"

# The data partition: /srv/kiosk with etc/ (the site's settings, written at
# first boot) and data/ (the kiosk's data_dir, 0700, its user's).
kuid=$(chroot "$root" id -u kiosk)
kgid=$(chroot "$root" id -g kiosk)
mkdir -p "$work/data/etc" "$work/data/data"
chmod 0755 "$work/data"
chmod 0750 "$work/data/etc"
chown "0:$kgid" "$work/data/etc"
chmod 0700 "$work/data/data"
chown "$kuid:$kgid" "$work/data/data"
touch -h -d "@$SOURCE_DATE_EPOCH" "$work/data" "$work/data/etc" "$work/data/data"
mkfs_ext4 kiosk-data "$DATA_FSUUID" "$DATA_MB" "$work/data" "$work/data.ext4"

# The EFI system partition: Debian's signed shim and GRUB (Secure Boot works),
# and a grub.cfg that boots the kernel on the root partition with no menu,
# no editing and no command line.
esp="$work/esp"
mkdir -p "$esp/EFI/BOOT" "$esp/EFI/debian"
cp "$work/efi/usr/lib/shim/shimx64.efi.signed" "$esp/EFI/BOOT/BOOTX64.EFI"
cp "$work/efi/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" "$esp/EFI/BOOT/grubx64.efi"
sed -e "s|@ROOT_FSUUID@|$ROOT_FSUUID|g" -e "s|@ROOT_PARTUUID@|$ROOT_PARTUUID|g" \
    -e "s|@KVER@|$kver|g" "$here/grub.cfg" > "$esp/EFI/debian/grub.cfg"
cp "$esp/EFI/debian/grub.cfg" "$esp/EFI/BOOT/grub.cfg"
find "$esp" -print0 | xargs -0 touch -h -d "@$SOURCE_DATE_EPOCH"
rm -f "$work/esp.vfat"
mkfs.vfat -F 32 -n KIOSK-EFI -i "$ESP_VOLID" --invariant -C "$work/esp.vfat" \
    $((ESP_MB * 1024)) >/dev/null
MTOOLS_SKIP_CHECK=1 mcopy -o -s -m -i "$work/esp.vfat" "$esp/EFI" ::/

step "disk"
tmp="$out.part"
rm -f "$tmp"
truncate -s "${DISK_MB}M" "$tmp"
sfdisk -q --no-reread --no-tell-kernel "$tmp" <<EOF
label: gpt
label-id: $DISK_GUID
unit: sectors
first-lba: 2048
start=$((ESP_START * 2048)), size=$((ESP_MB * 2048)), type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=$ESP_PARTUUID, name="EFI"
start=$((ROOT_START * 2048)), size=$((ROOT_MB * 2048)), type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, uuid=$ROOT_PARTUUID, name="kiosk-root"
start=$((DATA_START * 2048)), size=$((DATA_MB * 2048)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=$DATA_PARTUUID, name="kiosk-data"
EOF
dd if="$work/esp.vfat" of="$tmp" bs=1M seek=$ESP_START conv=notrunc,sparse status=none
dd if="$work/root.ext4" of="$tmp" bs=1M seek=$ROOT_START conv=notrunc,sparse status=none
dd if="$work/data.ext4" of="$tmp" bs=1M seek=$DATA_START conv=notrunc,sparse status=none
mv "$tmp" "$out"
step "done: $out ($(du -h --apparent-size "$out" | cut -f1), $(du -h "$out" | cut -f1) used), kernel $kver"
