/* SPDX-License-Identifier: MIT */
#ifndef KSURF_STORE_SURFACE_H
#define KSURF_STORE_SURFACE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/*
 * Whole surfaces read from the dataset in bulk, for comparisons of every item of two
 * images (`ksurf diff`): the item names once, each image's (item, def) list with one
 * query, and def bodies by id only where two images' def ids differ. Equal def ids
 * mean equal definitions (defs are stored once by content), so most items are never
 * read.
 */

/* Every item of the dataset: kind (an index into kinds) and name, sorted by item id. */
struct ks_item_table {
	int64_t *ids;
	uint32_t *kind;	   /* index into kinds */
	uint32_t *name;	   /* offset into pool */
	size_t n;
	char **kinds;	   /* distinct kind names, in order of first appearance */
	size_t nkinds;
	char *pool;
};

int ks_store_item_table(struct ks_store *st, struct ks_item_table *out);
void ks_item_table_free(struct ks_item_table *t);
static inline const char *ks_item_table_name(const struct ks_item_table *t, size_t i)
{
	return t->pool + t->name[i];
}
/* Index of item id in t, or -1. */
long ks_item_table_find(const struct ks_item_table *t, int64_t id);

/* One image's items: index into the item table, def id and duplicate count, sorted by
 * item index. */
struct ks_image_def {
	uint32_t item;
	uint32_t dups;
	int64_t def;
	int in_module; /* the item lives in a module of the image, not in vmlinux */
};
struct ks_image_defs {
	struct ks_image_def *v;
	size_t n;
};

int ks_store_image_defs(struct ks_store *st, const struct ks_item_table *t, int64_t image_id,
			struct ks_image_defs *out);
void ks_image_defs_free(struct ks_image_defs *d);

/* Def bodies by id, through one prepared statement. */
struct ks_def_reader;
int ks_def_reader_open(struct ks_store *st, struct ks_def_reader **out);
/* The body of def `id` (malloc'ed) in *body; -ENOENT when there is no such def. */
int ks_def_reader_get(struct ks_def_reader *r, int64_t id, char **body);
void ks_def_reader_close(struct ks_def_reader *r);

/* present[i] = 1 for each item of t some image has (t->n bytes). */
int ks_store_items_present(struct ks_store *st, const struct ks_item_table *t, uint8_t *present);

/*
 * Every (item, image) row of the dataset with its def, in item id order then image id
 * (`ksurf site`: each item's rows arrive together). A row's strings are valid until the
 * next call.
 */
struct ks_item_row {
	int64_t item_id, image_id;
	const char *def;
	size_t def_len;
	unsigned dups;
	const char *module, *others; /* NULL: vmlinux / none */
};
struct ks_item_rows;
int ks_store_item_rows_open(struct ks_store *st, struct ks_item_rows **out);
/* 1 with a row, 0 at the end, or a negative errno. */
int ks_store_item_rows_next(struct ks_item_rows *r, struct ks_item_row *row);
void ks_store_item_rows_close(struct ks_item_rows *r);

#endif
