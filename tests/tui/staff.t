#!/usr/bin/env python3
"""Volunteers and staff at the kiosk: an assisted session shows up as
assisted in the office CSV; the staff menu exports to a (tmpfs) USB stick
and reads the office's acknowledgement; five wrong PINs lock the prompt; a
resize to 40x10 shows the enlarge screen and back keeps the session."""
import csv
import glob
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import csv_rows, office_csvs, KIOSK, Kiosk, Tap, Workdir, run  # noqa: E402

t = Tap()
media = None
w = Workdir(langs="en es")
media = os.path.join(w.dir, "media")
stick = os.path.join(media, "STICK")
os.makedirs(stick)
with open(w.config, "a") as f:
    pass
with open(w.config) as f:
    text = f.read()
with open(w.config, "w") as f:
    f.write(text.replace("[office]", "usb_roots = %s\n[office]" % media))

pins = os.path.join(w.dir, "pins")
with open(pins, "w") as f:
    f.write("482105\n")
r = run([KIOSK, "pin", "set", "volunteer", "7", "--config", w.config,
         "--pin-file", pins])
t.ok(r.returncode == 0, "kiosk pin set volunteer 7", r.stderr)
with open(pins, "w") as f:
    f.write("991193\n")
r = run([KIOSK, "pin", "set", "staff", "--config", w.config,
         "--pin-file", pins])
t.ok(r.returncode == 0, "kiosk pin set staff", r.stderr)
cfg = open(w.config).read()
t.ok("482105" not in cfg and "991193" not in cfg and "$argon2id$" in cfg,
     "only PIN hashes are in the config")
r = run([KIOSK, "pin", "set", "staff", "--config", w.config])
t.ok(r.returncode != 0, "no PIN without a terminal or a file")

mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs",
                          stick], capture_output=True).returncode == 0

k = Kiosk(w.config, 100, 30)
try:
    k.wait("Choose your language", 10)
    # Volunteer: F5, number, PIN.
    k.keys("F5")
    s = k.wait("volunteer number", 5)
    t.ok(s is not None, "F5 asks for the volunteer number", k.screen())
    k.type("7")
    k.keys("Enter")
    s = k.wait("PIN", 5)
    k.type("482105")
    k.keys("Enter")
    time.sleep(0.5)
    k.keys("1", "Enter")
    s = k.wait("What do you need today?", 5)
    t.ok(s is not None and "assisted by volunteer 7" in s,
         "the session is marked as assisted on screen", k.screen())
    # A short visit: not living in the city leads straight to review.
    k.keys("1", "Enter")
    time.sleep(0.3)
    k.keys("Enter", "Enter", "3", "Enter", "2", "Enter")
    time.sleep(0.3)
    # Resize to 40x10 mid-visit and back.
    k.resize(40, 10)
    s = k.wait("larger", 5)
    t.ok(s is not None, "40x10 shows the enlarge screen", k.screen())
    k.resize(100, 30)
    s = k.wait("live in Passaic", 5)
    t.ok(s is not None, "back to 100x30, the same page returns", k.screen())
    k.keys("Enter")
    s = k.wait("Check your answers", 5)
    k.keys("Enter")
    s = k.wait("saved and sealed", 10)
    t.ok(s is not None, "assisted submission saved", k.screen())
    k.keys("Enter")
    k.wait("Choose your language", 5)

    # Staff menu: export to the stick.
    k.keys("F9")
    s = k.wait("staff PIN", 5)
    t.ok(s is not None, "F9 asks for the staff PIN", k.screen())
    k.type("991193")
    k.keys("Enter")
    s = k.wait("Staff menu", 5)
    t.ok(s is not None, "the right PIN opens the staff menu", k.screen())
    t.ok(s is not None and "waiting for the office: 1" in s,
         "the menu shows the number of submissions waiting", s)
    t.ok(s is not None and "identity" in s, "and the kiosk's identity")
    if mounted:
        k.keys("1", "Enter")
        s = k.wait("Exported", 10)
        t.ok(s is not None and "verified" in s,
             "export to the stick, read back and verified", k.screen())
        batches = glob.glob(os.path.join(stick, "*.kib"))
        t.ok(len(batches) == 1, "one batch on the stick", batches)
        out = os.path.join(w.dir, "opened")
        r = w.open(out, batches)
        t.ok(r.returncode == 0, "the office opens it", r.stderr)
        rows = []
        for c in office_csvs(out):
            rows += csv_rows(c)
        t.ok(len(rows) == 1 and rows[0].get("assisted_by") == "7",
             "the office CSV shows the session as assisted by volunteer 7",
             rows)
        acks = glob.glob(os.path.join(out, "*.ack"))
        for a in acks:
            subprocess.run(["cp", a, stick])
        k.keys("2", "Enter")
        s = k.wait("Acknowledgement accepted", 10)
        t.ok(s is not None, "the staff menu reads the acknowledgement",
             k.screen())
        s = k.wait("waiting for the office: 0", 5)
        t.ok(s is not None, "nothing waits after the acknowledgement",
             k.screen())
    else:
        t.ok(True, "# SKIP cannot mount a tmpfs to stand in for a stick")
    k.keys("Escape")
    s = k.wait("Choose your language", 5)
    t.ok(s is not None, "Esc leaves the staff menu", k.screen())

    # Five wrong PINs lock the prompt.
    k.keys("F9")
    k.wait("staff PIN", 5)
    for _ in range(5):
        k.type("0000")
        k.keys("Enter")
        time.sleep(0.3)
    s = k.wait("Too many wrong PINs", 10)
    t.ok(s is not None, "five wrong PINs lock the prompt", k.screen())
    k.type("991193")
    k.keys("Enter")
    time.sleep(0.5)
    s = k.screen()
    t.ok("Staff menu" not in s and "Too many wrong PINs" in s,
         "while locked even the right PIN does nothing", s)
    k.keys("Escape")
    t.ok(not k.dead(), "still running")
finally:
    k.stop()
    if mounted:
        subprocess.run(["umount", "-l", stick], capture_output=True)
    w.cleanup()
t.done()
