/* SPDX-License-Identifier: MIT */
#include "util/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

struct pool {
	void (*fn)(void *arg, size_t i);
	void *arg;
	size_t n;
	atomic_size_t next;
};

static void *work(void *arg)
{
	struct pool *p = arg;
	size_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->n)
		p->fn(p->arg, i);
	return NULL;
}

void ks_parallel_for(size_t n, size_t grain, void (*fn)(void *arg, size_t i), void *arg)
{
	struct pool p = {.fn = fn, .arg = arg, .n = n};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t th[8];
	size_t nt, started = 0;

	if (ncpu < 1)
		ncpu = 1;
	nt = ncpu > 8 ? 8 : (size_t)ncpu;
	if (grain && nt > n / grain + 1)
		nt = n / grain + 1;
	atomic_init(&p.next, 0);
	/* a thread that cannot start leaves its share to the others */
	for (size_t i = 1; i < nt; i++)
		if (!pthread_create(&th[started], NULL, work, &p))
			started++;
	work(&p);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}
