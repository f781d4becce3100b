#!/usr/bin/env python3
"""The speech helper crashes, hangs or talks nonsense: the kiosk never
stalls or crashes with it. A fake helper stands in for kiosk-speak through
the test-only switch KIOSK_TEST=1 + KIOSK_TEST_SPEAK_HELPER. Each fake
answers the start-up probe (so the Listen key is shown), then misbehaves
on the first thing it is asked to say. After Listen the screen must still
follow keys at once, and no fake may be left running."""
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import Kiosk, Tap, Workdir  # noqa: E402

t = Tap()
d = tempfile.mkdtemp(prefix="kiosk-speakfake-")
HEAD = ("#!/bin/sh\necho $$ >> %s/pids\necho 'ready 22050'\n"
        "while read -r l; do [ \"$l\" = end ] && break; done\n"
        "echo 'probe ok'\n"
        "while read -r l; do [ \"$l\" = end ] && break; done\n" % d)
fakes = {
    "crash": "kill -SEGV $$\n",
    "hang": "exec sleep 1000\n",
    "garbage": "echo 'playing 1x'; echo '\\001\\002'; exec sleep 1000\n",
}
for name, body in fakes.items():
    with open(os.path.join(d, name), "w") as f:
        f.write(HEAD + body)
    os.chmod(os.path.join(d, name), 0o755)


def pids():
    try:
        return [int(p) for p in open(os.path.join(d, "pids")).read().split()]
    except OSError:
        return []


try:
    for name in fakes:
        w = Workdir(langs="en es")
        with open(w.config, "a") as f:
            f.write("[audio]\nenabled = yes\ndevice = null\n")
        k = Kiosk(w.config, 100, 30, env={
            "KIOSK_TEST": "1",
            "KIOSK_TEST_SPEAK_HELPER": os.path.join(d, name)})
        s = k.wait("F3: listen", 10)
        t.ok(s is not None, "%s: the probe answered, Listen is shown" % name)
        k.keys("F3")
        t0 = time.time()
        k.keys("2", "Enter")
        s = k.wait("¿Qué necesita hoy?", 5)
        t.ok(s is not None and time.time() - t0 < 3,
             "%s: the screen follows keys right after Listen (%.1f s)"
             % (name, time.time() - t0), k.screen())
        time.sleep(6.5)    # past the kiosk's answer deadline (5 s)
        k.keys("Escape")
        s = k.wait("Choose your language", 5)
        t.ok(s is not None and not k.dead(),
             "%s: the kiosk is alive and answering" % name)
        alive = [p for p in pids() if os.path.exists("/proc/%d" % p)]
        t.ok(not alive, "%s: the bad helper was killed and reaped" % name,
             alive)
        logtext = open(os.path.join(w.data, "kiosk.log")).read()
        want = {"crash": "the speech helper stopped",
                "hang": "the speech helper did not answer in time",
                "garbage": "the speech helper gave a bad answer"}[name]
        t.ok("speech: " + want in logtext,
             "%s: the log says what happened" % name, logtext)
        k.keys("F3")     # a new helper is started: the fake again
        time.sleep(0.5)
        t.ok(not k.dead(), "%s: Listen again starts a new helper" % name)
        k.stop()
        time.sleep(0.5)
        w.cleanup()

    # A well-behaved fake that speaks "forever" and logs the ops it gets:
    # Listen again stops, and so does a new screen.
    polite = os.path.join(d, "polite")
    with open(polite, "w") as f:
        f.write("#!/bin/sh\necho $$ >> %s/pids\necho 'ready 22050'\n"
                "op=; id=; next=\n"
                "while read -r l; do\n"
                "  case $next in op) op=$l;; id) id=$l;; esac; next=\n"
                "  case $l in 'op '*) next=op;; 'id '*) next=id;; end)\n"
                "    echo \"$op\" >> %s/ops\n"
                "    case $op in probe) echo 'probe ok';;\n"
                "      say) [ -n \"$last\" ] && echo \"stopped $last\";"
                " echo \"playing $id\"; last=$id;;\n"
                "      stop) [ -n \"$last\" ] && echo \"stopped $last\";"
                " last=;;\n"
                "    esac; op=; id=;;\n"
                "  esac\n"
                "done\n" % (d, d))
    os.chmod(polite, 0o755)

    def ops():
        try:
            return open(os.path.join(d, "ops")).read().split()
        except OSError:
            return []

    w = Workdir(langs="en es")
    with open(w.config, "a") as f:
        f.write("[audio]\nenabled = yes\ndevice = null\n")
    k = Kiosk(w.config, 100, 30, env={"KIOSK_TEST": "1",
                                      "KIOSK_TEST_SPEAK_HELPER": polite})
    k.wait("F3: listen", 10)
    k.keys("1", "Enter")
    k.wait("What do you need", 5)
    k.keys("F3")
    time.sleep(0.6)
    t.ok(ops() == ["probe", "say"], "Listen: one say", ops())
    k.keys("F3")
    time.sleep(0.6)
    t.ok(ops() == ["probe", "say", "stop"], "Listen again: stop", ops())
    k.keys("F3")
    time.sleep(0.6)
    k.keys("1", "Enter")
    time.sleep(0.8)
    t.ok(ops() == ["probe", "say", "stop", "say", "stop"],
         "a new screen stops the speech", ops())
    t.ok(not k.dead() and len([p for p in pids()
                               if os.path.exists("/proc/%d" % p)]) == 1,
         "the well-behaved helper is kept (one process for the visit)")
    k.stop()
    w.cleanup()
    time.sleep(0.5)

    alive = [p for p in pids() if os.path.exists("/proc/%d" % p)]
    t.ok(not alive, "no fake helper is left running", alive)
finally:
    for p in pids():
        try:
            os.kill(p, 9)
        except OSError:
            pass
    shutil.rmtree(d, ignore_errors=True)
t.done()
