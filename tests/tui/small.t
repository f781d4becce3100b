#!/usr/bin/env python3
"""The documented minimum size, 60x20, for every form in English, Arabic
and Bengali: each list is answered by moving to its last option (the
highlighted option must be on screen after every key), and the review
screen must show its cursor after every key and reach "Send". Nothing can
be confirmed that is not on screen. Also at 100x30 for one form."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import (CODE, TEXT_TRIES, Kiosk, Tap, Workdir,  # noqa: E402
                       changed, has_error, has_field, page_counter, run)

t = Tap()
LANGS = ["en", "ar", "bn"]
SEND = {"en": "Send my answers", "ar": "أرسل إجاباتي", "bn": "আমার উত্তর পাঠান"}
FORMS = ["1", "2", "3", "4"]
CURSOR = "▶"


def key(k, name):
    """One key, then just long enough for the kiosk to redraw."""
    run(["tmux", "-L", k.sock, "send-keys", "-t", "k", name])
    time.sleep(0.06)
    return k.screen()


def settle(k, before, timeout=4.0):
    return changed(k, before, timeout, settle=0.1)


def is_list(s):
    return "( )" in s or "(•)" in s or "[ ]" in s or "[x]" in s


def cursor_line(s):
    for i, line in enumerate(s.splitlines()):
        if CURSOR in line:
            return i
    return None


def visit(k, lang, form, W, H, problems, long_lists):
    """Answer every page; lists by moving to the last option. Returns the
    claim code or None."""
    for _ in range(60):
        s = k.screen()
        if "█" in s or "saved and sealed" in s or CODE.search(s):
            m = CODE.search(s)
            return m.group(1) if m else "?"
        if page_counter(s) is None:
            # The review screen: the cursor starts on Send.
            review(k, lang, form, s, problems)
            k.keys("Enter")
            settle(k, s, 10)
            continue
        before = page_counter(s)
        if is_list(s):
            multi = "[ ]" in s or "[x]" in s
            # Move to the last option one key at a time; the highlighted
            # option must be on screen after every key.
            prev = None
            for n in range(40):
                s2 = key(k, "Down")
                cl = cursor_line(s2)
                if cl is None:
                    time.sleep(0.2)
                    s2 = k.screen()
                    cl = cursor_line(s2)
                if cl is None:
                    problems.append("%s form %s: Down %d: no %s on screen"
                                    "\n%s" % (lang, form, n + 1, CURSOR, s2))
                    break
                if s2 == prev:
                    time.sleep(0.2)
                    s2 = k.screen()
                    if s2 == prev:
                        break
                prev = s2
            if n >= 8:
                long_lists.append((lang, form))
            tries = [["Enter"], ["space", "Enter"], ["Home", "Enter"],
                     ["Home", "space", "Enter"], ["1", "Enter"],
                     ["2", "Enter"]]
            if not multi:
                tries = [["Enter"], ["Home", "Enter"], ["1", "Enter"],
                         ["2", "Enter"]]
            s = k.screen()
            for keys in tries:
                k.keys(*keys)
                s2 = settle(k, s)
                if page_counter(s2) != before or not has_error(s2):
                    break
                if multi:       # untick what this try ticked
                    k.keys("Home")
                s = s2
            continue
        if has_field(k):
            for text in TEXT_TRIES:
                k.clear(30)
                if text:
                    k.type(text)
                k.keys("Enter")
                s2 = settle(k, s)
                if not has_error(s2):
                    break
            continue
        k.keys("Enter")
        settle(k, s)
    return None


def review(k, lang, form, s, problems):
    rows = s.splitlines()
    if cursor_line(s) is None:
        problems.append("%s form %s: review opens without its cursor\n%s"
                        % (lang, form, s))
    if SEND.get(lang) and SEND[lang] not in s:
        problems.append("%s form %s: review opens without Send\n%s"
                        % (lang, form, s))
    # Up to the first answer and back down to Send, one key at a time.
    seen = []
    for name in ["Up"] * 25 + ["Down"] * 25 + ["PPage", "Home", "NPage",
                                                "End"]:
        s2 = key(k, name)
        if cursor_line(s2) is None:
            time.sleep(0.2)
            s2 = k.screen()
        if cursor_line(s2) is None:
            problems.append("%s form %s: review, after %s: cursor off "
                            "screen\n%s" % (lang, form, name, s2))
            break
        seen.append(s2)
    s2 = k.screen()
    if SEND.get(lang) and SEND[lang] not in s2:
        problems.append("%s form %s: End does not show Send\n%s"
                        % (lang, form, s2))
    del rows


for W, H, langs, forms in ((60, 20, LANGS, FORMS), (100, 30, ["en"],
                                                     ["4"])):
    w = Workdir(langs=" ".join(langs))
    k = Kiosk(w.config, W, H)
    try:
        k.wait("1. ", 10)
        for li, lang in enumerate(langs):
            for form in forms:
                problems, long_lists = [], []
                k.wait("1. ", 10)
                k.keys(str(li + 1), "Enter")
                time.sleep(0.3)
                k.keys(form, "Enter")
                time.sleep(0.3)
                code = visit(k, lang, form, W, H, problems, long_lists)
                t.ok(code is not None, "%dx%d %s form %s: reached Send and "
                     "sent" % (W, H, lang, form), k.screen())
                t.ok(not problems, "%dx%d %s form %s: the cursor was on "
                     "screen after every key" % (W, H, lang, form),
                     "\n".join(problems[:2]))
                if form == "4":
                    t.ok(long_lists, "%dx%d %s: a list of more than 9 "
                         "options was answered by its last one"
                         % (W, H, lang))
                k.keys("Enter")
                time.sleep(0.3)
    finally:
        k.stop()
        w.cleanup()

# Numbers from 10 up are shown and aligned, and "1" "2" picks option 12
# of a long list; wrapped lines are indented under their text.
w = Workdir(langs="en")
k = Kiosk(w.config, 60, 20)
try:
    k.wait("1. ", 10)
    k.keys("1", "Enter")
    time.sleep(0.3)
    k.keys("4", "Enter", "Enter", "Enter", "1", "Enter")
    s = k.wait("What kind of crime", 5) or k.screen()
    k.keys("1", "1")
    s = k.wait("▶ 11. (•)", 3)
    t.ok(s is not None, "typing 1 then 1 picks option 11", k.screen())
    lines = (s or "").splitlines()
    num = [l for l in lines if re.match(r"^\s+(▶ )?\s*\d+\. \(", l)]
    cols = {l.index(".") for l in num}
    t.ok(len(cols) == 1, "the dots of 1. to 11. are aligned", s)
    k.keys("Home")
    s = k.wait("▶  1. (•)", 3) or k.screen()
    wrapped = [i for i, l in enumerate(s.splitlines())
               if "Domestic violence" in l]
    nxt = s.splitlines()[wrapped[0] + 1] if wrapped else ""
    t.ok(wrapped and nxt.startswith(" " * 12) and nxt.strip() == "member)",
         "a wrapped option line is indented under its text", s)
    k.keys("F10")
finally:
    k.stop()
    w.cleanup()
t.done()
