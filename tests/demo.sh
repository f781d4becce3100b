#!/bin/sh
# make demo: run the kiosk full-screen on a throwaway set-up in ./demo
# (git-ignored): a demo office key made on first run, the forms in forms/,
# tickets saved as PDF files in demo/tickets. In demo mode only, Q on the
# language screen quits.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tests/env.sh
D="$top/demo"
mkdir -p "$D/office"
chmod 700 "$D"
pass="$D/office/passphrase.txt"
if [ ! -f "$pass" ]; then
	echo "demo passphrase - never use for real data" > "$pass"
	chmod 600 "$pass"
fi
if [ ! -f "$D/office/office.pub" ]; then
	echo "Making a demo office key in demo/office (this takes a second)..."
	"$KIOSK" keygen --out "$D/office" --passphrase-file "$pass"
fi
langs=""
for l in en es bn ar ur gu tr pl ht; do
	if [ "$l" = en ] || [ -f "locales/$l.po" ]; then langs="$langs $l"; fi
done
# The config is written anew each time (so a newer demo's settings apply),
# but the PINs set with `kiosk pin set` ([staff], [volunteers]) are kept.
pins=""
if [ -f "$D/kiosk.ini" ]; then
	pins=$(awk '/^\[/ { keep = ($0 == "[staff]" || $0 == "[volunteers]") }
	    keep' "$D/kiosk.ini")
fi
mkdir -p "$D/usb"
cat > "$D/kiosk.ini.tmp" <<INI
; Demo configuration, written by make demo. Not for real use.
; PINs: build/kiosk pin set staff --config demo/kiosk.ini (kept across runs)
[kiosk]
name = demo
data_dir = data
forms_dir = ../forms
locale_dir = ../build/locale
languages =$langs
idle_timeout = 120
demo = yes
; Demo only: this folder stands in for a USB stick in the staff menu.
demo_stick = usb

[office]
public_key = office/office.pub
name = Office of Immigrant Affairs (demo)
address = City Hall, 330 Passaic Street, Passaic, NJ (demo address)
hours = Monday to Friday, 9:00 to 17:00 (demo hours)

[printer]
save_dir = tickets
profiles_dir = ../printers
profile = receipt-80mm

[audio]
; F3 reads the screen aloud where the machine has a sound device
; (build/kiosk audio status --config demo/kiosk.ini says whether it does).
enabled = yes
INI
if [ -n "$pins" ]; then
	printf '\n%s\n' "$pins" >> "$D/kiosk.ini.tmp"
fi
mv "$D/kiosk.ini.tmp" "$D/kiosk.ini"
if [ ! -t 0 ] || [ ! -t 1 ]; then
	echo "make demo needs a terminal: run it from a terminal window." >&2
	exit 1
fi
"$KIOSK" run --config "$D/kiosk.ini" || true
if grep -q '^\[staff\]' "$D/kiosk.ini"; then
	staff="a staff PIN is set (F9 on the language screen opens the staff menu)"
else
	staff="no staff PIN is set yet, so F9 cannot open the staff menu"
fi
cat <<TXT

The demo kiosk has stopped. What was entered is sealed to the demo office
key in demo/data; the kiosk itself cannot read it. To do what staff do, run
these from this folder ($top):

  1. Export to the demo "USB stick", the folder demo/usb:
       build/kiosk export --config demo/kiosk.ini --to demo/usb
  2. At the office, open the batch into CSV, JSON Lines and a workbook:
       build/kiosk open --key demo/office/office.key \\
           --passphrase-file demo/office/passphrase.txt --forms forms \\
           --xlsx --out demo/office/opened demo/usb/*.kib
     then look at demo/office/opened/*.csv and opened-*.xlsx
  3. Carry the signed acknowledgement back, so the kiosk deletes what the
     office received:
       cp demo/office/opened/*.ack demo/usb/
       build/kiosk export --config demo/kiosk.ini --to demo/usb

Staff menu: $staff. PINs are kept when you run make demo again:
       build/kiosk pin set staff --config demo/kiosk.ini
       build/kiosk pin set volunteer 1 --config demo/kiosk.ini
In the demo, the staff menu exports to demo/usb too (a real kiosk exports
only to a mounted USB stick).

The demo passphrase is: $(cat "$pass")
Tickets saved as PDF files are in demo/tickets. Remove everything with:
  rm -rf demo
TXT
