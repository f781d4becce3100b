#!/bin/sh
# keygen -> submit -> export -> open -> ack -> export: the whole sealed
# path through the real binary, with the checks issue 2 and 4 ask for.
. "$(dirname "$0")/lib.sh"

make_office "$T/office"
ok $? "keygen writes a key set"
ok "$( [ -f "$T/office/office.key" ] && [ -f "$T/office/office.pub" ]; echo $?)" \
    "office.key and office.pub exist"
is "$(stat -c %a "$T/office/office.key")" 600 "office.key is 0600"
"$KIOSK" keygen --out "$T/office" --passphrase-file "$T/pass" 2>"$T/err"
is $? 1 "keygen refuses to overwrite"
grep -q "not overwriting" "$T/err"; ok $? "and says so"
"$KIOSK" keygen 2>/dev/null; is $? 2 "keygen without --out is bad usage"
"$KIOSK" key show "$T/office/office.pub" > "$T/show"
grep -q "^fingerprint $(sed -n 's/^fingerprint //p' "$T/office/office.pub")$" \
    "$T/show"; ok $? "key show prints the fingerprint"

make_kiosk lib-1 "$T/data" "$T/office/office.pub"
"$KIOSK" identity --config "$T/lib-1.ini" > "$T/lib-1.pub"
ok $? "identity prints the kiosk key"
is "$(stat -c %a "$T/data")" 700 "data_dir is 0700"
is "$(stat -c %a "$T/data/kiosk.id")" 600 "kiosk.id is 0600"
submit "$T/lib-1.ini" 3
ok $? "three submissions committed"
mkdir "$T/usb"
b1=$("$KIOSK" export --config "$T/lib-1.ini" --to "$T/usb" 2>/dev/null)
ok $? "export succeeds"
is "$b1" "$T/usb/lib-1-1.kib" "export prints the batch path"

# Nothing readable on disk at the kiosk.
if grep -raq -e "synthetic" -e "TEST-" -e "selftest" "$T/data" "$T/usb"; then
	ok 1 "no answer, claim code or form id in plaintext on disk"
else
	ok 0 "no answer, claim code or form id in plaintext on disk"
fi

"$KIOSK" enroll --ledger "$T/ledger.db" "$T/lib-1.pub" > "$T/enr"
ok $? "enroll the kiosk"
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --ledger "$T/ledger.db" --out "$T/out" "$b1" > "$T/open" 2>&1
is $? 0 "open exits 0"
is "$(wc -l < "$T/out/selftest-v1.csv")" 4 "CSV has a header and 3 rows"
is "$(head -c 3 "$T/out/selftest-v1.csv" | od -An -tx1 | tr -d ' ')" efbbbf \
    "CSV starts with a UTF-8 byte-order mark"
is "$(head -1 "$T/out/selftest-v1.csv" | tail -c +4 | tr -d '\r')" \
    "KEY,kiosk,seq,form_id,form_version,language,submitted,assisted_by,claim_code,n,note,skipped,formula" \
    "CSV header"
tr -d '\r' < "$T/out/selftest-v1.csv" |
    grep -q "^lib-1/2,lib-1,2,selftest,1,en,[0-9-]*,1,TEST-[0-9]*-0001,1,\"synthetic, with a comma\",(not asked),'=1+1\$"
ok $? "a row: key, kiosk, seq, form, version, language, date, volunteer, code, answers; not asked is marked"
is "$(head -1 "$T/out/selftest-v1-codebook.csv" | tail -c +4 | tr -d '\r')" \
    "file,column,type,code,language,label" "a codebook comes with the form version"
grep -q "'=1+1" "$T/out/selftest-v1.csv"; ok $? "formula cell neutralised"
grep -q '"synthetic, with a comma"' "$T/out/selftest-v1.csv"; ok $? "comma cell quoted"
is "$(wc -l < "$T/out/selftest.jsonl")" 3 "JSON Lines has 3 records"
is "$(stat -c %a "$T/out/selftest-v1.csv")" 600 "CSV is 0600"
grep -q "received 1-3" "$T/open"; ok $? "report says 1-3 received"
[ -f "$T/out/lib-1.ack" ]; ok $? "ack written"

# Replay adds nothing.
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --ledger "$T/ledger.db" --out "$T/out" "$b1" > "$T/open" 2>&1
is $? 0 "opening again exits 0"
grep -q "adds nothing" "$T/open"; ok $? "and says it adds nothing"
is "$(wc -l < "$T/out/selftest-v1.csv")" 4 "CSV unchanged"

# Cumulative: without an ack the next batch holds 1-5.
submit "$T/lib-1.ini" 2
b2=$("$KIOSK" export --config "$T/lib-1.ini" --to "$T/usb" 2>"$T/err")
grep -q "5 sealed" "$T/err"; ok $? "second batch holds all 5 unacknowledged"
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --ledger "$T/ledger.db" --out "$T/out" "$b2" > "$T/open" 2>&1
is $? 0 "open second batch"
grep -q "2 new" "$T/open"; ok $? "only 2 are new"
is "$(wc -l < "$T/out/selftest-v1.csv")" 6 "CSV has 5 rows"

# Ack: the kiosk deletes 1-5, the next batch starts at 6.
cp "$T/out/lib-1.ack" "$T/usb/"
submit "$T/lib-1.ini" 1
b3=$("$KIOSK" export --config "$T/lib-1.ini" --to "$T/usb" 2>"$T/err")
grep -q "5 sealed submissions deleted" "$T/err"; ok $? "ack applied: 5 deleted"
grep -q "1 sealed submissions in" "$T/err"; ok $? "batch 3 holds only seq 6"
cp "$T/usb/lib-1.ack" "$T/old.ack"
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --ledger "$T/ledger.db" --out "$T/out" "$b3" > "$T/open" 2>&1
is $? 0 "open batch 3"
grep -q "received 1-6" "$T/open"; ok $? "ledger has 1-6"

# A fresh office that missed 1-5 sees a gap: exit 3.
"$KIOSK" open --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --out "$T/out2" "$b3" > "$T/open" 2>&1
is $? 3 "opened with a gap exits 3"
grep -q "MISSING 1-5" "$T/open"; ok $? "the gap is reported"
grep -q "Trusting it on first use" "$T/open"; ok $? "TOFU is announced"

# A replayed (older) ack is ignored by export, refused by apply.
cp "$T/out/lib-1.ack" "$T/usb/"
"$KIOSK" export --config "$T/lib-1.ini" --to "$T/usb" >/dev/null 2>&1
cp "$T/old.ack" "$T/usb/lib-1.ack"
"$KIOSK" export --config "$T/lib-1.ini" --to "$T/usb" >/dev/null 2>"$T/err"
is $? 0 "an old ack on the stick does not stop export"

# key passwd, then the old passphrase no longer works.
printf 'a new long passphrase\n' > "$T/pass2"
"$KIOSK" key passwd --key "$T/office/office.key" --passphrase-file "$T/pass" \
    --new-passphrase-file "$T/pass2" >/dev/null
ok $? "key passwd"
"$KIOSK" key show "$T/office/office.key" --passphrase-file "$T/pass2" \
    > "$T/show2"
ok $? "the new passphrase opens the key"
"$KIOSK" key show "$T/office/office.key" --passphrase-file "$T/pass" \
    2>"$T/err" >/dev/null
is $? 1 "the old passphrase does not"
grep -q "wrong passphrase" "$T/err"; ok $? "and it says wrong passphrase"
done_testing
