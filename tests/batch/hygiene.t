#!/bin/sh
# Smaller hygiene (issue 13, item 9): a group/world-readable office.key or
# passphrase file is named with the fix; plaintext output onto a removable
# drive is warned about; PINs have at least six digits.
. "$(dirname "$0")/lib.sh"

make_office "$T/office"
make_kiosk hy-1 "$T/data" "$T/office/office.pub"
submit "$T/hy-1.ini" 1
mkdir -p "$T/stick" "$T/o"
B=$("$KIOSK" export --config "$T/hy-1.ini" --to "$T/stick" 2>/dev/null)

# 1. Private files stay quiet; readable ones are named, with the fix.
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --out "$T/o" "$B" > /dev/null 2> "$T/err"
is $? 0 "opens"
is "$(grep -c "can be read by other users" "$T/err")" 0 "private key and passphrase: no warning"
cp "$T/pass" "$T/pass644"; chmod 644 "$T/pass644"
chmod 644 "$T/office/office.key"
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass644" \
    --out "$T/o" "$B" > /dev/null 2> "$T/err"
grep -q "office.key (the office key) can be read by other users.*chmod 600" "$T/err"
ok $? "a world-readable office.key is named, with chmod 600"
grep -q "pass644 (a passphrase) can be read by other users" "$T/err"
ok $? "so is a world-readable passphrase file"
chmod 600 "$T/office/office.key"

# 2. Output onto a removable drive (sysfs stood in for, tests only).
dev=$(stat -c '%Hd:%Ld' "$T/o")
mkdir -p "$T/sys/devices/usb1/sdz/sdz1" "$T/sys/dev/block"
echo 1 > "$T/sys/devices/usb1/sdz/removable"
ln -s "$T/sys/devices/usb1/sdz/sdz1" "$T/sys/dev/block/$dev"
KIOSK_TEST_SYSFS="$T/sys" "$KIOSK" open --key "$T/office/office.key" \
    --passphrase-file "$T/pass" --out "$T/o" "$B" > /dev/null 2> "$T/err"
grep -q "is on a removable drive (sdz1)" "$T/err"; ok $? "a removable drive is warned about"
rm -rf "$T/sys"; mkdir -p "$T/sys/devices/pci0/sda/sda1" "$T/sys/dev/block"
echo 0 > "$T/sys/devices/pci0/sda/removable"
ln -s "$T/sys/devices/pci0/sda/sda1" "$T/sys/dev/block/$dev"
KIOSK_TEST_SYSFS="$T/sys" "$KIOSK" open --key "$T/office/office.key" \
    --passphrase-file "$T/pass" --out "$T/o" "$B" > /dev/null 2> "$T/err"
is "$(grep -c "removable drive" "$T/err")" 0 "a fixed disk is not"

# 3. PINs of at least six digits.
printf '1234\n' > "$T/pin"
"$KIOSK" pin set staff --config "$T/hy-1.ini" --pin-file "$T/pin" > /dev/null 2> "$T/err"
is $? 1 "a 4-digit PIN is refused"
grep -q "6 to 12 digits" "$T/err"; ok $? "saying six to twelve digits"
printf '123456\n' > "$T/pin"
"$KIOSK" pin set staff --config "$T/hy-1.ini" --pin-file "$T/pin" > /dev/null 2> "$T/err"
is $? 0 "a 6-digit PIN is taken"
done_testing
