# Sourced by tests/run.sh and by each shell test: a private UTF-8 locale and
# the paths of the binary under test. Safe to source twice.
: "${KIOSK_TOP:=$(cd "$(dirname "$0")/../.." 2>/dev/null && pwd)}"
[ -f "$KIOSK_TOP/Makefile" ] || KIOSK_TOP=$(pwd)
export KIOSK_TOP
: "${KIOSK:=$KIOSK_TOP/build/kiosk}"
export KIOSK
if [ ! -d "$KIOSK_TOP/build/testlocale/en_US.UTF-8" ]; then
	mkdir -p "$KIOSK_TOP/build/testlocale"
	localedef -i en_US -f UTF-8 "$KIOSK_TOP/build/testlocale/en_US.UTF-8" \
	    >/dev/null 2>&1
fi
export LOCPATH="$KIOSK_TOP/build/testlocale"
export LANG=en_US.UTF-8
unset LC_ALL LANGUAGE
# ASan and LeakSanitizer name the functions in their stacks only with a
# symbolizer (package llvm-14, from make deps); without one, the suppressions
# in tests/lsan.supp, which name functions, match nothing.
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && [ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]; then
	export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
fi
# One-off allocations of system libraries at load time (see tests/lsan.supp).
export LSAN_OPTIONS="suppressions=$KIOSK_TOP/tests/lsan.supp:print_suppressions=0"
