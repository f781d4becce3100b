#!/usr/bin/env python3
"""The full-screen session on the forms engine's harder parts: a repeat the
resident sizes ("add another?"), a label that shows an answer (${first}), a
calculation (count), an integer check, and a field-list group with an
acknowledge and a choice on one screen. The office CSV has one column per
instance."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import (TOP, Kiosk, Tap, Workdir, csv_rows,  # noqa: E402
                       office_csvs, submission_rows)

t = Tap()
w = Workdir(langs="en es",
            forms=os.path.join(TOP, "tests", "data", "ui-forms"))
k = Kiosk(w.config, 90, 28)
enter = k.enter

try:
    k.to_services()
    k.keys("1")
    s = enter("Household")
    s = enter("First name of this person")
    t.ok(s is not None, "the first question inside the repeat", k.screen())
    k.type("Ana")
    s = enter("Age of Ana")
    t.ok(s is not None, "a label shows an earlier answer (${first})",
         k.screen())
    k.type("x")
    s = enter("! ")
    t.ok(s is not None and "Age of Ana" in s,
         "an integer question refuses letters", k.screen())
    k.keys("BSpace")
    k.type("34")
    s = enter("Add another")
    t.ok(s is not None and "Household member" in s,
         "after the last question of the repeat: add another?", k.screen())
    k.keys("1")
    s = enter("First name of this person")
    t.ok(s is not None, "a second member is added", k.screen())
    k.type("Luis")
    enter("Age of Luis")
    k.type("7")
    s = enter("Add another")
    # A third member added by mistake, then taken out again.
    k.keys("1")
    s = enter("First name of this person")
    t.ok(s is not None and "F4: remove this one" in s,
         "a page of one member offers to remove it", k.screen())
    k.type("Zed")
    k.keys("F4")
    s = k.wait("Remove Household member 3?", 5)
    t.ok(s is not None and "No, keep it" in s and "Yes, remove it" in s,
         "removing asks first and names the member", k.screen())
    s = enter("First name of this person")
    t.ok(s is not None and "Zed" in s,
         "Enter alone keeps it, with what was typed", k.screen())
    k.keys("F4")
    k.wait("Remove Household member 3?", 5)
    k.keys("1")
    s = enter("Add another")
    t.ok(s is not None and "Zed" not in s,
         "removed: back to add another?", k.screen())
    k.keys("Escape")
    s = k.wait("Age of Luis", 5)
    t.ok(s is not None and "7" in s,
         "Back after removing goes to the member before", k.screen())
    s = enter("Add another")
    s = enter("People in your household")
    t.ok(s is not None and "People in your household: 2" in s,
         "the default is to go on; count() sees two members", k.screen())
    t.ok("F4" not in s, "no remove outside the repeat", s)
    s = enter("I have read this")
    t.ok(s is not None and "Anything else?" in s,
         "a field-list group shows both questions on one screen", s)
    s = enter("! ")
    t.ok(s is not None, "the required acknowledge is checked", k.screen())
    k.keys("1")
    k.keys("Tab")
    k.keys("2")
    s = enter("Check your answers")
    t.ok(s is not None and "Ana" in s and "Luis" in s and "34" in s,
         "the review lists both members", k.screen())
    k.keys("Enter")
    s = k.wait("saved and sealed", 10)
    t.ok(s is not None, "sent", k.screen())
    # or_other in Spanish: the choice and the question it adds are in
    # the kiosk's words, not pyxform's English.
    k.keys("F10")
    k.wait("Choose your language", 10)
    k.keys("2", "Enter")
    k.wait("Prueba de otro", 5)
    k.keys("2")
    s = enter("¿Dónde pasó?")
    t.ok(s is not None and "3. ( ) Otro" in s and "Other" not in s,
         "or_other: the added choice is in Spanish", k.screen())
    k.keys("3")
    s = enter("Escriba cuál es la otra opción.")
    t.ok(s is not None and "Specify other" not in s,
         "or_other: the added question is in Spanish", k.screen())
    k.keys("F10")
finally:
    k.stop()

_, r, out = w.export_open()
rows = submission_rows(out)
row = rows[0] if rows else {}
t.ok(len(rows) == 1, "one row at the office", r.stderr)
# Each entry of the repeat is a row of its own file, joined by KEY.
ents = []
for f in office_csvs(out, "PARENT_KEY"):
    ents += csv_rows(f)
t.ok([(e.get("instance"), e.get("first"), e.get("age")) for e in ents] ==
     [("1", "Ana", "34"), ("2", "Luis", "7")] and
     all(e.get("PARENT_KEY") == row.get("KEY") for e in ents),
     "one row per entry of the repeat, joined to the submission", ents)
t.ok(len(ents) == 2 and "Zed" not in row.values() and
     not any("Zed" in e.values() for e in ents),
     "the removed member is nowhere in the record", ents)
t.ok(row.get("n") == "2" and row.get("ok") == "OK" and
     row.get("more") == "no", "the calculation, acknowledge and choice",
     row)
w.cleanup()
t.done()
