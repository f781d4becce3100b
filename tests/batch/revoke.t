#!/bin/sh
# Revoking a stolen kiosk at the office: `kiosk revoke` marks its key;
# `kiosk open --ledger` then refuses its batches after the last one
# accepted (class revoked, exit 1, nothing written), still opens one up
# to --accept-through, and `kiosk enroll --list` shows it. A replacement
# kiosk cannot take the revoked key's name.
. "$(dirname "$0")/lib.sh"

make_office "$T/office"
make_kiosk lib-2 "$T/data" "$T/office/office.pub"
enrol_kiosk lib-2 "$T/ledger.db"
ok $? "enrol the kiosk"
open_b() {	# open_b OUT BATCH [LEDGER]
	"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
	    --ledger "${3:-$T/ledger.db}" --out "$1" "$2" > "$T/out" 2> "$T/err"
}
submit "$T/lib-2.ini" 2
mkdir "$T/usb1" "$T/usb2" "$T/usb3"
b1=$("$KIOSK" export --config "$T/lib-2.ini" --to "$T/usb1" 2>/dev/null)
open_b "$T/o" "$b1"
is $? 0 "batch 1 opens"
submit "$T/lib-2.ini" 1
b2=$("$KIOSK" export --config "$T/lib-2.ini" --to "$T/usb2" 2>/dev/null)
ok $? "batch 2 is exported (then the kiosk is stolen)"
cp "$T/ledger.db" "$T/ledger-copy.db"

"$KIOSK" revoke --ledger "$T/ledger.db" lib-2 > "$T/rev" 2>&1
is $? 0 "revoke exits 0"
grep -q "revoked kiosk lib-2, fingerprint" "$T/rev"
ok $? "revoke names the kiosk and its fingerprint"
grep -q "batches up to 1 will still be opened" "$T/rev"
ok $? "by default only what was already opened stays accepted"

rows=$(wc -l < "$T/o/selftest-v1.csv")
open_b "$T/o" "$b2"
is $? 1 "a later batch from the revoked kiosk: exit 1"
grep -q "rejected (revoked)" "$T/err"; ok $? "its class is revoked"
grep -q "revoked on $(date +%Y-%m-%d)" "$T/err"; ok $? "the error says when"
is "$(wc -l < "$T/o/selftest-v1.csv")" "$rows" "and nothing is written"
open_b "$T/o" "$b1"
is $? 0 "batch 1 again is still a harmless replay"

"$KIOSK" revoke --ledger "$T/ledger.db" lib-2 > /dev/null 2> "$T/err"
is $? 1 "revoking twice is refused"
grep -q "already revoked" "$T/err"; ok $? "and says so"
"$KIOSK" revoke --ledger "$T/ledger.db" nobody > /dev/null 2> "$T/err"
is $? 1 "an unknown name is refused"
grep -q 'no kiosk named "nobody"' "$T/err"; ok $? "naming it"
"$KIOSK" revoke --ledger "$T/ledger.db" --accept-through x lib-2 \
    > /dev/null 2>&1
is $? 2 "a bad batch number is a usage error"

"$KIOSK" enroll --ledger "$T/ledger.db" --list > "$T/list"
is $? 0 "enroll --list exits 0"
grep -q "^lib-2$" "$T/list"; ok $? "the list names the kiosk"
grep -q "revoked on $(date +%Y-%m-%d) (batches up to 1 accepted)" "$T/list"
ok $? "and shows it revoked"
grep -q "last batch 1, 2 submissions received" "$T/list"
ok $? "with its last batch and count"

# Staff know batch 2 left the kiosk before the theft: accept through 2.
"$KIOSK" revoke --ledger "$T/ledger-copy.db" --accept-through 0 lib-2 \
    > /dev/null 2> "$T/err"
is $? 1 "accept-through below what was already opened is refused"
"$KIOSK" revoke --ledger "$T/ledger-copy.db" --accept-through 2 lib-2 \
    > /dev/null
is $? 0 "revoke, accepting through batch 2"
open_b "$T/o2" "$b2" "$T/ledger-copy.db"
is $? 0 "batch 2 then opens"
grep -q "revoked on .*accepted because it is not after batch 2" "$T/err"
ok $? "with a note that the kiosk is revoked"
is "$(wc -l < "$T/o2/selftest-v1.csv")" 2 "its one new submission is written"
submit "$T/lib-2.ini" 1
b3=$("$KIOSK" export --config "$T/lib-2.ini" --to "$T/usb3" 2>/dev/null)
open_b "$T/o2" "$b3" "$T/ledger-copy.db"
is $? 1 "batch 3 (after the theft) is refused"

# The replacement kiosk needs a new name.
make_kiosk lib-2 "$T/data-new" "$T/office/office.pub"
"$KIOSK" identity --config "$T/lib-2.ini" > "$T/new.pub"
"$KIOSK" enroll --ledger "$T/ledger.db" "$T/new.pub" > /dev/null 2> "$T/err"
is $? 1 "a new key under the revoked name is refused"
grep -q "(and revoked); give this kiosk another name" "$T/err"
ok $? "and the error says what to do"

# A ledger from before revocation existed is upgraded in place.
sqlite3 "$T/old.db" "CREATE TABLE kiosk(pk BLOB PRIMARY KEY, name TEXT NOT NULL UNIQUE, how INTEGER NOT NULL, ack_counter INTEGER NOT NULL DEFAULT 0) STRICT;" 2>/dev/null
if [ -s "$T/old.db" ]; then
	"$KIOSK" enroll --ledger "$T/old.db" "$T/lib-2.pub" > /dev/null
	ok $? "an old ledger takes a new kiosk"
	"$KIOSK" revoke --ledger "$T/old.db" lib-2 > /dev/null
	ok $? "and can revoke it"
else
	skip "no sqlite3 command"
	skip "no sqlite3 command"
fi
done_testing
