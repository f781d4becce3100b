#!/bin/sh
# bench_fleet: a fleet's year at the office in one run (issue 13): K kiosks
# (BENCH_FLEET_KIOSKS, 30) of N submissions each (BENCH_FLEET_N, 17000;
# about 500,000 in all, ~2 GB of batches and as much of kiosk databases),
# all opened by one kiosk open. Beside it the bare crypto_box_seal_open +
# unpad loop over as many records (measured over at most 100,000 and
# scaled: the reference holds its records in memory). Targets: under 60 s
# and within 1.5x of the loop; peak memory of the open under 64 MiB.
set -u
. "$(dirname "$0")/lib.sh"
k=${BENCH_FLEET_KIOSKS:-30}
n=${BENCH_FLEET_N:-17000}
bench_kiosk
mkdir -p "$d/stick"
t=$(date +%s%N)
i=0
while [ "$i" -lt "$k" ]; do
	i=$((i + 1))
	sed "s/^name = bench/name = fleet-$i/; s|$d/data|$d/data-$i|" \
	    "$d/k.ini" > "$d/k$i.ini"
	"$KIOSK" export --config "$d/k$i.ini" --test-submit "$n" \
	    --test-nosync > /dev/null || exit 1
	"$KIOSK" export --config "$d/k$i.ini" --to "$d/stick" \
	    > /dev/null 2>&1 || exit 1
	rm -rf "$d/data-$i"	# the batches are what the office needs
done
echo "made $k kiosks x $n submissions and their batches in $(ms "$t") ms"
t=$(date +%s%N)
"$KIOSK" key show "$d/office/office.key" --passphrase-file "$d/pass" > /dev/null
unlock_ms=$(ms "$t")
t=$(date +%s%N)
KIOSK_TEST_PEAK=1 "$KIOSK" open --key "$d/office/office.key" \
    --passphrase-file "$d/pass" --out "$d/out" "$d"/stick/*.kib \
    > /dev/null 2> "$d/open.err"
rc=$?
open_ms=$(( $(ms "$t") - unlock_ms ))
peak_kb=$(sed -n 's/^kiosk: open peak VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "$d/open.err")
total=$((k * n))
refn=$total
[ "$refn" -gt 100000 ] && refn=100000
ref_ms=$("$d/ref" open "$refn")
ref_ms=$(awk -v r="$ref_ms" -v a="$total" -v b="$refn" 'BEGIN { printf "%d", r * a / b }')
rows=$(cat "$d"/out/*.jsonl | wc -l)
echo "fleet: $k kiosks x $n = $total submissions, one kiosk open (exit $rc, $rows rows)"
printf '  kiosk open            %8s ms   (without the %s ms key unlock; target < 60000 ms: %s)\n' \
    "$open_ms" "$unlock_ms" "$( [ "$open_ms" -lt 60000 ] && echo met || echo 'NOT MET')"
printf '  bare seal_open loop   %8s ms   (reference, one core, %s records scaled to %s)\n' \
    "$ref_ms" "$refn" "$total"
verdict "$open_ms" "$ref_ms" 1.5
printf '  kiosk open peak RSS   %8s kB   (target < 65536 kB: %s)\n' "${peak_kb:-?}" \
    "$( [ -n "$peak_kb" ] && [ "$peak_kb" -lt 65536 ] && echo met || echo 'NOT MET')"
