/*
 * fuzz_expr: libFuzzer harness for the XPath subset: the first line of the
 * input is compiled, the following lines are the values of ${a}, ${b},
 * ${c} and "."; it is then evaluated as a string and as a boolean.
 *
 * Build: tests/fuzz/run.sh (it links these sources):
 *   kiosk/expr.c kiosk/digest.c kiosk/util.c
 * Must never crash, hang or read out of bounds, whatever the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *vals[4];

static const char *value(void *, int, size_t);

static int
resolve(void *arg, const char *name)
{
	if (strcmp(name, "a") == 0)
		return 0;
	if (strcmp(name, "b") == 0)
		return 1;
	if (strcmp(name, "c") == 0)
		return 2;
	if (strcmp(name, "/name") == 0)
		return 3;
	/* A path resolved from the question (../a, current()/../b). */
	if (strcmp(name, "%../a") == 0)
		return 0;
	if (strcmp(name, "%../b") == 0)
		return 1;
	return -1;
}

/* indexed-repeat() with (group, index) pairs. */
static const char *
value_in(void *arg, int ref, const int *groups, const size_t *idx, size_t n)
{
	(void)arg;
	if (n == 0 || groups[0] < 0 || idx[0] == 0)
		return "";
	return value(arg, ref, idx[n - 1] - 1);
}

static const char *
value(void *arg, int ref, size_t k)
{
	if (ref == EXPR_REF_SELF)
		ref = 3;
	if (ref < 0 || ref > 3)
		return "";
	return vals[ref] != NULL ? vals[ref] : "";
}

static size_t
count(void *arg, int ref)
{
	return ref == 2 ? 3 : 1;
}

static const char *
label(void *arg, int ref, const char *name)
{
	return name[0] == 'y' ? "Yes" : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct expr_env env = { NULL, value, count, label, 1700000000,
	    NULL, NULL, NULL, NULL, NULL, value_in };
	struct expr *e;
	char *text, *line, *save = NULL, *cause = NULL, *s;
	int i;

	text = xstrndup((const char *)data, len);
	line = strtok_r(text, "\n", &save);
	for (i = 0; i < 4; i++)
		vals[i] = strtok_r(NULL, "\n", &save);
	if (line != NULL) {
		if ((e = expr_compile(line, resolve, NULL, &cause)) != NULL) {
			s = expr_eval_string(e, &env);
			freezero_str(s);
			(void)expr_eval_bool(e, &env);
			expr_free(e);
		} else
			free(cause);
	}
	free(text);
	return 0;
}
