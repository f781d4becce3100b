#!/bin/sh
# kiosk open never refuses a batch for its columns: one fixed layout per
# form version, repeats in their own file joined by KEY/PARENT_KEY, every
# row with kiosk, seq, form, version, language, date and volunteer, "not
# asked" apart from empty, a byte-order mark, a codebook. A repeat form with
# 1, 2, 3 and 12 entries across two batches opens completely, and the next
# batch still opens (it did not: issue 15).
. "$(dirname "$0")/../batch/lib.sh"
PY=/usr/bin/python3
UF="$KIOSK_TOP/tests/data/ui-forms"
DF="$KIOSK_TOP/tests/data/forms"
fill_kiosk k1 "$T/k1"

members() {	# members N: answers for a household of N
	i=1; s=""
	while [ $i -le "$1" ]; do s="${s}first[$i]=P$i\nage[$i]=$((20 + i))\n"; i=$((i + 1)); done
	printf '%sok=yes\n' "$s"
}
open_to() {	# open_to OUT BATCH [options]
	out=$1; b=$2; shift 2
	"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
	    --ledger "$out.db" --out "$out" "$@" "$b" >"$T/open.out" 2>"$T/open.err"
}
export_n() {	# export_n N: batch N to the stick, with the ack applied first
	"$KIOSK" export --config "$T/k1.ini" --to "$T/stick" >/dev/null 2>&1 &&
	    [ -f "$T/stick/k1-$1.kib" ]
}
all_open() {	# all_open N: batch N into every output folder
	open_to "$T/f" "$T/stick/k1-$1.kib" --forms "$UF" --forms "$DF" &&
	    cp "$T/f/k1.ack" "$T/stick/" &&
	    open_to "$T/d" "$T/stick/k1-$1.kib" &&
	    open_to "$T/n" "$T/stick/k1-$1.kib" --forms "$UF" --no-bom
}
"$KIOSK" identity --config "$T/k1.ini" >"$T/k1.pub" 2>/dev/null
for o in f d n x m; do "$KIOSK" enroll --ledger "$T/$o.db" "$T/k1.pub" >/dev/null; done

# A folder that already holds another layout under the first name.
mkdir -p "$T/x"
printf 'claim_code,date,language,form_version,assisted_by,first[1]\r\nOLD,2020-01-01,en,1,,x\r\n' \
    >"$T/x/household-v1.csv"
cp "$T/x/household-v1.csv" "$T/old.csv"

# Batch 1: households of 1 and 2, intake with a skipped and an empty answer.
fill "$UF/household.csv" en 0 "$(members 1)" && fill "$UF/household.csv" es 4 "$(members 2)"
ok $? "households of 1 and 2 submitted"
fill "$DF/intake.csv" en 0 'first_name=Ana\nage=30\nhas_kids=no\nneeds=food\n' &&
    fill "$DF/intake.csv" es 0 'first_name=Lu\nage=40\nhas_kids=yes\nkids=2\ndob=1985-02-03\n'
ok $? "intake submitted (kids not asked; dob left empty)"
export_n 1; ok $? "export batch 1"
all_open 1; ok $? "batch 1 opens, with --forms, without, and --no-bom"
open_to "$T/x" "$T/stick/k1-1.kib" --forms "$UF" --forms "$DF"
ok $? "batch 1 opens into a folder whose household-v1.csv has other columns"

# Batch 2: households of 3 and 12.
fill "$UF/household.csv" en 0 "$(members 3)" && fill "$UF/household.csv" en 9 "$(members 12)"
ok $? "households of 3 and 12 submitted"
export_n 2; ok $? "export batch 2"
all_open 2; ok $? "batch 2 opens completely, in every folder"
# Batch 3: the next batch still opens.
fill "$UF/household.csv" en 0 "$(members 1)"
export_n 3; ok $? "export batch 3"
all_open 3; ok $? "and the next batch still opens"
sed 's/^/# /' "$T/open.err"

# The same form with another question but the same version: kept apart.
mkdir -p "$T/mf"
sed 's/^,calculate,n,/,text,nick,Nickname,Apodo,,,,\n,calculate,n,/' "$UF/household.csv" \
    >"$T/mf/household.csv"
open_to "$T/m" "$T/stick/k1-3.kib" --forms "$T/mf"
rc=$?	# 3: the folder has not seen 1-6
[ $rc -eq 0 ] || [ $rc -eq 3 ]
ok $? "a batch that does not fit the office's copy of its form still opens"
grep -q "does not have the columns of its form (household, version 1)" "$T/open.err"
ok $? "and staff are told which submission, and where it went"

$PY - "$T" >"$T/check" 2>&1 <<'EOF'
import csv, glob, os, sys
T = sys.argv[1]
bad = []
def rows(path, bom=True):
    raw = open(path, "rb").read()
    if bom != raw.startswith(b"\xef\xbb\xbf"):
        bad.append("%s: byte-order mark %s" % (path, "missing" if bom else "present"))
    return list(csv.DictReader(open(path, encoding="utf-8-sig", newline="")))
def check(c, msg):
    print(("ok" if c else "FAIL") + " " + msg)
    if not c:
        bad.append(msg)
META = ["kiosk", "seq", "form_id", "form_version", "language", "submitted", "assisted_by"]

main = rows(T + "/f/household-v1.csv")
mem = rows(T + "/f/household-v1-member.csv")
check(len(main) == 5, "5 households in one file (got %d)" % len(main))
check(sorted(int(r["seq"]) for r in main) == [1, 2, 5, 6, 7], "seqs 1 2 5 6 7")
check(len(mem) == 1 + 2 + 3 + 12 + 1, "19 members in the repeat's file (got %d)" % len(mem))
keys = {r["KEY"] for r in main}
check(all(r["PARENT_KEY"] in keys for r in mem), "every member joins its household by PARENT_KEY")
check(len({r["KEY"] for r in mem}) == len(mem), "member keys are unique")
by = {}
for r in mem:
    by.setdefault(r["PARENT_KEY"], []).append(r)
twelve = [v for v in by.values() if len(v) == 12]
check(len(twelve) == 1 and [r["first"] for r in twelve[0]] == ["P%d" % i for i in range(1, 13)]
      and [r["instance"] for r in twelve[0]] == [str(i) for i in range(1, 13)]
      and twelve[0][11]["age"] == "32", "the household of 12, in order, with ages")
check(sorted(len(v) for v in by.values()) == [1, 1, 2, 3, 12], "entries per household 1 1 2 3 12")
for name, rs in (("household", main), ("member", mem)):
    check(all(all(m in r for m in META) and all(r[m] for m in META if m != "assisted_by")
              for r in rs), "%s rows carry kiosk, seq, form, version, language, date, volunteer" % name)
check({r["assisted_by"] for r in main} == {"", "4", "9"}, "volunteers 4 and 9 on their rows")
check(any(r["assisted_by"] == "9" for r in mem), "and on the repeat's rows")
check(all(r["form_id"] == "household" and r["form_version"] == "1" and r["kiosk"] == "k1"
          for r in main + mem), "form, version and kiosk")
check(main[1]["language"] == "es", "the language of each submission")
intake = rows(T + "/f/intake-v3.csv")
no = [r for r in intake if r["has_kids"] == "no"]
yes = [r for r in intake if r["has_kids"] == "yes"]
check(len(no) == 1 and no[0]["kids"] == "(not asked)" and no[0]["dob"] == "",
      "not asked (kids) is not the same as empty (dob)")
check(len(yes) == 1 and yes[0]["kids"] == "2" and yes[0]["dob"] == "1985-02-03", "answers")
check(no and no[0]["needs/food"] == "1" and no[0]["needs/legal"] == "0", "select_multiple 0/1 columns")
cb = rows(T + "/f/household-v1-codebook.csv")
check(any(r["file"] == "household-v1-member.csv" and r["column"] == "first" and
          r["language"] == "es" and r["label"] == "Nombre de esta persona" for r in cb),
      "the codebook has the repeat's questions in every language")
check(any(r["column"] == "more" and r["code"] == "yes" and r["language"] == "es" and
          r["label"] == "Sí" for r in cb), "and choice labels in every language")
check(any(r["code"] == "(not asked)" for r in cb), "and explains (not asked)")
check(os.path.exists(T + "/f/intake-v3-codebook.csv"), "each form version has its codebook")

d = rows(T + "/d/household-v1.csv")
dl = rows(T + "/d/household-v1-repeats.csv")
check(len(d) == 5 and len(dl) == 2 * 19, "without --forms: 5 rows, and 38 entry cells in the long repeats file")
check(all(r["PARENT_KEY"] in {x["KEY"] for x in d} for r in dl), "joined by PARENT_KEY")
check({r["column"] for r in dl} == {"first", "age"}, "long file: one row per column of an entry")

n = rows(T + "/n/household-v1.csv", bom=False)
check(len(n) == 5, "--no-bom: no byte-order mark")

check(open(T + "/x/household-v1.csv", "rb").read() == open(T + "/old.csv", "rb").read(),
      "the file with other columns is left as it was")
other = [f for f in glob.glob(T + "/x/household-v1-*.csv")
         if not f.endswith(("-member.csv", "-codebook.csv"))]
check(len(other) == 1 and len(rows(other[0])) == 2, "the rows went to household-v1-HASH.csv: %s" % other)
m = [f for f in glob.glob(T + "/m/household-v1*.csv")]
check(any(f.endswith("-repeats.csv") for f in m), "a form that does not fit: its own layout")
sys.exit(1 if bad else 0)
EOF
ok $? "the output files, row by row"
sed 's/^/# /' "$T/check"
done_testing
