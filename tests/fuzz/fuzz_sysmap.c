/* SPDX-License-Identifier: MIT */
/*
 * ks_sysmap_parse on arbitrary text: symbols parsed or one error naming the input,
 * and what it kept sorts and frees cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/symtab.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ks_symtab st;
	int ret;

	ks_symtab_init(&st);
	ks_err_clear();
	ret = ks_sysmap_parse("fuzz", (const char *)data, size, &st);
	if (ret && strncmp(ks_errmsg(), "fuzz", 4))
		abort();
	if (ret == 0 && st.n == 0)
		abort();
	ks_symtab_sort(&st);
	for (size_t i = 0; i < st.n; i++)
		if (st.syms[i].name >= st.pool_len || (i && st.syms[i - 1].addr > st.syms[i].addr))
			abort();
	ks_symtab_free(&st);
	return 0;
}
