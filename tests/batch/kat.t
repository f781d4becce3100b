#!/bin/sh
# Known answers: a fixed office key set and a fixed batch (tests/data/kat)
# that every future version must still open, byte for byte. Uses the real
# MODERATE Argon2id limits of the fixture key (about a second).
. "$(dirname "$0")/lib.sh"
unset KIOSK_TEST_FAST_KDF
K="$KIOSK_TOP/tests/data/kat"

"$KIOSK" key show "$K/office.pub" > "$T/show"
grep -q "^fingerprint 783e-b0bb-9006-301d-27fb-2911-c165-eb6c$" "$T/show"
ok $? "office.pub fingerprint is the known one"
grep -q "^key id      c94ad888e41a2799$" "$T/show"; ok $? "key id is the known one"
"$KIOSK" enroll --ledger "$T/ledger.db" "$K/kat-kiosk.pub" > /dev/null
ok $? "enrol the known kiosk"
"$KIOSK" open --key "$K/office.key" --passphrase-file "$K/passphrase" \
    --ledger "$T/ledger.db" --out "$T/out" "$K/kat-kiosk-1.kib" \
    > "$T/open" 2>&1
is $? 0 "the known batch opens"
cmp -s "$K/expected.csv" "$T/out/selftest-v1.csv"; ok $? "CSV is byte-identical"
cmp -s "$K/expected-codebook.csv" "$T/out/selftest-v1-codebook.csv"
ok $? "codebook is byte-identical"
cmp -s "$K/expected.jsonl" "$T/out/selftest.jsonl"; ok $? "JSONL is byte-identical"
cmp -s "$K/expected.ack" "$T/out/kat-kiosk.ack"; ok $? "ack is byte-identical"
done_testing
