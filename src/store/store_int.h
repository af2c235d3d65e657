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

/* An image's config rows (image.c). */
int ks_db_insert_config(struct ks_store *st, int64_t id, const struct ks_config *cfg);
/* Record where a late-coming part (symbols, config) came from and how many rows it
 * gave: sql binds (source, n, id). */
int ks_db_note_part(struct ks_store *st, int64_t id, const char *sql, const char *source,
		    size_t n);
/* The images waiting for their types, for the image list (waiting.c). */
int ks_db_waiting_list(struct ks_store *st, struct ks_waiting **out, size_t *n);

#endif
