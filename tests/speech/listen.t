#!/usr/bin/env python3
"""The Listen key in the full-screen kiosk, in Spanish and in Bengali.
kiosk-speak runs for real on the ALSA "null" device; its test-only input
log (KIOSK_TEST=1 + KIOSK_TEST_SPEECH_LOG) shows what it was asked to say.
On a question page it gets exactly the question, its hint and the options
with their numbers, all of it on the screen; on the review screen, where
the resident's answers are shown, it gets none of them; on the ticket
screen not the claim code. The test types a unique name into the form and
checks the helper never receives it. With no audio device the key and its
hint are not there."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import (CODE, TEXT_TRIES, Kiosk, Tap, Workdir,  # noqa: E402
                       changed, has_error, has_field, page_counter,
                       speech_after, speech_log)

t = Tap()
NAME = "Zyxquorbin" + "".join(chr(97 + int(c)) for c in str(os.getpid()))


entries = speech_log       # [(op, voice, text)]


def flat(s):
    return re.sub(r"\s+", "", s)


def listen(k, log, before):
    k.keys("F3")
    return speech_after(log, before)


def spoken_parts(text):
    """Each part the kiosk said, without the "N: " of options and the
    full stop it adds."""
    parts = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        m = re.match(r"^(\d+): (.*)$", line)
        parts.append((int(m.group(1)) if m else None,
                      (m.group(2) if m else line)))
    return parts


def on_screen(part, screen):
    p = flat(part)
    return p in flat(screen) or p.rstrip(".।") in flat(screen)


def check_page(k, log, lang, voice):
    s = k.screen()
    new = listen(k, log, len(entries(log)))
    t.ok(len(new) == 1 and new[0][1] == voice,
         "%s: Listen sends one request in voice %s" % (lang, voice), new)
    if not new:
        return
    parts = spoken_parts(new[0][2])
    missing = [p for _, p in parts if not on_screen(p, s)]
    t.ok(parts and not missing,
         "%s: everything spoken is on the screen" % lang, [missing, s])
    opts = re.findall(r"^\s*(?:▶ )?(\d)\. [\(\[][ •x][\)\]] (.+?)\s*$", s,
                      re.M)
    said = {n: p for n, p in parts if n is not None}
    t.ok(opts and all(int(n) in said and flat(said[int(n)]).rstrip(".।")
                      .startswith(flat(lbl)[:10]) for n, lbl in opts),
         "%s: every option on screen is spoken with its number" % lang,
         [opts, said])
    first = [p for n, p in parts if n is None][0]
    title = [line for line in s.splitlines()[1:] if line.strip()][0]
    t.ok(flat(title).startswith(flat(first).rstrip(".?।")[:12]),
         "%s: the question comes first" % lang, [first, title])
    t.ok(NAME not in new[0][2], "%s: the typed name is not spoken" % lang)


w = Workdir(langs="en es bn")
w.add_config("[audio]\nenabled = yes\ndevice = null\n")
log = os.path.join(w.dir, "speech.log")
env = {"KIOSK_TEST": "1", "KIOSK_TEST_SPEECH_LOG": log}
try:
    k = Kiosk(w.config, 100, 30, env=env)
    s = k.wait("F3: listen", 10)
    t.ok(s is not None and "escuchar" in s and "শুনুন" in s,
         "the first screen says in every language which key listens", s)
    new = listen(k, log, 0)
    t.ok(len(new) == 3 and [v for _, v, _ in new] == ["en-us", "es-419",
                                                       "bn"]
         and "Español" in new[1][2],
         "on the language screen each language is read in its own voice",
         new)

    k.keys("2", "Enter")
    k.wait("F2", 5)
    k.keys("1", "Enter")
    time.sleep(0.5)
    checked = {}
    typed = False
    reviewed = False
    for _ in range(80):
        s = k.screen()
        if "█" in s:
            break
        if page_counter(s) is None and not reviewed:
            # Review: the name is on screen; Listen must not say it.
            reviewed = True
            t.ok(typed and NAME in flat(s),
                 "review (es): the typed name is on the screen", s)
            new = listen(k, log, len(entries(log)))
            t.ok(len(new) == 1 and NAME not in new[0][2] and
                 not any(a in new[0][2] for a in TEXT_TRIES if a),
                 "review (es): no answer is spoken", new)
            k.keys("F2")
            k.wait("বাংলা", 5)
            k.keys("3", "Enter")
            time.sleep(0.6)
            new = listen(k, log, len(entries(log)))
            t.ok(len(new) == 1 and new[0][1] == "bn" and
                 NAME not in new[0][2],
                 "review (bn): read in Bengali, no answer", new)
            # Change the first answer: its question page, in Bengali.
            k.keys("1", "Enter")
            time.sleep(0.6)
            s = k.screen()
            if "( )" in s or "(•)" in s:
                checked["bn"] = True
                check_page(k, log, "bn", "bn")
            k.keys("Enter")
            time.sleep(0.6)
            continue
        if page_counter(s) is None:
            k.keys("Enter")
            time.sleep(1)
            continue
        if ("( )" in s or "(•)" in s or "[ ]" in s) and "es" not in checked:
            checked["es"] = True
            check_page(k, log, "es", "es-419")
        if "( )" in s or "(•)" in s or "[ ]" in s or "[x]" in s:
            before = page_counter(s)
            for keys in (["3", "Enter"], ["Enter"], ["1", "Enter"],
                         ["2", "Enter"]):
                k.keys(*keys)
                time.sleep(0.4)
                s2 = k.screen()
                if page_counter(s2) != before or not has_error(s2):
                    break
            continue
        if has_field(k):
            for text in ([NAME] if not typed else []) + TEXT_TRIES:
                k.clear()
                if text:
                    k.type(text)
                    time.sleep(0.3)
                shown = flat(k.screen())
                k.keys("Enter")
                s2 = changed(k, s)
                if not has_error(s2):
                    typed = typed or (text == NAME and NAME in shown)
                    break
            continue
        k.keys("Enter")
        time.sleep(0.3)
    t.ok("es" in checked and "bn" in checked,
         "a question page was read in Spanish and in Bengali", checked)
    s = k.screen()
    m = CODE.search(s)
    new = listen(k, log, len(entries(log)))
    t.ok(m is not None and len(new) == 1 and m.group(1) not in new[0][2],
         "ticket: read without the claim code", [s, new])
    allsaid = "".join(x for _, _, x in entries(log))
    t.ok(typed and NAME not in allsaid,
         "the typed name %s was never sent to the helper" % NAME)
    k.stop()

    # No audio device: no key, no hint, nothing spoken.
    w2 = Workdir(langs="en es")
    w2.add_config("[audio]\nenabled = yes\ndevice = hw:9\n")
    log2 = os.path.join(w2.dir, "speech.log")
    k = Kiosk(w2.config, 100, 30, env={"KIOSK_TEST": "1",
                                        "KIOSK_TEST_SPEECH_LOG": log2})
    s = k.wait("Choose your language", 10)
    time.sleep(1.5)
    s = k.screen()
    k.keys("F3")
    time.sleep(1)
    t.ok("F3" not in s and not entries(log2),
         "no audio device: no Listen hint, F3 says nothing", s)
    k.stop()
    w2.cleanup()
finally:
    w.cleanup()
t.done()
