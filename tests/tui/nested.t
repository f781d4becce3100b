#!/usr/bin/env python3
"""A repeat inside a repeat on the resident's screens (issue 16), at 60x20
and at 100x30: each household member has jobs of their own; "add another
job?" comes inside the member, "add another member?" after; the second
member's jobs start again at 1; F4 on a job takes out that job only, F4
on a member's own page takes out the member with all its jobs; Back
after that; the review lists every job. At the office each job is a row
of the job file, keyed under its member's row."""
import glob
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import TOP, Kiosk, Tap, Workdir, csv_rows, office_csvs  # noqa: E402

t = Tap()


def visit(w, cols, rows, office):
    k = Kiosk(w.config, cols, rows)
    size = "%dx%d: " % (cols, rows)

    def enter(expect=None):
        k.keys("Enter")
        return k.wait(expect, 5) if expect else (time.sleep(0.3) or k.screen())

    try:
        k.wait("Choose your language", 10)
        k.keys("1", "Enter")
        k.wait("What do you need today?", 5)
        k.keys("1")
        enter("Household jobs")
        enter("First name of this person")
        k.type("Ana")
        s = enter("Job 1 of Ana")
        t.ok(s is not None, size + "the first member's first job", k.screen())
        k.type("cook")
        s = enter("Add another")
        t.ok(s is not None and "Job of Ana?" in s,
             size + "add another job, in the member's words", k.screen())
        k.keys("1")
        s = enter("Job 2 of Ana")
        t.ok(s is not None, size + "a second job of the same member",
             k.screen())
        k.type("driver")
        enter("Add another")
        s = enter("Jobs of Ana: 2")
        t.ok(s is not None, size + "No goes on inside the member; "
             "count(${job}) there is its own jobs", k.screen())
        s = enter("Add another")
        t.ok(s is not None and "Household member?" in s,
             size + "then add another member", k.screen())
        k.keys("1")
        enter("First name of this person")
        k.type("Bo")
        s = enter("Job 1 of Bo")
        t.ok(s is not None and "cook" not in s and "driver" not in s,
             size + "the second member's jobs start again at 1, empty",
             k.screen())
        k.type("nurse")
        k.keys("F4")
        s = k.wait("Remove Job of Bo 1?", 5)
        t.ok(s is not None and "Yes, remove it" in s,
             size + "F4 on a job asks to remove that job", k.screen())
        k.keys("Up")
        s = enter("Add another")
        t.ok(s is not None and "Job of Bo?" in s and "nurse" not in s,
             size + "the job is gone; the member stays", k.screen())
        s = enter("Jobs of Bo: 0")
        t.ok(s is not None, size + "Bo has no job now", k.screen())
        enter("Add another")
        # A third member with a job, taken out whole from its own page.
        k.keys("1")
        enter("First name of this person")
        k.type("Cy")
        enter("Job 1 of Cy")
        k.type("guard")
        enter("Add another")
        s = enter("Jobs of Cy: 1")
        k.keys("F4")
        s = k.wait("Remove Household member 3?", 5)
        t.ok(s is not None, size + "F4 on a member's page asks to remove "
             "the member", k.screen())
        k.keys("Up")
        s = enter("Add another")
        t.ok(s is not None and "Household member?" in s and "Cy" not in s,
             size + "the member is gone, with its job", k.screen())
        k.keys("Escape")
        s = k.wait("Jobs of Bo: 0", 5)
        t.ok(s is not None, size + "Back goes to the member before",
             k.screen())
        enter("Add another")
        s = enter("Jobs in your household: 2")
        t.ok(s is not None, size + "count(${job}) outside: every member's "
             "jobs", k.screen())
        s = enter("Check your answers")
        hist = k.screen() or ""
        # The review may scroll on a small screen: up through its four
        # answers (Ana, cook, driver, Bo), then back down to Send.
        for _ in range(4):
            k.keys("Up")
            hist += k.screen()
        for _ in range(4):
            k.keys("Down")
        t.ok(s is not None and all(x in hist for x in
                                   ("Ana", "cook", "driver", "Bo")) and
             "Cy" not in hist and "guard" not in hist and "nurse" not in hist,
             size + "the review lists every job, and nothing removed", hist)
        # Change the second job of the first member from the review.
        k.keys("Up", "Up")
        s = enter("Job 2 of Ana")
        t.ok(s is not None and "driver" in s, size + "the review opens "
             "the job's own page", k.screen())
        for _ in range(6):
            k.keys("BSpace")
        k.type("baker")
        s = enter("Check your answers")
        for _ in range(5):
            k.keys("Down")
        s = k.screen()
        t.ok(s is not None and "baker" in s and "driver" not in s,
             size + "and goes back to the review with the change", s)
        k.keys("Enter")
        s = k.wait("saved and sealed", 10)
        t.ok(s is not None, size + "sent", k.screen())
    finally:
        k.stop()
    if not office:
        return
    usb = os.path.join(w.dir, "usb")
    os.makedirs(usb)
    w.export(usb)
    out = os.path.join(w.dir, "opened")
    r = w.open(out, glob.glob(os.path.join(usb, "*.kib")))
    ents = {}
    for f in office_csvs(out, "PARENT_KEY"):
        ents[os.path.basename(f)] = csv_rows(f)
    jobs = ents.get("jobs-v1-job.csv", [])
    mem = ents.get("jobs-v1-member.csv", [])
    t.ok([(m["KEY"], m["first"]) for m in mem] ==
         [("test-kiosk/1/member[1]", "Ana"), ("test-kiosk/1/member[2]", "Bo")],
         "office: a row per member", (r.stderr, ents))
    t.ok([(j["PARENT_KEY"], j["KEY"], j["title"]) for j in jobs] ==
         [("test-kiosk/1/member[1]", "test-kiosk/1/member[1]/job[1]", "cook"),
          ("test-kiosk/1/member[1]", "test-kiosk/1/member[1]/job[2]", "baker")],
         "office: a row per job, under its member", jobs)


for cols, rows, office in ((60, 20, False), (100, 30, True)):
    w = Workdir(langs="en es",
                forms=os.path.join(TOP, "tests", "data", "ui-nested"))
    try:
        visit(w, cols, rows, office)
    finally:
        w.cleanup()
t.done()
