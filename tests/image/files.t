#!/bin/sh
# The kiosk image's files, checked without building it (make check; the
# image itself is checked by make image-check): scripts parse, the fixed
# identifiers agree between build.sh, fstab and the check, and the settings
# that keep answers off the disk and the kiosk closed are there.
. "$(dirname "$0")/../env.sh"
cd "$KIOSK_TOP/deploy/image" || exit 1
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

for f in build.sh configure.sh firstboot.sh usb.sh grow.sh; do
	sh -n "$f"; t $? "$f parses"
done
for v in ROOT_PARTUUID DATA_PARTUUID ESP_PARTUUID; do
	u=$(sed -n "s/^$v=//p" build.sh)
	[ -n "$u" ] && grep -q "^PARTUUID=$u " rootfs/etc/fstab
	t $? "fstab names $v as build.sh makes it"
done
data_start=$(sed -n 's/^DATA_START=\([0-9]*\).*/\1/p' build.sh)
root_start=$(sed -n 's/^ROOT_START=\([0-9]*\).*/\1/p' build.sh)
grep -q "^DATA_START_MB = $data_start\$" "$KIOSK_TOP/tests/image/vm.py" &&
    grep -q "^ROOT_START_MB = $root_start " "$KIOSK_TOP/tests/image/vm.py"
t $? "the check reads the partitions where build.sh puts them"
grep -q "bs=1M skip=1 seek=1 count=$((data_start - 1)) " "$KIOSK_TOP/README.md"
t $? "README's update without losing data writes the system partitions only (not the table, not the data)"
grep -q "^PARTUUID=$(sed -n 's/^DATA_PARTUUID=\([0-9a-f-]*\).*/\1/p' build.sh) /srv/kiosk ext4 .*x-systemd.growfs" rootfs/etc/fstab &&
    grep -q "grow.sh.*kiosk-grow-data" build.sh &&
    grep -q "systemctl enable kiosk-grow-data.service" configure.sh &&
    grep -q "^ExecStart=/usr/local/sbin/kiosk-grow-data$" rootfs/etc/systemd/system/kiosk-grow-data.service &&
    grep -q "^Before=systemd-fsck@dev-disk-by.*srv-kiosk.mount" rootfs/etc/systemd/system/kiosk-grow-data.service &&
    grep -qx fdisk packages && grep -q '^linux .* gpt ' grub.cfg
t $? "the data partition grows before fsck and mount, its file system online (growfs); a torn primary GPT is read from its backup"
grep -q "^set superusers=\"\"" grub.cfg && ! grep -q menuentry grub.cfg &&
    grep -q 'panic=' grub.cfg
t $? "GRUB: no menu, no editing, no command line; the initramfs reboots, no shell"
grep -q "^PreserveJobFiles No" rootfs/etc/cups/cupsd.conf &&
    grep -q "^Listen /run/cups/cups.sock" rootfs/etc/cups/cupsd.conf &&
    ! grep -Eq "^(Port|Listen [^/])" rootfs/etc/cups/cupsd.conf
t $? "CUPS: its local socket only, no job files kept"
grep -q "^tmpfs /var/spool/cups tmpfs" rootfs/etc/fstab &&
    grep -q "^tmpfs /var/cache/cups tmpfs" rootfs/etc/fstab
t $? "CUPS spool and cache on tmpfs"
! grep -q swap rootfs/etc/fstab && grep -q "core_pattern = |/bin/false" \
    rootfs/etc/sysctl.d/90-kiosk.conf
t $? "no swap; no core dumps"
! grep -Eq "^(ExecStart|User|Protect|Restrict|NoNewPrivileges|StateDirectory|Restart|ReadWritePaths|Limit)" \
    rootfs/etc/systemd/system/kiosk.service.d/image.conf
t $? "the image's drop-in does not change what the shipped unit runs or its sandbox"
! grep -Eq "^(ExecStart|User|Protect|Restrict|NoNewPrivileges|StateDirectory|Restart|ReadWritePaths|Limit|PAMName|Environment)" \
    rootfs/etc/systemd/system/kiosk-wayland.service.d/image.conf
t $? "nor does the graphical one's (cage + foot)"
grep -q "systemctl mask getty@.service serial-getty@.service" configure.sh
t $? "no getty"
grep -q -- "--shell /usr/sbin/nologin kiosk" configure.sh && grep -q "passwd -l root" configure.sh
t $? "kiosk has no shell; root is locked"
pkgs=$(sed 's/#.*//' packages | tr -s ' \n' ' ')
for p in cage foot xwayland seatd fonts-noto-core fonts-noto-mono locales cups \
    linux-image-amd64 libespeak-ng1 alsa-utils; do
	case " $pkgs " in *" $p "*) r=0 ;; *) r=1 ;; esac
	t $r "the image has $p"
done
for p in openssh-server avahi-daemon cups-browsed network-manager ifupdown isc-dhcp-client; do
	case " $pkgs " in *" $p "*) r=1 ;; *) r=0 ;; esac
	t $r "the image has no $p"
done
echo "1..$n"
