/*
 * par: spread independent work over the machine's cores.
 *
 * par_for(n, fn, arg) calls fn(arg, i) once for every i in [0, n), on
 * up to par_threads() threads counting the caller's, and returns when
 * every call has returned. Calls run in no particular order; fn must be
 * safe to run concurrently and keep its results per i (the caller looks
 * at them after par_for returns, in whatever order it likes).
 *
 * fn must not allocate or free secure memory (vault's table of live
 * blocks belongs to the calling thread): hand it buffers made before.
 * Small n, or a thread that cannot be started, runs on the caller's
 * thread alone; the result is the same, only slower.
 *
 * Must never print or exit.
 */
#ifndef KIOSK_PAR_H
#define KIOSK_PAR_H

#include <stddef.h>

unsigned	par_threads(void);
void		par_for(size_t n, void (*fn)(void *arg, size_t i), void *arg);

#endif
