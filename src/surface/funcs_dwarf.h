/* SPDX-License-Identifier: MIT */
/*
 * Internal to src/surface: what an image's DWARF says of each function name — the
 * facts behind the status words "full inline", "selective inline", "duplicate",
 * "static-static collision" and "static-global collision" (SPEC §4), and their evidence.
 */
#ifndef KSURF_SURFACE_FUNCS_DWARF_H
#define KSURF_SURFACE_FUNCS_DWARF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest/dwarf.h"
#include "util/strbuf.h"

struct ks_fdw {
	const struct ks_dwarf *d;
	struct ks_dwarf_def *defs;   /* sorted by (name, file, line, external, unit, addr) */
	struct ks_dwarf_edge *edges; /* sorted by (callee, kind, caller) */
	size_t *def_at;		     /* per name id: its first def; [nnames] = ndefs */
	size_t *edge_at;	     /* per name id: its first edge as callee */
	uint32_t *items;	     /* names DWARF makes func items of, in name order */
	size_t nitems;
};

struct ks_fdw_facts {
	unsigned inlined, inline_callers; /* DW_TAG_inlined_subroutine instances, their callers */
	unsigned calls, callers;	  /* direct call sites, their callers */
	unsigned static_sites, global_sites; /* distinct declaration sites that define it */
	bool duplicate; /* a static site with out-of-line code in two or more units */
};

/* Sort d's facts by name. d must outlive f. 0 (only allocation can fail, and aborts). */
int ks_fdw_build(const struct ks_dwarf *d, struct ks_fdw *f);
void ks_fdw_free(struct ks_fdw *f);

/* The facts of name id (from ks_dwarf_find); all zero for -1. */
void ks_fdw_facts(const struct ks_fdw *f, long id, struct ks_fdw_facts *out);

/* The prototype DWARF gives name id (ks_dwarf_proto's lines; its first site's), or NULL. */
const char *ks_fdw_proto(const struct ks_fdw *f, long id);

/*
 * Append the evidence lines of name id as JSON strings to d, each preceded by a comma
 * unless *first (then cleared): declaration sites with their out-of-line units, inline
 * callers, direct callers. 0 or -EINVAL (a name is not UTF-8).
 */
int ks_fdw_evidence(const struct ks_fdw *f, long id, struct strbuf *d, bool *first);

#endif
