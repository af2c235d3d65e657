/* SPDX-License-Identifier: MIT */
#ifndef KSURF_INGEST_KALLSYMS_H
#define KSURF_INGEST_KALLSYMS_H

#include <stddef.h>
#include <stdint.h>

#include "ingest/symtab.h"

/* How the kallsyms tables of one kernel encode addresses (see kallsyms.c). */
enum ks_kallsyms_mode {
	KS_KALLSYMS_ABSOLUTE,	    /* kallsyms_addresses[]: the addresses themselves */
	KS_KALLSYMS_BASE_RELATIVE,  /* u32 kallsyms_offsets[] + kallsyms_relative_base */
	KS_KALLSYMS_ABS_PERCPU,	    /* s32 offsets: >= 0 absolute, < 0 base - 1 - offset */
	KS_KALLSYMS_PLACE_RELATIVE, /* s32 offsets from the offset's own address (7.x) */
};

/* Where the tables sit in an image (byte offsets into it) and how to read them. */
struct ks_kallsyms_layout {
	int big_endian;
	int ptr_size; /* 4 or 8: width of relative_base / absolute addresses */
	size_t token_table, token_index;
	size_t num_syms_off; /* the u32 holding the count (low half of a long) */
	uint32_t num_syms;
	size_t names, names_len;
	size_t markers;
	int marker_size; /* 4 (u32, newer kernels) or 8 (unsigned long) */
	uint32_t num_markers;
	enum ks_kallsyms_mode mode;
	size_t addrs;		/* kallsyms_addresses or kallsyms_offsets */
	int addr_size;		/* 4, or 8 for 64-bit absolute addresses */
	uint64_t relative_base; /* base-relative modes only; 0 when unrelocated */
	uint32_t descents;	/* symbols whose address is below the previous one */
};

/* "place-relative s32 offsets" and the like, for messages and tests. */
const char *ks_kallsyms_mode_name(enum ks_kallsyms_mode mode);

/*
 * Find and validate the kallsyms tables in raw bytes. big_endian and ptr_size are
 * what the caller believes (ptr_size 0: unknown, both are tried); the byte order given
 * is tried first, then the other. 0 and *lay filled; -ENOENT when there is no token
 * table; -EINVAL when one is there but the tables around it do not add up (the
 * message names the table and its offset).
 */
int ks_kallsyms_locate(const char *origin, const uint8_t *img, size_t size, int big_endian,
		       int ptr_size, struct ks_kallsyms_layout *lay);

/*
 * Decode every symbol of a located table into out (appending). table_addr is the
 * address the kernel sees the kallsyms_offsets table at; only place-relative
 * offsets use it (pass the image offset for image-relative addresses). 0, or
 * -EINVAL with a message naming origin and the symbol when the names do not decode.
 */
int ks_kallsyms_decode(const char *origin, const uint8_t *img, size_t size,
		       const struct ks_kallsyms_layout *lay, uint64_t table_addr,
		       struct ks_symtab *out);

#endif
