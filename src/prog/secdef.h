/* SPDX-License-Identifier: MIT */
#ifndef KSURF_PROG_SECDEF_H
#define KSURF_PROG_SECDEF_H

/*
 * What a program's section name means to libbpf: the program type, the expected attach
 * type, and what it attaches to. The table follows libbpf's section definitions
 * (`SEC("kprobe/...")`, `SEC("?fentry/...")`, multi-attach forms...).
 */
enum ks_attach_kind {
	KS_ATT_NONE,	     /* attached by the loader (xdp, tc, cgroup...) */
	KS_ATT_KPROBE,	     /* a kernel function by its kallsyms name */
	KS_ATT_KPROBE_MULTI, /* kernel functions by glob */
	KS_ATT_KSYSCALL,     /* a syscall's entry point */
	KS_ATT_FENTRY,	     /* a kernel function by its BTF FUNC */
	KS_ATT_TRACEPOINT,   /* category/event (syscalls/sys_enter_X: a syscall) */
	KS_ATT_RAW_TP,	     /* a raw tracepoint */
	KS_ATT_TP_BTF,	     /* a BTF-typed raw tracepoint */
	KS_ATT_LSM,	     /* an LSM hook */
	KS_ATT_ITER,	     /* a BPF iterator target */
	KS_ATT_USER,	     /* uprobe, usdt: user space, nothing in the kernel to check */
	KS_ATT_OTHER,	     /* struct_ops, freplace: recorded only */
};

struct ks_secdef {
	const char *prefix;
	int multi;		 /* "prefix" alone or "prefix/target" */
	const char *prog_type;	 /* dataset prog_type item: "kprobe", "tracing" */
	const char *attach_type; /* dataset attach_type item or NULL */
	enum ks_attach_kind attach;
};

/* The definition a section name matches (a leading '?' is ignored), or NULL;
 * *target receives the part after "prefix/" (or "" when none). */
const struct ks_secdef *ks_secdef_find(const char *sec, const char **target);

#endif
