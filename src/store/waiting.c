/* SPDX-License-Identifier: MIT */
/*
 * Images waiting for their types: kernels without BTF, added before their -dbg package.
 * They live in a table of their own, so that nothing that reads images (groups, pages,
 * diffs, checks) has to know about an image without types.
 */
#include "store/store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest/config.h"
#include "util/err.h"

#define WAITING_COLS                                                                               \
	"release, name, version, revision, flavor, arch, distro, source, packing, banner,"         \
	" config_source, config, added_at"

void ks_waiting_free(struct ks_waiting *w)
{
	ks_identity_free(&w->ident);
	free(w->source);
	free(w->packing);
	free(w->banner);
	free(w->config_source);
	free(w->config_text);
	free(w->added_at);
	memset(w, 0, sizeof(*w));
}

static void read_row(sqlite3_stmt *s, struct ks_waiting *w)
{
	memset(w, 0, sizeof(*w));
	w->ident.release = ks_db_col_text(s, 0);
	w->ident.name = ks_db_col_text(s, 1);
	w->ident.version = ks_db_col_text(s, 2);
	w->ident.revision = ks_db_col_text(s, 3);
	w->ident.flavor = ks_db_col_text(s, 4);
	w->ident.arch = ks_db_col_text(s, 5);
	w->ident.distro = ks_db_col_text(s, 6);
	w->source = ks_db_col_text(s, 7);
	w->packing = ks_db_col_text(s, 8);
	w->banner = ks_db_col_text(s, 9);
	w->config_source = ks_db_col_text(s, 10);
	w->config_text = ks_db_col_text(s, 11);
	w->added_at = ks_db_col_text(s, 12);
}

/* A dataset written before the table existed has none: nothing waits there. */
static int has_table(struct ks_store *st)
{
	sqlite3_stmt *s;
	int has;

	if (ks_db_prepare(
		st, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'waiting'", &s))
		return -EIO;
	has = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return has;
}

int ks_db_waiting_list(struct ks_store *st, struct ks_waiting **out, size_t *n)
{
	sqlite3_stmt *s;
	int rc, ret;

	*out = NULL;
	*n = 0;
	if ((ret = has_table(st)) <= 0)
		return ret;
	if ((ret = ks_db_prepare(st, "SELECT " WAITING_COLS " FROM waiting ORDER BY name", &s)))
		return ret;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = realloc(*out, (*n + 1) * sizeof(**out));
		if (!*out)
			abort();
		read_row(s, &(*out)[(*n)++]);
	}
	if (rc != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot list the images waiting for their types");
	sqlite3_finalize(s);
	return ret;
}

int ks_store_waiting_get(struct ks_store *st, const char *rel, struct ks_waiting *out)
{
	sqlite3_stmt *s;
	int ret, found = 0;

	memset(out, 0, sizeof(*out));
	if ((ret = has_table(st)) <= 0)
		return ret;
	if ((ret = ks_db_prepare(st, "SELECT " WAITING_COLS " FROM waiting WHERE release = ?", &s)))
		return ret;
	sqlite3_bind_text(s, 1, rel, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		read_row(s, out);
		found = 1;
	}
	sqlite3_finalize(s);
	return found;
}

/* The image of release rel whose types came from DWARF: its id, and whether it has a
 * config. 1 when found, 0 when not. */
static int dwarf_image(struct ks_store *st, const char *rel, int64_t *id, int *has_config)
{
	sqlite3_stmt *s;
	int ret, found = 0;

	if ((ret = ks_db_prepare(st,
				 "SELECT id, config_source IS NOT NULL FROM image"
				 " WHERE release = ? AND btf_found_by LIKE 'DWARF%'",
				 &s)))
		return ret;
	sqlite3_bind_text(s, 1, rel, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		*has_config = sqlite3_column_int(s, 1);
		found = 1;
	}
	sqlite3_finalize(s);
	return found;
}

static int name_taken(struct ks_store *st, const char *name)
{
	sqlite3_stmt *s;
	int ret;

	if ((ret = ks_db_prepare(st, "SELECT 1 FROM image WHERE name = ?", &s)))
		return ret;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	ret = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return ret;
}

static int insert_waiting(struct ks_store *st, const struct ks_waiting *w)
{
	const char *v[] = {w->ident.release, w->ident.name, w->ident.version, w->ident.revision,
			   w->ident.flavor,  w->ident.arch, w->ident.distro,  w->source,
			   w->packing,	     w->banner,	    w->config_source, w->config_text};
	char now[32];
	time_t t = time(NULL);
	sqlite3_stmt *s;
	int ret;

	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	if ((ret = ks_db_prepare(st,
				 "INSERT OR REPLACE INTO waiting(" WAITING_COLS ")"
				 " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
				 &s)))
		return ret;
	for (int i = 0; i < (int)(sizeof(v) / sizeof(v[0])); i++)
		sqlite3_bind_text(s, i + 1, v[i], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 13, now, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot record the image as waiting for its types");
	sqlite3_finalize(s);
	return ret;
}

int ks_store_waiting_put(struct ks_store *st, const struct ks_waiting *w,
			 const struct ks_config *config)
{
	int64_t id;
	int ret, has_config = 1;

	if ((ret = ks_db_exec(st, "BEGIN IMMEDIATE")))
		return ret;
	ret = dwarf_image(st, w->ident.release, &id, &has_config);
	if (ret > 0) {
		ret = 1;
		if (!has_config && config && config->n) {
			if ((ret = ks_db_insert_config(st, id, config)) ||
			    (ret = ks_db_note_part(st, id,
						   "UPDATE image SET config_source = ?, nconfig = ?"
						   " WHERE id = ?",
						   w->config_source, config->n)))
				goto fail;
			ret = 2;
		}
		goto commit;
	}
	if (ret < 0 || (ret = name_taken(st, w->ident.name)) < 0)
		goto fail;
	if (ret) {
		ret = ks_err(-EEXIST,
			     "%s: an image named %s is already in the dataset; choose "
			     "another name with --name",
			     w->source, w->ident.name);
		goto fail;
	}
	if ((ret = insert_waiting(st, w)))
		goto fail;
commit:
	if (ks_db_exec(st, "COMMIT")) {
		ret = ks_db_fail(st, "cannot commit");
		goto fail;
	}
	return ret;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}
