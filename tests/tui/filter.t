#!/usr/bin/env python3
"""choice_filter on the full screen (issue 16): the resident changes a
parent answer from the review, the filtered child is asked again, and the
answer that no longer fits is gone from the review and from the office
CSV. The metadata rows reach the office as dates and the kiosk's name."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import (TOP, Kiosk, Tap, Workdir,  # noqa: E402
                       submission_rows)

t = Tap()
w = Workdir(langs="en es",
            forms=os.path.join(TOP, "tests", "forms", "data", "ui-filter"))
k = Kiosk(w.config, 90, 28)
enter = k.enter

try:
    k.to_services()
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

_, r, out = w.export_open()
rows = submission_rows(out)      # submission rows, not the codebook
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
