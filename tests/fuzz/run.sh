#!/bin/sh
# Run every libFuzzer harness tests/fuzz/fuzz_*.c for $1 seconds (default
# 60) under ASan and UBSan. `make fuzz` runs it for 300 s each; the test
# tests/forms/fuzz.t for a few seconds each.
#
# A harness names the kiosk sources it needs as kiosk/NAME.c words in its
# opening comment; with none, it is linked with every kiosk source but the
# main()s, main.c, print-main.c and speak-main.c. Seeds: tests/fuzz/seeds/NAME/ if
# present; fuzz_form also gets forms/, tests/data/forms/ and the
# conformance corpus (../shared), and fuzz_expr the expressions found in
# them. Working corpora and crash artefacts stay in build/fuzz/. Exits 1
# if any harness fails.
set -u
secs=${1:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
out=build/fuzz
mkdir -p "$out"
PKGS="ncursesw sqlite3 libsodium inih cairo pangocairo libqrencode fribidi libutf8proc xlsxwriter"
cflags=$(pkg-config --cflags $PKGS 2>/dev/null | sed 's/-D_XOPEN_SOURCE=600//; s/-D_DEFAULT_SOURCE//')
libs="$(pkg-config --libs $PKGS 2>/dev/null) $(cups-config --libs 2>/dev/null) -lm"
conf="$top/../shared/conformance/pyxform"
if ! command -v clang >/dev/null; then
	echo "fuzz: clang is not installed" >&2
	exit 1
fi
# Readable stacks, and suppressions (tests/lsan.supp) that name functions,
# need a symbolizer: tests/env.sh finds the one make deps installs.
. tests/env.sh
if [ ! -x "${ASAN_SYMBOLIZER_PATH:-}" ]; then
	echo "fuzz: llvm-symbolizer is not installed (package llvm-14; run make deps):" \
	    "stacks would be unreadable and tests/lsan.supp would match nothing" >&2
	exit 1
fi
failed=0
for h in tests/fuzz/fuzz_*.c; do
	name=$(basename "$h" .c)
	srcs=$(sed -n '1,/\*\//p' "$h" | grep -o 'kiosk/[a-z0-9_-]*\.c' | sort -u)
	[ -n "$srcs" ] || srcs=$(ls kiosk/*.c | grep -Ev '^kiosk/(print-|speak-)?main\.c$')
	echo "fuzz: building $name"
	# shellcheck disable=SC2086
	if ! clang -std=c11 -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -Ikiosk $cflags -o "$out/$name" \
	    "$h" $srcs $libs; then
		echo "fuzz: $name does not build" >&2
		failed=1
		continue
	fi
	corpus="$out/corpus-$name"
	seeds="$out/seeds-$name"
	rm -rf "$seeds"
	mkdir -p "$corpus" "$seeds"
	[ -d "tests/fuzz/seeds/$name" ] && cp -r "tests/fuzz/seeds/$name/." "$seeds/"
	case $name in
	fuzz_form)
		for f in forms/*.csv tests/data/forms/*; do
			[ -f "$f" ] && cp "$f" "$seeds/"
		done
		if [ -d "$conf" ]; then
			cp "$conf"/fixtures/* "$seeds/" 2>/dev/null
			ls "$conf"/inline/*.md | awk 'NR % 4 == 0' | xargs -r cp -t "$seeds/"
		fi ;;
	fuzz_expr)
		python3 - "$seeds" forms tests/data/forms "$conf" <<'PY'
import os, re, sys
out, seen = sys.argv[1], set()
for d in sys.argv[2:]:
    for root, _, files in os.walk(d):
        for fn in files:
            try:
                t = open(os.path.join(root, fn), encoding='utf-8').read()
            except Exception:
                continue
            for m in re.findall(r"[^|,\n]*(?:\$\{|\(|\bdiv\b)[^|,\n]*", t):
                m = m.strip().strip('"')
                if m and m not in seen and len(seen) < 600:
                    seen.add(m)
for i, e in enumerate(sorted(seen)):
    open(os.path.join(out, 'e%04d' % i), 'w').write(e + "\n12\nyes no\n3\n2024-01-01\n")
PY
		;;
	esac
	echo "fuzz: running $name for ${secs}s"
	if ! "$out/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=0 -artifact_prefix="$out/$name-" \
	    "$corpus" "$seeds" >"$out/$name.log" 2>&1; then
		echo "fuzz: $name FAILED; see $out/$name.log" >&2
		grep -E 'ERROR|SUMMARY|artifact' "$out/$name.log" | head -5 >&2
		failed=1
	else
		echo "fuzz: $name ok ($(grep -o 'cov: [0-9]*' "$out/$name.log" | tail -1))"
	fi
done
exit $failed
