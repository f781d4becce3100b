# Shared by the shell benchmarks: source it from tests/bench/bench_*.sh.
# Gives a private temp dir $d (removed on exit) and helpers:
#   bench_kiosk   build the reference program $d/ref, make an office key
#                 set in $d/office and a kiosk config $d/k.ini
#   ms T0         milliseconds since T0 (from date +%s%N)
#   median        the median of the numbers on stdin, one per line
#   verdict FIGURE REFERENCE LIMIT   the ratio and whether it is met
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/env.sh
export KIOSK_TEST=1 KIOSK_TEST_FAST_KDF=1
d=$(mktemp -d "${TMPDIR:-/var/tmp}/kiosk-bench.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT

bench_kiosk() {
	cc -O2 -o "$d/ref" tests/bench/ref_seal.c \
	    $(pkg-config --cflags --libs libsodium sqlite3) || exit 1
	printf 'bench passphrase\n' > "$d/pass"
	"$KIOSK" keygen --out "$d/office" --passphrase-file "$d/pass" \
	    > /dev/null || exit 1
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
}
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
verdict() {
	awk -v a="$1" -v b="$2" -v l="$3" 'BEGIN {
		r = a / (b ? b : 1)
		printf "  ratio %.2f (target <= %s): %s\n", r, l,
		    r <= l ? "met" : "NOT MET" }'
}
