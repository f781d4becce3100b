/* tap.h: the smallest TAP producer, for tests/unit/t_*.c. */
#ifndef KIOSK_TAP_H
#define KIOSK_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(a, b, ...) tap_is_int((long long)(a), (long long)(b), \
	__FILE__, __LINE__, __VA_ARGS__)
#define is_str(a, b, ...) tap_is_str((a), (b), __FILE__, __LINE__, __VA_ARGS__)

static int __attribute__((format(printf, 4, 5)))
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", pass ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   Failed at %s line %d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

#define tap_is_int(a, b, file, line, ...) \
	(tap_ok((a) == (b), file, line, __VA_ARGS__) ? 1 : \
	 (printf("#   got %lld, expected %lld\n", (a), (b)), 0))

#define tap_is_str(a, b, file, line, ...) \
	(tap_ok((a) != NULL && (b) != NULL && strcmp((a), (b)) == 0, file, \
	 line, __VA_ARGS__) ? 1 : \
	 (printf("#   got \"%s\", expected \"%s\"\n", (a) ? (a) : "(null)", \
	 (b) ? (b) : "(null)"), 0))

static inline int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
