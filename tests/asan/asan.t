#!/bin/sh
# The ASan/UBSan build (make asan): every unit test, then six tmux
# tests with the sanitized binary. Any sanitizer
# report fails the test; reports are kept in build-asan/reports/.
. "$(dirname "$0")/../env.sh"
cd "$KIOSK_TOP" || exit 1
reports="$KIOSK_TOP/build-asan/reports"
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$KIOSK_TOP/tests/lsan.supp:print_suppressions=0"
n=0
fail=0
for t in build-asan/tests/t_*; do
	[ -x "$t" ] || continue
	n=$((n + 1))
	if "$t" >/dev/null 2>&1; then
		echo "ok $n - $(basename "$t") under ASan/UBSan"
	else
		echo "not ok $n - $(basename "$t") under ASan/UBSan"
		fail=1
	fi
done
# The end-to-end session, export and open; the forms engine's repeats
# (removing one) and or_other; a protected kiosk key at the staff menu;
# the Listen key with the sanitized speech helper beside the kiosk; a
# repeat inside a repeat (add, remove, Back, edit from the review, the
# office's CSV) and the line that says where a page stands in them.
for s in tui/session tui/engine tui/protect speech/listen-form tui/nested \
    tui/where; do
	n=$((n + 1))
	o="$reports/$(basename "$s").out"
	if KIOSK="$KIOSK_TOP/build-asan/kiosk" python3 tests/$s.t \
	    > "$o" 2>&1; then
		echo "ok $n - tests/$s.t under ASan/UBSan"
	else
		echo "not ok $n - tests/$s.t under ASan/UBSan"
		sed 's/^/#   /' "$o" | grep -v '^#   ok' | head -40
		fail=1
	fi
done
n=$((n + 1))
if ls "$reports"/asan.* "$reports"/ubsan.* >/dev/null 2>&1; then
	echo "not ok $n - no sanitizer reports"
	for f in "$reports"/asan.* "$reports"/ubsan.*; do
		[ -f "$f" ] && sed 's/^/#   /' "$f" | head -30
	done
	fail=1
else
	echo "ok $n - no sanitizer reports"
fi
echo "1..$n"
exit $fail
