#!/bin/sh
# The 3,000 instances of a visit with repeats inside repeats (issue 16):
# a new entry of an outer repeat brings its inner repeats' instances, the
# numbers in their repeat_count too (here 1 + 50 + 50). Adding one that
# cannot bring them must be refused at the add, as for add-another; an
# entry taken and then cut leaves the resident with a form that cannot be
# sent ("This answer is not allowed." on a repeat they cannot change).
. "$(dirname "$0")/../env.sh"
echo "1..5"
n=0
ok() {	# ok STATUS DESCRIPTION [TODO]
	n=$((n + 1))
	r="ok"; [ "$1" = 0 ] || r="not ok"
	echo "$r $n - $2${3:+ # TODO $3}"
}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cat > "$w/lim.csv" <<'CSV'
survey,,,,
,type,name,label,repeat_count
,begin_repeat,o,O,
,text,a,A,
,begin_repeat,i1,I1,50
,text,b,B,
,end_repeat,,,
,begin_repeat,i2,I2,50
,text,c,C,
,end_repeat,,,
,end_repeat,,,
settings,,,,
,form_id,version,,
,lim,1,,
CSV
fill() {	# fill N: entries 1..N of o
	in=""
	for k in $(seq 1 "$1"); do in="${in}a[$k]=x$k\n"; done
	printf "$in" | "$KIOSK" forms fill "$w/lim.csv" >"$w/out" 2>&1
}
"$KIOSK" forms check "$w/lim.csv" >/dev/null 2>&1
ok $? "forms check takes the form (1 + 50 + 50 with one entry)"
fill 29
ok $? "29 entries (2,929 instances) fit"
fill 30
grep -q '"a\[30\]": the repeat "o" cannot have more instances' "$w/out"
ok $? "the 30th entry (3,030) is refused when it is added"
sed 's/^/# /' "$w/out" | cut -c1-200 | head -3

# Numbers in sibling repeat_counts add up: 30 entries of o with 50 of i1
# and 50 of i2 each are 3,030 instances, which no visit can hold: every
# visit is blocked (i2[30]). forms check takes each chain alone (30 +
# 1,500) and says ok.
sed 's/^,begin_repeat,o,O,$/,begin_repeat,o,O,30/; s/^,lim,1,,$/,lim2,1,,/' \
    "$w/lim.csv" >"$w/lim2.csv"
grep -q '^,begin_repeat,o,O,30$' "$w/lim2.csv"
ok $? "a form with o's repeat_count 30"
"$KIOSK" forms check "$w/lim2.csv" >"$w/out" 2>&1
[ $? -ne 0 ] && grep -q 'repeat_count' "$w/out"
ok $? "forms check refuses 30 x (1 + 50 + 50) instances"
sed 's/^/# /' "$w/out" | head -3
