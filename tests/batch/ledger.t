#!/bin/sh
# A lost and a restored office ledger (issue 13, item 6). The kiosk's
# batch says how far the office acknowledged it; a ledger that does not
# know that says so, and `kiosk open --resync` re-syncs it: the report
# has no false MISSING, acknowledgements resume (the kiosk accepts them
# as newer), and no record is written twice. A stale ack on the stick is
# reported by the kiosk, not silently ignored.
. "$(dirname "$0")/lib.sh"

make_office "$T/office"
make_kiosk lg-1 "$T/data" "$T/office/office.pub"
K="$T/lg-1.ini"
L="$T/L.db"
enrol_kiosk lg-1 "$L"
count() { sqlite3 "$T/data/kiosk.db" 'SELECT count(*) FROM envelope'; }
opn() { "$KIOSK" open $KEY --ledger "$L" --out "$T/o" "$@" > "$T/out" 2> "$T/err"; }
exp() { "$KIOSK" export --config "$K" --to "$T/stick" > "$T/bpath" 2> "$T/err"; }
rows() { python3 -c '
import json, sys
print(" ".join(str(json.loads(l)["seq"]) for l in open(sys.argv[1])))' "$T/o/selftest.jsonl"; }
mkdir -p "$T/stick"

submit "$K" 3; exp; B1=$(cat "$T/bpath")
opn "$B1"; is $? 0 "batch 1 (1-3) opens"
cp "$T/o/lg-1.ack" "$T/ack1"
sqlite3 "$L" ".backup '$T/L.bak'"	# a backup taken now
cp "$T/o/lg-1.ack" "$T/stick/"
submit "$K" 3; exp; B2=$(cat "$T/bpath")
grep -q "3 sealed submissions deleted" "$T/err"; ok $? "the kiosk applied ack 1-3"

# 1. The ledger is lost: a new one, the kiosk enrolled again.
rm -f "$L" "$L-wal" "$L-shm" "$T/o/lg-1.ack"
"$KIOSK" enroll --ledger "$L" "$T/lg-1.pub" > /dev/null
opn "$B2"; is $? 3 "batch 2 (4-6) on a new ledger: exit 3"
grep -q "holds an acknowledgement from this office for its submissions 1-3, but this ledger has no record" "$T/err"
ok $? "the office says the ledger is behind the kiosk"
grep -q "open again with --resync" "$T/err"; ok $? "and names the command"
opn --resync "$B2"; is $? 0 "with --resync: exit 0"
grep -q "resynced kiosk \"lg-1\": its submissions 1-3" "$T/err"; ok $? "and says what it did"
grep -q "received 1-6$" "$T/out"; ok $? "no false MISSING"
grep -q "acknowledges 1-6)" "$T/out"; ok $? "an ack for 1-6 is written"
is "$(rows)" "1 2 3 4 5 6" "every record in the output exactly once"
opn "$B1"; is $? 0 "the old batch 1 opened again on the new ledger"
is "$(rows)" "1 2 3 4 5 6" "adds no duplicate"
cp "$T/o/lg-1.ack" "$T/stick/"
submit "$K" 2; exp; B3=$(cat "$T/bpath")
grep -q "3 sealed submissions deleted" "$T/err"; ok $? "the kiosk accepts the new ledger's ack (4-6 deleted)"

# 2. The ledger is restored from the backup taken after batch 1.
rm -f "$L-wal" "$L-shm"; cp "$T/L.bak" "$L"
opn "$B3"; is $? 3 "batch 3 (7-8) on the restored ledger: exit 3"
grep -q "no record of 6" "$T/err"; ok $? "the office says the ledger is behind"
opn --resync "$B3"; is $? 0 "with --resync: exit 0"
grep -q "acknowledges 1-8)" "$T/out"; ok $? "an ack for 1-8"
cp "$T/o/lg-1.ack" "$T/stick/"
exp
grep -q "2 sealed submissions deleted" "$T/err"; ok $? "the kiosk accepts it (its counter moved past the lost ones)"
is "$(count)" 0 "nothing is left waiting on the kiosk"
is "$(rows)" "1 2 3 4 5 6 7 8" "every record opened exactly once"

# 3. A stale ack on the stick is reported.
cp "$T/ack1" "$T/stick/lg-1.ack"
submit "$K" 1
exp; is $? 0 "export with an old ack on the stick still works"
grep -q "older than one this kiosk already applied" "$T/err"; ok $? "and reports the stale ack"
is "$(count)" 1 "it deleted nothing"
done_testing
