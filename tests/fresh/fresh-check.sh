#!/bin/sh
# make fresh-check: prove that README's commands pass the first time on a
# fresh Debian 12. As root on Debian 12:
#   1. debootstrap --variant=minbase bookworm into a temporary folder, from
#      the machine's own Debian mirror (its apt sources);
#   2. bind-mount /proc, /dev, /dev/pts, /dev/shm and /sys into it;
#   3. copy it, so make demo and make check each run on an untouched root;
#   4. put a clean clone of this checkout's HEAD in each (committed work only);
#   5. install only make and git there, as README tells a new user to;
#   6. run `make demo` once on a terminal (script(1), pressing Q until it
#      quits) in one root and `make check` once in the other, and require
#      both to pass.
# The mounts and the folder are removed on every exit path (trap). Nothing is
# removed while anything is still mounted below the folder.
#
# Environment: FRESH_KEEP=1 keeps the root for a look afterwards (mounts are
# still undone); FRESH_ROOT=DIR uses DIR (must not exist) instead of mktemp;
# FRESH_GOAL overrides what runs inside (default: check).
# Exit: 0 passed; 1 failed; 2 could not start (not root, no debootstrap, no
# mirror); .ci/run turns 2 into a SKIP line.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
goal=${FRESH_GOAL:-check}

say() { echo "fresh-check: $*"; }
[ "$(id -u)" -eq 0 ] || { say "must run as root (debootstrap, chroot, mounts)"; exit 2; }
if ! command -v debootstrap >/dev/null 2>&1; then
	say "installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null 2>&1 ||
	    { say "cannot install debootstrap"; exit 2; }
fi

# The machine's own Debian mirror: first deb822 URIs or one-line deb entry
# whose suite is bookworm.
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '/^URIs:/ {u=$2} /^Suites:/ && / bookworm( |$)/ && u != "" {print u; exit}')
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' \
    /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

root=${FRESH_ROOT:-}
if [ -z "$root" ]; then
	root=$(mktemp -d /var/tmp/kiosk-fresh.XXXXXX) || exit 2
else
	mkdir "$root" || exit 2
fi
root=$(cd "$root" && pwd)
# The root folder becomes the fresh system's /: mktemp's 0700 would keep
# every user but root (nobody, lp, cupsd's) from reaching any file in it.
chmod 0755 "$root"

mounted() { awk -v r="$root" '$2 == r || index($2, r "/") == 1 {print $2}' /proc/mounts; }
cleanup() {
	trap - EXIT INT TERM HUP
	# Processes still running inside (a test's cupsd or tmux server).
	for p in /proc/[0-9]*; do
		case "$(readlink "$p/root" 2>/dev/null)" in
		"$root" | "$root"/*) kill -9 "${p#/proc/}" 2>/dev/null ;;
		esac
	done
	for m in $(mounted | sort -r); do umount "$m" 2>/dev/null || umount -l "$m"; done
	if [ -n "$(mounted)" ]; then
		say "still mounted below $root, not removing it:"; mounted
	elif [ "${FRESH_KEEP:-0}" = 1 ]; then
		say "kept $root"
	else
		rm -rf "$root"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

t0=$(date +%s)
say "debootstrap --variant=minbase bookworm $root $mirror"
if ! debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.log" 2>&1; then
	tail -5 "$root.log"; rm -f "$root.log"
	say "debootstrap failed (is $mirror reachable?)"
	exit 2
fi
rm -f "$root.log"
t1=$(date +%s)
say "debootstrap took $((t1 - t0)) s"

# The same apt sources as this machine (mirror, security, updates).
rm -f "$root/etc/apt/sources.list"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] && cp "$f" "$root$f"
done
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

# A second copy of the untouched root, so that `make demo` and `make check`
# each get the first run on a fresh machine.
demo_root="$root/demo-root"
mkdir "$demo_root"
for d in "$root"/*; do
	[ "$d" = "$demo_root" ] || cp -a "$d" "$demo_root/"
done

bind() {	# bind ROOT: /proc, /dev, /dev/pts, /dev/shm and /sys into ROOT
	for m in proc dev dev/pts dev/shm sys; do
		[ -d "/$m" ] || continue
		mkdir -p "$1/$m"
		mount --bind "/$m" "$1/$m" || { say "cannot bind-mount /$m"; exit 2; }
	done
}
inside() {	# inside ROOT SCRIPT: run SCRIPT as root in ROOT, clean environment
	chroot "$1" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	    TERM=xterm DEBIAN_FRONTEND=noninteractive /bin/sh -c "$2"
}
bind "$root"
bind "$demo_root"
for r in "$root" "$demo_root"; do
	mkdir -p "$r/root/src"
	git clone -q "$top" "$r/root/src/kiosk" || { say "cannot clone $top"; exit 2; }
	# As in CI, a read-only copy of shared/ (the conformance corpus) beside it.
	if [ -d "$top/../shared" ]; then
		cp -r "$top/../shared" "$r/root/src/shared" && chmod -R a-w "$r/root/src/shared"
	fi
done
say "clean clone of $(git -C "$top" rev-parse --short HEAD) in /root/src/kiosk"

# Only what README says a new user installs first, then README's command.
prepare='set -e
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends make git >/dev/null
	cd /root/src/kiosk'

rc=0
if [ "$goal" = check ]; then
	# make demo on a terminal (script(1) gives it one), with Q pressed
	# every few seconds until it quits; Q is the demo's quit key.
	say "make demo, first run, in its own fresh root"
	inside "$demo_root" "$prepare
		(while sleep 5; do printf q; done) |
		    script -qec 'make demo' /dev/null > /root/demo.out 2>&1" 
	drc=$?
	tr -d '\r' < "$demo_root/root/demo.out" | grep -a -A3 'demo kiosk has stopped' | head -4
	if [ $drc -ne 0 ] || ! grep -aq 'demo kiosk has stopped' "$demo_root/root/demo.out"; then
		tail -c 3000 "$demo_root/root/demo.out"
		say "FAILED: make demo did not pass the first time (exit $drc)"
		rc=1
	else
		say "make demo passed the first time"
	fi
	t1=$(date +%s)
fi

say "make $goal, first run"
inside "$root" "$prepare
	echo 'fresh-check: installed make and git; now make $goal'
	make $goal"
crc=$?
t2=$(date +%s)
say "make $goal took $((t2 - t1)) s; $((t2 - t0)) s in all"
if [ $crc -ne 0 ]; then
	say "FAILED: make $goal exited $crc in a fresh Debian 12"
	rc=1
fi
if [ $rc -eq 0 ]; then
	say "PASSED: make demo and make $goal, each the first time, on a fresh Debian 12 with only make and git installed"
fi
exit $rc
