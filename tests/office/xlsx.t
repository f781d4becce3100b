#!/bin/sh
# kiosk open --xlsx: one workbook per open, read back with python3-openpyxl:
# a sheet per form version and per repeat, choice labels in --labels LANG,
# typed cells (numbers, dates, text; a formula-like answer stays text with
# no visible '), "(not asked)", a codebook sheet, an Arabic name intact.
. "$(dirname "$0")/../batch/lib.sh"
PY=/usr/bin/python3
UF="$KIOSK_TOP/tests/data/ui-forms"
DF="$KIOSK_TOP/tests/data/forms"
need_python openpyxl python3-openpyxl
fill_kiosk k1 "$T/k1"
fill "$UF/household.csv" es 0 'first[1]=فاطمة\nage[1]=40\nfirst[2]=Zoë\nage[2]=9\nok=yes\nmore=yes\n' &&
fill "$DF/intake.csv" es 5 'first_name==1+1\nage=30\nhas_kids=no\ndob=1990-04-05\nneeds=food legal\n' &&
fill "$DF/intake.csv" en 0 'first_name=+1 555 0100\nage=41\nhas_kids=yes\nkids=2\n'
ok $? "a household (Arabic name) and two intakes submitted"
"$KIOSK" export --config "$T/k1.ini" --to "$T/stick" >/dev/null 2>&1
ok $? "export"
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --out "$T/out" --forms "$UF" --forms "$DF" --labels es \
    "$T/stick/k1-1.kib" >"$T/open" 2>&1
ok $? "kiosk open --labels es"
x=$(ls "$T/out"/opened-*.xlsx 2>/dev/null)
is "$(echo "$x" | grep -c .)" 1 "one workbook for the open"
is "$(stat -c %a "$x" 2>/dev/null)" 600 "the workbook is 0600"
is "$(ls -a "$T/out" | grep -c 'part$')" 0 "no temporary file left"
grep -q "wrote $x" "$T/open"; ok $? "and open says so"

$PY - "$x" >"$T/check" 2>&1 <<'EOF'
import datetime, sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
bad = []
def check(c, msg):
    print(("ok" if c else "FAIL") + " " + msg)
    if not c:
        bad.append(msg)
print("# sheets: " + ", ".join(wb.sheetnames))
check(wb.sheetnames == ["household-v1", "household-v1-member", "intake-v3", "codebook"],
      "a sheet per form version and per repeat, and the codebook")
def table(name):
    ws = wb[name]
    rows = list(ws.iter_rows())
    head = [c.value for c in rows[0]]
    return [dict(zip(head, r)) for r in rows[1:]]
mem = table("household-v1-member")
check([r["first"].value for r in mem] == ["فاطمة", "Zoë"], "the Arabic name round-trips exactly")
check(mem[0]["age"].value == 40 and mem[0]["age"].data_type == "n", "integers are numbers")
check(mem[0]["instance"].value == 1 and mem[1]["instance"].value == 2, "instance numbers")
hh = table("household-v1")
check(hh[0]["more"].value == "Sí", "a choice by its label in --labels es (yes: Sí)")
check(hh[0]["KEY"].value == mem[0]["PARENT_KEY"].value == "k1/1", "KEY and PARENT_KEY")
check(hh[0]["seq"].value == 1 and hh[0]["seq"].data_type == "n", "seq is a number")
check(isinstance(hh[0]["submitted"].value, datetime.datetime), "the submitted day is a date")
it = table("intake-v3")
a, b = it
check(a["first_name"].value == "=1+1" and a["first_name"].data_type == "s",
      "a formula-like answer is text, not a formula, and has no '")
check(b["first_name"].value == "+1 555 0100", "a phone-like answer has no visible '")
check(a["dob"].value == datetime.datetime(1990, 4, 5) and a["dob"].number_format == "yyyy-mm-dd",
      "dates are dates")
check(a["kids"].value == "(not asked)" and a["kids"].font.i, "not asked: grey italic (not asked)")
check(b["dob"].value is None, "an empty answer is an empty cell")
check(a["has_kids"].value == "No" and b["has_kids"].value == "Sí", "select_one labels")
check(a["needs"].value == "Comida; Ayuda legal", "select_multiple labels")
check(a["needs/food"].value == 1 and a["needs/housing"].value == 0, "0/1 choice columns are numbers")
check(a["assisted_by"].value == 5 and b["assisted_by"].value is None, "the volunteer number")
check(a["language"].value == "es" and a["kiosk"].value == "k1", "language and kiosk")
check(not any(isinstance(c.value, str) and c.value.startswith("'")
              for ws in wb for row in ws.iter_rows() for c in row), "no cell starts with '")
cb = table("codebook")
def has(**kw):
    return any(all(r[k].value == v for k, v in kw.items()) for r in cb)
check(has(sheet="intake-v3", column="has_kids", code="yes", language="en", label="Yes") and
      has(sheet="intake-v3", column="has_kids", code="yes", language="es", label="Sí"),
      "the codebook maps codes to labels in every language")
check(has(sheet="household-v1-member", column="first", language="es", label="Nombre de esta persona"),
      "and names the repeat's sheet")
sys.exit(1 if bad else 0)
EOF
ok $? "the workbook read back with openpyxl"
sed 's/^/# /' "$T/check"

# Without --xlsx, no workbook; a second open of the same batch writes none.
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --out "$T/out" --xlsx "$T/stick/k1-1.kib" >/dev/null 2>&1
is "$(ls "$T/out"/*.xlsx | grep -c .)" 1 "opening nothing new writes no workbook"
done_testing
