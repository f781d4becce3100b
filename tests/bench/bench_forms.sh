#!/bin/sh
# bench_forms: forms engine figures beside the targets of issue 3.
#  - load a generated 10,000-question form: time (target: well under
#    100 ms; pyxform needs about 11 s) and peak RSS (target: under 50 MiB;
#    pyxform about 415 MB);
#  - a 200-question form: one answer changes, then every relevance and
#    constraint is re-evaluated (target: under 1 ms).
# Called by `make bench`; prints plain lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
PKG_CFLAGS=$(pkg-config --cflags libsodium)
PKG_LIBS=$(pkg-config --libs libsodium)
# shellcheck disable=SC2086
cc -std=c11 -O2 -D_GNU_SOURCE -Ikiosk $PKG_CFLAGS -o "$tmp/bench_forms" \
    tests/bench/bench_forms.c kiosk/form.c kiosk/form-sheet.c kiosk/qtype.c \
    kiosk/form-state.c kiosk/expr.c kiosk/digest.c kiosk/util.c kiosk/vault.c \
    $PKG_LIBS -lm || exit 1

gen() {	# gen N FILE: N questions, two languages, relevance, constraints
	awk -v n="$1" 'BEGIN {
	print "survey,,,,,,,,"
	print ",type,name,label::English (en),label::Español (es),required,relevant,constraint,calculation"
	for (i = 1; i <= n; i++) {
		m = i % 5
		rel = (i > 1 && i % 3 == 0) ? "${q" (i - 1) "} != 7" : ""
		if (m == 0)
			printf ",select_one yn,q%d,Question %d,Pregunta %d,yes,%s,,\n", i, i, i, rel
		else if (m == 1)
			printf ",text,q%d,Question %d,Pregunta %d,,%s,string-length(.) < 80,\n", i, i, i, rel
		else if (m == 4)
			printf ",calculate,q%d,,,,,,\"coalesce(${q%d}, 0) + 1\"\n", i, i - 1
		else
			printf ",integer,q%d,Question %d ${q%d},Pregunta %d,,%s,. >= 0 and . < 120,\n", i, i, (i > 1 ? i - 1 : 1), i, rel
	}
	print "choices,,,,,,,,"
	print ",list_name,name,label::English (en),label::Español (es),,,,"
	print ",yn,yes,Yes,Sí,,,,"
	print ",yn,no,No,No,,,,"
	print "settings,,,,,,,,"
	print ",form_id,version,form_title::English (en),form_title::Español (es),,,,"
	print ",bench,1,Bench,Banco,,,,"
	}' >"$2"
}
gen 10000 "$tmp/big.csv"
gen 200 "$tmp/small.csv"

"$tmp/bench_forms" load "$tmp/big.csv" >"$tmp/load" || exit 1
"$tmp/bench_forms" change "$tmp/small.csv" >"$tmp/change" || exit 1
q=$(awk '/^questions/ { print $2 }' "$tmp/load")
ms=$(awk '/^load_ms/ { print $2 }' "$tmp/load")
rss=$(awk '/^peak_rss_kib/ { printf "%.1f", $2 / 1024 }' "$tmp/load")
us=$(awk '/^change_us/ { print $2 }' "$tmp/change")
size=$(wc -c <"$tmp/big.csv")
echo "forms: load $q questions ($size bytes): $ms ms (target: well under 100 ms; pyxform about 11 s)"
echo "forms: peak RSS loading it 5 times: $rss MiB (target: under 50 MiB; pyxform about 415 MB)"
echo "forms: 200-question form, one change + every relevance and constraint: $us us (target: under 1000 us)"
if command -v /usr/bin/time >/dev/null; then
	/usr/bin/time -f "%e %M" -o "$tmp/t" "$top/build/kiosk" forms check "$tmp/big.csv" >/dev/null 2>&1
	awk '{ printf "forms: kiosk forms check on it, whole process: %.0f ms, %.1f MiB\n", $1 * 1000, $2 / 1024 }' "$tmp/t"
fi
