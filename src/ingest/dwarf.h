/* SPDX-License-Identifier: MIT */
#ifndef KSURF_INGEST_DWARF_H
#define KSURF_INGEST_DWARF_H

#include <stddef.h>
#include <stdint.h>

/*
 * The function facts of one image's DWARF, as the status words of SPEC §4 need them:
 * every subprogram that defines a function, every inlined instance (callee, caller) and
 * every direct call site (callee, caller). Names and files are interned: the records
 * hold indexes into `names` and `files`. Nothing else of the DWARF is kept.
 */
struct ks_dwarf_def {
	uint32_t name;	   /* index into names */
	uint32_t file;	   /* declaration file, index into files; 0 when unknown ("?") */
	uint32_t line;	   /* declaration line, 0 when unknown */
	uint32_t unit;	   /* the compile unit's name, index into files */
	uint8_t external;  /* DW_AT_external */
	uint8_t inl;	   /* DW_AT_inline (0 none/not inlined, 1 inlined, 3 declared inlined) */
	uint8_t has_code;  /* an out-of-line instance: DW_AT_low_pc or DW_AT_ranges */
	uint8_t concrete;  /* has DW_AT_abstract_origin (an out-of-line copy or clone) */
	uint32_t proto;	   /* index + 1 into protos; 0 for concrete copies (their origin
			      has it) */
	uint64_t addr;	   /* lowest code address when has_code */
};

enum ks_dwarf_edge_kind {
	KS_DWARF_INLINED = 0, /* DW_TAG_inlined_subroutine */
	KS_DWARF_CALL = 1,    /* DW_TAG_call_site / DW_TAG_GNU_call_site with a known callee */
};

struct ks_dwarf_edge {
	uint32_t callee, caller; /* indexes into names; caller: the enclosing function, or
				    the enclosing inlined function */
	uint32_t kind;
};

struct ks_dwarf {
	char **names; /* names[i]: a function name, in no particular order */
	size_t nnames;
	char **files; /* files[0] is "?" */
	size_t nfiles;
	struct ks_dwarf_def *defs;
	size_t ndefs;
	struct ks_dwarf_edge *edges;
	size_t nedges;
	char **protos;	       /* prototypes as ks_dwarf_proto writes them (dwarf_proto.h) */
	size_t nprotos;
	size_t units;	       /* compile and partial units walked */
	unsigned version_min, version_max; /* DWARF versions seen */
	char *pool;	       /* the strings names and files point into */
	uint32_t *index;       /* ks_dwarf_find's table: name id + 1, 0 = empty */
	size_t nindex;
};

/*
 * Read the DWARF of an ELF (`data`, `size`; a vmlinux with debug info, or any ELF built
 * with -g): one pass over every unit with libdw, the units shared between two threads
 * (each with its own libdw handle). DWARF 2–5, GNU and DWARF 5 call sites, dwz partial
 * units (walked like others; cross-unit references followed) and missing line tables
 * (file "?") are handled. Returns 0, -ENODATA when the ELF has no .debug_info (not an
 * error for callers that only want DWARF when present), or a negative errno with one
 * line naming origin and what is wrong ("vmlinux: DWARF unit at 0x1234: invalid DWARF").
 * On error *out is empty.
 */
int ks_dwarf_read(const char *origin, const uint8_t *data, size_t size, struct ks_dwarf *out);
void ks_dwarf_free(struct ks_dwarf *d);

/* Index of function name (name, len) in d->names, or -1. */
long ks_dwarf_find(const struct ks_dwarf *d, const char *name, size_t len);

#endif
