#!/bin/sh
# make i18n: regenerate locales/kiosk.pot from the C sources, then merge it
# into every locales/<lang>.po. Form text is translated in the forms'
# label::Language (code) columns, not here.
set -e
cd "$(dirname "$0")/.."
xgettext --from-code=UTF-8 --language=C -k_ -kN_ -kngettext:1,2 \
    --add-comments=TRANSLATORS: --package-name=kiosk \
    --msgid-bugs-address= --no-location --sort-output \
    -o locales/kiosk.pot kiosk/*.c
# Drop the volatile creation date so the POT only changes when strings do.
sed -i '/^"POT-Creation-Date:/d' locales/kiosk.pot
for po in locales/*.po; do
	[ -e "$po" ] || continue
	msgmerge --quiet --update --backup=none --no-location --sort-output \
	    "$po" locales/kiosk.pot
done
echo "locales/kiosk.pot: $(grep -c '^msgid ' locales/kiosk.pot) strings"
