#!/usr/bin/env python3
"""Every shipped language and every form, at the real kiosk in tmux: one
full Municipal ID visit per language (typing a name in that language's
script, Bengali vowel signs and Arabic letters included), one visit per
other form, the information pages, a language switch mid-visit that keeps
the answers, and bidi = app right-aligning Arabic. At the office the CSV
has the same columns whatever the language, and each name is exactly what
was typed."""
import csv
import glob
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import (Kiosk, Tap, Workdir, auto_visit, csv_rows,  # noqa: E402
                       office_csvs,
                       page_counter)

t = Tap()
LANGS = ["en", "es", "bn", "ar", "ur", "gu", "tr", "pl", "ht"]
NAMES = {"en": "Maria", "es": "María José", "bn": "রহিম", "ar": "فاطمة",
         "ur": "عائشہ", "gu": "પ્રિયા", "tr": "Ayşe", "pl": "Łucja",
         "ht": "Wisly"}
SERVICE_ORDER = None

w = Workdir(langs=" ".join(LANGS))
k = Kiosk(w.config, 110, 34)
codes = {}
try:
    s = k.wait("English", 10) or ""
    t.ok("Elija su idioma" in s and "আপনার ভাষা" in s and "اختر لغتك" in s,
         "before a choice, each language asks in its own words", s)
    for i, lang in enumerate(LANGS):
        s = k.wait("1. ", 10)
        k.keys(str(i + 1), "Enter")
        time.sleep(0.4)
        s = k.screen()
        t.ok("5." in s and page_counter(s) is None,
             "%s: the service screen lists the services" % lang, s)
        k.keys("1", "Enter")
        code, seen = auto_visit(k, name=NAMES[lang], pick="last")
        t.ok(code is not None, "%s: a full Municipal ID visit ends with a "
             "claim code" % lang, seen[-1] if seen else k.screen())
        t.ok(any(NAMES[lang] in s for s in seen),
             "%s: the typed name shows on screen" % lang)
        codes[lang] = code
        k.keys("Enter")
        time.sleep(0.4)
    # The other forms, in English and Spanish.
    for lang_key, lang in (("1", "en"), ("2", "es")):
        for service in ("2", "3", "4"):
            k.wait("1. ", 10)
            k.keys(lang_key, "Enter")
            time.sleep(0.4)
            k.keys(service, "Enter")
            code, seen = auto_visit(k)
            t.ok(code is not None, "%s: service %s: a full visit ends with "
                 "a claim code" % (lang, service),
                 seen[-1] if seen else None)
            k.keys("Enter")
            time.sleep(0.4)
    # Know your rights: pages to read, then back to the services.
    k.keys("2", "Enter")
    time.sleep(0.4)
    k.keys("5", "Enter")
    time.sleep(0.4)
    first = k.screen()
    t.ok(page_counter(first) is not None, "know your rights has pages",
         first)
    _, seen = auto_visit(k, info=True)
    s = k.screen()
    t.ok(page_counter(s) is None and "5." in s,
         "after the last page the services are shown again", s)
    # F2 mid-visit: switch to Spanish, the answer is kept.
    k.keys("Escape", "Escape")
    time.sleep(0.4)
    k.wait("1. ", 5)
    k.keys("1", "Enter")
    time.sleep(0.3)
    k.keys("1", "Enter", "Enter", "Enter", "3", "Enter")
    time.sleep(0.5)
    k.keys("Escape")
    time.sleep(0.4)
    s = k.screen()
    t.ok("(•) 3." in s or "(•)" in s, "back on the age question, answered",
         s)
    k.keys("F2")
    time.sleep(0.3)
    k.keys("2", "Enter")
    time.sleep(0.5)
    s = k.screen()
    t.ok("¿Qué edad tiene?" in s and "(•) De 18 a 64" in s,
         "F2 switches to Spanish and keeps the answer", s)
    k.keys("F10")
finally:
    k.stop()

usb = os.path.join(w.dir, "usb")
os.makedirs(usb)
r = w.export(usb)
t.ok(r.returncode == 0, "export", r.stderr)
out = os.path.join(w.dir, "opened")
r = w.open(out, glob.glob(os.path.join(usb, "*.kib")))
t.ok(r.returncode == 0, "open", r.stdout + r.stderr)
mid = [f for f in office_csvs(out)
       if os.path.basename(f).startswith("municipal_id")]
t.ok(len(mid) == 1, "one Municipal ID CSV for all nine languages", mid)
rows = csv_rows(mid[0]) if mid else []
t.ok(len(rows) == len(LANGS), "one row per language", len(rows))
by = {r.get("language"): r for r in rows}
for lang in LANGS:
    row = by.get(lang, {})
    t.ok(NAMES[lang] in row.values(),
         "%s: the name is stored exactly as typed" % lang, row)
    t.ok(row.get("claim_code") == codes.get(lang),
         "%s: the claim code matches the screen" % lang)
t.ok(len({r.get("age_band") for r in rows}) == 1,
     "choices are stored by name, the same in every language",
     [r.get("age_band") for r in rows])
others = [f for f in office_csvs(out) if f not in mid]
t.ok(len(others) == 3, "one CSV for each other form", others)
for f in others:
    rs = csv_rows(f)
    t.ok(len(rs) == 2 and {r["language"] for r in rs} == {"en", "es"},
         "%s: an English and a Spanish row, same columns"
         % os.path.basename(f), rs)
w.cleanup()

# bidi = app: the kiosk reorders and right-aligns Arabic itself.
w = Workdir(langs="en ar", extra_kiosk="bidi = app")
k = Kiosk(w.config, 90, 30)
try:
    k.wait("English", 10)
    k.keys("2", "Enter")
    time.sleep(0.5)
    s = k.screen()
    lines = [l for l in s.splitlines()[1:-2] if l.strip()]
    right = [l for l in lines if len(l.rstrip()) >= 86]
    t.ok(len(right) >= 2, "bidi = app: Arabic lines are right-aligned", s)
finally:
    k.stop()
    w.cleanup()
t.done()
