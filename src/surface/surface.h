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
	KS_KIND_FUNC,
	KS_KIND_TRACEPOINT,
	KS_KIND_LSM,
	KS_KIND_KFUNC,
	KS_KIND_SYSCALL,
	KS_KIND_HELPER,
	KS_KIND_MAP_TYPE,
	KS_KIND_PROG_TYPE,
	KS_KIND_ATTACH_TYPE,
	KS_KIND_CONFIG,
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
	char *module;	    /* where it lives: NULL for vmlinux, else the modules whose
			       definition this is, ", "-separated ("dm_mod") */
	char *others;	    /* modules that define the name differently (counted in
			       dup_count), ", "-separated, or NULL */
};

struct ks_surface {
	struct ks_item *items;
	size_t n, cap;
	unsigned dup_total; /* number of dropped duplicates */
};

void ks_surface_free(struct ks_surface *s);

struct ks_symtab;
struct ks_config;
struct ks_kernel;
struct ks_dwarf;

/* What one image offers the extractors. Everything but btf may be empty or NULL. */
struct ks_surface_input {
	const struct btf *btf;
	const struct ks_symtab *syms;	/* n == 0 when the image has no symbols */
	const struct ks_config *config; /* n == 0 when the image has no config */
	const struct ks_kernel *kernel; /* the decompressed kernel (data reads), or NULL */
	const char *arch;		/* Debian arch name, or NULL */
	const struct ks_dwarf *dwarf;	/* function facts from DWARF, or NULL when none */
};

/*
 * The whole surface of an image: the types, then every other extractor in the
 * registry (src/surface/surface.c), hashed and sorted by (kind, name). An extractor
 * that cannot work on this image (no symbols, no kernel data) adds what it can and
 * says so in its defs; only malformed input is an error.
 */
int ks_surface_extract(const struct ks_surface_input *in, struct ks_surface *out);

/* Append one item; def (canonical JSON, see docs/defs.md) becomes the surface's. */
void ks_surface_push(struct ks_surface *s, enum ks_kind kind, const char *name, char *def,
		     unsigned dup_count);

/*
 * The first type id an extractor looks at: 1 for a kernel's BTF; for a module's split
 * BTF the first of its own types, so the base (vmlinux) types are not extracted again.
 */
uint32_t ks_btf_first_id(const struct btf *btf);

/* SHA-256 of each item's def into its hash. */
void ks_surface_hash(struct ks_item *items, size_t n);

/*
 * Extract the named types of a BTF (struct, union, enum incl. enum64, typedef) as
 * items with canonical defs. Anonymous enums are merged into one item named "(anon)";
 * duplicates by kind+name: the first in type-id order wins, the rest are counted.
 * Items are returned sorted by (kind, name). 0 or negative errno.
 */
int ks_surface_types(const struct btf *btf, struct ks_surface *out);

#endif
