#!/usr/bin/env python3
"""Answers are never lost without a word: Esc from the first page of a form
asks before it throws the answers away (and says they were erased); with
nothing answered it just goes back. F10 stays instant, and the language
screen then says the answers were erased. The progress counter goes up by
exactly one with each page, whatever the answers change."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import Kiosk, Tap, Workdir, auto_visit, page_counter  # noqa

t = Tap()
ASK = "Go back to the list of services?"
ERASED = "Your answers were erased."
w = Workdir(langs="en")
k = Kiosk(w.config, 80, 24)


def step(*keys, wait=0.4):
    k.keys(*keys)
    time.sleep(wait)
    return k.screen()


try:
    k.wait("Choose your language", 10)
    step("1", "Enter")
    s = step("1", "Enter")
    t.ok(page_counter(s) == (1, page_counter(s)[1]) if page_counter(s)
         else False, "the first page is number 1", s)
    s = step("Escape")
    t.ok(ASK not in s and "What do you need today?" in s,
         "Esc with nothing answered goes straight back", s)
    step("1", "Enter")
    step("Enter")                          # welcome -> privacy
    step("Enter")                          # privacy -> age
    step("3", "Enter")                     # 18 to 64 -> lives in city
    step("Escape", "Escape", "Escape")     # back to the first page
    s = k.screen()
    t.ok(page_counter(s) and page_counter(s)[0] == 1,
         "back on the first page", s)
    s = step("Escape")
    t.ok(ASK in s, "Esc on the first page asks before erasing", s)
    s = step("Enter")
    t.ok(ASK not in s and page_counter(s) is not None,
         "Enter alone keeps the answers and the page", s)
    step("Enter", "Enter")
    s = k.screen()
    t.ok("(•) 18 to 64" in s, "the answer is still there", s)
    step("Escape", "Escape")
    s = step("Escape")
    t.ok(ASK in s, "asked again", s)
    s = step("1", "Enter")
    t.ok("What do you need today?" in s and ERASED in s,
         "Yes goes back to the services and says the answers were erased",
         s)
    step("1", "Enter")
    step("Enter", "Enter")
    s = k.screen()
    t.ok("How old are you?" in s and "(•)" not in s,
         "the answers are gone", s)
    s = step("F10", wait=0.6)
    t.ok("Choose your language" in s and ERASED in s,
         "F10 is instant, and the next screen says the answers were erased",
         s)
    s = step("1", "Enter")
    t.ok(ERASED not in s, "the message goes with the next screen", s)

    # Progress: one more with each page, never a jump or a skip.
    step("4", "Enter")
    seen = []
    for _ in range(40):
        s = k.screen()
        c = page_counter(s)
        if c is None:
            break
        seen.append(c)
        before = s
        if "( )" in s or "(•)" in s or "[ ]" in s or "[x]" in s:
            for keys in (["Enter"], ["1", "Enter"], ["2", "Enter"]):
                s2 = step(*keys)
                if page_counter(s2) != c or s2 == before:
                    break
        else:
            k.keys("End")
            for _ in range(10):
                k.keys("BSpace")
            for text in ("", "2021", "973-555-0100"):
                if text:
                    k.type(text)
                s2 = step("Enter")
                if page_counter(s2) != c:
                    break
    ats = [a for a, _ in seen]
    t.ok(len(ats) > 5 and ats == list(range(1, len(ats) + 1)),
         "the page number goes 1, 2, 3... with no jump", seen)
    t.ok(all(a <= tot for a, tot in seen), "never past the total", seen)
    k.keys("F10")
finally:
    k.stop()
    w.cleanup()
t.done()
