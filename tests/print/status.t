#!/bin/sh
# kiosk printer status and kiosk printer test against the private cupsd.
. "$(dirname "$0")/lib.sh"
start_cupsd

conf() {	# conf FILE DEST|- [SAVE_DIR]
	{
		printf '[kiosk]\ndata_dir = %s/data\nforms_dir = %s/forms\n' \
		    "$CUPSDIR" "$KIOSK_TOP"
		printf 'languages = en es bn ar\n'
		printf '[office]\npublic_key = %s/office.pub\n' "$CUPSDIR"
		printf 'name = Example Legal Aid\naddress = 1 Main St, Springfield\n'
		printf 'hours = Mon-Fri 9:00-17:00\n'
		printf '[printer]\nprofiles_dir = %s/printers\n' "$KIOSK_TOP"
		printf 'timeout = 10\n'
		[ "$2" = - ] || printf 'destination = %s\n' "$2"
		[ -z "${3:-}" ] || printf 'save_dir = %s\n' "$3"
	} >"$1"
}

conf "$CUPSDIR/pdf.ini" PDF
out=$("$KIOSK" printer status --config "$CUPSDIR/pdf.ini" 2>&1)
rc=$?
diag "$out"
[ $rc -eq 0 ] && echo "$out" | grep -q '^state: idle$' &&
    echo "$out" | grep -q '^accepting jobs: yes$' &&
    echo "$out" | grep -q '^destination: PDF$' &&
    echo "$out" | grep -q '^profile: receipt-80mm'
ok $? "status: PDF queue is idle and accepting"

conf "$CUPSDIR/dis.ini" Disabled
out=$("$KIOSK" printer status --config "$CUPSDIR/dis.ini" 2>&1)
diag "$out"
echo "$out" | grep -q '^state: stopped$' &&
    echo "$out" | grep -q '^reasons: .*paused' &&
    echo "$out" | grep -q '^message: paused by test-cupsd.sh$'
ok $? "status: Disabled queue is stopped, reason paused, with its message"

conf "$CUPSDIR/rej.ini" Rejecting
out=$("$KIOSK" printer status --config "$CUPSDIR/rej.ini" 2>&1)
echo "$out" | grep -q '^accepting jobs: no$'
ok $? "status: Rejecting queue is not accepting jobs"

conf "$CUPSDIR/none.ini" NoSuchPrinter
out=$("$KIOSK" printer status --config "$CUPSDIR/none.ini" 2>&1)
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q 'not found'
ok $? "status: a missing destination is an error ($out)"

before=$(saved_jobs)
out=$("$KIOSK" printer test --config "$CUPSDIR/pdf.ini" 2>&1)
rc=$?
diag "$out"
[ $rc -eq 0 ] && [ "$(echo "$out" | grep -c ': printed (job ')" -eq 4 ]
ok $? "test: one sample ticket printed per configured language"
[ "$(saved_jobs)" -eq $((before + 4)) ]
ok $? "test: four jobs reached the printer"
pdftotext "$(newest_job)" - | grep -q 'TEST-0000-0000'
ok $? "test: the sample carries the sample code"
pdftotext "$(newest_job)" - | grep -q '1 Main St, Springfield'
ok $? "test: the office address from the config is on it"

conf "$CUPSDIR/off.ini" Offline
out=$("$KIOSK" printer test --config "$CUPSDIR/off.ini" 2>&1)
rc=$?
diag "$out"
[ $rc -eq 1 ] && [ "$(echo "$out" | grep -c 'not printed (job .*, canceled)')" -eq 4 ]
ok $? "test: offline printer, every language reported failed and canceled"

conf "$CUPSDIR/save.ini" - "$CUPSDIR/saved"
out=$("$KIOSK" printer test --config "$CUPSDIR/save.ini" 2>&1)
rc=$?
[ $rc -eq 0 ] && [ -s "$CUPSDIR/saved/test-ticket-bn.pdf" ]
ok $? "test: no destination, save_dir set: samples saved there"

done_testing
