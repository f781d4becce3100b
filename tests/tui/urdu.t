#!/usr/bin/env python3
"""An Urdu visit from end to end, on the real binary in tmux: Urdu chosen
with an Urdu digit, a service, answers typed in Urdu digits (۰-۹), the
review showing them back in Urdu digits, Send, the ticket screen and the
printed ticket (pdftotext): Urdu text, the office in Urdu from [office]
name.ur / hours.ur, numbers in order, no answer and no hidden service
name on it; the office's CSV holds ASCII digits. U-visa at 100x30, legal
help at the minimum 60x20. (print/rtl.t checks the Urdu ticket's layout
from a sample; this is the same through a resident's visit.)"""
import csv
import glob
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kiosktest  # noqa: E402
from kiosktest import (TOP, Kiosk, Tap, Workdir, auto_visit,  # noqa: E402
                       submission_rows)

t = Tap()
ISOLATES = re.compile("[\u2066-\u2069]")
OFFICE_UR = "امیگرنٹ امور کا دفتر"
HOURS_UR = "پیر سے جمعہ، 9:00 سے 17:00"


def ur(s):
    return "".join(chr(0x06f0 + int(c)) if c.isdigit() else c for c in s)


def settings(form):
    rows = list(csv.reader(open(os.path.join(TOP, "forms", form + ".csv"),
                                encoding="utf-8")))
    i = [n for n, r in enumerate(rows) if r and r[0] == "settings"][0]
    return dict(zip(rows[i + 1], rows[i + 2]))


def pdf_text(path, *opt):
    return subprocess.run(["pdftotext"] + list(opt) + [path, "-"],
                          capture_output=True, text=True).stdout


PHONE, YEAR, DATE = "973-555-0144", "2021", "2027-01-20"
w = Workdir(langs="en ur")
cfg = open(w.config).read().replace(
    "hours = Mon-Fri 9-5\n", "hours = Mon-Fri 9-5\nname.ur = %s\n"
    "hours.ur = %s\n" % (OFFICE_UR, HOURS_UR))
open(w.config, "w").write(cfg)
codes = []
try:
    for form, name, cols, rows in [("4", "u-visa", 100, 30),
                                   ("2", "legal-help", 60, 20)]:
        where = "%s %dx%d" % (name, cols, rows)
        st = settings(name)
        k = Kiosk(w.config, cols, rows)
        try:
            k.wait("1. ", 10)
            k.type(ur("2"))                 # Urdu, chosen in Urdu digits
            k.keys("Enter")
            s = k.wait(st["form_title::اردو (ur)"][:12], 5)
            t.ok(s is not None, "%s: the service screen is in Urdu" % where,
                 k.screen())
            k.type(ur(form))
            k.keys("Enter")
            time.sleep(0.4)
            kiosktest.TEXT_TRIES[:] = [ur(PHONE), ur(YEAR), ur(DATE), ""]
            auto_visit(k, info=True, pick="last" if form == "4" else "first")
            s = k.screen()
            t.ok(kiosktest.page_counter(s) is None and "▶" in s and
                 "جواب" in s, "%s: the review screen, in Urdu" % where, s)
            seen = []
            for _ in range(25):
                seen.append(ISOLATES.sub("", k.screen()))
                k.keys("Up")
            text = "\n".join(seen)
            want = [ur("(973) 555-0144"), ur(YEAR)] if form == "4" else \
                [ur(DATE)]
            t.ok(all(x in text for x in want), "%s: the review shows %s"
                 % (where, ", ".join(want)), text[-2500:])
            t.ok(not re.search(r"2021|2027-01-20|555-0144", text),
                 "%s: no answer is shown back in 0-9" % where, text[-2500:])
            k.keys("End")
            k.keys("Enter")                 # Send
            s = None
            for _ in range(50):
                s = ISOLATES.sub("", k.screen())
                if kiosktest.CODE.search(s):
                    break
                time.sleep(0.2)
            m = kiosktest.CODE.search(s)
            t.ok(m is not None, "%s: sent; the ticket screen shows the "
                 "claim code" % where, s)
            code = m.group(1) if m else "none"
            codes.append(code)
            steps = []
            for _ in range(25):
                steps.append(ISOLATES.sub("", k.screen()))
                k.keys("Down")
            t.ok(steps[0].count("اگلے قدم") == 1, "%s: \"Next steps\" "
                 "(اگلے قدم) once, not twice" % where, steps[0])
            flat = " ".join(" ".join(steps).split())
            t.ok("(973) 555-010" in flat and HOURS_UR in flat,
                 "%s: the ticket screen gives the next steps' phone and "
                 "the office's hours in Urdu" % where, steps[-1])
            k.keys("Enter")
            k.wait("1. ", 10)
        finally:
            k.stop()
        pdfs = sorted(glob.glob(os.path.join(w.tickets, "*.pdf")),
                      key=os.path.getmtime)
        t.ok(len(pdfs) == len(codes), "%s: the ticket is printed (saved)"
             % where, pdfs)
        pdf = pdfs[-1] if pdfs else ""
        text = pdf_text(pdf) if pdf else ""
        raw = pdf_text(pdf, "-raw") if pdf else ""
        flat = " ".join(ISOLATES.sub("", text).split())
        # pdftotext cannot tell Nastaliq's words apart: compare letters.
        letters = re.sub(r"[\s\u202a-\u202e\u2066-\u2069]", "", text)
        t.ok(code in flat and OFFICE_UR.replace(" ", "") in letters and
             "ٹکٹ" in letters, "%s: the ticket has the code, the "
             "office's Urdu name and Urdu text" % where, text)
        t.ok("(973) 555-010" in raw and "9:00" in raw and "17:00" in raw,
             "%s: its phone number and hours read in order (-raw)" % where,
             raw)
        t.ok("Next steps (English, for staff)" in raw,
             "%s: with the English lines for staff" % where, text)
        t.ok(st["form_title::اردو (ur)"] not in flat and
             st["form_title::English (en)"] not in flat,
             "%s: the hidden service is not named" % where, text)
        t.ok(not re.search("555-?0144|2021|2027-01-20|" +
                           "|".join(map(re.escape, [ur("0144"), ur(YEAR),
                                                    ur(DATE)])), flat),
             "%s: no answer on the ticket" % where, text)
finally:
    pass

_, _, out = w.export_open()
rows = submission_rows(out)
t.ok(sorted(r["claim_code"] for r in rows) == sorted(codes) and
     all(r["language"] == "ur" for r in rows),
     "the office opens both Urdu submissions by their codes", rows)
vals = [v for r in rows for v in r.values()]
t.ok(YEAR in vals and DATE in vals and
     any(v.replace("-", "") == PHONE.replace("-", "") for v in vals) and
     not re.search("[\u06f0-\u06f9]", repr(vals)),
     "the CSV holds the year, the date and the phone in ASCII digits",
     rows)
w.cleanup()
t.done()
