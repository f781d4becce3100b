#!/usr/bin/env python3
"""The Municipal ID checklist: the papers the resident said they have
(store=no answers, never stored) are listed on the ticket screen and on the
printed ticket, exactly those and no others; the next steps are on the
ticket screen too, so a resident without a printed ticket leaves with
them. The office's CSV has no document list."""
import csv
import glob
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import (TOP, Kiosk, Tap, Workdir, auto_visit,  # noqa: E402
                       submission_rows)

t = Tap()


def choices(list_name):
    rows = list(csv.reader(open(os.path.join(TOP, "forms",
                                             "municipal-id.csv"),
                                encoding="utf-8")))
    out, in_choices = [], False
    for r in rows:
        if r and r[0] == "choices":
            in_choices = True
            continue
        if in_choices and r and r[0] and r[0] != "choices":
            break
        if in_choices and len(r) > 3 and r[1] == list_name:
            out.append((r[2], r[3]))
    return out


ID = choices("id_docs")
RES = choices("res_docs")
w = Workdir(langs="en")
k = Kiosk(w.config, 100, 30)
try:
    k.to_services()
    k.keys("1", "Enter")
    time.sleep(0.3)
    # Notes, then age and city, up to the identity papers.
    for _ in range(8):
        s = k.screen()
        if "[ ]" in s:
            break
        if "( )" in s or "(•)" in s:
            k.keys("3" if "65" in s else "1", "Enter")
        else:
            k.keys("Enter")
        time.sleep(0.4)
    k.keys("1", "3", "Enter")            # passport and consular ID
    time.sleep(0.5)
    k.keys("1", "3", "Enter")            # lease and utility bill
    time.sleep(0.5)
    code, seen = auto_visit(k)
    s = k.screen()
    t.ok(code is not None, "the visit ends with a claim code", s)
    t.ok(any("%s; %s" % (ID[0][1], ID[2][1][:10]) in " ".join(x.split())
             for x in seen),
         "the review joins ticked options with the language's separator",
         [x for x in seen if "Check your answers" in x])
    chosen = [ID[0][1], ID[2][1], RES[0][1], RES[2][1]]
    t.ok(all(c[:30] in s for c in chosen),
         "the ticket screen lists the papers chosen", s)
    t.ok("Next steps" in s, "the ticket screen shows the next steps", s)
    k.keys("Enter")
    time.sleep(0.3)
finally:
    k.stop()

pdfs = glob.glob(os.path.join(w.tickets, "*.pdf"))
t.ok(len(pdfs) == 1, "one ticket saved", pdfs)
text = subprocess.run(["pdftotext", "-layout", pdfs[0], "-"],
                      capture_output=True, text=True).stdout if pdfs else ""
flat = " ".join(text.split())
for name, label in ID + RES:
    if name == "none":
        continue
    want = (name, label) in (ID[0], ID[2], RES[0], RES[2])
    t.ok((" ".join(label.split()) in flat) == want,
         "ticket %s %s" % ("lists" if want else "does not list", label),
         text)
_, _, out = w.export_open()
rows = submission_rows(out)
t.ok(len(rows) == 1 and not any(c in ("id_docs", "res_docs") or
                                c.startswith(("id_docs/", "res_docs/"))
                                for c in rows[0]),
     "the office's CSV has no document list", rows)
w.cleanup()
t.done()
