#!/usr/bin/env python3
"""Run kiosk over pyxform's conformance corpus and print TAP.

Usage: conformance.py KIOSK CORPUS_DIR KNOWN_TSV

Fixtures: `kiosk forms dump` of each fixture must equal its entry in
fixtures-golden.json (dicts compared without regard to key order), except
for the quirks the corpus README lists (a kept BOM, a sheet name repeated in
another case).

Inline cases: `kiosk forms check` on each. Our outcome is one of
  accept   exit 0
  warn     exit 1, every problem line a warning
  nosup    exit 1, some problem "not supported at a kiosk"
  reject   exit 1, errors, none "not supported"
  crash    killed by a signal, or exit status other than 0/1
pyxform accept + ours reject  = wrong reject
pyxform reject + ours accept/warn = wrong accept
Pass criteria: no crash, no wrong accept, and no wrong reject beyond those
listed with a reason in KNOWN_TSV.
"""
import json, os, subprocess, sys

kiosk, corpus, known_path = sys.argv[1:4]
tests = []          # (ok, description, diagnostics)

# Under a sanitizer build, a report must count as a crash, not as exit 1.
env = dict(os.environ)
env.setdefault('ASAN_OPTIONS', 'exitcode=99:detect_leaks=0')
env.setdefault('UBSAN_OPTIONS', 'exitcode=99:halt_on_error=1')

def run(args):
    p = subprocess.run([kiosk] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=20, env=env)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), \
        p.stderr.decode('utf-8', 'replace')

# ---- fixtures ----
golden = json.load(open(os.path.join(corpus, 'fixtures-golden.json')))
fix_ok = fix_quirk = fix_bad = 0
bad_list = []
for name in sorted(golden):
    path = os.path.join(corpus, 'fixtures', name)
    rc, out, err = run(['forms', 'dump', path])
    if rc != 0:
        fix_bad += 1
        bad_list.append('%s: dump failed: %s' % (name, err.strip()))
        continue
    ours = json.loads(out)
    want = golden[name]
    if ours == want:
        fix_ok += 1
        continue
    # Documented quirks: pyxform keeps a BOM; a sheet repeated in another
    # case wipes the earlier rows.
    raw = open(path, 'rb').read()
    names = want.get('sheet_names', [])
    lower = [n.lower() for n in names]
    if raw.startswith(b'\xef\xbb\xbf') or len(set(lower)) != len(lower):
        fix_quirk += 1
        continue
    fix_bad += 1
    bad_list.append('%s: parse differs from pyxform' % name)
    for k in sorted(set(ours) | set(want)):
        if ours.get(k) != want.get(k):
            bad_list.append('  %s: ours %s' % (k, json.dumps(ours.get(k))[:300]))
            bad_list.append('  %s: pyxform %s' % (k, json.dumps(want.get(k))[:300]))
tests.append((fix_bad == 0, 'fixtures: %d match pyxform, %d differ only by '
              'documented quirks, %d differ' % (fix_ok, fix_quirk, fix_bad),
              bad_list))

# ---- inline cases ----
known = {}
if os.path.exists(known_path):
    for line in open(known_path, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        cid, reason = line.rstrip('\n').split('\t', 1)
        known[cid] = reason

counts = {}
crashes, wrong_accept, wrong_reject, known_reject, known_accept = [], [], [], [], []
cases = open(os.path.join(corpus, 'inline', 'cases.tsv'), encoding='utf-8')
next(cases)
for line in cases:
    f = line.rstrip('\n').split('\t')
    cid, expect = f[0], f[1]
    path = os.path.join(corpus, 'inline', cid + '.md')
    try:
        rc, out, err = run(['forms', 'check', path])
    except subprocess.TimeoutExpired:
        crashes.append('%s: timed out' % cid)
        continue
    lines = [l for l in out.splitlines() if l.startswith(path)]
    problems = [l for l in lines if not l.endswith(': ok')]
    errors = [l for l in problems if ': warning: ' not in l]
    if rc not in (0, 1):
        ours = 'crash'
        crashes.append('%s: exit %d %s' % (cid, rc, err.strip()[:200]))
    elif rc == 0:
        ours = 'accept'
    elif not errors:
        ours = 'warn'
    elif any('not supported' in l for l in errors):
        ours = 'nosup'
    else:
        ours = 'reject'
    counts[(expect, ours)] = counts.get((expect, ours), 0) + 1
    if expect == 'reject' and ours in ('accept', 'warn'):
        if cid in known:
            known_accept.append('%s (%s) -- known: %s' % (cid, f[4], known[cid]))
        else:
            wrong_accept.append('%s (%s)' % (cid, f[4]))
    if expect == 'accept' and ours == 'reject':
        item = '%s (%s): %s' % (cid, f[4], errors[0][len(path) + 2:][:160])
        if cid in known:
            known_reject.append(item + ' -- known: ' + known[cid])
        else:
            wrong_reject.append(item)

def c(e, o):
    return counts.get((e, o), 0)

summary = ['pyxform accepts: %d accepted, %d accepted with warnings, '
           '%d not supported, %d rejected (%d known and explained)' %
           (c('accept', 'accept'), c('accept', 'warn'), c('accept', 'nosup'),
            c('accept', 'reject'), len(known_reject)),
           'pyxform rejects: %d rejected, %d not supported, %d accepted, '
           '%d accepted with warnings (%d known and explained)' %
           (c('reject', 'reject'), c('reject', 'nosup'), c('reject', 'accept'),
            c('reject', 'warn'), len(known_accept)),
           'crashes: %d' % len(crashes)]
tests.append((not crashes, 'inline: no crash, no hang (%d cases)' %
              sum(counts.values()) , crashes))
tests.append((not wrong_accept, 'inline: nothing pyxform rejects is accepted, '
              'except %d known artefacts of its test harness' % len(known_accept),
              wrong_accept + known_accept))
tests.append((not wrong_reject, 'inline: nothing pyxform accepts is rejected, '
              'except %d known divergences' % len(known_reject),
              wrong_reject + known_reject))

for i, (ok, desc, diag) in enumerate(tests, 1):
    print('%sok %d - %s' % ('' if ok else 'not ', i, desc))
    for d in diag:
        print('# ' + d)
for s in summary:
    print('# ' + s)
print('1..%d' % len(tests))
