#!/bin/sh
# Real-world XLSForms (issue 16): each form in tests/forms/realworld/forms
# (those whose licence lets us keep them; realworld/list.tsv names all 39
# with repository, commit and licence) must get from `kiosk forms check`
# the outcome list.tsv records: loads, or refused for the classes that
# realworld/classify.py names. A change in what the kiosk accepts shows
# here; update list.tsv (and the counts in realworld/README.md) with it.
# Reads only files in the checkout: no network.
. "$(dirname "$0")/../env.sh"
exec python3 - "$KIOSK" "$KIOSK_TOP/tests/forms/realworld" <<'PY'
import os, sys
kiosk, top = sys.argv[1:3]
sys.path.insert(0, top)
from classify import classify
want = {}
for line in open(os.path.join(top, 'list.tsv'), encoding='utf-8'):
    if line.startswith('#') or line.startswith('id\t'):
        continue
    f = line.rstrip('\n').split('\t')
    if f[6] == 'yes':
        want[f[0]] = f[7]
forms = sorted(os.listdir(os.path.join(top, 'forms')))
n = 0
for name in forms:
    fid = name[:-4]
    n += 1
    got, errors = classify(kiosk, os.path.join(top, 'forms', name))
    exp = want.pop(fid, '(not in list.tsv)')
    print('%sok %d - %s: %s' % ('' if got == exp else 'not ', n, fid, got))
    if got != exp:
        print('#   expected: %s' % exp)
        for e in errors:
            print('#   ' + e)
for fid in sorted(want):
    n += 1
    print('not ok %d - %s: in list.tsv with in_repo=yes, but not in forms/'
          % (n, fid))
print('1..%d' % n)
PY
