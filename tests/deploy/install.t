#!/bin/sh
# make install honours PREFIX and DESTDIR; the man page is generated from
# the same text as `kiosk help` and names every command.
. "$(dirname "$0")/../env.sh"
cd "$KIOSK_TOP" || exit 1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

make -s install DESTDIR="$d" PREFIX=/opt/kiosk >"$d/log" 2>&1
t $? "make install DESTDIR=... PREFIX=/opt/kiosk"
test -x "$d/opt/kiosk/bin/kiosk"; t $? "binary under DESTDIR/PREFIX/bin"
test -x "$d/opt/kiosk/bin/kiosk-print"; t $? "the print helper beside it"
test -x "$d/opt/kiosk/bin/kiosk-speak"; t $? "the speech helper beside it"
test -f "$d/opt/kiosk/share/man/man1/kiosk.1"; t $? "kiosk(1) installed"
test -f "$d/opt/kiosk/share/kiosk/forms/municipal-id.csv"; t $? "forms installed"
test -f "$d/opt/kiosk/share/kiosk/printers/receipt-80mm.profile"; t $? "paper profiles installed"
test -f "$d/opt/kiosk/share/locale/es/LC_MESSAGES/kiosk.mo"; t $? "catalogues installed"
grep -q "ExecStart=/opt/kiosk/bin/kiosk run" "$d/opt/kiosk/share/kiosk/deploy/kiosk.service"
t $? "systemd unit points at the installed binary"
grep -q "^User=kiosk" "$d/opt/kiosk/share/kiosk/deploy/kiosk.service"
t $? "the unit runs as the unprivileged kiosk user"
grep -q "StateDirectoryMode=0700" "$d/opt/kiosk/share/kiosk/deploy/kiosk.service"
t $? "data folder mode 0700"
grep -q -- "--autologin kiosk" "$d/opt/kiosk/share/kiosk/deploy/getty-autologin.conf"
t $? "getty autologin recipe"
! grep -q "@BINDIR@\|@DATADIR@" "$d"/opt/kiosk/share/kiosk/deploy/*
t $? "no unsubstituted placeholders"
missing=""
for c in $("$KIOSK" help | awk '/^Commands:/{f=1;next} f && /^  [a-z]/ {print $1}'); do
	[ "$c" = help ] && continue
	grep -q "^\.SS kiosk $c" build/kiosk.1 || missing="$missing $c"
done
[ -z "$missing" ]; t $? "the man page has every command of kiosk help${missing:+ (missing:$missing)}"
if command -v systemd-analyze >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	systemd-analyze verify "$d/opt/kiosk/share/kiosk/deploy/kiosk.service" \
	    >"$d/verify" 2>&1
	! grep -q "Unknown\|Invalid" "$d/verify"; t $? "systemd-analyze accepts the unit"
fi
echo "1..$n"
