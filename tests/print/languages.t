#!/bin/sh
# A ticket in each shipped language, printed through a private cupsd to the
# file-backed PDF queue: the job completes, pdftotext finds the claim code
# and the next-steps text, the page has the profile's width; PNGs of the
# Bengali and Arabic tickets go to tests/artifacts/ for a person to look at.
. "$(dirname "$0")/lib.sh"
start_cupsd
art=$KIOSK_TOP/tests/artifacts
mkdir -p "$art"

# Sample next steps, one per language (not the shipped forms' text).
steps() {
	case $1 in
	en) echo "Bring your passport and a utility bill to the office within 30 days." ;;
	es) echo "Traiga su pasaporte y una factura de luz a la oficina dentro de 30 días." ;;
	bn) echo "৩০ দিনের মধ্যে আপনার পাসপোর্ট এবং একটি বিদ্যুৎ বিল নিয়ে অফিসে আসুন। অপেক্ষা করুন।" ;;
	ar) echo "أحضر جواز سفرك وفاتورة كهرباء إلى المكتب خلال 30 يومًا." ;;
	ur) echo "30 دن کے اندر اپنا پاسپورٹ اور بجلی کا بل دفتر لے کر آئیں۔" ;;
	gu) echo "30 દિવસની અંદર તમારો પાસપોર્ટ અને વીજળીનું બિલ ઓફિસમાં લાવો." ;;
	tr) echo "Pasaportunuzu ve bir elektrik faturasını 30 gün içinde ofise getirin." ;;
	pl) echo "Przynieś paszport i rachunek za prąd do biura w ciągu 30 dni." ;;
	ht) echo "Pote paspò ou ak yon bòdwo elektrisite nan biwo a nan 30 jou." ;;
	esac
}
steps_en="Bring your passport and a utility bill to the office within 30 days."
claim=7KQ2-M9XD-4TRB

for lang in en es bn ar ur gu tr pl ht; do
	text=$(steps $lang)
	before=$(saved_jobs)
	out=$("$KIOSK" printer sample --lang "$lang" --claim "$claim" \
	    --next-steps "$text" --next-steps-en "$steps_en" \
	    --dest PDF --wait 20 2>&1)
	echo "$out" | grep -q '^printed$'
	ok $? "$lang: job completed on the PDF queue"
	[ "$(saved_jobs)" -eq $((before + 1)) ]
	ok $? "$lang: the listener saved exactly one job"
	pdf=$(newest_job)
	[ -n "$pdf" ] || pdf=/nonexistent
	pdftotext "$pdf" - 2>/dev/null | grep -q -- "$claim"
	ok $? "$lang: pdftotext finds the claim code"
	textcheck "$pdf" "$text"
	ok $? "$lang: pdftotext finds the next steps"
	if [ "$lang" != en ]; then
		textcheck "$pdf" "$steps_en"
		ok $? "$lang: the English next steps for staff are there too"
	fi
	w=$(page_mm "$pdf")
	[ "${w% *}" = 80.0 ]
	ok $? "$lang: page is 80 mm wide, as receipt-80mm says [$w mm]"
	case $lang in
	bn|ar|ur)
		pdftoppm -r 203 -png -singlefile "$pdf" "$art/ticket-$lang"
		ok $? "$lang: PNG kept as tests/artifacts/ticket-$lang.png"
		;;
	esac
done

# The service name shows only when asked; the other profiles' widths.
"$KIOSK" printer sample --lang en --claim "$claim" --out "$CUPSDIR/s.pdf" \
    --service "Municipal ID pre-screen"
pdftotext "$CUPSDIR/s.pdf" - | grep -q "Municipal ID pre-screen"
ok $? "service name shown when the form asks for it"
"$KIOSK" printer sample --lang en --claim "$claim" --out "$CUPSDIR/n.pdf"
! pdftotext "$CUPSDIR/n.pdf" - | grep -q "Municipal ID"
ok $? "no service name otherwise"
for p in receipt-58mm:58.0 a4:210.0 letter:215.9; do
	"$KIOSK" printer sample --lang bn --profile "${p%%:*}" \
	    --next-steps "$(steps bn)" --out "$CUPSDIR/p.pdf"
	w=$(page_mm "$CUPSDIR/p.pdf")
	[ "${w% *}" = "${p#*:}" ]
	ok $? "${p%%:*}: page width ${p#*:} mm [$w mm]"
done
pdftoppm -r 100 -png -singlefile "$CUPSDIR/p.pdf" "$art/ticket-bn-letter"

done_testing
