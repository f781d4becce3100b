#!/bin/sh
# Issue 18: the question-type table (kiosk/qtype.c) is the one place that
# lists question types. The ui, read-aloud, the report and `forms fill`
# switch on a row's widget, input or cell, never on the type itself, so a
# new type that draws as an old widget touches none of them. The only
# types still named outside form, form-state and qtype are the structure
# of repeats and groups (begin_repeat, end_repeat, a field-list group) and
# the session's date-only messages (date_problem), listed here.
. "$(dirname "$0")/../env.sh"
echo "1..3"
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
cd "$KIOSK_TOP" || exit 1

named() { grep -on 'FT_[A-Z_]*' "$@" | grep -v "$allowed"; }

allowed='^$'
out=$(named kiosk/ui*.c kiosk/report.c)
[ -z "$out" ]; ok $? "the ui, read-aloud and the report name no question type"
[ -z "$out" ] || echo "$out" | sed 's/^/# /'

allowed=':FT_BEGIN_REPEAT$'
out=$(named kiosk/output.c kiosk/cmd-forms.c)
[ -z "$out" ]; ok $? "output and forms fill name only begin_repeat (the repeats around a question)"
[ -z "$out" ] || echo "$out" | sed 's/^/# /'

allowed=':FT_BEGIN_REPEAT$\|:FT_END_REPEAT$\|:FT_BEGIN_GROUP$\|:FT_DATE$'
out=$(named kiosk/session.c)
[ -z "$out" ]; ok $? "the session names only repeats, groups and its date messages"
[ -z "$out" ] || echo "$out" | sed 's/^/# /'
