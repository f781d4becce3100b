#!/bin/sh
# The independent reader (kioskread.py, written from FORMAT.md with
# python3-nacl) and `kiosk open` must agree record by record: every shipped
# form that takes submissions, a form with a repeat, assisted visits, and
# two cumulative batches with an ack in between. Then the reader checks the
# ack, and both refuse the same damaged batch.
. "$(dirname "$0")/../batch/lib.sh"
PY=/usr/bin/python3
R="$KIOSK_TOP/tests/interop/kioskread.py"
F="$KIOSK_TOP/forms"
U="$KIOSK_TOP/tests/data/ui-forms"

need_python nacl python3-nacl
fill_kiosk lib1 "$T/k1"
mkdir -p "$T/out"
fills=0
fill_ok() { fills=$((fills + 1)); [ $? -eq 0 ] || echo "# fill $fills failed"; }

# Batch 1: every shipped form that takes submissions, in its languages.
fill "$F/municipal-id.csv" es 0 'age_band=18_64\nlives_in_city=yes\nid_docs=consular_id itin_letter\nres_docs=utility bank\nmail_safe=no\nappointment_window=saturday\ncontact_method=text\nphone=973 555 0199\nfirst_name=Ana\n'
ok $? "municipal-id (es) submitted"
fill "$F/legal-help.csv" en 2 'topic=citizenship\nsomeone_detained=no\nhas_papers=no\nhas_lawyer=no\nage_18_plus=yes\ngreen_card_years=5_plus\nmarried_citizen_3y=no\nwants_lawyer_review=yes\nphone_seen=no\ncontact_method=call\nphone=(973) 555-0199\nvoicemail_ok=no\n'
ok $? "legal-help (en), assisted by volunteer 2, submitted"
fill "$F/incident-report.csv" ar 0 'report_type=enforcement\nobserved_date=2026-01-10\ntime_band=morning\nstill_happening=no\ncross_streets=Main Ave and Passaic St\nfollow_up=no\n'
ok $? "incident-report enforcement (ar) submitted"
fill "$F/incident-report.csv" en 7 'report_type=bias\ndanger_now=no\nincident_date=2026-01-10\nsetting=work\nwhat_happened=words\nwants=count_only\nfollow_up=no\n'
ok $? "incident-report bias (en), assisted by volunteer 7, submitted"
fill "$F/u-visa.csv" es 0 'victim_relationship=me\ncrime_category=assault\ncrime_year=2024\nreported=yes\nagency=passaic_pd\nurgency=none\nhas_lawyer=no\nphone_seen=no\nhow_receive=pick_up\ncontact_method=text\nphone=9735550199\n'
ok $? "u-visa (es) submitted"
fill "$U/household.csv" es 1 'first[1]=فاطمة\nage[1]=40\nfirst[2]=Zoë, "Z"\nage[2]=9\nok=yes\n'
ok $? "a repeat form with two entries (Arabic name, comma and quotes) submitted"
submit "$T/lib1.ini" 2
"$KIOSK" export --config "$T/lib1.ini" --to "$T/stick" >/dev/null 2>&1
ok $? "export batch 1"
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --out "$T/out" "$T/stick/lib1-1.kib" >"$T/open1" 2>&1
ok $? "kiosk open batch 1"
cp "$T/out/lib1.ack" "$T/stick/"

# Batch 2, after the ack: a repeat of three, and one of twelve.
fill "$U/household.csv" en 0 'first[1]=A\nage[1]=1\nfirst[2]=B\nage[2]=2\nfirst[3]=C\nage[3]=3\nok=yes\nmore=no\n'
ok $? "a repeat form with three entries submitted"
in=""
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do in="${in}first[$i]=P$i\nage[$i]=$((20 + i))\n"; done
fill "$U/household.csv" en 3 "${in}ok=yes\n"
ok $? "a repeat form with twelve entries, assisted, submitted"
"$KIOSK" export --config "$T/lib1.ini" --to "$T/stick" >/dev/null 2>&1
ok $? "export batch 2 (applies the ack first)"
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --out "$T/out" "$T/stick/lib1-2.kib" >"$T/open2" 2>&1
ok $? "kiosk open batch 2"

$PY "$R" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    "$T/stick/lib1-1.kib" "$T/stick/lib1-2.kib" >"$T/py.jsonl" 2>"$T/py.err"
ok $? "the independent reader verifies and opens both batches"
sed 's/^/# /' "$T/py.err"

# Record by record.
$PY - "$T/py.jsonl" "$T/out" >"$T/cmp" 2>&1 <<'EOF'
import glob, json, sys
py = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
c = {}
for f in glob.glob(sys.argv[2] + "/*.jsonl"):
    for l in open(f, encoding="utf-8"):
        r = json.loads(l)
        c[(r["kiosk"], r["seq"])] = r
bad = 0
if len(py) != len(c) or len(py) != 10:
    print("count: reader %d, kiosk open %d" % (len(py), len(c))); bad += 1
for r in py:
    k = c.get((r["kiosk"], r["seq"]))
    if k is None:
        print("seq %d missing from kiosk open" % r["seq"]); bad += 1; continue
    for f in ("claim_code", "date", "language", "form_id", "form_version",
              "assisted_by", "answers"):
        if r[f] != k[f]:
            print("seq %d %s: reader %r, kiosk open %r" % (r["seq"], f, r[f], k[f]))
            bad += 1
    if list(r["answers"]) != list(k["answers"]):
        print("seq %d: column order differs" % r["seq"]); bad += 1
# And the CSV files (main rows and the long repeats file) hold the same.
import csv, re
def rows(f):
    return list(csv.DictReader(open(f, encoding="utf-8-sig", newline="")))
main, rep = {}, {}
for f in glob.glob(sys.argv[2] + "/*.csv"):
    rs = rows(f)
    if not rs:
        continue
    if "KEY" in rs[0] and "PARENT_KEY" not in rs[0] and "claim_code" in rs[0]:
        for x in rs:
            main[x["KEY"]] = x
    elif "PARENT_KEY" in rs[0] and "column" in rs[0]:
        for x in rs:
            rep[(x["PARENT_KEY"], x["column"], x["instance"])] = x["value"]
ncmp = 0
def same(cell, v):
    global ncmp
    ncmp += 1
    want = "(not asked)" if v is None else v
    return cell == want or cell == "'" + want
for r in py:
    key = "%s/%d" % (r["kiosk"], r["seq"])
    m = main.get(key)
    if m is None:
        print("seq %d: no CSV row %s" % (r["seq"], key)); bad += 1; continue
    if m["claim_code"] != r["claim_code"] or m["form_version"] != r["form_version"] \
            or m["language"] != r["language"] or m["submitted"] != r["date"] \
            or m["assisted_by"] != (str(r["assisted_by"]) if r["assisted_by"] else ""):
        print("seq %d: CSV head differs" % r["seq"]); bad += 1
    for n, v in r["answers"].items():
        mm = re.match(r"^(.*?)\[(\d+)\](.*)$", n)
        if mm:
            cell = rep.get((key, mm.group(1) + mm.group(3), mm.group(2)))
        else:
            cell = m.get(n)
        if cell is None or not same(cell, v):
            print("seq %d %s: reader %r, CSV %r" % (r["seq"], n, v, cell)); bad += 1
print("csv cells compared %d" % ncmp)
if ncmp < 200:
    print("too few CSV cells compared"); bad += 1
forms = sorted(set(r["form_id"] for r in py))
print("forms " + " ".join(forms))
print("assisted " + " ".join(str(r["assisted_by"]) for r in py if r["assisted_by"]))
print("household " + " ".join(str(sum(1 for n in r["answers"] if n.startswith("first[")))
                              for r in py if r["form_id"] == "household"))
sys.exit(1 if bad else 0)
EOF
ok $? "the reader and kiosk open agree on all 10 records, field by field (JSONL and CSV)"
sed 's/^/# /' "$T/cmp"
is "$(grep '^forms' "$T/cmp")" \
    "forms household incident_report legal_help municipal_id selftest u_visa" \
    "every shipped form that takes submissions is covered"
is "$(grep '^assisted' "$T/cmp")" "assisted 2 7 1 1 3" "assisted visits are covered"
is "$(grep '^household' "$T/cmp")" "household 2 3 12" "repeats of 2, 3 and 12 entries"

# The ack kiosk open wrote.
$PY "$R" ack --office-pub "$T/office/office.pub" "$T/out/lib1.ack" >"$T/ack" 2>&1
ok $? "the reader verifies the ack"
grep -q '"acked_through": 10' "$T/ack"; ok $? "the ack covers 1-10"
"$KIOSK" identity --config "$T/lib1.ini" >"$T/lib1.pub" 2>/dev/null
$PY "$R" identity "$T/lib1.pub" >/dev/null 2>&1
ok $? "the reader parses the kiosk identity"

# The same damaged batch is refused by both.
cp "$T/stick/lib1-2.kib" "$T/bad.kib"
printf 'X' | dd of="$T/bad.kib" bs=1 seek=300 conv=notrunc 2>/dev/null
$PY "$R" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    "$T/bad.kib" >/dev/null 2>"$T/pybad"
is $? 1 "the reader refuses a changed manifest"
grep -q "bad signature" "$T/pybad"; ok $? "as a bad signature"
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --out "$T/out2" "$T/bad.kib" >/dev/null 2>"$T/kbad"
is $? 1 "kiosk open refuses it too"
grep -q "rejected (signature)" "$T/kbad"; ok $? "as a bad signature"
done_testing
