/* SPDX-License-Identifier: MIT */
/*
 * ks_ftrace_read on arbitrary image bytes: the input is the image (raw, little endian,
 * 8-byte pointers, link base SYNTH_FT_BASE); the symbols and BTF of synth_ftrace.h place
 * the array, whose length the last byte picks. Lying pointers, out-of-range addresses
 * and huge counts must give one error, never a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/synth_ftrace.h"
#include "surface/ftrace.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct btf *btf;
	struct ks_ftrace_events ev;
	struct ks_symtab st;
	struct ks_kmem m = {.data = data, .size = size, .ptr_size = 8, .nseg = 1};
	uint64_t stop = size ? (uint64_t)data[size - 1] * 8 : 0;
	int ret;

	if (!btf && !(btf = synth_ft_btf()))
		abort();
	if (size > 1 && data[size - 2] == 0xff) /* a huge count */
		stop = 0x7fffffffffffull;
	m.seg[0] = (struct ks_kseg){0, 0, size};
	synth_ft_syms(&st, stop);
	ks_err_clear();
	ret = ks_ftrace_read(btf, &st, &m, &ev);
	if (ret && !*ks_errmsg())
		abort();
	for (size_t i = 0; !ret && i < ev.n; i++)
		if (!ev.v[i].name || strlen(ev.v[i].name) >= 65536)
			abort();
	ks_ftrace_events_free(&ev);
	ks_symtab_free(&st);
	return 0;
}
