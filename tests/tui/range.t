#!/usr/bin/env python3
"""A range question's wrong answer on the full screen (issue 16): the
message says the bounds, in the resident's language and digits (Bengali:
১ থেকে ১০), not the generic "This answer is not allowed."; an answer
inside them goes on."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import TOP, Kiosk, Tap, Workdir  # noqa: E402

t = Tap()
w = Workdir(langs="en bn",
            forms=os.path.join(TOP, "tests", "forms", "data", "ui-range"))
k = Kiosk(w.config, 90, 28)
enter = k.enter

try:
    k.wait("Choose your language", 10)
    k.keys("2", "Enter")
    time.sleep(0.5)
    k.keys("1")
    s = enter("ব্যথা কতটা?")
    t.ok(s is not None, "the range question, in Bengali", k.screen())
    k.type("11")
    s = enter("১ থেকে ১০ পর্যন্ত")
    t.ok(s is not None, "11 is refused with the bounds, in Bengali digits",
         k.screen())
    t.ok(s is not None and "এই উত্তরটি গ্রহণযোগ্য নয়" not in s,
         "not the generic message", k.screen())
    k.keys("BSpace", "BSpace")
    k.type("7")
    s = enter("আপনার নাম")
    t.ok(s is not None, "7 is taken and the form goes on", k.screen())
finally:
    k.stop()
w.cleanup()
t.done()
