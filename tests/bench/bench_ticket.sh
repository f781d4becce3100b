#!/bin/sh
# bench_ticket: time for the print helper kiosk-print to render one claim
# ticket (target: under 50 ms), beside the time a private cupsd takes to accept the same job (print_submit:
# create job, send document, finish) and to complete it on the file-backed
# queue. Called by `make bench`; prints plain lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/env.sh
PATH=$PATH:/usr/sbin
KIOSK=${KIOSK:-$top/build/kiosk}
dir=$(mktemp -d /tmp/kiosk-cups.XXXXXX)
trap 'sh printers/test-cupsd.sh stop "$dir"; rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM HUP
sh printers/test-cupsd.sh start "$dir" >&2 || exit 1
. "$dir/env"

bn="৩০ দিনের মধ্যে আপনার পাসপোর্ট এবং একটি বিদ্যুৎ বিল নিয়ে অফিসে আসুন।"
en="Bring your passport and a utility bill to the office within 30 days."
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# Warm: the print helper (kiosk-print) renders many tickets in one process.
warm=$("$KIOSK" printer sample --lang bn --next-steps "$bn" \
    --next-steps-en "$en" --repeat 200 --time | awk '/^render_ms/ { print $2 }')
# Cold: first ticket in a fresh helper (fontconfig and font loading).
cold=$(for i in 1 2 3 4 5; do
	"$KIOSK" printer sample --lang bn --next-steps "$bn" --time |
	    awk '/^render_ms/ { print $2 }'
done | median)
# CUPS: accepting the job, and the whole job until completed.
submit=$(for i in 1 2 3 4 5 6 7 8 9 10; do
	"$KIOSK" printer sample --lang bn --next-steps "$bn" --dest PDF \
	    --time | awk '/^submit_ms/ { print $2 }'
done | median)
t0=$(date +%s%N)
for i in 1 2 3 4 5; do
	"$KIOSK" printer sample --lang bn --next-steps "$bn" --dest PDF \
	    --wait 20 >/dev/null
done
t1=$(date +%s%N)
whole=$(echo "$t0 $t1" | awk '{ printf "%.1f", ($2 - $1) / 5 / 1e6 }')

printf 'ticket render (bn, 80 mm, warm, mean of 200): %s ms   (target < 50 ms)\n' "$warm"
printf 'ticket render (bn, 80 mm, first in a process, median of 5): %s ms\n' "$cold"
printf 'CUPS accepts the job (print_submit, median of 10): %s ms\n' "$submit"
printf 'kiosk printer sample: start kiosk-print, render, submit, follow until completed: %s ms\n' "$whole"
awk -v w="$warm" 'BEGIN { exit !(w < 50) }' && echo "ticket render: PASS" ||
    echo "ticket render: OVER TARGET"
