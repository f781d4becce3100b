#!/usr/bin/env python3
"""make demo as a new user meets it (issue 12): in a scratch copy of the
tree, tests/demo.sh runs in tmux; a visit is made; F9 with no staff PIN says
so; after Q, every command the demo prints is run exactly as printed from
the top folder (export, open, the ack round trip, setting a PIN). A second
run keeps the PIN, and its staff menu exports to the demo "stick"."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import Kiosk, Tap, auto_visit, run  # noqa: E402

TOP = os.environ["KIOSK_TOP"]
t = Tap()
scratch = tempfile.mkdtemp(prefix="kiosk-demo-")
os.makedirs(os.path.join(scratch, "tests"))
for d in ("build", "forms", "printers", "locales"):
    os.symlink(os.path.join(TOP, d), os.path.join(scratch, d))
for f in ("demo.sh", "env.sh"):
    shutil.copy(os.path.join(TOP, "tests", f), os.path.join(scratch, "tests"))
env = dict(os.environ, KIOSK_TEST_FAST_KDF="1")


class Demo(Kiosk):
    """tests/demo.sh in a private tmux server, as `make demo` runs it."""

    def __init__(self):
        self.sock = "kioskdemo%d_%d" % (os.getpid(), int(time.time() * 1000) % 100000)
        cmd = "cd %s && sh tests/demo.sh; echo DEMO-DONE; sleep 600" % scratch
        e = dict(env, TERM="screen-256color")
        r = run(["tmux", "-L", self.sock, "-f", "/dev/null", "new-session",
                 "-d", "-x", "100", "-y", "30", "-s", "k", cmd], env=e)
        if r.returncode != 0:
            raise RuntimeError("tmux failed: " + r.stderr)

    def finished(self, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            h = self.history()
            if "DEMO-DONE" in h:
                return h
            time.sleep(0.2)
        return None


def printed_commands(text):
    """The indented shell commands the demo printed, joined across \\."""
    cmds, cur = [], ""
    for line in text.splitlines():
        s = line.strip()
        if cur:
            cur += " " + s.rstrip("\\").strip()
            if not s.endswith("\\"):
                cmds.append(cur)
                cur = ""
            continue
        if re.match(r"^(build/kiosk|cp) ", s) and line.startswith("    "):
            if s.endswith("\\"):
                cur = s.rstrip("\\").strip()
            else:
                cmds.append(s)
    return cmds


def sh(cmd):
    return subprocess.run(["sh", "-c", cmd], cwd=scratch, env=env,
                          capture_output=True, text=True, timeout=120)


def visit(k):
    k.wait("1. ", 10)
    k.keys("1", "Enter")
    time.sleep(0.4)
    k.keys("1", "Enter")
    code, seen = auto_visit(k)
    k.keys("Enter")
    k.wait("Choose your language", 10)
    return code


k = Demo()
try:
    s = k.wait("English", 30)
    t.ok(s is not None, "make demo shows the language screen", k.screen())
    code = visit(k)
    t.ok(code is not None, "a demo visit ends with a claim code")
    k.keys("F9")
    s = k.wait("No staff PIN is set", 5)
    t.ok(s is not None and "kiosk pin set staff" in s,
         "F9 with no staff PIN says none is set and how to set one",
         k.screen())
    k.type("123456")
    k.keys("Enter")
    time.sleep(0.3)
    t.ok("Wrong PIN" not in k.screen(), "... and never says Wrong PIN",
         k.screen())
    k.keys("Escape")
    k.wait("Choose your language", 5)
    k.keys("q")
    h = k.finished() or ""
    t.ok("DEMO-DONE" in h, "Q on the language screen ends the demo", h[-800:])
finally:
    k.stop()

cmds = printed_commands(h)
t.ok(len(cmds) >= 5, "the demo prints its commands", cmds)
exports = [c for c in cmds if c.startswith("build/kiosk export")]
opens = [c for c in cmds if c.startswith("build/kiosk open")]
copies = [c for c in cmds if c.startswith("cp ")]
pins = [c for c in cmds if c.startswith("build/kiosk pin set")]
t.ok(exports and opens and copies and len(pins) == 2,
     "export, open, the ack copy and two PIN commands are printed", cmds)

r = sh(exports[0])
batches = glob.glob(os.path.join(scratch, "demo", "usb", "*.kib"))
t.ok(r.returncode == 0 and len(batches) == 1,
     "the export command works exactly as printed", r.stdout + r.stderr)
r = sh(opens[0])
csvs = glob.glob(os.path.join(scratch, "demo", "office", "opened", "*.csv"))
t.ok(r.returncode == 0 and csvs, "the open command works exactly as printed: " + opens[0],
     r.stdout + r.stderr)
r = sh(copies[0])
t.ok(r.returncode == 0, "the ack copy works as printed", r.stderr)
r = sh(exports[-1])
t.ok(r.returncode == 0 and "acknowledg" in (r.stdout + r.stderr).lower(),
     "the second export applies the office's acknowledgement",
     r.stdout + r.stderr)

# The PIN commands ask on the terminal; here the PIN comes from a file.
pinfile = os.path.join(scratch, "pin")
with open(pinfile, "w") as f:
    f.write("246810\n")
for c in pins:
    r = sh(c + " --pin-file " + pinfile)
    t.ok(r.returncode == 0, "%s works from the top folder" % c, r.stderr)

# make demo again: the config is rewritten, the PINs stay.
k = Demo()
try:
    k.wait("English", 30)
    cfg = open(os.path.join(scratch, "demo", "kiosk.ini")).read()
    t.ok("[staff]" in cfg and "[volunteers]" in cfg and "$argon2id$" in cfg,
         "running the demo again keeps the PINs", cfg)
    code = visit(k)
    k.keys("F9")
    k.wait("staff PIN", 5)
    k.type("246810")
    k.keys("Enter")
    s = k.wait("Staff menu", 5)
    t.ok(s is not None and "Demo only" in s and "demo/usb" in s,
         "the staff menu says the demo folder stands in for a stick",
         k.screen())
    before = set(glob.glob(os.path.join(scratch, "demo", "usb", "*.kib")))
    k.keys("1", "Enter")
    s = k.wait("Exported", 10)
    after = set(glob.glob(os.path.join(scratch, "demo", "usb", "*.kib")))
    t.ok(s is not None and len(after - before) == 1,
         "the staff menu exports to the demo stick", k.screen())
    k.keys("Escape")
    k.wait("Choose your language", 5)
    k.keys("q")
    k.finished()
finally:
    k.stop()
    shutil.rmtree(scratch, ignore_errors=True)
t.done()
