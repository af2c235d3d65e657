/* SPDX-License-Identifier: MIT */
/*
 * The dataset schema, in one place. Documented for users in docs/dataset.md; bump
 * KS_SCHEMA_VERSION on any change and teach ks_schema_apply to migrate or refuse.
 */
#include "store/store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS meta(\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS image(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  version TEXT, revision TEXT, flavor TEXT, arch TEXT, distro TEXT,\n"
	"  release TEXT,\n"
	"  content_hash TEXT NOT NULL UNIQUE,\n"
	"  source TEXT NOT NULL,\n"
	"  packing TEXT, btf_found_by TEXT, btf_endian TEXT,\n"
	"  btf_types INTEGER NOT NULL,\n"
	"  banner TEXT,\n"
	"  sym_source TEXT, config_source TEXT,\n"
	"  nsyms INTEGER NOT NULL DEFAULT 0, nconfig INTEGER NOT NULL DEFAULT 0,\n"
	"  nitems INTEGER NOT NULL DEFAULT 0,\n"
	"  added_at TEXT NOT NULL,\n"
	"  modules INTEGER, modules_skipped INTEGER,\n"
	"  dwarf_source TEXT);\n"
	"CREATE TABLE IF NOT EXISTS btf(\n"
	"  image_id INTEGER PRIMARY KEY REFERENCES image(id) ON DELETE CASCADE,\n"
	"  data BLOB NOT NULL);\n"
	/* Keyed by name first: lookups are by name across images, and the table is its own
	 * index (a separate name index doubled the dataset's size). */
	"CREATE TABLE IF NOT EXISTS symbol(\n"
	"  name TEXT NOT NULL,\n"
	"  image_id INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,\n"
	"  addr INTEGER NOT NULL,\n"
	"  type TEXT NOT NULL,\n"
	"  PRIMARY KEY(name, image_id, addr)) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS config(\n"
	"  image_id INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,\n"
	"  name TEXT NOT NULL,\n"
	"  value TEXT NOT NULL,\n"
	"  PRIMARY KEY(image_id, name)) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS item(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  kind TEXT NOT NULL,\n"
	"  name TEXT NOT NULL,\n"
	"  UNIQUE(kind, name));\n"
	"CREATE TABLE IF NOT EXISTS def(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  hash BLOB NOT NULL UNIQUE,\n"
	"  body TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS image_item(\n"
	"  image_id INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,\n"
	"  item_id INTEGER NOT NULL REFERENCES item(id),\n"
	"  def_id INTEGER NOT NULL REFERENCES def(id),\n"
	"  dups INTEGER NOT NULL DEFAULT 0,\n"
	"  module TEXT, others TEXT,\n"
	"  PRIMARY KEY(image_id, item_id)) WITHOUT ROWID;\n"
	"CREATE INDEX IF NOT EXISTS image_item_by_item ON image_item(item_id, image_id);\n"
	"CREATE TABLE IF NOT EXISTS module(\n"
	"  image_id INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,\n"
	"  name TEXT NOT NULL,\n"
	"  source TEXT NOT NULL,\n"
	"  btf_size INTEGER NOT NULL,\n"
	"  nsyms INTEGER NOT NULL,\n"
	"  PRIMARY KEY(image_id, name, source)) WITHOUT ROWID;\n"
	/* Kernels without BTF added before their -dbg package (waiting.c). Added within
	 * version 2: a reader finds it absent in older datasets and nothing waiting. */
	"CREATE TABLE IF NOT EXISTS waiting(\n"
	"  release TEXT PRIMARY KEY,\n"
	"  name TEXT NOT NULL,\n"
	"  version TEXT, revision TEXT, flavor TEXT, arch TEXT, distro TEXT,\n"
	"  source TEXT NOT NULL,\n"
	"  packing TEXT, banner TEXT, config_source TEXT, config TEXT,\n"
	"  added_at TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS grp(\n"
	"  name TEXT PRIMARY KEY,\n"
	"  pairing TEXT NOT NULL CHECK(pairing IN ('version', 'variant')),\n"
	"  images TEXT NOT NULL);\n";

/* Version 1 knew no modules and no DWARF: its images are images without their modules,
 * and their func items were extracted without DWARF. */
static const char migrate_1_2[] =
	"ALTER TABLE image ADD COLUMN modules INTEGER;\n"
	"ALTER TABLE image ADD COLUMN modules_skipped INTEGER;\n"
	"ALTER TABLE image ADD COLUMN dwarf_source TEXT;\n"
	"ALTER TABLE image_item ADD COLUMN module TEXT;\n"
	"ALTER TABLE image_item ADD COLUMN others TEXT;\n"
	"UPDATE meta SET value = '2' WHERE key = 'schema_version';\n";

int ks_schema_apply(struct ks_store *st)
{
	const char *ver;
	int ret;

	ret = ks_db_exec(st, "BEGIN IMMEDIATE");
	if (ret)
		return ret;
	ver = ks_db_meta_get(st, "schema_version");
	if (ver && atoi(ver) == 1 && st->writable) {
		if ((ret = ks_db_exec(st, migrate_1_2))) {
			free((char *)ver);
			goto fail;
		}
		free((char *)ver);
		ver = ks_db_meta_get(st, "schema_version");
	}
	ret = ks_db_exec(st, schema_sql);
	if (ret)
		goto fail;
	if (!ver) {
		char buf[16];

		snprintf(buf, sizeof(buf), "%d", KS_SCHEMA_VERSION);
		ret = ks_db_meta_set(st, "schema_version", buf);
		if (!ret)
			ret = ks_db_meta_set(st, "created_by", "ksurf " KSURF_VERSION);
		if (ret)
			goto fail;
	} else if (atoi(ver) != KS_SCHEMA_VERSION) {
		ret = ks_err(-EPROTO, "%s: dataset schema version %s, this ksurf reads version %d",
			     st->path, ver, KS_SCHEMA_VERSION);
		free((char *)ver);
		goto fail;
	}
	free((char *)ver);
	return ks_db_exec(st, "COMMIT");
fail:
	ks_db_exec(st, "ROLLBACK");
	return ret;
}
