/* SPDX-License-Identifier: MIT */
/* Whole surfaces in bulk: item names, each image's (item, def) list, def bodies by id. */
#include "store/surface.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "util/err.h"
#include "util/strbuf.h"

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 1024;
	if (*cap < need)
		*cap = need;
	p = realloc(p, *cap * size);
	if (!p)
		abort();
	return p;
}

/* The index of kind name k in t->kinds, appended when new (a handful of kinds). */
static uint32_t kind_index(struct ks_item_table *t, const char *k)
{
	for (size_t i = 0; i < t->nkinds; i++)
		if (!strcmp(t->kinds[i], k))
			return (uint32_t)i;
	t->kinds = realloc(t->kinds, (t->nkinds + 1) * sizeof(*t->kinds));
	if (!t->kinds || !(t->kinds[t->nkinds] = strdup(k)))
		abort();
	return (uint32_t)t->nkinds++;
}

int ks_store_item_table(struct ks_store *st, struct ks_item_table *out)
{
	struct strbuf pool = STRBUF_INIT;
	sqlite3_stmt *s;
	size_t cap = 0;
	uint32_t last_kind = 0;
	const char *last_kname = NULL;
	int rc, ret;

	memset(out, 0, sizeof(*out));
	if ((ret = ks_db_prepare(st, "SELECT id, kind, name FROM item ORDER BY id", &s)))
		return ret;
	sb_init(&pool);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(s, 1);
		const char *name = (const char *)sqlite3_column_text(s, 2);
		size_t c0 = cap;

		if (!k || !name)
			continue;
		out->ids = grow(out->ids, &cap, out->n + 1, sizeof(*out->ids));
		if (cap != c0) {
			out->kind = realloc(out->kind, cap * sizeof(*out->kind));
			out->name = realloc(out->name, cap * sizeof(*out->name));
			if (!out->kind || !out->name)
				abort();
		}
		/* rows of one kind come in runs: skip the lookup while the kind repeats */
		if (!last_kname || strcmp(last_kname, k)) {
			last_kind = kind_index(out, k);
			last_kname = out->kinds[last_kind];
		}
		if (pool.len > UINT32_MAX - 4096) {
			ret = ks_err(-EFBIG, "%s: item names exceed 4 GiB", st->path);
			break;
		}
		out->ids[out->n] = sqlite3_column_int64(s, 0);
		out->kind[out->n] = last_kind;
		out->name[out->n] = (uint32_t)pool.len;
		sb_addn(&pool, name, (size_t)sqlite3_column_bytes(s, 2));
		sb_addc(&pool, '\0');
		out->n++;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot read items");
	sqlite3_finalize(s);
	out->pool = sb_detach(&pool);
	if (ret)
		ks_item_table_free(out);
	return ret;
}

void ks_item_table_free(struct ks_item_table *t)
{
	for (size_t i = 0; i < t->nkinds; i++)
		free(t->kinds[i]);
	free(t->kinds);
	free(t->ids);
	free(t->kind);
	free(t->name);
	free(t->pool);
	memset(t, 0, sizeof(*t));
}

long ks_item_table_find(const struct ks_item_table *t, int64_t id)
{
	size_t lo = 0, hi = t->n;

	/* ids are dense unless items were deleted: the id is then its own index */
	if (id >= 1 && (uint64_t)id <= t->n && t->ids[id - 1] == id)
		return (long)(id - 1);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->ids[lo] == id ? (long)lo : -1;
}

static int cmp_image_def(const void *a, const void *b)
{
	const struct ks_image_def *x = a, *y = b;

	return (x->item > y->item) - (x->item < y->item);
}

int ks_store_image_defs(struct ks_store *st, const struct ks_item_table *t, int64_t image_id,
			struct ks_image_defs *out)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc, ret, sorted = 1;

	memset(out, 0, sizeof(*out));
	if ((ret = ks_db_prepare(st,
				 "SELECT item_id, def_id, dups, module IS NOT NULL FROM image_item"
				 " WHERE image_id = ?"
				 " ORDER BY item_id",
				 &s)))
		return ret;
	sqlite3_bind_int64(s, 1, image_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		long i = ks_item_table_find(t, sqlite3_column_int64(s, 0));

		if (i < 0) {
			ret = ks_err(-EUCLEAN, "%s: image %lld lists item %lld that does not exist",
				     st->path, (long long)image_id,
				     (long long)sqlite3_column_int64(s, 0));
			break;
		}
		out->v = grow(out->v, &cap, out->n + 1, sizeof(*out->v));
		out->v[out->n].item = (uint32_t)i;
		out->v[out->n].def = sqlite3_column_int64(s, 1);
		out->v[out->n].dups = (uint32_t)sqlite3_column_int(s, 2);
		out->v[out->n].in_module = sqlite3_column_int(s, 3);
		if (out->n && out->v[out->n - 1].item >= (uint32_t)i)
			sorted = 0;
		out->n++;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot read the image's items");
	sqlite3_finalize(s);
	if (ret) {
		ks_image_defs_free(out);
		return ret;
	}
	if (!sorted)
		qsort(out->v, out->n, sizeof(*out->v), cmp_image_def);
	return 0;
}

void ks_image_defs_free(struct ks_image_defs *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

struct ks_def_reader {
	struct ks_store *st;
	sqlite3_stmt *s;
};

int ks_def_reader_open(struct ks_store *st, struct ks_def_reader **out)
{
	struct ks_def_reader *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		abort();
	r->st = st;
	if ((ret = ks_db_prepare(st, "SELECT body FROM def WHERE id = ?", &r->s))) {
		free(r);
		return ret;
	}
	*out = r;
	return 0;
}

int ks_def_reader_get(struct ks_def_reader *r, int64_t id, char **body)
{
	int rc, ret = 0;

	*body = NULL;
	sqlite3_reset(r->s);
	sqlite3_bind_int64(r->s, 1, id);
	rc = sqlite3_step(r->s);
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(r->s, 0);
		size_t len = (size_t)sqlite3_column_bytes(r->s, 0);

		if (!t)
			return ks_err(-EUCLEAN, "%s: def %lld has no body", r->st->path, (long long)id);
		if (!(*body = malloc(len + 1)))
			abort();
		memcpy(*body, t, len);
		(*body)[len] = '\0';
	} else if (rc == SQLITE_DONE) {
		ret = ks_err(-ENOENT, "%s: def %lld does not exist", r->st->path, (long long)id);
	} else {
		ret = ks_db_fail(r->st, "cannot read a definition");
	}
	sqlite3_reset(r->s);
	return ret;
}

void ks_def_reader_close(struct ks_def_reader *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->s);
	free(r);
}

struct ks_item_rows {
	struct ks_store *st;
	sqlite3_stmt *s;
};

int ks_store_item_rows_open(struct ks_store *st, struct ks_item_rows **out)
{
	struct ks_item_rows *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		abort();
	r->st = st;
	/* image_item_by_item gives the item order; each def is found by its rowid */
	ret = ks_db_prepare(st,
			    "SELECT ii.item_id, ii.image_id, d.body, ii.dups, ii.module, ii.others "
			    "FROM image_item ii INDEXED BY image_item_by_item JOIN def d ON d.id = ii.def_id "
			    "ORDER BY ii.item_id, ii.image_id",
			    &r->s);
	if (ret) {
		free(r);
		return ret;
	}
	*out = r;
	return 0;
}

int ks_store_item_rows_next(struct ks_item_rows *r, struct ks_item_row *row)
{
	int rc = sqlite3_step(r->s);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return ks_db_fail(r->st, "reading items");
	row->item_id = sqlite3_column_int64(r->s, 0);
	row->image_id = sqlite3_column_int64(r->s, 1);
	row->def = (const char *)sqlite3_column_text(r->s, 2);
	row->def_len = (size_t)sqlite3_column_bytes(r->s, 2);
	row->dups = (unsigned)sqlite3_column_int64(r->s, 3);
	row->module = (const char *)sqlite3_column_text(r->s, 4);
	row->others = (const char *)sqlite3_column_text(r->s, 5);
	if (!row->def)
		return ks_err(-EUCLEAN, "%s: item %lld of image %lld has no def", r->st->path,
			      (long long)row->item_id, (long long)row->image_id);
	return 1;
}

void ks_store_item_rows_close(struct ks_item_rows *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->s);
	free(r);
}

int ks_store_items_present(struct ks_store *st, const struct ks_item_table *t, uint8_t *present)
{
	sqlite3_stmt *s;
	int rc, ret;

	memset(present, 0, t->n);
	if ((ret = ks_db_prepare(st, "SELECT DISTINCT item_id FROM image_item INDEXED BY "
				     "image_item_by_item ORDER BY item_id",
				 &s)))
		return ret;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		long i = ks_item_table_find(t, sqlite3_column_int64(s, 0));

		if (i >= 0)
			present[i] = 1;
	}
	if (rc != SQLITE_DONE)
		ret = ks_db_fail(st, "reading items");
	sqlite3_finalize(s);
	return ret;
}
