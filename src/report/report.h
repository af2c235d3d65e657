/* SPDX-License-Identifier: MIT */
#ifndef KSURF_REPORT_REPORT_H
#define KSURF_REPORT_REPORT_H

#include <stdio.h>

struct strbuf;
#include "store/group.h"
#include "store/store.h"

enum ks_format { KS_FMT_TEXT, KS_FMT_MD, KS_FMT_JSON, KS_FMT_HTML, KS_FMT_CSV };

/* -1 when unknown. */
int ks_format_parse(const char *s);
const char *ks_format_name(enum ks_format f);

/* Terminal styling: the codes are empty strings unless colour is on. */
struct ks_style {
	int color;
	const char *bold, *dim, *green, *yellow, *red, *reset;
};
void ks_style_init(struct ks_style *s, int color);

/*
 * The per-item page (SPEC §6, §9): for each group, the item in each image with its C
 * rendering, then each pair's verdict and changes. defs[i]/dups[i] are per image of
 * `imgs` (NULL def: absent). Groups to show: all of `groups`, or only `only` when not
 * NULL. all_defs: print every image's definition even when equal to the previous one.
 * Returns 0 or a negative errno (a def that does not parse).
 */
struct ks_page {
	const char *kind;
	const char *name;
	const struct ks_image_list *imgs;
	const struct ks_groups *groups;
	const struct ks_group *const *only; /* NULL-terminated, or NULL for all */
	char *const *defs;
	const unsigned *dups;
	char *const *where;  /* per image: the modules the item lives in, NULL for vmlinux
				(the array may be NULL: all vmlinux) */
	char *const *others; /* per image: modules defining it differently, or NULL */
	int all_defs;
	/* html: where a type named in C points (kind "struct", "union", "enum" or
	   "typedef"): 1 with the href in *href, 0 for no link. NULL: no links. */
	int (*link)(void *ctx, const char *kind, const char *name, struct strbuf *href);
	void *link_ctx;
	int fragment;		   /* html: the page's body only (the site wraps it) */
	struct ks_page_sum *sum;   /* html: filled when not NULL */
};

/* What an item page found in each image (bits of ks_page_sum.img). */
enum {
	KS_IMG_PRESENT = 1 << 0,
	KS_IMG_FULL_INLINE = 1 << 1,
	KS_IMG_SELECTIVE_INLINE = 1 << 2,
	KS_IMG_TRANSFORMED = 1 << 3,
	KS_IMG_DUPLICATE = 1 << 4,   /* a DWARF duplicate, or more defs of the name */
	KS_IMG_COLLISION = 1 << 5,
	KS_IMG_UNKNOWN = 1 << 6,     /* absent from vmlinux, modules not ingested */
	KS_IMG_CHANGED = 1 << 7,     /* added or changed against its pair's other image */
};

/* The page's verdicts, for an index of pages: per image of imgs, KS_IMG_* bits; per
 * group of groups, 1 when some pair is added, removed or changed. */
struct ks_page_sum {
	unsigned char *img;
	unsigned char *group;
};
int ks_report_page(FILE *out, const struct ks_page *page, enum ks_format fmt,
		   const struct ks_style *st);

struct ks_change;
struct strbuf;
/* One change as a human line: "Field added. sector_t write_offset". */
void ks_change_line(const struct ks_change *c, struct strbuf *sb);

/* The image list and groups (`ksurf list`). */
int ks_report_images(FILE *out, const struct ks_image_list *imgs, const struct ks_groups *g,
		     enum ks_format fmt, const struct ks_style *st);

/* Write a JSON value (jansson) the one way: indented 2, sorted keys where given, newline. */
struct json_t;
int ks_json_print(FILE *out, struct json_t *v);

#endif
