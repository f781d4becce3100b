#!/bin/sh
# bench_seal: seal plus durable commit of one submission through
# outbox_submit (kiosk export --test-submit), beside a bare libsodium seal
# plus a SQLite INSERT with synchronous=FULL, same run, same disk.
# Target: within 1.5x of the reference. BENCH_SEAL_N submissions (500).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/env.sh
n=${BENCH_SEAL_N:-500}
d=$(mktemp -d "${TMPDIR:-/var/tmp}/kiosk-bench.XXXXXX")
trap 'rm -rf "$d"' EXIT
cc -O2 -o "$d/ref" tests/bench/ref_seal.c $(pkg-config --cflags --libs libsodium sqlite3) || exit 1
export KIOSK_TEST=1 KIOSK_TEST_FAST_KDF=1
printf 'bench\n' > "$d/pass"
"$KIOSK" keygen --out "$d/office" --passphrase-file "$d/pass" > /dev/null
cat > "$d/k.ini" <<EOI
[kiosk]
name = bench
data_dir = $d/data
forms_dir = $d
languages = en
idle_timeout = 60
[office]
public_key = $d/office/office.pub
EOI
"$KIOSK" export --config "$d/k.ini" --test-submit 5 > /dev/null	# warm
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ours=$(for i in 1 2 3; do
	t0=$(date +%s%N)
	"$KIOSK" export --config "$d/k.ini" --test-submit "$n" > /dev/null
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000 / n ))
done | median)
ref=$(for i in 1 2 3; do rm -f "$d/ref.db"*; "$d/ref" seal "$d/ref.db" "$n"; done |
    median)
echo "seal + durable commit, one submission (median of 3 x $n):"
printf '  kiosk outbox_submit    %8s us\n' "$ours"
printf '  bare seal + INSERT     %8s us   (reference, synchronous=FULL)\n' "$ref"
awk -v a="$ours" -v b="$ref" 'BEGIN { printf "  ratio %.2f (target <= 1.5)\n", a / b }'
