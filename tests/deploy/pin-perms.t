#!/bin/sh
# `kiosk pin set` rewrites the config through a temp file and a rename. On a
# deployed kiosk the config is root:kiosk 0640 and root runs pin set; the
# new file must keep the owner, group and mode, or the service's user can no
# longer read its own config (issue 12).
. "$(dirname "$0")/../env.sh"
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root to give the config to another user"
	exit 0
fi
echo "1..8"
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
chmod 755 "$w"
cat > "$w/kiosk.ini" <<INI
[kiosk]
name = t
data_dir = data
forms_dir = $KIOSK_TOP/forms
languages = en

[office]
public_key = office.pub
INI
echo 246810 > "$w/pin"
chown nobody:nogroup "$w/kiosk.ini"
chmod 0640 "$w/kiosk.ini"
before=$(stat -c '%U:%G %a' "$w/kiosk.ini")

"$KIOSK" pin set staff --config "$w/kiosk.ini" --pin-file "$w/pin" >/dev/null 2>"$w/err"
ok $? "pin set staff on a config owned by another user"
[ "$(stat -c '%U:%G %a' "$w/kiosk.ini")" = "$before" ]
ok $? "owner, group and mode kept ($before -> $(stat -c '%U:%G %a' "$w/kiosk.ini"))"
grep -q '^pin = \$argon2id\$' "$w/kiosk.ini" && ! grep -q 246810 "$w/kiosk.ini"
ok $? "the PIN is stored as a hash only"
[ ! -e "$w/kiosk.ini.tmp" ]
ok $? "no temp file left behind"
[ -z "$(find "$w" -name '*.tmp')" ]
ok $? "no durable temp file (.kiosk.ini.PID.tmp) left behind either"

# The service's user (here nobody, the file's owner) can still read it.
setpriv --reuid=nobody --regid=nogroup --clear-groups cat "$w/kiosk.ini" >/dev/null
ok $? "the file's owner can still read the config"

# A second key, in another mode: 0600 stays 0600.
chmod 0600 "$w/kiosk.ini"
"$KIOSK" pin set volunteer 3 --config "$w/kiosk.ini" --pin-file "$w/pin" >/dev/null 2>&1
[ "$(stat -c '%U:%G %a' "$w/kiosk.ini")" = "nobody:nogroup 600" ]
ok $? "a 0600 config stays nobody:nogroup 0600"
grep -q '^\[staff\]' "$w/kiosk.ini" && grep -q '^\[volunteers\]' "$w/kiosk.ini"
ok $? "both PINs are in the file"
