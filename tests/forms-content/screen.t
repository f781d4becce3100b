#!/usr/bin/env python3
"""Form text on the screen: "**" emphasis is drawn reversed and bold, never
as asterisks, in a Latin and in an Arabic label; a know-your-rights page
shows the date its text was last checked (the "reviewed" column)."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import Kiosk, Tap, Workdir, run, TOP  # noqa: E402

t = Tap()
REV = re.compile(r"\x1b\[[0-9;]*\b7[;m]")
for lang, word, checked in (("1", "judge", "Last checked: 2026-11-20"),
                            ("2", "قاضٍ", "آخر مراجعة: 2026-11-20")):
    w = Workdir(langs="en ar",
                forms=os.path.join(TOP, "tests", "data", "forms-emph"))
    k = Kiosk(w.config, 90, 26, env={"TERM": "screen-256color"})
    try:
        k.wait("Choose your language", 10)
        k.keys(lang, "Enter")
        time.sleep(0.5)
        k.keys("1", "Enter")
        time.sleep(0.8)
        # Numbers in right-to-left text reach the terminal between
        # Unicode isolates (LRI ... PDI, zero width): compare without them.
        s = k.screen().replace("\u2066", "").replace("\u2069", "")
        esc = run(["tmux", "-L", k.sock, "capture-pane", "-e", "-p", "-t",
                   "k"]).stdout
        t.ok(word in s and "**" not in s,
             "%s: the emphasised word is shown without its markers" % lang, s)
        line = [x for x in esc.splitlines() if word in x]
        pre = line[0].split(word)[0] if line else ""
        t.ok(bool(line) and REV.search(pre[-40:]) is not None,
             "%s: the emphasised word is drawn in reverse video" % lang,
             line[:1])
        t.ok(checked in s, "%s: the page shows when it was last checked"
             % lang, s)
    finally:
        k.stop()
        w.cleanup()
# The shipped know-your-rights pages: the first page shows its date, and no
# page shows emphasis markers.
w = Workdir(langs="en es")
k = Kiosk(w.config, 100, 40, env={"TERM": "screen-256color"})
try:
    k.wait("Choose your language", 10)
    k.keys("1", "Enter")
    k.wait("What do you need today?", 5)
    k.keys("5", "Enter")
    time.sleep(0.8)
    s = k.screen()
    t.ok(re.search(r"Last checked: \d{4}-\d\d-\d\d", s) is not None and "**" not in s,
         "know-your-rights (shipped): the page shows when it was last checked", s)
finally:
    k.stop()
    w.cleanup()
t.done()
