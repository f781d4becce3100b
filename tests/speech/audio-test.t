#!/usr/bin/env python3
"""`kiosk audio test` for staff setting a kiosk up:
- with a device that does not play it says so, with the player's cause;
  whether the machine has a sound card at all (/proc/asound/cards; the
  test points KIOSK_TEST_ASOUND_CARDS at a stand-in, so it does not depend
  on this machine's hardware); that no language was tried and nothing was
  spoken; and exits 2;
- on a device that plays (ALSA's "null") it also tries each voice a form
  names (settings voice::Language (code)): one that plays, one the kiosk
  does not have ("did not play", exit 1), and one the config's
  [audio] voice.CODE overrides (not tried, said why)."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import KIOSK, Tap, Workdir  # noqa: E402

t = Tap()
FORM = """survey,,,,
,type,name,label::English (en),label::Español (es)
,note,n,Hello,Hola
settings,,,,
,form_id,voice::English (en),voice::Español (es),
,voiced,en-029,zz-novoice,
"""


def audio_test(w, cards=None):
    env = dict(os.environ, KIOSK_TEST="1")
    if cards is not None:
        path = os.path.join(w.dir, "cards")
        with open(path, "w") as f:
            f.write(cards)
        env["KIOSK_TEST_ASOUND_CARDS"] = path
    return subprocess.run([KIOSK, "audio", "test", "--config", w.config],
                          capture_output=True, text=True, timeout=120,
                          env=env)


w = Workdir(langs="en es")
try:
    w.add_config("[audio]\nenabled = yes\ndevice = hw:9\n")
    r = audio_test(w, "--- no soundcards ---\n")
    out = r.stdout
    t.ok(r.returncode == 2, "no device: exit 2 (%d)" % r.returncode,
         out + r.stderr)
    t.ok(re.search(r"^device hw:9: does not play \(.+\)$", out, re.M),
         "no device: said, with the player's cause", out)
    t.ok("no sound card: this machine's kernel lists none" in out,
         "no sound card at all: said so", out)
    t.ok("en (voice en-us): not tried, no device" in out and
         "es (voice es-419): not tried, no device" in out and
         "nothing was spoken" in out,
         "no device: no language was tried, nothing was spoken", out)
    r = audio_test(w, " 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n")
    t.ok(r.returncode == 2 and "no sound card" not in r.stdout and
         "check [audio] device (aplay -L" in r.stdout,
         "a card, but the device does not play: check the device", r.stdout)
    w.cleanup()

    w = Workdir(langs="en es")
    w.use_forms({"voiced.csv": FORM})
    w.add_config("[audio]\nenabled = no\ndevice = null\n")
    r = audio_test(w)
    out = r.stdout
    t.ok("note: [audio] enabled = no" in out,
         "enabled = no: said, the device is tried all the same", out)
    t.ok("en (voice en-us): played" in out and
         "es (voice es-419): played" in out,
         "each language's own voice played", out)
    t.ok("form voiced, en (voice en-029): played" in out,
         "a form's voice::English (en) is tried, and plays", out)
    t.ok(r.returncode == 1 and
         "form voiced, es (voice zz-novoice): did not play (unknown voice)"
         in out, "a form's voice the kiosk lacks: did not play, exit 1",
         out)
    w.add_config("voice.es = es\n")
    r = audio_test(w)
    t.ok(r.returncode == 0 and "form voiced, es: its voice zz-novoice is "
         "not used ([audio] voice.es = es wins)" in r.stdout,
         "a form's voice the config overrides: not tried, said why",
         r.stdout)
finally:
    w.cleanup()
t.done()
