#!/bin/sh
# Every libFuzzer harness for a short, bounded time under ASan/UBSan
# (tests/fuzz/run.sh; `make fuzz` runs them longer). KIOSK_FUZZ_SECS
# overrides the 15 s per harness.
. "$(dirname "$0")/../env.sh"
if ! command -v clang >/dev/null; then
	echo "1..0 # SKIP clang is not installed"
	exit 0
fi
log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT
if sh "$KIOSK_TOP/tests/fuzz/run.sh" "${KIOSK_FUZZ_SECS:-15}" >"$log" 2>&1; then
	echo "ok 1 - every fuzz harness ran without a crash, hang or leak"
	sed 's/^/# /' "$log"
else
	echo "not ok 1 - a fuzz harness failed"
	sed 's/^/# /' "$log" >&2	# on stderr, so prove shows why
fi
echo "1..1"
