#!/usr/bin/env python3
"""Tickets from the full-screen kiosk through a private cupsd (never the
system's): the printed ticket carries the same claim code as the screen and
the office CSV; with an offline or a disabled printer the visit still ends
with the code on screen, the job is cancelled and nothing prints later;
with no printer the ticket is saved where the screen says (save_dir), or,
with no save_dir either, the code stays on screen and no file holds it."""
import csv
import glob
import re
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import (Kiosk, Tap, Workdir, auto_visit,  # noqa: E402
                       grep_tree, private_cupsd, stop_cupsd,
                       submission_rows)

t = Tap()
cupsdir, cenv = private_cupsd(t)
outdir = cenv.get("TEST_CUPSD_OUT", os.path.join(cupsdir, "out"))


def jobs():
    return sorted(glob.glob(os.path.join(outdir, "*.pdf")))


def active_jobs(dest):
    r = subprocess.run(["lpstat", "-W", "not-completed", "-o", dest],
                       capture_output=True, text=True)
    return [l for l in r.stdout.splitlines() if l.strip()]


def visit(w, timeout_words):
    k = Kiosk(w.config, 100, 30, env=cenv)
    k.to_services()
    k.keys("1", "Enter")
    time.sleep(0.3)
    code, seen = auto_visit(k)
    s = k.wait(timeout_words, 40) or k.screen()
    return k, code, s


try:
    # A: a working printer.
    w = Workdir(printer="PDF", save_dir=False)
    before = jobs()
    k, code, s = visit(w, "Take your ticket")
    t.ok(code is not None and "Take your ticket" in s,
         "the ticket prints and the screen says so", s)
    end = time.time() + 20
    while time.time() < end and len(jobs()) == len(before):
        time.sleep(0.2)
    new = [j for j in jobs() if j not in before]
    t.ok(len(new) == 1, "one job reached the printer", new)
    text = ""
    if new:
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", new[0], "-"],
                              capture_output=True, text=True).stdout
    t.ok(code and code in text, "the printed ticket has the code on screen",
         text[:400])
    t.ok("Test Office" in text and "1 Test Street" in text,
         "office name and address on the ticket")
    k.keys("Enter")
    k.stop()
    _, _, out = w.export_open()
    rows = submission_rows(out)
    t.ok(len(rows) == 1 and rows[0]["claim_code"] == code,
         "the office CSV has the same claim code", rows)
    w.cleanup()

    # B, C: a printer that is offline, one that is disabled.
    for dest in ("Offline", "Disabled"):
        w = Workdir(printer=dest, save_dir=False,
                    extra_kiosk="")
        with open(w.config, "a") as f:
            f.write("timeout = 8\n")
        before = jobs()
        k, code, s = visit(w, "not working")
        t.ok(code is not None and "not working" in s and code in s,
             "%s: the visit ends with the code on screen and a message"
             % dest, s)
        time.sleep(1)
        log = open(os.path.join(w.data, "kiosk.log")).read()
        m = re.search(r"ticket sent to printer %s \(job (\d+)\)" % dest, log)
        t.ok(m is not None, "%s: the job was sent to the printer" % dest, log)
        job = m.group(1) if m else "none"
        done = subprocess.run(["lpstat", "-W", "completed", "-o", dest],
                              capture_output=True, text=True).stdout
        t.ok(not active_jobs(dest) and
             re.search(r"-%s\s" % job, done) is not None,
             "%s: job %s was cancelled" % (dest, job),
             [active_jobs(dest), done])
        k.keys("Enter")
        s = k.wait("Choose your language", 5)
        t.ok(s is not None and code not in s,
             "%s: after Enter the code is gone" % dest)
        k.stop()
        if dest == "Disabled":
            subprocess.run(["cupsenable", dest], capture_output=True)
            time.sleep(4)
            subprocess.run(["cupsdisable", dest], capture_output=True)
        t.ok(jobs() == before, "%s: nothing printed afterwards" % dest,
             [j for j in jobs() if j not in before])
        w.cleanup()

    # D: no printer, no save_dir: the code stays until confirmed, no file.
    w = Workdir(save_dir=False)
    k, code, s = visit(w, "write down your code")
    t.ok(code is not None and "write down your code" in s,
         "no printer: the screen asks to write the code down", s)
    time.sleep(3)
    t.ok(code in k.screen(), "the code stays on screen until Enter")
    k.keys("Enter")
    k.wait("Choose your language", 5)
    k.stop()
    t.ok(code not in grep_tree(w.dir, [code]) and
         not glob.glob(os.path.join(w.dir, "**", "*.pdf"), recursive=True),
         "no file holds the code")
    w.cleanup()

    # E: no printer, save_dir set: saved where the screen says.
    w = Workdir(save_dir=True)
    k, code, s = visit(w, "saved as a file")
    saved = glob.glob(os.path.join(w.tickets, "*.pdf"))
    t.ok(len(saved) == 1 and saved[0] in s.replace("\n", ""),
         "the ticket is saved in save_dir and the screen says where", s)
    if saved:
        text = subprocess.run(["pdftotext", saved[0], "-"],
                              capture_output=True, text=True).stdout
        t.ok(code in text, "the saved ticket has the claim code")
        t.ok(oct(os.stat(saved[0]).st_mode & 0o777) == "0o600",
             "the saved ticket is readable by the kiosk user only")
    k.keys("Enter")
    k.stop()
    w.cleanup()
finally:
    stop_cupsd(cupsdir)
t.done()
