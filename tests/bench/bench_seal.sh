#!/bin/sh
# bench_seal: seal plus durable commit of one submission through
# outbox_submit (kiosk export --test-submit), beside a bare libsodium seal
# plus a SQLite INSERT with synchronous=FULL, same run, same disk.
# Target: within 1.5x of the reference. BENCH_SEAL_N submissions (500).
set -u
. "$(dirname "$0")/lib.sh"
n=${BENCH_SEAL_N:-500}
bench_kiosk
"$KIOSK" export --config "$d/k.ini" --test-submit 5 > /dev/null	# warm
# Three runs of n: outbox_submit alone (timed inside the process, as the
# reference times its own loop), and the whole process per submission
# (start-up and building the synthetic record included) for context.
for i in 1 2 3; do
	t0=$(date +%s%N)
	"$KIOSK" export --config "$d/k.ini" --test-submit "$n" --test-timing \
	    2> "$d/t$i" > /dev/null
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000 / n )) >> "$d/whole"
done
ours=$(cat "$d"/t1 "$d"/t2 "$d"/t3 | awk '/^outbox_submit/ { print $2 }' |
    median)
whole=$(median < "$d/whole")
ref=$(for i in 1 2 3; do rm -f "$d/ref.db"*; "$d/ref" seal "$d/ref.db" "$n"; done |
    median)
echo "seal + durable commit, one submission (median of 3 x $n):"
printf '  kiosk outbox_submit    %8s us\n' "$ours"
printf '  bare seal + INSERT     %8s us   (reference, synchronous=FULL)\n' "$ref"
verdict "$ours" "$ref" 1.5
printf '  (whole process, per submission: %s us)\n' "$whole"
