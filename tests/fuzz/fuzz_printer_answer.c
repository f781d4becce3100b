/*
 * fuzz_printer_answer: libFuzzer harness for the kiosk's parser of what
 * kiosk-print answers, printer_parse_answer (the grammar is in printer.h).
 * The input is the helper's stdout; each line (as printer_poll cuts them,
 * at most PRINTER_LINE_MAX - 1 bytes) is parsed. Properties checked: an
 * accepted line is exactly a known WORD, or WORD SP VALUE with no control
 * character in VALUE; "job" carries a decimal id from 1 to INT_MAX, and
 * nothing else carries one.
 *
 * Build: tests/fuzz/run.sh (it links these sources):
 *   kiosk/printer.c kiosk/printer-request.c kiosk/helper-wire.c
 *   kiosk/helper-proc.c kiosk/util.c
 * Must never crash, hang, leak or read out of bounds, whatever the input.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printer.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const char *line, size_t len)
{
	struct printer_answer a;
	size_t wlen, i;
	char id[16];

	if (printer_parse_answer(line, len, &a) != 0)
		return;
	if (a.word == NULL || a.value == NULL)
		abort();
	wlen = strlen(a.word);
	if (a.value < line || a.value + a.valuelen != line + len)
		abort();	/* the value is not the rest of the line */
	if (memcmp(line, a.word, wlen) != 0)
		abort();
	if (len == wlen) {
		if (a.valuelen != 0)
			abort();
	} else if (line[wlen] != ' ' || a.value != line + wlen + 1)
		abort();	/* not WORD or WORD SP VALUE */
	for (i = 0; i < a.valuelen; i++) {
		if ((unsigned char)a.value[i] < 0x20 || a.value[i] == 0x7f)
			abort();
	}
	if (strcmp(a.word, "job") == 0) {
		if (a.job < 1 || (size_t)snprintf(id, sizeof id, "%d",
		    a.job) != a.valuelen || memcmp(id, a.value, a.valuelen))
			abort();
	} else if (a.job != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const uint8_t *p = data, *end = data + len, *nl;
	char *line;
	size_t n;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		if (n < PRINTER_LINE_MAX) {
			/* Exactly n bytes, so ASan sees any read past them. */
			line = xmalloc(n > 0 ? n : 1);
			memcpy(line, p, n);
			check(line, n);
			free(line);
		}
		p += n + 1;
	}
	return 0;
}
