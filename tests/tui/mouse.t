#!/usr/bin/env python3
"""Touch and mouse: taps (xterm mouse reports, as a touch screen sends
them) pick options, a second tap confirms, and the key hints at the bottom
are buttons."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import Kiosk, Tap, Workdir, run  # noqa: E402

t = Tap()
w = Workdir(langs="en es")
k = Kiosk(w.config, 100, 30)


def tap(x, y):
    """Press and release button 1 at column x, row y (0-based)."""
    for b in (0, 3):
        seq = "\x1b[M" + chr(32 + b) + chr(32 + x + 1) + chr(32 + y + 1)
        run(["tmux", "-L", k.sock, "send-keys", "-t", "k", "-l", seq])
        time.sleep(0.1)
    time.sleep(0.3)


def where(s, text):
    for y, line in enumerate(s.splitlines()):
        x = line.find(text)
        if x >= 0:
            return x, y
    return None


try:
    s = k.wait("Choose your language", 10)
    x, y = where(s, "Español")
    tap(x, y)
    s = k.screen()
    t.ok("▶ 2. Español" in s, "a tap picks an option", s)
    tap(x, y)
    s = k.wait("¿Qué necesita hoy?", 5)
    t.ok(s is not None, "a second tap confirms it", k.screen())
    x, y = where(s, "Tarjeta")
    tap(x, y)
    tap(x, y)
    time.sleep(0.3)
    s = k.screen()
    t.ok(" / " in s.splitlines()[0], "the form opens by touch", s)
    # The key hint "Enter: ..." at the bottom is a button.
    hint = where(s, "Enter:")
    t.ok(hint is not None, "the key hints are on screen", s)
    tap(hint[0] + 1, hint[1])
    s2 = k.screen()
    t.ok(s2 != s and " / " in s2.splitlines()[0],
         "tapping the Enter hint goes on", s2)
    tap(hint[0] + 1, hint[1])
    s = k.wait("¿Qué edad tiene?", 5)
    t.ok(s is not None, "on the first question", k.screen())
    x, y = where(s, "De 18 a 64")
    tap(x, y)
    s = k.screen()
    t.ok("(•) De 18 a 64" in s, "a tap on a choice answers the question", s)
    esc = where(s, "Esc:")
    tap(esc[0] + 1, esc[1])
    s = k.screen()
    t.ok("¿Qué edad tiene?" not in s, "the Esc hint goes back", s)
    k.keys("Enter")
    time.sleep(0.3)
    s = k.wait("¿Qué edad tiene?", 5)
    t.ok(s is not None and "(•) De 18 a 64" in s,
         "the answer given by touch is kept", k.screen())
finally:
    k.stop()
    w.cleanup()
t.done()
