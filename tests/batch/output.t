#!/bin/sh
# The office's output is all or nothing per batch (issue 13, item 5):
# a batch rejected for any reason (a full disk mid-open, a symbolic link
# at an output name, a crash before the ledger commit) leaves no
# plaintext in any output file, and opening it again, twice, gives every
# row exactly once, none torn. Long and colliding form ids get their own
# files within the name limit.
. "$(dirname "$0")/lib.sh"

make_office "$T/office"
make_kiosk out-1 "$T/data" "$T/office/office.pub"
K="$T/out-1.ini"
"$KIOSK" export --config "$K" --test-submit 3 --test-form small >/dev/null
"$KIOSK" export --config "$K" --test-submit 3 --test-form big \
    --test-size 60000 >/dev/null
mkdir -p "$T/stick"
B=$("$KIOSK" export --config "$K" --to "$T/stick" 2>/dev/null)
ok $? "a batch with a small and a big form"
"$KIOSK" identity --config "$K" > "$T/out-1.pub"
make_kiosk out-2 "$T/data2" "$T/office/office.pub"
"$KIOSK" identity --config "$T/out-2.ini" > "$T/out-2.pub"
for l in L L2 L3 L4 L5; do
	for k in out-1 out-2; do
		"$KIOSK" enroll --ledger "$T/$l.db" "$T/$k.pub" >/dev/null
	done
done

# Every row of every CSV has the same number of fields as its header,
# and every JSONL line parses; prints "rows:file" per file.
shape() {
	python3 - "$1" <<'PY'
import csv, json, os, sys
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    p = os.path.join(d, f)
    if f.endswith('-codebook.csv'):
        continue
    if f.endswith('.csv'):
        rows = list(csv.reader(open(p, newline='', encoding='utf-8-sig')))
        bad = [r for r in rows if len(r) != len(rows[0])]
        print('%d:%s%s' % (len(rows) - 1, f, ' TORN' if bad else ''))
    elif f.endswith('.jsonl'):
        n = 0
        for line in open(p, encoding='utf-8'):
            json.loads(line); n += 1
        print('%d:%s' % (n, f))
PY
}
plain() {	# plain DIR: is any claim code or answer anywhere in DIR?
	grep -rlE 'TEST-|synthetic|xxxxxxxx' "$1" 2>/dev/null | grep -c .
}

# 1. The office disk fills up mid-open.
mkdir -p "$T/full"
if mount -t tmpfs -o size=160k tmpfs "$T/full" 2>/dev/null; then
	MOUNTS="$T/full"
	"$KIOSK" open $KEY --ledger "$T/L.db" --out "$T/full" "$B" \
	    > "$T/o" 2> "$T/e"
	is $? 1 "open on a disk that fills up fails"
	grep -q "rejected (output)" "$T/e"; ok $? "as rejected (output)"
	is "$(plain "$T/full")" 0 "no plaintext left in any output file"
	is "$(find "$T/full" -type f -size +0 | grep -c .)" 0 \
	    "no output file left with anything in it"
	mount -o remount,size=4m "$T/full"
	"$KIOSK" open $KEY --ledger "$T/L.db" --out "$T/full" "$B" \
	    > "$T/o" 2> "$T/e"
	is $? 0 "after freeing space it opens"
	"$KIOSK" open $KEY --ledger "$T/L.db" --out "$T/full" "$B" \
	    > "$T/o" 2> "$T/e"
	is $? 0 "and a second open of it adds nothing"
	is "$(shape "$T/full" | tr '\n' ' ')" \
	    "3:big-v1.csv 3:big.jsonl 3:small-v1.csv 3:small.jsonl " \
	    "each row exactly once, none torn"
else
	# No mount here: a file-size limit makes write() fail mid-file.
	(ulimit -f 160; trap '' XFSZ; exec "$KIOSK" open $KEY --ledger \
	    "$T/L.db" --out "$T/full" "$B") > "$T/o" 2> "$T/e"
	is $? 1 "open that cannot finish writing fails (simulated)"
	grep -q "rejected (output)" "$T/e"; ok $? "as rejected (output)"
	is "$(plain "$T/full")" 0 "no plaintext left in any output file"
	"$KIOSK" open $KEY --ledger "$T/L.db" --out "$T/full" "$B" >/dev/null 2>&1
	is $? 0 "without the limit it opens"
	"$KIOSK" open $KEY --ledger "$T/L.db" --out "$T/full" "$B" >/dev/null 2>&1
	is "$(shape "$T/full" | tr '\n' ' ')" \
	    "3:big-v1.csv 3:big.jsonl 3:small-v1.csv 3:small.jsonl " \
	    "each row exactly once, none torn"
	skip "remount"
fi

# 2. A symbolic link at the second output's path.
mkdir -p "$T/sym"
ln -s "$T/elsewhere" "$T/sym/small.jsonl"
"$KIOSK" open $KEY --ledger "$T/L2.db" --out "$T/sym" "$B" > "$T/o" 2> "$T/e"
is $? 1 "a symbolic link at an output name: rejected"
grep -q "symbolic link" "$T/e"; ok $? "and the message names it"
is "$(plain "$T/sym")" 0 "no plaintext written anywhere in the folder"
ok "$([ ! -e "$T/elsewhere" ]; echo $?)" "nothing written through the link"
rm "$T/sym/small.jsonl"
"$KIOSK" open $KEY --ledger "$T/L2.db" --out "$T/sym" "$B" >/dev/null 2>&1
is $? 0 "with the link gone it opens"
is "$(shape "$T/sym" | tr '\n' ' ')" \
    "3:big-v1.csv 3:big.jsonl 3:small-v1.csv 3:small.jsonl " "every row once"

# 3. A FIFO at an output name: refused at once, never blocks.
mkdir -p "$T/fifo"
mkfifo "$T/fifo/big.jsonl"
timeout 20 "$KIOSK" open $KEY --ledger "$T/L3.db" --out "$T/fifo" "$B" \
    > "$T/o" 2> "$T/e"
is $? 1 "a FIFO at an output name: rejected, without blocking"
is "$(plain "$T/fifo")" 0 "no plaintext written"

# 4. Killed between writing the rows and the ledger commit: the next
#    open of the folder removes the partial rows; the batch then opens once.
mkdir -p "$T/crash"
KIOSK_TEST_OPEN_STOP=1 "$KIOSK" open $KEY --ledger "$T/L4.db" \
    --out "$T/crash" "$B" > /dev/null 2>&1 &
pid=$!
wait_stopped $pid 200
is "$(ps -o stat= -p $pid | cut -c1)" T "open stopped after writing its rows"
ok "$([ "$(plain "$T/crash")" -gt 0 ]; echo $?)" "rows were on disk then"
kill -KILL $pid; wait $pid 2>/dev/null
"$KIOSK" open $KEY --ledger "$T/L4.db" --out "$T/crash" "$B" > "$T/o" 2> "$T/e"
is $? 0 "the next open succeeds"
grep -q "removed the unfinished output" "$T/e"; ok $? "and says it undid the crashed one"
is "$(shape "$T/crash" | tr '\n' ' ')" \
    "3:big-v1.csv 3:big.jsonl 3:small-v1.csv 3:small.jsonl " "every row once"

# 5. Long and colliding form ids: own files, names within the limit.
long=$(printf 'f%.0s' $(seq 251))
"$KIOSK" export --config "$T/out-2.ini" --test-submit 1 --test-form "$long" >/dev/null
"$KIOSK" export --config "$T/out-2.ini" --test-submit 1 --test-form a/b >/dev/null
"$KIOSK" export --config "$T/out-2.ini" --test-submit 1 --test-form a_b >/dev/null
B2=$("$KIOSK" export --config "$T/out-2.ini" --to "$T/stick" 2>/dev/null)
"$KIOSK" open $KEY --ledger "$T/L5.db" --out "$T/names" "$B2" > "$T/o" 2> "$T/e"
is $? 0 "a 251-character form id and forms a/b, a_b open"
is "$(ls "$T/names" | awk 'length($0) > 240' | grep -c .)" 0 \
    "every output name within 240 bytes"
is "$(ls "$T/names" | grep -c '^a_b-v1.csv$')" 1 "a_b has a_b-v1.csv"
is "$(ls "$T/names" | grep -c '^a_b~[0-9a-f]*-v1.csv$')" 1 "a/b has its own file"
is "$(shape "$T/names" | grep -c '^1:')" 6 "one row in each of six files"
done_testing
