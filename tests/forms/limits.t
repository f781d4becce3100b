#!/bin/sh
# A form_id or version that no record can carry is refused by forms check
# (issue 13): the office refuses records whose form id is over 255 bytes
# (OFFICE_FORM_ID_MAX) or whose version is over 64, or that hold control
# characters, so a kiosk must never take submissions for such a form.
. "$(dirname "$0")/../env.sh"
echo "1..6"
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
form() {	# form FILE ID VERSION
	cat > "$1" <<CSV
survey,,,
,type,name,label
,text,q,Question
settings,,,
,form_id,version,form_title
,$2,$3,Title
CSV
}
id255=$(printf 'f%.0s' $(seq 255))
id256=$(printf 'f%.0s' $(seq 256))
v65=$(printf '1%.0s' $(seq 65))

form "$w/ok.csv" "$id255" 1
"$KIOSK" forms check "$w/ok.csv" > "$w/out" 2>&1
ok $? "a 255-byte form_id is accepted"

form "$w/long.csv" "$id256" 1
"$KIOSK" forms check "$w/long.csv" > "$w/out" 2>&1
r=$?
[ $r -ne 0 ] && grep -q "form_id is 256 bytes long" "$w/out"
ok $? "a 256-byte form_id is refused, saying its length"
grep -q "long.csv" "$w/out" && grep -q "row 6\|:6" "$w/out"
ok $? "... naming the file and the row ($(head -1 "$w/out" | cut -c1-80)...)"

form "$w/ver.csv" intake "$v65"
"$KIOSK" forms check "$w/ver.csv" > "$w/out" 2>&1
[ $? -ne 0 ] && grep -q "version is 65 bytes long" "$w/out"
ok $? "a 65-byte version is refused"

printf 'survey,,,\n,type,name,label\n,text,q,Question\nsettings,,,\n,form_id,version,form_title\n,"in\ntake",1,Title\n' > "$w/ctl.csv"
"$KIOSK" forms check "$w/ctl.csv" > "$w/out" 2>&1
[ $? -ne 0 ] && grep -q "control character" "$w/out"
ok $? "a form_id with a line break is refused"

"$KIOSK" forms check "$KIOSK_TOP/forms" > "$w/out" 2>&1
ok $? "the shipped forms pass"
