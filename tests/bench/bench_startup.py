#!/usr/bin/env python3
"""Start to first screen drawn, beside `dialog --menu` started the same way
(in a pseudo-terminal, timed until the first screen's text has arrived), and
the peak RSS of a whole session through the shipped form."""
import os
import pty
import select
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kiosktest import KIOSK, Kiosk, Workdir  # noqa: E402


def first_screen(argv, marker, env):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(env)
        os.execvp(argv[0], argv)
    t0 = time.perf_counter()
    seen = b""
    end = t0 + 5
    while time.perf_counter() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
            if marker in seen:
                break
    t = time.perf_counter() - t0
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(fd)
    return t * 1000


w = Workdir(langs="en es")
env = {"TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
kio, dia = [], []
for _ in range(15):
    kio.append(first_screen([KIOSK, "run", "--config", w.config],
                            b"Choose", env))
    dia.append(first_screen(["dialog", "--menu", "Choose your language", "12",
                             "40", "4", "1", "English", "2", "Espanol"],
                            b"Choose", env))
print("start to first screen (median of 15): kiosk %.1f ms, "
      "dialog --menu %.1f ms  (target: kiosk < 50 ms)"
      % (statistics.median(kio), statistics.median(dia)))

# Peak RSS over a whole session: the kiosk under /usr/bin/time in tmux.
rss = os.path.join(w.dir, "rss")
k = Kiosk(w.config, 100, 30, binary="/usr/bin/time -f %%M -o %s %s"
          % (rss, KIOSK))
k.wait("Choose your language", 10)
k.keys("1", "Enter")
k.wait("What do you need today?", 5)
k.keys("1", "Enter", "Enter", "Enter", "3", "Enter", "1", "Enter", "1",
       "Enter", "1", "Enter", "Enter", "Enter", "1", "Enter", "2", "Enter",
       "1", "Enter", "Enter", "3", "Enter")
k.type("973-555-0100")
k.keys("Enter")
k.type("Ana")
k.keys("Enter", "Enter")
k.wait("Check your answers", 5)
k.keys("Enter")
k.wait("sealed", 10)
k.keys("Enter")
k.wait("Choose your language", 5)
pid = k.pid()
subprocess.run(["pkill", "-TERM", "-f", "^" + KIOSK + " run --config " + w.config])
time.sleep(1)
k.stop()
try:
    kb = int(open(rss).read().split()[-1])
    print("peak RSS of a whole session: %.1f MiB  (target: < 10 MiB)"
          % (kb / 1024))
except (OSError, ValueError, IndexError):
    print("peak RSS: not measured")
w.cleanup()
