/* SPDX-License-Identifier: MIT */
/* Reading items and their definitions; user-defined groups. */
#include "store/store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/xalloc.h"

int ks_store_item_defs(struct ks_store *st, const char *kind, const char *name,
		       const int64_t *ids, size_t n, char **defs, unsigned *dups)
{
	sqlite3_stmt *s;
	int rc, ret;

	for (size_t i = 0; i < n; i++) {
		defs[i] = NULL;
		if (dups)
			dups[i] = 0;
	}
	if ((ret = ks_db_prepare(st,
				 "SELECT t.image_id, d.body, t.dups FROM item i"
				 " JOIN image_item t ON t.item_id = i.id"
				 " JOIN def d ON d.id = t.def_id"
				 " WHERE i.kind = ? AND i.name = ?",
				 &s)))
		return ret;
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);

		for (size_t i = 0; i < n; i++) {
			if (ids[i] != id)
				continue;
			free(defs[i]);
			defs[i] = ks_db_col_text(s, 1);
			if (dups)
				dups[i] = (unsigned)sqlite3_column_int(s, 2);
		}
	}
	if (rc != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot read item");
	sqlite3_finalize(s);
	return ret;
}

int ks_store_item_where(struct ks_store *st, const char *kind, const char *name,
			const int64_t *ids, size_t n, char **where, char **others)
{
	sqlite3_stmt *s;
	int rc, ret;

	for (size_t i = 0; i < n; i++) {
		where[i] = NULL;
		if (others)
			others[i] = NULL;
	}
	if ((ret = ks_db_prepare(st,
				 "SELECT t.image_id, t.module, t.others FROM item i"
				 " JOIN image_item t ON t.item_id = i.id"
				 " WHERE i.kind = ? AND i.name = ?",
				 &s)))
		return ret;
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);

		for (size_t i = 0; i < n; i++) {
			if (ids[i] != id)
				continue;
			free(where[i]);
			where[i] = ks_db_col_text(s, 1);
			if (others) {
				free(others[i]);
				others[i] = ks_db_col_text(s, 2);
			}
		}
	}
	if (rc != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot read item");
	sqlite3_finalize(s);
	return ret;
}

int ks_store_item_names(struct ks_store *st, const char *kind, const char *like, char ***names,
			size_t *n)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc, ret;

	*names = NULL;
	*n = 0;
	if ((ret = ks_db_prepare(st,
				 "SELECT name FROM item WHERE kind = ? AND (?2 IS NULL OR name LIKE ?2)"
				 " ORDER BY name",
				 &s)))
		return ret;
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	if (like)
		sqlite3_bind_text(s, 2, like, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*names = realloc(*names, cap * sizeof(**names));
			if (!*names)
				abort();
		}
		(*names)[(*n)++] = ks_db_col_text(s, 0);
	}
	if (rc != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot list items");
	sqlite3_finalize(s);
	return ret;
}

int ks_store_groups(struct ks_store *st, struct ks_group_row **out, size_t *n)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc, ret;

	*out = NULL;
	*n = 0;
	if ((ret = ks_db_prepare(st, "SELECT name, pairing, images FROM grp ORDER BY name", &s)))
		return ret;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = realloc(*out, cap * sizeof(**out));
			if (!*out)
				abort();
		}
		(*out)[*n].name = ks_db_col_text(s, 0);
		(*out)[*n].pairing = ks_db_col_text(s, 1);
		(*out)[*n].images = ks_db_col_text(s, 2);
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot list groups");
	sqlite3_finalize(s);
	return ret;
}

int ks_store_group_put(struct ks_store *st, const char *name, const char *pairing,
		       const char *images_json)
{
	sqlite3_stmt *s;
	int ret;

	if ((ret = ks_db_prepare(st, "INSERT OR REPLACE INTO grp(name, pairing, images) VALUES(?,?,?)",
				 &s)))
		return ret;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, pairing, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, images_json, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot store group");
	sqlite3_finalize(s);
	return ret;
}

int ks_store_group_del(struct ks_store *st, const char *name)
{
	sqlite3_stmt *s;
	int ret;

	if ((ret = ks_db_prepare(st, "DELETE FROM grp WHERE name = ?", &s)))
		return ret;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot delete group");
	else if (sqlite3_changes(st->db) == 0)
		ret = ks_err(-ENOENT, "no group named %s", name);
	sqlite3_finalize(s);
	return ret;
}

void ks_group_rows_free(struct ks_group_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].pairing);
		free(v[i].images);
	}
	free(v);
}

int ks_store_image_btf(struct ks_store *st, int64_t image_id, void **buf, size_t *cap,
		       size_t *size)
{
	sqlite3_blob *b;
	int n;

	*size = 0;
	if (sqlite3_blob_open(st->db, "main", "btf", "data", image_id, 0, &b) != SQLITE_OK)
		return ks_err(-ENOENT, "%s: image %lld has no BTF (%s)", ks_store_path(st),
			      (long long)image_id, sqlite3_errmsg(st->db));
	n = sqlite3_blob_bytes(b);
	if ((size_t)n > *cap) {
		free(*buf);
		*buf = malloc((size_t)n);
		if (!*buf)
			abort();
		*cap = (size_t)n;
	}
	if (n && sqlite3_blob_read(b, *buf, n, 0) != SQLITE_OK) {
		sqlite3_blob_close(b);
		return ks_db_fail(st, "cannot read a BTF blob");
	}
	sqlite3_blob_close(b);
	*size = (size_t)n;
	return 0;
}

int ks_store_kind_rows(struct ks_store *st, const char *kind, struct ks_kind_row **out, size_t *n)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc, ret;

	*out = NULL;
	*n = 0;
	if ((ret = ks_db_prepare(st,
				 "SELECT t.image_id, i.name, json_extract(d.body, '$.value') FROM item i"
				 " JOIN image_item t ON t.item_id = i.id JOIN def d ON d.id = t.def_id"
				 " WHERE i.kind = ? ORDER BY t.image_id, i.name",
				 &s)))
		return ret;
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			*out = ks_xrealloc_array(*out, cap, sizeof(**out));
		}
		(*out)[*n].image_id = sqlite3_column_int64(s, 0);
		(*out)[*n].name = ks_db_col_text(s, 1);
		(*out)[*n].has_value = sqlite3_column_type(s, 2) == SQLITE_INTEGER;
		(*out)[*n].value = sqlite3_column_int64(s, 2);
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot read items");
	sqlite3_finalize(s);
	return ret;
}

void ks_kind_rows_free(struct ks_kind_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}
