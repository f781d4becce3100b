#!/bin/sh
# test-cupsd.sh: a private CUPS scheduler with test queues, for the tests and
# for trying the kiosk without a printer.
#
# It must never touch the system's cupsd, /etc/cups or /run/cups, and never
# runs cupsctl (which rewrites cupsd.conf with distribution defaults).
# Everything lives under DIR; the scheduler listens only on DIR/sock.
#
#   printers/test-cupsd.sh start DIR   start cupsd and a job listener, create
#                                      the queues, write DIR/env
#   printers/test-cupsd.sh stop DIR    stop both (safe to call twice)
#   . DIR/env                          CUPS_SERVER=DIR/sock and friends
#
# Queues:
#   PDF       raw queue, socket://127.0.0.1:PORT; a listener saves each job
#             as DIR/out/job-N.pdf (written as .part, renamed when complete)
#   Offline   raw queue, socket:// to a port nobody listens on: jobs stay
#             "processing" forever, like a receipt printer that is unplugged
#   Stuck     raw queue to a listener that accepts and never reads: jobs
#             stay "processing" with no error reported anywhere
#   Disabled  raw queue to the listener, but stopped (cupsdisable)
#   Rejecting raw queue to the listener that refuses new jobs (cupsreject)
#
# Debian 12 puts the socket backend in the "cups" package, which also starts
# a system scheduler; we do not want that. So cupsd gets a private ServerBin
# (symlinks to /usr/lib/cups) and, when /usr/lib/cups/backend/socket is
# missing, a small AppSocket backend of our own (python3). Backends
# run as user lp, so DIR must be traversable (this script makes it 0755).
set -eu

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

stop() {
	for f in "$dir/cupsd.pid" "$dir/listener.pid"; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null || true
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
		kill -9 "$pid" 2>/dev/null || true
		rm -f "$f"
	done
}

listener() {
	# Accept connections one after another; each connection is one job.
	cat >"$dir/listener.py" <<'EOF'
import os, socket, sys, threading
out, portfile = sys.argv[1], sys.argv[2]

def listen():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    return s

def stuck(s):
    # A printer that takes the connection and never reads: jobs hang in
    # "processing" with no error anywhere, until the kiosk's deadline.
    held = []
    while True:
        c, _ = s.accept()
        held.append(c)

good, bad = listen(), listen()
threading.Thread(target=stuck, args=(bad,), daemon=True).start()
with open(portfile + ".tmp", "w") as f:
    f.write("%d %d\n" % (good.getsockname()[1], bad.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
n = max([int(f[4:-4]) for f in os.listdir(out)
         if f.startswith("job-") and f.endswith(".pdf")] + [0])
while True:
    c, _ = good.accept()
    n += 1
    part = os.path.join(out, "job-%d.part" % n)
    with open(part, "wb") as f:
        while True:
            b = c.recv(65536)
            if not b:
                break
            f.write(b)
    c.close()
    os.rename(part, os.path.join(out, "job-%d.pdf" % n))
EOF
	mkdir -p "$dir/out"
	rm -f "$dir/listener.port"
	python3 "$dir/listener.py" "$dir/out" "$dir/listener.port" \
	    >"$dir/listener.log" 2>&1 &
	echo $! >"$dir/listener.pid"
	i=0
	while [ ! -s "$dir/listener.port" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "$0: listener did not start" >&2; exit 1; }
		sleep 0.05
	done
}

serverbin() {
	sb=$dir/serverbin
	rm -rf "$sb"
	mkdir -p "$sb/backend"
	for d in /usr/lib/cups/*; do
		[ "$(basename "$d")" = backend ] || ln -s "$d" "$sb/"
	done
	for b in /usr/lib/cups/backend/*; do
		ln -s "$b" "$sb/backend/"
	done
	[ -e "$sb/backend/socket" ] && return 0
	cat >"$sb/backend/socket" <<'EOF'
#!/usr/bin/python3
# Minimal AppSocket (JetDirect) backend for the private test scheduler,
# behaving like CUPS's own: retry every 2 s while nobody listens (the job
# stays "processing"), send the job, then wait for the printer to close
# the connection (waiteof=true).
import os, socket, sys, time
from urllib.parse import urlsplit
if len(sys.argv) == 1:
    print('network socket "Unknown" "AppSocket (test-cupsd.sh)"')
    sys.exit(0)
u = urlsplit(os.environ["DEVICE_URI"])
host, port = u.hostname, u.port or 9100
data = open(sys.argv[6], "rb") if len(sys.argv) > 6 else sys.stdin.buffer
err = sys.stderr
while True:
    try:
        s = socket.create_connection((host, port), timeout=10)
        break
    except OSError:
        err.write("STATE: +connecting-to-device\n")
        err.write("INFO: The printer may not exist or is unavailable "
                  "at this time.\n")
        err.flush()
        time.sleep(2)
err.write("STATE: -connecting-to-device\nINFO: Connected to printer.\n")
err.flush()
s.settimeout(None)
while True:
    b = data.read(65536)
    if not b:
        break
    s.sendall(b)
s.shutdown(socket.SHUT_WR)
err.write("INFO: Waiting for printer to finish.\n")
err.flush()
while s.recv(4096):
    pass
s.close()
err.write("INFO: Ready to print.\n")
sys.exit(0)
EOF
	chmod 0755 "$sb/backend/socket"
}

start() {
	stop
	chmod 0755 "$dir"
	mkdir -p "$dir/spool/tmp" "$dir/cache" "$dir/state" "$dir/log" \
	    "$dir/conf/ppd"
	chmod 0755 "$dir/conf" "$dir/state" "$dir/cache"
	chmod 0710 "$dir/spool"
	chmod 1770 "$dir/spool/tmp"
	chgrp lp "$dir/spool" "$dir/spool/tmp" 2>/dev/null || true
	serverbin
	sock=$dir/sock
	cat >"$dir/conf/cupsd.conf" <<EOF
# Private test scheduler (printers/test-cupsd.sh). Never the system's.
LogLevel debug
Listen $sock
Browsing Off
DefaultAuthType None
WebInterface No
MaxJobs 500
PreserveJobHistory Yes
PreserveJobFiles No
JobRetryInterval 2
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
    Allow all
  </Limit>
</Policy>
EOF
	cat >"$dir/conf/cups-files.conf" <<EOF
FileDevice Yes
ServerRoot $dir/conf
ServerBin $sb
StateDir $dir/state
CacheDir $dir/cache
RequestRoot $dir/spool
TempDir $dir/spool/tmp
AccessLog $dir/log/access_log
ErrorLog $dir/log/error_log
PageLog $dir/log/page_log
EOF
	listener
	read -r port stuckport <"$dir/listener.port"
	deadport=$(free_port)
	cupsd -f -c "$dir/conf/cupsd.conf" -s "$dir/conf/cups-files.conf" \
	    >"$dir/log/cupsd.out" 2>&1 &
	echo $! >"$dir/cupsd.pid"
	i=0
	until lpstat -h "$sock" -r 2>/dev/null | grep -q "is running"; do
		i=$((i + 1))
		if [ $i -ge 100 ] || ! kill -0 "$(cat "$dir/cupsd.pid")" \
		    2>/dev/null; then
			echo "$0: cupsd did not start; see $dir/log" >&2
			cat "$dir/log/cupsd.out" "$dir/log/error_log" \
			    2>/dev/null | tail -20 >&2
			stop
			exit 1
		fi
		sleep 0.1
	done
	export CUPS_SERVER="$sock"
	# -m raw is deprecated in CUPS 2.4 (it warns) but still works.
	lpadmin -p PDF -v "socket://127.0.0.1:$port" -m raw -E 2>/dev/null
	lpadmin -p Offline -v "socket://127.0.0.1:$deadport" -m raw -E \
	    2>/dev/null
	lpadmin -p Stuck -v "socket://127.0.0.1:$stuckport" -m raw -E 2>/dev/null
	lpadmin -p Disabled -v "socket://127.0.0.1:$port" -m raw -E 2>/dev/null
	cupsdisable -r "paused by test-cupsd.sh" Disabled
	lpadmin -p Rejecting -v "socket://127.0.0.1:$port" -m raw -E \
	    2>/dev/null
	cupsreject -r "rejecting by test-cupsd.sh" Rejecting
	lpadmin -d PDF 2>/dev/null || true
	cat >"$dir/env" <<EOF
CUPS_SERVER='$sock'; export CUPS_SERVER
TEST_CUPSD_OUT='$dir/out'; export TEST_CUPSD_OUT
TEST_CUPSD_PORT=$port; export TEST_CUPSD_PORT
TEST_CUPSD_DEADPORT=$deadport; export TEST_CUPSD_DEADPORT
EOF
}

case $cmd in
start)	start ;;
stop)	stop ;;
*)	usage ;;
esac
