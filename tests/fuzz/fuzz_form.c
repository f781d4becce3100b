/*
 * fuzz_form: libFuzzer harness for the forms loader (CSV and Markdown
 * layouts, every check of form.c) and for a session over whatever loads:
 * answers taken from the input are set on every item, then every label,
 * hint, choice list, check and submission column is computed.
 *
 * Build: tests/fuzz/run.sh (it links these sources):
 *   kiosk/form.c kiosk/form-sheet.c kiosk/form-state.c kiosk/qtype.c
 *   kiosk/expr.c
 *   kiosk/digest.c
 *   kiosk/util.c kiosk/vault.c
 * Must never crash, hang or read out of bounds, whatever the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "form-private.h"
#include "util.h"
#include "vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct form_msgs msgs = { {
	[QM_REQUIRED] = "r", [QM_INTEGER] = "i", [QM_DECIMAL] = "d",
	[QM_DATE] = "D", [QM_TIME] = "t", [QM_CONSTRAINT] = "c",
	[QM_NOTE] = "n" }, 0 };

static void
column(void *arg, const char *c, const char *v, int rel)
{
	size_t *n = arg;

	*n += strlen(c) + strlen(v) + (size_t)rel;
}

static void
session(const struct form *f, const uint8_t *data, size_t len)
{
	struct form_state *st;
	const struct form_choice **ch;
	char *s, *msg, *cause;
	const char *answers[] = { "", "1", "-3", "2024-02-29", "12:30",
	    "yes", "a b", "other", "x\"y", "99999999999999999999" };
	size_t i, k, n = 0, rounds;

	st = form_state_new(f);
	form_state_set_now(st, 1700000000);
	rounds = form_state_nitems(st) > 400 ? 400 : form_state_nitems(st);
	for (i = 0; i < rounds && i < form_state_nitems(st); i++) {
		k = len > 0 ? data[i % len] % nitems(answers) : 0;
		cause = NULL;
		form_state_set(st, i, answers[k], &cause);
		free(cause);
		if (k == 7) {
			form_state_repeat_add(st, i);
			if (len > 0 && data[0] & 1)
				form_state_repeat_remove(st, i);
		}
		if (k == 8 && i < form_state_nitems(st))
			form_state_repeat_remove_instance(st, i);
	}
	for (i = 0; i < form_state_nitems(st) && i < 400; i++) {
		s = form_state_label(st, i, "es");
		freezero_str(s);
		s = form_state_hint(st, i, NULL);
		freezero_str(s);
		form_state_choices(st, i, &ch);
		msg = NULL;
		form_state_check(st, i, "en", &msgs, &msg);
		free(msg);
		(void)form_state_relevant(st, i);
	}
	msg = NULL;
	form_state_check_all(st, NULL, &msgs, &msg);
	free(msg);
	form_state_columns(st, column, &n);
	form_state_free(st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int init;
	struct form *f;
	struct fs_book book;
	struct buf b = { 0 };
	char *cause = NULL;
	const char *name;

	if (!init) {
		if (vault_init() != 0)
			abort();
		init = 1;
	}
	name = (len > 0 && (data[len - 1] & 1)) ? "fuzz.md" : "fuzz.csv";
	f = form_load_mem(name, (const char *)data, len, &cause);
	if (f != NULL) {
		session(f, data, len);
		form_free(f);
	} else
		free(cause);
	form_check_mem(name, (const char *)data, len, &b);
	buf_free(&b);
	cause = NULL;
	if (fs_parse(name, (const char *)data, len, &book, &cause) == 0) {
		fs_dump_json(&book, &b);
		fs_free(&book);
		buf_free(&b);
	} else
		free(cause);
	return 0;
}
