/* SPDX-License-Identifier: MIT */
#ifndef KSURF_INGEST_SYMTAB_H
#define KSURF_INGEST_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

/*
 * A kernel symbol list: what System.map, /proc/kallsyms, an ELF .symtab or the
 * kallsyms tables compiled into the image say. Names live in one pool.
 */
struct ks_sym {
	uint64_t addr;
	char type;	  /* nm type letter: T t D d R r B b W w A a V v ... */
	uint32_t name;	  /* offset into pool */
};

struct ks_symtab {
	struct ks_sym *syms;
	size_t n, cap;
	char *pool;
	size_t pool_len, pool_cap;
	char source[32]; /* "System.map", "kallsyms", "ELF .symtab", "/proc/kallsyms" */
	int relative;	 /* addresses are offsets from the image start, not absolute */
};

void ks_symtab_init(struct ks_symtab *st);
void ks_symtab_free(struct ks_symtab *st);
void ks_symtab_add(struct ks_symtab *st, uint64_t addr, char type, const char *name, size_t len);
static inline const char *ks_sym_name(const struct ks_symtab *st, const struct ks_sym *s)
{
	return st->pool + s->name;
}
/* Sort by (address, name) — the order System.map uses, stable for output. */
void ks_symtab_sort(struct ks_symtab *st);

/*
 * Parse System.map or /proc/kallsyms text ("<hex addr> <type> <name>[\t[module]]")
 * and append to out (initialized by the caller; source set to "System.map" when
 * empty). Module symbols ("\t[mod]") are skipped: they are not in the image.
 * Debian ships a one-line stub ("ffffffffffffffff B The real System.map is in the
 * linux-image-<version>-dbg package"): returns -ENODATA for it so the caller falls back
 * to the kallsyms tables; also -ENODATA for no symbols or all addresses 0 (kallsyms
 * read without privilege). Malformed lines give -EINVAL naming the line number.
 */
int ks_sysmap_parse(const char *origin, const char *text, size_t len, struct ks_symtab *out);

#endif
