/* SPDX-License-Identifier: MIT */
/* Independent jobs spread over the machine's cores. */
#ifndef KSURF_UTIL_PARALLEL_H
#define KSURF_UTIL_PARALLEL_H

#include <stddef.h>

/*
 * Call fn(arg, i) for every i in [0, n), on up to one thread per core (at most 8, the
 * calling thread among them), handing out indexes in order. Small runs (below `grain`
 * jobs per extra thread) stay on the calling thread. fn must be safe to run
 * concurrently for different i.
 */
void ks_parallel_for(size_t n, size_t grain, void (*fn)(void *arg, size_t i), void *arg);

#endif
