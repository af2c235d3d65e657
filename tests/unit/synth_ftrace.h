/* SPDX-License-Identifier: MIT */
/*
 * A tiny kernel for the _ftrace_events reader, shared by test_tracepoints and
 * fuzz_ftrace: BTF with struct trace_event_call/trace_event_class/tracepoint laid out
 * as on 64-bit kernels, a raw image whose pointers are link addresses (SYNTH_FT_BASE +
 * image offset, as on arm64) and the symbols that name its parts.
 *
 * Image: 0x000 _ftrace_events[2] -> 0x100 (event_sched_x, tracepoint) and 0x180
 * (event_print, ftrace), 0x300 event_class_sched_x, 0x340 event_class_print,
 * 0x400 struct tracepoint "sched_x", strings from 0x440.
 */
#ifndef KSURF_TEST_SYNTH_FTRACE_H
#define KSURF_TEST_SYNTH_FTRACE_H

#include <bpf/btf.h>
#include <stdint.h>
#include <string.h>

#include "ingest/symtab.h"

#define SYNTH_FT_BASE 0xffff800080000000ull
#define SYNTH_FT_SIZE 0x800

static inline struct btf *synth_ft_btf(void)
{
	struct btf *b = btf__new_empty();
	int i32, chr, cchar, pcchar, pchar, pvoid, lh, plh, cls, pcls, tp, ptp, call, un, fl;

	if (!b)
		return NULL;
	i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	chr = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	cchar = btf__add_const(b, chr);
	pcchar = btf__add_ptr(b, cchar);
	pchar = btf__add_ptr(b, chr);
	pvoid = btf__add_ptr(b, 0);
	lh = btf__add_struct(b, "list_head", 16);
	plh = btf__add_ptr(b, lh);
	btf__add_field(b, "next", plh, 0, 0);
	btf__add_field(b, "prev", plh, 64, 0);
	cls = btf__add_struct(b, "trace_event_class", 16);
	btf__add_field(b, "system", pcchar, 0, 0);
	btf__add_field(b, "probe", pvoid, 64, 0);
	pcls = btf__add_ptr(b, cls);
	tp = btf__add_struct(b, "tracepoint", 8);
	btf__add_field(b, "name", pcchar, 0, 0);
	ptp = btf__add_ptr(b, tp);
	un = btf__add_union(b, NULL, 8);
	btf__add_field(b, "name", pcchar, 0, 0);
	btf__add_field(b, "tp", ptp, 0, 0);
	call = btf__add_struct(b, "trace_event_call", 48);
	btf__add_field(b, "list", lh, 0, 0);
	btf__add_field(b, "class", pcls, 128, 0);
	btf__add_field(b, NULL, un, 192, 0);
	btf__add_field(b, "print_fmt", pchar, 256, 0);
	btf__add_field(b, "flags", i32, 320, 0);
	(void)call;
	fl = btf__add_enum(b, NULL, 4);
	btf__add_enum_value(b, "TRACE_EVENT_FL_IGNORE_ENABLE", 4);
	btf__add_enum_value(b, "TRACE_EVENT_FL_TRACEPOINT", 8);
	(void)fl;
	return b;
}

static inline void synth_ft_put(uint8_t *img, size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		img[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* Fill img[SYNTH_FT_SIZE] (little endian, 8-byte pointers). */
static inline void synth_ft_image(uint8_t *img)
{
	memset(img, 0, SYNTH_FT_SIZE);
	synth_ft_put(img, 0x000, SYNTH_FT_BASE + 0x100);
	synth_ft_put(img, 0x008, SYNTH_FT_BASE + 0x180);
	/* event_sched_x: class, tp, print_fmt, flags = TRACEPOINT */
	synth_ft_put(img, 0x110, SYNTH_FT_BASE + 0x300);
	synth_ft_put(img, 0x118, SYNTH_FT_BASE + 0x400);
	synth_ft_put(img, 0x120, SYNTH_FT_BASE + 0x500);
	img[0x128] = 8;
	/* event_print: class, name, print_fmt, flags = IGNORE_ENABLE */
	synth_ft_put(img, 0x190, SYNTH_FT_BASE + 0x340);
	synth_ft_put(img, 0x198, SYNTH_FT_BASE + 0x460);
	synth_ft_put(img, 0x1a0, SYNTH_FT_BASE + 0x540);
	img[0x1a8] = 4;
	synth_ft_put(img, 0x300, SYNTH_FT_BASE + 0x480); /* class system */
	synth_ft_put(img, 0x340, SYNTH_FT_BASE + 0x490);
	synth_ft_put(img, 0x400, SYNTH_FT_BASE + 0x440); /* tracepoint name */
	strcpy((char *)img + 0x440, "sched_x");
	strcpy((char *)img + 0x460, "print");
	strcpy((char *)img + 0x480, "sched");
	strcpy((char *)img + 0x490, "ftrace");
	strcpy((char *)img + 0x500, "\"prev_comm=%s\", REC->prev_comm");
	strcpy((char *)img + 0x540, "\"%ps: %s\", (void *)REC->ip, REC->buf");
}

static inline void synth_ft_syms(struct ks_symtab *st, uint64_t stop)
{
	static const struct {
		uint64_t a;
		const char *n;
	} s[] = {{0x100, "event_sched_x"},	  {0x180, "event_print"},
		 {0x300, "event_class_sched_x"},  {0x340, "event_class_print"},
		 {0x400, "__tracepoint_sched_x"}, {0, "__start_ftrace_events"}};

	ks_symtab_init(st);
	st->relative = 1;
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		ks_symtab_add(st, s[i].a, 'd', s[i].n, strlen(s[i].n));
	ks_symtab_add(st, stop, 'D', "__stop_ftrace_events", 20);
}

#endif
