#!/usr/bin/env python3
"""The print helper (kiosk-print) crashes, hangs or talks nonsense: the kiosk
never hangs or crashes with it. The resident still gets the code on screen,
and a job the helper may have queued is cancelled by a fresh helper, whether
the helper said its job id or died before it could. A fake helper stands in
for kiosk-print through the test-only switch KIOSK_TEST=1 +
KIOSK_TEST_PRINT_HELPER (ticket requests only; cancelling uses the real
one). The fake queues a real job on the private cupsd's Stuck queue, which
never finishes on its own."""
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import (KIOSK, Kiosk, Tap, Workdir,  # noqa
                       auto_visit, private_cupsd, stop_cupsd)

t = Tap()
cupsdir, cenv = private_cupsd(t)

pdf = os.path.join(cupsdir, "fake.pdf")
subprocess.run([KIOSK, "printer", "sample", "--claim", "FAKE-0000-0000",
                "--out", pdf], capture_output=True)
lp = shutil.which("lp") or "/usr/bin/lp"
# What the fakes do, after taking the request (the helper gets no PATH).
QUEUE = ("id=$(%s -d Stuck -t 'kiosk ticket' %s | "
         "sed -n 's/.*Stuck-\\([0-9]*\\).*/\\1/p')\n"
         "echo \"$id\" > %s/lastjob\n" % (lp, pdf, cupsdir))
fakes = {
    # Says its job id, then dies.
    "crash": QUEUE + "echo \"job $id\"\nkill -SEGV $$\n",
    # Dies after queuing, before it could say the id.
    "lost": QUEUE + "kill -SEGV $$\n",
    # Says its job id, then hangs.
    "hang": QUEUE + "echo \"job $id\"\nexec sleep 1000\n",
    # Talks nonsense.
    "garbage": QUEUE + "echo \"job ${id}x\"\nexec sleep 1000\n",
}
for name, body in fakes.items():
    path = os.path.join(cupsdir, "fake-" + name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\necho $$ >> %s/pids\n" % cupsdir + body)
    os.chmod(path, 0o755)


def fake_env(name):
    return dict(cenv, KIOSK_TEST="1",
                KIOSK_TEST_PRINT_HELPER=os.path.join(cupsdir,
                                                     "fake-" + name))


def last_job():
    try:
        return open(os.path.join(cupsdir, "lastjob")).read().strip()
    except OSError:
        return ""


def active(job):
    r = subprocess.run(["lpstat", "-W", "not-completed", "-o", "Stuck"],
                       capture_output=True, text=True)
    return re.search(r"-%s\s" % job, r.stdout) is not None


def fake_pids():
    try:
        return [int(p) for p in open(os.path.join(cupsdir, "pids")).read()
                .split()]
    except OSError:
        return []


def no_fakes_left():
    """None of the fakes started here still runs (a zombie counts)."""
    return not [p for p in fake_pids() if os.path.exists("/proc/%d" % p)]


try:
    # The switch is test-only: without KIOSK_TEST=1 the fake is ignored.
    env = dict(os.environ, KIOSK_TEST_PRINT_HELPER=os.path.join(
        cupsdir, "fake-crash"))
    env.pop("KIOSK_TEST", None)
    r = subprocess.run([KIOSK, "printer", "sample", "--out",
                        os.path.join(cupsdir, "real.pdf")], env=env,
                       capture_output=True, text=True)
    t.ok(r.returncode == 0 and os.path.exists(os.path.join(cupsdir,
                                                          "real.pdf")),
         "without KIOSK_TEST=1 the real helper is used", r.stderr)

    # (The checks below mean something: a Stuck job nobody cancels stays.)
    r = subprocess.run([lp, "-d", "Stuck", "-t", "kiosk ticket", pdf],
                       capture_output=True, text=True)
    m = re.search(r"Stuck-(\d+)", r.stdout)
    time.sleep(1)
    t.ok(m is not None and active(m.group(1)),
         "sanity: a job on Stuck that nobody cancels stays active", r.stdout)
    if m:
        subprocess.run(["cancel", "Stuck-" + m.group(1)], capture_output=True)

    # kiosk printer sample with each fake: an error, never a hang, and no
    # job left waiting.
    for name in ("crash", "lost", "garbage"):
        t0 = time.time()
        r = subprocess.run([KIOSK, "printer", "sample", "--dest", "Stuck",
                            "--wait", "3"], env=dict(os.environ,
                                                     **fake_env(name)),
                           capture_output=True, text=True, timeout=60)
        job = last_job()
        t.ok(r.returncode == 1 and time.time() - t0 < 20,
             "sample, helper %s: fails in %.1f s" % (name, time.time() - t0),
             r.stdout + r.stderr)
        t.ok(job != "" and not active(job),
             "sample, helper %s: job %s queued by it is cancelled"
             % (name, job), r.stderr)

    # The full-screen kiosk: the code stays on screen, the job is cancelled,
    # the kiosk goes on to the next resident.
    for name in ("crash", "lost", "hang"):
        w = Workdir(printer="Stuck", save_dir=False)
        w.add_config("timeout = 5\n")
        k = Kiosk(w.config, 100, 30, env=fake_env(name))
        k.to_services()
        k.keys("1", "Enter")
        time.sleep(0.3)
        code, _ = auto_visit(k)
        s = k.wait("not working", 40) or k.screen()
        t.ok(code is not None and "not working" in s and code in s,
             "kiosk, helper %s: the code stays on screen with a message"
             % name, s)
        job = last_job()
        time.sleep(1)
        t.ok(job != "" and not active(job),
             "kiosk, helper %s: job %s is cancelled" % (name, job))
        k.keys("Enter")
        s = k.wait("Choose your language", 5)
        t.ok(s is not None and code not in s,
             "kiosk, helper %s: the kiosk goes on; the code is gone" % name)
        log = open(os.path.join(w.data, "kiosk.log")).read()
        t.ok("print helper" in log and code not in log,
             "kiosk, helper %s: the log says what happened, without the "
             "code" % name, log)
        k.stop()
        w.cleanup()
    t.ok(no_fakes_left(), "no hung helper is left running")
finally:
    for pid in fake_pids():
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    stop_cupsd(cupsdir)
t.done()
