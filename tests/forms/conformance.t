#!/bin/sh
# Conformance with pyxform over ../shared/conformance/pyxform (never copied
# into the project). Prints TAP and the counts. See conformance.py.
. "$(dirname "$0")/../env.sh"
corpus="$KIOSK_TOP/../shared/conformance/pyxform"
if [ ! -d "$corpus" ]; then
	echo "1..0 # SKIP no conformance corpus at $corpus"
	exit 0
fi
exec python3 "$KIOSK_TOP/tests/forms/conformance.py" "$KIOSK" "$corpus" \
    "$KIOSK_TOP/tests/forms/conformance-known.tsv"
