#!/bin/sh
# The kiosk's own screen strings: every shipped language has a PO file in
# locales/ that compiles with `msgfmt --check`, has no fuzzy or untranslated
# entries and translates every msgid of locales/kiosk.pot; and kiosk.pot
# itself is up to date with kiosk/*.c. Form text is checked elsewhere (it
# lives in the forms' label::Language (code) columns).
#
# I18N_TOP (default: the checkout) is the tree to check, so the test can be
# pointed at a deliberately broken copy to see it fail.
. "$(dirname "$0")/../env.sh"
top=${I18N_TOP:-$KIOSK_TOP}
langs="es bn ar ur gu tr pl ht"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
t() {	# t DESCRIPTION COMMAND...: ok if COMMAND succeeds; its output is
	# shown as a TAP diagnostic when it fails
	n=$((n + 1))
	desc=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		fails=$((fails + 1))
		sed 's/^/# /' "$tmp/out"
	fi
}
nplurals() {	# expected nplurals for a language code
	case $1 in
	ar) echo 6 ;;
	pl) echo 3 ;;
	*) echo 2 ;;
	esac
}
ids() {		# ids FILE: the msgid/msgid_plural lines of a catalog, sorted
	msgcat --no-wrap --no-location --sort-output --force-po "$1" |
	    awk '/^msgid/ { k = 1 } /^msgstr/ { k = 0 } k'
}

# 1. kiosk.pot is what `make i18n` makes from the current sources. Run a
# copy of locales/update.sh on a copy of the sources, so the options are
# exactly the ones update.sh uses.
pot_fresh() {
	pot=$top/locales/kiosk.pot
	[ -f "$pot" ] || { echo "$pot is missing: run make i18n"; return 1; }
	mkdir -p "$tmp/src/locales" &&
	    cp "$top/locales/update.sh" "$tmp/src/locales/" &&
	    cp -R "$top/kiosk" "$tmp/src/kiosk" &&
	    sh "$tmp/src/locales/update.sh" >"$tmp/update.log" 2>&1 ||
	    { cat "$tmp/update.log"; return 1; }
	ids "$pot" >"$tmp/committed.ids" && ids "$tmp/src/locales/kiosk.pot" \
	    >"$tmp/fresh.ids" || return 1
	if ! diff -u "$tmp/committed.ids" "$tmp/fresh.ids" >"$tmp/pot.diff"
	then
		echo "locales/kiosk.pot is stale: the strings in kiosk/*.c have"
		echo "changed. Run 'make i18n', translate the new or fuzzy"
		echo "entries in locales/*.po, and commit locales/."
		echo "(- committed POT, + current sources)"
		sed -n '3,$p' "$tmp/pot.diff"
		return 1
	fi
}
t "locales/kiosk.pot is up to date with kiosk/*.c (else run make i18n)" \
    pot_fresh

# 2. Each shipped language.
po_compiles() {	# msgfmt --check --statistics, into a scratch .mo
	msgfmt --check --statistics -o "$tmp/$1.mo" "$top/locales/$1.po"
}
po_complete() {	# no fuzzy and no untranslated entries
	po=$top/locales/$1.po
	stats=$(msgfmt --statistics -o /dev/null "$po" 2>&1) || {
	    echo "$stats"; return 1; }
	case $stats in
	*fuzzy* | *untranslated*) ;;
	*) return 0 ;;
	esac
	echo "$stats"
	echo "Translate these in locales/$1.po and remove their '#, fuzzy' marks:"
	# Paragraph mode; the first paragraph is the header, always printed.
	{ msgattrib --only-fuzzy --no-obsolete "$po"
	  msgattrib --untranslated --no-obsolete "$po"; } |
	    awk 'BEGIN { RS = "" } !/^(#[^\n]*\n)*msgid ""\nmsgstr ""\n"/ {
		print; print "" }'
	return 1
}
po_header() {	# not fuzzy; Language, UTF-8, Plural-Forms with the right
	# nplurals, and a review status
	po=$top/locales/$1.po
	msgcat --no-wrap "$po" | awk 'BEGIN { RS = "" } { print; exit }' \
	    >"$tmp/hdr"
	ok=0
	grep -q '^#,.*fuzzy' "$tmp/hdr" && { echo "$1.po: the header is" \
	    "marked fuzzy, so msgfmt would drop it: remove '#, fuzzy'"; ok=1; }
	grep -q "^\"Language: $1\\\\n\"" "$tmp/hdr" ||
	    { echo "$1.po: header lacks 'Language: $1'"; ok=1; }
	grep -q '^"Content-Type: text/plain; charset=UTF-8\\n"' "$tmp/hdr" ||
	    { echo "$1.po: header is not charset=UTF-8"; ok=1; }
	grep -q "^\"Plural-Forms: nplurals=$(nplurals "$1"); plural=" \
	    "$tmp/hdr" || { echo "$1.po: Plural-Forms must have" \
	    "nplurals=$(nplurals "$1")"; ok=1; }
	grep -q '^"X-Review-Status: ' "$tmp/hdr" ||
	    { echo "$1.po: header lacks X-Review-Status (see locales/README.md)"
	    ok=1; }
	[ $ok -eq 0 ] || cat "$tmp/hdr"
	return $ok
}
po_covers_pot() {	# every msgid of the POT has a translation in the PO
	msgcmp "$top/locales/$1.po" "$top/locales/kiosk.pot"
}
po_keys() {	# "Enter: ...", "Esc: ...", "F2: ..." keep the key's name
	msgcat --no-wrap --no-location "$top/locales/$1.po" | awk '
	    /^msgid "(Enter|Esc|F[0-9]+|Q): / {
		k = $0; sub(/^msgid "/, "", k); sub(/:.*/, "", k); next }
	    k != "" && /^msgstr/ {
		s = $0; sub(/^msgstr "/, "", s)
		if (index(s, k ": ") != 1) {
			print "key name " k " changed: " $0; bad = 1 }
		k = "" }
	    END { exit bad }'
}
for l in $langs; do
	if [ ! -f "$top/locales/$l.po" ]; then
		for c in compiles complete header "covers the POT" "key names"
		do
			n=$((n + 1))
			echo "not ok $n - $l.po $c # locales/$l.po is missing"
			fails=$((fails + 1))
		done
		continue
	fi
	t "$l.po: msgfmt --check --statistics passes" po_compiles "$l"
	t "$l.po: 0 fuzzy, 0 untranslated" po_complete "$l"
	t "$l.po: header (not fuzzy; Language, UTF-8, Plural-Forms, review)" \
	    po_header "$l"
	t "$l.po: translates every msgid of kiosk.pot" po_covers_pot "$l"
	t "$l.po: key names (Enter, Esc, F2, ...) are kept" po_keys "$l"
done

# 3. The Spanish renderings the end-to-end session test looks for.
es_key_screens() {
	po=$top/locales/es.po
	[ -f "$po" ] || return 1
	msgcat --no-wrap "$po" >"$tmp/es.po"
	ok=0
	for want in '¿Qué necesita hoy?' 'Revise sus respuestas'; do
		grep -qF "msgstr \"$want\"" "$tmp/es.po" ||
		    { echo "es.po: expected msgstr \"$want\""; ok=1; }
	done
	awk '/^msgid "Your answers are saved and sealed/ { s = 1; next }
	    s && /^msgstr/ { n++; if ($0 !~ /guardadas y selladas/) {
		print "lacks guardadas y selladas: " $0; bad = 1 }; s = 0 }
	    END { if (n == 0) { print "no saved-and-sealed entries"; bad = 1 }
		exit bad }' "$tmp/es.po" || ok=1
	return $ok
}
t "es.po: key screens read as the session test expects" es_key_screens

echo "1..$n"
[ "$fails" -eq 0 ]
