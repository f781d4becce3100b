#!/usr/bin/env python3
"""The staff menu says how reading aloud stands: off in the config; on,
with the device and whether the speech helper works; on, but the device
does not play (so residents have no Listen key); on, but the helper
failed (a crash after Listen), with its cause; and each configured
language's voice. It shows causes only, never anything spoken. The real
kiosk-speak plays on ALSA's "null" device; fake helpers (KIOSK_TEST=1 +
KIOSK_TEST_SPEAK_HELPER, as in helper.t) stand in for a device that does
not play and for a crash."""
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import Kiosk, Tap, Workdir  # noqa: E402

t = Tap()
d = tempfile.mkdtemp(prefix="kiosk-speakstaff-")
READY = ("#!/bin/sh\necho 'ready 22050'\n"
         "while read -r l; do [ \"$l\" = end ] && break; done\n")
fakes = {
    "nodevice": READY + "echo 'probe-failed no sound card'\nexec sleep 1000\n",
    "crash": READY + "echo 'probe ok'\n"
    "while read -r l; do [ \"$l\" = end ] && break; done\nkill -SEGV $$\n",
}
for name, body in fakes.items():
    with open(os.path.join(d, name), "w") as f:
        f.write(body)
    os.chmod(os.path.join(d, name), 0o755)


def staff_menu(audio, env=None, before=None, voices=""):
    """The staff menu's screen with this [audio] section."""
    w = Workdir(langs="en es bn")
    try:
        r = w.set_staff_pin("991193")
        if r.returncode != 0:
            return "pin set failed: " + r.stderr
        w.add_config("[audio]\n" + audio + voices)
        e = {"KIOSK_TEST": "1"}
        e.update(env or {})
        k = Kiosk(w.config, 100, 30, env=e)
        try:
            k.wait("Choose your language", 10)
            time.sleep(1)       # the probe's answer
            if before:
                before(k)
            return k.staff_menu("991193") or k.screen()
        finally:
            k.stop()
    finally:
        w.cleanup()


def flat(s):
    return " ".join(s.split())


try:
    s = flat(staff_menu("enabled = no\n"))
    t.ok("Reading aloud: off ([audio] enabled = no)." in s,
         "enabled = no: off", s)

    s = flat(staff_menu("enabled = yes\ndevice = null\n",
                        voices="voice.bn = bn\nvoice.es = es\n"))
    t.ok("Reading aloud: on, device null: the speech helper works." in s,
         "a device that plays: on, the device, the helper works", s)
    t.ok("Voices: en en-us, es es, bn bn." in s,
         "each language's voice, the config's voice.CODE included", s)

    s = flat(staff_menu("enabled = yes\ndevice = null\n", env={
        "KIOSK_TEST_SPEAK_HELPER": os.path.join(d, "nodevice")}))
    t.ok("Reading aloud: on, but device null does not play (no sound "
         "card), so the Listen key is hidden." in s,
         "no device: said, with the helper's cause", s)

    def listen_then_crash(k):
        k.wait("F3: listen", 5)
        k.keys("F3")
        time.sleep(1)

    s = flat(staff_menu("enabled = yes\ndevice = null\n", env={
        "KIOSK_TEST_SPEAK_HELPER": os.path.join(d, "crash")},
        before=listen_then_crash))
    t.ok("Reading aloud: on, device null, but the speech helper failed ("
         in s and "it starts again at the next Listen." in s,
         "a crashed helper: failed, with its cause", s)
finally:
    shutil.rmtree(d, ignore_errors=True)
t.done()
