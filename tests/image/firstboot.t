#!/bin/sh
# kiosk-firstboot's (deploy/image/firstboot.sh) decision after a set-up was
# cut short: a key in data_dir that nothing depends on (kiosk.id and
# kiosk.state alone, or their temp files, sealed or not) is replaced by a
# new one; a key beside anything else (kiosk.db: submissions) is kept. Runs
# the script's own function on folders here, no root, no image; make
# image-check drives the whole set-up cut at that point in QEMU.
. "$(dirname "$0")/../env.sh"
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
fb=$KIOSK_TOP/deploy/image/firstboot.sh
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
eval "$(sed -n '/^only_unused_key() {/,/^}/p; /^test_cut() {/,/^}/p' "$fb")"
command -v only_unused_key >/dev/null && command -v test_cut >/dev/null
t $? "firstboot.sh has only_unused_key and test_cut"

case_() {	# case_ EXPECT WHAT FILE...: data_dir holding FILEs
	want=$1 what=$2; shift 2
	data=$dir/$n
	mkdir -p "$data"
	for f in "$@"; do : > "$data/$f"; done
	if only_unused_key; then got=0; else got=1; fi
	t $((got != want)) "$what"
}
case_ 0 "an empty data_dir: nothing to keep"
case_ 0 "kiosk.id and kiosk.state of a cut set-up: replaced" kiosk.id kiosk.state
case_ 0 "kiosk.state alone (cut while the key was removed): replaced" kiosk.state
case_ 0 "temp files of the key's durable write: replaced" kiosk.id .kiosk.id.123.tmp .kiosk.state.123.tmp
case_ 1 "kiosk.db beside the key (submissions): kept" kiosk.id kiosk.state kiosk.db
case_ 1 "kiosk.db-wal beside the key: kept" kiosk.id kiosk.state kiosk.db-wal
case_ 1 "a batch beside the key: kept" kiosk.id kiosk.state branch-1.kib
case_ 1 "a hidden file of anything else: kept" kiosk.id .kiosk.db.5.tmp

# The removal in the script names the same files only_unused_key accepts.
grep -q 'rm -f "$data"/.kiosk.id.\*.tmp "$data"/.kiosk.state.\*.tmp' "$fb" &&
    grep -q '"$data/kiosk.state" "$data/kiosk.id"' "$fb"
t $? "what it removes is what it found unused"
# The cut happens after the key is sealed and before kiosk.ini is written.
awk '/--protect/ {p = NR} /^test_cut sealed$/ {c = NR} /^mv "\$new" "\$ini"$/ {m = NR}
    END { exit !(p && c > p && m > c) }' "$fb"
t $? "test_cut sealed: after the key is sealed, before kiosk.ini is written"
# Without kiosk.test_cut= on the command line, test_cut does nothing (never
# tried on a machine booted with one: it would restart it at once).
if grep -q 'kiosk\.test_cut=' /proc/cmdline 2>/dev/null; then
	echo "ok $((n += 1)) # SKIP this machine was booted with kiosk.test_cut="
else
	(test_cut sealed; echo survived) | grep -q survived
	t $? "test_cut is inert without kiosk.test_cut= on the kernel command line"
fi
echo "1..$n"
