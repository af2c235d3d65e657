/* SPDX-License-Identifier: MIT */
#ifndef KSURF_UTIL_XALLOC_H
#define KSURF_UTIL_XALLOC_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/*
 * Grow an array to n elements of `size` bytes. Like strbuf, allocation failure aborts:
 * a tool that cannot allocate a few bytes of bookkeeping has nothing useful left to do,
 * and every caller checking it would be noise. Overflow of n * size aborts too.
 */
static inline void *ks_xrealloc_array(void *p, size_t n, size_t size)
{
	size_t bytes;
	void *q;

	if (size && n > (size_t)-1 / size)
		abort();
	bytes = n * size;
	q = realloc(p, bytes ? bytes : 1);
	if (!q)
		abort();
	return q;
}

/* strdup that never returns NULL for a string (NULL stays NULL). */
static inline char *ks_xstrdup_or_null(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = strdup(s)))
		abort();
	return d;
}

#endif
