#!/bin/sh
# The malformed-record corpus (issue 13, item 8): what an enrolled but
# hostile or broken kiosk can put inside its seal. Invalid UTF-8 never
# reaches the output (U+FFFD, with a warning; every JSONL line parses);
# impossible dates and bad form ids reject the batch with the record
# named; cells a spreadsheet could evaluate are neutralised also after
# white space and in full-width forms; a batch that follows one the
# office never opened is noted.
. "$(dirname "$0")/lib.sh"

make_office "$T/office"
L="$T/L.db"
kiosk() {	# kiosk NAME: made, enrolled
	make_kiosk "$1" "$T/d-$1" "$T/office/office.pub"
	enrol_kiosk "$1" "$L"
}
sub() {	# sub NAME ARGS...: one submission with ARGS
	k=$1; shift
	"$KIOSK" export --config "$T/$k.ini" --test-submit 1 "$@" > /dev/null
}
batch() { "$KIOSK" export --config "$T/$1.ini" --to "$T/stick" 2>/dev/null; }
opn() { "$KIOSK" open $KEY --ledger "$L" --out "$T/o" "$@" > "$T/out" 2> "$T/err"; }
mkdir -p "$T/stick"

# 1. Invalid UTF-8 in answers.
kiosk u8
sub u8 --test-answer "$(printf 'ok \377 \300\200 \355\240\200 end')"
sub u8 --test-answer "$(printf 'caf\303\251')"
opn "$(batch u8)"; is $? 0 "a batch with invalid UTF-8 in an answer opens"
grep -q "WARNING: submission 1 of kiosk \"u8\" held .* not UTF-8" "$T/err"
ok $? "with a warning naming the submission"
python3 - "$T/o/selftest.jsonl" "$T/o/selftest-v1.csv" > "$T/py" 2>&1 <<'PY'
import csv, json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
list(csv.reader(open(sys.argv[2], encoding="utf-8-sig", newline="")))
print(rows[0]['answers']['answer'])
print(rows[1]['answers']['answer'])
PY
ok $? "every JSONL line parses and the CSV is UTF-8 (python)"
is "$(sed -n 1p "$T/py")" "ok � �� ��� end" "each bad byte became U+FFFD"
is "$(sed -n 2p "$T/py")" "café" "valid UTF-8 is kept as it is"

# 2. Cells a spreadsheet would evaluate.
kiosk fm
for a in ' =1+1' "$(printf '\n=cmd')" '＝1+1' "$(printf '\343\200\200=1')" \
    '+1' '@SUM(A1)' '－1' 'plain'; do
	sub fm --test-form fm --test-answer "$a"
done
opn "$(batch fm)"; is $? 0 "formula-like answers open"
python3 - "$T/o/fm-v1.csv" > "$T/py" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
for r in rows:
    print(repr(r['answer']))
PY
is "$(grep -c "^\"'" "$T/py")" 7 "seven risky cells start with '"
is "$(tail -n 1 "$T/py")" "'plain'" "a plain one is left alone"
is "$(sed -n 1p "$T/py")" "\"' =1+1\"" "after a leading space"
is "$(sed -n 2p "$T/py")" "\"'\\n=cmd\"" "after a newline"
is "$(sed -n 3p "$T/py")" "\"'＝1+1\"" "in full width"
is "$(sed -n 4p "$T/py")" "\"'\\u3000=1\"" "after an ideographic space"

# 3. Impossible dates and bad form ids reject the batch, naming the record.
for d in 2024-13-45 0000-00-00 2023-02-29; do
	k=dt$(echo "$d" | tr -d -)
	kiosk "$k"
	sub "$k" --test-date "$d"
	opn "$(batch "$k")"
	is $? 1 "date $d: rejected"
	grep -q "rejected (record): record 1: its date is not a real calendar date" "$T/err"
	ok $? "date $d: the record and the reason are named"
done
kiosk leap
sub leap --test-date 2024-02-29
opn "$(batch leap)"; is $? 0 "2024-02-29 is a real date"
kiosk ctl
sub ctl --test-form "$(printf 'a\001b')"
opn "$(batch ctl)"; is $? 1 "a form id with a control character: rejected"
grep -q "record 1: its form id" "$T/err"; ok $? "naming the record"
kiosk lng
sub lng --test-form "$(printf 'f%.0s' $(seq 256))"
opn "$(batch lng)"; is $? 1 "a form id over 255 bytes: rejected"

# 4. A batch after one the office never opened (a lost stick): noted.
kiosk pv
sub pv; opn "$(batch pv)"
sub pv; batch pv > /dev/null		# batch 2: never reaches the office
sub pv; opn "$(batch pv)"
is $? 0 "batch 3 opens (cumulative: it carries 2's records too)"
grep -q "batch 3 of kiosk \"pv\" follows a batch this office has not opened" "$T/err"
ok $? "and the office notes the batch it never saw"
done_testing
