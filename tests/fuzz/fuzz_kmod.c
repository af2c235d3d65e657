/* SPDX-License-Identifier: MIT */
/*
 * A kernel module from arbitrary bytes (compressed or not, ELF or raw split BTF), read
 * by ks_kmod_read and, when it has BTF, extracted on top of a small vmlinux-like base
 * by ks_surface_modules: items, or one error naming the module. The first byte picks
 * how the bytes are named (a .ko in a package, or /sys/kernel/btf/<module>).
 */
#include <bpf/btf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/kmod.h"
#include "surface/modules.h"
#include "util/err.h"

/* int, struct list_head { struct list_head *next, *prev; }, as the seeds' base. */
static struct btf *base_btf(void)
{
	static struct btf *b;
	int lh, p;

	if (b)
		return b;
	b = btf__new_empty();
	btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	lh = btf__add_struct(b, "list_head", 16);
	p = btf__add_ptr(b, lh);
	btf__add_field(b, "next", p, 0, 0);
	btf__add_field(b, "prev", p, 64, 0);
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ks_kmod m = {0};
	struct ks_surface io = {0};
	struct ks_module_stats st;
	const char *origin;

	if (size < 1)
		return 0;
	origin = data[0] & 1 ? "/sys/kernel/btf/fuzz_mod" : "x.deb: lib/modules/r/kernel/fuzz-mod.ko";
	m.origin = strdup(origin);
	m.raw.data = malloc(size);
	if (!m.origin || !m.raw.data)
		abort();
	memcpy(m.raw.data, data + 1, size - 1);
	m.raw.size = size - 1;
	ks_err_clear();
	if (ks_kmod_read(&m)) {
		if (strncmp(ks_errmsg(), origin, strlen(origin)))
			abort();
	} else {
		if (!m.name || !*m.name)
			abort();
		ks_err_clear();
		if (ks_surface_modules(base_btf(), &m, 1, &io, &st)) {
			if (!strstr(ks_errmsg(), origin))
				abort();
		} else {
			for (size_t i = 0; i < io.n; i++)
				if (!io.items[i].module || strcmp(io.items[i].module, m.name) ||
				    !io.items[i].def)
					abort();
		}
		ks_surface_free(&io);
	}
	ks_kmod_free(&m);
	return 0;
}
