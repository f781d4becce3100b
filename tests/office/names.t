#!/bin/sh
# The office's file names never collide: a form version's codebook is its
# own file whatever its repeats and other versions are called. A repeat
# named "codebook" (STEM-codebook.csv) and a version "1-codebook" (stem
# x-v1-codebook) once took the codebook's file name: the codebook went
# into their CSV, or was never written. And a column is named for what
# it is: q/a[1] of a choice a[1] is a main column, not an entry of a
# repeat (every such record left its form's layout, with a NOTE).
. "$(dirname "$0")/../batch/lib.sh"
PY=/usr/bin/python3
fill_kiosk k1 "$T/k1"
mkdir -p "$T/f1" "$T/f2"
form() {	# form FILE VERSION REPEAT
	cat > "$1" <<F
survey,,,
,type,name,label
,text,a,A
,begin_repeat,$3,R
,text,b,B
,end_repeat,,
settings,,,
,form_id,version,
,x,$2,
F
}
form "$T/f1/x.csv" 1 codebook
form "$T/f2/x.csv" 1-codebook r
for f in f2/x f1/x; do
	printf 'a=hello\nb[1]=inner\n' | "$KIOSK" forms fill "$T/$f.csv" \
	    --test-submit "$FILL_INI" >>"$T/fill" 2>&1
done
ok $? "two visits: version 1-codebook, then 1 with a repeat named codebook"
"$KIOSK" export --config "$FILL_INI" --to "$T/stick" >/dev/null 2>&1
ok $? "export"
# o1: with the form of version 1; o2: without forms (both derived).
"$KIOSK" open $KEY --out "$T/o1" --forms "$T/f1" "$T/stick/k1-1.kib" \
    >"$T/open" 2>&1
ok $? "kiosk open --forms"
"$KIOSK" open $KEY --out "$T/o2" "$T/stick/k1-1.kib" >>"$T/open" 2>&1
ok $? "kiosk open without the forms"
$PY - "$T/o1" "$T/o2" >"$T/check" 2>&1 <<'PY'
import csv, glob, os, sys
bad = []
def check(c, msg, diag=None):
    print(("ok" if c else "FAIL") + " " + msg)
    if not c:
        bad.append(msg)
        print("# " + repr(diag))
for o in sys.argv[1:]:
    heads = {}
    for p in sorted(glob.glob(os.path.join(o, "*.csv"))):
        with open(p, encoding="utf-8-sig", newline="") as h:
            heads[os.path.basename(p)[:-4]] = list(csv.reader(h))
    kind = {n: ("codebook" if r[0][:2] == ["file", "column"] else
                "main" if r[0][:1] == ["KEY"] else "repeat")
            for n, r in heads.items() if r}
    main = sorted(n for n, k in kind.items() if k == "main")
    w = os.path.basename(o)
    check(len(main) == 2 and sum(len(heads[n]) - 1 for n in main) == 2,
          w + ": a main file per version, a row each", sorted(heads))
    check(all(kind.get(n + "-codebook") == "codebook" for n in main),
          w + ": each with its own codebook", kind)
    check(all(row[:1] != ["file"] for n in heads for row in heads[n][1:]),
          w + ": no codebook rows inside another file", heads)
    check(sum(k == "codebook" for k in kind.values()) == 2,
          w + ": two codebooks", kind)
    check(any(row[-1] == "inner" for n, k in kind.items() if k == "repeat"
              for row in heads[n][1:]), w + ": the repeat's row is kept", heads)
sys.exit(1 if bad else 0)
PY
ok $? "each codebook in a file of its own"
sed 's/^/# /' "$T/check"

# A choice named like an entry of a repeat ("a[1]", which forms check
# takes): its column q/a[1] is the form's main column, not the answer of
# an entry 1 of a repeat "q/a"; the record fits its form (no NOTE).
cat > "$T/f1/sm.csv" <<'F'
survey,,,
,type,name,label
,select_multiple l,q,Q
choices,,,
,list_name,name,label
,l,a[1],A one
,l,a,A
settings,,,
,form_id,version,
,sm,1,
F
printf 'q=a[1]\n' | "$KIOSK" forms fill "$T/f1/sm.csv" \
    --test-submit "$FILL_INI" >>"$T/fill" 2>&1
ok $? "a visit choosing a[1] only"
"$KIOSK" export --config "$FILL_INI" --to "$T/stick" >/dev/null 2>&1
"$KIOSK" open $KEY --out "$T/o1" --forms "$T/f1" "$T/stick/k1-2.kib" \
    >"$T/open" 2>&1
ok $? "kiosk open --forms"
grep -q "does not have the columns" "$T/open"
ok $((! $?)) "the record fits its form"
$PY - "$T/o1/sm-v1.csv" >"$T/check" 2>&1 <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as h:
    r = list(csv.DictReader(h))
print(r)
sys.exit(0 if len(r) == 1 and r[0].get("q/a[1]") == "1" and r[0].get("q/a") == "0" else 1)
PY
ok $? "its main file has q/a[1] = 1 and q/a = 0"
sed 's/^/# /' "$T/check"

# A record that does not fit its form (an older kiosk's copy: repeat r
# without c) opened first: its derived layout has the same main columns,
# so it shares STEM.csv and STEM-codebook.csv with the form's layout, and
# the codebook it writes ("the form was not given to kiosk open", no
# line for STEM-r.csv) stays the form version's codebook for good.
mkdir -p "$T/ka" "$T/fo"
cat > "$T/ka/y.csv" <<'F'
survey,,,
,type,name,label
,text,a,A
,begin_repeat,r,R
,text,b,B
,end_repeat,,
settings,,,
,form_id,version,
,y,1,
F
sed 's/^,text,b,B$/,text,b,B\n,text,c,C/' "$T/ka/y.csv" >"$T/fo/y.csv"
printf 'a=1\nb[1]=2\n' | "$KIOSK" forms fill "$T/ka/y.csv" \
    --test-submit "$FILL_INI" >>"$T/fill" 2>&1 &&
"$KIOSK" export --config "$FILL_INI" --to "$T/stick" >/dev/null 2>&1 &&
"$KIOSK" open $KEY --out "$T/o3" --forms "$T/fo" "$T/stick/k1-3.kib" \
    >"$T/open" 2>&1
ok $? "a record of an older copy of form y, opened first"
printf 'a=1\nb[1]=2\nc[1]=3\n' | "$KIOSK" forms fill "$T/fo/y.csv" \
    --test-submit "$FILL_INI" >>"$T/fill" 2>&1 &&
"$KIOSK" export --config "$FILL_INI" --to "$T/stick" >/dev/null 2>&1 &&
"$KIOSK" open $KEY --out "$T/o3" --forms "$T/fo" "$T/stick/k1-4.kib" \
    >>"$T/open" 2>&1
ok $? "then one that fits"
grep -q '^y-v1-r.csv,c,text,,' "$T/o3/y-v1-codebook.csv" 2>/dev/null
ok $? "the form's codebook describes y-v1-r.csv"
grep -q 'does not have the columns of its form.*it is in y-v1-[0-9a-f]\{8\}\.csv' \
    "$T/open"
ok $? "the older copy's record is in a file with the layout's hash"
done_testing
