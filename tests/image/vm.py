"""A kiosk image in QEMU, driven as staff and residents would: keys go in
through QEMU's keyboard (the monitor's sendkey), the text of tty1 comes back
from /dev/vcsu1.

The image under test is a copy of build/image/kiosk.img with one test-only
addition: kiosk-test-shell.service, a root shell on the virtual serial port
(ttyS0), which the test uses to read the screen and to look inside. The
shipped image has no such thing (no getty, no shell, no network).
"""
import base64
import os
import re
import shutil
import socket
import subprocess
import time

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
ROOT_START_MB = 129          # deploy/image/build.sh's layout
ESP_START_MB = 1
DATA_START_MB = 3201
DATA_MB = 512

TEST_UNIT = """[Unit]
Description=TEST ONLY: root shell on ttyS0 for tests/image (not in the image)
DefaultDependencies=no
After=systemd-udevd.service
StartLimitIntervalSec=0

[Service]
ExecStart=/bin/sh -c 'stty raw -echo 115200; echo KIOSK-TEST-SHELL-READY; PS1= PS2= exec /bin/sh'
StandardInput=tty
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
TTYReset=yes
Restart=always
RestartSec=1

[Install]
WantedBy=sysinit.target
"""

# sendkey names for the characters the tests type.
KEYS = {" ": "spc", "-": "minus", "_": "shift-minus", ".": "dot", ",": "comma",
        "/": "slash", ":": "shift-semicolon", ";": "semicolon", "(": "shift-9",
        ")": "shift-0", "'": "apostrophe", "@": "shift-2", "\n": "ret",
        "=": "equal", "+": "shift-equal", "!": "shift-1"}
NAMED = {"Enter": "ret", "Escape": "esc", "Up": "up", "Down": "down",
         "Tab": "tab", "BSpace": "backspace"}


def sh(args, **kw):
    kw.setdefault("check", True)
    return subprocess.run(args, **kw)


def prepare(image, work):
    """Copy the image and add the test shell; returns the copy's path."""
    disk = os.path.join(work, "disk.img")
    sh(["cp", "--sparse=always", image, disk])
    add_test_shell(disk, work)
    return disk


def add_test_shell(disk, work):
    """Add kiosk-test-shell.service to the root file system of disk."""
    unit = os.path.join(work, "kiosk-test-shell.service")
    with open(unit, "w") as f:
        f.write(TEST_UNIT)
    os.chmod(unit, 0o644)
    fs = "%s?offset=%d" % (disk, ROOT_START_MB << 20)
    cmds = ("cd /etc/systemd/system\n"
            "write %s kiosk-test-shell.service\n"
            "cd /etc/systemd/system/sysinit.target.wants\n"
            "symlink kiosk-test-shell.service "
            "/etc/systemd/system/kiosk-test-shell.service\n" % unit)
    sh(["debugfs", "-w", "-f", "-", fs], input=cmds.encode(),
       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = sh(["debugfs", "-R", "stat /etc/systemd/system/kiosk-test-shell.service",
            fs], capture_output=True)
    if b"Type: regular" not in r.stdout:
        raise RuntimeError("could not add the test shell to the copy")


def set_cmdline(disk, extra):
    """Test only: the copy's kernel command line gets extra (for example
    kiosk.test_cut=sealed, a power cut at a named point; "" for none). The
    image's grub.cfg (both copies on the EFI partition) is rewritten."""
    img = "%s@@%d" % (disk, ESP_START_MB << 20)
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    for path in ("::EFI/debian/grub.cfg", "::EFI/BOOT/grub.cfg"):
        cfg = sh(["mtype", "-i", img, path], capture_output=True, text=True,
                 env=env).stdout
        out = []
        for line in cfg.splitlines():
            if line.startswith("linux "):
                line = " ".join(w for w in line.split()
                                if not w.startswith("kiosk.test_"))
                if extra:
                    line += " " + extra
            out.append(line)
        local = os.path.join(os.path.dirname(disk), "grub.cfg.test")
        with open(local, "w") as f:
            f.write("\n".join(out) + "\n")
        sh(["mcopy", "-o", "-i", img, local, path], env=env)
        os.unlink(local)


def kvm_works(disk, work):
    """Whether KVM really runs a kernel here: /dev/kvm can exist and still
    fail (nested virtualisation without the CPU features a guest needs).
    Boots the image's own kernel under KVM for at most 20 s and looks for
    its first line on the serial port. KIOSK_QEMU_ACCEL=kvm|tcg decides."""
    forced = os.environ.get("KIOSK_QEMU_ACCEL")
    if forced:
        return forced == "kvm"
    if _kvm:
        return _kvm[0]
    _kvm.append(_kvm_probe(disk, work))
    return _kvm[0]


_kvm = []


def _kvm_probe(disk, work):
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
    except OSError:
        return False
    fs = "%s?offset=%d" % (disk, ROOT_START_MB << 20)
    r = sh(["debugfs", "-R", "ls -p /boot", fs], capture_output=True,
           text=True)
    names = [x.split("/")[5] for x in r.stdout.splitlines() if x.count("/") > 5]
    kernels = sorted(n for n in names if n.startswith("vmlinuz-"))
    if not kernels:
        return False
    kernel = os.path.join(work, "probe-vmlinuz")
    sh(["debugfs", "-R", "dump /boot/%s %s" % (kernels[-1], kernel), fs],
       capture_output=True)
    try:
        r = subprocess.run(["qemu-system-x86_64", "-machine", "q35,accel=kvm",
                            "-cpu", "host", "-m", "256", "-nodefaults",
                            "-display", "none", "-serial", "stdio",
                            "-no-reboot", "-kernel", kernel, "-append",
                            "console=ttyS0 panic=-1"], capture_output=True,
                           timeout=20)
        out = r.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout or b""
    finally:
        os.unlink(kernel)
    return b"Linux version" in out


class VM:
    def __init__(self, disk, work, stick=None, mem=1536, gpu="std",
                 sound=False):
        """gpu "std": QEMU's standard VGA (bochs-drm; the text console
        only: wlroots refuses it, it cannot import buffers); "virtio":
        virtio-gpu, which cage can drive, as a mini PC's GPU. sound: an
        Intel HD Audio card playing into nothing, for aplay."""
        self.work = work
        self.mon_path = os.path.join(work, "monitor.sock")
        self.ser_path = os.path.join(work, "serial.sock")
        vars_fd = os.path.join(work, "OVMF_VARS.fd")
        if not os.path.exists(vars_fd):
            shutil.copy(OVMF_VARS, vars_fd)
        self.kvm = kvm_works(disk, work)
        args = ["qemu-system-x86_64", "-machine",
                "q35,accel=%s" % ("kvm" if self.kvm else "tcg"),
                "-cpu", "host" if self.kvm else "max", "-smp", "2",
                "-m", str(mem), "-nodefaults", "-no-user-config",
                "-display", "none", "-nic", "none",
                "-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
                "-drive", "if=pflash,format=raw,file=" + vars_fd,
                ] + (
                    # In std VGA's PCI slot (00:01.0), before the disk, so
                    # the disk keeps its address and the firmware its boot
                    # entry (else OVMF starts its shell).
                    ["-vga", "none", "-device", "virtio-gpu-pci,addr=01.0"]
                    if gpu == "virtio" else ["-vga", "std"]) + [
                "-drive", "file=%s,format=raw,if=none,id=disk" % disk,
                "-device", "nvme,drive=disk,serial=kiosk0",
                "-device", "qemu-xhci,id=xhci",
                "-chardev", "socket,id=ser,path=%s,server=on,wait=off"
                % self.ser_path,
                "-serial", "chardev:ser",
                "-monitor", "unix:%s,server=on,wait=off" % self.mon_path,
                "-no-reboot"]
        if sound:
            args += ["-audiodev", "none,id=snd0", "-device", "intel-hda",
                     "-device", "hda-output,audiodev=snd0"]
        if stick:
            args += ["-drive", "file=%s,format=raw,if=none,id=stick" % stick,
                     "-device", "usb-storage,bus=xhci.0,drive=stick,id=stickdev"]
        self.log = open(os.path.join(work, "qemu.log"), "w")
        self.proc = subprocess.Popen(args, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.mon = self._connect(self.mon_path)
        self._mon_read()
        self.ser = self._connect(self.ser_path)
        self.ser.settimeout(0.2)
        self.buf = b""

    def _connect(self, path):
        for _ in range(100):
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(path)
                return s
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("qemu did not open " + path)

    def _mon_read(self):
        self.mon.settimeout(2)
        data = b""
        try:
            while not data.endswith(b"(qemu) "):
                d = self.mon.recv(4096)
                if not d:
                    break
                data += d
        except socket.timeout:
            pass
        return data.decode(errors="replace")

    def monitor(self, cmd):
        self.mon.sendall(cmd.encode() + b"\n")
        return self._mon_read()

    # -- the keyboard ---------------------------------------------------
    def key(self, name):
        self.monitor("sendkey " + NAMED.get(name, name))
        time.sleep(0.05)

    def keys(self, *names):
        for n in names:
            self.key(n)

    def type(self, text):
        for c in text:
            if c.isalpha() and c.isascii():
                k = c.lower()
                self.key("shift-" + k if c.isupper() else k)
            elif c.isdigit():
                self.key(c)
            elif c in KEYS:
                self.key(KEYS[c])
            else:
                raise ValueError("cannot type %r on the test keyboard" % c)

    # -- the test shell on ttyS0 ----------------------------------------
    def run(self, cmd, timeout=60):
        """Run cmd in the guest's test shell; returns (status, output)."""
        tag = "T%d" % time.monotonic_ns()
        self.ser.sendall(("{ %s\n} 2>&1; echo \"%s $?\"\n" % (cmd, tag)).encode())
        end = time.time() + timeout
        while time.time() < end:
            i = self.buf.find(tag.encode() + b" ")
            j = self.buf.find(b"\n", i) if i >= 0 else -1
            if j >= 0:
                out = self.buf[:i]
                rc = int(self.buf[i + len(tag) + 1:j])
                self.buf = self.buf[j + 1:]
                return rc, out.decode(errors="replace")
            try:
                d = self.ser.recv(65536)
                if d:
                    self.buf += d
            except socket.timeout:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("qemu ended")
        raise TimeoutError("test shell: no answer to " + cmd)

    def wait_shell(self, timeout=180):
        """Wait for the test shell's first line, then for an answer. Nothing
        is sent before: a byte on the serial line while the firmware or GRUB
        runs is a key press there."""
        end = time.time() + timeout
        while time.time() < end and b"KIOSK-TEST-SHELL-READY" not in self.buf:
            try:
                d = self.ser.recv(65536)
                if d:
                    self.buf += d
            except socket.timeout:
                pass
            if self.proc.poll() is not None:
                return False
        while time.time() < end:
            try:
                rc, _ = self.run("true", timeout=3)
                if rc == 0:
                    self.buf = b""
                    return True
            except TimeoutError:
                pass
        with open(os.path.join(self.work, "serial-at-failure.log"), "wb") as f:
            f.write(self.buf)
        self.monitor("screendump " + os.path.join(self.work, "screen-at-failure.ppm"))
        return False

    def screen(self):
        """The text of tty1, one line per row."""
        rc, out = self.run("head -c 4 /dev/vcsa1 | od -An -tu1; "
                           "base64 -w0 /dev/vcsu1; echo")
        if rc != 0:
            return ""
        lines = out.strip().splitlines()
        if len(lines) < 2:
            return ""
        try:
            rows, cols = [int(x) for x in lines[-2].split()[:2]]
            raw = base64.b64decode(lines[-1])
        except ValueError:
            return ""
        text = raw.decode("utf-32-le", errors="replace")
        return "\n".join(text[r * cols:(r + 1) * cols].rstrip()
                         for r in range(rows))

    def wait(self, text, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            s = self.screen()
            if text in s:
                return s
            time.sleep(0.3)
        return None

    def wait_exit(self, timeout):
        """Wait for the machine to stop by itself (a test_cut); True if it did."""
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        self.close()
        return True

    def screendump(self, path):
        """What the screen shows, through QEMU's monitor (screendump):
        (width, height, RGB bytes, one pixel after another), or None."""
        if os.path.exists(path):
            os.unlink(path)
        self.monitor("screendump " + path)
        for _ in range(50):
            try:
                with open(path, "rb") as f:
                    data = f.read()
                m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
                w, h = int(m.group(1)), int(m.group(2))
                pix = data[m.end():]
                if len(pix) >= 3 * w * h:
                    return w, h, pix[:3 * w * h]
            except (OSError, AttributeError):
                pass
            time.sleep(0.2)
        return None

    def poweroff(self, timeout=90):
        try:
            self.ser.sendall(b"systemctl poweroff\n")
        except OSError:
            pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        self.close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.close()

    def close(self):
        for s in (self.mon, self.ser):
            try:
                s.close()
            except OSError:
                pass
        self.log.close()
