#!/usr/bin/env python3
"""What the ticket says besides the code, driven through real visits:
 - the Municipal ID's "pick up your card at the office" note (a ticket=yes
   note, shown when mail is not safe at home) is on the ticket screen and
   the printed ticket, and only then; no answer is on the ticket;
 - the office's name, address and hours come from [office] name.CODE,
   address.CODE, hours.CODE in the resident's language, on the ticket and
   the ticket screen, and fall back to the default ones;
 - the English lines for staff read "Next steps (English, for staff)",
   with no stray space (a ligature read back as "staff )").
At the minimum 60x20 (English) and at 100x30 (Spanish)."""
import glob
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kiosktest  # noqa: E402
from kiosktest import KIOSK, Kiosk, Tap, Workdir, auto_visit  # noqa: E402

t = Tap()
NOTE = {"en": "say that you want to pick up your card at the office",
        "es": "diga que quiere recoger su tarjeta en la oficina"}
MAIL = {"en": "Can you get mail safely", "es": "recibir correo de forma"}
ES = {"name": "Oficina de Asuntos de Inmigrantes",
      "address": "Alcaldía, 330 Passaic Street",
      "hours": "De lunes a viernes, de 9:00 a 17:00"}
EXTRA = "\n".join("%s.es = %s" % kv for kv in ES.items())


def pdf_text(path):
    return subprocess.run(["pdftotext", path, "-"], capture_output=True,
                          text=True).stdout


def visit(k, lang, mail_choice):
    """The Municipal ID, answering the mail question with mail_choice;
    returns (the ticket screen's code, every screen of the next steps)."""
    k.wait("1. ", 10)
    k.type(str(["en", "bn", "es"].index(lang) + 1))
    k.keys("Enter")
    time.sleep(0.4)
    k.type("1")
    k.keys("Enter")
    time.sleep(0.4)
    for _ in range(80):
        s = k.screen()
        m = kiosktest.CODE.search(s)
        if m and kiosktest.page_counter(s) is None:
            break
        page = kiosktest.page_counter(s) is not None
        if page and MAIL[lang] in s:
            k.keys(mail_choice, "Enter")
            kiosktest.changed(k, s)
        elif page and "65" in s and "( )" in s:     # the age: 18 to 64
            k.keys("3", "Enter")
            kiosktest.changed(k, s)
        else:
            auto_visit(k, max_pages=1)
    else:
        return None, []
    # The next steps scroll on the ticket screen: read them all.
    seen = [s]
    for _ in range(30):
        k.keys("Down")
        seen.append(k.screen())
    return m.group(1), seen


w = Workdir(langs="en bn es")
# The per-language office lines sit in [office], after the defaults.
cfg = open(w.config).read().replace("hours = Mon-Fri 9-5\n",
                                    "hours = Mon-Fri 9-5\n" + EXTRA + "\n")
open(w.config, "w").write(cfg)
try:
    # Mail: 1 safe, 2 not safe, 3 not sure (the note is shown for 2 and 3).
    runs = [("en", "2", 60, 20), ("es", "3", 100, 30), ("es", "1", 60, 20)]
    for lang, mail, cols, rows in runs:
        before = set(glob.glob(os.path.join(w.tickets, "*.pdf")))
        k = Kiosk(w.config, cols, rows)
        try:
            code, seen = visit(k, lang, mail)
        finally:
            k.stop()
        flat = " ".join(" ".join(seen).split())
        where = "%s %dx%d, mail %s" % (lang, cols, rows,
                                       {"1": "safe", "2": "not safe",
                                        "3": "not sure"}[mail])
        t.ok(code is not None, "%s: the visit ends on the ticket screen"
             % where, seen[:1])
        want_note = mail != "1"
        t.ok((NOTE[lang] in flat) == want_note, "%s: the ticket screen %s "
             "the pick-up note" % (where, "has" if want_note else
                                   "does not have"), seen[:3])
        office = ES if lang == "es" else {"name": "Test Office",
                                          "address": "1 Test Street",
                                          "hours": "Mon-Fri 9-5"}
        t.ok(office["address"] in flat and office["hours"] in flat,
             "%s: the ticket screen gives the office's address and hours "
             "in its language" % where, seen[-1:])
        pdfs = sorted(set(glob.glob(os.path.join(w.tickets, "*.pdf"))) -
                      before)
        t.ok(len(pdfs) == 1, "%s: one ticket saved" % where, pdfs)
        text = pdf_text(pdfs[0]) if pdfs else ""
        flat = " ".join(text.split())
        t.ok((NOTE[lang] in flat) == want_note, "%s: the ticket %s the "
             "pick-up note" % (where, "has" if want_note else
                               "does not have"), text)
        if lang == "es":
            t.ok((NOTE["en"] in flat) == want_note,
                 "%s: so do the English lines for staff" % where, text)
            t.ok("Next steps (English, for staff)" in text,
                 "%s: \"(English, for staff)\", no stray space" % where,
                 text)
        t.ok(all(v in flat for v in office.values()),
             "%s: the ticket gives the office's name, address and hours "
             "in its language" % where, text)
        t.ok("Test Office" not in flat if lang == "es" else
             ES["name"] not in flat,
             "%s: and not another language's" % where, text)
finally:
    pass

# A language without its own lines falls back to the defaults.
out = os.path.join(w.dir, "bn.pdf")
r = subprocess.run([KIOSK, "printer", "sample", "--config", w.config,
                    "--lang", "bn", "--claim", "7KQ2-M9XD-4TRB", "--out",
                    out], capture_output=True, text=True)
flat = " ".join(pdf_text(out).split()) if r.returncode == 0 else r.stderr
t.ok("Test Office" in flat and "1 Test Street" in flat and
     "Mon-Fri 9-5" in flat and ES["name"] not in flat,
     "bn (no name.bn): the default office name, address and hours", flat)

# A code that is not one of the kiosk's languages is a typo: refused.
bad = os.path.join(w.dir, "bad.ini")
open(bad, "w").write(cfg.replace("name.es =", "name.sp ="))
r = subprocess.run([KIOSK, "printer", "sample", "--config", bad, "--lang",
                    "es", "--out", os.path.join(w.dir, "x.pdf")],
                   capture_output=True, text=True)
t.ok(r.returncode != 0 and "name.sp" in r.stderr and
     "languages" in r.stderr,
     "name.sp (not a configured language) is refused, naming it",
     r.stderr)
w.cleanup()
t.done()
