/* SPDX-License-Identifier: MIT */
#include "store/store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"

int ks_db_fail(struct ks_store *st, const char *what)
{
	int code = sqlite3_errcode(st->db);
	int e = code == SQLITE_BUSY || code == SQLITE_LOCKED ? -EBUSY
		: code == SQLITE_FULL				? -ENOSPC
		: code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? -EUCLEAN
		: code == SQLITE_READONLY || code == SQLITE_PERM ? -EACCES
								   : -EIO;

	return ks_err(e, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

int ks_db_exec(struct ks_store *st, const char *sql)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return ks_db_fail(st, "query failed");
	return 0;
}

int ks_db_prepare(struct ks_store *st, const char *sql, sqlite3_stmt **stmt)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK) {
		*stmt = NULL;
		return ks_db_fail(st, "cannot prepare query");
	}
	return 0;
}

char *ks_db_col_text(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	char *r;

	if (!t)
		return NULL;
	r = strdup((const char *)t);
	if (!r)
		abort();
	return r;
}

char *ks_db_meta_get(struct ks_store *st, const char *key)
{
	sqlite3_stmt *s;
	char *v = NULL;

	if (ks_db_prepare(st, "SELECT value FROM meta WHERE key = ?", &s))
		return NULL;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = ks_db_col_text(s, 0);
	sqlite3_finalize(s);
	return v;
}

int ks_db_meta_set(struct ks_store *st, const char *key, const char *value)
{
	sqlite3_stmt *s;
	int ret = 0;

	if ((ret = ks_db_prepare(st, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", &s)))
		return ret;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot write meta");
	sqlite3_finalize(s);
	return ret;
}

/*
 * Open the dataset. Readers open read-only and fail clearly when it does not exist;
 * writers create it. WAL journaling: one writer and any number of readers, and a crash
 * or kill mid-transaction rolls back to the last commit on the next open.
 */
int ks_store_open(const char *path, int mode, struct ks_store **out)
{
	struct ks_store *st = calloc(1, sizeof(*st));
	int flags = mode == KS_STORE_WRITE ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
					   : SQLITE_OPEN_READONLY;
	int ret;

	if (!st)
		abort();
	st->path = strdup(path);
	st->writable = mode == KS_STORE_WRITE;
	/* One connection per thread of ours: SQLite's own mutexes are pure overhead. */
	flags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		if (mode == KS_STORE_READ && access(path, F_OK))
			ret = ks_err(-ENOENT, "%s: no dataset here (create one with `ksurf add`)",
				     path);
		else
			ret = ks_db_fail(st, "cannot open dataset");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 10000);
	sqlite3_extended_result_codes(st->db, 0);
	if (st->writable) {
		if ((ret = ks_db_exec(st, "PRAGMA journal_mode=WAL")))
			goto fail;
		if ((ret = ks_db_exec(st, "PRAGMA synchronous=NORMAL")))
			goto fail;
	}
	if ((ret = ks_db_exec(st, "PRAGMA foreign_keys=ON")))
		goto fail;
	/*
	 * A writer: an image is tens of MB of rows, keep its pages in memory instead of
	 * re-reading them (the default 2 MB cache made an ingest read back what it had just
	 * written). A reader reads most pages once (a diff keeps the defs it reuses itself):
	 * a small cache and no mmap keep its memory small (a five-pair diff peaked at
	 * 320 MiB with mmap, 170 MiB without, in the same time).
	 */
	if ((ret = ks_db_exec(st, st->writable ? "PRAGMA cache_size=-524288;"
						 "PRAGMA mmap_size=1073741824;"
						 "PRAGMA temp_store=MEMORY"
					       : "PRAGMA cache_size=-8192; PRAGMA temp_store=MEMORY")))
		goto fail;
	if (st->writable) {
		if ((ret = ks_schema_apply(st)))
			goto fail;
	} else {
		char *ver;

		/*
		 * A reader works in one read transaction: it sees one snapshot even while an
		 * ingest commits, and SQLite takes its file locks once instead of around
		 * every statement (a diff runs ~10^5 of them: the locks were a sixth of it).
		 */
		if ((ret = ks_db_exec(st, "BEGIN")))
			goto fail;
		ver = ks_db_meta_get(st, "schema_version");

		if (!ver) {
			ret = ks_err(-EPROTO, "%s: not a ksurf dataset", path);
			goto fail;
		}
		if (atoi(ver) != KS_SCHEMA_VERSION) {
			ret = ks_err(-EPROTO,
				     "%s: dataset schema version %s, this ksurf reads version %d%s",
				     path, ver, KS_SCHEMA_VERSION,
				     atoi(ver) == 1 ? " (any `ksurf add` to it upgrades version 1)" : "");
			free(ver);
			goto fail;
		}
		free(ver);
	}
	*out = st;
	return 0;
fail:
	ks_store_close(st);
	*out = NULL;
	return ret;
}

void ks_store_close(struct ks_store *st)
{
	if (!st)
		return;
	if (!st->writable && st->db)
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

const char *ks_store_path(const struct ks_store *st)
{
	return st->path;
}
