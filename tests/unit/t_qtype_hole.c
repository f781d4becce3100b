/*
 * t_qtype_hole: a question type without a row in the table is a load
 * error naming the type and the question, never a question loaded and
 * then silently hidden. The Makefile links this file in place of
 * qtype.o: it is the real table with the row of "hidden" taken out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define qtype_of	qtype_of_full
#include "../../kiosk/qtype.c"
#undef qtype_of

#include "../tap.h"
#include "form.h"
#include "vault.h"

const struct qtype	*qtype_of(enum form_type);

const struct qtype *
qtype_of(enum form_type t)
{
	return t == FT_HIDDEN ? NULL : qtype_of_full(t);
}

static const char form[] =
    "survey,,,\n"
    ",type,name,label\n"
    ",text,first,First name\n"
    ",hidden,h,\n"
    ",text,last,Last name\n";

int
main(void)
{
	struct buf problems = { 0 };
	struct form *f;
	char *cause = NULL;

	if (vault_init() != 0) {
		printf("Bail out! vault_init\n");
		return 1;
	}
	f = form_load_mem("hole.csv", form, strlen(form), &cause);
	ok(f == NULL, "a form with a type that has no row does not load");
	is_str(cause, "hole.csv: sheet survey, row 4, column type: the type "
	    "\"hidden\" has no row in the kiosk's table of question types "
	    "(question \"h\")", "the error names the type and the question");
	form_free(f);
	free(cause);
	is_int(form_check_mem("hole.csv", form, strlen(form), &problems), 1,
	    "forms check: one problem, and nothing else about \"h\"");
	buf_free(&problems);
	return done_testing();
}
