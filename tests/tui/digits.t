#!/usr/bin/env python3
"""Native digits in every shipped script that has its own: Arabic-Indic
(ar), Extended Arabic-Indic (ur), Bengali (bn) and Gujarati (gu). Typed
into a whole number (the U-visa year), a phone number and a date (legal
help), and used as list shortcuts; the office's CSV holds ASCII digits."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kiosktest  # noqa: E402
from kiosktest import (Kiosk, Tap, Workdir, auto_visit,  # noqa: E402
                       submission_rows)

t = Tap()
ZERO = {"ar": 0x0660, "ur": 0x06f0, "bn": 0x09e6, "gu": 0x0ae6}
LANGS = ["en", "ar", "ur", "bn", "gu"]


def native(s, lang):
    return "".join(chr(ZERO[lang] + int(c)) if c.isdigit() else c
                   for c in s)


PHONE, YEAR, DATE = "973-555-0144", "2021", "2027-01-20"
w = Workdir(langs=" ".join(LANGS))
k = Kiosk(w.config, 100, 30)
codes = {}
try:
    for lang in ["ar", "ur", "bn", "gu"]:
        li = LANGS.index(lang) + 1
        k.wait("1. ", 10)
        # The language and the service are chosen with native digits.
        k.type(native(str(li), lang))
        k.keys("Enter")
        time.sleep(0.4)
        forms = ["4", "2"] if lang in ("ar", "bn") else ["4"]
        for form in forms:
            s = k.screen()
            t.ok("1." in s, "%s: the service screen" % lang, s)
            k.type(native(form, lang))
            time.sleep(0.2)
            s = k.screen()
            t.ok("▶ %s." % form in s, "%s: the native digit %s moves to "
                 "service %s" % (lang, native(form, lang), form), s)
            k.keys("Enter")
            time.sleep(0.4)
            kiosktest.TEXT_TRIES[:] = [native(PHONE, lang),
                                       native(YEAR, lang),
                                       native(DATE, lang), ""]
            code, seen = auto_visit(k, pick="last" if form == "4" else
                                    "first")
            t.ok(code is not None, "%s: service %s sent with native "
                 "digits typed" % (lang, form),
                 seen[-1] if seen else k.screen())
            codes[(lang, form)] = code
            k.keys("Enter")
            time.sleep(0.4)
            if form != forms[-1]:
                k.wait("1. ", 10)
                k.type(native(str(li), lang))
                k.keys("Enter")
                time.sleep(0.4)
finally:
    k.stop()

_, r, out = w.export_open()
# Submissions only (not the codebook), answers only (not "(not asked)"
# markers).
rows = [{c: v for c, v in r_.items() if not v.startswith("(not")}
        for r_ in submission_rows(out)]
by = {}
for row in rows:
    by.setdefault(row.get("language"), []).append(row)
for lang in ["ar", "ur", "bn", "gu"]:
    rs = by.get(lang, [])
    years = [r_["crime_year"] for r_ in rs if r_.get("crime_year")]
    t.ok(years == [YEAR], "%s: the year is stored in ASCII digits" % lang,
         rs)
    phones = [r_["phone"] for r_ in rs if r_.get("phone")]
    # The form may keep the phone number's digits only.
    t.ok(phones and all(p.isascii() and "".join(c for c in p if
                                                c.isdigit()) ==
                        PHONE.replace("-", "") for p in phones),
         "%s: the phone number is stored in ASCII digits" % lang, phones)
    if lang in ("ar", "bn"):
        dates = [r_["next_deadline"] for r_ in rs
                 if r_.get("next_deadline")]
        t.ok(dates == [DATE], "%s: the date is stored in ASCII digits"
             % lang, rs)
    text = repr(rs)
    t.ok(not any(chr(ZERO[lang] + d) in text for d in range(10)),
         "%s: no native digit anywhere in the CSV" % lang)
w.cleanup()
t.done()
