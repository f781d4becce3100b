#!/usr/bin/env python3
"""Themes: default, high contrast (black on white) and monochrome (no
colour at all: reverse video and bold only). In every theme meaning is
carried by marks as well as colour: "▶" for the chosen line, "(•)" for a
chosen answer and "!" for a problem."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import Kiosk, Tap, Workdir, run  # noqa: E402

t = Tap()
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5|9[0-7]|10[0-7])"
                    r"[;m]")
for theme in ("default", "high-contrast", "mono"):
    w = Workdir(extra_kiosk="theme = " + theme)
    k = Kiosk(w.config, 90, 26, env={"TERM": "screen-256color"})
    try:
        k.wait("Choose your language", 10)
        k.keys("1", "Enter")
        k.wait("What do you need today?", 5)
        k.keys("1", "Enter", "Enter", "Enter")
        time.sleep(0.3)
        k.keys("Enter")                  # no answer: a problem message
        time.sleep(0.5)
        s = k.screen()
        esc = run(["tmux", "-L", k.sock, "capture-pane", "-e", "-p", "-t",
                   "k"]).stdout
        t.ok("! " in s and "How old are you?" in s,
             "%s: a problem is marked with '!'" % theme, s)
        k.keys("3")
        time.sleep(0.3)
        s = k.screen()
        t.ok("▶ 3. (•)" in s, "%s: the chosen answer is marked" % theme, s)
        if theme == "mono":
            t.ok(not COLOUR.search(esc), "mono: no colour at all",
                 COLOUR.findall(esc)[:5])
        elif theme == "high-contrast":
            t.ok(re.search(r"\x1b\[[0-9;]*(30|47|107)[;m]", esc) is not None,
                 "high-contrast: black on white", esc[:300])
        else:
            t.ok(COLOUR.search(esc) is not None,
                 "default: the problem message uses colour too")
    finally:
        k.stop()
        w.cleanup()
t.done()
