/* SPDX-License-Identifier: MIT */
#ifndef KSURF_UTIL_HEAP_H
#define KSURF_UTIL_HEAP_H

#include <stddef.h>

/*
 * For commands that allocate hundreds of MiB in many blocks (check, diff): one heap for
 * every thread, never given back to the kernel while the command runs, and grown once by
 * `reserve` bytes advised as transparent huge pages. On this project's VMs a 4 KB page
 * fault costs more than the work on the page; a huge page takes one fault per 2 MB.
 */
void ks_heap_setup(size_t reserve);

#endif
