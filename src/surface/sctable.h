/* SPDX-License-Identifier: MIT */
/* Reading the native sys_call_table out of a kernel's bytes (see sctable.c). */
#ifndef KSURF_SURFACE_SCTABLE_H
#define KSURF_SURFACE_SCTABLE_H

#include <stddef.h>
#include <stdint.h>

struct btf;
struct ks_kernel;
struct ks_symtab;

/* One syscall of the table: its number and the entry function's symbol. */
struct ks_sctable_entry {
	uint32_t nr;
	const char *sym; /* "__x64_sys_openat", points into the symtab's pool */
	const char *name; /* "openat", points into sym */
};

struct ks_sctable {
	struct ks_sctable_entry *v; /* by number; holes (ni_syscall) are left out */
	size_t n;
	size_t slots;		    /* entries of the table, holes included */
};

void ks_sctable_free(struct ks_sctable *t);

/*
 * The syscall name a symbol stands for, or NULL when it is not a syscall entry point:
 * "__x64_sys_openat" → "openat" (any "__<arch>_sys_"), "__se_sys_openat", "sys_openat".
 * *rank tells how native the spelling is for `native` ("__x64_sys_", or NULL): 0 native
 * prefix (or "sys_" when there is none), 1 "sys_", 2 "__se_sys_", 3 another arch's.
 */
const char *ks_syscall_name(const char *sym, const char *native, int *rank);

/* The native entry prefix of a Debian arch ("amd64" → "__x64_sys_"), NULL if none. */
const char *ks_syscall_prefix(const char *arch);

/*
 * Read the native sys_call_table of kernel k: its place from the symbol
 * "sys_call_table", its length from the BTF variable when btf has one (btf may be NULL)
 * or else up to the next symbol, its entries (function addresses, in the kernel's byte
 * order and pointer size) named through syms. Works on ELF kernels (addresses through
 * the PT_LOAD headers) and raw images (image-relative symbols); entries may hold
 * link-time addresses of another base than the symbols (s390x, relocated arm64), which
 * is inferred from the entries themselves. 0 and *out filled; -ENOENT when the kernel
 * has no such symbol or its bytes are not there; -EINVAL when the table is there but
 * its entries do not name syscall functions (message says where).
 */
int ks_sctable_read(const struct ks_kernel *k, const struct ks_symtab *syms,
		    const struct btf *btf, const char *native, struct ks_sctable *out);

#endif
