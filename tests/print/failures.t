#!/bin/sh
# When the printer does not print: an offline printer (socket:// to a port
# nobody listens on), a stuck one (takes the connection, never finishes),
# a disabled one, one that refuses jobs, and a destination that does not
# exist. In each case print_poll reports failure (or the deadline passes),
# print_cancel leaves the job canceled, and nothing prints afterwards, even
# when the printer comes back.
. "$(dirname "$0")/lib.sh"
start_cupsd

sample() { "$KIOSK" printer sample --lang en --claim 7KQ2-M9XD-4TRB "$@"; }
now() { date +%s; }

# Offline: the job hangs in "processing"; the printer-state-message gives
# it away, so the failure is reported long before the deadline.
before=$(saved_jobs)
t0=$(now)
out=$(sample --dest Offline --wait 20 2>&1)
t1=$(now)
job=$(echo "$out" | awk '/^job / { print $2 }')
echo "$out" | grep -q '^failed: printer unreachable'
ok $? "offline: reported as failed ($(echo "$out" | grep failed))"
[ $((t1 - t0)) -le 5 ]
ok $? "offline: failure seen in $((t1 - t0)) s, well within the 20 s deadline"
echo "$out" | grep -q '^canceled$'
ok $? "offline: print_cancel confirmed the job canceled"
! job_active "$job"
ok $? "offline: job $job is no longer pending or processing"
# The printer comes back on the same port: nothing may arrive.
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4); s.settimeout(6)
try:
    c, _ = s.accept(); print("connected"); print(len(c.recv(65536)))
except socket.timeout:
    print("quiet")
' "$TEST_CUPSD_DEADPORT" >"$CUPSDIR/revived" 2>&1
grep -q '^quiet$' "$CUPSDIR/revived"
ok $? "offline: printer back on its port for 6 s, received nothing"

# (The check above means something: a job left alone is seen as active.)
job=$(sample --dest Offline 2>/dev/null | awk '/^job / { print $2 }')
job_active "$job"
ok $? "sanity: an offline job nobody cancels stays active (job $job)"
cancel "Offline-$job" 2>/dev/null

# Stuck: no error anywhere, so only the caller's deadline catches it.
t0=$(now)
out=$(sample --dest Stuck --wait 3 2>&1)
t1=$(now)
job=$(echo "$out" | awk '/^job / { print $2 }')
echo "$out" | grep -q '^failed: not printed after 3 seconds'
ok $? "stuck: deadline passed and reported"
[ $((t1 - t0)) -le 6 ]
ok $? "stuck: gave up after $((t1 - t0)) s"
echo "$out" | grep -q '^canceled$'
ok $? "stuck: print_cancel confirmed the job canceled"
! job_active "$job"
ok $? "stuck: job $job is no longer pending or processing"

# Disabled (stopped) printer: the job would wait; fail at once instead.
t0=$(now)
out=$(sample --dest Disabled --wait 20 2>&1)
t1=$(now)
job=$(echo "$out" | awk '/^job / { print $2 }')
echo "$out" | grep -q '^failed: the printer is stopped'
ok $? "disabled: reported as failed ($(echo "$out" | grep failed))"
[ $((t1 - t0)) -le 5 ]
ok $? "disabled: failure seen in $((t1 - t0)) s"
echo "$out" | grep -q '^canceled$'
ok $? "disabled: print_cancel confirmed the job canceled"
cupsenable Disabled
sleep 4
[ "$(saved_jobs)" -eq "$before" ]
ok $? "disabled: re-enabled for 4 s, nothing printed"
! job_active "$job"
ok $? "disabled: job $job is not pending"
cupsdisable Disabled

# Rejecting and missing destinations: print_submit says so, no job.
out=$(sample --dest Rejecting --wait 5 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'not accepting jobs'
ok $? "rejecting: submit refused ($out)"
out=$(sample --dest NoSuchPrinter --wait 5 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'not found'
ok $? "missing destination: submit refused ($out)"

# And the good queue still works after all that.
out=$(sample --dest PDF --wait 20 2>&1)
echo "$out" | grep -q '^printed$' && [ "$(saved_jobs)" -eq $((before + 1)) ]
ok $? "PDF queue: prints, exactly one new file"

done_testing
