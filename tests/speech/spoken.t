#!/usr/bin/env python3
"""A form's spoken texts for choices and hints, and native digits, through
the real kiosk-speak on ALSA's "null" device, checked in the helper's
test-only input log (KIOSK_TEST=1 + KIOSK_TEST_SPEECH_LOG):
- a choice's spoken::English (en) column (choices sheet) replaces its
  written label when read aloud, also in the list that or_other copies;
- a question's spoken_hint::English (en) column replaces the written hint;
- each is used only in its own language: in Bengali, a choice with a
  spoken::বাংলা (bn) column is read from it, one without from its written
  Bengali label (never from the English spoken text);
- a phone number in Bengali digits is read digit by digit, as ASCII
  digits, which the bn voice reads in Bengali;
- the form's settings voice::English (en) reads its English screens (the
  service screen, before a form is chosen, keeps the default en-us; the
  Bengali screens, for which the form names no voice, keep bn), and
  [audio] voice.en in the config wins over it;
- a voice the kiosk does not have (the helper answers "unknown voice")
  is followed by the same text in the language's own voice, and the log
  says so without naming the voice."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import (Kiosk, Tap, Workdir, speech_after,  # noqa: E402
                       speech_log)

t = Tap()
BN_HINT = "সাহায্যের জন্য ৯৭৩-৫৫৫-০১০০ নম্বরে কল করুন।"
FORM = """survey,,,,,,,,,
,type,name,label::English (en),label::বাংলা (bn),spoken::English (en),hint::English (en),hint::বাংলা (bn),spoken_hint::English (en),required
,select_one yn or_other,idok,Is the ID OK w/ you?,আইডি কি ঠিক আছে?,Is the I D okay with you?,See p. 3 & sign.,%s,"See page three, then sign.",yes
choices,,,,,,,,,
,list_name,name,label::English (en),label::বাংলা (bn),spoken::English (en),spoken::বাংলা (bn),,,
,yn,yes,Yes,হ্যাঁ,"Yes, it is",হ্যাঁ ঠিক আছে,,,
,yn,na,N/A,প্রযোজ্য নয়,Does not apply,,,,
settings,,,,,,,,,
,form_id,version,form_title::English (en),form_title::বাংলা (bn),voice::English (en),,,,
,spokentest,1,Spoken test,কথ্য পরীক্ষা,en-029,,,,
""" % BN_HINT


def entries(path):
    """The helper's input log: [(voice, text)]."""
    return speech_log(path, op=False)


def listen(k, log):
    before = len(entries(log))
    k.keys("F3")
    return speech_after(log, before, op=False)


def setup(w, audio=""):
    w.use_forms({"spoken.csv": FORM})
    w.add_config("[audio]\nenabled = yes\ndevice = null\n" + audio)
    return os.path.join(w.dir, "speech.log")


def start(w, log):
    """The kiosk in English, on the service screen."""
    k = Kiosk(w.config, 100, 30, env={"KIOSK_TEST": "1",
                                      "KIOSK_TEST_SPEECH_LOG": log})
    k.wait("F3: listen", 10)
    k.keys("1", "Enter")
    k.wait("Spoken test", 5)
    return k


def question(w, log):
    """A new kiosk in English, on the form's question."""
    k = start(w, log)
    k.keys("1", "Enter")
    k.wait("Is the ID OK", 5)
    return k


w = Workdir(langs="en bn")
log = setup(w)
try:
    k = start(w, log)
    new = listen(k, log)
    t.ok(new and new[0][0] == "en-us" and "Spoken test" in new[0][1],
         "the service screen: the default voice", new)
    k.keys("F3")            # stop
    k.keys("1", "Enter")
    s = k.wait("Is the ID OK", 5) or k.screen()
    t.ok("N/A" in s and "p. 3" in s, "the screen shows the written texts",
         s)
    new = listen(k, log)
    said = new[0][1] if new else ""
    t.ok(new and new[0][0] == "en-029",
         "the form's voice::English (en) reads its English pages", new)
    t.ok("1: Yes, it is." in said and "2: Does not apply." in said and
         "N/A" not in said,
         "choices: spoken::English (en) replaces the written label, "
         "also in the or_other list", said)
    t.ok("3: Other." in said, "the added Other is read as written", said)
    t.ok("See page three, then sign." in said and "p. 3" not in said,
         "hints: spoken_hint::English (en) replaces the written hint",
         said)
    t.ok("Is the I D okay with you?" in said,
         "the label's spoken::English (en) is still read", said)
    k.keys("F3")            # stop
    k.keys("F2")
    k.wait("বাংলা", 5)
    k.keys("2", "Enter")
    k.wait("আইডি", 5)
    time.sleep(0.5)
    new = listen(k, log)
    said = new[0][1] if new else ""
    voice = new[0][0] if new else ""
    t.ok(voice == "bn" and "1: হ্যাঁ ঠিক আছে." in said,
         "in Bengali, a choice's spoken::বাংলা (bn) is read", new)
    t.ok("2: প্রযোজ্য নয়." in said and "Does not apply" not in said,
         "a choice with no Bengali spoken text: its written Bengali label",
         said)
    t.ok("9 7 3, 5 5 5, 0 1 0 0" in said and "৯" not in said,
         "a phone number in Bengali digits is read digit by digit", said)
    t.ok("See page" not in said,
         "the English spoken hint is never read in Bengali", said)
    k.stop()

    # [audio] voice.en wins over the form's voice::English (en).
    w.add_config("voice.en = en\n")
    k = question(w, log)
    new = listen(k, log)
    t.ok(new and new[0][0] == "en" and "Yes, it is" in new[0][1],
         "the config's voice.en wins over the form's", new)
    k.stop()

    # A voice the kiosk does not have: the helper answers "unknown voice",
    # and the language's own voice reads the same text again.
    w.add_config("voice.en = zz-novoice\n")
    k = question(w, log)
    before = len(entries(log))
    k.keys("F3")
    end = time.time() + 5
    while time.time() < end and len(entries(log)) < before + 2:
        time.sleep(0.1)
    new = entries(log)[before:]
    t.ok(len(new) == 2 and new[0][0] == "zz-novoice" and
         new[1][0] == "en-us" and new[1][1] == new[0][1] and
         "Yes, it is" in new[1][1],
         "a voice that is not installed: en-us reads the text again", new)
    k.keys("F2")            # another screen stops the reading
    k.wait("বাংলা", 5)
    k.keys("1", "Enter")
    k.wait("Is the ID OK", 5)
    time.sleep(0.5)
    new = listen(k, log)
    t.ok(len(new) == 1 and new[0][0] == "en-us",
         "the next Listen goes to en-us at once", new)
    k.stop()
    klog = ""
    for root, _dirs, files in os.walk(w.data):
        for name in files:
            if name.endswith(".log"):
                klog += open(os.path.join(root, name),
                             errors="replace").read()
    t.ok("is not installed" in klog and "zz-novoice" not in klog,
         "the log says a voice is missing, without naming it (it would "
         "name the resident's language)", klog[-500:])
finally:
    w.cleanup()
t.done()
