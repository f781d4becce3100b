#!/bin/sh
# Office key rotation: a kiosk given a new office.pub seals new
# submissions to it; each record carries the id of the key it was sealed
# to; `kiosk open` takes several --key files, and the old key still opens
# what was sealed to it. Without the old key the batch is refused whole.
. "$(dirname "$0")/lib.sh"

make_office "$T/old"
"$KIOSK" keygen --out "$T/new" --passphrase-file "$T/pass" >/dev/null
ok $? "a second (new) office key set"
cp "$T/old/office.pub" "$T/office.pub"
make_kiosk rot "$T/data" "$T/office.pub"
submit "$T/rot.ini" 2
ok $? "two submissions sealed to the old key"
cp "$T/new/office.pub" "$T/office.pub"
submit "$T/rot.ini" 3
ok $? "three sealed to the new key after office.pub is replaced"
mkdir "$T/usb"
b=$("$KIOSK" export --config "$T/rot.ini" --to "$T/usb" 2>/dev/null)
ok $? "one batch holds both"

"$KIOSK" open --key "$T/new/office.key" --passphrase-file "$T/pass" \
    --out "$T/only-new" "$b" >"$T/o1" 2>&1
is $? 1 "with the new key alone the batch is refused"
! ls "$T/only-new"/*.csv >/dev/null 2>&1
ok $? "and nothing is written"
grep -qi "key" "$T/o1"; ok $? "the error says which key is missing"

"$KIOSK" open --key "$T/new/office.key" --key "$T/old/office.key" \
    --passphrase-file "$T/pass" --out "$T/both" "$b" >"$T/o2" 2>&1
is $? 0 "with both keys the batch opens"
rows=$(cat "$T/both"/*.jsonl 2>/dev/null | wc -l)
is "$rows" 5 "all five submissions are opened"
done_testing
