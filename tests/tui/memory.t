#!/usr/bin/env python3
"""After a session is wiped (sent, or erased with F10), nothing the
resident typed remains in the kiosk process's memory: take a core image of
the running kiosk with gcore and search it."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import (Kiosk, Tap, Workdir, kiosk_pid,  # noqa: E402
                       live_memory)

t = Tap()
if subprocess.run(["which", "gcore"], capture_output=True).returncode != 0:
    t.skip_all("gcore (gdb) is not installed")

SENT_NAME = "Quizzleforth"
SENT_PHONE = "973-555-0177"
ERASED = "Zanzibarquux"

w = Workdir(langs="en es")
k = Kiosk(w.config, 100, 30)
core = os.path.join(w.dir, "core")
try:
    k.wait("Choose your language", 10)
    k.keys("1", "Enter")
    k.wait("What do you need today?", 5)
    k.keys("1", "Enter", "Enter", "Enter", "3", "Enter", "1", "Enter", "1",
           "Enter", "1", "Enter", "Enter", "Enter", "1", "Enter", "2",
           "Enter", "1", "Enter", "Enter", "3", "Enter")
    k.type(SENT_PHONE)
    k.keys("Enter")
    k.type(SENT_NAME)
    k.keys("Enter", "Enter")
    s = k.wait("Check your answers", 5)
    t.ok(s is not None and SENT_NAME in s, "first visit reaches review",
         k.screen())
    k.keys("Enter")
    s = k.wait("saved and sealed", 10)
    t.ok(s is not None, "first visit sent", k.screen())
    k.keys("Enter")
    k.wait("Choose your language", 5)
    # Second visit: typed, then erased with F10 before sending.
    k.keys("1", "Enter")
    k.wait("What do you need today?", 5)
    k.keys("1", "Enter", "Enter", "Enter", "3", "Enter", "1", "Enter", "1",
           "Enter", "1", "Enter", "Enter", "Enter", "1", "Enter", "2",
           "Enter", "1", "Enter", "Enter", "3", "Enter")
    k.type("973-555-0188")
    k.keys("Enter")
    k.type(ERASED)
    time.sleep(0.3)
    t.ok(ERASED in k.screen(), "second visit typed a name", k.screen())
    # Control: while the visit is open the name must be found in the live
    # memory, or this test could not fail.
    t.ok(ERASED.encode() in live_memory(kiosk_pid(w)),
         "control: an open visit's name is found in the process's memory")
    k.keys("F10")
    s = k.wait("Choose your language", 5)
    t.ok(s is not None and ERASED not in k.history(),
         "F10 leaves nothing on screen")
    time.sleep(0.5)
    pid = kiosk_pid(w)
    r = subprocess.run(["gcore", "-o", core, str(pid)], capture_output=True,
                       text=True, timeout=120)
    cores = [f for f in os.listdir(w.dir) if f.startswith("core")]
    t.ok(cores, "gcore took a core image of the running kiosk",
         r.stdout[-500:] + r.stderr[-500:])
    data = b""
    for c in cores:
        with open(os.path.join(w.dir, c), "rb") as f:
            data += f.read()
    t.ok(len(data) > 100000, "the core image has the process's memory")
    for needle, what in ((SENT_NAME, "the sent name"),
                         (SENT_PHONE, "the sent phone number"),
                         (ERASED, "the erased name"),
                         ("973-555-0188", "the erased phone number")):
        hits = [enc for enc in ("utf-8", "utf-32-le")
                if needle.encode(enc) in data]
        t.ok(not hits, "%s is not in memory" % what, hits)
    live = live_memory(pid)
    t.ok(len(live) > 1000000, "read the live memory, secure pages included")
    for needle in (SENT_NAME, SENT_PHONE, ERASED, "973-555-0188"):
        t.ok(needle.encode() not in live,
             "%s is not in live memory (secure pages included)" % needle)
    t.ok(not k.dead(), "the kiosk kept running")
finally:
    k.stop()
    w.cleanup()
t.done()
