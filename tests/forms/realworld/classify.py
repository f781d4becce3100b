#!/usr/bin/env python3
"""Classify what `kiosk forms check` says of real-world forms.

Usage: classify.py KIOSK FORM.csv...     one line per form:
    ID <TAB> loads | loads, warnings | refused: CLASS CLASS...

Each error line is put in the first class whose pattern it matches:
  right    what a kiosk has no place for: a photo, signature or location
           question, ${last-saved#...}, a question that is only an image
  fault    a fault of the form that pyxform refuses too (a name used twice
           among siblings, two columns saying the same thing, a missing
           choice list or question, a choice used twice, no label)
  file     a select_*_from_file CSV or pulldata()/search() data that is
           not in the form's repository (Collect gets it from the server)
  nested   a repeat inside a repeat (issue 16, helper 16a)
  loop     begin loop / end loop (a kiosk gap)
  gap      anything else "not supported at a kiosk" (a kiosk gap)
  other    any other error (look at it: a kiosk fault or a new class)
Used by tests/forms/realworld.t and to write realworld/README.md.
"""
import os, re, subprocess, sys

RULES = [
    ('right', r'the type "(image|photo|audio|video|file|signature|barcode|'
              r'geopoint|gps|geotrace|geoshape|start-geopoint|'
              r'background-[a-z]+)"|\$\{last-saved#|only an image, audio'),
    ('nested', r'a repeat inside a repeat'),
    ('loop', r'the type "(begin|end)[ _]loop'),
    ('file', r'cannot read the choices of select_\*_from_file|'
             r'no choice list named "[^"]*" \(in instance\(|'
             r'pulldata\(\) is not supported|search\(\) is not supported'),
    ('fault', r'is used twice|say the same thing|no choice list named|'
              r'there is no question named|appears twice in list|'
              r'has no label or hint|is a path; paths are not supported'),
    ('gap', r'not supported at a kiosk'),
    ('other', r''),
]

def classify(kiosk, path):
    p = subprocess.run([kiosk, 'forms', 'check', path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=60)
    out = p.stdout.decode('utf-8', 'replace').splitlines()
    lines = [l for l in out if l.startswith(path + ':')]
    errors = [l for l in lines if ': warning: ' not in l
              and not l.endswith(': ok')]
    warnings = [l for l in lines if ': warning: ' in l]
    if p.returncode not in (0, 1):
        return 'crash (exit %d)' % p.returncode, errors
    if not errors:
        return 'loads, warnings' if warnings else 'loads', errors
    classes = set()
    for e in errors:
        for name, pat in RULES:
            if re.search(pat, e):
                classes.add(name)
                break
    order = [r[0] for r in RULES]
    return 'refused: ' + ' '.join(sorted(classes, key=order.index)), errors

if __name__ == '__main__':
    kiosk = sys.argv[1]
    for path in sys.argv[2:]:
        outcome, _ = classify(kiosk, path)
        print('%s\t%s' % (os.path.basename(path)[:-4], outcome))
