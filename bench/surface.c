/* SPDX-License-Identifier: MIT */
/*
 * BTF → surface alone, as SPEC §8 times it: `bench-surface BTF [System.map [config]]
 * [REPS]` extracts the whole surface REPS times (default 5) from files already read and
 * decompressed, and prints the median and the fastest run in seconds, the item count,
 * and the peak RSS. No dataset is touched.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "ingest/config.h"
#include "ingest/symtab.h"
#include "surface/surface.h"
#include "util/heap.h"
#include "util/bytes.h"
#include "util/clock.h"
#include "util/err.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int read_text(const char *path, struct ks_bytes *b)
{
	int ret = ks_bytes_read_file(path, b);

	if (ret)
		fprintf(stderr, "bench-surface: %s\n", ks_errmsg());
	return ret;
}

int main(int argc, char **argv)
{
	struct ks_bytes bb = {0}, mb = {0}, cb = {0};
	struct ks_symtab syms;
	struct ks_config cfg = {0};
	struct ks_surface_input in = {0};
	struct btf *btf;
	struct rusage ru;
	double t[64];
	int reps = 5, nfiles = argc - 1;
	size_t items = 0;

	ks_heap_setup(256 << 20); /* as `ksurf add` sets its heap up */

	if (argc > 2 && strspn(argv[argc - 1], "0123456789") == strlen(argv[argc - 1])) {
		reps = atoi(argv[argc - 1]);
		nfiles--;
	}
	if (nfiles < 1 || reps < 1 || reps > 64) {
		fprintf(stderr, "usage: bench-surface BTF [System.map [config]] [REPS<=64]\n");
		return 2;
	}
	ks_symtab_init(&syms);
	if (read_text(argv[1], &bb) || (nfiles > 1 && read_text(argv[2], &mb)) ||
	    (nfiles > 2 && read_text(argv[3], &cb)))
		return 1;
	btf = btf__new(bb.data, (uint32_t)bb.size);
	if (!btf) {
		fprintf(stderr, "bench-surface: %s: not BTF (%d)\n", argv[1], -errno);
		return 1;
	}
	if ((nfiles > 1 && ks_sysmap_parse(argv[2], (const char *)mb.data, mb.size, &syms)) ||
	    (nfiles > 2 && ks_config_parse(argv[3], (const char *)cb.data, cb.size, &cfg))) {
		fprintf(stderr, "bench-surface: %s\n", ks_errmsg());
		return 1;
	}
	in = (struct ks_surface_input){.btf = btf, .syms = &syms, .config = &cfg, .arch = "amd64"};
	for (int i = 0; i < reps; i++) {
		struct ks_surface s = {0};
		double start = ks_now();

		if (ks_surface_extract(&in, &s)) {
			fprintf(stderr, "bench-surface: %s\n", ks_errmsg());
			return 1;
		}
		t[i] = ks_now() - start;
		items = s.n;
		ks_surface_free(&s);
	}
	qsort(t, (size_t)reps, sizeof(t[0]), cmp_double);
	getrusage(RUSAGE_SELF, &ru);
	printf("surface: median %.3f s, fastest %.3f s, %zu items, peak RSS %ld MiB\n",
	       t[reps / 2], t[0], items, ru.ru_maxrss / 1024);
	btf__free(btf);
	ks_symtab_free(&syms);
	ks_config_free(&cfg);
	ks_bytes_free(&bb);
	ks_bytes_free(&mb);
	ks_bytes_free(&cb);
	return 0;
}
