/* SPDX-License-Identifier: MIT */
/*
 * A BTF built by hand with every declarator form the C printer must get right, shared
 * by test_cdecl (exact expected strings) and test_cdecl_bpftool (bpftool as oracle).
 * The struct "all" holds one member per form; SYNTH_MEMBERS lists what bpftool prints
 * for each (tabs aside).
 */
#ifndef KSURF_TEST_SYNTH_BTF_H
#define KSURF_TEST_SYNTH_BTF_H

#include <bpf/btf.h>
#include <stdint.h>

struct synth {
	struct btf *btf;
	int all, ops, big, sgn, anon_td, packed, cb_t, func, fwd_s, empty;
};

static inline int synth_build(struct synth *s)
{
	struct btf *b = btf__new_empty();
	int i32, u32, chr, ulong, u8, ptr_void, cchar, pcchar, x, px, fn_proto, pfn, dm, arr8;
	int pchar, parr4, arr3, parr3, fp_void, pfp_void, px_ret, fp_ret, pfp_ret, vargs;
	int pvargs, vint, pint, rpint, cvint, arr23a, arr23, hproto, phproto, harr, tag, ptag;
	int fwd_u, pfwd_s, pfwd_u, anon_s, anon_u, anon_e, inner_s, fp_fp, pfp_fp, fp_outer;
	int pfp_outer, cint, carr, arr_c, cpc, pa, parr_fp;

	if (!b)
		return -1;
	s->btf = b;
	i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	u32 = btf__add_int(b, "unsigned int", 4, 0);
	chr = btf__add_int(b, "char", 1, BTF_INT_CHAR | BTF_INT_SIGNED);
	ulong = btf__add_int(b, "long unsigned int", 8, 0);
	u8 = btf__add_int(b, "unsigned char", 1, 0);
	ptr_void = btf__add_ptr(b, 0);
	cchar = btf__add_const(b, chr);
	pcchar = btf__add_ptr(b, cchar);
	x = btf__add_struct(b, "x", 8);
	btf__add_field(b, "v", ulong, 0, 0);
	px = btf__add_ptr(b, x);
	/* int (*fn)(int, void *) */
	fn_proto = btf__add_func_proto(b, i32);
	btf__add_func_param(b, "", i32);
	btf__add_func_param(b, "", ptr_void);
	pfn = btf__add_ptr(b, fn_proto);
	dm = btf__add_struct(b, "dm_io_region", 24);
	btf__add_field(b, "count", ulong, 0, 0);
	arr8 = btf__add_array(b, i32, dm, 8);
	/* char *argv[4] */
	pchar = btf__add_ptr(b, chr);
	parr4 = btf__add_array(b, i32, pchar, 4);
	/* int (*p)[3] */
	arr3 = btf__add_array(b, i32, i32, 3);
	parr3 = btf__add_ptr(b, arr3);
	/* void (*done)(void) */
	fp_void = btf__add_func_proto(b, 0);
	pfp_void = btf__add_ptr(b, fp_void);
	/* struct x * (*get)(void) */
	px_ret = px;
	fp_ret = btf__add_func_proto(b, px_ret);
	pfp_ret = btf__add_ptr(b, fp_ret);
	/* int (*printk)(const char *, ...) */
	vargs = btf__add_func_proto(b, i32);
	btf__add_func_param(b, "", pcchar);
	btf__add_func_param(b, "", 0);
	pvargs = btf__add_ptr(b, vargs);
	/* volatile int v; int * restrict r; const volatile int cv */
	vint = btf__add_volatile(b, i32);
	pint = btf__add_ptr(b, i32);
	rpint = btf__add_restrict(b, pint);
	cvint = btf__add_const(b, vint);
	/* int m[2][3] */
	arr23a = btf__add_array(b, i32, i32, 3);
	arr23 = btf__add_array(b, i32, arr23a, 2);
	/* void (*handlers[4])(int) */
	hproto = btf__add_func_proto(b, 0);
	btf__add_func_param(b, "", i32);
	phproto = btf__add_ptr(b, hproto);
	harr = btf__add_array(b, i32, phproto, 4);
	/* int __attribute__((btf_type_tag("user"))) *u */
	tag = btf__add_type_tag(b, "user", i32);
	ptag = btf__add_ptr(b, tag);
	/* forward declarations */
	s->fwd_s = btf__add_fwd(b, "fwd_s", BTF_FWD_STRUCT);
	fwd_u = btf__add_fwd(b, "fwd_u", BTF_FWD_UNION);
	pfwd_s = btf__add_ptr(b, s->fwd_s);
	pfwd_u = btf__add_ptr(b, fwd_u);
	/* anonymous union { int a; struct { unsigned int b: 3; unsigned int c: 5; } s; } */
	inner_s = btf__add_struct(b, NULL, 4);
	btf__add_field(b, "b", u32, 0, 3);
	btf__add_field(b, "c", u32, 3, 5);
	anon_u = btf__add_union(b, NULL, 4);
	btf__add_field(b, "a", i32, 0, 0);
	btf__add_field(b, "s", inner_s, 0, 0);
	anon_s = btf__add_struct(b, NULL, 8);
	btf__add_field(b, "lo", u32, 0, 0);
	btf__add_field(b, "hi", u32, 32, 0);
	anon_e = btf__add_enum(b, NULL, 4);
	btf__add_enum_value(b, "ANON_A", 0);
	btf__add_enum_value(b, "ANON_B", 7);
	/* int (*(*pick)(int))(char): a pointer to a function returning a function pointer */
	fp_fp = btf__add_func_proto(b, i32);
	btf__add_func_param(b, "", chr);
	pfp_fp = btf__add_ptr(b, fp_fp);
	fp_outer = btf__add_func_proto(b, pfp_fp);
	btf__add_func_param(b, "", i32);
	pfp_outer = btf__add_ptr(b, fp_outer);
	/* const int ca[2] (const on the element) and a GCC-style const on the array */
	cint = btf__add_const(b, i32);
	carr = btf__add_array(b, i32, cint, 2);
	arr_c = btf__add_array(b, i32, i32, 2);
	arr_c = btf__add_const(b, arr_c);
	/* char * const cp */
	cpc = btf__add_const(b, pchar);
	/* void (*pa)(int (*)[3]): an abstract pointer to array as a parameter */
	pa = btf__add_func_proto(b, 0);
	btf__add_func_param(b, "", parr3);
	parr_fp = btf__add_ptr(b, pa);

	s->all = btf__add_struct(b, "all", 512);
	btf__add_field(b, "kc", px, 0, 0);
	btf__add_field(b, "name", pcchar, 64, 0);
	btf__add_field(b, "cp", cpc, 128, 0);
	btf__add_field(b, "fn", pfn, 192, 0);
	btf__add_field(b, "dests", arr8, 256, 0);
	btf__add_field(b, "argv", parr4, 1792, 0);
	btf__add_field(b, "p", parr3, 2048, 0);
	btf__add_field(b, "done", pfp_void, 2112, 0);
	btf__add_field(b, "get", pfp_ret, 2176, 0);
	btf__add_field(b, "printk", pvargs, 2240, 0);
	btf__add_field(b, "v", vint, 2304, 0);
	btf__add_field(b, "r", rpint, 2368, 0);
	btf__add_field(b, "cv", cvint, 2432, 0);
	btf__add_field(b, "m", arr23, 2464, 0);
	btf__add_field(b, "handlers", harr, 2688, 0);
	btf__add_field(b, "u", ptag, 2944, 0);
	btf__add_field(b, "fs", pfwd_s, 3008, 0);
	btf__add_field(b, "fu", pfwd_u, 3072, 0);
	btf__add_field(b, NULL, anon_u, 3136, 0);
	btf__add_field(b, "pos", anon_s, 3200, 0);
	btf__add_field(b, "state", anon_e, 3264, 0);
	btf__add_field(b, "pick", pfp_outer, 3328, 0);
	btf__add_field(b, "ca", carr, 3392, 0);
	btf__add_field(b, "cz", arr_c, 3456, 0);
	btf__add_field(b, "flags", u32, 3520, 1);
	btf__add_field(b, "mode", u32, 3521, 4);
	btf__add_field(b, "pa", parr_fp, 3584, 0);
	btf__add_field(b, "tail", u8, 3648, 0);

	/* struct ops { void (*open)(void); int (*ioctl)(struct x *, unsigned int, ...); } */
	s->ops = btf__add_struct(b, "ops", 16);
	btf__add_field(b, "open", pfp_void, 0, 0);
	btf__add_field(b, "printk", pvargs, 64, 0);

	/* enum64 with a value above INT64_MAX */
	s->big = btf__add_enum64(b, "big", 8, false);
	btf__add_enum64_value(b, "BIG_ONE", 1);
	btf__add_enum64_value(b, "BIG_MAX", UINT64_MAX);
	/* a signed enum with a negative value */
	s->sgn = btf__add_enum(b, "sgn", 4);
	btf__add_enum_value(b, "SGN_NEG", -1);
	btf__add_enum_value(b, "SGN_POS", 2);

	/* typedef struct { int counter; } atomic_t */
	{
		int a = btf__add_struct(b, NULL, 4);

		btf__add_field(b, "counter", i32, 0, 0);
		s->anon_td = btf__add_typedef(b, "atomic_t", a);
	}
	/* struct desc_ptr { short size; long address; } __attribute__((packed)) */
	{
		int sh = btf__add_int(b, "short unsigned int", 2, 0);

		s->packed = btf__add_struct(b, "desc_ptr", 10);
		btf__add_field(b, "size", sh, 0, 0);
		btf__add_field(b, "address", ulong, 16, 0);
	}
	s->cb_t = btf__add_typedef(b, "cb_t", pfn);
	/* int vfs_like(struct x *file, char *buf) */
	{
		int proto = btf__add_func_proto(b, i32);

		btf__add_func_param(b, "file", px);
		btf__add_func_param(b, "buf", pchar);
		s->func = btf__add_func(b, "vfs_like", BTF_FUNC_GLOBAL, proto);
	}
	s->empty = btf__add_struct(b, "empty", 0);
	/* referenced so that btf_dump emits them */
	{
		btf__add_struct(b, "holder", 16);
		btf__add_field(b, "td", s->anon_td, 0, 0);
		btf__add_field(b, "cb", s->cb_t, 64, 0);
	}
	return s->empty > 0 ? 0 : -1;
}

#endif
