"""Helpers for tests that drive the real kiosk binary in tmux, as a person
would: keys go in with send-keys, the screen comes back with capture-pane.

Every test gets its own tmux server (-L) and its own temporary folder, so
tests never share state and never touch the user's tmux.
"""
import csv
import glob
import os
import re as _re
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


def office_csvs(out, kind="KEY"):
    """The CSV files `kiosk open` wrote in out: one row per submission
    (kind "KEY"), per entry of a repeat ("PARENT_KEY"), or codebooks
    ("file"), told apart by their first column."""
    found = []
    for f in sorted(glob.glob(os.path.join(out, "*.csv"))):
        with open(f, encoding="utf-8-sig") as h:
            if h.readline().split(",")[0].strip() == kind:
                found.append(f)
    return found


def csv_rows(path):
    """The rows of an office CSV file (it starts with a byte-order mark)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def submission_rows(out):
    """Every submission row of the CSV files `kiosk open` wrote in out
    (not the repeats' rows, not the codebooks)."""
    rows = []
    for f in office_csvs(out):
        rows += csv_rows(f)
    return rows


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
        self.forms = forms or os.path.join(TOP, "forms")
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

    def add_config(self, text):
        """Append lines to kiosk.ini (a section, or lines of the last)."""
        with open(self.config, "a") as f:
            f.write(text)

    def use_forms(self, files):
        """Serve only these forms: write each {file name: CSV text} into
        a folder of their own and point forms_dir (and open) at it."""
        self.forms = os.path.join(self.dir, "forms")
        os.makedirs(self.forms)
        for name, text in files.items():
            with open(os.path.join(self.forms, name), "w") as f:
                f.write(text)
        with open(self.config) as f:
            cfg = f.read()
        with open(self.config, "w") as f:
            f.write(_re.sub(r"forms_dir = .*", "forms_dir = " + self.forms,
                            cfg))

    def set_staff_pin(self, pin):
        """`kiosk pin set staff` with this PIN, read from a file (the
        prompt needs a terminal); returns its result."""
        pins = os.path.join(self.dir, "pins")
        with open(pins, "w") as f:
            f.write(pin + "\n")
        return run([KIOSK, "pin", "set", "staff", "--config", self.config,
                    "--pin-file", pins])

    def export(self, usb):
        return run([KIOSK, "export", "--config", self.config, "--to", usb])

    def export_open(self, usb="usb", out="opened"):
        """Export to a new folder usb in the work folder (the stick), and
        open every batch on it at the office into out. Returns (export's
        result, open's result, out's path)."""
        usb = os.path.join(self.dir, usb)
        os.makedirs(usb)
        e = self.export(usb)
        out = os.path.join(self.dir, out)
        return e, self.open(out, glob.glob(os.path.join(usb, "*.kib"))), out

    def open(self, out, batches):
        env = dict(os.environ, KIOSK_TEST_FAST_KDF="1")
        return run([KIOSK, "open", "--key",
                    os.path.join(self.office, "office.key"),
                    "--passphrase-file", self.passfile, "--out", out,
                    "--forms", self.forms] + batches, env=env)

    def cleanup(self):
        """Remove the work folder; with KEEP=1 in the environment, keep
        it and say where it is."""
        if os.environ.get("KEEP"):
            print("# kept " + self.dir)
        else:
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

    def enter(self, expect=None, timeout=5):
        """Press Enter; wait for expect on screen (the screen, or None if
        it did not come), or without expect, a moment (the screen)."""
        self.keys("Enter")
        if expect:
            return self.wait(expect, timeout)
        time.sleep(0.3)
        return self.screen()

    def to_services(self, lang="1", title="What do you need today?"):
        """From the first screen: wait for it, choose the language
        numbered lang, wait for the list of services (its title in that
        language); returns that screen, or None."""
        self.wait("Choose your language", 10)
        self.keys(lang, "Enter")
        return self.wait(title, 5)

    def staff_menu(self, pin):
        """F9, then the staff PIN: the staff menu's screen, or None if it
        did not open."""
        self.keys("F9")
        self.wait("staff PIN", 5)
        self.type(pin)
        self.keys("Enter")
        return self.wait("Staff menu", 5)

    def clear(self, n=45):
        """Empty the focused text field: End, then n backspaces."""
        self.keys("End")
        for _ in range(n):
            run(["tmux", "-L", self.sock, "send-keys", "-t", "k", "BSpace"])

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


# ---- a visit driven from what is on screen, in any language ----

COUNTER = _re.compile(r"\s(\d+) / (\d+)\s*$")
CODE = _re.compile(r"\b([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-"
                   r"[0-9A-HJKMNP-TV-Z]{4})\b")
TEXT_TRIES = ["", "973-555-0100", "2", "2026-11-01", "2024-05-10",
              "Main St and Oak Ave", "12:00", "2025"]


def page_counter(screen):
    first = screen.splitlines()[0] if screen else ""
    m = COUNTER.search(first)
    return (int(m.group(1)), int(m.group(2))) if m else None


def has_error(screen):
    return any(_re.match(r"^\s+! ", line) for line in screen.splitlines())


def has_field(k):
    """Is a text field focused (an underlined input line)?"""
    r = run(["tmux", "-L", k.sock, "capture-pane", "-e", "-p", "-t", "k"])
    return "\x1b[4m" in r.stdout or "\x1b[1;4m" in r.stdout or \
        "\x1b[4;1m" in r.stdout


def changed(k, before, timeout=5.0, settle=0.15):
    """Wait until the screen is no longer before, then settle seconds
    more for it to finish drawing; return the screen."""
    end = time.time() + timeout
    while time.time() < end:
        s = k.screen()
        if s != before:
            time.sleep(settle)
            return k.screen()
        time.sleep(0.05)
    return k.screen()


def options_on(screen):
    """Numbers of the choices listed on screen (1..9)."""
    return [int(m.group(1)) for m in _re.finditer(
        r"^\s*(?:▶ )?(\d)\. [\(\[]", screen, _re.M)]


def auto_visit(k, name=None, info=False, max_pages=80, pick="first"):
    """Answer every page of the open form: the first choice of each list,
    and for text fields the name (if given) or the first of TEXT_TRIES that
    the form accepts. Returns (claim code or None, screens seen)."""
    seen = []
    typed_name = False
    for _ in range(max_pages):
        s = k.screen()
        seen.append(s)
        if "█" in s:
            m = CODE.search(s)
            return (m.group(1) if m else None), seen
        if page_counter(s) is None:
            if info:
                return None, seen
            s = changed(k, s) if False else s
            k.keys("Enter")            # review: the cursor is on Send
            changed(k, s, 10)
            continue
        before = page_counter(s)
        if "( )" in s or "(•)" in s or "[ ]" in s or "[x]" in s:
            tries = [["Enter"], ["1", "Enter"], ["2", "Enter"],
                     ["3", "Enter"], ["1", "2", "Enter"]]
            opts = options_on(s)
            if pick == "last" and opts:
                tries.insert(1, [str(max(opts)), "Enter"])
            if "[x]" in s or "(•)" in s:
                tries = [["Enter"]] + tries[1:]
            for keys in tries:
                k.keys(*keys)
                s2 = changed(k, s)
                if page_counter(s2) != before or not has_error(s2):
                    break
                s = s2
            continue
        if has_field(k):
            tries = list(TEXT_TRIES)
            if name and not typed_name:
                tries.insert(0, name)
            for text in tries:
                k.clear()
                if text:
                    k.type(text)
                k.keys("Enter")
                s2 = changed(k, s)
                if not has_error(s2):
                    if text == name:
                        typed_name = True
                    break
            continue
        k.keys("Enter")                # a note
        changed(k, s)
    return None, seen


# ---- a private CUPS scheduler (printers/test-cupsd.sh), never the system's

def private_cupsd(tap):
    """Start a private cupsd; return (its folder, its environment). Skips
    the whole test if cupsd is not installed, bails out if it will not
    start. Also puts the environment into os.environ. Stop it with
    stop_cupsd(folder)."""
    if not (shutil.which("cupsd") or os.path.exists("/usr/sbin/cupsd")):
        tap.skip_all("cupsd is not installed (make deps)")
    folder = tempfile.mkdtemp(prefix="kiosk-cups.")
    r = run(["sh", os.path.join(TOP, "printers", "test-cupsd.sh"), "start",
             folder])
    if r.returncode != 0:
        print("Bail out! private cupsd did not start: " + r.stderr)
        sys.exit(1)
    env = {}
    dump = run(["sh", "-c", ". \"$1\"; env -0", "sh",
                os.path.join(folder, "env")]).stdout
    for item in dump.split("\0"):
        key, _, val = item.partition("=")
        if key.startswith(("CUPS", "TEST_CUPSD")):
            env[key] = val
    if not env.get("CUPS_SERVER", "").startswith(folder):
        print("Bail out! CUPS_SERVER is not the private scheduler: %s" % env)
        stop_cupsd(folder)
        sys.exit(1)
    os.environ.update(env)
    return folder, env


def stop_cupsd(folder):
    run(["sh", os.path.join(TOP, "printers", "test-cupsd.sh"), "stop",
         folder])
    shutil.rmtree(folder, ignore_errors=True)


def live_memory(pid):
    """Every readable mapping of the process, read through /proc/pid/mem.
    Unlike a core image this includes the secure memory that libsodium
    marks MADV_DONTDUMP."""
    out = []
    with open("/proc/%d/maps" % pid) as maps, \
            open("/proc/%d/mem" % pid, "rb", 0) as mem:
        for line in maps:
            addr, perms = line.split()[:2]
            if not perms.startswith("r"):
                continue
            lo, hi = (int(x, 16) for x in addr.split("-"))
            if hi - lo > 256 << 20:
                continue
            try:
                mem.seek(lo)
                out.append(mem.read(hi - lo))
            except (OSError, ValueError, OverflowError):
                pass
    return b"".join(out)


# ---- kiosk-speak's test-only input log (KIOSK_TEST_SPEECH_LOG) ----

def speech_log(path, op=True):
    """What the helper was asked: [(op, voice, text)] in order, or with
    op=False [(voice, text)]; [] while there is no log."""
    out = []
    try:
        data = open(path, "rb").read()
    except OSError:
        return out
    i = 0
    while i < len(data):
        nl = data.index(b"\n", i)
        o, _id, voice, n = data[i:nl].decode().split(" ")
        text = data[nl + 1:nl + 1 + int(n)].decode()
        out.append((o, voice, text) if op else (voice, text))
        i = nl + 1 + int(n) + 1
    return out


def speech_after(path, before, timeout=5, op=True):
    """The requests in the helper's log after the first `before`: wait
    until there is one (timeout seconds at most), then 0.3 s more for
    the rest of them."""
    end = time.time() + timeout
    while time.time() < end and len(speech_log(path)) <= before:
        time.sleep(0.1)
    time.sleep(0.3)
    return speech_log(path, op)[before:]


def kiosk_pid(w):
    """The pid of the kiosk running with Workdir w's config."""
    return int(subprocess.run(["pgrep", "-f", "^" + KIOSK + " run --config "
                               + w.config], capture_output=True,
                              text=True).stdout.split()[0])
