#!/bin/sh
# Export to a stick that fills up mid-write (a small tmpfs, or a file-size
# limit where mounting is not allowed), to a folder removed mid-write, and
# a kiosk disk that fills up: each reports failure, marks nothing exported
# and loses nothing; a later export has every record.
. "$(dirname "$0")/lib.sh"

make_office "$T/office"
make_kiosk lib-1 "$T/data" "$T/office/office.pub"
submit "$T/lib-1.ini" 20
mkdir -p "$T/full" "$T/good"

# 1. A stick that fills up mid-write.
if mount -t tmpfs -o size=40k tmpfs "$T/full" 2>/dev/null; then
	MOUNTS="$T/full"
	"$KIOSK" export --config "$T/lib-1.ini" --to "$T/full" \
	    > "$T/out" 2> "$T/err"
	is $? 1 "export to a full stick (tmpfs) fails"
	grep -q "disk is full" "$T/err"; ok $? "and says the disk is full"
else
	# No mount here: a file-size limit makes write() fail mid-file.
	(ulimit -f 40; trap '' XFSZ; exec "$KIOSK" export \
	    --config "$T/lib-1.ini" --to "$T/full") > "$T/out" 2> "$T/err"
	is $? 1 "export that cannot finish writing fails (simulated)"
	grep -q "cannot write" "$T/err"; ok $? "and says it cannot write"
fi
grep -q "nothing was marked exported" "$T/err"; ok $? "nothing marked exported"
is "$(ls -A "$T/full" | grep -c .)" 0 "no batch or temp file left behind"
is "$(cat "$T/out")" "" "no path printed"

# 2. A folder removed mid-write.
mkdir "$T/gone"
KIOSK_TEST_STOP_AFTER_WRITE=1 "$KIOSK" export --config "$T/lib-1.ini" \
    --to "$T/gone" > "$T/out" 2> "$T/err" &
pid=$!
wait_stopped $pid 100
is "$(ps -o stat= -p $pid | cut -c1)" T "export stopped after writing"
rm -rf "$T/gone"
kill -CONT $pid
wait $pid
is $? 1 "export to a folder removed mid-write fails"
is "$(cat "$T/out")" "" "no path printed"

# 3. A later export has every record, and it opens.
p=$("$KIOSK" export --config "$T/lib-1.ini" --to "$T/good" 2> "$T/err")
ok $? "a later export succeeds"
grep -q "20 sealed submissions in the batch" "$T/err"; ok $? "with all 20 records"
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --out "$T/opened" "$p" > /dev/null 2>&1
is $? 0 "and it opens"
is "$(wc -l < "$T/opened/selftest.jsonl")" 20 "20 records opened"

# 4. The kiosk's own disk fills up: a clear error, earlier ones intact.
mkdir "$T/kfull"
if mount -t tmpfs -o size=400k tmpfs "$T/kfull" 2>/dev/null; then
	MOUNTS="$MOUNTS $T/kfull"
	make_kiosk lib-2 "$T/kfull/data" "$T/office/office.pub"
	"$KIOSK" export --config "$T/lib-2.ini" --test-submit 1000 \
	    > "$T/committed" 2> "$T/err"
	is $? 1 "submitting on a full disk fails"
	grep -q "disk is full" "$T/err"; ok $? "with a disk-full message"
	c=$(grep -c committed "$T/committed")
	ok "$( [ "$c" -gt 5 ]; echo $?)" "some submissions were saved first ($c)"
	is "$(sqlite3 "$T/kfull/data/kiosk.db" 'PRAGMA integrity_check')" ok \
	    "database intact"
	is "$(sqlite3 "$T/kfull/data/kiosk.db" 'SELECT count(*) FROM envelope')" \
	    "$c" "every reported submission is there"
else
	skip "cannot mount a tmpfs here for the kiosk disk-full test"
fi
done_testing
