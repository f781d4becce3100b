#!/usr/bin/env python3
"""Listen: the time from the F3 key (sent with tmux send-keys) to the first
audio samples written to the player by kiosk-speak, on a typical question
page (question, hint, four options) in Spanish and in Bengali, on ALSA's
"null" device; beside it the helper alone (`kiosk audio say --time`, no
screen, no key). Target: under 150 ms. Then the kiosk's peak RSS (VmHWM)
over the same visit with speech on and with speech off: the synthesiser's
memory stays in the helper, so the two should be the same."""
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import KIOSK, Kiosk, Workdir, kiosk_pid, run  # noqa: E402

N = 15


def times(path):
    try:
        return [float(l.split()[1]) for l in open(path)]
    except OSError:
        return []


def to_question(k):
    k.keys("1", "Enter")      # the first service
    for _ in range(6):
        s = k.screen()
        if "( )" in s:
            return s
        k.keys("Enter")
        time.sleep(0.3)
    return k.screen()


def presses(k, tpath, n):
    out = []
    for _ in range(n):
        before = len(times(tpath))
        t0 = time.monotonic() * 1000
        run(["tmux", "-L", k.sock, "send-keys", "-t", "k", "F3"])
        end = time.time() + 5
        while time.time() < end and len(times(tpath)) == before:
            time.sleep(0.002)
        tt = times(tpath)
        if len(tt) > before:
            out.append(tt[before] - t0)
        time.sleep(0.8)       # spoken to its end on "null"
    return out


def visit(audio, tpath):
    w = Workdir(langs="en es bn")
    with open(w.config, "a") as f:
        f.write("[audio]\nenabled = %s\ndevice = null\n"
                % ("yes" if audio else "no"))
    k = Kiosk(w.config, 100, 30, env={"KIOSK_TEST": "1",
                                      "KIOSK_TEST_SPEECH_TIMES": tpath})
    k.wait("Choose your language", 10)
    time.sleep(0.5)
    res = {}
    k.keys("2", "Enter")
    time.sleep(0.3)
    to_question(k)
    res["es"] = presses(k, tpath, N)
    k.keys("F2")
    time.sleep(0.3)
    k.keys("3", "Enter")
    time.sleep(0.5)
    res["bn"] = presses(k, tpath, N)
    pid = kiosk_pid(w)
    hwm = re.search(r"VmHWM:\s+(\d+)", open("/proc/%d/status" % pid).read())
    helper = subprocess.run(["pgrep", "-P", str(pid), "-f", "kiosk-speak"],
                            capture_output=True, text=True).stdout.split()
    if helper:
        h = re.search(r"VmHWM:\s+(\d+)",
                      open("/proc/%s/status" % helper[0]).read())
        print("kiosk-speak's own peak RSS (its process, not the kiosk's): "
              "%s KiB" % (h.group(1) if h else "?"))
    k.stop()
    w.cleanup()
    return res, int(hwm.group(1)) if hwm else -1


d = "/tmp/kiosk-bench-speech-%d" % os.getpid()
os.makedirs(d)
try:
    res, hwm_on = visit(True, os.path.join(d, "on"))
    for lang in ("es", "bn"):
        v = res[lang]
        if v:
            print("Listen to first samples, %s (median of %d): %.1f ms, "
                  "max %.1f ms  (target < 150 ms): %s"
                  % (lang, len(v), statistics.median(v), max(v),
                     "met" if statistics.median(v) < 150 else "NOT MET"))
        else:
            print("Listen to first samples, %s: no samples written" % lang)
    r = subprocess.run([KIOSK, "audio", "say", "--device", "null", "--time",
                        "--repeat", str(N), "--lang", "es",
                        "¿Qué edad tiene? Elija un grupo. 1: Menos de 14 "
                        "años. 2: De 14 a 17 años. 3: De 18 a 64 años. "
                        "4: 65 años o más."], capture_output=True,
                       text=True)
    print("reference, the helper alone (kiosk audio say --time): "
          + (r.stdout.strip() or r.stderr.strip()))
    _, hwm_off = visit(False, os.path.join(d, "off"))
    print("kiosk peak RSS over the visit: speech on %d KiB, speech off "
          "%d KiB (difference %+d KiB; target: unchanged, within 256 KiB): "
          "%s" % (hwm_on, hwm_off, hwm_on - hwm_off,
                  "met" if abs(hwm_on - hwm_off) <= 256 else "NOT MET"))
finally:
    subprocess.run(["rm", "-rf", d])
