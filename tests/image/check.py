#!/usr/bin/env python3
"""make image-check: boot build/image/kiosk.img in QEMU (KVM when /dev/kvm
works) and use it as a library would. Staff answer the first-boot questions
on tty1 (the office key comes from a virtual USB stick), a resident makes a
full visit through the Municipal ID form, staff export to the stick from the
staff menu, and the office opens that batch on this machine with
`kiosk open`. On the way it checks the appliance's promises: the shipped
unit restarts the kiosk after kill -9, there is no way to a shell from the
keyboard, nothing typed reaches the disk (data partition included), no
swap, no core dumps, no network listener, CUPS spool on tmpfs. Prints the
time each part takes. TAP output; see tests/image/README.md."""
import collections
import csv
import glob
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import vm as V  # noqa: E402
from kiosktest import Tap  # noqa: E402

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KIOSK = os.path.join(TOP, "build", "kiosk")
IMAGE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    TOP, "build", "image", "kiosk.img")
WORK = os.path.join(TOP, "build", "image", "check")
# The update at the end writes this image (KIOSK_UPDATE_IMAGE: a newer one,
# from a later commit) over the system partitions; by default the same.
UPDATE_IMAGE = os.environ.get("KIOSK_UPDATE_IMAGE") or IMAGE
CODE = re.compile(r"\b([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-"
                  r"[0-9A-HJKMNP-TV-Z]{4})\b")

OFFICE_PASS = "office passphrase for the image check"
EXPORT_PASS = "seven quiet lanterns over the harbor"
STAFF_PIN = "481516"
VOL_PIN = "234223"
KIOSK_NAME = "branch-7"
OFFICE_NAME = "Office of Image Checks"
FIRST = "Quintessa Marlowe"
PHONE = "973-555-0188"
PHONE_SHOWN = "(973) 555-0188"     # the review formats it (issue 15)
PHONE_KEPT = "9735550188"          # only its digits are kept and sent
# What the interrupted first boot types (none of it may count).
OTHER_NAME = "interrupted-1"
OTHER_OFFICE = "Office Typed Before The Power Cut"
OTHER_PIN = "902100"
# What the set-up cut between sealing the key and writing kiosk.ini types.
CUT_NAME = "interrupted-2"
CUT_OFFICE = "Office Typed Before The Second Cut"
CUT_PASS = "a passphrase typed before the second cut"
DISK_GB = 6
# The data partition once grown: from its start to the disk's last usable
# sector (34 sectors before the end: the backup GPT).
DATA_START_S = V.DATA_START_MB << 11
GROWN_S = (DISK_GB << 21) - 33 - DATA_START_S
# Every shipped language, as first boot sets it for the graphical screen.
ALL_LANGS = ["en", "es", "bn", "ar", "ur", "gu", "tr", "pl", "ht"]

t = Tap()
times = []
t0 = time.time()


def pixels(shot):
    w, h, pix = shot
    return [pix[i:i + 3] for i in range(0, len(pix), 3)]


def shades(shot):
    """How many colours a screendump has: a text console a few, foot's
    anti-aliased text many."""
    return len(set(pixels(shot)))


def ink(shot):
    """The share of pixels that are not the background (the commonest
    colour)."""
    px = pixels(shot)
    return 1 - collections.Counter(px).most_common(1)[0][1] / len(px)


def differ(a, b):
    """The share of pixels two screendumps do not have in common."""
    if a[:2] != b[:2]:
        return 1.0
    pa, pb = pixels(a), pixels(b)
    return sum(x != y for x, y in zip(pa, pb)) / len(pa)


def lap(what, since):
    d = time.time() - since
    times.append((what, d))
    print("# time: %-34s %6.1f s" % (what, d))
    sys.stdout.flush()
    return time.time()


def type_after(prompt, keys, timeout=30):
    """Type keys once the last line on tty1 is the prompt (the program
    waits there, with echo off for PINs and passphrases)."""
    end = time.time() + timeout
    while time.time() < end:
        s = vm.screen()
        lines = [x for x in s.splitlines() if x.strip()]
        if lines and lines[-1].startswith(prompt):
            time.sleep(0.3)
            vm.type(keys)
            return s
        time.sleep(0.3)
    return None


if not os.path.exists(IMAGE):
    t.skip_all("no image: run make image first")
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
env = dict(os.environ, LANG="C.UTF-8")

# The office: a key pair, and a USB stick (FAT) with office.pub on it.
office = os.path.join(WORK, "office")
passfile = os.path.join(WORK, "office-pass")
with open(passfile, "w") as f:
    f.write(OFFICE_PASS + "\n")
r = subprocess.run([KIOSK, "keygen", "--out", office, "--passphrase-file",
                    passfile], capture_output=True, text=True, env=env)
t.ok(r.returncode == 0, "the office makes its key (kiosk keygen)", r.stderr)
office_fpr = re.search(r"fingerprint (\S+)", r.stdout).group(1)
stick = os.path.join(WORK, "stick.img")
subprocess.run(["mkfs.vfat", "-F", "32", "-n", "STICK", "-C", stick,
                str(64 * 1024)], check=True, stdout=subprocess.DEVNULL)
subprocess.run(["mcopy", "-i", stick, os.path.join(office, "office.pub"),
                "::office.pub"], check=True)

def table():
    """The copy's partitions as {number: (start, size)}, read on this machine."""
    r = subprocess.run(["sfdisk", "--dump", disk], capture_output=True,
                       text=True)
    parts = {}
    for line in r.stdout.splitlines():
        m = re.match(r".*?(\d+) : start=\s*(\d+), size=\s*(\d+)", line)
        if m:
            parts[int(m.group(1))] = (int(m.group(2)), int(m.group(3)))
    return parts


def data_fs_blocks():
    """The data file system's size in 4 KiB blocks, read on this machine."""
    r = subprocess.run(["dumpe2fs", "-h", "%s?offset=%d" % (
        disk, V.DATA_START_MB << 20)], capture_output=True, text=True)
    m = re.search(r"^Block count:\s+(\d+)", r.stdout, re.M)
    return int(m.group(1)) if m else None


disk = V.prepare(IMAGE, WORK)
# A mini PC's disk is larger than the image: the image is written to its
# start; the data partition grows onto the rest at first boot.
os.truncate(disk, DISK_GB << 30)
before = table()
since = lap("copy the image, add the test shell", t0)

# -- the data partition grows, and the power goes meanwhile -----------------
# kiosk.test_cut=grown: the machine stops at once, as at a power cut, after
# the partition table is written and before the file system has grown.
V.set_cmdline(disk, "kiosk.test_cut=grown")
vm = V.VM(disk, WORK, stick=stick)
print("# qemu with %s" % ("KVM" if vm.kvm else "TCG (no KVM: slow)"))
cut = vm.wait_exit(240 if vm.kvm else 900)
if not cut:
    vm.kill()
after = table()
t.ok(cut and after.get(3) == (DATA_START_S, GROWN_S) and
     after.get(1) == before.get(1) and after.get(2) == before.get(2) and
     before.get(3) == (DATA_START_S, V.DATA_MB << 11),
     "first boot grows the data partition to the end of the %d GiB disk "
     "(same start; the other partitions unchanged); the power is cut there"
     % DISK_GB, "cut %s before %s after %s" % (cut, before, after))
t.ok(data_fs_blocks() == V.DATA_MB << 8,
     "its file system is not grown yet at the cut", data_fs_blocks())
since = lap("boot, the power cut while growing", since)

V.set_cmdline(disk, "kiosk.test_cut=sealed")
vm = V.VM(disk, WORK, stick=stick)
try:
    ok = vm.wait_shell(240 if vm.kvm else 900)
    t.ok(ok, "the image boots again (test shell answers on ttyS0)")
    since = lap("boot to the test shell", since)
    if not ok:
        raise SystemExit
    rc, out = vm.run("cat /sys/block/nvme0n1/size /sys/block/nvme0n1/nvme0n1p3/size; "
                     "findmnt -no SOURCE /")
    t.ok(out.split()[:2] == [str(DISK_GB << 21), str(GROWN_S)] and
         "nvme0n1p2" in out,
         "it boots from its own partitions; the data partition reaches the "
         "disk's end", out)
    fs = ""
    end = time.time() + 120
    while time.time() < end:
        rc, fs = vm.run("dumpe2fs -h /dev/nvme0n1p3 2>/dev/null | "
                        "sed -n 's/^Block count: *//p'; "
                        "stat -c '%a %U' /srv/kiosk/data; "
                        "findmnt -no SOURCE /srv/kiosk")
        if fs.split() and int(fs.split()[0]) > V.DATA_MB << 8:
            break
        time.sleep(2)
    grown_blocks = int(fs.split()[0]) if fs.split() else 0
    t.ok(grown_blocks * 4096 > (GROWN_S << 9) - (128 << 20) and
         grown_blocks * 4096 <= GROWN_S << 9 and
         fs.split()[1:] == ["700", "kiosk", "/dev/nvme0n1p3"],
         "its file system grows into it while mounted (%d MiB), the data "
         "folder intact" % (grown_blocks >> 8), fs)
    rc, out = vm.run("journalctl -b -o cat -u kiosk-grow-data.service; "
                     "systemctl is-active kiosk-grow-data.service")
    t.ok("reaches the end of the disk" in out and "growing" not in out and
         out.split()[-1] == "active",
         "after the cut the partition is already grown: nothing more done",
         out)
    s = vm.wait("Kiosk name:", 120)
    since = lap("then to the first-boot question", since)
    t.ok(s is not None, "first boot asks for the kiosk's name on tty1",
         vm.screen())

    # -- an interrupted first boot -----------------------------------------
    # The power goes while the set-up asks for the export passphrase: PINs
    # set, the key made, kiosk.ini not yet written. The next boot must ask
    # every question again, and what was typed before must not count.
    vm.type(OTHER_NAME + "\n")
    vm.wait("then press Enter", 10)
    vm.type("\n")
    vm.wait("same as on the office", 20)
    vm.type("y\n")
    for prompt, answer in (("Office name:", OTHER_OFFICE), ("Office address:", ""),
                           ("Office hours:", ""), ("Screen (1 or 2):", "1"),
                           ("Printer (0 to", "0")):
        vm.wait(prompt, 30)
        vm.type(answer + "\n")
    type_after("New PIN", OTHER_PIN + "\n")
    type_after("Repeat the passphrase:", OTHER_PIN + "\n")
    vm.wait("How many volunteer PINs", 60)
    vm.type("0\n")
    vm.wait("Protect the key", 60)
    vm.type("y\n")
    s = vm.wait("New passphrase for the kiosk", 30)
    rc, out = vm.run("sync; ls /srv/kiosk/etc; test -s /var/lib/kiosk/kiosk.id "
                     "&& echo key-made")
    t.ok(s is not None and "key-made" in out and "kiosk.ini.setup" in
         out.split() and "kiosk.ini" not in out.split(),
         "interrupted set-up: PINs set and the key made, no kiosk.ini yet",
         out + vm.screen())
    vm.kill()
    since = lap("first boot, up to the power cut", since)
    vm = V.VM(disk, WORK, stick=stick)
    ok = vm.wait_shell(240 if vm.kvm else 900)
    s = vm.wait("Kiosk name:", 120) if ok else None
    t.ok(s is not None, "after the power cut, the set-up starts again at its "
         "first question", vm.screen() if ok else "no test shell")
    if not ok:
        raise SystemExit
    rc, out = vm.run("ls /srv/kiosk/etc; systemctl is-active kiosk.service")
    t.ok(out.split() == ["inactive"] or out.split() == ["office.pub", "inactive"],
         "no kiosk.ini, nothing left of the interrupted answers, the kiosk "
         "not started", out)
    since = lap("boot again, to the first question", since)

    # -- a cut between sealing the key and writing kiosk.ini ----------------
    # kiosk.test_cut=sealed: the set-up is answered in full, the key sealed
    # under CUT_PASS, and the machine stops before kiosk.ini is written.
    vm.type(CUT_NAME + "\n")
    vm.wait("then press Enter", 10)
    vm.type("\n")
    vm.wait("same as on the office", 20)
    vm.type("y\n")
    for prompt, answer in (("Office name:", CUT_OFFICE), ("Office address:", ""),
                           ("Office hours:", ""), ("Screen (1 or 2):", "1"),
                           ("Printer (0 to", "0")):
        vm.wait(prompt, 30)
        vm.type(answer + "\n")
    type_after("New PIN", OTHER_PIN + "\n")
    type_after("Repeat the passphrase:", OTHER_PIN + "\n")
    vm.wait("How many volunteer PINs", 60)
    vm.type("0\n")
    s_protect = vm.wait("Protect the key", 60)
    vm.type("y\n")
    type_after("New passphrase for the kiosk", CUT_PASS + "\n")
    type_after("Repeat the passphrase:", CUT_PASS + "\n")
    cut = vm.wait_exit(180)
    if not cut:
        print("# " + vm.screen().replace("\n", "\n# "))
        vm.kill()
    t.ok(cut and s_protect is not None and "new one is made" in s_protect,
         "the set-up cut just after it sealed the key (it had said the "
         "interrupted set-up's key was never enrolled)", s_protect)
    since = lap("first boot, up to the cut after sealing", since)
    V.set_cmdline(disk, "")
    vm = V.VM(disk, WORK, stick=stick)
    ok = vm.wait_shell(240 if vm.kvm else 900)
    s = vm.wait("Kiosk name:", 120) if ok else None
    if not ok:
        raise SystemExit
    rc, out = vm.run("ls /srv/kiosk/etc; systemctl is-active kiosk.service "
                     "kiosk-wayland.service; head -c 4 /var/lib/kiosk/kiosk.id; "
                     "echo; sha256sum < /var/lib/kiosk/kiosk.id")
    cut_key = out.split()[-2] if len(out.split()) > 2 else None
    t.ok(s is not None and out.split()[:-3] in (["inactive", "inactive"],
         ["office.pub", "inactive", "inactive"]) and out.split()[-3] == "KID2",
         "after that cut: the sealed key is there, no kiosk.ini, no kiosk "
         "started, and the set-up asks again from its first question",
         out + (vm.screen() if s is None else ""))
    since = lap("boot again, to the first question", since)

    # -- first boot ------------------------------------------------------
    vm.type("bad name!\n")
    s = vm.wait("Use 1 to 40", 10)
    t.ok(s is not None, "a bad kiosk name is refused with a reason", vm.screen())
    vm.type(KIOSK_NAME + "\n")
    s = vm.wait("then press Enter", 10)
    vm.type("\n")
    s = vm.wait("same as on the office", 20)
    t.ok(s is not None and office_fpr in s,
         "office.pub is read from the USB stick; its fingerprint is shown",
         vm.screen())
    vm.type("y\n")
    vm.wait("Office name:", 10)
    vm.type(OFFICE_NAME + "\n")
    vm.wait("Office address:", 10)
    vm.type("1 Test Street\n")
    vm.wait("Office hours:", 10)
    vm.type("Monday to Friday\n")
    vm.wait("Screen (1 or 2):", 10)
    vm.type("1\n")
    s = vm.wait("Printer (0 to", 30)
    t.ok(s is not None, "asks for the printer", vm.screen())
    vm.type("0\n")
    s = type_after("New PIN", STAFF_PIN + "\n")
    t.ok(s is not None, "asks for the staff PIN", vm.screen())
    type_after("Repeat the passphrase:", STAFF_PIN + "\n")
    s = vm.wait("How many volunteer PINs", 30)
    t.ok(s is not None and STAFF_PIN not in s,
         "the staff PIN is set and was not shown", vm.screen())
    vm.type("1\n")
    type_after("New PIN", VOL_PIN + "\n")
    type_after("Repeat the passphrase:", VOL_PIN + "\n")
    s = vm.wait("Protect the key", 60)
    t.ok(s is not None, "asks whether to protect the key", vm.screen())
    t.ok(s is not None and "new one is made" in s and "already sealed" not in s,
         "the key sealed before the cut (never enrolled) is replaced by a "
         "new one", s)
    vm.type("y\n")
    type_after("New passphrase for the kiosk", EXPORT_PASS + "\n")
    type_after("Repeat the passphrase:", EXPORT_PASS + "\n")
    s = vm.wait("Press Enter to start the kiosk", 120)
    t.ok(s is not None, "first boot ends with the kiosk's fingerprint",
         vm.screen())
    m = re.search(r"fingerprint\s+([0-9a-f]{4}(?:-[0-9a-f]{4}){7})", s or "")
    kiosk_fpr = m.group(1) if m else None
    t.ok(kiosk_fpr is not None, "the fingerprint is printed", s)
    t.ok(s is not None and EXPORT_PASS not in s,
         "the export passphrase was not shown", s)
    rc, out = vm.run("head -c 4 /var/lib/kiosk/kiosk.id | od -c | head -1; "
                     "sha256sum < /var/lib/kiosk/kiosk.id")
    t.ok("K   I   D   2" in out, "the kiosk's key is sealed (KID2)", out)
    t.ok(cut_key is not None and cut_key not in out,
         "it is a new key, not the one sealed before the cut", out)
    rc, out = vm.run("grep -c -e '%s' -e '%s' -e '%s' -e '%s' /etc/kiosk/kiosk.ini; "
                     "grep -c '^name = %s$' /etc/kiosk/kiosk.ini"
                     % (OTHER_NAME, OTHER_OFFICE, CUT_NAME, CUT_OFFICE,
                        KIOSK_NAME))
    t.ok(out.split() == ["0", "1"], "kiosk.ini has the second set-up's "
         "answers, none of the interrupted one's", out)
    vm.type("\n")
    since = lap("first boot, answered", since)

    # -- the kiosk under the shipped unit ---------------------------------
    s = vm.wait("Choose your language", 60)
    since = lap("kiosk start after first boot", since)
    t.ok(s is not None, "the kiosk runs on tty1", vm.screen())
    rc, out = vm.run("systemctl show -p ActiveState,User,FragmentPath,"
                     "MainPID,NRestarts kiosk.service")
    t.ok("ActiveState=active" in out and "User=kiosk" in out and
         "FragmentPath=/etc/systemd/system/kiosk.service" in out,
         "under kiosk.service as user kiosk", out)
    rc, out = vm.run("cmp /etc/systemd/system/kiosk.service "
                     "/usr/local/share/kiosk/deploy/kiosk.service && echo same")
    t.ok("same" in out, "the unit is the shipped one, unchanged", out)
    pid = re.search(r"MainPID=(\d+)", out and vm.run(
        "systemctl show -p MainPID kiosk.service")[1]).group(1)
    rc, out = vm.run("grep -E '^(NoNewPrivs|Uid)' /proc/%s/status; "
                     "grep 'core file' /proc/%s/limits; "
                     "tr '\\0' '\\n' < /proc/%s/environ | grep ^LANG=; "
                     "readlink /proc/%s/root; "
                     "grep -c ' / .*ro,' /proc/%s/mountinfo"
                     % (pid, pid, pid, pid, pid))
    t.ok("NoNewPrivs:\t1" in out, "the unit's sandbox holds: no new privileges",
         out)
    t.ok(re.search(r"Max core file size\s+0\s+0", out) is not None,
         "no core dumps for the kiosk", out)
    t.ok("LANG=en_US.UTF-8" in out, "UTF-8 locale", out)
    rc, out = vm.run("locale -a")
    t.ok("en_US.utf8" in out, "en_US.UTF-8 is generated", out)
    rc, out = vm.run("stat -c '%a %U' /var/lib/kiosk; "
                     "findmnt -no SOURCE,FSTYPE,OPTIONS /srv/kiosk")
    t.ok(out.startswith("700 kiosk") and "nvme0n1p3" in out and
         "noexec" in out, "data folder 0700, on its own partition", out)
    rc, out = vm.run("findmnt -no FSTYPE /var/spool/cups; "
                     "findmnt -no FSTYPE /var/cache/cups; "
                     "grep -i '^PreserveJobFiles' /etc/cups/cupsd.conf")
    t.ok(out.split() == ["tmpfs", "tmpfs", "PreserveJobFiles", "No"],
         "CUPS spool and cache on tmpfs, PreserveJobFiles No", out)
    rc, out = vm.run("tail -n +2 /proc/swaps | wc -l; "
                     "cat /proc/sys/kernel/core_pattern")
    t.ok(out.split() == ["0", "|/bin/false"], "no swap; core dumps off", out)
    rc, out = vm.run("cat /proc/net/tcp /proc/net/tcp6 /proc/net/udp "
                     "/proc/net/udp6 2>/dev/null | grep -vc 'local_address'; "
                     "ls /sys/class/net")
    t.ok(out.split()[0] == "0" and out.split()[1:] == ["lo"],
         "no network socket, no network interface but lo", out)
    rc, out = vm.run("systemctl is-active cups.socket; "
                     "ls -l /run/cups/cups.sock")
    t.ok("active" in out, "CUPS on its local socket", out)

    # -- a resident's visit -------------------------------------------------
    since = time.time()
    vm.type("1")
    vm.key("Enter")
    s = vm.wait("What do you need today?", 20)
    t.ok(s is not None, "service screen", vm.screen())
    vm.keys("1", "Enter")

    def step(keys=(), text=None, expect=None, timeout=15):
        before = vm.screen()
        for k in keys:
            vm.key(k)
        if text is not None:
            vm.type(text)
        vm.key("Enter")
        if expect:
            return vm.wait(expect, timeout)
        end = time.time() + timeout
        while time.time() < end:
            s = vm.screen()
            if s != before:
                return s
            time.sleep(0.2)
        return None

    step()                                  # welcome note -> privacy
    s = step(expect="How old are you?")
    t.ok(s is not None, "first question", vm.screen())
    step(keys=["3"])                        # 18 to 64
    step(keys=["1"])                        # lives in the city
    step(keys=["1"])                        # passport
    step(keys=["1"])                        # lease
    step()
    step()
    step(keys=["1"])
    step(keys=["2"])
    step(keys=["1"])
    step()
    s = step(keys=["3"], expect="phone number")
    t.ok(s is not None, "phone is asked", vm.screen())
    step(text=PHONE)
    s = step(text=FIRST, expect="Almost done")
    s = step(expect="Check your answers")
    t.ok(s is not None and FIRST in s and PHONE_SHOWN in s,
         "review lists what was typed", vm.screen())
    s = step(expect="saved and sealed", timeout=30)
    m = CODE.search(s or "")
    code = m.group(1) if m else None
    t.ok(code is not None, "sent: ticket screen with a claim code", vm.screen())
    s = step(expect="Choose your language")
    t.ok(s is not None and FIRST not in s and (code or "x") not in s,
         "back to the language screen, nothing of the visit shown", s)
    since = lap("a resident's visit", since)

    # -- no way out ------------------------------------------------------------
    rc, boot_id = vm.run("cat /proc/sys/kernel/random/boot_id")
    for k in ("ctrl-c", "ctrl-z", "ctrl-backslash", "ctrl-d", "alt-f2",
              "ctrl-alt-f2", "alt-f3", "ctrl-alt-f6", "alt-sysrq-h",
              "ctrl-alt-delete"):
        vm.key(k)
        time.sleep(0.4)
    time.sleep(2)
    rc, out = vm.run("ps -eo tty=,user=,comm= | awk '$1 != \"?\"'")
    ttys = sorted(set(tuple(x.split()[:3]) for x in out.splitlines()
                      if x.strip()))
    t.ok(all(x[0] in ("tty1", "ttyS0") for x in ttys) and
         all(x[2] in ("kiosk", "kiosk-speak", "aplay", "sh", "ps", "awk")
             for x in ttys) and
         not any(x[0] == "tty1" and x[1] == "root" for x in ttys),
         "after Ctrl-C/Z/\\/D, Alt-F2..F6, SysRq, Ctrl-Alt-Del: nothing but "
         "the kiosk on a console", out)
    rc, out2 = vm.run("cat /proc/sys/kernel/random/boot_id; fgconsole")
    t.ok(out2.split()[0] == boot_id.strip(), "Ctrl-Alt-Del did not reboot",
         out2)
    vm.run("chvt 1")
    s = vm.wait("Choose your language", 10)
    t.ok(s is not None, "the kiosk is still there on tty1", vm.screen())
    rc, out = vm.run("getent passwd kiosk root | cut -d: -f1,7; "
                     "passwd -S root | cut -d' ' -f2")
    t.ok("kiosk:/usr/sbin/nologin" in out and out.split()[-1] == "L",
         "kiosk has no shell; root's password is locked", out)
    rc, out = vm.run("systemctl is-enabled getty@tty2.service "
                     "serial-getty@ttyS0.service 2>&1")
    t.ok(out.split().count("masked") == 2, "no getty anywhere", out)

    # -- restart after kill -9 --------------------------------------------------
    since = time.time()
    rc, out = vm.run("systemctl show -p MainPID --value kiosk.service")
    old = out.strip()
    vm.run("kill -9 %s" % old)
    new = old
    end = time.time() + 20
    while time.time() < end and new in (old, "0"):
        time.sleep(0.5)
        new = vm.run("systemctl show -p MainPID --value kiosk.service")[1].strip()
    t.ok(new not in (old, "0"), "kill -9: the unit starts the kiosk again",
         "old %s new %s" % (old, new))
    s = vm.wait("Choose your language", 20)
    t.ok(s is not None, "and it is back on tty1", vm.screen())
    since = lap("restart after kill -9", since)

    # -- staff: export to the stick ---------------------------------------------
    rc, out = vm.run("findmnt -no TARGET,FSTYPE,OPTIONS -S /dev/sda")
    t.ok("/media/usb-sda" in out and "vfat" in out and "noexec" in out,
         "the USB stick is mounted for the kiosk", out)
    vm.key("f9")
    s = vm.wait("staff PIN", 10)
    vm.type(STAFF_PIN + "\n")
    s = vm.wait("Staff menu", 15)
    t.ok(s is not None and "waiting for the office: 1" in s,
         "the staff menu: one submission waiting", vm.screen())
    vm.keys("1", "Enter")
    s = vm.wait("export passphrase", 15)
    t.ok(s is not None, "export asks for the export passphrase", vm.screen())
    vm.type(EXPORT_PASS + "\n")
    s = vm.wait("Exported", 60)
    t.ok(s is not None and "verified" in s,
         "exported to the stick, read back and verified", vm.screen())
    vm.key("esc")
    since = lap("staff export", since)

    # -- what is on the disk ------------------------------------------------------
    rc, out = vm.run("sync; ls -la /var/lib/kiosk /srv/kiosk/etc")
    print("# " + out.replace("\n", "\n# "))
    rc, key_sum = vm.run("sha256sum /var/lib/kiosk/kiosk.id")
    rc, old_bin = vm.run("sha256sum /usr/local/bin/kiosk")
finally:
    vm.poweroff()
since = lap("power off", since)

# On this machine, as the office would: open the batch from the stick.
got = os.path.join(WORK, "from-stick")
os.makedirs(got)
subprocess.run(["mcopy", "-n", "-i", stick, "::*.kib", got + "/"],
               check=False)
batches = glob.glob(os.path.join(got, "*.kib"))
t.ok(len(batches) == 1 and os.path.basename(batches[0]).startswith(KIOSK_NAME),
     "one batch on the stick, named for the kiosk", batches)
out_dir = os.path.join(WORK, "opened")
r = subprocess.run([KIOSK, "open", "--key", os.path.join(office, "office.key"),
                    "--passphrase-file", passfile, "--out", out_dir] + batches,
                   capture_output=True, text=True, env=env)
t.ok(r.returncode == 0, "kiosk open on the host accepts it",
     r.stdout + r.stderr)
t.ok(kiosk_fpr is not None and kiosk_fpr in r.stdout + r.stderr,
     "the kiosk's fingerprint is the one first boot printed",
     r.stdout + r.stderr)
rows = []
for c in glob.glob(os.path.join(out_dir, "*.csv")):
    if c.endswith("-codebook.csv") or c.endswith("-repeats.csv"):
        continue
    with open(c, encoding="utf-8-sig") as f:
        rows += list(csv.DictReader(f))
t.ok(len(rows) == 1 and rows[0].get("first_name") == FIRST and
     rows[0].get("phone") == PHONE_KEPT and rows[0].get("claim_code") == code,
     "the office reads exactly what the resident typed", rows)
since = lap("kiosk open on the host", since)


def grep_disk(needles, start_mb=0, size_mb=None):
    found = set()
    with open(disk, "rb") as f:
        f.seek(start_mb << 20)
        left = None if size_mb is None else size_mb << 20
        tail = b""
        while left is None or left > 0:
            n = 16 << 20 if left is None else min(16 << 20, left)
            chunk = f.read(n)
            if not chunk:
                break
            if left is not None:
                left -= len(chunk)
            hay = tail + chunk
            for nd in needles:
                if nd.encode() in hay:
                    found.add(nd)
            tail = chunk[-256:]
    return found


typed = [FIRST, PHONE, PHONE_KEPT, STAFF_PIN + "\n", OTHER_PIN + "\n",
         EXPORT_PASS, CUT_PASS] + ([code] if code else [])
found = grep_disk([OFFICE_NAME], V.DATA_START_MB, GROWN_S >> 11)
t.ok(found == {OFFICE_NAME}, "control: the data partition is read (the "
     "office name from first boot is in kiosk.ini there)", found)
found = grep_disk(typed + ["municipal_id"], V.DATA_START_MB, GROWN_S >> 11)
t.ok(not found, "nothing typed, no claim code, no form id on the data "
     "partition", found)
found = grep_disk(typed)
t.ok(not found, "nor anywhere on the whole disk", found)
since = lap("scan the disk", since)

# An update that keeps the data partition (README "Install on a mini PC"):
# the image written from its first MiB (after the partition table, which
# the grown data partition is in) up to the data partition, over the used
# disk.
grown = table()
print("# update: %s over %s" % (UPDATE_IMAGE, IMAGE))
subprocess.run(["dd", "if=" + UPDATE_IMAGE, "of=" + disk, "bs=1M", "skip=1", "seek=1",
                "count=%d" % (V.DATA_START_MB - 1), "conv=notrunc,fsync",
                "status=none"], check=True)
V.add_test_shell(disk, WORK)
# virtio-gpu, which cage can drive (QEMU's std VGA it cannot), and a sound
# card for reading aloud.
vm = V.VM(disk, WORK, stick=stick, gpu="virtio", sound=True)
try:
    ok = vm.wait_shell(240 if vm.kvm else 900)
    if not ok:
        vm.monitor("screendump " + os.path.join(WORK, "update-boot.ppm"))
    s = vm.wait("Choose your language", 180) if ok else None
    t.ok(s is not None, "after the update the kiosk starts, no first boot",
         vm.screen() if ok else "no test shell")
    rc, out = vm.run("cat /sys/block/nvme0n1/nvme0n1p3/size; "
                     "dumpe2fs -h /dev/nvme0n1p3 2>/dev/null | "
                     "sed -n 's/^Block count: *//p'; "
                     "journalctl -b -o cat -u kiosk-grow-data.service")
    t.ok(table() == grown and out.split()[:2] == [str(GROWN_S),
                                                  str(grown_blocks)] and
         "reaches the end of the disk" in out and "growing" not in out,
         "the partition table, the data partition and its file system are "
         "as grown at first boot; nothing grown again", out)
    rc, out = vm.run("sha256sum /var/lib/kiosk/kiosk.id")
    t.ok(out == key_sum, "the kiosk's key is the same", out)
    if UPDATE_IMAGE != IMAGE:
        rc, out = vm.run("sha256sum /usr/local/bin/kiosk")
        t.ok(out != old_bin and "/usr/local/bin/kiosk" in out,
             "the system is the newer image's (another kiosk binary)",
             old_bin + out)
    vm.key("f9")
    vm.wait("staff PIN", 10)
    vm.type(STAFF_PIN + "\n")
    s = vm.wait("Staff menu", 15)
    t.ok(s is not None and "waiting for the office: 1" in s and
         kiosk_fpr is not None and kiosk_fpr in s,
         "same PIN, same fingerprint, the sealed submission still there",
         vm.screen())
    vm.key("esc")

    # -- reading aloud: espeak-ng and aplay in the image ----------------------
    # The settings of a site that chose the graphical screen (every language,
    # the kiosk's own bidi), with reading aloud on. The VM has a sound card
    # (Intel HD Audio, playing into nothing).
    since = time.time()
    rc, out = vm.run("sed -n '/^\\[audio\\]/,$p' /etc/kiosk/kiosk.ini")
    t.ok(re.search(r"^enabled = yes$", out, re.M) is not None,
         "first boot turned reading aloud on ([audio] enabled = yes)", out)
    vm.run("sed -i 's/^languages = .*/languages = %s/; s/^bidi = .*/bidi = app/' "
           "/etc/kiosk/kiosk.ini" % " ".join(ALL_LANGS))
    rc, out = vm.run("timeout 300 setpriv --reuid=kiosk --regid=kiosk "
                     "--groups=audio --reset-env env LANG=en_US.UTF-8 "
                     "/usr/local/bin/kiosk audio test --config "
                     "/etc/kiosk/kiosk.ini", timeout=330)
    played = [x.split()[0] for x in out.splitlines()
              if re.match(r"^[a-z]{2} \(voice [^)]+\): played$", x)]
    t.ok(rc == 0 and sorted(played) == sorted(ALL_LANGS),
         "kiosk audio test as the kiosk's user: espeak-ng has a voice for "
         "each of the 9 languages, and aplay plays it", out)
    vm.run("systemctl restart kiosk.service")
    vm.wait("Choose your language", 60)
    main = speak = None
    end = time.time() + 60
    while time.time() < end and speak is None:
        main = vm.run("systemctl show -p MainPID --value kiosk.service")[1].strip()
        rc, out = vm.run("ps -u kiosk -o pid=,ppid=,comm=")
        for x in out.splitlines():
            f = x.split()
            if len(f) == 3 and f[2] == "kiosk-speak" and f[1] == main:
                speak = f[0]
        time.sleep(1)
    t.ok(speak is not None and speak != main,
         "reading aloud on: the speech helper kiosk-speak runs as a process "
         "of its own, started by the kiosk", out)
    since = lap("reading aloud (kiosk audio test)", since)

    # -- the console cannot draw Bengali ---------------------------------------
    s = vm.screen()
    m = re.search(r"(\d)\D{0,8}বাংলা", s or "")
    bn_key = m.group(1) if m else "3"
    vm.type(bn_key + "\n")
    end = time.time() + 20
    while time.time() < end:
        s = vm.screen()
        if "Choose your language" not in s and any(
                "\u0980" <= c <= "\u09ff" for c in s):
            break
        time.sleep(0.3)
    else:
        s = None
    t.ok(s is not None, "console: Bengali chosen, its text is on tty1 "
         "(which has no glyphs for it)", vm.screen())
    time.sleep(1)
    console_bn = vm.screendump(os.path.join(WORK, "console-bn.ppm"))

    # -- the graphical screen, as first boot's answer 2 sets it ---------------
    since = time.time()
    vm.run("touch /etc/kiosk/graphical; systemctl stop kiosk.service; "
           "systemctl start --no-block kiosk-wayland.service")
    found = ""
    end = time.time() + 120
    while time.time() < end:
        rc, found = vm.run("ps -u kiosk -o comm= | sort | tr '\\n' ' '")
        if all(x in found.split() for x in ("cage", "foot", "kiosk")):
            break
        time.sleep(2)
    graphical = all(x in found.split() for x in ("cage", "foot", "kiosk"))
    t.ok(graphical, "graphical screen: cage runs foot runs the kiosk, as "
         "user kiosk", found + vm.run(
             "systemctl status --no-pager -n 0 kiosk-wayland.service "
             "seatd.service; journalctl -b --no-pager -o cat "
             "-u kiosk-wayland.service -u seatd.service | tail -n 40; "
             "ps -u kiosk -o pid,stat,wchan:20,args")[1])

    def drawn(name, unlike=None, timeout=90):
        """A screendump once the screen shows anti-aliased text (many
        shades), and differs from unlike if given; the last one if not."""
        end = time.time() + timeout
        shot = None
        while time.time() < end:
            shot = vm.screendump(os.path.join(WORK, name + ".ppm"))
            if (shot and shades(shot) > 16 and
                    (unlike is None or differ(shot, unlike) > 0.005)):
                time.sleep(2)      # let it finish drawing
                return vm.screendump(os.path.join(WORK, name + ".ppm"))
            time.sleep(1)
        return shot

    g_lang = drawn("graphical-languages") if graphical else None
    t.ok(g_lang is not None and shades(g_lang) > 16 and ink(g_lang) > 0.005,
         "graphical screen: foot draws the kiosk (anti-aliased text, many "
         "shades; the console has a few)",
         g_lang and "shades %d ink %.4f; console %d" % (
             shades(g_lang), ink(g_lang), console_bn and shades(console_bn)))
    since = lap("graphical screen up", since)
    vm.type(bn_key + "\n")
    g_bn = drawn("graphical-bn", unlike=g_lang, timeout=30) if g_lang else None
    t.ok(g_bn is not None and differ(g_bn, g_lang) > 0.005 and
         console_bn is not None and differ(g_bn, console_bn) > 0.01,
         "graphical screen: choosing বাংলা draws the Bengali screen, unlike "
         "the console's", g_bn and "vs languages %.4f, vs console %.4f" % (
             differ(g_bn, g_lang), console_bn and differ(g_bn, console_bn)))
    rc, out = vm.run("ls /usr/share/fonts/truetype/noto/ | grep -E "
                     "'^Noto(Sans|Serif)(Bengali|Gujarati|Arabic)-Regular' | "
                     "sort | tr '\\n' ' '")
    t.ok(all(("NotoSans%s-Regular" % x) in out
             for x in ("Bengali", "Gujarati", "Arabic")),
         "Noto fonts for Bengali, Gujarati and Arabic are there", out)

    # The sandbox and the speech helper under the graphical unit too.
    rc, out = vm.run("k=$(pgrep -u kiosk -x kiosk); echo kiosk=$k; "
                     "grep -E '^NoNewPrivs' /proc/$k/status; "
                     "grep 'core file' /proc/$k/limits; "
                     "ps -u kiosk -o ppid=,comm= | awk '$2 == \"kiosk-speak\""
                     " {print \"speak-parent=\" $1}'")
    kpid = re.search(r"kiosk=(\d+)", out)
    t.ok(kpid is not None and "NoNewPrivs:\t1" in out and
         re.search(r"Max core file size\s+0\s+0", out) and
         ("speak-parent=%s" % kpid.group(1)) in out,
         "graphical: no new privileges, no core dumps, kiosk-speak a "
         "process of its own", out)

    # No way out of the graphical screen either.
    rc, boot_id = vm.run("cat /proc/sys/kernel/random/boot_id")
    for k in ("ctrl-alt-f2", "ctrl-alt-f3", "ctrl-shift-n", "ctrl-shift-o",
              "ctrl-c", "ctrl-z", "ctrl-backslash", "ctrl-d", "alt-sysrq-h",
              "ctrl-alt-backspace", "ctrl-alt-delete"):
        vm.key(k)
        time.sleep(0.5)
    time.sleep(3)
    rc, out = vm.run("ps -u kiosk -o comm= | sort -u | tr '\\n' ' '; echo; "
                     "fgconsole; cat /proc/sys/kernel/random/boot_id; "
                     "ps -eo tty=,comm= | awk '$1 != \"?\" && $1 != \"ttyS0\"'")
    lines = out.splitlines()
    t.ok(len(lines) >= 3 and
         set(lines[0].split()) <= {"cage", "foot", "kiosk", "kiosk-speak",
                                   "aplay", "Xwayland"} and
         lines[1].strip() == "1" and lines[2].strip() == boot_id.strip(),
         "graphical: after Ctrl-Alt-F2/F3, foot's Ctrl-Shift-N (new "
         "terminal) and -O, Ctrl-C/Z/\\/D, SysRq, Ctrl-Alt-Backspace and "
         "Ctrl-Alt-Del: no other process, still on tty1, no reboot", out)

    # kill -9 of the kiosk inside foot: cage ends with it, the unit starts
    # all three again, and the screen is drawn again from the start.
    old_main = vm.run("systemctl show -p MainPID --value "
                      "kiosk-wayland.service")[1].strip()
    old = vm.run("pgrep -u kiosk -x kiosk")[1].strip()
    vm.run("kill -9 %s" % old)
    new = old
    end = time.time() + 60
    while time.time() < end:
        time.sleep(1)
        new = vm.run("pgrep -u kiosk -x kiosk")[1].strip()
        if new and new != old:
            break
    new_main = vm.run("systemctl show -p MainPID,NRestarts "
                      "kiosk-wayland.service")[1]
    t.ok(new and new != old and ("MainPID=%s\n" % old_main) not in new_main,
         "graphical: kill -9 of the kiosk, and the unit starts cage, foot "
         "and the kiosk again", "old %s new %s %s" % (old, new, new_main))
    g_again = drawn("graphical-after-kill", unlike=g_bn) if g_bn else None
    t.ok(g_again is not None and shades(g_again) > 16 and
         differ(g_again, g_bn) > 0.005,
         "graphical: after the restart the screen is drawn again, the "
         "Bengali visit gone", g_again and "shades %d vs bn %.4f" % (
             shades(g_again), differ(g_again, g_bn)))
    since = lap("graphical screen checks", since)
    if not graphical:
        # Diagnosis only: cage again with its debug log (-d), through a
        # drop-in in /run that lasts until power-off (not in the image).
        vm.run("mkdir -p /run/systemd/system/kiosk-wayland.service.d; "
               "awk '/^ExecStart=/ {f = 1} f {sub(\"/usr/bin/cage \", "
               "\"/usr/bin/cage -d \"); print} f && !/\\\\$/ {exit}' "
               "/etc/systemd/system/kiosk-wayland.service > /tmp/x; "
               "{ echo '[Service]'; "
               "echo 'StandardError=file:/run/cage-err.log'; "
               "echo 'ExecStart='; cat /tmp/x; } > "
               "/run/systemd/system/kiosk-wayland.service.d/zz-test-debug.conf; "
               "systemctl daemon-reload; "
               "systemctl kill -s KILL kiosk-wayland.service; sleep 2; "
               "systemctl start --no-block "
               "kiosk-wayland.service", timeout=60)
        time.sleep(45)
        rc, out = vm.run("cat /run/systemd/system/kiosk-wayland.service.d/"
                         "zz-test-debug.conf; echo '-- cage:'; "
                         "tail -n 60 /run/cage-err.log; "
                         "ps -u kiosk -o pid,ppid,stat,wchan:20,args; "
                         "ls -l /dev/dri /run/seatd.sock")
        print("# the graphical screen with cage -d (diagnosis):")
        print("# " + out.replace("\n", "\n# "))
finally:
    vm.poweroff()
since = lap("update keeping the data partition", since)
lap("image-check in all (without make image)", t0)
shutil.rmtree(WORK, ignore_errors=True) if t.failed == 0 else None
t.done()
