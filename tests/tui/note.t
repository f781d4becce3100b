#!/usr/bin/env python3
"""A required note blocks on the full screen (issue 16): with no
required_message, the resident reads the kiosk's own message for a page
one cannot go past, in their language (gettext), not the message for an
unanswered question; going back and changing the answer that showed the
note lets the resident go on."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import TOP, Kiosk, Tap, Workdir  # noqa: E402

t = Tap()
w = Workdir(langs="en es",
            forms=os.path.join(TOP, "tests", "forms", "data", "ui-note"))
k = Kiosk(w.config, 90, 28)
enter = k.enter

try:
    k.wait("Choose your language", 10)
    k.keys("2", "Enter")
    time.sleep(0.5)
    k.keys("1")
    s = enter("Vive en la ciudad")
    t.ok(s is not None, "the first question, in Spanish", k.screen())
    k.keys("2")
    s = enter("solo para quienes viven")
    t.ok(s is not None, "answering no shows the required note", k.screen())
    s = enter("No puede continuar desde esta")
    t.ok(s is not None and "solo para quienes viven" in s,
         "the note blocks, with the kiosk's message in Spanish", k.screen())
    t.ok(s is not None and "Esta respuesta es obligatoria" not in s,
         "not the message for an unanswered question", k.screen())
    # Back (Esc) to the question, a different answer, and on.
    k.keys("Escape")
    s = k.wait("Vive en la ciudad", 5)
    t.ok(s is not None, "Esc goes back to the question", k.screen())
    k.keys("1")
    s = enter("Su nombre")
    t.ok(s is not None and "solo para quienes viven" not in s,
         "with another answer the note is not shown and the form goes on",
         k.screen())
finally:
    k.stop()
w.cleanup()
t.done()
