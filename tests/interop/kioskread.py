#!/usr/bin/python3
"""An independent reader of kiosk's files, written from FORMAT.md alone.

It shares no code with kiosk: only the specification and python3-nacl
(libsodium bindings). If FORMAT.md and the C code drift apart, the
interop test (tests/interop/interop.t) sees the two readers disagree.

    kioskread.py open --key office.key --passphrase-file F BATCH...
        verify and open batches; one JSON object per record on stdout:
        kiosk, seq, claim_code, date, language, form_id, form_version,
        assisted_by, answers (name -> value, null when not relevant),
        relevant (name -> 0/1), columns (names in order)
    kioskread.py ack --office-pub office.pub ACK
        verify an acknowledgement; prints one JSON object
    kioskread.py identity FILE      parse a kiosk identity (NAME.pub)

Exit 0 when everything verified, 1 (with the reason on stderr) otherwise.
"""
import json
import struct
import sys

import nacl.bindings as nb
import nacl.exceptions
import nacl.hash
import nacl.public
import nacl.pwhash
import nacl.signing
from nacl.encoding import RawEncoder


class Refused(Exception):
    pass


def b2b(data, size=32):
    return nacl.hash.blake2b(data, digest_size=size, encoder=RawEncoder)


def u16(d, o):
    return struct.unpack_from("<H", d, o)[0]


def u32(d, o):
    return struct.unpack_from("<I", d, o)[0]


def u64(d, o):
    return struct.unpack_from("<Q", d, o)[0]


def fingerprint(*keys):
    h = b2b(b"".join(keys))[:16].hex()
    return "-".join(h[i:i + 4] for i in range(0, 32, 4))


NAME_CHARS = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
BUCKETS = [4096, 16384, 65536, 262144, 1048576]
U63 = (1 << 63) - 1


def name_ok(n):
    return 1 <= len(n) <= 63 and all(c in NAME_CHARS for c in n)


# ---- text key files ----

def read_office_pub(text):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != 5 or lines[0] != "kiosk office public key v1":
        raise Refused("office.pub: not a v1 office public key file")
    want = ["key-id ", "encrypt ", "sign ", "fingerprint "]
    vals = []
    for line, w in zip(lines[1:], want):
        if not line.startswith(w):
            raise Refused("office.pub: expected a %r line" % w)
        vals.append(line[len(w):])
    kid, enc, sign = (bytes.fromhex(v) for v in vals[:3])
    if kid != b2b(enc)[:8]:
        raise Refused("office.pub: key-id does not match")
    if vals[3] != fingerprint(enc, sign):
        raise Refused("office.pub: fingerprint does not match")
    return {"key_id": kid, "encrypt": enc, "sign": sign}


def read_identity(text):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != 4 or lines[0] != "kiosk identity v1":
        raise Refused("identity: not a v1 kiosk identity")
    if not lines[1].startswith("name ") or not lines[2].startswith("sign "):
        raise Refused("identity: bad lines")
    name = lines[1][5:]
    pk = bytes.fromhex(lines[2][5:])
    if not name_ok(name.encode()) or len(pk) != 32:
        raise Refused("identity: bad name or key")
    if lines[3] != "fingerprint " + fingerprint(pk):
        raise Refused("identity: fingerprint does not match")
    return name, pk


def open_kosk(data, passphrase, kind, ptlen):
    if data[:6] != b"KOSK1\n":
        raise Refused("not a KOSK1 file")
    if data[6] > 1:
        raise Refused("made by a newer kiosk (KOSK version %d)" % data[6])
    if data[6] != 1 or data[7] != kind or data[8] != 2 or data[9] != 0:
        raise Refused("wrong kind or version")
    if len(data) != 66 + ptlen + 16:
        raise Refused("wrong length")
    ops, mem = u64(data, 10), u64(data, 18)
    key = nacl.pwhash.argon2id.kdf(32, passphrase, data[26:42],
                                   opslimit=ops, memlimit=mem)
    try:
        return nb.crypto_aead_xchacha20poly1305_ietf_decrypt(
            data[66:], data[:66], data[42:66], key)
    except nacl.exceptions.CryptoError:
        raise Refused("wrong passphrase")


def read_office_key(data, passphrase):
    if len(data) != 210:
        raise Refused("office.key: not 210 bytes")
    pt = open_kosk(data, passphrase, 1, 128)
    box_sk, sign_sk, box_pk = pt[:32], pt[32:96], pt[96:128]
    if nb.crypto_scalarmult_base(box_sk) != box_pk:
        raise Refused("office.key: halves do not match")
    if nacl.signing.SigningKey(sign_sk[:32]).verify_key.encode() != sign_sk[32:]:
        raise Refused("office.key: signing halves do not match")
    return {"key_id": b2b(box_pk)[:8], "box": nacl.public.PrivateKey(box_sk),
            "sign_pk": sign_sk[32:]}


# ---- batches ----

def verify(pk, sig, msg, what):
    try:
        nacl.signing.VerifyKey(pk).verify(msg, sig)
    except nacl.exceptions.BadSignatureError:
        raise Refused("%s: bad signature" % what)


def read_batch(d):
    if len(d) >= 8 and d[:3] == b"KIB" and d[3:4] != b"1" and d[4:8] == b"\r\n\x1a\n":
        raise Refused("made by a newer kiosk (%s)" % d[:4].decode("ascii", "replace"))
    if d[:8] != b"KIB1\r\n\x1a\n":
        raise Refused("not a batch (magic)")
    if len(d) < 248 or u64(d, 104) != len(d):
        raise Refused("truncated")
    if u16(d, 112) != 1:
        raise Refused("batch version %d%s" % (u16(d, 112),
                      ": made by a newer kiosk" if u16(d, 112) > 1 else ""))
    n = u32(d, 180)
    m = 248 + 52 * n
    if m > len(d):
        raise Refused("truncated manifest")
    pk = d[8:40]
    digest = b2b(b"kiosk batch v1" + d[0:40] + d[104:m], 64)
    verify(pk, d[40:104], digest, "batch")
    # Canonical manifest.
    if u16(d, 114) != 0:
        raise Refused("flags")
    number, acked, first, last = u64(d, 116), u64(d, 156), u64(d, 164), u64(d, 172)
    nlen = d[184]
    name = d[185:185 + nlen]
    if not (1 <= nlen <= 63) or not name_ok(name) or any(d[185 + nlen:248]):
        raise Refused("name")
    if not (1 <= number <= U63) or n < 1 or acked >= U63 or \
            first != acked + 1 or last < first or last > U63 or \
            last - first + 1 < n:
        raise Refused("sequence range")
    ents, off, prev = [], m, None
    for i in range(n):
        e = 248 + 52 * i
        seq, kid, ln, h = u64(d, e), d[e + 8:e + 16], u32(d, e + 16), d[e + 20:e + 52]
        if (i == 0 and seq != first) or (prev is not None and seq <= prev) or \
                (i == n - 1 and seq != last):
            raise Refused("seq order")
        if ln - 48 not in BUCKETS:
            raise Refused("record length")
        data = d[off:off + ln]
        off += ln
        if off > len(d):
            raise Refused("lengths past the end")
        if b2b(data) != h:
            raise Refused("record hash")
        ents.append({"seq": seq, "key_id": kid, "hash": h, "data": data})
        prev = seq
    if off != len(d):
        raise Refused("bytes left over")
    return {"pk": pk, "name": name.decode(), "number": number,
            "prev_batch": d[124:156], "acked_through": acked,
            "entries": ents, "batch_hash": b2b(d[:m])}


def unpad(p):
    i = len(p) - 1
    while i >= 0 and p[i] == 0:
        i -= 1
    if i < 0 or p[i] != 0x80:
        raise Refused("bad padding")
    # The smallest bucket larger than the plaintext.
    if min(b for b in BUCKETS if b > i) != len(p):
        raise Refused("padding to the wrong bucket")
    return p[:i]


def read_record(p):
    if p[:4] != b"KRC1":
        raise Refused("record magic")
    if p[4] != 1:
        raise Refused("record version %d%s" % (p[4], ": made by a newer kiosk" if p[4] > 1 else ""))
    o = 5
    kid = p[o:o + 32]; o += 32
    seq = u64(p, o); o += 8
    prev = p[o:o + 32]; o += 32
    assisted = u32(p, o); o += 4

    def s():
        nonlocal o
        n = u32(p, o)
        v = p[o + 4:o + 4 + n]
        if len(v) != n or b"\0" in v:
            raise Refused("record string")
        o += 4 + n
        return v.decode("utf-8")
    date, form_id, form_version, lang, claim = s(), s(), s(), s(), s()
    ncol = u32(p, o); o += 4
    cols = []
    for _ in range(ncol):
        name, value = s(), s()
        rel = p[o]; o += 1
        if rel > 1:
            raise Refused("relevant flag")
        cols.append((name, value, rel))
    if o != len(p):
        raise Refused("trailing bytes in record")
    if len(date) != 10 or date[4] != "-" or date[7] != "-":
        raise Refused("date")
    return {"kiosk_id": kid, "seq": seq, "prev": prev, "assisted_by": assisted,
            "date": date, "form_id": form_id, "form_version": form_version,
            "language": lang, "claim_code": claim, "columns": cols}


def open_batches(keys, paths, out):
    seen = {}   # (kiosk pk, seq) -> sealed hash
    for path in paths:
        with open(path, "rb") as f:
            b = read_batch(f.read())
        prev_hash = None
        for e in b["entries"]:
            k = (b["pk"], e["seq"])
            if k in seen:
                if seen[k] != e["hash"]:
                    raise Refused("%s: fork at seq %d" % (path, e["seq"]))
                prev_hash, prev_seq = e["hash"], e["seq"]
                continue
            key = keys.get(e["key_id"])
            if key is None:
                raise Refused("%s: sealed to an unknown office key" % path)
            try:
                pt = nacl.public.SealedBox(key["box"]).decrypt(e["data"])
            except nacl.exceptions.CryptoError:
                raise Refused("%s: record %d does not open" % (path, e["seq"]))
            r = read_record(unpad(pt))
            if r["kiosk_id"] != b["pk"] or r["seq"] != e["seq"]:
                raise Refused("%s: record %d head" % (path, e["seq"]))
            want = bytes(32) if e["seq"] == 1 else \
                seen.get((b["pk"], e["seq"] - 1))
            if want is not None and r["prev"] != want:
                raise Refused("%s: chain broken at %d" % (path, e["seq"]))
            seen[k] = e["hash"]
            out.write(json.dumps({
                "kiosk": b["name"], "seq": r["seq"],
                "claim_code": r["claim_code"], "date": r["date"],
                "language": r["language"], "form_id": r["form_id"],
                "form_version": r["form_version"],
                "assisted_by": r["assisted_by"],
                "answers": {n: (v if rel else None) for n, v, rel in r["columns"]},
                "relevant": {n: rel for n, v, rel in r["columns"]},
                "columns": [n for n, v, rel in r["columns"]],
            }, ensure_ascii=False) + "\n")


def read_ack(d, office_sign_pk):
    if len(d) >= 8 and d[:3] == b"KIA" and d[3:4] != b"2" and d[4:8] == b"\r\n\x1a\n":
        raise Refused("ack format %s: made by %s kiosk" % (
            d[:4].decode("ascii", "replace"), "a newer" if d[3:4] > b"2" else "an older"))
    if len(d) != 160 or d[:8] != b"KIA2\r\n\x1a\n":
        raise Refused("not an ack")
    if d[8:40] != office_sign_pk:
        raise Refused("ack from another office key")
    verify(office_sign_pk, d[40:104], b"kiosk ack v2" + d[0:40] + d[104:160], "ack")
    acked, counter, batch = u64(d, 136), u64(d, 144), u64(d, 152)
    if acked > U63 or counter < 1 or counter > U63:
        raise Refused("impossible numbers")
    return {"kiosk_pk": d[104:136].hex(), "acked_through": acked,
            "counter": counter, "batch": batch}


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    try:
        if cmd == "open":
            keys, pfile, paths, i = [], None, [], 0
            while i < len(args):
                if args[i] == "--key":
                    keys.append(args[i + 1]); i += 2
                elif args[i] == "--passphrase-file":
                    pfile = args[i + 1]; i += 2
                else:
                    paths.append(args[i]); i += 1
            with open(pfile, "rb") as f:
                pw = f.read().split(b"\n")[0]
            ks = {}
            for k in keys:
                with open(k, "rb") as f:
                    ok = read_office_key(f.read(), pw)
                ks[ok["key_id"]] = ok
            open_batches(ks, paths, sys.stdout)
        elif cmd == "ack":
            with open(args[1], encoding="utf-8") as f:
                pub = read_office_pub(f.read())
            with open(args[2], "rb") as f:
                print(json.dumps(read_ack(f.read(), pub["sign"])))
        elif cmd == "identity":
            with open(args[0], encoding="utf-8") as f:
                name, pk = read_identity(f.read())
            print(json.dumps({"name": name, "sign": pk.hex(),
                              "fingerprint": fingerprint(pk)}))
        else:
            print("unknown command %s" % cmd, file=sys.stderr)
            return 2
    except Refused as e:
        print("refused: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
