#!/usr/bin/env python3
"""A kiosk whose signing key is sealed under a passphrase (kiosk identity
--protect): the public identity and enrolment stay the same, the secret is
no longer on disk in the clear, residents' submissions are still sealed
and saved, and every export asks for the passphrase: at the command line
(--passphrase-file) and in the staff menu (a wrong one is refused, the key
is forgotten after each export). Changing the passphrase and --unprotect
work; a wrong current passphrase changes nothing."""
import glob
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import (KIOSK, Kiosk, Tap, Workdir, kiosk_pid,  # noqa: E402
                       live_memory, run)

t = Tap()
w = Workdir(langs="en es")
media = os.path.join(w.dir, "media")
stick = os.path.join(media, "STICK")
os.makedirs(stick)
with open(w.config) as f:
    text = f.read()
with open(w.config, "w") as f:
    f.write(text.replace("[office]", "usb_roots = %s\n[office]" % media))
ENV = dict(os.environ, KIOSK_TEST="1", KIOSK_TEST_FAST_KDF="1")
idfile = os.path.join(w.data, "kiosk.id")


def kiosk(*args):
    return run([KIOSK] + list(args), env=ENV, stdin=subprocess.DEVNULL)


def write(name, text):
    p = os.path.join(w.dir, name)
    with open(p, "w") as f:
        f.write(text + "\n")
    return p


def batches():
    return sorted(glob.glob(os.path.join(stick, "*.kib")))


one = write("one", "first staff passphrase words")
two = write("two", "second staff passphrase words")
bad = write("bad", "not the passphrase")
pins = write("pins", "991193")

r = kiosk("identity", "--config", w.config)
pub = r.stdout
t.ok(r.returncode == 0 and "fingerprint" in pub, "the kiosk's identity",
     r.stderr)
clear = open(idfile, "rb").read()
secret = clear[8:40]
t.ok(len(clear) == 72, "made unprotected on first use", len(clear))

r = kiosk("identity", "--config", w.config, "--protect",
          "--passphrase-file", one)
t.ok(r.returncode == 0 and "sealed" in r.stdout, "--protect", r.stderr)
sealed = open(idfile, "rb").read()
t.ok(sealed[:4] == b"KID2" and secret not in sealed,
     "the secret key is no longer on disk in the clear", sealed[:8])
t.ok(oct(os.stat(idfile).st_mode & 0o777) == "0o600", "kiosk.id stays 0600")
r = kiosk("identity", "--config", w.config)
t.ok(r.returncode == 0 and r.stdout == pub,
     "the public identity (and so the enrolment) is unchanged", r.stdout)

r = kiosk("export", "--config", w.config, "--test-submit", "2")
t.ok(r.returncode == 0 and "committed 2" in r.stdout,
     "submissions are sealed and saved while the key is locked", r.stderr)
r = kiosk("export", "--config", w.config, "--to", stick)
t.ok(r.returncode == 1 and "--passphrase-file" in r.stderr and
     batches() == [], "export without the passphrase: refused, no file",
     r.stderr)
r = kiosk("export", "--config", w.config, "--to", stick,
          "--passphrase-file", bad)
t.ok(r.returncode == 1 and "wrong passphrase" in r.stderr and
     batches() == [], "a wrong passphrase: refused, no file", r.stderr)

# Change the passphrase; a wrong current one changes nothing.
r = kiosk("identity", "--config", w.config, "--protect",
          "--passphrase-file", bad, "--new-passphrase-file", two)
t.ok(r.returncode == 1 and open(idfile, "rb").read() == sealed,
     "a wrong current passphrase leaves kiosk.id as it was", r.stderr)
r = kiosk("identity", "--config", w.config, "--protect",
          "--passphrase-file", one, "--new-passphrase-file", two)
t.ok(r.returncode == 0, "the passphrase is changed", r.stderr)
r = kiosk("export", "--config", w.config, "--to", stick,
          "--passphrase-file", one)
t.ok(r.returncode == 1 and batches() == [], "the old one opens nothing",
     r.stderr)

# The staff menu asks for it.
r = run([KIOSK, "pin", "set", "staff", "--config", w.config, "--pin-file",
         pins])
mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs",
                          stick], capture_output=True).returncode == 0
k = Kiosk(w.config, 100, 30, env={"KIOSK_TEST_FAST_KDF": "1"})
try:
    k.wait("Choose your language", 10)
    s = k.staff_menu("991193")
    t.ok(s is not None and "waiting for the office: 2" in s,
         "the staff menu opens", k.screen())
    if mounted:
        k.keys("1", "Enter")
        s = k.wait("export passphrase", 5)
        t.ok(s is not None and "Esc: cancel" in s,
             "export asks for the passphrase", k.screen())
        k.type("second staff")
        s = k.screen()
        t.ok("second" not in s and "*" * 12 in s,
             "it is not shown as typed", s)
        k.keys("Escape")
        s = k.wait("Export to a USB stick", 5)
        t.ok(s is not None and batches() == [],
             "Esc goes back to the menu and exports nothing", k.screen())
        k.keys("1", "Enter")
        k.wait("export passphrase", 5)
        k.type("first staff passphrase words")
        k.keys("Enter")
        s = k.wait("Wrong passphrase", 10)
        t.ok(s is not None and batches() == [],
             "a wrong passphrase is refused", k.screen())
        k.type("second staff passphrase words")
        pid = kiosk_pid(w)
        t.ok(b"second staff passphrase" in live_memory(pid),
             "while typed, the passphrase is in the kiosk's memory "
             "(so the search below can find it)")
        k.keys("Enter")
        s = k.wait("Exported", 10)
        t.ok(s is not None and "verified" in s and len(batches()) == 1,
             "the right one exports, read back and verified", k.screen())
        t.ok(b"second staff passphrase" not in live_memory(pid),
             "after the export it is gone from the kiosk's memory")
        r = w.open(os.path.join(w.dir, "opened"), batches())
        t.ok(r.returncode == 0 and "2 new" in r.stdout,
             "the office opens the batch: same key, same enrolment",
             r.stdout + r.stderr)
        k.keys("1", "Enter")
        s = k.wait("export passphrase", 5)
        t.ok(s is not None, "the key was forgotten: the next export asks "
             "again", k.screen())
        k.keys("Escape")
    else:
        t.ok(True, "# SKIP cannot mount a tmpfs to stand in for a stick")
    k.keys("Escape")
    s = k.wait("Choose your language", 5)
    t.ok(s is not None and not k.dead(), "leaves the staff menu", k.screen())
finally:
    k.stop()
    if mounted:
        subprocess.run(["umount", "-l", stick], capture_output=True)

# --unprotect: back in the clear, export needs nothing.
r = kiosk("identity", "--config", w.config, "--unprotect",
          "--passphrase-file", two)
t.ok(r.returncode == 0 and open(idfile, "rb").read() == clear,
     "--unprotect writes the same key in the clear again", r.stderr)
usb = os.path.join(w.dir, "usb2")
os.makedirs(usb)
r = kiosk("export", "--config", w.config, "--to", usb)
t.ok(r.returncode == 0 and glob.glob(os.path.join(usb, "*.kib")),
     "and export needs no passphrase", r.stderr)
w.cleanup()
t.done()
