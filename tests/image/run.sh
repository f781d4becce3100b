#!/bin/sh
# make image-check: boot build/image/kiosk.img in QEMU and use it as a
# library would (tests/image/check.py). Not in make check: it needs root, an
# image (make image) and minutes.
. "$(dirname "$0")/../env.sh"
exec python3 "$KIOSK_TOP/tests/image/check.py" "${KIOSK_IMAGE:-$KIOSK_TOP/build/image/kiosk.img}"
