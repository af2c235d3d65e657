/* SPDX-License-Identifier: MIT */
/*
 * The syscall items of one image: the native syscalls with their numbers, read from
 * the kernel's sys_call_table when its bytes are here (sctable.c), else the names of
 * the native entry points in the symbols (__x64_sys_openat → openat), without numbers.
 * The def says which ("source"), so a reader knows whether a missing number means
 * "unknown" or a hole. Compat (ia32, x32) tables are not the native ABI and not read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/kimage.h"
#include "ingest/symtab.h"
#include "surface/sctable.h"
#include "surface/surface_int.h"
#include "util/err.h"
#include "util/jsonw.h"
#include "util/strbuf.h"

/*
 * {"c":"257 openat → __x64_sys_openat","kind":"syscall","name":"openat","number":257,
 *  "source":"sys_call_table"}; without "number" and its prefix in c for "symbols".
 */
static int push_syscall(struct ks_surface *out, const char *name, const char *sym, long nr,
			const char *source, unsigned dups)
{
	struct strbuf c = STRBUF_INIT, def = STRBUF_INIT;
	int ret;

	sb_init(&c);
	sb_init(&def);
	if (nr >= 0)
		sb_addf(&c, "%ld ", nr);
	sb_addf(&c, "%s \xe2\x86\x92 %s", name, sym);
	sb_add(&def, "{\"c\":");
	ret = ks_jsonw_str(&def, c.buf, c.len);
	sb_add(&def, ",\"kind\":\"syscall\",\"name\":");
	ret = ret ?: ks_jsonw_str(&def, name, strlen(name));
	if (nr >= 0) {
		sb_add(&def, ",\"number\":");
		ks_jsonw_i64(&def, nr);
	}
	sb_addf(&def, ",\"source\":\"%s\"}", source);
	sb_release(&c);
	if (ret) {
		sb_release(&def);
		return ks_err(-EINVAL, "syscall symbol %s is not valid UTF-8", sym);
	}
	ks_surface_push(out, KS_KIND_SYSCALL, name, sb_detach(&def), dups);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Numbers from the table; a name entered at several numbers keeps the lowest. */
static int from_table(const struct ks_sctable *t, struct ks_surface *out)
{
	const char **seen = malloc((t->n ? t->n : 1) * sizeof(*seen));
	size_t nseen = 0;
	int ret = 0;

	if (!seen)
		abort();
	for (size_t i = 0; i < t->n && !ret; i++) {
		const char *key = t->v[i].name;
		unsigned dups = 0;
		size_t at;

		if (bsearch(&key, seen, nseen, sizeof(*seen), cmp_str))
			continue;
		for (size_t j = i + 1; j < t->n; j++)
			dups += !strcmp(t->v[j].name, key);
		ret = push_syscall(out, key, t->v[i].sym, t->v[i].nr, "sys_call_table", dups);
		/* keep `seen` sorted: insertion, the table has a few hundred entries */
		at = nseen;
		while (at && strcmp(seen[at - 1], key) > 0) {
			seen[at] = seen[at - 1];
			at--;
		}
		seen[at] = key;
		nseen++;
	}
	free(seen);
	return ret;
}

/* (name, symbol) pairs by name, then symbol: the output does not depend on the input order. */
static int cmp_pair(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;
	int c = strcmp(x[0], y[0]);

	return c ? c : strcmp(x[1], y[1]);
}

/*
 * The native entry points of the symbols: "__<arch>_sys_*" where the arch has such
 * wrappers (rank 0), else "sys_*" (rank 0 without a native prefix, 1 with one: 5.10
 * i386-style kernels); sys_ni_syscall is no syscall.
 */
static int from_symbols(const struct ks_symtab *syms, const char *native,
			struct ks_surface *out)
{
	const char **names = malloc((syms->n ? syms->n : 1) * 2 * sizeof(*names));
	size_t n = 0;
	int ret = 0;

	if (!names)
		abort();
	for (int want = 0; want < (native ? 2 : 1) && !n; want++) {
		for (size_t i = 0; i < syms->n; i++) {
			const char *sym = ks_sym_name(syms, &syms->syms[i]), *name;
			char type = syms->syms[i].type;
			int rank;

			if ((type != 'T' && type != 'W') ||
			    !(name = ks_syscall_name(sym, native, &rank)) || rank != want ||
			    !strcmp(name, "ni_syscall"))
				continue;
			names[2 * n] = name;
			names[2 * n + 1] = sym;
			n++;
		}
	}
	if (n)
		qsort(names, n, 2 * sizeof(*names), cmp_pair);
	for (size_t i = 0; i < n && !ret; i++) {
		size_t first = i;

		while (i + 1 < n && !strcmp(names[2 * i], names[2 * (i + 1)]))
			i++;
		ret = push_syscall(out, names[2 * first], names[2 * first + 1], -1, "symbols",
				   (unsigned)(i - first));
	}
	free(names);
	return ret;
}

int ks_surface_syscalls(const struct ks_surface_input *in, struct ks_surface *out)
{
	const char *arch = in->arch, *native;
	struct ks_sctable t;
	int ret;

	if (!in->syms || !in->syms->n)
		return 0;
	if (in->kernel && in->kernel->arch[0])
		arch = in->kernel->arch;
	native = ks_syscall_prefix(arch);
	if (in->kernel) {
		ret = ks_sctable_read(in->kernel, in->syms, in->btf, native, &t);
		if (!ret) {
			ret = from_table(&t, out);
			ks_sctable_free(&t);
			return ret;
		}
		if (ret != -ENOENT)
			ks_warn("%s; syscalls from the symbols, without numbers", ks_errmsg());
		ks_err_clear();
	}
	return from_symbols(in->syms, native, out);
}
