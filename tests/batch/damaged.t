#!/bin/sh
# A bit flip in one sealed record stored in kiosk.db (issue 13, item 2).
# SQLite's integrity check cannot see it. The kiosk's export names the
# damaged submission; the office opens every other record, reports that
# one LOST by number (exit 4), acknowledges only up to it, and goes past
# it only when staff accept the loss. At the end every submission is
# opened exactly once, or reported lost on both sides; nothing else.
. "$(dirname "$0")/lib.sh"

make_office "$T/office"
make_kiosk dm-1 "$T/data" "$T/office/office.pub"
enrol_kiosk dm-1 "$T/L.db"
count() { sqlite3 "$T/data/kiosk.db" 'SELECT count(*) FROM envelope'; }
submit "$T/dm-1.ini" 5

python3 - "$T/data/kiosk.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
(b,) = db.execute("SELECT sealed FROM envelope WHERE seq = 3").fetchone()
b = bytearray(b); b[len(b) // 2] ^= 0x10
db.execute("UPDATE envelope SET sealed = ? WHERE seq = 3", (bytes(b),))
db.commit()
PY
is "$(sqlite3 "$T/data/kiosk.db" 'PRAGMA integrity_check')" ok \
    "SQLite's integrity check does not see the flip"

mkdir -p "$T/stick" "$T/o"
B=$("$KIOSK" export --config "$T/dm-1.ini" --to "$T/stick" 2> "$T/err")
is $? 0 "the export still succeeds (the others are not blocked)"
grep -q "DAMAGED: submission 3 is damaged on this kiosk" "$T/err"
ok $? "and tells staff which submission is damaged"
is "$(grep -c DAMAGED "$T/err")" 1 "only that one"

"$KIOSK" open $KEY --ledger "$T/L.db" --out "$T/o" "$B" > "$T/out" 2> "$T/err"
is $? 4 "the office opens it with exit 4 (a submission lost)"
grep -q "LOST: submission 3 of kiosk \"dm-1\"" "$T/err"; ok $? "naming kiosk and number"
grep -q "LOST (arrived damaged, not acknowledged): 3" "$T/out"; ok $? "in the report too"
is "$(grep -c . "$T/o/selftest.jsonl")" 4 "the four others are opened"
grep -q "acknowledges 1-2)" "$T/out"; ok $? "the ack stops before the lost one"

# The ack goes back; the kiosk keeps 3 (and 4, 5) and says so again.
cp "$T/o/dm-1.ack" "$T/stick/"
B2=$("$KIOSK" export --config "$T/dm-1.ini" --to "$T/stick" 2> "$T/err")
grep -q "2 sealed submissions deleted" "$T/err"; ok $? "the kiosk deletes 1-2"
is "$(count)" 3 "and keeps 3, 4 and 5"
grep -q "DAMAGED: submission 3" "$T/err"; ok $? "the next export names 3 again"
"$KIOSK" open $KEY --ledger "$T/L.db" --out "$T/o" "$B2" > "$T/out" 2> "$T/err"
is $? 4 "the office: still lost, nothing new"
is "$(grep -c . "$T/o/selftest.jsonl")" 4 "no row twice"

# Staff confirm: both sides called it damaged. Accept the loss.
"$KIOSK" open $KEY --ledger "$T/L.db" --out "$T/o" --accept-lost dm-1:9 \
    > "$T/out" 2> "$T/err"
is $? 1 "accepting a number that is not lost is refused"
"$KIOSK" open $KEY --ledger "$T/L.db" --out "$T/o" --accept-lost dm-1:3 \
    > "$T/out" 2> "$T/err"
is $? 0 "accepting the lost one: exit 0"
grep -q "accepted as lost: 3" "$T/out"; ok $? "the report keeps it, as accepted"
grep -q "acknowledges 1-5)" "$T/out"; ok $? "and the ack goes past it"
cp "$T/o/dm-1.ack" "$T/stick/"
"$KIOSK" export --config "$T/dm-1.ini" --to "$T/stick" > /dev/null 2> "$T/err"
grep -q "3 sealed submissions deleted" "$T/err"; ok $? "the kiosk deletes 3-5"
is "$(count)" 0 "nothing left on the kiosk"
# The invariant: 1, 2, 4, 5 opened exactly once; 3 lost on both sides.
is "$(python3 -c '
import json, sys
print(" ".join(str(json.loads(l)["seq"]) for l in open(sys.argv[1])))' \
    "$T/o/selftest.jsonl")" "1 2 4 5" "1, 2, 4, 5 opened exactly once; 3 reported lost"
done_testing
