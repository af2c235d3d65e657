/* SPDX-License-Identifier: MIT */
#ifndef KSURF_CMD_DIFFRUN_H
#define KSURF_CMD_DIFFRUN_H

#include <stddef.h>
#include <stdint.h>

#include "cmd/common.h"
#include "diff/surfdiff.h"
#include "report/diffreport.h"
#include "store/surface.h"

/*
 * Whole-surface comparisons of many pairs at once, as `ksurf diff` and `ksurf site`
 * run them: the item table read once, each image's (item, def) list read once per
 * worker, pairs spread over two workers with their own connections. Plan the pairs
 * (ks_diff_run_pair, ks_diff_run_group), then ks_diff_run_compare.
 */
struct ks_diff_job {
	size_t a, b; /* image indexes into the view's list */
};

struct ks_diff_run {
	struct ks_view *v;
	struct ks_item_table items;
	uint8_t *wanted;	/* per kind index; NULL: every kind */
	uint32_t *order, *rank; /* kind display order */
	uint32_t *shown;	/* the kinds to report, in display order */
	size_t nshown;
	struct ks_diff_job *jobs; /* one per pair slot */
	struct ks_surface_diff *diffs;
	struct ks_diff_pair *pairs;
	struct ks_diff_section *sections;
	size_t npairs, nsections, cap_pairs, cap_sections;
};

/*
 * Read the item table and choose the kinds (`kinds`: names, none = every kind the
 * dataset has), with room for max_pairs pairs and max_sections sections. -ENOENT when
 * a wanted kind has no items. On failure the run still needs ks_diff_run_free.
 */
int ks_diff_run_init(struct ks_diff_run *r, struct ks_view *v, const char *const *kinds,
		     size_t nkinds, size_t max_pairs, size_t max_sections);
/* Plan the comparison of images a and b in the next pair slot. */
void ks_diff_run_pair(struct ks_diff_run *r, size_t a, size_t b, const char *la, const char *lb);
/* Plan every pair of group g as one section. */
void ks_diff_run_group(struct ks_diff_run *r, const struct ks_group *g);
/* Compare every planned pair (db_path: for a second worker's connection). */
int ks_diff_run_compare(struct ks_diff_run *r, const char *db_path);
/* The document of the planned sections, for ks_report_diff. */
void ks_diff_run_doc(const struct ks_diff_run *r, struct ks_diff_doc *doc);
void ks_diff_run_free(struct ks_diff_run *r);

#endif
