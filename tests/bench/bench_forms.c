/*
 * bench_forms: the forms engine's performance figures (issue 3).
 *   bench_forms load FILE      load a form N times: best time, peak RSS
 *   bench_forms change FILE    set answers one by one and re-evaluate
 *                              every relevance and constraint each time
 * Built and run by tests/bench/bench_forms.sh. Prints "key value" lines.
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "form.h"
#include "util.h"
#include "vault.h"

int
main(int argc, char **argv)
{
	static const struct form_msgs msgs = { {
		[QM_REQUIRED] = "r", [QM_INTEGER] = "i", [QM_DECIMAL] = "d",
		[QM_DATE] = "D", [QM_TIME] = "t", [QM_CONSTRAINT] = "c",
		[QM_NOTE] = "n" }, 0 };
	struct rusage ru;
	struct form *f;
	struct form_state *st;
	char *cause = NULL, *msg, v[32];
	double t0, best = 1e9, total = 0;
	size_t i, k, n, changes = 0;
	int r;

	if (argc != 3 || vault_init() != 0)
		return 2;
	if (strcmp(argv[1], "load") == 0) {
		for (r = 0; r < 5; r++) {
			t0 = now_ms();
			if ((f = form_load(argv[2], &cause)) == NULL) {
				fprintf(stderr, "%s\n", cause);
				return 1;
			}
			t0 = now_ms() - t0;
			if (t0 < best)
				best = t0;
			if (r == 0)
				printf("questions %zu\n", f->nquestions);
			form_free(f);
		}
		getrusage(RUSAGE_SELF, &ru);
		printf("load_ms %.1f\n", best);
		printf("peak_rss_kib %ld\n", ru.ru_maxrss);
		return 0;
	}
	if ((f = form_load(argv[2], &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		return 1;
	}
	st = form_state_new(f);
	n = form_state_nitems(st);
	for (r = 0; r < 5; r++) {
		for (i = 0; i < n; i++) {
			if (form_state_item(st, i)->q->type != FT_INTEGER)
				continue;
			snprintf(v, sizeof v, "%zu", (i * 7 + (size_t)r) % 50);
			t0 = now_ms();
			form_state_set(st, i, v, &cause);
			/* Every relevance and constraint, as the UI asks. */
			for (k = 0; k < n; k++) {
				if (form_state_relevant(st, k)) {
					msg = NULL;
					form_state_check(st, k, "en", &msgs,
					    &msg);
					free(msg);
				}
			}
			total += now_ms() - t0;
			changes++;
		}
	}
	printf("items %zu\n", n);
	printf("change_us %.1f\n", total * 1e3 / (double)changes);
	form_state_free(st);
	form_free(f);
	return 0;
}
