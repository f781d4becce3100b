#!/bin/sh
# Crash safety: kill -9 the process committing submissions at random
# moments, in a loop, until at least 1000 commits were reported. After
# each kill PRAGMA integrity_check must pass; at the end every commit
# that was reported must be in the next batch and open at the office.
# Each commit is a real one (synchronous=FULL).
. "$(dirname "$0")/lib.sh"

make_office "$T/office"
make_kiosk lib-1 "$T/data" "$T/office/office.pub"
: > "$T/reported"
kills=0
bad=0
want=${CRASH_COMMITS:-1000}
while [ "$(wc -l < "$T/reported")" -lt "$want" ] || [ $kills -lt 30 ]; do
	"$KIOSK" export --config "$T/lib-1.ini" --test-submit 100000 \
	    >> "$T/reported" 2>/dev/null &
	pid=$!
	ms=$(od -An -N1 -tu1 /dev/urandom | tr -d ' ')
	sleep "0.$(printf %03d $((5 + ms % 60)))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	kills=$((kills + 1))
	r=$(sqlite3 "$T/data/kiosk.db" 'PRAGMA integrity_check' 2>&1)
	[ "$r" = ok ] || { bad=$((bad + 1)); echo "# after kill $kills: $r"; }
	[ $kills -lt 2000 ] || break
done
# A kill can cut the last line short; keep whole lines only.
grep -x 'committed [0-9]*' "$T/reported" | sed 's/committed //' | sort \
    > "$T/seqs"
c=$(wc -l < "$T/seqs")
ok "$( [ "$c" -ge "$want" ]; echo $?)" "$c commits reported over $kills kills"
is "$bad" 0 "integrity_check passed after every kill"
is "$(sort -n "$T/seqs" | uniq -d | wc -l)" 0 "no sequence number reported twice"
max=$(sqlite3 "$T/data/kiosk.db" 'SELECT max(seq) FROM envelope')
is "$(sqlite3 "$T/data/kiosk.db" 'SELECT count(*) FROM envelope')" "$max" \
    "sequence numbers 1..$max have no holes"

mkdir "$T/usb"
b=$("$KIOSK" export --config "$T/lib-1.ini" --to "$T/usb" 2>/dev/null)
ok $? "export after the crashes"
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --out "$T/out" "$b" > "$T/open" 2>&1
is $? 0 "the batch opens with no gap"
sed 's/.*"seq":\([0-9]*\).*/\1/' "$T/out/selftest.jsonl" | sort > "$T/opened"
is "$(comm -23 "$T/seqs" "$T/opened" | wc -l)" 0 \
    "every reported commit is in the batch and opened"
done_testing
