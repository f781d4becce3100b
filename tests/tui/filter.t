#!/usr/bin/env python3
"""choice_filter on the full screen (issue 16): the resident changes a
parent answer from the review, the filtered child is asked again, and the
answer that no longer fits is gone from the review and from the office
CSV. The metadata rows reach the office as dates and the kiosk's name."""
import csv
import glob
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import (TOP, Kiosk, Tap, Workdir, csv_rows,  # noqa: E402
                       office_csvs)

t = Tap()
w = Workdir(langs="en es",
            forms=os.path.join(TOP, "tests", "forms", "data", "ui-filter"))
k = Kiosk(w.config, 90, 28)


def enter(expect=None):
    k.keys("Enter")
    return k.wait(expect, 5) if expect else (time.sleep(0.3) or k.screen())


try:
    k.wait("Choose your language", 10)
    k.keys("1", "Enter")
    k.wait("What do you need today?", 5)
    k.keys("1")
    s = enter("Which county")
    t.ok(s is not None, "the parent question", k.screen())
    k.keys("1")
    s = enter("Which city")
    t.ok(s is not None and "Paterson" in s and "Hackensack" not in s,
         "the child shows the cities of Passaic only", k.screen())
    k.keys("1")
    s = enter("Check your answers")
    t.ok(s is not None and "Paterson" in s, "the review has Paterson",
         k.screen())
    # Change the county from the review.
    k.keys("Up")
    k.keys("Up")
    s = enter("Which county")
    t.ok(s is not None, "the county is changed from the review", k.screen())
    k.keys("2")
    s = enter("Which city")
    t.ok(s is not None and "Hackensack" in s and "Paterson" not in s,
         "the filtered child is asked again, with Bergen's cities",
         k.screen())
    s = enter("Check your answers")
    t.ok(s is not None and "Bergen" in s and "Paterson" not in s,
         "the stale answer is gone from the review", k.screen())
    s = enter("saved and sealed")
    t.ok(s is not None, "sent", k.screen())
    k.keys("F10")
finally:
    k.stop()

usb = os.path.join(w.dir, "usb")
os.makedirs(usb)
w.export(usb)
out = os.path.join(w.dir, "opened")
r = w.open(out, glob.glob(os.path.join(usb, "*.kib")))
rows = []
for f in office_csvs(out):       # submission rows, not the codebook
    rows += csv_rows(f)
row = rows[0] if rows else {}
t.ok(len(rows) == 1, "one row at the office", r.stderr)
t.ok(row.get("county") == "bergen" and row.get("city") == "",
     "the office CSV has the new county and no stale city", row)
t.ok("paterson" not in row.values(), "Paterson is nowhere in the record",
     row)
t.ok(row.get("deviceid") == "test-kiosk" and row.get("username") == "",
     "metadata: deviceid is the kiosk's name; no volunteer, no username",
     row)
t.ok(len(row.get("start", "")) == 10 and row.get("start") == row.get("today"),
     "metadata: start is a date, never a time of day", row)
w.cleanup()
t.done()
