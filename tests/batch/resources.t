#!/bin/sh
# Bounded resources (issue 13, item 7): kiosk open streams a batch, so a
# crafted one of 64 records of 1 MiB of control bytes (6 MiB each as JSON)
# stays far below 64 MiB of memory once the key is unlocked; a 5 GB
# sparse .kib is refused from its size without being read; a FIFO under
# a batch name (office) or an ack name (stick) is refused at once instead
# of hanging open, export or the staff menu.
. "$(dirname "$0")/lib.sh"

make_office "$T/office"
make_kiosk rs-1 "$T/data" "$T/office/office.pub"
mkdir -p "$T/stick" "$T/o"

# 1. The crafted batch.
KIOSK_TEST_CTRL=1 "$KIOSK" export --config "$T/rs-1.ini" --test-submit 64 \
    --test-size 1000000 --test-nosync > /dev/null
B=$("$KIOSK" export --config "$T/rs-1.ini" --to "$T/stick" 2>/dev/null)
ok $? "a batch of 64 records of 1 MB of control bytes"
KIOSK_TEST_PEAK=1 "$KIOSK" open $KEY --out "$T/o" "$B" > "$T/out" 2> "$T/err"
is $? 0 "opens"
peak=$(sed -n 's/^kiosk: open peak VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "$T/err")
echo "# peak resident memory while opening: ${peak:-?} kB"
ok "$([ -n "$peak" ] && [ "$peak" -lt 65536 ]; echo $?)" \
    "peak memory while opening under 64 MiB (${peak:-?} kB)"
is "$(grep -c . "$T/o/selftest.jsonl")" 64 "all 64 records are in the output"
rm -rf "$T/o" "$T/stick"/*

# 2. A 5 GB sparse file under a batch name.
truncate -s 5G "$T/stick/big.kib"
timeout 60 "$KIOSK" open $KEY --out "$T/o" "$T/stick/big.kib" > "$T/out" 2> "$T/err"
is $? 1 "a 5 GB .kib is rejected"
grep -q "larger than a batch can be" "$T/err"; ok $? "from its size, without reading it"
rm -f "$T/stick/big.kib"

# 3. FIFOs.
mkfifo "$T/stick/x.kib"
timeout 20 "$KIOSK" open $KEY --out "$T/o" "$T/stick/x.kib" > "$T/out" 2> "$T/err"
is $? 1 "a FIFO named x.kib: open does not hang, and rejects it"
grep -q "not a regular file" "$T/err"; ok $? "saying what it is"
rm -f "$T/stick/x.kib"
mkfifo "$T/stick/rs-1.ack"
submit "$T/rs-1.ini" 1
timeout 20 "$KIOSK" export --config "$T/rs-1.ini" --to "$T/stick" > "$T/out" 2> "$T/err"
is $? 1 "a FIFO named rs-1.ack on the stick: export does not hang"
grep -q "rs-1.ack: not a regular file" "$T/err"; ok $? "and names it"
done_testing
