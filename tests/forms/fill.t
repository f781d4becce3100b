#!/bin/sh
# kiosk forms fill and kiosk forms check, end to end on the real binary.
. "$(dirname "$0")/../env.sh"
d="$KIOSK_TOP/tests/data/forms"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
t() {	# t DESCRIPTION COMMAND...: ok if COMMAND succeeds
	n=$((n + 1))
	desc=$1
	shift
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		fails=$((fails + 1))
		sed 's/^/# /' "$tmp/out" "$tmp/err" 2>/dev/null
	fi
}
fill() {	# fill ARGS... < input: runs kiosk forms fill, keeps out, err, rc
	"$KIOSK" forms fill "$@" >"$tmp/out" 2>"$tmp/err"
	echo $? >"$tmp/rc"
}
rc() { [ "$(cat "$tmp/rc")" = "$1" ]; }
has() { grep -qF -- "$2" "$tmp/$1"; }

printf 'first_name=Ana\nage=34\nhas_kids=no\nneeds=food legal\n' |
    fill "$d/intake.csv"
t "fill: a complete intake exits 0" rc 0
t "fill: the submission is one JSON object" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["first_name"] == "Ana" and d["age"] == "34", d
assert d["adult"] == "yes", d          # calculation
assert d["kids"] == "", d              # not relevant: dropped
assert d["needs"] == "food legal" and d["needs/food"] == "1" and \
    d["needs/housing"] == "0" and d["needs/legal"] == "1", d
' "$tmp/out"
t "fill: nothing on stderr" test ! -s "$tmp/err"

printf 'first_name=Ana\nage=300\nhas_kids=yes\n' | fill "$d/intake.csv" --lang es
t "fill: violations exit 1" rc 1
t "fill: constraint message in Spanish" has err "age: La edad debe ser de 0 a 129"
t "fill: relevant and required" has err "kids: This answer is required."
t "fill: nothing on stdout" test ! -s "$tmp/out"

printf 'first_name=Ana\nage=30\nhas_kids=yes\nkids=2\nnosuch=1\n' | fill "$d/intake.csv"
t "fill: an unknown question is an error" rc 1
t "fill: names it" has err 'no question "nosuch"'

printf 'first_name=Ana\nage=30\nhas_kids=yes\nkids=2\ndob=2999-01-01\n' | fill "$d/intake.csv"
t "fill: constraint with today()" rc 1
t "fill: generic constraint message" has err "dob: This answer is not allowed."

# Phone numbers (text with appearance "numbers") arrive in one form: the
# five ways residents typed them all become digits (issue 15).
mid="$KIOSK_TOP/forms/municipal-id.csv"
for p in '(973) 555-0123' '973.555.0123' '973-555-0123' '973 555 0123' '9735550123'; do
	printf 'age_band=18_64\nlives_in_city=yes\nid_docs=passport\nres_docs=lease\nmail_safe=no\nappointment_window=saturday\ncontact_method=call\nphone=%s\nfirst_name=Ana\n' "$p" |
	    fill "$mid"
	t "fill: phone \"$p\" is stored as 9735550123" has out '"phone": "9735550123"'
done
printf 'age_band=18_64\nlives_in_city=yes\nid_docs=passport\nres_docs=lease\nmail_safe=no\nappointment_window=saturday\ncontact_method=call\nphone=+1 (973) 555-0123\nfirst_name=Ana\n' |
    fill "$mid"
t "fill: a leading + is kept" has out '"phone": "+19735550123"'
printf 'age_band=18_64\nlives_in_city=yes\nid_docs=passport\nres_docs=lease\nmail_safe=no\nappointment_window=saturday\ncontact_method=call\nphone=call me\nfirst_name=Ana\n' |
    fill "$mid"
t "fill: words in a phone number are refused by the constraint" rc 1

printf 'age=x\n' | fill "$d/intake.csv" --lang zz
t "fill: an unknown language is an error" rc 1

"$KIOSK" forms check "$d/bad.csv" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"
t "check: a bad form exits 1" rc 1
t "check: unknown type, with file, sheet, row, column" has out \
    "bad.csv: sheet survey, row 4, column type: unknown type \"txet\""
t "check: missing choice list" has out 'no choice list named "nolist"'
t "check: unknown reference" has out 'row 6, column constraint: position 5: there is no question named "zz"'
t "check: syntax error with position" has out "row 7, column constraint: position 7: expected ')'"
t "check: duplicate name" has out 'the name "a" is used twice'
t "check: not supported" has out '"geopoint" is not supported at a kiosk'
t "check: every problem, one line each" test "$(grep -c 'bad.csv: sheet' "$tmp/out")" -ge 6

"$KIOSK" forms check "$d/intake.csv" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"
t "check: a good form exits 0" rc 0

"$KIOSK" forms check "$KIOSK_TOP/forms" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"
t "check: every shipped form in forms/ is valid" rc 0

"$KIOSK" forms dump "$d/intake.csv" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"
t "dump: prints the sheets as JSON" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["sheet_names"] == ["survey", "choices", "settings"], d
assert d["survey"][0]["name"] == "first_name", d
assert d["survey"][0]["hint::English (en)"] == "As on your ID, \"exactly\"", d
' "$tmp/out"
# Issue 16: the silent logic faults, end to end.
fd="$KIOSK_TOP/tests/forms/data"
printf 'age[1]=12\nage[2]=30\nage[3]=7\ncounty=passaic\ncity=clifton\n' |
    fill "$fd/faults.csv"
t "fill: max() and min() over a repeat use every member" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["oldest"] == "30" and d["youngest"] == "7", d
' "$tmp/out"
printf 'age[1]=3\nage[2]=30\nage[3]=12\ncounty=passaic\ncity=clifton\n' |
    fill "$fd/faults.csv"
t "fill: the order of the members does not matter" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["oldest"] == "30" and d["youngest"] == "3", d
' "$tmp/out"
printf 'age[1]=1\nage[2]=2\nage[3]=3\nage[4]=4\nage[5]=5\ncounty=passaic\ncity=clifton\n' |
    fill "$fd/faults.csv"
t "fill: a required note that is shown blocks" rc 1
t "fill: with its required_message" has err "stop: Please see a volunteer."
printf 'age[1]=12\ncounty=bergen\ncity=paterson\n' | fill "$fd/faults.csv"
t "fill: choice_filter is enforced" rc 1
t "fill: a city of another county is not allowed" has err "city: This answer is not allowed."
printf 'age[1]=12\ncity=paterson\ncounty=bergen\n' | fill "$fd/faults.csv"
t "fill: a stale answer is cleared when its parent changes" has err \
    "city: This answer is required. (a later answer changed its choice_filter"

# Issue 16: a form built like a real survey (groups reusing names,
# metadata rows, typographic quotes, position(..), indexed-repeat,
# select_one_from_file with districts.csv beside it).
hs="$fd/household-survey.csv"
"$KIOSK" forms check "$hs" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"
t "survey: loads; its only problem is the phonenumber warning" python3 -c '
import sys
lines = [l for l in open(sys.argv[1]) if "household-survey.csv:" in l]
assert len(lines) == 1 and ": warning: \"phonenumber\"" in lines[0], lines
' "$tmp/out"
printf 'consent=yes\nhh_size=3\ndistrict=south\nage[1]=41\nsex[1]=female\nage[2]=3\nsex[2]=male\nage[3]=12\nsex[3]=female\nhh/comments=none\nvaccinated=yes\n' |
    KIOSK_FORMS_NOW=1700000000 KIOSK_FORMS_DEVICEID=kiosk-7 \
    KIOSK_FORMS_USERNAME=12 TZ=UTC fill "$hs" --lang es
t "survey: a household fills in" rc 0
t "survey: metadata, shared names, functions" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["start"] == "2023-11-14" and d["end"] == "2023-11-14", d  # dates only
assert d["deviceid"] == "kiosk-7" and d["username"] == "12", d
assert d["phonenumber"] == "", d
assert d["region"] == "lower", d                       # instance() on the CSV
assert [d["pos[%d]" % i] for i in (1, 2, 3)] == ["1", "2", "3"], d
assert d["oldest"] == "41" and d["youngest"] == "3", d   # every member
assert d["head_age"] == "41", d                        # indexed-repeat
assert d["hh/comments"] == "none" and d["child/comments"] == "", d
assert "comments" not in d and "intro" not in d, d
' "$tmp/out"
printf 'consent=no\n' | fill "$hs"
t "survey: no consent: the required note blocks" has err \
    "no_consent: This note is required: the form cannot go on from here."
printf 'consent=yes\nhh_size=1\ndistrict=north\nage[1]=30\nsex[1]=male\ncomments=x\n' | fill "$hs"
t "survey: a shared name needs its group path" has err \
    'several questions are named "comments" (in different groups): use its column, "group/comments"'
printf 'consent=yes\nhh_size=1\ndistrict=west\nage[1]=30\nsex[1]=male\n' | fill "$hs"
t "survey: a district not in the CSV is not allowed" has err "district: This answer is not allowed."
printf 'consent=yes\nhh_size=1\ndistrict=north\nage[2]=30\n' | fill "$hs"
t "survey: an instance beyond repeat_count is explained" has err \
    'the repeat "member" has 1 instance (its repeat_count)'

# Issue 16: a repeat inside a repeat (each member's jobs). Keys have one
# [N] per repeat, outermost first; a missing one is 1.
printf 'consent=yes\nhh_size=3\ndistrict=south\nage[1]=41\nsex[1]=female\nnjobs[1]=2\njob_title[1][1]=cook\njob_hours[1][1]=30\njob_title[1][2]=driver\njob_hours[1][2]=20\nage[2]=3\nsex[2]=male\nage[3]=17\nsex[3]=female\nnjobs[3]=1\njob_title[3]=cashier\njob_hours[3][1]=45\nhh/comments=none\nvaccinated=yes\n' |
    fill "$hs"
t "nested: a household with jobs fills in" rc 0
t "nested: each member's own jobs, and functions over them" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
jobs = sorted((k, v) for k, v in d.items() if k.startswith("job_title["))
assert jobs == [("job_title[1][1]", "cook"), ("job_title[1][2]", "driver"),
                ("job_title[3][1]", "cashier")], jobs
assert d["jpos[1][2]"] == "2" and d["jpos[3][1]"] == "1", d   # position(..)
assert d["job_of[1][2]"] == "1" and d["job_of[3][1]"] == "3", d  # ../../pos
assert d["member_hours[1]"] == "50" and d["member_hours[3]"] == "45", d
assert d["member_hours[2]"] == "0" and d["njobs[2]"] == "", d
assert d["jobs_total"] == "3" and d["hours_max"] == "45", d
assert d["head_job1"] == "cook", d     # indexed-repeat with two pairs
' "$tmp/out"
printf 'consent=yes\nhh_size=1\ndistrict=south\nage[1]=41\nsex[1]=female\nnjobs[1]=2\njob_title[1][1]=cook\njob_hours[1][1]=30\njob_title[1][2]=driver\njob_hours[1][2]=90\nhh/comments=none\n' |
    fill "$hs"
t "nested: a constraint in an inner instance names it" has err \
    "job_hours[1][2]: This answer is not allowed."
printf 'consent=yes\nhh_size=1\ndistrict=south\nage[1]=41\nsex[1]=female\nnjobs[1]=2\njob_title[1][3]=x\n' |
    fill "$hs"
t "nested: a job beyond the member's repeat_count is explained" has err \
    '"job_title[1][3]": the repeat "job" has 2 instances (its repeat_count)'
printf 'consent=yes\nhh_size=1\nage[1][1]=3\n' | fill "$hs"
t "nested: one [N] per repeat, no more" has err \
    '"age[1][1]" is in 1 repeat: write one [N] for each'
# --notes keys a note inside repeats as the fill keys are: one [N] per
# repeat (it listed every member's note under the one name "mjobs").
printf 'first[1]=Ana\ntitle[1][1]=cook\ntitle[1][2]=baker\nfirst[2]=Bo\ntitle[2][1]=nurse\n' |
    fill "$KIOSK_TOP/tests/data/ui-nested/jobs.csv" --notes
t "notes: a note in each instance, keyed note[N]" python3 -c '
import json, sys
pairs = json.load(open(sys.argv[1]), object_pairs_hook=lambda p: p)
assert pairs == [("intro", "Household jobs"), ("mjobs[1]", "Jobs of Ana: 2"),
                 ("mjobs[2]", "Jobs of Bo: 1"),
                 ("total", "Jobs in your household: 3")], pairs
' "$tmp/out"

# Issue 16: the trigger column (odk:setvalue when a question changes).
cat >"$tmp/trigger.csv" <<'EOF'
survey
,type,name,label,calculation,trigger
,text,a,A,,
,integer,n,N,,
,calculate,a_len,,string-length(${a}),${a}
,integer,doubled,Doubled,${n} * 2,${n}
EOF
printf 'a=abc\nn=4\n' | fill "$tmp/trigger.csv"
t "trigger: calculated when its trigger changes" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["a_len"] == "3" and d["doubled"] == "8", d
' "$tmp/out"
printf 'n=4\ndoubled=10\n' | fill "$tmp/trigger.csv"
t "trigger: the resident may change the calculated answer" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["doubled"] == "10" and d["a_len"] == "", d
' "$tmp/out"
printf 'doubled=10\nn=4\n' | fill "$tmp/trigger.csv"
t "trigger: a later change of the trigger sets it again" has out '"doubled": "8"'
sed 's/,${a}$/,${nosuch}/' "$tmp/trigger.csv" >"$tmp/trigger-bad.csv"
"$KIOSK" forms check "$tmp/trigger-bad.csv" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"
t "trigger: a missing question is an error" rc 1
t "trigger: naming the row and column" has out \
    'trigger-bad.csv: sheet survey, row 5, column trigger: position 1: there is no question named "nosuch"'

# Issue 16: a range question's refusal says its bounds (it said only
# "This answer is not allowed.").
cat >"$tmp/range.csv" <<'EOF'
survey
,type,name,label,parameters
,range,pain,How bad is it?,
,range,even,An even number,start=0 end=10 step=2
EOF
printf 'pain=11\n' | fill "$tmp/range.csv"
t "range: a number outside it is refused" rc 1
t "range: the message names the bounds" has err "pain: Please enter a number from 1 to 10."
printf 'pain=3\neven=5\n' | fill "$tmp/range.csv"
t "range: and the step" has err "even: Please enter a number from 0 to 10, in steps of 2."

# Issue 16: images on choices are not shown; forms check says so.
cat >"$tmp/chimg.csv" <<'EOF'
survey
,type,name,label
,select_one c,q,Q
choices
,list_name,name,label,media::image
,c,a,A,a.png
,c,b,B,b.png
EOF
"$KIOSK" forms check "$tmp/chimg.csv" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"
t "choice image: the form loads" has out "1 form checked, 0 invalid, 1 with warnings"
t "choice image: a warning naming the row" has out \
    'chimg.csv: sheet choices, row 6, column media::image: warning: the choice "a" of list "c" has an image'

echo "1..$n"
[ $fails -eq 0 ]
