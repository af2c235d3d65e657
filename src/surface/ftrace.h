/* SPDX-License-Identifier: MIT */
#ifndef KSURF_SURFACE_FTRACE_H
#define KSURF_SURFACE_FTRACE_H

#include <stddef.h>
#include <stdint.h>

struct btf;
struct ks_kernel;
struct ks_symtab;

/*
 * The kernel's data as an address space: the bytes of the image and where they are
 * mapped. Addresses are those of the symbol table: absolute for an ELF (PT_LOAD
 * segments), image-relative for a raw image (one segment at 0).
 */
struct ks_kseg {
	uint64_t vaddr, off, size;
};

struct ks_kmem {
	const uint8_t *data;
	size_t size;
	int big_endian;
	int ptr_size; /* 4 or 8 */
	size_t nseg;
	struct ks_kseg seg[16];
};

/* The address space of an opened kernel. 0, or -ENOENT when it has no readable data
 * (raw BTF, unknown pointer size, no loadable segment). */
int ks_kmem_from_kernel(const struct ks_kernel *k, struct ks_kmem *m);

/* One entry of _ftrace_events. */
struct ks_ftrace_event {
	char *name;	 /* trace_event_name(): the tracepoint's name or call->name */
	char *class;	 /* from the symbol event_class_<class> the class pointer hits, or NULL */
	char *system;	 /* class->system, or NULL */
	char *print_fmt; /* call->print_fmt, or NULL */
	uint32_t flags;	 /* call->flags */
};

struct ks_ftrace_events {
	struct ks_ftrace_event *v;
	size_t n;
	uint32_t fl_ignore_enable, fl_tracepoint; /* flag values BTF gave */
};

void ks_ftrace_events_free(struct ks_ftrace_events *e);

/*
 * Read the _ftrace_events array (__start_ftrace_events..__stop_ftrace_events, pointers
 * to struct trace_event_call) through the BTF member offsets of struct trace_event_call,
 * trace_event_class and tracepoint. Pointers inside the data are link addresses; the
 * offset between them and the symbol addresses (0 for an ELF, the link base for a raw
 * image) is found from the array itself: the one value that maps its pointers onto
 * event_* symbols. 0; -ENOENT when the image lacks the symbols or BTF types (nothing to
 * read); -EINVAL when the data contradicts itself (message says where). Every address is
 * bounds-checked; strings must be NUL-terminated within 64 KiB and valid UTF-8.
 */
int ks_ftrace_read(const struct btf *btf, const struct ks_symtab *syms, const struct ks_kmem *m,
		   struct ks_ftrace_events *out);

#endif
