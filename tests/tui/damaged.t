#!/usr/bin/env python3
"""Staff see a damaged submission on the screen, not only in the log
(issue 13, item 2): one sealed record of five is flipped in kiosk.db; the
staff menu's export succeeds for the others and names the damaged one on
screen; the office opens the rest and reports that one lost. The demo stick
folder stands in for a USB stick."""
import glob
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import KIOSK, Kiosk, Tap, Workdir, run  # noqa: E402

t = Tap()
w = Workdir(langs="en", extra_kiosk="demo = yes\ndemo_stick = stick")
stick = os.path.join(w.dir, "stick")
env = dict(os.environ, KIOSK_TEST="1", KIOSK_TEST_FAST_KDF="1")
r = run([KIOSK, "export", "--config", w.config, "--test-submit", "5"],
        env=env)
t.ok(r.returncode == 0, "five submissions made", r.stderr)
db = sqlite3.connect(os.path.join(w.data, "kiosk.db"))
(b,) = db.execute("SELECT sealed FROM envelope WHERE seq = 3").fetchone()
b = bytearray(b)
b[len(b) // 2] ^= 0x10
db.execute("UPDATE envelope SET sealed = ? WHERE seq = 3", (bytes(b),))
db.commit()
db.close()
pins = os.path.join(w.dir, "pins")
with open(pins, "w") as f:
    f.write("246810\n")
r = run([KIOSK, "pin", "set", "staff", "--config", w.config,
         "--pin-file", pins])
t.ok(r.returncode == 0, "staff PIN set", r.stderr)

k = Kiosk(w.config, 80, 24)
try:
    k.wait("Choose your language", 10)
    k.keys("F9")
    k.wait("staff PIN", 5)
    k.type("246810")
    k.keys("Enter")
    s = k.wait("Staff menu", 5)
    t.ok(s is not None, "the staff menu opens", k.screen())
    k.keys("1", "Enter")
    s = k.wait("Exported", 15)
    t.ok(s is not None, "the export succeeds for the others", k.screen())
    s = k.wait("damaged", 5) or ""
    flat = " ".join(s.split())
    t.ok("damaged on this kiosk's disk" in flat and "numbers: 3" in flat,
         "the screen names submission 3 as damaged", s)
    batches = glob.glob(os.path.join(stick, "*.kib"))
    t.ok(len(batches) == 1, "one batch on the demo stick", batches)
    # The office opens the four others and reports 3 lost (exit 4).
    out = os.path.join(w.dir, "opened")
    r = w.open(out, batches)
    t.ok(r.returncode == 4 and "LOST" in r.stderr,
         "the office opens the rest and reports 3 lost (exit 4)",
         r.stdout + r.stderr)
finally:
    k.stop()
    w.cleanup()
t.done()
