/* SPDX-License-Identifier: MIT */
/*
 * ks_kallsyms_recover on arbitrary bytes taken as a decompressed kernel, in both byte
 * orders (and as an ELF when the bytes say so): it must never read outside the
 * input, and what it returns must be whole.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/kallsyms.h"
#include "ingest/kimage.h"
#include "util/err.h"

static void one(const uint8_t *data, size_t size, int be, int ptr_size, int is_elf)
{
	struct ks_kallsyms_layout lay;
	struct ks_symtab st;
	struct ks_kernel k;
	size_t i;

	memset(&k, 0, sizeof(k));
	/* the locator may read anything inside image.data[0..size) and nothing else */
	k.image.data = (uint8_t *)data;
	k.image.size = size;
	k.big_endian = be;
	k.ptr_size = ptr_size;
	k.is_elf = is_elf;
	ks_symtab_init(&st);
	if (ks_kallsyms_recover("fuzz", &k, &st) == 0) {
		if (ks_kallsyms_locate("fuzz", data, size, be, ptr_size, &lay) ||
		    st.n != lay.num_syms || lay.names + lay.names_len > size)
			abort();
		for (i = 0; i < st.n; i++)
			if (st.syms[i].name >= st.pool_len || !st.syms[i].type)
				abort();
	} else if (!ks_errmsg()[0]) {
		abort();
	}
	ks_symtab_free(&st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ks_quiet = 1;
	one(data, size, 0, 0, 0);
	one(data, size, 1, size & 1 ? 4 : 8, size >= 4 && !memcmp(data, "\177ELF", 4));
	return 0;
}
