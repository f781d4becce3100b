#!/bin/sh
# kiosk report counts choice codes as the form names them, reading the
# CSV files kiosk open wrote: a code a spreadsheet could evaluate ("-99",
# the usual "do not know") is written '-99 there and must still count as
# -99, not as "(other)"; and a select_multiple answer longer than 63
# bytes (several long codes) is read whole, so its last codes count and a
# code cut short never counts as a shorter one. A code that names two
# choices (allow_choice_duplicates: the same town in two districts) is
# one answer, counted once.
. "$(dirname "$0")/../batch/lib.sh"
fill_kiosk k1 "$T/k1"
mkdir -p "$T/fi"
cat > "$T/fi/codes.csv" <<'F'
survey,,,
,type,name,label
,select_one l,q,Q
,select_multiple w,m,M
,select_one t,town,Town
choices,,,
,list_name,name,label
,l,-99,Do not know
,l,1,One
,w,housing_assistance_request_for_families,Housing
,w,immigration_status_help,Immigration
,w,immigration_status_help_urgent,Immigration (urgent)
,w,ab,AB
,t,springfield,Springfield (north)
,t,springfield,Springfield (south)
,t,shelbyville,Shelbyville
settings,,,
,form_id,version,allow_choice_duplicates
,codes,1,yes
F
for i in 1 2 3 4 5 6; do
	printf 'q=-99\nm=housing_assistance_request_for_families immigration_status_help_urgent\ntown=springfield\n' |
	    "$KIOSK" forms fill "$T/fi/codes.csv" --test-submit "$FILL_INI" \
	    >>"$T/fill" 2>&1 || break
done
ok $? "six visits"
"$KIOSK" export --config "$FILL_INI" --to "$T/stick" >/dev/null 2>&1 &&
"$KIOSK" open $KEY --out "$T/o" --forms "$T/fi" "$T/stick/k1-1.kib" \
    >/dev/null 2>&1
ok $? "exported and opened"
grep -q "'-99" "$T/o/codes-v1.csv"
ok $? "the office CSV guards -99 as '-99"
"$KIOSK" report --in "$T/o" --form "$T/fi/codes.csv" --out "$T/r" \
    --questions q,m,town --no-pdf >"$T/out" 2>&1
ok $? "kiosk report"
r=$(cat "$T"/r/taskforce-*.csv | tr -d '\r')
echo "$r" | sed 's/^/# /'
row() { echo "$r" | grep -q "^[0-9-]*,$1,[^,]*,$2,.*,$3\$"; }
echo "$r" | grep -q '^[0-9-]*,q,Q,[^,]*-99[^,]*,Do not know,6$'
ok $? "six counted as -99"
row q '(other)' 0
ok $? "none as another answer"
row m immigration_status_help_urgent 6
ok $? "the last code of a long select_multiple answer counts"
row m immigration_status_help 0
ok $? "a code cut short never counts as a shorter one"
n_town=$(echo "$r" | grep '^[0-9-]*,town,Town,springfield,' | cut -d, -f6 |
    paste -sd+ | bc)
is "$n_town" 6 "six in Springfield, counted once each (in the first choice of that code)"
done_testing
