#!/bin/sh
# The clone-and-ack attack (issue 13, item 1). Someone copies kiosk.id and
# kiosk.db once; the clone submits made-up records 4-5 and exports; the
# office opens them and acknowledges 1-5; staff carry that ack to the real
# kiosk, which has exported only 1-3 and holds its genuine, never exported
# 4-5. The real kiosk must refuse the ack, say why, and delete nothing;
# its 4-5 then reach the office as a fork, never silently lost.
. "$(dirname "$0")/lib.sh"

make_office "$T/office"
make_kiosk cl-1 "$T/real" "$T/office/office.pub"
enrol_kiosk cl-1 "$T/L.db"
count() { sqlite3 "$1/kiosk.db" 'SELECT count(*) FROM envelope'; }

submit "$T/cl-1.ini" 3
mkdir -p "$T/stick" "$T/cstick" "$T/o"
B1=$("$KIOSK" export --config "$T/cl-1.ini" --to "$T/stick" 2>/dev/null)
ok $? "the real kiosk exports 1-3"
# The copy, taken now (after the export).
cp -a "$T/real" "$T/clone"
sed "s|$T/real|$T/clone|" "$T/cl-1.ini" > "$T/clone.ini"
submit "$T/cl-1.ini" 2		# genuine 4-5, not exported
submit "$T/clone.ini" 2		# made-up 4-5 on the clone
B2=$("$KIOSK" export --config "$T/clone.ini" --to "$T/cstick" 2>/dev/null)
ok $? "the clone exports 1-5"
"$KIOSK" open $KEY --ledger "$T/L.db" --out "$T/o" "$B1" "$B2" > "$T/out" 2>&1
is $? 0 "the office opens both (it cannot tell yet)"
grep -q "acknowledges 1-5" "$T/out"; ok $? "and acknowledges 1-5"

# The ack reaches the real kiosk.
cp "$T/o/cl-1.ack" "$T/stick/"
is "$(count "$T/real")" 5 "the real kiosk holds 1-5 before"
"$KIOSK" export --config "$T/cl-1.ini" --to "$T/stick" > "$T/out" 2> "$T/err"
is $? 1 "the real kiosk refuses the export with that ack on the stick"
grep -q "refused, nothing deleted.*up to 5.*exported only up to 3" "$T/err"
ok $? "and names the cause: acked 5, exported 3"
grep -q "another copy of this kiosk" "$T/err"; ok $? "and says a copy did it"
is "$(count "$T/real")" 5 "nothing was deleted: genuine 4-5 still sealed"

# Invariant: with the bad ack removed, genuine 4-5 reach the office, which
# reports the fork by batch; nothing is lost.
rm "$T/stick/cl-1.ack"
B3=$("$KIOSK" export --config "$T/cl-1.ini" --to "$T/stick" 2>/dev/null)
ok $? "without the ack the real kiosk exports 1-5"
"$KIOSK" open $KEY --ledger "$T/L.db" --out "$T/o" "$B3" > "$T/out" 2>&1
is $? 1 "the office rejects the real batch"
grep -q "rejected (fork)" "$T/out"; ok $? "as a fork: the clone is found"
is "$(count "$T/real")" 5 "the genuine records are still on the real kiosk"

# A correct ack (through what was exported) is still applied.
make_kiosk cl-2 "$T/k2" "$T/office/office.pub"
enrol_kiosk cl-2 "$T/L.db"
submit "$T/cl-2.ini" 3
mkdir -p "$T/s2"
B=$("$KIOSK" export --config "$T/cl-2.ini" --to "$T/s2" 2>/dev/null)
"$KIOSK" open $KEY --ledger "$T/L.db" --out "$T/o" "$B" > /dev/null 2>&1
submit "$T/cl-2.ini" 2
cp "$T/o/cl-2.ack" "$T/s2/"
"$KIOSK" export --config "$T/cl-2.ini" --to "$T/s2" > /dev/null 2> "$T/err"
is $? 0 "a genuine ack through the exported 3 is applied"
grep -q "3 sealed submissions deleted" "$T/err"; ok $? "deleting 1-3"
is "$(count "$T/k2")" 2 "4-5 stay"
done_testing
