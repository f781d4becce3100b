#!/bin/sh
# Valgrind (memcheck) over the plain build: every unit test, then the
# commands a kiosk and an office run, each with --error-exitcode, so an
# invalid read or write, a use of uninitialised memory or a definite leak
# fails the test. Suppressions (tests/valgrind/valgrind.supp) cover only
# system libraries' own caches. Logs stay in build/valgrind/.
. "$(dirname "$0")/../env.sh"
cd "$KIOSK_TOP" || exit 1
if ! command -v valgrind >/dev/null; then
	echo "1..0 # SKIP valgrind is not installed (make deps)"
	exit 0
fi
logs="$KIOSK_TOP/build/valgrind"
rm -rf "$logs"
mkdir -p "$logs"
T=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-vg.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
export KIOSK_TEST=1 KIOSK_TEST_FAST_KDF=1
n=0
fail=0

# vg NAME COMMAND...: run under memcheck (stdin from $VG_IN), one TAP line.
vg() {
	name=$1
	shift
	n=$((n + 1))
	log="$logs/$(echo "$name" | tr -c 'A-Za-z0-9\n' '_').log"
	if valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
	    --track-origins=yes \
	    --suppressions=tests/valgrind/valgrind.supp --log-file="$log" \
	    "$@" > "$log.out" 2>&1 < "${VG_IN:-/dev/null}" &&
	    [ ! -s "$log" ]; then
		echo "ok $n - $name under valgrind"
	else
		echo "not ok $n - $name under valgrind"
		sed 's/^/#   /' "$log" "$log.out" | head -40
		fail=1
	fi
}

for t in build/tests/t_*; do
	[ -x "$t" ] && vg "$(basename "$t")" "$t"
done

K="$KIOSK_TOP/build/kiosk"
printf 'valgrind office passphrase\n' > "$T/opass"
printf 'valgrind kiosk passphrase\n' > "$T/kpass"
cat > "$T/k.ini" <<EOF
[kiosk]
name = vg
data_dir = $T/data
forms_dir = $KIOSK_TOP/forms
languages = en es
[office]
public_key = $T/office/office.pub
EOF
mkdir -p "$T/usb" "$T/usb2"
vg "kiosk keygen" "$K" keygen --out "$T/office" --passphrase-file "$T/opass"
vg "kiosk forms check (the shipped forms)" "$K" forms check forms
vg "kiosk identity" "$K" identity --config "$T/k.ini"
vg "kiosk export --test-submit (seal and commit)" "$K" export \
    --config "$T/k.ini" --test-submit 25
vg "kiosk export" "$K" export --config "$T/k.ini" --to "$T/usb"
vg "kiosk open" "$K" open --key "$T/office/office.key" \
    --passphrase-file "$T/opass" --out "$T/out" "$T"/usb/*.kib
cp "$T"/out/*.ack "$T/usb2/" 2>/dev/null
"$K" export --config "$T/k.ini" --test-submit 4 > /dev/null
vg "kiosk identity --protect" "$K" identity --config "$T/k.ini" --protect \
    --passphrase-file "$T/kpass"
vg "kiosk export with a protected key and an ack" "$K" export \
    --config "$T/k.ini" --to "$T/usb2" --passphrase-file "$T/kpass"
printf 'first=Ana\nage=34\nfirst[2]=Luis\nage[2]=7\nok=OK\n' > "$T/answers"
VG_IN="$T/answers" vg "kiosk forms fill (a repeat)" "$K" forms fill \
    tests/data/ui-forms/household.csv --lang es
# The office's workbook and the taskforce report (issue 15), from five
# incident reports of a second kiosk.
sed "s|^name = vg|name = vg2|; s|^data_dir = .*|data_dir = $T/data2|" "$T/k.ini" \
    > "$T/k2.ini"
for i in 1 2 3 4 5; do
	printf 'report_type=bias\ndanger_now=no\nincident_date=2026-01-1%s\nsetting=work\nwhat_happened=words\nwants=count_only\nfollow_up=no\n' "$i" |
	    "$K" forms fill forms/incident-report.csv --test-submit "$T/k2.ini" \
	    > /dev/null 2>&1
done
mkdir -p "$T/usb3"
"$K" export --config "$T/k2.ini" --to "$T/usb3" > /dev/null 2>&1
vg "kiosk open --xlsx --forms" "$K" open --key "$T/office/office.key" \
    --passphrase-file "$T/opass" --out "$T/out3" --forms forms --labels es \
    "$T"/usb3/*.kib
vg "kiosk report" "$K" report --in "$T/out3" \
    --form forms/incident-report.csv --out "$T/rep" --no-pdf
# The full-screen kiosk itself, through two tmux tests: every kiosk
# process they start runs under memcheck, each with its own log.
printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --suppressions="%s" --log-file="%s/run.%%p.log" "%s" "$@"\n' \
    "$KIOSK_TOP/tests/valgrind/valgrind.supp" "$logs" "$K" > "$T/kiosk"
chmod +x "$T/kiosk"
for s in session engine; do
	n=$((n + 1))
	rm -f "$logs"/run.*.log
	if KIOSK="$T/kiosk" python3 tests/tui/$s.t > "$logs/$s.out" 2>&1 &&
	    ls "$logs"/run.*.log >/dev/null 2>&1 &&
	    [ -z "$(find "$logs" -name 'run.*.log' -size +0)" ]; then
		echo "ok $n - tests/tui/$s.t with every kiosk under valgrind"
	else
		echo "not ok $n - tests/tui/$s.t with every kiosk under valgrind"
		grep -v '^ok' "$logs/$s.out" | sed 's/^/#   /' | head -20
		cat "$logs"/run.*.log 2>/dev/null | sed 's/^/#   /' | head -40
		fail=1
	fi
done

n=$((n + 1))
if [ -n "$(ls "$T"/out/*.csv 2>/dev/null)" ] && [ -f "$T/usb2/vg-2.kib" ] &&
    grep -q 'applied the office.s acknowledgement: 25' \
    "$logs/kiosk_export_with_a_protected_key_and_an_ack.log.out"; then
	echo "ok $n - the office opened batch 1; the ack deleted its 25, batch 2 holds the 4 after"
else
	echo "not ok $n - the office opened batch 1; the ack deleted its 25, batch 2 holds the 4 after"
	ls -l "$T"/out "$T"/usb2 | sed 's/^/#   /'
	fail=1
fi
echo "1..$n"
exit $fail
