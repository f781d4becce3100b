#!/usr/bin/env python3
"""Date questions say what is wrong: a day the calendar does not have
(2027-02-30) is not called a format problem, and a year out of range
(1850) gets a message about the year; native digits work here too. Legal
help's court date, in English and Arabic."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import Kiosk, Tap, Workdir, has_error, page_counter  # noqa

t = Tap()
LABEL = "When is your next court date"
w = Workdir(langs="en ar")
k = Kiosk(w.config, 100, 30)


def answer(text):
    k.keys("End")
    for _ in range(12):
        k.keys("BSpace")
    k.type(text)
    k.keys("Enter")
    time.sleep(0.4)
    # Only the error line: the hint itself says "year-month-day".
    return "\n".join(l for l in k.screen().splitlines()
                     if l.strip().startswith("! "))


try:
    k.wait("1. ", 10)
    k.keys("1", "Enter")
    time.sleep(0.3)
    k.keys("2", "Enter")
    time.sleep(0.3)
    # To the court date: the first option of each list, "yes" to papers.
    for _ in range(12):
        s = k.screen()
        if LABEL in s:
            break
        if "Do you have" in s and "( )" in s:
            k.keys("1", "Enter")
        elif "( )" in s or "(•)" in s:
            k.keys("1", "Enter")
        else:
            k.keys("Enter")
        time.sleep(0.4)
        if has_error(k.screen()):
            k.keys("2", "Enter")
            time.sleep(0.4)
    s = k.screen()
    t.ok(LABEL in s, "the court date question", s)
    s = answer("2027-02-30")
    t.ok("no such day" in s and "year-month-day" not in s,
         "2027-02-30: no such day, not a format problem", s)
    s = answer("1850-03-01")
    t.ok("check the year" in s and "1900" in s,
         "1850: a message about the year", s)
    s = answer("2027-13-01")
    t.ok("no such day" in s, "month 13: no such day", s)
    s = answer("2027-1-5")
    t.ok("year-month-day" in s, "a wrong format keeps the format message",
         s)
    s = answer("٢٠٢٧-٠٢-٣٠")
    t.ok("no such day" in s, "the same in Arabic-Indic digits", s)
    answer("2027-01-20")
    s = k.screen()
    t.ok(LABEL not in s or not has_error(s), "a real date goes on", s)
    k.keys("F10")
finally:
    k.stop()
    w.cleanup()
t.done()
