#!/bin/sh
# The kiosk never silently restarts its identity or its sequence (issue
# 13, items 3 and 4): a lost kiosk.id with submissions waiting, an empty,
# missing, replaced or too old kiosk.db: export and run stop with a
# message naming the file and the way out, and nothing is lost; putting
# the right file back resumes where it was.
. "$(dirname "$0")/lib.sh"

make_office "$T/office"
make_kiosk id-1 "$T/data" "$T/office/office.pub"
K="$T/id-1.ini"
D="$T/data"
count() { sqlite3 "$D/kiosk.db" 'SELECT count(*) FROM envelope'; }
mkdir -p "$T/stick" "$T/o"
exp() { "$KIOSK" export --config "$K" --to "$T/stick" > "$T/out" 2> "$T/err"; }

submit "$K" 3
exp; ok $? "first export"
ok "$([ -f "$D/kiosk.state" ]; echo $?)" "kiosk.state is kept beside kiosk.id"
is "$(stat -c %a "$D/kiosk.state")" 600 "owner only"
submit "$K" 2
cp "$D/kiosk.id" "$T/id.bak"
sqlite3 "$D/kiosk.db" ".backup '$T/db.bak'"

# 1. kiosk.id lost, with submissions waiting.
rm "$D/kiosk.id"
exp; is $? 1 "export stops when kiosk.id is missing"
grep -q "kiosk.id is missing, but this kiosk already has an identity" "$T/err"
ok $? "and says so"
grep -q "Restore kiosk.id" "$T/err"; ok $? "with the way out"
ok "$([ ! -e "$D/kiosk.id" ]; echo $?)" "no new identity was made"
"$KIOSK" identity --config "$K" > /dev/null 2> "$T/err"
is $? 1 "kiosk identity does not make a new one either"
TERM=xterm "$KIOSK" run --config "$K" < /dev/null > "$T/out" 2> "$T/err"
is $? 1 "kiosk run will not start either"
grep -q "kiosk.id is missing, but this kiosk already has an identity" "$T/err"
ok $? "and says why"
ok "$([ ! -e "$D/kiosk.id" ]; echo $?)" "still no new identity"
is "$(count)" 5 "the five submissions are still there"
cp "$T/id.bak" "$D/kiosk.id"
exp; is $? 0 "with kiosk.id restored, export works again"
grep -q "5 sealed submissions" "$T/err"; ok $? "carrying all five"

# 2. kiosk.db truncated to zero bytes.
: > "$D/kiosk.db"; rm -f "$D/kiosk.db-wal" "$D/kiosk.db-shm"
exp; is $? 1 "export stops on an empty kiosk.db"
grep -q "kiosk.db is empty, but this kiosk made it and has issued submissions up to 5" "$T/err"
ok $? "and says what was issued"
TERM=xterm "$KIOSK" run --config "$K" < /dev/null > "$T/out" 2> "$T/err"
is $? 1 "kiosk run will not start on the empty kiosk.db"
grep -q "kiosk.db is empty" "$T/err"; ok $? "and says why"
is "$(stat -c %s "$D/kiosk.db")" 0 "the empty file is left as it was"
"$KIOSK" export --config "$K" --test-submit 1 > /dev/null 2> "$T/err"
is $? 1 "no new submission is accepted on it (it would be number 1 again)"

# 3. kiosk.db missing.
rm -f "$D/kiosk.db"
exp; is $? 1 "export stops when kiosk.db is missing"
grep -q "kiosk.db is missing" "$T/err"; ok $? "and says so"

# 4. kiosk.db replaced by another kiosk's database.
make_kiosk id-2 "$T/other" "$T/office/office.pub"
submit "$T/id-2.ini" 1
sqlite3 "$T/other/kiosk.db" ".backup '$D/kiosk.db'"
rm -f "$D/kiosk.db-wal" "$D/kiosk.db-shm"
exp; is $? 1 "export stops on another kiosk's kiosk.db"
grep -q "belongs to another kiosk identity" "$T/err"; ok $? "and says so"

# 5. kiosk.db restored from a backup older than the last export.
cp "$T/db.bak" "$D/kiosk.db"; rm -f "$D/kiosk.db-wal" "$D/kiosk.db-shm"
exp; is $? 0 "the backup taken after the last export is accepted"
grep -q "id-1-3.kib" "$T/out"; ok $? "its batch number skips past the last export's"
submit "$K" 1
exp; ok $? "and the next export too"
cp "$T/db.bak" "$D/kiosk.db"; rm -f "$D/kiosk.db-wal" "$D/kiosk.db-shm"
exp; is $? 1 "a backup older than the last export is refused"
grep -q "older than this kiosk's last submission or export" "$T/err"; ok $? "and says so"

# 6. kiosk.id replaced by another identity.
cp "$T/other/kiosk.id" "$D/kiosk.id"
exp; is $? 1 "another kiosk's kiosk.id is refused"
grep -q "kiosk.id is not this kiosk's identity" "$T/err"; ok $? "and says so"

# 7. First run still works, and a kiosk made before kiosk.state adopts it.
make_kiosk id-3 "$T/fresh" "$T/office/office.pub"
submit "$T/id-3.ini" 1
ok $? "a fresh kiosk starts"
rm "$T/fresh/kiosk.state"
"$KIOSK" export --config "$T/id-3.ini" --to "$T/stick" > /dev/null 2>&1
ok $? "a kiosk without kiosk.state (an older version) still exports"
ok "$([ -f "$T/fresh/kiosk.state" ]; echo $?)" "and gets its kiosk.state"
grep -q "^issued 1$" "$T/fresh/kiosk.state"; ok $? "recording what it exported"
grep -q "^batch 1$" "$T/fresh/kiosk.state"; ok $? "and the batch number"

# 8. A backup taken after the last export, restored after two more
# submissions: those two never left the kiosk. kiosk.state is written
# after every submission, so the restored kiosk.db is refused too.
make_kiosk id-4 "$T/k4" "$T/office/office.pub"
K4="$T/id-4.ini"
submit "$K4" 2
"$KIOSK" export --config "$K4" --to "$T/stick" > /dev/null 2>&1
ok $? "id-4 exports 1-2"
sqlite3 "$T/k4/kiosk.db" ".backup '$T/k4.bak'"
submit "$K4" 2
grep -q "^issued 4$" "$T/k4/kiosk.state"; ok $? "kiosk.state learns each submission (issued 4)"
sqlite3 "$T/k4/kiosk.db" ".backup '$T/k4.full'"
rm -f "$T/k4/kiosk.db-wal" "$T/k4/kiosk.db-shm"
cp "$T/k4.bak" "$T/k4/kiosk.db"
"$KIOSK" export --config "$K4" --to "$T/stick" > "$T/out" 2> "$T/err"
is $? 1 "a backup missing two submissions made after the export is refused"
grep -q "submissions 3 to 4 are not in it" "$T/err"; ok $? "naming the two"
TERM=xterm "$KIOSK" run --config "$K4" < /dev/null > /dev/null 2> "$T/err"
is $? 1 "kiosk run will not start on it either"
cp "$T/k4.full" "$T/k4/kiosk.db"
"$KIOSK" export --config "$K4" --to "$T/stick" > /dev/null 2> "$T/err"
is $? 0 "the full backup put back, export works"
grep -q "4 sealed submissions in the batch" "$T/err"; ok $? "carrying all four (none acknowledged yet)"
done_testing
