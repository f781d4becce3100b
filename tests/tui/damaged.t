#!/usr/bin/env python3
"""Staff see a damaged submission on the screen, not only in the log
(issue 13, item 2): one sealed record of five is flipped in kiosk.db; the
staff menu's export succeeds for the others and names the damaged one on
screen; the office opens the rest and reports that one lost. Then a clone
(a copy of kiosk.id and kiosk.db taken before the export) submits two more
and exports; the office acknowledges through 7; that ack, carried to the
real kiosk, is refused on the staff screen with its cause, and nothing is
deleted. The demo stick folder stands in for a USB stick."""
import glob
import os
import shutil
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
# The clone: a copy of the data folder, and a config that points at it.
clone_data = os.path.join(w.dir, "clone-data")
shutil.copytree(w.data, clone_data)
clone_cfg = os.path.join(w.dir, "clone.ini")
with open(w.config) as f, open(clone_cfg, "w") as g:
    g.write(f.read().replace("data_dir = " + w.data,
                             "data_dir = " + clone_data))
r = w.set_staff_pin("246810")
t.ok(r.returncode == 0, "staff PIN set", r.stderr)

k = Kiosk(w.config, 80, 24)
try:
    k.wait("Choose your language", 10)
    s = k.staff_menu("246810")
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
    # The clone submits 6 and 7 and exports; the office accepts the loss
    # of 3 and acknowledges everything through 7.
    r = run([KIOSK, "export", "--config", clone_cfg, "--test-submit", "2"],
            env=env)
    cstick = os.path.join(w.dir, "clone-stick")
    os.makedirs(cstick)
    r = run([KIOSK, "export", "--config", clone_cfg, "--to", cstick])
    cb = glob.glob(os.path.join(cstick, "*.kib"))
    t.ok(r.returncode == 0 and len(cb) == 1, "the clone exports 1-7",
         r.stderr)
    out2 = os.path.join(w.dir, "opened2")
    r = run([KIOSK, "open", "--key", os.path.join(w.office, "office.key"),
             "--passphrase-file", w.passfile, "--out", out2,
             "--accept-lost", "test-kiosk:3"] + cb,
            env=dict(os.environ, KIOSK_TEST_FAST_KDF="1"))
    acks = glob.glob(os.path.join(out2, "*.ack"))
    t.ok(len(acks) == 1, "the office writes an ack for the clone's batch",
         r.stdout + r.stderr)
    for a in acks:
        shutil.copy(a, stick)
    waiting = run(["sqlite3", os.path.join(w.data, "kiosk.db"),
                   "SELECT count(*) FROM envelope"]).stdout.strip()
    k.keys("2", "Enter")
    s = k.wait("refused", 10) or ""
    flat = " ".join(s.split())
    t.ok("refused" in flat and "another copy of this kiosk" in flat,
         "the staff screen refuses the ack and names a copy of the kiosk",
         s)
    after = run(["sqlite3", os.path.join(w.data, "kiosk.db"),
                 "SELECT count(*) FROM envelope"]).stdout.strip()
    t.ok(waiting == "5" and after == "5",
         "nothing was deleted on the real kiosk (%s -> %s)" % (waiting,
                                                              after))
finally:
    k.stop()
    w.cleanup()
t.done()
