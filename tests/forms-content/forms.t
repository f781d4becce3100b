#!/bin/sh
# Content checks for the shipped intake forms in forms/ (TAP).
#  - `kiosk forms check FILE` passes (SKIP while the command is not implemented);
#  - every label, hint, choice label, required_message, constraint_message,
#    form_title and next_steps is filled in all nine languages;
#  - no question asks for a field we never collect (SSN, A-number, status,
#    country of birth, exact date of birth, home address, document numbers);
#  - tickets of sensitive services carry no revealing words; placeholders in
#    forms are listed in forms/README.md; ${refs}, lists and names are sound.
# The checker runs once against a deliberately bad form first, to prove that
# it can fail.
. "$(dirname "$0")/../env.sh"
cd "$KIOSK_TOP" || exit 1
exec python3 - "$@" <<'PY'
import csv, glob, io, os, re, subprocess, sys

LANGS = ["en", "es", "bn", "ar", "ur", "gu", "tr", "pl", "ht"]
SURVEY_TEXT = ["label", "hint", "required_message", "constraint_message"]
NO_LABEL_TYPES = {"calculate", "begin_group", "begin group", "end_group", "end group",
                  "begin_repeat", "begin repeat", "end_repeat", "end repeat",
                  "start", "end", "today", "hidden"}
REFUSED_TYPES = {"geopoint", "geotrace", "geoshape", "image", "audio", "video",
                 "file", "barcode", "background-audio", "signature", "gps"}
FORBIDDEN_NAME = re.compile(
    r"ssn|social_?sec|a_?number|alien|immigration_?status|(^|_)status$|"
    r"country_?of_?birth|birth_?country|born|date_?of_?birth|(^|_)dob($|_)|"
    r"birth_?date|birthday|(^|_)address|street_?addr|house_?num|apt|apartment|"
    r"doc(ument)?_?(num|no|id)|passport_?(num|no)|license_?(num|no)|photo|selfie",
    re.I)
FORBIDDEN_LABEL = re.compile(
    r"social security|\bSSN\b|A-number|alien number|immigration status|"
    r"country of birth|where were you born|date of birth|birthday|"
    r"home address|street address|apartment number|document number|"
    r"passport number|license number|"
    r"seguro social|n[úu]mero A\b|estatus migratorio|estado migratorio|"
    r"pa[íi]s de nacimiento|d[óo]nde naci[óo]|fecha de nacimiento|"
    r"direcci[óo]n de su casa|domicilio|n[úu]mero de(l)? (documento|pasaporte|licencia)",
    re.I)
SENSITIVE_TICKET = re.compile(
    r"visa|crime|victim|abuse|violen|\bICE\b|immigra|deport|discriminat|"
    r"\bbias\b|enforcement|lawyer|attorney|legal|police|"
    # Words that hint at danger give the hidden service away too.
    r"safe for you|your safety|safe, private|private place|what happened|"
    r"seguro para usted|su seguridad|seguro y privado|lo que pas[óo]", re.I)
PLACEHOLDER = re.compile(r"\(973\) 555-01\d\d")


def lang_of(col):
    m = re.search(r"\(([A-Za-z-]+)\)\s*$", col)
    return m.group(1) if m else None


def parse(text):
    """Split a pyxform CSV into sheets: {sheet: (header, [rows as dicts])}."""
    sheets, cur = {}, None
    for n, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if not any(c.strip() for c in row):
            continue
        if row[0].strip():
            cur = row[0].strip().lower()
            sheets[cur] = [None, []]
            continue
        if cur is None:
            raise ValueError("row %d: data before any sheet name" % n)
        if sheets[cur][0] is None:
            sheets[cur][0] = [c.strip() for c in row]
            continue
        hdr = sheets[cur][0]
        d = {"_row": n}
        for i, c in enumerate(row):
            if i < len(hdr) and hdr[i]:
                d[hdr[i].lower()] = c
        sheets[cur][1].append(d)
    return sheets


def texts(hdr, base):
    """Columns base::Lang (code) present in the header, by code."""
    out = {}
    for h in hdr:
        hl = h.lower()
        if hl.startswith(base + "::"):
            out[lang_of(h)] = hl
    return out


def check(name, raw, readme):
    """Return a list of problems in one form file."""
    p = []
    if raw.startswith(b"\xef\xbb\xbf"):
        p.append("starts with a byte-order mark")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["not UTF-8: %s" % e]
    try:
        sheets = parse(text)
    except (ValueError, csv.Error) as e:
        return ["CSV: %s" % e]
    for s in ("survey", "settings"):
        if s not in sheets or sheets[s][0] is None:
            p.append("no %s sheet" % s)
    if p:
        return p
    shdr, survey = sheets["survey"]
    chdr, choices = sheets.get("choices", [[], []])
    thdr, settings = sheets["settings"]
    chdr = chdr or []
    cols = {b: texts(shdr, b) for b in SURVEY_TEXT}
    for b in ("label", "hint", "required_message", "constraint_message"):
        missing = [l for l in LANGS if l not in cols[b]]
        if missing:
            p.append("survey has no %s column for %s" % (b, " ".join(missing)))

    def full(row, base, colmap, where, need):
        vals = {l: row.get(colmap[l], "").strip() for l in LANGS if l in colmap}
        if need or any(vals.values()):
            empty = [l for l in LANGS if not vals.get(l)]
            if empty:
                p.append("%s: %s empty in %s" % (where, base, " ".join(empty)))

    names, lists_used = {}, set()
    alltext = []
    for r in survey:
        typ = re.sub(r"\s+", " ", r.get("type", "").strip())
        nm = r.get("name", "").strip()
        where = "survey row %d (%s)" % (r["_row"], nm or typ)
        base = typ.split(" ")[0]
        if not typ:
            p.append("%s: no type" % where)
            continue
        if base.lower() in REFUSED_TYPES:
            p.append("%s: type %s is never allowed at a kiosk" % (where, base))
        if nm:
            if nm in names:
                p.append("%s: duplicate name %s" % (where, nm))
            names[nm] = typ
            if FORBIDDEN_NAME.search(nm):
                p.append("%s: name looks like a forbidden field" % where)
        elif typ not in ("end_group", "end group", "end_repeat", "end repeat"):
            p.append("%s: no name" % where)
        if typ.startswith("select_one ") or typ.startswith("select_multiple "):
            lists_used.add(typ.split(" ")[1])
        if base == "date" and re.search(r"birth|dob|born", nm, re.I):
            p.append("%s: an exact date of birth is never collected" % where)
        full(r, "label", cols["label"], where,
             typ.lower() not in NO_LABEL_TYPES)
        full(r, "hint", cols["hint"], where, False)
        full(r, "required_message", cols["required_message"], where,
             bool(r.get("required", "").strip()) and
             r.get("required", "").strip().lower() not in ("no", "false()"))
        full(r, "constraint_message", cols["constraint_message"], where,
             bool(r.get("constraint", "").strip()))
        st = r.get("store", "").strip().lower()
        if st not in ("", "yes", "no"):
            p.append("%s: store must be yes, no or empty" % where)
        for b in SURVEY_TEXT:
            for l in LANGS:
                if l in cols[b]:
                    alltext.append(r.get(cols[b][l], ""))
        if base != "note":
            for b in ("label",):
                for l in ("en", "es"):
                    v = r.get(cols[b].get(l, ""), "")
                    if FORBIDDEN_LABEL.search(v):
                        p.append("%s: %s label asks for a forbidden field: %r"
                                 % (where, l, FORBIDDEN_LABEL.search(v).group(0)))
    # references
    for r in survey:
        for col in ("relevant", "constraint", "calculation", "required",
                    "choice_filter", "label::english (en)"):
            for ref in re.findall(r"\$\{([^}]*)\}", r.get(col, "")):
                if ref not in names:
                    p.append("survey row %d: ${%s} names no question" % (r["_row"], ref))
    # choices
    clab = texts(chdr, "label")
    if choices and [l for l in LANGS if l not in clab]:
        p.append("choices have no label column for %s"
                 % " ".join(l for l in LANGS if l not in clab))
    seen, lists = set(), set()
    for c in choices:
        ln, cn = c.get("list_name", c.get("list name", "")).strip(), c.get("name", "").strip()
        where = "choices row %d (%s/%s)" % (c["_row"], ln, cn)
        if not ln or not cn:
            p.append("%s: list_name and name are required" % where)
        if (ln, cn) in seen:
            p.append("%s: duplicate choice" % where)
        seen.add((ln, cn))
        lists.add(ln)
        full(c, "label", clab, where, True)
        for l in ("en", "es"):
            v = c.get(clab.get(l, ""), "")
            if FORBIDDEN_LABEL.search(v):
                p.append("%s: choice asks for a forbidden field" % where)
        alltext.extend(c.get(clab[l], "") for l in LANGS if l in clab)
    for ln in sorted(lists_used - lists):
        p.append("choice list %s is used but not defined" % ln)
    for ln in sorted(lists - lists_used):
        p.append("choice list %s is defined but not used" % ln)
    # settings
    if len(settings) != 1:
        p.append("settings must have exactly one data row")
    else:
        s = settings[0]
        for key in ("form_id", "version", "ticket_show_service", "info_only", "menu_order"):
            if not s.get(key, "").strip():
                p.append("settings: %s is empty" % key)
        for b in ("form_title", "next_steps"):
            tc = texts(thdr, b)
            if [l for l in LANGS if l not in tc]:
                p.append("settings have no %s column for %s"
                         % (b, " ".join(l for l in LANGS if l not in tc)))
            full(s, b, tc, "settings", True)
            alltext.extend(s.get(tc[l], "") for l in LANGS if l in tc)
            for l in LANGS:
                if "${" in s.get(tc.get(l, ""), ""):
                    p.append("settings: %s (%s) must not show answers" % (b, l))
        ns = texts(thdr, "next_steps")
        if (s.get("ticket_show_service", "").strip().lower() == "no" and
                s.get("info_only", "").strip().lower() != "yes"):
            for l in ("en", "es"):
                m = SENSITIVE_TICKET.search(s.get(ns.get(l, ""), ""))
                if m:
                    p.append("settings: next_steps (%s) reveals the service on the"
                             " ticket: %r" % (l, m.group(0)))
        info = s.get("info_only", "").strip().lower()
        if info == "yes":
            for r in survey:
                if r.get("type", "").strip() not in ("note", "begin_group", "end_group",
                                                      "begin group", "end group"):
                    p.append("info_only form has a question at row %d" % r["_row"])
        if s.get("menu_order", "").strip() and not s["menu_order"].strip().isdigit():
            p.append("settings: menu_order is not a number")
    for t in alltext:
        for ph in PLACEHOLDER.findall(t):
            if ph not in readme:
                p.append("placeholder %s is not listed in forms/README.md" % ph)
    return sorted(set(p), key=p.index)


n = 0
def tap(ok, desc, extra=()):
    global n
    n += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n, desc))
    if not ok:
        for line in extra:
            print("#   " + line)

BAD = ("survey\n,type,name,label::English (en),label::Español (es)\n"
       ",date,date_of_birth,What is your date of birth?,\n"
       ",select_one nolist,q,Question,Pregunta\n"
       "settings\n,form_id\n,bad\n").encode()
tap(len(check("bad", BAD, "")) >= 4, "the checker finds the problems in a bad form")

readme = open("forms/README.md", encoding="utf-8").read() if os.path.exists("forms/README.md") else ""
tap(bool(readme), "forms/README.md exists")
files = sorted(glob.glob("forms/*.csv"))
tap(len(files) >= 5, "forms/ holds the five forms (%d found)" % len(files))
ids = {}
kiosk = os.environ.get("KIOSK", "build/kiosk")
for f in files:
    raw = open(f, "rb").read()
    probs = check(f, raw, readme)
    tap(not probs, "%s: content (nine languages, no forbidden fields)" % f, probs[:40])
    m = re.search(r"^,form_id,.*\n,([^,\n]*)", raw.decode("utf-8", "replace"), re.M)
    fid = m.group(1) if m else f
    tap(fid not in ids, "%s: form_id %s is unique" % (f, fid))
    ids[fid] = f
    if not os.access(kiosk, os.X_OK):
        print("ok %d - %s: kiosk forms check # SKIP %s not built" % (n + 1, f, kiosk))
        n += 1
        continue
    r = subprocess.run([kiosk, "forms", "check", f], capture_output=True, text=True)
    out = (r.stdout + r.stderr).strip()
    if "not implemented" in out:
        print("ok %d - %s: kiosk forms check # SKIP forms check not implemented" % (n + 1, f))
        n += 1
        continue
    # A stale review date is the legal partner's job, not a broken build:
    # report it here (as a TAP comment) and let `kiosk forms check` warn.
    stale = [l for l in out.splitlines() if "column reviewed: warning:" in l]
    other = [l for l in out.splitlines() if l not in stale and
             not l.endswith(": ok") and not re.match(r"\d+ forms? checked", l)]
    tap(r.returncode == 0 or (stale and not other), "%s: kiosk forms check" % f,
        out.splitlines()[:40])
    for l in stale:
        print("# review overdue: " + l)

# ---- legal statements carry a reviewed date and a source; README lists them
LEGAL = re.compile(
    r"Supplement B|\bT visa|VAWA|\b180 days|warrant|Directive|ordered you deported|"
    r"the law says|\bregist|Selective Service|good for only|under 16|\bturns 18|"
    r"\byour rights?\b|\bright to\b|not expired|date of birth|bias crime|Civil Rights|"
    r"government does not pay|notario|badge|record (them|video)", re.I)
need, dated = [], []
for f in files:
    sh = parse(open(f, encoding="utf-8").read())
    hdr, rows = sh["survey"]
    info = sh["settings"][1] and sh["settings"][1][0].get("info_only", "").strip() == "yes"
    for r in rows:
        typ = r.get("type", "").strip()
        text = r.get("hint::english (en)", "")
        if typ == "note" or info:
            text += " " + r.get("label::english (en)", "")
        rv = r.get("reviewed", "").strip()
        where = "%s row %d (%s)" % (f, r["_row"], r.get("name", ""))
        if rv:
            dated.append((f, r.get("name", "")))
            if not re.fullmatch(r"\d{4}-\d\d-\d\d", rv) or not r.get("source", "").strip():
                need.append(where + ": reviewed must be YYYY-MM-DD and have a source")
        elif (info and typ == "note") or LEGAL.search(text):
            need.append(where + ": states the law (%r) but has no reviewed date"
                        % (LEGAL.search(text).group(0) if LEGAL.search(text) else "page"))
tap(not need and len(dated) >= 10,
    "every row that states the law has a reviewed date and a source (%d rows)" % len(dated),
    need[:30])
sec = readme.split("## 4a.", 1)[-1].split("\n## ", 1)[0] if "## 4a." in readme else ""
unlisted = ["%s %s" % (f, nm) for f, nm in dated
            if "`%s`" % nm not in sec and not (f.endswith("know-your-rights.csv") and
                                                 "| know-your-rights | every page" in sec)]
tap(bool(sec) and not unlisted,
    "forms/README.md 4a lists every row with a reviewed date, to confirm before launch",
    unlisted[:20])

# ---- emphasis: "**" in every language, never CAPITALS
ACRONYMS = set("""ICE HSI ERO CBP USCIS DACA TPS ITIN SNAP EBT IRS NJ US USA EE UU ABD
DCR NJBIAS VAWA SMS ID IDNYC AM PM CFR INA POLICE EOIR NJDCR SAFE BIAS OK TV EEOC
A U T B""".split())
CAPS = re.compile(r"(?<![\w*])[A-ZÁÉÍÓÚÑÜÇĞİÖŞÒÈŁŚŻŹĆŃ]{2,}(?![\w])")
caps, emph = [], []
for f in files:
    sh = parse(open(f, encoding="utf-8").read())
    for sheet in ("survey", "choices", "settings"):
        if sheet not in sh or sh[sheet][0] is None:
            continue
        hdr, rows = sh[sheet]
        for r in rows:
            for base in ("label", "hint", "next_steps", "constraint_message",
                         "required_message"):
                cols = texts(hdr, base)
                if "en" not in cols:
                    continue
                en = r.get(cols["en"], "")
                want = en.count("**")
                where = "%s %s row %d %s" % (f, sheet, r["_row"], base)
                if want % 2:
                    emph.append(where + " en: unbalanced **")
                for l in LANGS:
                    v = r.get(cols.get(l, ""), "")
                    if v.count("**") != want:
                        emph.append("%s %s: %d ** markers, English has %d"
                                    % (where, l, v.count("**"), want))
                    for w in CAPS.findall(v):
                        if w not in ACRONYMS and not (sheet == "choices" and w == "POLICE"):
                            caps.append("%s %s: %r" % (where, l, w))
tap(not caps, "no text uses CAPITALS for emphasis, in any language", caps[:20])
tap(not emph, "every translation keeps the ** emphasis of the English text "
    "(Bengali, Arabic, Urdu, Gujarati have no capitals)", emph[:20])

# ---- safety texts that must not be lost in an edit
safety = []
for f in files:
    sh = parse(open(f, encoding="utf-8").read())
    st = sh["settings"][1][0] if sh["settings"][1] else {}
    if st.get("info_only", "").strip() == "yes":
        continue
    priv = [r for r in sh["survey"][1] if r.get("name") == "privacy"]
    if not priv or "could be asked for by a court" not in priv[0].get("label::english (en)", ""):
        safety.append("%s: the privacy notice does not say a court could ask for what is kept" % f)
    elif len({len(priv[0].get(c, "").split("\n")) for c in texts(sh["survey"][0], "label").values()}) != 1:
        safety.append("%s: the privacy notice has a different number of lines in some language" % f)
    if f.endswith("u-visa.csv"):
        for l, c in texts(sh["settings"][0], "next_steps").items():
            if l == "en" and "This code alone is not enough" not in st.get(c, ""):
                safety.append("u-visa: the ticket does not say the code alone is not enough")
        # Said on screen, since the ticket must not hint at danger.
        done = [r for r in sh["survey"][1] if r.get("name") == "done"]
        if not done or "only when it is safe for you" not in done[0].get(
                "label::english (en)", ""):
            safety.append("u-visa: the last screen does not say to call only when it is safe")
tap(not safety, "every form's privacy notice says a court could ask; the U-visa ticket says "
    "staff check identity", safety)

# ---- one way of writing times and example dates on every screen and ticket
# The ticket's office hours read "9:00 to 17:00"; next steps must not say
# "9 am to 4 pm" beside them. A hint's example date is the one the kiosk's
# own date error gives (kiosk/qtype.c's QM_DATE), so the resident sees one
# example.
src = open("kiosk/qtype.c", encoding="utf-8").read()
m = re.search(r"\[QM_DATE\] = \{ N_\(\"[^\"]*\"\s*\"?[^\"]*?(\d{4}-\d\d-\d\d)", src)
err_example = m.group(1) if m else None
ampm, examples = [], []
AMPM = re.compile(r"\b\d{1,2}(:\d\d)? ?(a\.?m\.?|p\.?m\.?)(?!\w)", re.I)
for f in files:
    sh = parse(open(f, encoding="utf-8").read())
    for sheet in ("survey", "settings"):
        hdr, rows = sh[sheet]
        for r in rows:
            for base in ("label", "hint", "next_steps"):
                for l, c in texts(hdr, base).items():
                    v = r.get(c, "")
                    where = "%s %s row %d %s (%s)" % (f, sheet, r["_row"], base, l)
                    if AMPM.search(v):
                        ampm.append("%s: %r" % (where, AMPM.search(v).group(0)))
                    if base == "hint":
                        for d in re.findall(r"\d{4}-\d\d-\d\d", v):
                            if d != err_example:
                                examples.append("%s: %s" % (where, d))
tap(not ampm, "times are written 9:00 to 16:00, as the office hours are, not "
    "\"9 am\"", ampm[:20])
tap(err_example is not None and not examples,
    "every hint's example date is the date error's example (%s)" % err_example,
    examples[:20])

# ---- "Next steps" once: the ticket and its screen print the kiosk's own
# heading and drop the form's first "Next steps:" only when the words are
# the same, so a form's heading must be the catalogue's translation.
heading = {"en": "Next steps"}
for l in LANGS[1:]:
    m = re.search(r'msgid "Next steps"\nmsgstr "([^"]*)"',
                  open("locales/%s.po" % l, encoding="utf-8").read())
    heading[l] = m.group(1) if m else None
twice = []
for f in files:
    sh = parse(open(f, encoding="utf-8").read())
    st = sh["settings"][1][0] if sh["settings"][1] else {}
    cols = texts(sh["settings"][0], "next_steps")
    if not st.get(cols.get("en", ""), "").startswith("Next steps:"):
        continue
    for l, c in cols.items():
        v = st.get(c, "")
        if not (heading[l] and v.startswith(heading[l]) and
                v[len(heading[l]):][:1] in (":", ".")):
            twice.append("%s (%s): %r, the kiosk's heading is %r"
                         % (f, l, v[:30], heading[l]))
tap(not twice, "next_steps start with the kiosk's own \"Next steps\" "
    "(so the ticket does not say it twice)", twice)

# ---- plain language: every English screen at or below grade 6 (forms/README.md 10)
def syllables(w):
    """Vowel groups, less a silent final e/es/ed: the usual approximation."""
    w = re.sub(r"[^a-z]", "", w.lower())
    if len(w) <= 3:
        return 1 if w else 0
    w = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", w)
    w = re.sub(r"^y", "", w)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", w)))
# Names and legal terms the resident must meet as they are (each explained in
# the form or in locales/GLOSSARY.md) count as one short word.
NAMES = re.compile(
    r"accredited representatives?|Notice to Appear|Selective Service|Immigrant Trust "
    r"Directive|(NJ |New Jersey )?Division on Civil Rights|Department of Justice|"
    r"Passaic County Prosecutor's Office|Supplement B|immigration enforcement|"
    r"immigration|discrimination|New Jersey|Passaic|Paterson|Clifton|organi[sz]ations?|"
    r"Attorney General|Office of New Americans|Social Security|January|February|"
    r"September|October|November|December", re.I)
def fk_grade(text):
    """Flesch-Kincaid grade; sentences end at . ! ? : ; and at line breaks
    (list items); phone numbers, dates and ${refs} count as one word."""
    text = re.sub(r"\*\*", "", text)
    text = NAMES.sub("X", text)
    text = re.sub(r"\b[A-Z]{2,}\b", "X", text)
    text = re.sub(r"\$\{[^}]*\}|\(?\d{3}\)? ?\d{3}-\d{4}|1-\d{3}-\d{3}-\d{4}|"
                  r"\d{4}-\d\d-\d\d", "X", text)
    sents = [x for x in re.split(r"[.!?:;]+\s+|\n+|[.!?]$", text) if re.search(r"[A-Za-z]", x)]
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    if not words:
        return 0.0
    syl = sum(syllables(w) for w in words)
    return 0.39 * len(words) / max(1, len(sents)) + 11.8 * syl / len(words) - 15.59
hard, worst = [], 0.0
for f in files:
    sh = parse(open(f, encoding="utf-8").read())
    lists = {}
    if "choices" in sh and sh["choices"][0] is not None:
        for c in sh["choices"][1]:
            lists.setdefault(c.get("list_name", ""), []).append(c.get("label::english (en)", ""))
    screens = []
    for r in sh["survey"][1]:
        t = r.get("label::english (en)", "") + "\n" + r.get("hint::english (en)", "")
        typ = r.get("type", "").split()
        if len(typ) > 1:
            t += "\n" + "\n".join(lists.get(typ[1], []))
        screens.append((r.get("name", ""), t))
    st = sh["settings"][1][0] if sh["settings"][1] else {}
    if st.get("info_only", "").strip() != "yes":
        screens.append(("ticket next_steps", st.get("next_steps::english (en)", "")))
    for nm, t in screens:
        g = fk_grade(t)
        worst = max(worst, g)
        if g > 6.0:
            hard.append("%s %s: grade %.1f" % (f, nm, g))
tap(not hard, "every English screen reads at grade 6 or below (Flesch-Kincaid; "
    "hardest %.1f)" % worst, hard[:30])
tap(fk_grade("The cat sat on the mat. It was happy.") < 2 and
    fk_grade("Notwithstanding the aforementioned administrative considerations, "
             "jurisdictional determinations necessitate comprehensive evaluation.") > 12,
    "the grade measure tells an easy sentence from a hard one")

# ---- locales/GLOSSARY.md: one translation per legal term, used everywhere
def glossary():
    """[(term, english regex, {lang: form regex})] from locales/GLOSSARY.md."""
    terms, cur = [], None
    for line in open("locales/GLOSSARY.md", encoding="utf-8"):
        if line.startswith("## "):
            cur = [line[3:].strip(), None, {}]
            terms.append(cur)
        elif cur and line.startswith("English in forms:"):
            cur[1] = re.search(r"`(.*)`", line).group(1)
        elif cur and re.match(r"\| [a-z]{2} \|", line):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            cur[2][cells[0]] = cells[3].strip("`").replace("\\|", "|")
    return terms
gl = glossary() if os.path.exists("locales/GLOSSARY.md") else []
tap(len(gl) >= 15 and all(t[1] and set(t[2]) == set(LANGS[1:]) for t in gl),
    "locales/GLOSSARY.md has %d legal terms, each in all eight languages" % len(gl),
    [t[0] for t in gl if not t[1] or set(t[2]) != set(LANGS[1:])])
bad = []
for f in files:
    sh = parse(open(f, encoding="utf-8").read())
    for sheet in ("survey", "choices", "settings"):
        if sheet not in sh or sh[sheet][0] is None:
            continue
        hdr, rows = sh[sheet]
        for base in ("label", "hint", "form_title", "next_steps",
                     "constraint_message"):
            cols = texts(hdr, base)
            if "en" not in cols:
                continue
            for r in rows:
                en = r.get(cols["en"], "")
                for term, erx, per in gl:
                    if not re.search(erx, en, re.I):
                        continue
                    for l, rx in per.items():
                        v = r.get(cols.get(l, ""), "")
                        if v and not re.search(rx, v, re.I):
                            bad.append("%s %s row %d %s (%s): %r not as in the glossary /%s/"
                                       % (f, sheet, r["_row"], base, l, term, rx))
tap(not bad, "every form uses the glossary's translation of each legal term", bad[:40])

# ---- the "reviewed" column: forms check warns when legal text is stale
import calendar, tempfile
def check_at(text, when, *opts):
    """Run kiosk forms check on a form text as if today were `when`."""
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as tf:
        tf.write(text)
    env = dict(os.environ, KIOSK_FORMS_NOW=str(calendar.timegm(
        __import__("time").strptime(when, "%Y-%m-%d"))))
    r = subprocess.run([kiosk, "forms", "check"] + list(opts) + [tf.name],
                       capture_output=True, text=True, env=env)
    os.unlink(tf.name)
    return r.returncode, r.stdout + r.stderr
REV = ("survey\n,type,name,label,reviewed,source\n"
       ",note,door,Warrants.,%s,8 CFR 287.8\n"
       ",note,plain,Hello.,,\n"
       "settings\n,form_id\n,rev\n")
if os.access(kiosk, os.X_OK):
    rc, out = check_at(REV % "2026-11-20", "2026-12-02")
    tap(rc == 0 and "warning:" not in out, "forms check: a recent reviewed date is fine",
        out.splitlines())
    rc, out = check_at(REV % "2026-05-20", "2026-12-02")
    tap(rc == 1 and re.search(r"row 3, column reviewed: warning: .*door.*2026-05-20.*6 months", out)
        and "1 with warnings" in out,
        "forms check: a review date over 6 months old is a warning naming row and date",
        out.splitlines())
    rc, out = check_at(REV % "2026-06-02", "2026-12-02")
    tap(rc == 0, "forms check: exactly 6 months old is not yet stale", out.splitlines())
    rc, out = check_at(REV % "2026-05-20", "2026-12-02", "--review-months", "12")
    tap(rc == 0 and "warning:" not in out, "forms check --review-months 12 accepts it",
        out.splitlines())
    rc, out = check_at(REV % "Nov 2026", "2026-12-02")
    tap(rc == 1 and "not a date as YYYY-MM-DD" in out and "1 invalid" in out,
        "forms check: a reviewed value that is not a date is an error", out.splitlines())
    rc, out = check_at(REV % "2027-01-01", "2026-12-02")
    tap(rc == 1 and "in the future" in out, "forms check: a future review date is an error",
        out.splitlines())
else:
    for d in range(6):
        print("ok %d - forms check reviewed # SKIP %s not built" % (n + 1, kiosk))
        n += 1

# ---- dry runs: the forms behave as documented (skipped until `forms fill` works)
FILLS = [
    # (file, lang, answers, expect_ok, description)
    ("forms/municipal-id.csv", "es",
     "age_band=18_64\nlives_in_city=yes\nid_docs=consular_id itin_letter\n"
     "res_docs=utility bank\nmail_safe=no\nappointment_window=saturday\n"
     "contact_method=text\nphone=973 555 0199\nfirst_name=Ana\n", True,
     "municipal-id: a complete pre-screen is accepted"),
    ("forms/municipal-id.csv", "en",
     "age_band=18_64\nlives_in_city=yes\nid_docs=none passport\nres_docs=lease\n"
     "appointment_window=saturday\ncontact_method=none\n", False,
     "municipal-id: 'none of these' with another document is refused"),
    ("forms/legal-help.csv", "en",
     "topic=citizenship\nsomeone_detained=no\nhas_papers=no\nhas_lawyer=no\n"
     "age_18_plus=yes\ngreen_card_years=5_plus\nmarried_citizen_3y=no\n"
     "wants_lawyer_review=yes\nphone_seen=no\ncontact_method=call\nphone=(973) 555-0199\n"
     "voicemail_ok=no\n",
     True, "legal-help: a citizenship request is accepted"),
    ("forms/incident-report.csv", "ar",
     "report_type=enforcement\nobserved_date=2026-01-10\ntime_band=morning\n"
     "still_happening=no\ncross_streets=Main Ave and Passaic St\nfollow_up=no\n",
     True, "incident-report: an anonymous enforcement report is accepted"),
    ("forms/incident-report.csv", "en",
     "report_type=enforcement\nobserved_date=2026-01-10\ntime_band=morning\n"
     "still_happening=no\ncross_streets=120 Main Ave\nfollow_up=no\n",
     False, "incident-report: a house number in cross_streets is refused"),
    ("forms/incident-report.csv", "en",
     "report_type=bias\ndanger_now=no\nincident_date=2026-01-10\nsetting=work\n"
     "what_happened=words\nwants=count_only\nfollow_up=no\n",
     True, "incident-report: an anonymous bias report is accepted"),
    ("forms/u-visa.csv", "es",
     "victim_relationship=me\ncrime_category=assault\ncrime_year=2024\n"
     "reported=yes\nagency=passaic_pd\nurgency=none\nhas_lawyer=no\n"
     "phone_seen=no\nhow_receive=pick_up\ncontact_method=text\n"
     "phone=9735550199\n", True, "u-visa: a request with text contact is accepted"),
    ("forms/u-visa.csv", "en",
     "victim_relationship=me\ncrime_category=domestic_violence\ncrime_year=2024\n"
     "reported=yes\nagency=passaic_pd\nurgency=none\nhas_lawyer=no\n"
     "phone_seen=yes\nhow_receive=pick_up\ncontact_method=text\n"
     "phone=9735550199\n", False,
     "u-visa: no text messages when the person who hurt them could see the phone"),
]
fill_ok = os.access(kiosk, os.X_OK)
if fill_ok:
    probe = subprocess.run([kiosk, "forms", "fill", files[0] if files else "x"],
                           input="", capture_output=True, text=True)
    fill_ok = "not implemented" not in probe.stdout + probe.stderr
for f, lang, answers, expect, desc in FILLS:
    if not fill_ok:
        print("ok %d - %s # SKIP forms fill not available" % (n + 1, desc))
        n += 1
        continue
    r = subprocess.run([kiosk, "forms", "fill", f, "--lang", lang],
                       input=answers, capture_output=True, text=True)
    tap((r.returncode == 0) == expect, desc,
        (r.stdout + r.stderr).strip().splitlines()[:10])
    if f.endswith("municipal-id.csv") and expect and r.returncode == 0:
        import json
        try:
            sub = json.loads(r.stdout)
        except ValueError:
            sub = {}
        leaked = sorted(k for k in sub if k.split("/")[0] in
                        ("id_docs", "res_docs", "id_points", "res_points", "mail_safe"))
        ok = not leaked and "id_docs_ok" in sub
        line = "%s %d - municipal-id: store=no answers are not in the submission" % (
            "ok" if ok else "not ok", n + 1)
        print(line)
        if not ok:
            print("#   leaked: " + " ".join(leaked[:8]))
        n += 1

# ---- dry runs of the date rules and safety defaults, with a fixed "today"
# and the notes the resident would read (forms fill --notes).
import json
NOW = "2026-01-15"
def fill(f, answers, lang="en", notes=False, now=NOW):
    env = dict(os.environ, KIOSK_FORMS_NOW=str(calendar.timegm(
        __import__("time").strptime(now, "%Y-%m-%d"))))
    r = subprocess.run([kiosk, "forms", "fill", f, "--lang", lang] +
                       (["--notes"] if notes else []), input=answers,
                       capture_output=True, text=True, env=env)
    try:
        out = json.loads(r.stdout) if r.returncode == 0 else {}
    except ValueError:
        out = {}
    return r.returncode, out, (r.stdout + r.stderr).strip().splitlines()[:12]

MID = ("age_band=18_64\nlives_in_city=yes\nres_docs=lease\n"
       "appointment_window=saturday\ncontact_method=none\n")
LEGAL = ("topic=removal\nsomeone_detained=no\nhas_papers=yes\nhas_lawyer=no\n"
         "phone_seen=no\ncontact_method=none\n")
BIAS = ("report_type=bias\ndanger_now=no\nwhat_happened=words\n"
        "wants=count_only\nfollow_up=no\n")
ENF = ("report_type=enforcement\nobserved_date=2026-01-10\ntime_band=morning\n"
       "still_happening=no\nfollow_up=no\n")
UV = ("victim_relationship=me\ncrime_year=2024\nreported=yes\nagency=passaic_pd\n"
      "urgency=none\nhas_lawyer=no\nhow_receive=through_lawyer\n")
CASES = [
    # municipal ID: one photo document and one with a date of birth
    ("forms/municipal-id.csv", MID + "id_docs=birth_cert marriage_cert itin_letter\n",
     lambda o, nt: o.get("id_docs_ok") == "no",
     lambda o, nt: "id_docs_short" in nt and "docs_ok" not in nt,
     "municipal-id: birth + marriage certificate + ITIN letter (4 points, no photo) "
     "is not enough"),
    ("forms/municipal-id.csv", MID + "id_docs=school_id birth_cert\n",
     lambda o, nt: o.get("id_docs_ok") == "yes",
     lambda o, nt: "docs_ok" in nt and "id_docs_short" not in nt,
     "municipal-id: a photo school ID + a birth certificate is enough"),
    ("forms/municipal-id.csv", MID + "id_docs=consular_id benefits_card\n",
     lambda o, nt: o.get("id_docs_ok") == "yes", None,
     "municipal-id: a consular ID has the photo and the date of birth"),
    ("forms/municipal-id.csv", MID + "id_docs=school_id benefits_card\n",
     lambda o, nt: o.get("id_docs_ok") == "no", None,
     "municipal-id: no paper with a date of birth is not enough"),
    # legal help: court dates in the past, soon, later
    ("forms/legal-help.csv", LEGAL + "next_deadline=2026-01-14\n",
     lambda o, nt: o.get("deadline_when") == "passed",
     lambda o, nt: "deadline_passed" in nt and "deadline_soon" not in nt and
     "555-0102" in nt["deadline_passed"],
     "legal-help: yesterday's court date gets the missed-date message, not 'very soon'"),
    ("forms/legal-help.csv", LEGAL + "next_deadline=2025-06-01\n",
     lambda o, nt: o.get("deadline_when") == "passed",
     lambda o, nt: "deadline_passed" in nt and "deadline_soon" not in nt,
     "legal-help: a court date months ago is missed, not soon"),
    ("forms/legal-help.csv", LEGAL + "next_deadline=2026-01-15\n",
     lambda o, nt: o.get("deadline_when") == "soon",
     lambda o, nt: "deadline_soon" in nt and "deadline_passed" not in nt,
     "legal-help: a court date today is very soon"),
    ("forms/legal-help.csv", LEGAL + "next_deadline=2026-01-29\n",
     lambda o, nt: o.get("deadline_when") == "soon",
     lambda o, nt: "deadline_soon" in nt, "legal-help: 14 days ahead is very soon"),
    ("forms/legal-help.csv", LEGAL + "next_deadline=2026-03-01\n",
     lambda o, nt: o.get("deadline_when") == "later",
     lambda o, nt: "deadline_soon" not in nt and "deadline_passed" not in nt,
     "legal-help: a court date in March gets no urgent message"),
    # incident report: the 180-day civil-rights note
    ("forms/incident-report.csv", BIAS + "incident_date=2026-01-05\nsetting=work\n",
     None,
     lambda o, nt: "dcr_note" in nt and "2026-07-04" in nt["dcr_note"] and
     "dcr_passed_note" not in nt,
     "incident-report: a recent incident at work shows the last day, 180 days on"),
    ("forms/incident-report.csv", BIAS + "incident_date=2025-06-01\nsetting=work\n",
     None,
     lambda o, nt: "dcr_passed_note" in nt and "dcr_note" not in nt and
     "2025-11-28" not in json.dumps(nt),
     "incident-report: a past 180-day deadline is not shown as 'until' a past day"),
    ("forms/incident-report.csv", BIAS + "incident_date=2026-01-05\nsetting=street\n",
     None,
     lambda o, nt: "street_note" in nt and "dcr_note" not in nt and
     "dcr_passed_note" not in nt,
     "incident-report: a slur on the street gets no civil-rights deadline"),
    # incident report: home chosen -> no location, no people taken, legal line
    ("forms/incident-report.csv", ENF + "reporter_role_enf=household\n",
     lambda o, nt: o.get("cross_streets") == "" and o.get("people_taken") == "",
     lambda o, nt: "household_note" in nt and "555-0102" in nt["household_note"],
     "incident-report: home chosen: no location is asked, the legal line is shown"),
    ("forms/incident-report.csv", ENF + "reporter_role_enf=household\n"
     "cross_streets=Main Ave and Passaic St\npeople_taken=1\n",
     lambda o, nt: o.get("cross_streets") == "" and o.get("people_taken") == "",
     None, "incident-report: home chosen: a location typed anyway is dropped"),
    ("forms/incident-report.csv", ENF + "reporter_role_enf=witness\ncross_streets=near the park\n"
     "vehicles_band=2_3\nvehicle_description=white van, no words, NJ plate X12 ABC\n"
     "agents_looked=masks plain_clothes\nagents_identified=no\nforce_used=yes\n"
     "entered_place=home\nlet_in=no\nlocal_police=not_sure\nmedia_exists=yes\n"
     "witnesses=3_10\n",
     lambda o, nt: o.get("entered_place") == "home" and o.get("let_in") == "no" and
     o.get("agents_looked/masks") == "1" and o.get("media_exists") == "yes",
     None, "incident-report: the SALUTE evidence questions are recorded as bands and yes/no"),
    ("forms/incident-report.csv", ENF + "reporter_role_enf=witness\n", False, None,
     "incident-report: a witness must still give cross streets"),
    ("forms/incident-report.csv", ENF + "reporter_role_enf=heard\ncross_streets=near the park\n",
     None, lambda o, nt: "rumour_note" in nt and "555-0101" in nt["rumour_note"],
     "incident-report: 'someone told me' gets the rumour-control advice"),
    # U visa: phone safety defaults
    ("forms/u-visa.csv", UV + "crime_category=domestic_violence\nphone_seen=no\n"
     "contact_method=text\nphone=9735550199\n", False, None,
     "u-visa: domestic violence: no texts even when the phone seems safe"),
    ("forms/u-visa.csv", UV + "crime_category=stalking\nphone_seen=no\n"
     "contact_method=call\nphone=9735550199\n",
     lambda o, nt: o.get("no_texts_no_voicemail") == "yes" and o.get("voicemail_ok") == "",
     lambda o, nt: "safety_note" in nt,
     "u-visa: stalking: no voicemail question, no_texts_no_voicemail=yes"),
    ("forms/u-visa.csv", UV + "crime_category=sexual_assault\nphone_seen=no\n"
     "contact_method=text\nphone=9735550199\n", False, None,
     "u-visa: sexual assault: no texts"),
    ("forms/u-visa.csv", UV + "crime_category=assault\nphone_seen=not_sure\n"
     "contact_method=text\nphone=9735550199\n", False, None,
     "u-visa: 'not sure' whether they see the phone: no texts"),
    ("forms/u-visa.csv", UV + "crime_category=assault\nphone_seen=no\n"
     "contact_method=call\nphone=9735550199\nvoicemail_ok=yes\n",
     lambda o, nt: o.get("no_texts_no_voicemail") == "no", None,
     "u-visa: another crime and a safe phone: calls with voicemail are possible"),
    ("forms/u-visa.csv", UV.replace("through_lawyer", "pick_up") +
     "crime_category=assault\nphone_seen=no\ncontact_method=none\n",
     None, lambda o, nt: "pickup_note" in nt and "**" in nt["pickup_note"],
     "u-visa: picking up in person says staff will check identity"),
    # legal help: phone safety
    ("forms/legal-help.csv", LEGAL.replace("phone_seen=no", "phone_seen=yes")
     .replace("contact_method=none", "contact_method=text\nphone=9735550199"),
     False, None, "legal-help: no texts when someone could see the phone"),
    ("forms/legal-help.csv", LEGAL.replace("topic=removal", "topic=crime_victim")
     .replace("contact_method=none", "contact_method=text\nphone=9735550199"),
     False, None, "legal-help: no texts by default for a crime victim"),
    ("forms/legal-help.csv", LEGAL.replace("contact_method=none",
     "contact_method=text\nphone=9735550199"), True, None,
     "legal-help: texts when the phone is safe"),
]
for f, answers, want, note_check, desc in CASES:
    if not fill_ok:
        print("ok %d - %s # SKIP forms fill not available" % (n + 1, desc))
        n += 1
        continue
    rc, out, diag = fill(f, answers)
    if want is False or want is True:
        tap((rc == 0) == want, desc, diag)
        continue
    ok = rc == 0
    if ok and want is not None:
        ok = bool(want(out, None))
    if ok and note_check is not None:
        rc2, nt, diag2 = fill(f, answers, notes=True)
        ok = rc2 == 0 and bool(note_check(out, nt))
        diag = diag + diag2
    tap(ok, desc, diag + [json.dumps(out)[:600]])
# The kiosk's own time zone (New Jersey), late in the evening: day counts
# must not shift by one.
if fill_ok:
    env = dict(os.environ, TZ="America/New_York",
               KIOSK_FORMS_NOW=str(calendar.timegm(__import__("time").strptime(
                   "2026-01-16 04:30", "%Y-%m-%d %H:%M"))))   # 23:30 on the 15th in NJ
    r1 = subprocess.run([kiosk, "forms", "fill", "forms/incident-report.csv", "--notes"],
                        input=BIAS + "incident_date=2026-01-05\nsetting=work\n",
                        capture_output=True, text=True, env=env)
    r2 = subprocess.run([kiosk, "forms", "fill", "forms/legal-help.csv"],
                        input=LEGAL + "next_deadline=2026-01-15\n",
                        capture_output=True, text=True, env=env)
    ok = (r1.returncode == 0 and "2026-07-04" in r1.stdout and
          r2.returncode == 0 and json.loads(r2.stdout).get("deadline_when") == "soon")
    tap(ok, "in New Jersey at 23:30 the 180th day and 'today' are still the right days",
        (r1.stdout + r1.stderr + r2.stdout + r2.stderr).splitlines()[:8])
print("1..%d" % n)
PY
