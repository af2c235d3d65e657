/* SPDX-License-Identifier: MIT */
/* ks_btf_scan on arbitrary bytes: whatever it returns must lie inside the input. */
#include <bpf/libbpf.h>
#include <stdint.h>
#include <stdlib.h>

#include "ingest/kimage.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0, len = 0;
	int be = -1;

	libbpf_set_print(quiet);
	if (ks_btf_scan(data, size, &off, &len, &be) == 0 &&
	    (off > size || len < 24 || len > size - off || (be != 0 && be != 1)))
		abort();
	return 0;
}
