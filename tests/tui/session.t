#!/usr/bin/env python3
"""End to end, as a resident and then staff would: an English and a Spanish
session through the shipped Municipal ID form in the real binary under
tmux, then `kiosk export` and `kiosk open`. The CSV must hold exactly what
was typed, and nothing typed (nor the claim codes) may be found anywhere
under data_dir."""
import csv
import glob
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import csv_rows, office_csvs, Kiosk, Tap, Workdir, grep_tree  # noqa: E402

t = Tap()
if not os.path.exists(os.path.join(os.environ.get("KIOSK_TOP", "."),
                                   "forms", "municipal-id.csv")):
    t.skip_all("no shipped municipal-id form")

CODE = re.compile(r"\b([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-"
                  r"[0-9A-HJKMNP-TV-Z]{4})\b")


def step(k, keys=(), text=None, expect=None, timeout=8):
    """Press keys (or type text), then Enter; wait for the screen to change."""
    before = k.screen()
    for key in keys:
        k.keys(key)
    if text is not None:
        k.type(text)
    k.keys("Enter")
    if expect:
        return k.wait(expect, timeout)
    end = timeout
    import time
    t0 = time.time()
    while time.time() - t0 < end:
        s = k.screen()
        if s != before:
            return s
        time.sleep(0.1)
    return None


def session(k, lang_key, name, phone, words):
    """One visit; returns (claim code, review screen)."""
    s = k.wait(words["welcome"], 10)
    t.ok(s is not None, "language screen is shown", k.screen())
    k.keys(lang_key)
    s = step(k, expect=words["service_title"])
    t.ok(s is not None, "service screen in the chosen language", k.screen())
    # The Municipal ID form is first in the menu (menu_order 10).
    k.keys("1")
    step(k)                              # -> welcome note
    step(k)                              # -> privacy note
    s = step(k, expect=words["age"])     # -> age band
    t.ok(s is not None, "first question is asked", k.screen())
    # Enter without an answer must not advance, and says why.
    s = step(k, expect="! ")
    t.ok(s is not None and words["age"] in s,
         "a required question is not skipped", k.screen())
    step(k, keys=["3"])                  # 18 to 64 -> lives in city
    step(k, keys=["1"])                  # yes -> identity papers
    step(k, keys=["1"])                  # passport -> residency papers
    step(k, keys=["1"])                  # lease -> "good news" note
    step(k)                              # -> bring originals
    step(k)                              # -> mail safe
    step(k, keys=["1"])                  # -> fee help
    step(k, keys=["2"])                  # -> appointment window
    step(k, keys=["1"])                  # -> appointment help (optional)
    step(k)                              # -> contact method
    s = step(k, keys=["3"])              # text -> phone
    t.ok(s is not None and words["phone"] in s, "phone is asked", s)
    step(k, text=phone)                  # -> first name
    s = step(k, text=name, expect=words["almost"])
    t.ok(s is not None, "typed name accepted", k.screen())
    s = step(k, expect=words["review"])
    t.ok(s is not None, "check-your-answers screen", k.screen())
    digits = "".join(c for c in phone if c.isdigit())
    shown = "(%s) %s-%s" % (digits[:3], digits[3:6], digits[6:])
    t.ok(s is not None and name in s and shown in s,
         "review lists what was typed (the phone number formatted)", s)
    s = step(k, expect=words["saved"], timeout=15)
    t.ok(s is not None, "ticket screen after send", k.screen())
    m = CODE.search(s or "")
    t.ok(m is not None, "claim code shown", s)
    code = m.group(1) if m else None
    t.ok(s is not None and "█" in s, "claim code in large type")
    s = step(k, expect=words["welcome"])
    t.ok(s is not None, "back to the language screen", k.screen())
    t.ok(s is not None and name not in k.history() and
         (code is None or code not in k.screen()),
         "nothing of the visit is left on screen")
    return code


EN = {"welcome": "Choose your language", "service_title":
      "What do you need today?", "age": "How old are you?",
      "required": "required", "phone": "phone number",
      "almost": "Almost done", "review": "Check your answers",
      "saved": "saved and sealed"}

w = Workdir(langs="en es")
k = Kiosk(w.config, 100, 32)
try:
    code_en = session(k, "1", "Zoë Ångström", "973-555-0142", EN)
    # Spanish: the kiosk's own strings come from the es catalogue.
    ES = dict(EN)
    ES.update({"service_title": "¿Qué necesita hoy?",
               "age": "¿Qué edad tiene?",
               "phone": "teléfono", "almost": "Casi termina",
               "review": "Revise sus respuestas",
               "saved": "guardadas y selladas"})
    code_es = session(k, "2", "José Peña", "(201) 555-0199", ES)
finally:
    k.stop()

typed = ["Zoë Ångström", "973-555-0142", "José Peña", "(201) 555-0199",
         "9735550142", "2015550199"]
codes = [c for c in (code_en, code_es) if c]
found = grep_tree(w.data, typed + codes + ["municipal_id"])
t.ok(not found, "no answer, claim code or form id under data_dir",
     "found: %s" % sorted(found))
t.ok(os.path.exists(os.path.join(w.data, "kiosk.db")), "kiosk.db exists")

usb = os.path.join(w.dir, "usb")
os.makedirs(usb)
r = w.export(usb)
t.ok(r.returncode == 0, "kiosk export succeeds", r.stderr)
batches = glob.glob(os.path.join(usb, "*.kib"))
t.ok(len(batches) == 1, "one batch file on the stick", batches)
out = os.path.join(w.dir, "opened")
r = w.open(out, batches)
t.ok(r.returncode == 0, "kiosk open succeeds", r.stdout + r.stderr)
csvs = office_csvs(out)
t.ok(len(csvs) == 1 and os.path.basename(csvs[0]).startswith("municipal_id"),
     "one CSV for the form", csvs)
rows = []
if csvs:
    rows = csv_rows(csvs[0])
t.ok(len(rows) == 2, "two rows", rows)
by_lang = {}
for row in rows:
    lang = row.get("language") or row.get("lang")
    by_lang[lang] = row
en, es = by_lang.get("en", {}), by_lang.get("es", {})
t.ok(en.get("first_name") == "Zoë Ångström" and
     en.get("phone") == "9735550142",
     "English row holds what was typed (the phone number as its digits)",
     en)
t.ok(es.get("first_name") == "José Peña" and
     es.get("phone") == "2015550199",
     "Spanish row holds what was typed (the phone number as its digits)",
     es)
t.ok(en.get("claim_code") == code_en and es.get("claim_code") == code_es,
     "claim codes in the CSV match the screen", rows)
t.ok(en.get("age_band") == "18_64" and en.get("contact_method") == "text",
     "choices are stored by name", en)
t.ok(rows and not any(k.split("/")[0] in ("id_docs", "res_docs", "id_points",
                                         "res_points", "mail_safe")
                      for k in rows[0]) and "id_docs_ok" in rows[0],
     "document answers are not stored, only whether they suffice",
     list(rows[0].keys()) if rows else None)
r = w.open(out, batches)
rows2 = []
rows2 = csv_rows(csvs[0])
t.ok(len(rows2) == 2, "opening the same batch again adds nothing")
w.cleanup()
t.done()
