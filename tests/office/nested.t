#!/bin/sh
# Issue 16: a repeat inside a repeat (each household member's jobs) at the
# office. kiosk open --forms writes one file per repeat, the inner one's
# rows joined to the outer one's as ODK Central's exports do: KEY
# kiosk/seq/member[i]/job[j], PARENT_KEY kiosk/seq/member[i]; the member
# rows join the submission. Without the form, the long file keys
# kiosk/seq/i/j to kiosk/seq/i. The workbook has the same sheets and keys.
. "$(dirname "$0")/../batch/lib.sh"
PY=/usr/bin/python3
DF="$KIOSK_TOP/tests/forms/data"
make_office "$T/office"
make_kiosk k1 "$T/k1" "$T/office/office.pub"
mkdir -p "$T/k1" "$T/stick" "$T/forms-in" && chmod 700 "$T/k1"
cp "$DF/household-survey.csv" "$DF/districts.csv" "$T/forms-in/"

fill() {	# fill ANSWERS
	printf "$1" | "$KIOSK" forms fill "$T/forms-in/household-survey.csv" \
	    --test-submit "$T/k1.ini" >>"$T/fill" 2>&1
}
# Submission 1: member 1 has two jobs, member 2 (a child) none, member 3
# one. Submission 2: one member with one job.
fill 'consent=yes\nhh_size=3\ndistrict=south\nage[1]=41\nsex[1]=female\nnjobs[1]=2\njob_title[1][1]=cook\njob_hours[1][1]=30\njob_title[1][2]=driver, night\njob_hours[1][2]=20\nage[2]=3\nsex[2]=male\nage[3]=17\nsex[3]=female\nnjobs[3]=1\njob_title[3][1]=cashier\njob_hours[3][1]=45\nhh/comments=none\nvaccinated=yes\n' &&
fill 'consent=yes\nhh_size=1\ndistrict=north\nage[1]=50\nsex[1]=male\nnjobs[1]=1\njob_title[1]=guard\njob_hours[1][1]=40\nhh/comments=\n'
ok $? "two households with jobs submitted"
sed 's/^/# /' "$T/fill"
"$KIOSK" export --config "$T/k1.ini" --to "$T/stick" >/dev/null 2>&1
ok $? "export"
"$KIOSK" identity --config "$T/k1.ini" >"$T/k1.pub" 2>/dev/null
xlsx=""
$PY -c 'import openpyxl' 2>/dev/null && xlsx=--xlsx
for o in f d; do "$KIOSK" enroll --ledger "$T/$o.db" "$T/k1.pub" >/dev/null; done
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --ledger "$T/f.db" --out "$T/f" --forms "$T/forms-in" $xlsx \
    "$T/stick/k1-1.kib" >"$T/open" 2>&1
ok $? "kiosk open --forms"
grep -q "does not have the columns" "$T/open"
ok $((! $?)) "every submission fits its form's layout"
sed 's/^/# /' "$T/open"
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --ledger "$T/d.db" --out "$T/d" "$T/stick/k1-1.kib" >"$T/open" 2>&1
ok $? "kiosk open without the form"

$PY - "$T/f" "$T/d" "$xlsx" >"$T/check" 2>&1 <<'EOF'
import csv, glob, os, sys
f, d, xlsx = sys.argv[1:4]
bad = []
def check(c, msg, diag=None):
    print(("ok" if c else "FAIL") + " " + msg)
    if not c:
        bad.append(msg)
        if diag is not None:
            print("# " + repr(diag))
def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as h:
        return list(csv.DictReader(h))
stem = os.path.join(f, "household_survey-v2026-12-01")
main, mem, job = rows(stem + ".csv"), rows(stem + "-member.csv"), rows(stem + "-job.csv")
check([r["KEY"] for r in main] == ["k1/1", "k1/2"], "one row per submission", main)
check([(r["PARENT_KEY"], r["KEY"], r["instance"], r["age"]) for r in mem] ==
      [("k1/1", "k1/1/member[1]", "1", "41"), ("k1/1", "k1/1/member[2]", "2", "3"),
       ("k1/1", "k1/1/member[3]", "3", "17"), ("k1/2", "k1/2/member[1]", "1", "50")],
      "a row per member, joined to its submission", mem)
check([(r["PARENT_KEY"], r["KEY"], r["instance"], r["job_title"], r["job_hours"],
        r["job_of"]) for r in job] ==
      [("k1/1/member[1]", "k1/1/member[1]/job[1]", "1", "cook", "30", "1"),
       ("k1/1/member[1]", "k1/1/member[1]/job[2]", "2", "driver, night", "20", "1"),
       ("k1/1/member[3]", "k1/1/member[3]/job[1]", "1", "cashier", "45", "3"),
       ("k1/2/member[1]", "k1/2/member[1]/job[1]", "1", "guard", "40", "1")],
      "a row per job, joined to its member's row by PARENT_KEY", job)
keys = {r["KEY"] for r in mem}
check(all(r["PARENT_KEY"] in keys for r in job), "every job's member is there")
check(list(job[0].keys())[:10] == ["PARENT_KEY", "KEY", "kiosk", "seq", "form_id",
      "form_version", "language", "submitted", "assisted_by", "instance"] and
      "job_title" in job[0] and "age" not in job[0] and "job_title" not in mem[0],
      "each repeat's own columns in its own file", list(job[0].keys()))
check([r["member_hours"] for r in mem] == ["50", "0", "45", "40"] and
      main[0]["jobs_total"] == "3" and main[0]["head_job1"] == "cook",
      "calculations over the jobs", (mem, main[0]))
cb = rows(stem + "-codebook.csv")
check(any(r["file"].endswith("-job.csv") and r["column"] == "job_title" for r in cb),
      "the codebook names the job file's columns")
# Without the form: one long file, keys kiosk/seq/i/j under kiosk/seq/i.
lr = rows(os.path.join(d, "household_survey-v2026-12-01-repeats.csv"))
jt = [(r["PARENT_KEY"], r["KEY"], r["instance"], r["value"]) for r in lr
      if r["column"] == "job_title"]
check(jt == [("k1/1/1", "k1/1/1/1", "1", "cook"), ("k1/1/1", "k1/1/1/2", "2", "driver, night"),
             ("k1/1/3", "k1/1/3/1", "1", "cashier"), ("k1/2/1", "k1/2/1/1", "1", "guard")],
      "without the form: the long file keys each job under its member", jt)
check(any(r["column"] == "age" and r["PARENT_KEY"] == "k1/1" and r["KEY"] == "k1/1/2"
          for r in lr), "and each member under its submission")
if xlsx:
    import openpyxl
    x = glob.glob(os.path.join(f, "opened-*.xlsx"))
    wb = openpyxl.load_workbook(x[0])
    # Sheet names are cut to 31 characters: find them by their columns.
    heads = {n: [c.value for c in wb[n][1]] for n in wb.sheetnames}
    js = [n for n, h in heads.items() if "job_title" in h]
    ms = [n for n, h in heads.items() if "age" in h and "PARENT_KEY" in h]
    check(len(wb.sheetnames) == 4 and len(js) == 1 and len(ms) == 1 and js != ms,
          "the workbook has a sheet per repeat, the inner one too", wb.sheetnames)
    ws = wb[js[0]]
    hdr = heads[js[0]]
    got = [(r[hdr.index("PARENT_KEY")], r[hdr.index("KEY")], r[hdr.index("instance")],
            r[hdr.index("job_hours")]) for r in ws.iter_rows(min_row=2, values_only=True)]
    check(got == [("k1/1/member[1]", "k1/1/member[1]/job[1]", 1, 30),
                  ("k1/1/member[1]", "k1/1/member[1]/job[2]", 2, 20),
                  ("k1/1/member[3]", "k1/1/member[3]/job[1]", 1, 45),
                  ("k1/2/member[1]", "k1/2/member[1]/job[1]", 1, 40)],
          "its rows and keys, numbers as numbers", got)
else:
    print("ok # skip python3-openpyxl is not installed")
sys.exit(1 if bad else 0)
EOF
ok $? "the office files of a nested repeat"
sed 's/^/# /' "$T/check"
done_testing
