"""Helpers for tests that drive the real kiosk binary in tmux, as a person
would: keys go in with send-keys, the screen comes back with capture-pane.

Every test gets its own tmux server (-L) and its own temporary folder, so
tests never share state and never touch the user's tmux.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.environ.get("KIOSK_TOP") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
KIOSK = os.environ.get("KIOSK") or os.path.join(TOP, "build", "kiosk")


class Tap:
    """A TAP producer."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, diag=None):
        self.n += 1
        print(("ok" if cond else "not ok") + " %d - %s" % (self.n, name))
        if not cond:
            self.failed += 1
            if diag:
                for line in str(diag).splitlines():
                    print("#   " + line)
        sys.stdout.flush()
        return cond

    def skip_all(self, why):
        print("1..0 # SKIP " + why)
        sys.exit(0)

    def done(self):
        print("1..%d" % self.n)
        sys.exit(1 if self.failed else 0)


def run(args, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    return subprocess.run(args, **kw)


class Workdir:
    """A temporary folder with an office key and a kiosk config."""

    def __init__(self, langs="en es", forms=None, extra_kiosk="",
                 printer=None, save_dir=True, idle=120, warning=20):
        self.dir = tempfile.mkdtemp(prefix="kiosk-test-")
        os.chmod(self.dir, 0o700)
        self.office = os.path.join(self.dir, "office")
        self.passfile = os.path.join(self.dir, "pass.txt")
        with open(self.passfile, "w") as f:
            f.write("correct horse battery staple\n")
        env = dict(os.environ, KIOSK_TEST_FAST_KDF="1")
        r = run([KIOSK, "keygen", "--out", self.office,
                 "--passphrase-file", self.passfile], env=env)
        if r.returncode != 0:
            raise RuntimeError("keygen failed: " + r.stderr)
        self.data = os.path.join(self.dir, "data")
        self.tickets = os.path.join(self.dir, "tickets")
        self.config = os.path.join(self.dir, "kiosk.ini")
        lines = [
            "[kiosk]",
            "name = test-kiosk",
            "data_dir = " + self.data,
            "forms_dir = " + (forms or os.path.join(TOP, "forms")),
            "locale_dir = " + os.path.join(TOP, "build", "locale"),
            "languages = " + langs,
            "idle_timeout = %d" % idle,
            "idle_warning = %d" % warning,
            extra_kiosk,
            "[office]",
            "public_key = " + os.path.join(self.office, "office.pub"),
            "name = Test Office",
            "address = 1 Test Street",
            "hours = Mon-Fri 9-5",
            "[printer]",
            "profiles_dir = " + os.path.join(TOP, "printers"),
        ]
        if printer:
            lines.append("destination = " + printer)
        if save_dir:
            lines.append("save_dir = " + self.tickets)
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def export(self, usb):
        return run([KIOSK, "export", "--config", self.config, "--to", usb])

    def open(self, out, batches):
        env = dict(os.environ, KIOSK_TEST_FAST_KDF="1")
        return run([KIOSK, "open", "--key",
                    os.path.join(self.office, "office.key"),
                    "--passphrase-file", self.passfile, "--out", out]
                   + batches, env=env)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Kiosk:
    """The kiosk running in a private tmux server."""

    def __init__(self, config, width=100, height=30, env=None, binary=None):
        self.sock = "kiosktest%d_%d" % (os.getpid(), int(time.time() * 1000) % 100000)
        e = dict(os.environ)
        e.update(env or {})
        e.setdefault("TERM", "screen-256color")
        cmd = "exec %s run --config %s" % (binary or KIOSK, config)
        # The pane stays after exit so a crash shows on screen.
        r = run(["tmux", "-L", self.sock, "-f", "/dev/null", "new-session",
                 "-d", "-x", str(width), "-y", str(height), "-s", "k",
                 cmd], env=e)
        if r.returncode != 0:
            raise RuntimeError("tmux failed: " + r.stderr)
        run(["tmux", "-L", self.sock, "set-option", "-t", "k",
             "remain-on-exit", "on"])

    def screen(self):
        r = run(["tmux", "-L", self.sock, "capture-pane", "-p", "-t", "k"])
        return r.stdout

    def history(self):
        r = run(["tmux", "-L", self.sock, "capture-pane", "-p", "-S", "-",
                 "-t", "k"])
        return r.stdout

    def keys(self, *keys):
        for k in keys:
            run(["tmux", "-L", self.sock, "send-keys", "-t", "k", k])
            time.sleep(0.15)

    def type(self, text):
        run(["tmux", "-L", self.sock, "send-keys", "-t", "k", "-l", text])
        time.sleep(0.2)

    def wait(self, text, timeout=10.0, gone=False):
        """Wait until text is on screen (or gone); return the screen."""
        end = time.time() + timeout
        while True:
            s = self.screen()
            if (text in s) != gone:
                return s
            if time.time() > end:
                return None
            time.sleep(0.1)

    def pid(self):
        r = run(["tmux", "-L", self.sock, "list-panes", "-t", "k", "-F",
                 "#{pane_pid}"])
        try:
            return int(r.stdout.strip())
        except ValueError:
            return None

    def dead(self):
        r = run(["tmux", "-L", self.sock, "list-panes", "-t", "k", "-F",
                 "#{pane_dead}"])
        return r.stdout.strip() == "1"

    def resize(self, w, h):
        run(["tmux", "-L", self.sock, "resize-window", "-t", "k", "-x",
             str(w), "-y", str(h)])
        time.sleep(0.4)

    def stop(self):
        run(["tmux", "-L", self.sock, "kill-server"])


def grep_tree(root, needles):
    """Return the needles found in any file under root (bytes search)."""
    found = set()
    for d, _, files in os.walk(root):
        for name in files:
            try:
                with open(os.path.join(d, name), "rb") as f:
                    data = f.read()
            except OSError:
                continue
            for n in needles:
                if n.encode() in data:
                    found.add(n)
    return found
