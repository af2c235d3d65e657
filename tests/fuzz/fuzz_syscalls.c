/* SPDX-License-Identifier: MIT */
/*
 * ks_sctable_read on a fake kernel and a fake symbol table, both made of the fuzz bytes:
 *   byte 0: bit 0 big-endian, bit 1 4-byte pointers, bit 2 ELF (the image is parsed as
 *           an ELF vmlinux), bit 3 absolute symbols;
 *   byte 1: number of symbols n (at most 64), then n × 5 bytes: a 32-bit little-endian
 *           address and a selector of the name and type from a fixed list;
 *   the rest: the image.
 * The table read, or one error that names sys_call_table; entries in increasing
 * number order, below the table's slots, with a syscall name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/kimage.h"
#include "ingest/symtab.h"
#include "surface/sctable.h"
#include "util/err.h"

static const struct {
	const char *name;
	char type;
} names[] = {
	{"sys_call_table", 'D'}, {"__x64_sys_read", 'T'},    {"__x64_sys_write", 'T'},
	{"sys_ni_syscall", 'T'}, {"__x64_sys_ni_syscall", 'T'}, {"__se_sys_openat", 't'},
	{"sys_close", 'T'},	 {"__ia32_sys_read", 'T'},   {"__arm64_sys_exit", 'T'},
	{"__x_sys_", 'T'},	 {"sys_", 'T'},		      {"other", 'd'},
	{"__s390x_sys_fork", 'W'}, {"_text", 'T'},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ks_kernel k;
	struct ks_symtab st;
	struct ks_sctable t;
	size_t n, pos = 2;
	int ret;

	if (size < 2)
		return 0;
	memset(&k, 0, sizeof(k));
	ks_symtab_init(&st);
	n = data[1] % 65;
	for (size_t i = 0; i < n && pos + 5 <= size; i++, pos += 5) {
		uint32_t addr = (uint32_t)data[pos] | (uint32_t)data[pos + 1] << 8 |
				(uint32_t)data[pos + 2] << 16 | (uint32_t)data[pos + 3] << 24;
		size_t sel = data[pos + 4] % (sizeof(names) / sizeof(names[0]));

		ks_symtab_add(&st, addr, names[sel].type, names[sel].name, strlen(names[sel].name));
	}
	st.relative = !(data[0] & 8);
	k.big_endian = data[0] & 1;
	k.ptr_size = data[0] & 2 ? 4 : 8;
	k.is_elf = !!(data[0] & 4);
	k.image.data = (uint8_t *)data + pos;
	k.image.size = size - pos;
	ks_err_clear();
	ret = ks_sctable_read(&k, &st, NULL, (data[0] & 16) ? "__x64_sys_" : NULL, &t);
	if (ret && !strstr(ks_errmsg(), "sys_call_table"))
		abort();
	for (size_t i = 0; !ret && i < t.n; i++)
		if (t.v[i].nr >= t.slots || (i && t.v[i - 1].nr >= t.v[i].nr) || !*t.v[i].name ||
		    !strcmp(t.v[i].name, "ni_syscall"))
			abort();
	if (!ret)
		ks_sctable_free(&t);
	ks_symtab_free(&st);
	return 0;
}
