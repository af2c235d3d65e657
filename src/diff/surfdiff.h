/* SPDX-License-Identifier: MIT */
#ifndef KSURF_DIFF_SURFDIFF_H
#define KSURF_DIFF_SURFDIFF_H

#include <stddef.h>
#include <stdint.h>

#include "diff/change.h"
#include "diff/defcache.h"
#include "store/surface.h"

/*
 * Two whole surfaces compared (`ksurf diff`): every item of the wanted kinds, per pair
 * status, with counts per kind and change type. Items whose def ids are equal are
 * unchanged without reading their defs; only differing ids are fetched and explained by
 * ks_diff_defs().
 */

/* Counts of one kind in one pair. by_type[t]: changed items with at least one change of
 * type t (so each row of the table counts items, as "changed" does). */
struct ks_kind_counts {
	size_t old, new, added, removed, changed, unchanged;
	size_t unknown; /* in a module of one image, the other's modules not ingested */
	size_t by_type[KS_CHG__COUNT];
};

/* One item that is not unchanged: added, removed or changed (with its changes). */
struct ks_item_diff {
	uint32_t item; /* index into the item table */
	int status;    /* KS_PAIR_ADDED, KS_PAIR_REMOVED or KS_PAIR_CHANGED */
	struct ks_changes ch;
};

struct ks_surface_diff {
	struct ks_kind_counts *kinds; /* one per kind of the item table */
	size_t nkinds;
	struct ks_item_diff *v; /* in display order after ks_surface_diff_sort */
	size_t n, cap;
};

struct ks_surface_diff_in {
	const struct ks_item_table *items;
	const uint8_t *wanted; /* per kind index of items: compare it; NULL: every kind */
	const struct ks_image_defs *a, *b;
	ks_def_fetch_fn fetch;
	void *ctx;
	/* defs shared with other pairs of the run (NULL: a cache for this call only);
	 * the caller moves it to its next generation between pairs */
	struct ks_def_cache *cache;
	/* The image was ingested without its modules: an item that lives in a module of
	 * the other image is left out (counted in `unknown`), not added or removed. */
	int a_no_modules, b_no_modules;
};

/* 0 or a negative errno (a def that cannot be read or parsed; the message names the item). */
int ks_diff_surfaces(const struct ks_surface_diff_in *in, struct ks_surface_diff *out);
void ks_surface_diff_free(struct ks_surface_diff *d);

/*
 * The display order of the item table's kinds: the order of enum ks_kind (struct, union,
 * enum, typedef, func, ...), then unknown kinds by name. order[0..nkinds) receives kind
 * indexes; rank[k] (may be NULL) the position of kind index k.
 */
void ks_kind_display_order(const struct ks_item_table *t, uint32_t *order, uint32_t *rank);

/* Sort the differing items by (kind rank, name). */
void ks_surface_diff_sort(struct ks_surface_diff *d, const struct ks_item_table *t,
			  const uint32_t *rank);

#endif
