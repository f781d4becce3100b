#!/bin/sh
# Numbers inside right-to-left text on the ticket keep their order: a phone
# number "(973) 555-0104", a date and the ticket's own date were laid out
# as "0104-555 (973)" and "02-12-2026" on the Arabic and Urdu tickets.
# The words' positions on the page (pdftotext -bbox) and the -raw text
# show the parts left to right.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# x of the first word on the page matching an extended regex
word_x() {
	pdftotext -bbox "$1" - 2>/dev/null | grep -E ">$2</word>" | head -1 |
	    sed -E 's/.*xMin="([0-9.]+)".*/\1/'
}

for lang in ar ur; do
	case $lang in
	ar) steps="اتصل بنا على (973) 555-0104 قبل 2027-01-20." ;;
	ur) steps="ہمیں (973) 555-0104 پر 2027-01-20 سے پہلے فون کریں۔" ;;
	esac
	pdf=$tmp/$lang.pdf
	"$KIOSK" printer sample --lang $lang --claim 7KQ2-M9XD-4TRB \
	    --next-steps "$steps" --out "$pdf" >/dev/null 2>&1
	ok $? "$lang: the ticket renders"
	pdftotext -raw "$pdf" - 2>/dev/null | grep -q -- '(973) 555-0104'
	ok $? "$lang: pdftotext -raw reads the phone number in order"
	a=$(word_x "$pdf" '\(973\)')
	b=$(word_x "$pdf" '555-0104')
	[ -n "$a" ] && [ -n "$b" ] && awk "BEGIN { exit !($a < $b) }"
	ok $? "$lang: (973) is left of 555-0104 on the page [$a < $b]"
	pdftotext -raw "$pdf" - 2>/dev/null | grep -q -- '2027-01-20'
	ok $? "$lang: a date in the text keeps its order"
	pdftotext -bbox "$pdf" - 2>/dev/null |
	    grep -qE '>20[0-9][0-9]-[01][0-9]-[0-3][0-9]</word>'
	ok $? "$lang: the ticket's date reads year-month-day"
	pdftotext -bbox "$pdf" - 2>/dev/null |
	    grep -qE '>[0-3][0-9]-[01][0-9]-20[0-9][0-9]\.?</word>'
	[ $? -ne 0 ]
	ok $? "$lang: no date is reversed"
done
done_testing
