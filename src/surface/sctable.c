/* SPDX-License-Identifier: MIT */
/*
 * The native sys_call_table read from a kernel's bytes: an array of function pointers
 * indexed by syscall number, each naming the entry point (__x64_sys_openat), holes
 * pointing at sys_ni_syscall.
 *
 * The pointers hold link-time addresses. On an ELF vmlinux those are the symbols'
 * addresses. On raw images the symbols are image-relative while the table holds the
 * linked address: 0xffff800080000000 + offset on arm64, 0x100000 + offset on s390x
 * (7.2). The base is inferred: the one that makes the most entries land on syscall
 * entry points.
 */
#include "surface/sctable.h"

#include <bpf/btf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/kimage.h"
#include "util/err.h"

#define MAX_SLOTS 4096
#define PROBE_SLOTS 64

static const struct {
	const char *arch, *prefix;
} native_prefixes[] = {
	{"amd64", "__x64_sys_"},     {"arm64", "__arm64_sys_"}, {"s390x", "__s390x_sys_"},
	{"riscv64", "__riscv_sys_"}, {"i386", "__ia32_sys_"},
};

const char *ks_syscall_prefix(const char *arch)
{
	for (size_t i = 0; arch && i < sizeof(native_prefixes) / sizeof(native_prefixes[0]); i++)
		if (!strcmp(arch, native_prefixes[i].arch))
			return native_prefixes[i].prefix;
	return NULL;
}

const char *ks_syscall_name(const char *sym, const char *native, int *rank)
{
	const char *p;

	if (native && !strncmp(sym, native, strlen(native))) {
		*rank = 0;
		return sym[strlen(native)] ? sym + strlen(native) : NULL;
	}
	if (!strncmp(sym, "sys_", 4)) {
		*rank = native ? 1 : 0;
		return sym[4] ? sym + 4 : NULL;
	}
	if (!strncmp(sym, "__se_sys_", 9)) {
		*rank = 2;
		return sym[9] ? sym + 9 : NULL;
	}
	/* "__<arch>_sys_": one lower-case word, so "__ia32_compat_sys_" is not one. */
	if (strncmp(sym, "__", 2))
		return NULL;
	for (p = sym + 2; (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'); p++)
		;
	if (p == sym + 2 || strncmp(p, "_sys_", 5) || !p[5])
		return NULL;
	*rank = 3;
	return p + 5;
}

void ks_sctable_free(struct ks_sctable *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* A syscall entry point: its address, its symbol, how native its spelling is. */
struct entry_sym {
	uint64_t addr;
	const char *sym, *name;
	int rank;
};

static int cmp_entry_sym(const void *a, const void *b)
{
	const struct entry_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->rank - y->rank;
}

/* The best-ranked entry point at addr, or NULL. */
static const struct entry_sym *find_at(const struct entry_sym *v, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].addr == addr ? &v[lo] : NULL;
}

static int is_text(char type)
{
	return type == 'T' || type == 't' || type == 'W' || type == 'w';
}

/* File offset of the table at symbol address addr, or -ENOENT with a message. */
static int table_offset(const struct ks_kernel *k, const struct ks_symtab *syms, uint64_t addr,
			size_t len, size_t *off)
{
	if (k->is_elf) {
		Elf *e = elf_memory((char *)k->image.data, k->image.size);
		size_t nph = 0;
		int ret = -ENOENT;

		if (syms->relative)
			addr += k->base_addr;
		if (e && !elf_getphdrnum(e, &nph)) {
			for (size_t i = 0; i < nph; i++) {
				GElf_Phdr ph;

				if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD ||
				    addr < ph.p_vaddr || addr - ph.p_vaddr > ph.p_filesz ||
				    len > ph.p_filesz - (addr - ph.p_vaddr))
					continue;
				*off = ph.p_offset + (addr - ph.p_vaddr);
				ret = 0;
				break;
			}
		}
		if (e)
			elf_end(e);
		if (ret)
			return ks_err(ret, "sys_call_table at 0x%llx: not in the file's segments",
				      (unsigned long long)addr);
	} else if (syms->relative) {
		*off = addr;
	} else {
		return ks_err(-ENOENT, "sys_call_table: absolute symbols on a raw image");
	}
	if (*off > k->image.size || len > k->image.size - *off)
		return ks_err(-ENOENT, "sys_call_table at 0x%llx: past the end of the image",
			      (unsigned long long)addr);
	return 0;
}

/* Entries of the table: from the BTF variable's array type, else up to the next symbol. */
static size_t table_slots(const struct ks_symtab *syms, const struct btf *btf, uint64_t addr,
			  size_t psize)
{
	uint64_t next = UINT64_MAX;
	int32_t id = btf ? btf__find_by_name_kind(btf, "sys_call_table", BTF_KIND_VAR) : -1;

	if (id > 0) {
		const struct btf_type *t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);

		while (t && (btf_is_const(t) || btf_is_volatile(t) || btf_is_typedef(t)))
			t = btf__type_by_id(btf, t->type);
		if (t && btf_is_array(t))
			return btf_array(t)->nelems;
	}
	for (size_t i = 0; i < syms->n; i++)
		if (syms->syms[i].addr > addr && syms->syms[i].addr < next)
			next = syms->syms[i].addr;
	return next == UINT64_MAX ? 0 : (size_t)((next - addr) / psize);
}

static uint64_t read_ptr(const uint8_t *p, size_t psize, int big_endian)
{
	uint64_t v = 0;

	for (size_t i = 0; i < psize; i++)
		v |= (uint64_t)p[big_endian ? psize - 1 - i : i] << (8 * i);
	return v;
}

/* The base that makes the most of the first entries land on entry points. */
/*
 * Runs of equal entries count once (holes repeat sys_ni_syscall): a free base can make
 * any one value land somewhere, not many different ones. *runs is how many there are.
 */
static uint64_t infer_base(const uint64_t *vals, size_t n, const struct entry_sym *es,
			   size_t nes, size_t *best_hits, size_t *runs)
{
	size_t first = 0, probe = n < PROBE_SLOTS ? n : PROBE_SLOTS;
	uint64_t best = 0;

	*best_hits = 0;
	*runs = 0;
	for (size_t i = 0; i < probe; i++)
		*runs += vals[i] && (!i || vals[i] != vals[i - 1]);
	while (first < n && !vals[first])
		first++;
	if (first == n)
		return 0;
	for (size_t c = 0; c <= nes; c++) {
		/* Candidate c < nes: entry `first` is es[c]; c == nes: no offset at all. */
		uint64_t base = c < nes ? vals[first] - es[c].addr : 0;
		size_t hits = 0;

		if (c && c < nes && es[c].addr == es[c - 1].addr)
			continue;
		for (size_t i = 0; i < probe; i++)
			hits += vals[i] && (!i || vals[i] != vals[i - 1]) &&
				find_at(es, nes, vals[i] - base);
		if (hits > *best_hits || (hits == *best_hits && c == nes)) {
			*best_hits = hits;
			best = base;
		}
	}
	return best;
}

static int collect_entry_syms(const struct ks_symtab *syms, const char *native,
			      struct entry_sym **out, size_t *n)
{
	struct entry_sym *v = NULL;
	size_t cnt = 0, cap = 0;

	for (size_t i = 0; i < syms->n; i++) {
		const char *sym = ks_sym_name(syms, &syms->syms[i]), *name;
		int rank;

		if (!is_text(syms->syms[i].type) || !(name = ks_syscall_name(sym, native, &rank)))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				abort();
		}
		v[cnt++] = (struct entry_sym){syms->syms[i].addr, sym, name, rank};
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_entry_sym);
	*out = v;
	*n = cnt;
	return 0;
}

/* Name the entries; unresolved ones are counted (trailing ones are padding). */
static int name_entries(const uint64_t *vals, size_t n, uint64_t base,
			const struct entry_sym *es, size_t nes, uint64_t where,
			struct ks_sctable *out)
{
	size_t unresolved = 0, last = 0;

	for (size_t i = 0; i < n; i++)
		if (vals[i] && find_at(es, nes, vals[i] - base))
			last = i + 1;
	out->v = calloc(last ? last : 1, sizeof(*out->v));
	if (!out->v)
		abort();
	out->slots = last;
	for (size_t i = 0; i < last; i++) {
		const struct entry_sym *s;

		if (!vals[i])
			continue; /* a hole without even sys_ni_syscall */
		s = find_at(es, nes, vals[i] - base);
		if (!s) {
			unresolved++;
			continue;
		}
		if (!strcmp(s->name, "ni_syscall"))
			continue;
		out->v[out->n++] = (struct ks_sctable_entry){(uint32_t)i, s->sym, s->name};
	}
	if (!last || unresolved * 10 > last) {
		ks_sctable_free(out);
		return ks_err(-EINVAL,
			      "sys_call_table at 0x%llx: %zu of %zu entries point at no syscall "
			      "function",
			      (unsigned long long)where, last ? unresolved : n, n);
	}
	return 0;
}

int ks_sctable_read(const struct ks_kernel *k, const struct ks_symtab *syms,
		    const struct btf *btf, const char *native, struct ks_sctable *out)
{
	struct entry_sym *es = NULL;
	uint64_t *vals = NULL, addr = 0, base;
	size_t psize = k->ptr_size == 4 ? 4 : 8, nes, slots, off = 0, hits, runs;
	int found = 0, ret;

	memset(out, 0, sizeof(*out));
	if (!k->image.size || k->is_raw_btf)
		return ks_err(-ENOENT, "sys_call_table: no kernel bytes");
	for (size_t i = 0; i < syms->n && !found; i++)
		if (!strcmp(ks_sym_name(syms, &syms->syms[i]), "sys_call_table")) {
			addr = syms->syms[i].addr;
			found = 1;
		}
	if (!found)
		return ks_err(-ENOENT, "sys_call_table: no such symbol");
	slots = table_slots(syms, btf, addr, psize);
	if (!slots || slots > MAX_SLOTS)
		return ks_err(-EINVAL, "sys_call_table at 0x%llx: implausible length %zu",
			      (unsigned long long)addr, slots);
	ret = table_offset(k, syms, addr, slots * psize, &off);
	if (ret)
		return ret;
	vals = malloc(slots * sizeof(*vals));
	if (!vals)
		abort();
	for (size_t i = 0; i < slots; i++)
		vals[i] = read_ptr(k->image.data + off + i * psize, psize, k->big_endian);
	collect_entry_syms(syms, native, &es, &nes);
	base = infer_base(vals, slots, es, nes, &hits, &runs);
	if (hits < 2 || hits * 2 < runs)
		ret = ks_err(-EINVAL,
			     "sys_call_table at 0x%llx: its first entries do not point at syscall "
			     "functions (%zu of %zu)",
			     (unsigned long long)addr, hits, runs);
	else
		ret = name_entries(vals, slots, base, es, nes, addr, out);
	free(vals);
	free(es);
	return ret;
}
