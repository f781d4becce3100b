# Shared set-up for tests/batch/*.t: a private temp dir with an office key
# set (fast Argon2id limits, tests only), a kiosk config, and TAP helpers.
# Source it after tests/env.sh. Cleans up on exit.
. "$(dirname "$0")/../env.sh"
export KIOSK_TEST=1 KIOSK_TEST_FAST_KDF=1
T=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-batch.XXXXXX") || exit 1
MOUNTS=""
cleanup() {
	for m in $MOUNTS; do umount "$m" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
n=0
failed=0
ok() {	# ok COND-EXIT-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"
	else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
is() {	# is GOT WANT DESCRIPTION
	n=$((n + 1))
	if [ "$1" = "$2" ]; then echo "ok $n - $3"
	else echo "not ok $n - $3"; echo "#   got '$1', want '$2'"
	failed=$((failed + 1)); fi
}
skip() { n=$((n + 1)); echo "ok $n # skip $1"; }
done_testing() { echo "1..$n"; [ "$failed" -eq 0 ]; exit $?; }

# make_office DIR: office key set with passphrase file $T/pass
make_office() {
	(umask 077; printf 'correct horse battery staple\n' > "$T/pass")
	"$KIOSK" keygen --out "$1" --passphrase-file "$T/pass" >/dev/null
}
# make_kiosk NAME DATA_DIR OFFICE_PUB: writes $T/NAME.ini
make_kiosk() {
	mkdir -p "$T/forms"
	cat > "$T/$1.ini" <<EOI
[kiosk]
name = $1
data_dir = $2
forms_dir = $T/forms
languages = en
idle_timeout = 60
[office]
public_key = $3
EOI
}
submit() {	# submit INI COUNT
	"$KIOSK" export --config "$1" --test-submit "$2" >/dev/null
}
# fill_kiosk NAME DATA_DIR: an office key set in $T/office, the kiosk
# $T/NAME.ini with its data in DATA_DIR (mode 700), a stick $T/stick;
# fill then submits visits to that kiosk
fill_kiosk() {
	make_office "$T/office"
	make_kiosk "$1" "$2" "$T/office/office.pub"
	mkdir -p "$2" "$T/stick" && chmod 700 "$2"
	FILL_INI="$T/$1.ini"
}
# fill FORM LANG ASSISTED ANSWERS: one visit to FORM through `kiosk forms
# fill` (ANSWERS as printf's format), submitted to fill_kiosk's kiosk;
# what it says goes to $T/fill
fill() {
	printf "$4" | "$KIOSK" forms fill "$1" --lang "$2" \
	    --test-submit "$FILL_INI" --test-assisted "$3" >>"$T/fill" 2>&1
}
# need_python MODULE PACKAGE: skip the whole test (exit 0) unless $PY
# (default /usr/bin/python3) can import MODULE, from Debian's PACKAGE
need_python() {
	if ! "${PY:-/usr/bin/python3}" -c "import $1" 2>/dev/null; then
		echo "1..0 # SKIP $2 is not installed (make deps)"
		exit 0
	fi
}
# enrol_kiosk NAME LEDGER: the identity of the kiosk $T/NAME.ini, written
# to $T/NAME.pub, enrolled in LEDGER; returns enroll's exit status
enrol_kiosk() {
	"$KIOSK" identity --config "$T/$1.ini" > "$T/$1.pub"
	"$KIOSK" enroll --ledger "$2" "$T/$1.pub" > /dev/null
}
# The options of `kiosk open` for the key set make_office "$T/office" makes.
KEY="--key $T/office/office.key --passphrase-file $T/pass"
# wait_stopped PID TRIES: wait, TRIES times 50 ms at the most, until PID
# has stopped itself (a KIOSK_TEST_*STOP* hook); the caller checks
wait_stopped() {
	i=0
	while [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != T ] &&
	    [ $i -lt "$2" ]; do
		sleep 0.05; i=$((i + 1))
	done
}
