#!/bin/sh
# kiosk report: a generated month of incident reports. The counts match;
# counts under k are "fewer than k"; a lone small cell of a question whose
# answers add up to a shown total takes another with it ("hidden"); a
# month of fewer than k reports shows no count; no free text, name,
# phone or claim code anywhere in the CSV or the PDF (pdftotext).
. "$(dirname "$0")/../batch/lib.sh"
F="$KIOSK_TOP/forms/incident-report.csv"
make_office "$T/office"
make_kiosk k1 "$T/k1" "$T/office/office.pub"
mkdir -p "$T/k1" "$T/stick" && chmod 700 "$T/k1"
fill() {	# fill LANG ANSWERS
	printf "$2" | "$KIOSK" forms fill "$F" --lang "$1" \
	    --test-submit "$T/k1.ini" >>"$T/fill" 2>&1 || echo "fill failed: $2" >>"$T/bad"
}
bias() {	# bias DATE SETTING WANTS [extra]
	fill en "report_type=bias\ndanger_now=no\nincident_date=$1\nsetting=$2\nwhat_happened=words threats\nwants=$3\n$4"
}
# January 2026: 12 discrimination reports, 6 enforcement reports.
for i in 1 2 3 4 5 6 7; do bias 2026-01-0$i work count_only 'follow_up=no\n'; done
for i in 1 2 3; do bias 2026-01-1$i housing count_only 'description=Secret words Xyzzy by the landlord\nfollow_up=no\n'; done
bias 2026-01-20 school lawyer 'follow_up=yes\ncontact_method=call\nphone=(973) 555-0142\nfirst_name=Fatimah\nvoicemail_ok=no\n'
bias 2026-01-21 school count_only 'follow_up=no\n'
for i in 1 2 3 4 5 6; do
	fill es "report_type=enforcement\nobserved_date=2026-01-2$i\ntime_band=morning\nstill_happening=no\ncross_streets=Main Ave and Quuxly St\nmarkings=ice\nfollow_up=no\n"
done
# February 2026: 3 reports only.
for i in 1 2 3; do bias 2026-02-0$i work count_only 'follow_up=no\n'; done
ok "$([ ! -s "$T/bad" ]; echo $?)" "21 incident reports submitted"
cat "$T/bad" 2>/dev/null | sed 's/^/# /'
"$KIOSK" export --config "$T/k1.ini" --to "$T/stick" >/dev/null 2>&1
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --out "$T/opened" --forms "$KIOSK_TOP/forms" "$T/stick/k1-1.kib" >/dev/null 2>&1
ok $? "export and open"

"$KIOSK" report --in "$T/opened" --form "$F" --out "$T/rep" >"$T/out" 2>"$T/err"
ok $? "kiosk report"
sed 's/^/# /' "$T/err"
ok "$([ -f "$T/rep/taskforce-2026-01.csv" ] && [ -f "$T/rep/taskforce-2026-01.pdf" ] &&
    [ -f "$T/rep/taskforce-2026-02.csv" ] && [ -f "$T/rep/taskforce-2026-02.pdf" ]; echo $?)" \
    "a CSV and a PDF for each month"
c() {	# c MONTH QUESTION ANSWER: the count cell
	tr -d '\r' < "$T/rep/taskforce-$1.csv" | awk -F, -v q="$2" -v a="$3" \
	    '$2 == q && $4 == a { print $NF }'
}
is "$(tr -d '\r' < "$T/rep/taskforce-2026-01.csv" | awk -F, '$2 == "reports" { print $NF }')" 18 \
    "January: 18 reports"
is "$(c 2026-01 report_type bias)" 12 "12 discrimination reports"
is "$(c 2026-01 report_type enforcement)" 6 "6 enforcement reports"
is "$(c 2026-01 setting work)" 7 "7 at work"
is "$(c 2026-01 setting housing)" "fewer than 5" "3 about housing: fewer than 5"
is "$(c 2026-01 setting school)" "fewer than 5" "2 at school: fewer than 5"
is "$(c 2026-01 setting '(asked)')" 12 "setting asked of the 12"
is "$(c 2026-01 what_happened words)" 12 "select_multiple: 12 chose words"
is "$(c 2026-01 wants count_only)" hidden \
    "11 just count it: hidden with the lone small cell (complementary)"
is "$(c 2026-01 wants lawyer)" "fewer than 5" "1 wants a lawyer: fewer than 5"
is "$(c 2026-01 markings ice)" 6 "6 saw ICE markings"
is "$(tr -d '\r' < "$T/rep/taskforce-2026-02.csv" | awk -F, '$2 == "reports" { print $NF }')" \
    "fewer than 5" "February: fewer than 5 reports, no count"
is "$(c 2026-02 setting work)" "fewer than 5" "and none of its cells"
"$KIOSK" report --in "$T/opened" --form "$F" --out "$T/rep7" --k 7 --month 2026-01 \
    --no-pdf >/dev/null 2>&1
is "$(tr -d '\r' < "$T/rep7/taskforce-2026-01.csv" | awk -F, '$2 == "report_type" && $4 == "bias" { print $NF }')" \
    "hidden" "--k 7: 12 hidden with the 6 (they add up to the 18 shown)"
is "$(tr -d '\r' < "$T/rep7/taskforce-2026-01.csv" | awk -F, '$2 == "setting" && $4 == "work" { print $NF }')" \
    hidden "--k 7: 3 + 2 hidden add up to less than 7, so 7 at work is hidden too"
is "$(tr -d '\r' < "$T/rep7/taskforce-2026-01.csv" | awk -F, '$2 == "report_type" && $4 == "enforcement" { print $NF }')" \
    "fewer than 7" "--k 7: 6 is fewer than 7"

if command -v pdftotext >/dev/null; then
	pdftotext "$T/rep/taskforce-2026-01.pdf" "$T/jan.txt"
	is "$(pdfinfo "$T/rep/taskforce-2026-01.pdf" | awk '/^Pages:/ { print $2 }')" 1 \
	    "the PDF is one page"
	grep -q "Taskforce report: 2026-01" "$T/jan.txt"; ok $? "the PDF has its title"
	grep -q "At work" "$T/jan.txt" && grep -q "fewer than 5" "$T/jan.txt"
	ok $? "labels and suppressed counts in the PDF"
else
	skip "no pdftotext"; skip "no pdftotext"; skip "no pdftotext"
fi
# Nothing identifying anywhere in what the report wrote.
cat "$T/rep"/*.csv "$T/jan.txt" 2>/dev/null > "$T/all"
for s in Xyzzy Quuxly Fatimah 555-0142 9735550142 FILL- k1/; do
	if grep -q -- "$s" "$T/all"; then echo "# found $s"; echo x; fi
done > "$T/found"
is "$(grep -c '^x' "$T/found")" 0 "no free text, name, phone, claim code or key in the report"
sed 's/^/# /' "$T/found" | grep -v '^# x'
grep -q "Xyzzy" "$T/opened"/incident_report-v*.csv
ok $? "(the free text is in the opened files, so the test could fail)"
[ -n "$KEEP" ] && cp "$T/rep/taskforce-2026-01.pdf" "$KEEP"
done_testing
