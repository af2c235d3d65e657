/* SPDX-License-Identifier: MIT */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "util/heap.h"

void ks_heap_setup(size_t reserve)
{
	uint8_t *p;
	uintptr_t a, e;

	mallopt(M_MMAP_THRESHOLD, 512 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	mallopt(M_ARENA_MAX, 1);
	if (!reserve || !(p = malloc(reserve)))
		return;
	/* the 2 MB-aligned part of the block: freed, it stays the top of the heap */
	a = ((uintptr_t)p + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1);
	e = ((uintptr_t)p + reserve) & ~(uintptr_t)((2u << 20) - 1);
	if (e > a)
		madvise((void *)a, e - a, MADV_HUGEPAGE);
	free(p);
}
