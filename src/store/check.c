/* SPDX-License-Identifier: MIT */
/*
 * Saved `ksurf check` results (`check --save`), for the site's program × kernel matrix.
 * An optional table: created by the first save, absent from datasets that never saw
 * one (readers then find no results), so it needs no schema version of its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_int.h"
#include "util/err.h"

static const char check_sql[] = "CREATE TABLE IF NOT EXISTS check_result(\n"
				"  object TEXT PRIMARY KEY,\n"
				"  checked_at TEXT NOT NULL,\n"
				"  report TEXT NOT NULL);\n";

int ks_store_check_save(struct ks_store *st, const char *const *objects,
			const char *const *reports, size_t n)
{
	sqlite3_stmt *s = NULL;
	int ret;

	if ((ret = ks_db_exec(st, "BEGIN IMMEDIATE")))
		return ret;
	if ((ret = ks_db_exec(st, check_sql)) ||
	    (ret = ks_db_prepare(st, "INSERT OR REPLACE INTO check_result(object, checked_at, report) "
				     "VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)",
				 &s)))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, objects[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, reports[i], -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			ret = ks_db_fail(st, "saving check results");
			goto fail;
		}
	}
	sqlite3_finalize(s);
	return ks_db_exec(st, "COMMIT");
fail:
	sqlite3_finalize(s);
	ks_db_exec(st, "ROLLBACK");
	return ret;
}

int ks_store_check_results(struct ks_store *st, struct ks_check_row **out, size_t *n)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc, ret;

	*out = NULL;
	*n = 0;
	if ((ret = ks_db_prepare(st, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
				     "name = 'check_result'",
				 &s)))
		return ret;
	rc = sqlite3_step(s);
	ret = rc == SQLITE_ROW && sqlite3_column_int(s, 0) > 0;
	sqlite3_finalize(s);
	if (!ret)
		return 0;
	if ((ret = ks_db_prepare(st, "SELECT object, checked_at, report FROM check_result ORDER BY object",
				 &s)))
		return ret;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			*out = realloc(*out, cap * sizeof(**out));
			if (!*out)
				abort();
		}
		(*out)[*n].object = ks_db_col_text(s, 0);
		(*out)[*n].checked_at = ks_db_col_text(s, 1);
		(*out)[*n].report = ks_db_col_text(s, 2);
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		ret = ks_db_fail(st, "reading check results");
	sqlite3_finalize(s);
	return ret;
}

void ks_check_rows_free(struct ks_check_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].object);
		free(rows[i].checked_at);
		free(rows[i].report);
	}
	free(rows);
}
