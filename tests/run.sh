#!/bin/sh
# Run every test once through prove (TAP). Called by `make check`.
# Unit tests are compiled programs in build/tests; the rest are executable
# scripts tests/<area>/*.t. Environment for all of them:
#   KIOSK       the binary under test (build/kiosk)
#   KIOSK_TOP   the checkout
#   LOCPATH     a private en_US.UTF-8 locale, so tests never depend on the
#               machine's generated locales
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
. tests/env.sh
units=$(ls build/tests/t_* 2>/dev/null)
scripts=$(ls tests/*/*.t 2>/dev/null)
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
exec prove -e '' $units $scripts
