/* SPDX-License-Identifier: MIT */
#ifndef KSURF_SURFACE_SURFACE_H
#define KSURF_SURFACE_SURFACE_H

#include <stddef.h>
#include <stdint.h>

struct btf;

/* Item kinds (SPEC §1). The string names are what users type and what is stored. */
enum ks_kind {
	KS_KIND_STRUCT,
	KS_KIND_UNION,
	KS_KIND_ENUM,
	KS_KIND_TYPEDEF,
	KS_KIND_FIELD, /* derived from struct/union definitions, not stored as items */
	KS_KIND__COUNT,
};

const char *ks_kind_name(enum ks_kind kind);
/* -1 when unknown. */
int ks_kind_parse(const char *name);

/*
 * One item of one image as extracted: its kind, name, and canonical definition
 * ("def"): compact JSON with sorted keys, the same bytes for the same definition in any
 * image, so equal defs mean "unchanged" without further work. See docs/defs.md for
 * the def formats.
 */
struct ks_item {
	enum ks_kind kind;
	char *name;
	char *def;	    /* canonical JSON text */
	uint8_t hash[32];   /* SHA-256 of def */
	unsigned dup_count; /* how many other named types of this kind+name were dropped
			       (first wins) */
};

struct ks_surface {
	struct ks_item *items;
	size_t n, cap;
	unsigned dup_total; /* number of dropped duplicates */
};

void ks_surface_free(struct ks_surface *s);

/*
 * Extract the named types of a BTF (struct, union, enum incl. enum64, typedef) as
 * items with canonical defs. Anonymous enums are merged into one item named "(anon)";
 * duplicates by kind+name: the first in type-id order wins, the rest are counted.
 * Items are returned sorted by (kind, name). 0 or negative errno.
 */
int ks_surface_types(const struct btf *btf, struct ks_surface *out);

#endif
