#!/usr/bin/env python3
"""Know your rights: the pages say they can be printed (F7, also a tap
target), and F7 prints them as a take-away sheet through the ticket's
printer path (saved as a PDF here): the pages' text in the resident's
language, no claim code, no answer, nothing about the resident."""
import glob
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import CODE, Kiosk, Tap, Workdir  # noqa: E402

t = Tap()
w = Workdir(langs="en ar")
k = Kiosk(w.config, 100, 30)
try:
    for li, lang, hint, done in (("1", "en", "F7: print these pages",
                                  "saved as a file"),
                                 ("2", "ar", "F7: اطبع هذه الصفحات",
                                  "حُفظت الصفحات")):
        k.wait("1. ", 10)
        k.keys(li, "Enter")
        time.sleep(0.4)
        k.keys("5", "Enter")
        s = k.wait(hint, 5)
        t.ok(s is not None, "%s: the pages say they can be printed" % lang,
             k.screen())
        k.keys("Enter")
        time.sleep(0.3)
        k.keys("F7")
        s = k.wait(done, 20)
        t.ok(s is not None, "%s: F7 prints them" % lang, k.screen())
        k.keys("F10")
        time.sleep(0.5)
finally:
    k.stop()

sheets = sorted(glob.glob(os.path.join(w.tickets, "sheet-*.pdf")),
                key=os.path.getmtime)
t.ok(len(sheets) == 2, "two sheets saved", sheets)
texts = [subprocess.run(["pdftotext", "-raw", p, "-"], capture_output=True,
                        text=True).stdout for p in sheets]
en = texts[0] if texts else ""
ar = texts[1] if len(texts) > 1 else ""
t.ok("Know your rights" in en and "(973) 555-0102" in en,
     "the English sheet has the pages' text", en)
t.ok("(973) 555-0102" in ar and "Know your rights" not in ar,
     "the Arabic sheet is in Arabic, the phone number in order", ar)
t.ok(not any(CODE.search(x) for x in texts) and
     not any("claim" in x.lower() for x in texts),
     "no claim code on a sheet")
t.ok(not glob.glob(os.path.join(w.tickets, "ticket-*.pdf")),
     "no ticket was made")
w.cleanup()
t.done()
