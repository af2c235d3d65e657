/* SPDX-License-Identifier: MIT */
/*
 * `ksurf site`: a static website of the dataset (SPEC §6). The writer keeps the site
 * incremental — a manifest of every file's content hash, so a run writes only the files
 * whose bytes changed and removes the ones it no longer produces — and the page makers
 * write the shared pieces: the page shell, the home page, the index of each kind with
 * its data file, the search index, and the summary page with its plots.
 */
#ifndef KSURF_REPORT_SITE_H
#define KSURF_REPORT_SITE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diff/surfdiff.h"
#include "report/diffreport.h"
#include "store/group.h"
#include "store/store.h"
#include "store/surface.h"

struct strbuf;
struct json_t;

/* ---- the writer (site_write.c) ---- */

struct ks_site;

struct ks_site_stats {
	size_t files, written, unchanged, removed;
	uint64_t bytes; /* of every file of the site */
};

/*
 * Open DIR as a site: created when missing; an existing site (its manifest
 * `.ksurf-site`) is updated; any other non-empty directory is refused (-EEXIST), so a
 * mistyped path never gets pages mixed into it.
 */
int ks_site_open(const char *dir, struct ks_site **out);
/*
 * File `path` (relative, '/'-separated) of the site has these bytes: written unless the
 * manifest says the file holds them already. Safe to call from several threads.
 */
int ks_site_put(struct ks_site *s, const char *path, const void *data, size_t len);
/* Write the manifest, remove the files of the last run this one did not put, free. */
int ks_site_close(struct ks_site *s, struct ks_site_stats *stats);
/* Free without touching the manifest (after a failure: the last run's manifest stays). */
void ks_site_abort(struct ks_site *s);

/* Parse a manifest's bytes alone (the fuzz target's entry): 0 or -EINVAL with a message. */
int ks_site_manifest_check(const char *buf, size_t len);

/* A page's file name from an item name: letters, digits, '_', '-' and '.' kept, other
 * bytes as ~XX, a leading '.' too; ".html" appended. */
void ks_site_file_name(struct strbuf *sb, const char *name);

/* ---- pages (site_pages.c) ---- */

/* What the pages are made of. Strings are borrowed. */
struct ks_site_doc {
	const struct ks_image_list *imgs;
	const struct ks_groups *groups;
	const struct ks_item_table *items;
	const uint32_t *kinds; /* kind indexes with pages, in display order */
	size_t nkinds;
	/* per item of items: KS_IMG_* bits per image (items->n × imgs->n) and per group 1
	   when it changed (items->n × groups->n); present[i]: the item has a page */
	const unsigned char *img_bits, *group_changed, *present;
	const struct ks_diff_doc *diff; /* every group's pairs (summary) */
	/* saved check results (ksurf.check-result/1 documents) and when they were made */
	struct json_t **checks;
	const char *const *check_times;
	size_t nchecks;
	/* the page of kind/name, relative to the site's root: 1 and its href, or 0 */
	int (*link)(void *ctx, const char *kind, const char *name, struct strbuf *href);
	void *link_ctx;
	const char *dataset;		/* the dataset's path, for the footer */
};

/*
 * The page shell around a body: title, the bar with links home, to the kinds' indexes
 * (each kind's, or only `kind`'s when not NULL), to the summary and the search box.
 * depth: how many folders below the site's root the page sits (its links go up).
 */
void ks_site_head(FILE *out, const struct ks_site_doc *d, const char *title, int depth,
		  const char *kind);
void ks_site_foot(FILE *out, const struct ks_site_doc *d);

/* A page made in memory (its stream is the calling thread's alone), then handed to the
 * writer under its path (NULL: dropped), freed either way. */
struct ks_site_page {
	char *buf;
	size_t len;
	FILE *f;
};
FILE *ks_site_page_open(struct ks_site_page *p);
int ks_site_page_put(struct ks_site *s, struct ks_site_page *p, const char *path);

/* index.html, KIND.html with data/KIND.js, search.js and the assets. */
int ks_site_write_indexes(struct ks_site *s, const struct ks_site_doc *d);
/* programs.html, when there are saved check results. */
int ks_site_write_checks(struct ks_site *s, const struct ks_site_doc *d);
/* summary.html: the diff tables of every group, the plots. */
int ks_site_write_summary(struct ks_site *s, const struct ks_site_doc *d);

/* The site's script (assets/ksurf.js, embedded at build time; the style sheet is
 * ks_html_css of html.h). */
extern const char ks_site_js[];

#endif
