#!/usr/bin/env python3
"""The kiosk survives Ctrl-C, Ctrl-Z and Ctrl-\\ and the F-keys, and an idle
timeout (after its visible countdown) wipes the screen and the session."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import KIOSK, Kiosk, Tap, Workdir  # noqa: E402

t = Tap()
w = Workdir(langs="en es", idle=10, warning=20)
k = Kiosk(w.config, 90, 28)
try:
    s = k.wait("Choose your language", 10)
    t.ok(s is not None, "language screen", k.screen())
    for key, name in (("C-c", "Ctrl-C"), ("C-z", "Ctrl-Z"),
                      ("C-\\", "Ctrl-\\"), ("F1", "F1"), ("F4", "F4"),
                      ("F11", "F11"), ("F12", "F12")):
        k.keys(key)
        time.sleep(0.5)
        t.ok(not k.dead() and "Choose your language" in k.screen(),
             "%s does not stop the kiosk" % name, k.screen())
    # Into the form, answer something, then leave it alone.
    k.keys("1", "Enter")
    k.wait("What do you need today?", 5)
    k.keys("1", "Enter")
    time.sleep(0.5)
    k.keys("C-c", "C-z", "C-\\")
    time.sleep(0.5)
    t.ok(not k.dead(), "Ctrl keys inside a form do not stop the kiosk")
    k.keys("Enter", "Enter")          # past the two notes
    time.sleep(0.3)
    k.keys("3", "Enter")              # an answer that is now in the session
    time.sleep(0.3)
    t0 = time.time()
    s = k.wait("Are you still there?", 20)
    t.ok(s is not None, "idle warning appears", k.screen())
    t.ok(s is not None and time.time() - t0 >= 5,
         "not before the idle timeout")
    t.ok(s is not None and "second" in s, "the warning counts down", s)
    # Any key extends; the session is still there afterwards.
    k.keys("Right")
    s = k.wait("Are you still there?", 3, gone=True)
    t.ok(s is not None and "Do you live in" in s,
         "a key gives more time and keeps the answers", k.screen())
    s = k.wait("Are you still there?", 20)
    t.ok(s is not None, "warning again after another idle period")
    s = k.wait("Choose your language", 30)
    t.ok(s is not None, "after the countdown the language screen returns",
         k.screen())
    t.ok(s is not None and "Do you live in" not in k.history(),
         "nothing of the session remains on screen or in scrollback")
    # F10 wipes at once.
    k.keys("1", "Enter")
    k.wait("What do you need today?", 5)
    k.keys("1", "Enter")
    time.sleep(0.4)
    k.keys("F10")
    s = k.wait("Choose your language", 5)
    t.ok(s is not None, "F10 erases and returns to the start", k.screen())
    t.ok(not k.dead(), "still running")
finally:
    k.stop()

# The terminal goes away without a hangup signal (the kiosk is not in the
# terminal's session): it must notice, wipe and end, not spin.
import subprocess
k = Kiosk(w.config, 90, 28, binary="setsid -w " + KIOSK)
try:
    k.wait("Choose your language", 10)
finally:
    k.stop()
end = time.time() + 5
left = ["?"]
while time.time() < end and left:
    left = subprocess.run(["pgrep", "-f", "^" + KIOSK + " run --config " +
                           w.config], capture_output=True,
                          text=True).stdout.split()
    time.sleep(0.2)
t.ok(not left, "when the terminal goes away the kiosk ends", left)
t.ok("terminal went away" in open(os.path.join(w.data, "kiosk.log")).read(),
     "and says why in the log")

# A crash (SIGSEGV) restores the terminal and leaves no core dump.
k = Kiosk(w.config, 90, 28)
try:
    k.wait("Choose your language", 10)
    k.keys("1", "Enter")
    k.wait("What do you need today?", 5)
    k.keys("1", "Enter", "Enter", "Enter", "3", "Enter", "1", "Enter")
    time.sleep(0.5)
    s = k.screen()
    os.kill(k.pid(), 11)
    end = time.time() + 5
    while time.time() < end and not k.dead():
        time.sleep(0.1)
    t.ok(k.dead(), "SIGSEGV ends the kiosk (systemd or getty starts it "
         "again)")
    after = k.screen()
    t.ok("Do you live in" not in after and "Choose" not in after,
         "the crash left the alternate screen and cleared it", after)
    cores = [f for f in os.listdir(w.data) if f.startswith("core")] + \
        [f for f in os.listdir(".") if f == "core" or f.startswith("core.")]
    t.ok(not cores, "no core dump was written", cores)
finally:
    k.stop()
    w.cleanup()
t.done()
