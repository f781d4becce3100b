#!/bin/sh
# make bench: every benchmark, each figure beside its reference measured in
# the same run. Benchmarks print; they never fail the build.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/env.sh
for b in tests/bench/bench_*; do
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	"$b" || echo "   (benchmark $b failed)"
	echo
done
