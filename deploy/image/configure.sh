#!/bin/sh
# Runs inside the image's root (chroot) once its packages are in; called by
# deploy/image/build.sh. Everything here is the same for every site: the
# site's own settings are asked at first boot (kiosk-firstboot).
set -eu
export LC_ALL=C

# The kiosk's user: no password, no shell, no home. The shipped unit
# (kiosk.service) runs the kiosk as this user on tty1.
useradd --system --user-group --home-dir /nonexistent --no-create-home \
    --shell /usr/sbin/nologin kiosk
passwd -l root >/dev/null

# A UTF-8 locale for the whole system.
sed -i 's/^# *\(en_US.UTF-8 UTF-8\)/\1/' /etc/locale.gen
locale-gen >/dev/null
printf 'LANG=en_US.UTF-8\n' > /etc/default/locale

# The console font and keymap, prepared now: at boot console-setup then only
# loads them (making them there runs ckbcomp, which takes minutes on a slow
# machine while the kiosk waits for its font).
setupcon --force --save-only

# Units: the kiosk on tty1 (or, by a setting made at first boot, cage + foot),
# first-boot questions before it, and USB sticks mounted for it.
cp /usr/local/share/kiosk/deploy/kiosk.service /etc/systemd/system/kiosk.service
cp /usr/local/share/kiosk/deploy/kiosk-wayland.service /etc/systemd/system/kiosk-wayland.service
# /tmp on tmpfs.
cp /usr/share/systemd/tmp.mount /etc/systemd/system/tmp.mount
systemctl enable kiosk.service kiosk-firstboot.service tmp.mount >/dev/null
# The data partition grows onto the rest of the disk (kiosk-grow-data).
systemctl enable kiosk-grow-data.service >/dev/null
systemctl add-wants multi-user.target kiosk-wayland.service >/dev/null
# seatd (cage's seat) runs only for kiosk-wayland.service, which requires it.
systemctl disable seatd.service >/dev/null 2>&1 || true
# No logins anywhere: no getty on any console or serial line, no
# Ctrl-Alt-Del reboot, no debug shell.
systemctl mask getty@.service serial-getty@.service autovt@.service \
    console-getty.service container-getty@.service debug-shell.service \
    ctrl-alt-del.target >/dev/null
systemctl set-default multi-user.target >/dev/null
# Nothing on the network; these exist only if a package brought them.
for u in cups-browsed.service avahi-daemon.service avahi-daemon.socket \
    systemd-networkd.service systemd-networkd.socket systemd-timesyncd.service \
    systemd-resolved.service apt-daily.timer apt-daily-upgrade.timer \
    e2scrub_all.timer e2scrub_reap.service fstrim.timer; do
	systemctl disable "$u" >/dev/null 2>&1 || true
done
systemctl mask systemd-networkd.service systemd-networkd.socket >/dev/null 2>&1 || true
# CUPS starts on its socket (the kiosk prints through /run/cups/cups.sock).
systemctl enable cups.service cups.socket >/dev/null 2>&1 || true
systemctl disable cups.path >/dev/null 2>&1 || true

# The rules that mount USB sticks for the kiosk's user (uid and gid are known
# only now).
sed -i "s/@KIOSK_UID@/$(id -u kiosk)/g; s/@KIOSK_GID@/$(id -g kiosk)/g" \
    /usr/local/sbin/kiosk-usb

# Site settings live on the data partition (/srv/kiosk/etc), so that an
# update that keeps that partition keeps them.
rm -rf /etc/kiosk
ln -s /srv/kiosk/etc /etc/kiosk

# Root's files of CUPS that name no printer yet.
chmod 0640 /etc/cups/cupsd.conf
chgrp lp /etc/cups/cupsd.conf
