/* SPDX-License-Identifier: MIT */
/* Internal to src/store: the handle and small SQLite helpers. */
#ifndef KSURF_STORE_STORE_INT_H
#define KSURF_STORE_STORE_INT_H

#include <sqlite3.h>
#include <stdio.h>

#include "store/store.h"

#define KS_SCHEMA_VERSION 2

struct ks_store {
	sqlite3 *db;
	char *path;
	int writable;
};

int ks_schema_apply(struct ks_store *st);
int ks_db_exec(struct ks_store *st, const char *sql);
/* Prepare or fail with a message naming the dataset. */
int ks_db_prepare(struct ks_store *st, const char *sql, sqlite3_stmt **stmt);
int ks_db_fail(struct ks_store *st, const char *what);
/* malloc'ed value or NULL */
char *ks_db_meta_get(struct ks_store *st, const char *key);
int ks_db_meta_set(struct ks_store *st, const char *key, const char *value);
/* malloc'ed copy of a text column, NULL for NULL */
char *ks_db_col_text(sqlite3_stmt *s, int col);

#endif
