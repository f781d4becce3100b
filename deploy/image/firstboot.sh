#!/bin/sh
# kiosk-firstboot: the kiosk image's first start. Asks staff, on tty1, for
# what each site sets (kiosk name, the office's public key from a USB stick,
# office details, screen, staff and volunteer PINs, printer, the export
# passphrase), writes /etc/kiosk/kiosk.ini (on the data partition) and
# prints the kiosk's fingerprint to enrol at the office. The kiosk starts
# when this ends. Nothing site-specific is in the image itself.
#
# Run by kiosk-firstboot.service as root; it runs again at every boot until
# kiosk.ini exists (the last thing written).
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
etc=/srv/kiosk/etc
ini=$etc/kiosk.ini
new=$etc/kiosk.ini.setup
data=/var/lib/kiosk
as_kiosk="setpriv --reuid=kiosk --regid=kiosk --init-groups --"

say() { printf '%s\n' "$*"; }
ask() {	# ask PROMPT: the answer in $REPLY (trailing blanks removed)
	printf '%s ' "$1"
	IFS= read -r REPLY || exit 1
	REPLY=$(printf '%s' "$REPLY" | sed 's/[[:space:]]*$//; s/^[[:space:]]*//')
}
yes_no() {	# yes_no PROMPT: true for y
	while :; do
		ask "$1 [y/n]"
		case $REPLY in y | Y | yes) return 0 ;; n | N | no) return 1 ;; esac
	done
}
heading() { printf '\n== %s ==\n' "$*"; }
# An INI value: one line, at most 200 bytes, no ';' or '#' (comments).
ini_ok() { case $1 in *";"* | *"#"*) return 1 ;; esac; [ ${#1} -le 200 ]; }
# Test only (tests/image/check.py): `kiosk.test_cut=NAME` on the kernel
# command line stops the machine at the point NAME at once, as a power cut
# would (no sync, no unmount). Nobody can set it on a kiosk: GRUB has no
# menu, no editing and no command line (grub.cfg).
test_cut() {
	case " $(cat /proc/cmdline 2>/dev/null) " in
	*" kiosk.test_cut=$1 "*) echo b > /proc/sysrq-trigger; sleep 60 ;;
	esac
}
# True when data_dir holds nothing but a key made by a set-up that did not
# finish (kiosk.id, kiosk.state, their temp files): that key was never
# shown (the fingerprint comes after kiosk.ini is written), so never
# enrolled, and the kiosk never ran under it (no kiosk.db), so nothing was
# sealed or signed under it.
only_unused_key() {
	for f in "$data"/* "$data"/.*; do
		case ${f##*/} in
		"*" | . | .. | ".*") ;;
		kiosk.id | kiosk.state | .kiosk.id.*.tmp | .kiosk.state.*.tmp) ;;
		*) return 1 ;;
		esac
	done
}

printf '\033c'
say "KIOSK SET-UP (first start)"
say ""
say "This screen is for staff. It asks for this site's settings, then the"
say "kiosk starts. Nothing typed here is shown to residents. Keep the USB"
say "stick with the office's public key (office.pub) at hand."

# The data partition is mounted at /srv/kiosk; its etc/ and data/ come with
# the image. Start from scratch if an earlier run was interrupted.
install -d -m 0750 -o root -g kiosk "$etc"
rm -f "$new" "$new.tmp" "$etc/office.pub.setup"

heading "1. Kiosk name"
say "Used in the names of the files exported for the office. Letters,"
say "digits, - and _, at most 40 (for example: library-main)."
while :; do
	ask "Kiosk name:"
	case $REPLY in
	"" | *[!A-Za-z0-9_-]*) say "Use 1 to 40 letters, digits, - or _." ;;
	*) [ ${#REPLY} -le 40 ] && break; say "At most 40 characters." ;;
	esac
done
name=$REPLY

heading "2. The office's public key"
while :; do
	say "Put the USB stick with office.pub into the kiosk, wait a few"
	ask "seconds, then press Enter."
	found=$(find /media -mindepth 2 -maxdepth 3 -name office.pub -type f 2>/dev/null | sort)
	n=$(printf '%s' "$found" | grep -c . || true)
	if [ "$n" -eq 0 ]; then
		say "No office.pub on a USB stick (looked in /media)."
		continue
	fi
	if [ "$n" -gt 1 ]; then
		printf '%s\n' "$found" | nl -w2 -s'  '
		ask "Which one (1 to $n)?"
		case $REPLY in "" | *[!0-9]*) continue ;; esac
		[ "$REPLY" -ge 1 ] && [ "$REPLY" -le "$n" ] || continue
		pub=$(printf '%s\n' "$found" | sed -n "${REPLY}p")
	else
		pub=$found
	fi
	if ! grep -q '^fingerprint' "$pub" || [ "$(wc -c < "$pub")" -gt 4096 ]; then
		say "$pub is not an office public key (made by kiosk keygen)."
		continue
	fi
	say "The office key's fingerprint:"
	say "  $(sed -n 's/^fingerprint[ =:]*//p' "$pub")"
	if yes_no "Is it the same as on the office's paper copy?"; then
		install -m 0644 -o root -g root "$pub" "$etc/office.pub.setup"
		break
	fi
	say "Then this is not the office's key: do not use it."
done

heading "3. The office on the ticket"
say "Printed on each ticket so residents know where to go."
while :; do ask "Office name:"; ini_ok "$REPLY" && [ -n "$REPLY" ] && break; done
office_name=$REPLY
while :; do ask "Office address:"; ini_ok "$REPLY" && break; done
office_address=$REPLY
while :; do ask "Office hours:"; ini_ok "$REPLY" && break; done
office_hours=$REPLY

heading "4. Screen"
say "1  Console: Latin-script languages only (en es pl tr ht)"
say "2  Graphical (cage + foot): every language, including Bengali,"
say "   Arabic, Urdu and Gujarati, which the console cannot show"
while :; do
	ask "Screen (1 or 2):"
	case $REPLY in 1 | 2) break ;; esac
done
screen=$REPLY
if [ "$screen" = 1 ]; then
	langs="en es pl tr ht"; bidi=terminal
else
	langs="en es bn ar ur gu tr pl ht"; bidi=app
fi

heading "5. Printer"
printer=""
profile=receipt-80mm
uris=$(lpinfo --timeout 10 -v 2>/dev/null | awk '$1 == "direct" && $2 ~ /^usb:/ {print $2}')
if [ -n "$uris" ]; then
	say "Printers found:"
	printf '%s\n' "$uris" | nl -w2 -s'  '
else
	say "No USB printer found."
fi
say "0  No printer: the claim code stays on screen until the resident has"
say "   written it down."
n=$(printf '%s' "$uris" | grep -c . || true)
while :; do
	ask "Printer (0 to $n):"
	case $REPLY in "" | *[!0-9]*) continue ;; esac
	[ "$REPLY" -le "$n" ] && break
done
if [ "$REPLY" -gt 0 ]; then
	uri=$(printf '%s\n' "$uris" | sed -n "${REPLY}p")
	say "Driver: a PPD file on the USB stick (the printer maker's), or"
	say "'everywhere' for an IPP Everywhere printer."
	while :; do
		ppds=$(find /media -mindepth 2 -maxdepth 3 -name '*.ppd' -type f 2>/dev/null | sort)
		[ -n "$ppds" ] && printf '%s\n' "$ppds" | nl -w2 -s'  '
		ask "PPD number, or everywhere:"
		if [ "$REPLY" = everywhere ]; then
			model="-m everywhere"
		else
			case $REPLY in "" | *[!0-9]*) continue ;; esac
			ppd=$(printf '%s\n' "$ppds" | sed -n "${REPLY}p")
			[ -n "$ppd" ] || continue
			model="-P $ppd"
		fi
		# shellcheck disable=SC2086
		if lpadmin -p receipt -E -v "$uri" $model \
		    -o printer-error-policy=abort-job; then
			printer=receipt
			break
		fi
		say "CUPS refused that driver; try another."
	done
	say "Paper: 1 receipt-80mm  2 receipt-58mm  3 letter  4 a4"
	while :; do
		ask "Paper (1 to 4):"
		case $REPLY in
		1) profile=receipt-80mm; break ;; 2) profile=receipt-58mm; break ;;
		3) profile=letter; break ;; 4) profile=a4; break ;;
		esac
	done
fi

# The settings, without PINs yet. kiosk.ini appears only at the very end.
{
	say "; /etc/kiosk/kiosk.ini, written by kiosk-firstboot. See README \"Configuration\"."
	say "[kiosk]"
	say "name = $name"
	say "data_dir = $data"
	say "forms_dir = /usr/local/share/kiosk/forms"
	say "locale_dir = /usr/local/share/locale"
	say "languages = $langs"
	say "idle_timeout = 120"
	say "idle_warning = 30"
	say "bidi = $bidi"
	say "theme = default"
	say ""
	say "[office]"
	say "public_key = $etc/office.pub"
	say "name = $office_name"
	[ -n "$office_address" ] && say "address = $office_address"
	[ -n "$office_hours" ] && say "hours = $office_hours"
	say ""
	say "[printer]"
	[ -n "$printer" ] && say "destination = $printer"
	say "profile = $profile"
	say "profiles_dir = /usr/local/share/kiosk/printers"
	say "timeout = 30"
	say ""
	say "[audio]"
	say "; Reading aloud when the resident asks (the Listen key); the key is"
	say "; shown only if this PC plays sound (kiosk audio status)."
	say "enabled = yes"
} > "$new"
mv "$etc/office.pub.setup" "$etc/office.pub"

heading "6. PINs"
say "The staff PIN opens the staff menu (F9): export, printer, fingerprint."
say "6 to 12 digits; what you type is not shown."
until kiosk pin set staff --config "$new"; do :; done
while :; do
	ask "How many volunteer PINs to set now (0 to 9)?"
	case $REPLY in [0-9]) break ;; esac
done
i=1
while [ "$i" -le "$REPLY" ]; do
	say "Volunteer $i:"
	if kiosk pin set volunteer "$i" --config "$new"; then i=$((i + 1)); fi
done
chown root:kiosk "$new"
chmod 0640 "$new"

heading "7. The kiosk's key"
# The key is made as the kiosk's user, in its data folder (0700).
chown kiosk:kiosk "$data"
chmod 0700 "$data"
# A set-up interrupted after it made the key (or sealed it) leaves a key
# nobody depends on, perhaps sealed under a passphrase nobody here knows:
# it goes, and a new key is made and sealed below, as on a first start.
# A key with submissions beside it (kiosk.db) is never removed.
if [ -e "$data/kiosk.id" ] || [ -e "$data/kiosk.state" ]; then
	if only_unused_key; then
		say "The key made by the set-up that was interrupted was never"
		say "enrolled: a new one is made."
		rm -f "$data"/.kiosk.id.*.tmp "$data"/.kiosk.state.*.tmp \
		    "$data/kiosk.state" "$data/kiosk.id"
		sync
	fi
fi
if ! $as_kiosk kiosk identity --config "$new" > /dev/null; then
	say "The kiosk could not make its key; see the message above."
	exit 1
fi
say "An export passphrase seals the kiosk's signing key: whoever takes the"
say "kiosk then cannot sign exports as it. Staff type it at each export."
say "Use six or more random words, and keep it where staff can find it."
# A key already sealed (kiosk.id "KID2", FORMAT.md) beside submissions (a
# kiosk.ini removed from a kiosk in use) is kept: --protect would now ask
# for its passphrase.
if [ "$(head -c 4 "$data/kiosk.id" 2>/dev/null)" = KID2 ]; then
	say "The key is already sealed under an export passphrase, and"
	say "submissions may be waiting under it: it is kept."
	if yes_no "Change that passphrase now (the current one is asked first)?"; then
		until $as_kiosk kiosk identity --config "$new" --protect; do
			yes_no "Try again?" || break
		done
	fi
elif yes_no "Protect the key with an export passphrase (recommended)?"; then
	until $as_kiosk kiosk identity --config "$new" --protect; do
		yes_no "Try again?" || break
	done
fi
test_cut sealed

[ "$screen" = 2 ] && : > "$etc/graphical"
[ "$screen" = 1 ] && rm -f "$etc/graphical"
sync
mv "$new" "$ini"
sync

heading "8. Enrol this kiosk at the office"
$as_kiosk kiosk identity --config "$ini"
say ""
say "Write the fingerprint above down and enrol this kiosk at the office"
say "(kiosk enroll). You can see it again in the staff menu (F9)."
ask "Press Enter to start the kiosk."
printf '\033c'
exit 0
