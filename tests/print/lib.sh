# Sourced by tests/print/*.t: TAP helpers and a private cupsd (never the
# system's) that is stopped when the test exits, whatever happens.
. "$(dirname "$0")/../env.sh"
T=0
FAILED=0
ok() {	# ok COND-STATUS DESCRIPTION
	T=$((T + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T - $2"
	else
		echo "not ok $T - $2"
		FAILED=$((FAILED + 1))
	fi
}
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
done_testing() { echo "1..$T"; [ "$FAILED" -eq 0 ]; }

skip_all() { echo "1..0 # SKIP $1"; exit 0; }

# Start the private scheduler in a fresh directory; sets CUPS_SERVER etc.
start_cupsd() {
	command -v cupsd >/dev/null 2>&1 || [ -x /usr/sbin/cupsd ] ||
	    skip_all "cupsd is not installed (make deps)"
	PATH=$PATH:/usr/sbin
	CUPSDIR=$(mktemp -d /tmp/kiosk-cups.XXXXXX)
	trap 'sh "$KIOSK_TOP/printers/test-cupsd.sh" stop "$CUPSDIR";
	    rm -rf "$CUPSDIR"' EXIT
	trap 'exit 1' INT TERM HUP
	if ! sh "$KIOSK_TOP/printers/test-cupsd.sh" start "$CUPSDIR" >&2; then
		echo "Bail out! private cupsd did not start"
		exit 1
	fi
	. "$CUPSDIR/env"
	[ "${CUPS_SERVER#/tmp/kiosk-cups.}" != "$CUPS_SERVER" ] || {
		echo "Bail out! CUPS_SERVER is not private"; exit 1; }
}

# Number of jobs the file-backed listener has saved.
saved_jobs() { ls "$TEST_CUPSD_OUT" | grep -c '\.pdf$'; }
newest_job() { ls -t "$TEST_CUPSD_OUT"/*.pdf 2>/dev/null | head -1; }

# Is job N still waiting or printing (pending, held, processing)?
job_active() {
	lpstat -W not-completed -o 2>/dev/null | awk '{ print $1 }' |
	    grep -q -- "-$1\$"
}

# textcheck PDF TEXT: does pdftotext find TEXT in PDF? Whitespace and bidi
# controls are ignored (pdftotext breaks lines and wraps RTL runs in
# embedding marks). For Arabic-script text poppler also splits and reorders
# some ligatures (lam-alef, marks on final letters), so there every word
# must be found except at most a quarter; elsewhere the whole text.
textcheck() {
	pdftotext -enc UTF-8 "$1" - 2>/dev/null | python3 -c '
import re, sys
want = sys.argv[1]
got = sys.stdin.read()
junk = re.compile("[\\s\u200e\u200f\u202a-\u202e\u2066-\u2069]")
g = junk.sub("", got)
if junk.sub("", want) in g:
    sys.exit(0)
if not re.search("[\u0600-\u06ff]", want):
    print("# not found: " + want)
    sys.exit(1)
words = [w for w in want.split() if len(w) > 1]
miss = [w for w in words if junk.sub("", w) not in g]
if miss:
    print("# not found (poppler RTL extraction): " + " ".join(miss))
sys.exit(0 if len(miss) * 4 <= len(words) else 1)
' "$2"
}

# Page width and height of a PDF's first page in mm, one decimal.
page_mm() {
	pdfinfo "$1" 2>/dev/null | awk '/^Page size:/ {
	    printf "%.1f %.1f\n", $3 * 25.4 / 72, $5 * 25.4 / 72 }'
}
