#!/usr/bin/env python3
"""Right-to-left on screen. With bidi = app the kiosk reorders itself: an
Arabic or Urdu answer being typed is shown in visual order, right-aligned,
with the cursor left of the last letter typed (and on the first letter
after Home); the footer is right-to-left, its first key at the right; a
phone number inside Arabic keeps its order. With bidi = terminal nothing
is reordered, and the phone number goes to the terminal between Unicode
isolates (LRI ... PDI) so a terminal that reorders keeps it in order."""
import os
import re
import sys
import time
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import TOP, Kiosk, Tap, Workdir, run  # noqa: E402

t = Tap()
W, H = 60, 20


def nfkc(s):
    # fribidi shapes Arabic into presentation forms; NFKC undoes that.
    return unicodedata.normalize("NFKC", s)


def cursor(k):
    out = run(["tmux", "-L", k.sock, "display", "-p", "-t", "k",
               "#{cursor_x} #{cursor_y}"]).stdout.split()
    return int(out[0]), int(out[1])


NAMES = {"ar": "فاطمة", "ur": "عائشہ"}
w = Workdir(langs="en ar ur", extra_kiosk="bidi = app",
            forms=os.path.join(TOP, "tests", "data", "ui-forms"))
k = Kiosk(w.config, W, H)
try:
    for i, lang in ((2, "ar"), (3, "ur")):
        k.wait("English", 10)
        k.keys(str(i), "Enter")
        time.sleep(0.4)
        k.keys("1", "Enter")
        time.sleep(0.3)
        k.keys("Enter")
        time.sleep(0.3)
        name = NAMES[lang]
        k.type(name)
        time.sleep(0.3)
        s = k.screen()
        rows = s.splitlines()
        hit = [(y, l) for y, l in enumerate(rows)
               if name[::-1] in nfkc(l)]
        t.ok(hit, "%s: the typed answer is shown in visual order" % lang,
             nfkc(s))
        t.ok(not any(name in nfkc(l) for l in rows),
             "%s: and not in logical order" % lang, nfkc(s))
        y, line = hit[0] if hit else (0, "")
        t.ok(len(line.rstrip()) >= W - 8,
             "%s: the field is right-aligned" % lang, repr(line))
        cx, cy = cursor(k)
        left = len(line) - len(line.lstrip())
        t.ok(cy == y and cx == left - 1,
             "%s: the cursor is left of the last letter typed (%d,%d; "
             "text from column %d)" % (lang, cx, cy, left))
        k.keys("Home")
        cx, cy = cursor(k)
        t.ok(cx == len(line.rstrip()) - 1,
             "%s: after Home the cursor is on the first letter, at the "
             "right (%d)" % (lang, cx))
        foot = [l for l in rows[-2:] if "Enter" in l]
        t.ok(foot and len(foot[0].rstrip()) >= W - 1 and
             nfkc(foot[0]).rstrip().endswith(":Enter"),
             "%s: the footer is right-to-left, Enter at the right" % lang,
             foot)
        k.keys("F10")
        time.sleep(0.4)
    # A phone number inside Arabic text keeps its order.
    k.wait("English", 10)
    k.keys("2", "Enter")
    time.sleep(0.3)
finally:
    k.stop()
    w.cleanup()

for bidi in ("app", "terminal"):
    w = Workdir(langs="en ar", extra_kiosk="bidi = " + bidi)
    k = Kiosk(w.config, 100, 30)
    raw = os.path.join(w.dir, "raw")
    run(["tmux", "-L", k.sock, "pipe-pane", "-o", "-t", "k",
         "cat >> " + raw])
    try:
        k.wait("English", 10)
        k.keys("2", "Enter")
        time.sleep(0.3)
        k.keys("5", "Enter")        # know your rights: (973) 555-0102
        time.sleep(0.6)
        s = k.screen()
        if bidi == "app":
            t.ok("(973) 555-0102" in nfkc(s),
                 "bidi = app: the phone number keeps its order", nfkc(s))
            t.ok("0102-555 (973)" not in nfkc(s) and
                 "\u2066" not in s, "bidi = app: not split, and no "
                 "isolate reaches the screen", nfkc(s))
        else:
            data = open(raw, "rb").read().decode("utf-8", "replace")
            # Without the attribute changes between the cells.
            data = re.sub(r"\x1b(\[[0-9;?]*[A-Za-z]|\([A-Z0-9]|[=>])", "",
                          data)
            data = re.sub(r"[\x00-\x1f]", "", data)
            t.ok("\u2066(973) 555-0102\u2069" in data,
                 "bidi = terminal: the phone number is sent between "
                 "isolates", repr(data[data.find("555") - 30:][:60]))
            t.ok("اعرف" in s or "حقوق" in s,
                 "bidi = terminal: text stays in logical order", s)
        k.keys("F10")
    finally:
        k.stop()
        w.cleanup()
t.done()
