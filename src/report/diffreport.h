/* SPDX-License-Identifier: MIT */
#ifndef KSURF_REPORT_DIFFREPORT_H
#define KSURF_REPORT_DIFFREPORT_H

#include <stdio.h>

#include "diff/surfdiff.h"
#include "report/report.h"

/*
 * `ksurf diff`: DepSurf's diff table per section (a group, or the one pair A B) — rows
 * kind × (old, new, added, removed, changed, then one row per change type seen for that
 * kind), one column per pair — then the details: each added, removed and changed item
 * of each pair with its change lines. Formats text, md, json (ksurf.diff/1, docs/json.md)
 * csv (counts, or one row per change with `details`) and html.
 */
struct ks_diff_pair {
	const char *from, *to;		   /* image names */
	const char *from_label, *to_label; /* short labels */
	const struct ks_surface_diff *d;   /* sorted with ks_surface_diff_sort */
};

struct ks_diff_section {
	const char *group;   /* NULL for `ksurf diff A B` */
	const char *pairing; /* "version", "variant", or NULL */
	const struct ks_diff_pair *pairs;
	size_t npairs;
};

struct ks_diff_doc {
	const struct ks_item_table *items;
	const uint32_t *kinds; /* kind indexes to report, in display order */
	size_t nkinds;
	const struct ks_diff_section *sections;
	size_t nsections;
	const char *baseline; /* may be NULL */
	int summary;	      /* the table only (text, md, json) */
	int details;	      /* csv: one row per change instead of counts */
	int fragment;	      /* html: the sections only, no document around them */
	int no_heading;	      /* html: the tables without their sections' headings */
};

int ks_report_diff(FILE *out, const struct ks_diff_doc *doc, enum ks_format fmt,
		   const struct ks_style *st);

/* A CSV field: quoted (with doubled quotes) when it holds a comma, quote or line break. */
void ks_csv_field(FILE *out, const char *s);

/* Columns a UTF-8 string takes on a terminal (one per code point; enough for labels). */
size_t ks_text_width(const char *s);

#endif
