#!/usr/bin/env python3
"""Where am I, inside repeats (issue 16): a page inside a repeat shows,
under the title bar, each repeat's label (the form's, in the resident's
language) with its instance number (in the resident's digits), outermost
first: "Household member 2 › Job of … 1". A ${name} in a repeat's label
is shown as "…", never filled in: the line names no answer. Too wide for
the screen, the outer levels give way to "…" and the answer field stays
on screen. Outside repeats there is no such line. In English at 60x20
and 100x30, in Arabic at 60x20 with bidi = terminal (logical order) and
bidi = app (reordered here, right-aligned)."""
import os
import re
import sys
import time
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import TOP, Kiosk, Tap, Workdir  # noqa: E402

t = Tap()
ISOLATES = re.compile("[\u2066-\u2069\u200e\u200f\ufeff]")
FORMS = os.path.join(TOP, "tests", "data", "ui-where")
MEMBER = "Household member, and everyone else who lives here"


def row(s, n):
    lines = (s or "").split("\n")
    return ISOLATES.sub("", lines[n]) if n < len(lines) else ""


def english(cols, rows):
    w = Workdir(langs="en ar", forms=FORMS)
    k = Kiosk(w.config, cols, rows)
    size = "en %dx%d: " % (cols, rows)
    wide = cols >= 100
    try:
        k.to_services("1")
        k.keys("1")
        s = k.enter("Your household")
        t.ok(s is not None and row(s, 1).strip() == "",
             size + "no line outside repeats", s)
        s = k.enter("First name of this person")
        want = (MEMBER + " 1") if wide else None
        t.ok(s is not None and (row(s, 1).strip() == want if wide else
                                row(s, 1).strip() == "… 1" or
                                row(s, 1).strip().endswith(" 1") and
                                len(row(s, 1).rstrip()) <= cols - 2),
             size + "the member's page says where", s)
        k.type("Ana")
        s = k.enter("What work does Ana do?")
        line = row(s, 1).strip()
        want = (MEMBER + " 1 › Job of … 1") if wide else "… › Job of … 1"
        t.ok(line == want, size + "the job's page: %r" % want, s)
        t.ok("Ana" not in line, size + "the line names no answer", s)
        k.type("cook")
        s = k.enter("Add another")
        want = (MEMBER + " 1") if wide else None
        t.ok(s is not None and (row(s, 1).strip() == want if wide else
                                row(s, 1).strip().endswith(" 1")),
             size + "\"add another job?\" is inside the member", s)
        k.keys("1")
        s = k.enter("What work does Ana do?")
        want = (MEMBER + " 1 › Job of … 2") if wide else "… › Job of … 2"
        t.ok(row(s, 1).strip() == want, size + "the second job: %r" % want,
             s)
        k.type("driver")
        k.enter("Add another")
        s = k.enter("Add another")
        t.ok(s is not None and row(s, 1).strip() == "",
             size + "\"add another member?\" is outside: no line", s)
        k.keys("1")
        k.enter("First name of this person")
        k.type("Bo")
        s = k.enter("What work does Bo do?")
        want = (MEMBER + " 2 › Job of … 1") if wide else "… › Job of … 1"
        t.ok(row(s, 1).strip() == want and "Bo" not in row(s, 1),
             size + "the second member's first job: %r" % want, s)
        lines = s.split("\n")
        lab = [i for i, x in enumerate(lines) if "What work does Bo" in x]
        t.ok(len(lab) == 1 and lab[0] == 2 and len(lines) >= rows - 1,
             size + "the question stays under the line, its field below",
             s)
        k.type("nurse")
        k.enter("Add another")
        k.enter("Add another")
        s = k.enter("Anything else?")
        t.ok(s is not None and row(s, 1).strip() == "",
             size + "after the repeats: no line", s)
    finally:
        k.stop()
        w.cleanup()


def nfkc(s):
    # fribidi shapes Arabic into presentation forms; NFKC undoes that.
    return unicodedata.normalize("NFKC", s)


def arabic(bidi, cols, rows):
    w = Workdir(langs="en ar", forms=FORMS, extra_kiosk="bidi = " + bidi)
    k = Kiosk(w.config, cols, rows)
    size = "ar bidi=%s %dx%d: " % (bidi, cols, rows)
    logical = "فرد من الأسرة ٢ › عمل … ١"
    try:
        k.wait("Choose your language", 10)
        k.keys("2", "Enter")
        time.sleep(0.5)
        k.keys("1")
        s = k.enter()
        time.sleep(0.3)
        s = k.screen()
        t.ok(row(s, 2).strip() != "" and row(s, 1).strip() == "",
             size + "no line outside repeats", s)
        k.enter()
        k.type("Ana")
        k.enter()
        k.type("cook")
        k.enter()
        k.keys("Down")          # No, go on
        k.enter()
        k.keys("Up")            # Yes, add another member
        k.enter()
        k.type("Bo")
        s = k.enter()
        time.sleep(0.3)
        s = k.screen()
        line = nfkc(row(s, 1))
        if bidi == "terminal":
            t.ok(line.strip() == nfkc(logical), size + "the line in Arabic, "
                 "Arabic-Indic digits, logical order", s)
        else:
            # Visual order: the numbers at the left of each label, the
            # arrow mirrored, the line ending at the right margin.
            t.ok(line.strip().startswith("١ ... ") and "‹ ٢ " in line and
                 len(row(s, 1).rstrip()) == cols - 2,
                 size + "reordered and right-aligned", s)
        t.ok("Bo" not in row(s, 1), size + "names no answer", s)
        if bidi == "terminal":
            # F4 asks to remove this job: its number in the same digits
            # as the line above (it was "1", ASCII, before).
            k.keys("F4")
            time.sleep(0.3)
            s = k.screen()
            ask = [nfkc(r) for r in s.split("\n") if "؟" in r]
            t.ok(len(ask) == 1 and "١" in ask[0] and "1" not in ask[0]
                 and "Bo" in ask[0],
                 size + "the remove question gives the job's number in "
                 "Arabic-Indic digits, the label as the page shows it", s)
            k.keys("Down")      # No, keep it
            k.enter()
    finally:
        k.stop()
        w.cleanup()


for cols, rows in ((60, 20), (100, 30)):
    english(cols, rows)
for bidi in ("terminal", "app"):
    arabic(bidi, 60, 20)
t.done()
