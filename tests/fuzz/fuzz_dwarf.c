/* SPDX-License-Identifier: MIT */
/*
 * ks_dwarf_read on arbitrary bytes (ELF files with DWARF, mutated): facts or one error
 * naming the input, and every fact's indexes in range.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/dwarf.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ks_dwarf d;
	int ret;

	ks_err_clear();
	ret = ks_dwarf_read("fuzz", data, size, &d);
	if (ret && ret != -ENODATA && strncmp(ks_errmsg(), "fuzz", 4))
		abort();
	for (size_t i = 0; i < d.ndefs; i++)
		if (d.defs[i].name >= d.nnames || d.defs[i].file >= d.nfiles ||
		    d.defs[i].unit >= d.nfiles || d.defs[i].proto > d.nprotos)
			abort();
	for (size_t i = 0; i < d.nedges; i++)
		if (d.edges[i].callee >= d.nnames || d.edges[i].caller >= d.nnames)
			abort();
	for (size_t i = 0; i < d.nnames; i++)
		if (ks_dwarf_find(&d, d.names[i], strlen(d.names[i])) != (long)i)
			abort();
	ks_dwarf_free(&d);
	return 0;
}
