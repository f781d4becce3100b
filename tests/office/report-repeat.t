#!/bin/sh
# kiosk report counts the answers of the submission file (one row per
# submission); a choice question inside a repeat (each household member's
# sex) is not in that file. Asked for with --questions, it is refused with
# its repeat named, never reported as "asked in 0 reports" (it was asked
# of every member).
. "$(dirname "$0")/../batch/lib.sh"
DF="$KIOSK_TOP/tests/forms/data"
fill_kiosk k1 "$T/k1"
mkdir -p "$T/fi"
cp "$DF/household-survey.csv" "$DF/districts.csv" "$T/fi/"
for i in 1 2 3 4 5 6; do
	printf 'consent=yes\nhh_size=2\ndistrict=south\nage[1]=41\nsex[1]=female\nage[2]=3\nsex[2]=male\nhh/comments=none\nvaccinated=yes\n' |
	    "$KIOSK" forms fill "$T/fi/household-survey.csv" \
	    --test-submit "$FILL_INI" >>"$T/fill" 2>&1 || break
done
ok $? "six households"
"$KIOSK" export --config "$FILL_INI" --to "$T/stick" >/dev/null 2>&1 &&
"$KIOSK" open $KEY --out "$T/o" --forms "$T/fi" "$T/stick/k1-1.kib" \
    >/dev/null 2>&1
ok $? "exported and opened"
"$KIOSK" report --in "$T/o" --form "$T/fi/household-survey.csv" \
    --out "$T/r1" --questions district --no-pdf >"$T/out" 2>&1
ok $? "a question of the submission is counted"
grep -q '^[0-9-]*,district,District,south,South district,6' \
    "$T"/r1/taskforce-*.csv
ok $? "six in the south"
"$KIOSK" report --in "$T/o" --form "$T/fi/household-survey.csv" \
    --out "$T/r2" --questions district,sex --no-pdf >"$T/out" 2>&1
is $? 1 "a question inside a repeat is refused"
grep -q '"sex" is inside the repeat "member"' "$T/out"
ok $? "naming the question and its repeat"
sed 's/^/# /' "$T/out"
ls "$T/r2" 2>/dev/null | grep -q taskforce
ok $((! $?)) "and no report is written"
done_testing
