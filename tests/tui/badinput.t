#!/usr/bin/env python3
"""Bad input gets a clear message naming the file or the problem, and
nothing already saved is lost: a missing config, form or key file; a form
with an error; a terminal smaller than 60x20; a locale that is not UTF-8; a
full disk when saving."""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import KIOSK, TOP, Kiosk, Tap, Workdir, run  # noqa: E402

t = Tap()

r = run([KIOSK, "run", "--config", "/nonexistent/kiosk.ini"])
t.ok(r.returncode == 1 and "/nonexistent/kiosk.ini" in r.stderr,
     "missing config: exit 1 naming the file", r.stderr)

r = run([KIOSK, "run", "--bogus"])
t.ok(r.returncode == 2 and "usage" in r.stderr, "bad usage exits 2", r.stderr)

w = Workdir()
env = dict(os.environ, LANG="C", LC_ALL="C")
r = run([KIOSK, "run", "--config", w.config], env=env)
t.ok(r.returncode == 1 and "UTF-8" in r.stderr,
     "a locale that is not UTF-8 is refused with a message", r.stderr)

# A missing office key names the file.
bad = os.path.join(w.dir, "badkey.ini")
with open(w.config) as f:
    text = f.read()
with open(bad, "w") as f:
    f.write(text.replace(os.path.join(w.office, "office.pub"),
                         os.path.join(w.dir, "missing.pub")))
r = run([KIOSK, "run", "--config", bad])
t.ok(r.returncode == 1 and "missing.pub" in r.stderr,
     "missing office key: exit 1 naming the file", r.stderr)

# An unknown key in the config is an error with its line number.
with open(bad, "w") as f:
    f.write(text.replace("[office]", "colour = blue\n[office]"))
r = run([KIOSK, "run", "--config", bad])
t.ok(r.returncode == 1 and "colour" in r.stderr and ":" in r.stderr,
     "unknown config key named with its line", r.stderr)

# A broken form is left off the service screen; the reason is logged.
forms = os.path.join(w.dir, "forms")
os.makedirs(forms)
shutil.copy(os.path.join(TOP, "forms", "municipal-id.csv"), forms)
with open(os.path.join(forms, "broken.csv"), "w") as f:
    f.write("survey\n,type,name,label\n,select_one nolist,q1,Q1\n"
            ",text,q2,${nosuch}\nsettings\n,form_id,form_title\n"
            ",broken,Broken form\n")
with open(w.config) as f:
    text = f.read()
with open(w.config, "w") as f:
    f.write(text.replace("forms_dir = " + os.path.join(TOP, "forms"),
                         "forms_dir = " + forms))
k = Kiosk(w.config, 80, 24)
try:
    s = k.wait("Choose your language", 10)
    k.keys("1", "Enter")
    s = k.wait("What do you need today?", 5)
    t.ok(s is not None and "Broken form" not in s and "1." in s,
         "the broken form is left off, the good one shown", k.screen())
    t.ok(not k.dead(), "a form error does not crash the kiosk")
    log = open(os.path.join(w.data, "kiosk.log")).read()
    t.ok("broken.csv" in log, "the reason is logged with the file name",
         log)
finally:
    k.stop()

# A terminal smaller than 60x20, then made larger.
k = Kiosk(w.config, 50, 15)
try:
    s = k.wait("larger", 10)
    t.ok(s is not None, "a small terminal asks to be made larger", k.screen())
    k.resize(80, 24)
    s = k.wait("Choose your language", 5)
    t.ok(s is not None, "after a resize the language screen shows",
         k.screen())
finally:
    k.stop()
w.cleanup()

# A full disk when saving: the data folder on a tiny filesystem.
w = Workdir()
mnt = os.path.join(w.dir, "small")
os.makedirs(mnt)
m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt],
                   capture_output=True)
if m.returncode != 0:
    t.ok(True, "# SKIP cannot mount a tmpfs here: " + m.stderr.decode())
else:
    try:
        with open(w.config) as f:
            text = f.read()
        data = os.path.join(mnt, "data")
        with open(w.config, "w") as f:
            f.write(text.replace("data_dir = " + w.data, "data_dir = " + data))
        k = Kiosk(w.config, 100, 30)
        k.wait("Choose your language", 10)
        k.keys("1", "Enter")
        k.wait("What do you need today?", 5)
        k.keys("1", "Enter")
        time.sleep(0.3)
        k.keys("Enter", "Enter", "3", "Enter", "2", "Enter")  # not resident
        time.sleep(0.5)
        k.keys("Enter")            # the note, then check your answers
        s = k.wait("Check your answers", 5)
        t.ok(s is not None, "reached check your answers", k.screen())
        filler = os.path.join(mnt, "filler")
        subprocess.run(["dd", "if=/dev/zero", "of=" + filler, "bs=64k"],
                       capture_output=True)
        k.keys("Enter")            # Send, onto a full disk
        s = k.wait("could not be saved", 10)
        t.ok(s is not None, "a full disk gives a clear message", k.screen())
        t.ok(s is not None and "Check your answers" in s,
             "the answers are kept on screen, nothing lost", s)
        os.unlink(filler)
        k.keys("Enter")            # Send again
        s = k.wait("saved and sealed", 10)
        t.ok(s is not None, "sending again after space is freed works",
             k.screen())
        k.stop()
        usb = os.path.join(w.dir, "usb")
        os.makedirs(usb)
        r = w.export(usb)
        t.ok(r.returncode == 0, "the saved submission exports", r.stderr)
    finally:
        subprocess.run(["umount", "-l", mnt], capture_output=True)
w.cleanup()
t.done()
