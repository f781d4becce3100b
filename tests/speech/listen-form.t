#!/usr/bin/env python3
"""What the Listen key reads on a form made for it, through the real
kiosk-speak on ALSA's "null" device, checked in the helper's test-only
input log: a label that shows another answer (${first_name}) is read
without it; a phone number in a hint is read digit by digit; a
spoken::English (en) column replaces the written label; with [audio]
auto = yes, once Listen was pressed, each new screen is read without a
key; Arabic goes to the helper in logical order (bidi = app draws it
reordered); the claim code is read only with the ticket screen's own key
(F6), one character at a time."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import (CODE, Kiosk, Tap, Workdir,  # noqa: E402
                       speech_after, speech_log)

t = Tap()
NAME = "Qwuxoria" + "".join(chr(97 + int(c)) for c in str(os.getpid()))
AR_Q = "هل البطاقة مناسبة لك؟"
FORM = """survey,,,,,,,,
,type,name,label::English (en),label::العربية (ar),spoken::English (en),hint::English (en),hint::العربية (ar),required
,text,first_name,Your first name,اسمك الأول,,,,yes
,integer,age,"Hello ${first_name}, how old are you?","مرحبا ${first_name}، كم عمرك؟",,Call (973) 555-0100 for help.,اتصل بالرقم (973) 555-0100 للمساعدة.,yes
,select_one yesno,idok,Is the ID OK w/ you?,%s,Is the I D okay with you?,,,yes
choices,,,,,,,,
,list_name,name,label::English (en),label::العربية (ar),,,,
,yesno,yes,Yes,نعم,,,,
,yesno,no,No,لا,,,,
settings,,,,,,,,
,form_id,version,form_title::English (en),form_title::العربية (ar),,,,
,speaktest,1,Speak test,اختبار,,,,
""" % AR_Q


def entries(path):
    """The helper's input log: [(voice, text)]."""
    return speech_log(path, op=False)


def wait_new(log, before, timeout=5):
    return speech_after(log, before, timeout, op=False)


w = Workdir(langs="en ar", extra_kiosk="bidi = app")
w.use_forms({"speak.csv": FORM})
w.add_config("[audio]\nenabled = yes\nauto = yes\ndevice = null\n")
log = os.path.join(w.dir, "speech.log")
try:
    k = Kiosk(w.config, 100, 30, env={"KIOSK_TEST": "1",
                                      "KIOSK_TEST_SPEECH_LOG": log})
    k.wait("F3: listen", 10)
    k.keys("1", "Enter")
    k.wait("Speak test", 5)
    k.keys("1", "Enter")
    k.wait("Your first name", 5)
    n0 = len(entries(log))
    k.type(NAME)
    k.keys("Enter")
    s = k.wait("how old", 5) or k.screen()
    time.sleep(0.8)
    t.ok(len(entries(log)) == n0,
         "auto: nothing is read before the resident asks once")
    t.ok(NAME in s, "the screen shows the name in the label", s)
    k.keys("F3")
    new = wait_new(log, n0)
    said = new[0][1] if new else ""
    t.ok("how old are you" in said and NAME not in said,
         "a label with ${first_name} is read without the name", said)
    t.ok("9 7 3, 5 5 5, 0 1 0 0" in said,
         "the hint's phone number is read digit by digit", said)
    n1 = len(entries(log))
    k.type("30")
    k.keys("Enter")
    k.wait("Is the ID OK", 5)
    new = wait_new(log, n1)
    said = new[0][1] if new else ""
    t.ok(len(new) == 1 and "Is the I D okay with you?" in said and
         "w/" not in said and "1: Yes." in said,
         "auto: the next page is read without a key, from the "
         "spoken::English (en) column", new)
    n2 = len(entries(log))
    k.keys("F2")
    k.wait("العربية", 5)
    k.keys("2", "Enter")
    end = time.time() + 8
    while time.time() < end and not [v for v, x in entries(log)[n2:]
                                      if v == "ar" and AR_Q in x]:
        time.sleep(0.1)
    new = entries(log)[n2:]
    t.ok([v for v, x in new if v == "ar" and AR_Q in x],
         "Arabic is read in the ar voice, in logical order",
         [new, k.screen()])
    k.keys("1", "Enter")
    time.sleep(0.8)
    k.keys("Enter")           # review: send
    s = k.wait("█", 30) or k.screen()
    m = CODE.search(s)
    time.sleep(0.8)
    code = m.group(1) if m else "none"
    said = "".join(x for _, x in entries(log))
    t.ok(m is not None and code not in said and
         " ".join(code[:4]) not in said,
         "auto on the ticket screen: the code is not read", said[-300:])
    n3 = len(entries(log))
    k.keys("F6")
    new = wait_new(log, n3)
    spelled = ", ".join(" ".join(g) for g in code.split("-"))
    t.ok(len(new) == 1 and spelled in new[0][1],
         "F6 reads the code one character at a time", new)
    t.ok(NAME not in "".join(x for _, x in entries(log)),
         "the name was never sent to the helper")
    k.stop()
finally:
    w.cleanup()
t.done()
