/*
 * par: a parallel for (see par.h). Threads take the next block of
 * indices from one atomic counter until none is left, so a slow core
 * does less of the work instead of holding the rest up.
 *
 * Threads are started per call; callers give each call enough work
 * (hundreds of records) that starting two or three threads is noise.
 * Worker threads block every signal: signals stay with the caller.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "par.h"

#define PAR_MAX		8	/* threads, the caller's included */
#define PAR_BLOCK	8	/* indices taken at a time */
#define PAR_MIN		(2 * PAR_BLOCK)	/* below this, no threads */

struct par {
	atomic_size_t	  next;
	size_t		  n;
	void		(*fn)(void *, size_t);
	void		 *arg;
};

unsigned
par_threads(void)
{
	static unsigned n;
	long c;

	if (n == 0) {
		c = sysconf(_SC_NPROCESSORS_ONLN);
		n = c < 1 ? 1 : c > PAR_MAX ? PAR_MAX : (unsigned)c;
	}
	return n;
}

static void *
par_main(void *arg)
{
	struct par *p = arg;
	size_t i, end;

	for (;;) {
		i = atomic_fetch_add(&p->next, PAR_BLOCK);
		if (i >= p->n)
			break;
		end = i + PAR_BLOCK < p->n ? i + PAR_BLOCK : p->n;
		for (; i < end; i++)
			p->fn(p->arg, i);
	}
	return NULL;
}

void
par_for(size_t n, void (*fn)(void *, size_t), void *arg)
{
	pthread_t t[PAR_MAX];
	sigset_t all, old;
	struct par p;
	unsigned k, nt = 0, want;

	p.n = n;
	p.fn = fn;
	p.arg = arg;
	atomic_init(&p.next, 0);
	want = n < PAR_MIN ? 1 : par_threads();
	if (want > 1) {
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		for (k = 1; k < want; k++)
			if (pthread_create(&t[nt], NULL, par_main, &p) == 0)
				nt++;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	par_main(&p);
	for (k = 0; k < nt; k++)
		pthread_join(t[k], NULL);
}
