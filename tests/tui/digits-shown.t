#!/usr/bin/env python3
"""Answers are shown back in the resident's own digits: typed in native
digits (the record keeps ASCII), a year, a phone number and a date read
٢٠٢١, (٩٧٣) ٥٥٥-٠١٤٤ and ২০২৭-০১-২০ on the review screen, and the field
holds them again when the resident goes back to change one; in English
they stay 0-9. At 100x30 (Arabic) and at the minimum 60x20 (Bengali,
English), where the review is scrolled to read every answer."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kiosktest  # noqa: E402
from kiosktest import Kiosk, Tap, Workdir, auto_visit  # noqa: E402

t = Tap()
ZERO = {"en": 0x30, "ar": 0x0660, "bn": 0x09e6}
LANGS = ["en", "ar", "bn"]
ISOLATES = re.compile("[\u2066-\u2069]")


def native(s, lang):
    return "".join(chr(ZERO[lang] + int(c)) if c.isdigit() else c
                   for c in s)


def review_text(k):
    """Every line of the review screen, scrolling up from Send."""
    seen = []
    for _ in range(25):
        seen.append(ISOLATES.sub("", k.screen()))
        k.keys("Up")
    return "\n".join(seen)


PHONE, YEAR, DATE = "973-555-0144", "2021", "2027-01-20"
w = Workdir(langs=" ".join(LANGS))
try:
    for lang, form, cols, rows in [("ar", "4", 100, 30), ("bn", "2", 60, 20),
                                   ("en", "2", 60, 20)]:
        k = Kiosk(w.config, cols, rows)
        try:
            k.wait("1. ", 10)
            k.type(str(LANGS.index(lang) + 1))
            k.keys("Enter")
            time.sleep(0.4)
            k.type(form)
            k.keys("Enter")
            time.sleep(0.4)
            kiosktest.TEXT_TRIES[:] = [native(PHONE, lang),
                                       native(YEAR, lang),
                                       native(DATE, lang), ""]
            _, seen = auto_visit(k, info=True,
                                pick="last" if form == "4" else "first")
            s = k.screen()
            t.ok("▶" in s and kiosktest.page_counter(s) is None,
                 "%s %dx%d: the review screen" % (lang, cols, rows), s)
            text = review_text(k)
            if form == "4":
                phone = native("(973) 555-0144", lang)
                t.ok(phone in text, "%s %dx%d: the phone number reads %s"
                     % (lang, cols, rows, phone), text[-3000:])
                t.ok(native(YEAR, lang) in text, "%s: the year reads %s"
                     % (lang, native(YEAR, lang)), text[-3000:])
            else:
                t.ok(native(DATE, lang) in text, "%s %dx%d: the date "
                     "reads %s" % (lang, cols, rows, native(DATE, lang)),
                     text[-3000:])
            if lang != "en":
                t.ok(not re.search(r"2021|2027-01-20|555-0144", text),
                     "%s: no answer is shown in 0-9" % lang, text[-3000:])
            if form == "4":
                # Back to the year: the field holds the resident's digits.
                k.keys("Home")
                for _ in range(30):
                    s = ISOLATES.sub("", k.screen())
                    if any("▶" in ln and native(YEAR, lang) in ln
                           for ln in s.splitlines()):
                        break
                    k.keys("Down")
                k.keys("Enter")
                time.sleep(0.5)
                s = ISOLATES.sub("", k.screen())
                # (The form's hint has its example year in 0-9.)
                t.ok(kiosktest.page_counter(s) is not None and
                     any(ln.strip() == native(YEAR, lang)
                         for ln in s.splitlines()),
                     "%s: changing the year, the field shows %s"
                     % (lang, native(YEAR, lang)), s)
        finally:
            k.stop()
finally:
    w.cleanup()
t.done()
