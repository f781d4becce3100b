#!/usr/bin/env python3
"""kiosk-speak speaks a question in each of the nine shipped languages.
In its test-only WAV mode (KIOSK_TEST=1, `kiosk audio say --wav`) the
samples go to a file instead of the player; sox measures it: the audio is
not silent, its length is plausible for the text (roughly 4 to 30
characters a second), and twice the text takes about twice as long (so
the voice spoke the text rather than, say, a short error beep or the
letter names of a script it does not know). Without KIOSK_TEST=1 the
helper refuses to write a file."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import KIOSK, Tap  # noqa: E402

t = Tap()
if not shutil.which("sox"):
    t.skip_all("sox is not installed (make deps)")

# A typical question with its hint, as the forms ask it.
QUESTIONS = {
    "en": "What is your date of birth? Write it as year, month, day.",
    "es": "¿Cuál es su fecha de nacimiento? Escríbala como año, mes, día.",
    "bn": "আপনার জন্ম তারিখ কী? বছর, মাস, দিন হিসাবে লিখুন।",
    "ar": "ما هو تاريخ ميلادك؟ اكتبه بالسنة والشهر واليوم.",
    "ur": "آپ کی تاریخ پیدائش کیا ہے؟ اسے سال، مہینہ، دن کے طور پر لکھیں۔",
    "gu": "તમારી જન્મ તારીખ શું છે? તેને વર્ષ, મહિનો, દિવસ તરીકે લખો.",
    "tr": "Doğum tarihiniz nedir? Yıl, ay, gün olarak yazın.",
    "pl": "Jaka jest Pana/Pani data urodzenia? Proszę wpisać rok, miesiąc, dzień.",
    "ht": "Ki dat ou fèt? Ekri li kòm ane, mwa, jou.",
}
VOICES = {"en": "en-us", "es": "es-419"}

d = tempfile.mkdtemp(prefix="kiosk-speech-")
env = dict(os.environ, KIOSK_TEST="1")


def say(lang, text, wav, e=env, extra=()):
    return subprocess.run([KIOSK, "audio", "say", "--lang", lang, "--wav",
                           wav] + list(extra) + [text], env=e,
                          capture_output=True, text=True, timeout=120)


def stat(wav):
    r = subprocess.run(["sox", wav, "-n", "stat"], capture_output=True,
                       text=True)
    out = {}
    for line in r.stderr.splitlines():
        m = re.match(r"^(.+?):\s+(-?[0-9.]+)$", line)
        if m:
            out[m.group(1).strip()] = float(m.group(2))
    return out


try:
    for lang, text in QUESTIONS.items():
        wav = os.path.join(d, lang + ".wav")
        r = say(lang, text, wav)
        s = stat(wav) if r.returncode == 0 else {}
        secs = s.get("Length (seconds)", 0)
        rms = s.get("RMS     amplitude", 0)
        n = len(text)
        t.ok(r.returncode == 0 and rms > 0.02,
             "%s: spoken, not silent (RMS %.3f)" % (lang, rms),
             r.stdout + r.stderr)
        t.ok(n / 30.0 <= secs <= n / 4.0,
             "%s: %.2f s for %d characters is plausible" % (lang, secs, n),
             s)
        wav2 = os.path.join(d, lang + "2.wav")
        r = say(lang, text + " " + text, wav2)
        s2 = stat(wav2) if r.returncode == 0 else {}
        ratio = s2.get("Length (seconds)", 0) / secs if secs else 0
        t.ok(1.6 <= ratio <= 2.4,
             "%s: twice the text takes %.2f times as long" % (lang, ratio))

    # The voice is the one asked for: Spanish text in the Bengali voice
    # sounds different from the same in the Spanish voice.
    a, b = os.path.join(d, "v1.wav"), os.path.join(d, "v2.wav")
    say("es", QUESTIONS["es"], a)
    say("es", QUESTIONS["es"], b, extra=["--voice", "bn"])
    t.ok(open(a, "rb").read() != open(b, "rb").read(),
         "--voice changes the voice")

    r = say("en", "hello", os.path.join(d, "nv.wav"),
            extra=["--voice", "no-such-voice"])
    t.ok(r.returncode == 1 and "unknown voice" in r.stderr,
         "an unknown voice is refused, by name", r.stderr)

    # Test-only: without KIOSK_TEST=1 nothing spoken is written to disk.
    e = dict(os.environ)
    e.pop("KIOSK_TEST", None)
    f = os.path.join(d, "real.wav")
    r = say("en", "hello", f, e=e)
    t.ok(r.returncode == 1 and not os.path.exists(f) and
         "tests only" in r.stderr,
         "without KIOSK_TEST=1 the helper writes no WAV file", r.stderr)

    # kiosk audio test / status on a config's [audio] device.
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
    from kiosktest import Workdir
    w = Workdir(langs="en es bn ar ur gu tr pl ht")
    with open(w.config, "a") as f:
        f.write("[audio]\nenabled = yes\ndevice = null\n")
    r = subprocess.run([KIOSK, "audio", "test", "--config", w.config],
                       capture_output=True, text=True, timeout=120)
    played = re.findall(r"^(\S+) \(voice (\S+)\): played$", r.stdout, re.M)
    t.ok(r.returncode == 0 and [l for l, _ in played] ==
         "en es bn ar ur gu tr pl ht".split() and
         ("es", "es-419") in played,
         "audio test: a sample played in each of the nine languages",
         r.stdout + r.stderr)
    r = subprocess.run([KIOSK, "audio", "status", "--config", w.config],
                       capture_output=True, text=True, timeout=60)
    t.ok(r.returncode == 0 and "the device plays" in r.stdout,
         "audio status: the null device plays", r.stdout)
    with open(w.config, "a") as f:
        f.write("device = hw:9\n")
    r = subprocess.run([KIOSK, "audio", "status", "--config", w.config],
                       capture_output=True, text=True, timeout=60)
    t.ok(r.returncode == 1 and "no audio device" in r.stdout and
         "Listen key is hidden" in r.stdout,
         "audio status: no device, said so, with why", r.stdout)
    w.cleanup()
finally:
    shutil.rmtree(d, ignore_errors=True)
t.done()
