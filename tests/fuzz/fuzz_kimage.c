/* SPDX-License-Identifier: MIT */
/*
 * ks_kernel_open on arbitrary bytes: any packing, any damage. It must answer with a
 * kernel whose fields hold together or with an error message, and free everything.
 */
#include <bpf/libbpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/kimage.h"
#include "util/err.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static void check(const struct ks_kernel *k)
{
	if (k->btf_size && (k->btf_off > k->image.size || k->btf_size > k->image.size - k->btf_off))
		abort();
	if (!k->image.data || !k->packing[0] || (k->btf_size && !k->btf_found_by[0]))
		abort();
	if ((k->release != NULL) != (k->banner != NULL) ||
	    (k->release && strncmp(k->banner + 14, k->release, strlen(k->release))))
		abort();
	for (size_t i = 1; i < k->elf_syms.n; i++)
		if (k->elf_syms.syms[i - 1].addr > k->elf_syms.syms[i].addr)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ks_kernel k;

	libbpf_set_print(quiet);
	ks_quiet = 1;
	ks_err_clear();
	if (ks_kernel_open("fuzz", data, size, &k) == 0) {
		check(&k);
		ks_kernel_free(&k);
	} else if (strncmp(ks_errmsg(), "fuzz", 4)) {
		abort(); /* every message names its input */
	}
	return 0;
}
