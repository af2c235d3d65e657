/* SPDX-License-Identifier: MIT */
/* Images in the dataset: listing and the one-transaction write of a new image. */
#include "store/store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest/config.h"
#include "ingest/kmod.h"
#include "ingest/symtab.h"
#include "surface/surface.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char list_sql[] =
	"SELECT i.id, i.name, i.version, i.revision, i.flavor, i.arch, i.distro, i.release,"
	" i.source, i.content_hash, i.packing, i.btf_found_by, i.btf_endian, i.btf_types,"
	" length(b.data), i.sym_source, i.nsyms, i.config_source, i.nconfig, i.nitems, i.added_at,"
	" coalesce(i.modules, -1), coalesce(i.modules_skipped, 0), i.dwarf_source"
	" FROM image i LEFT JOIN btf b ON b.image_id = i.id ORDER BY i.name";

int ks_store_images(struct ks_store *st, struct ks_image_list *out)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc, ret;

	memset(out, 0, sizeof(*out));
	if ((ret = ks_db_prepare(st, list_sql, &s)))
		return ret;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct ks_image_row *r;

		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->v = realloc(out->v, cap * sizeof(*out->v));
			if (!out->v)
				abort();
		}
		r = &out->v[out->n++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(s, 0);
		r->ident.name = ks_db_col_text(s, 1);
		r->ident.version = ks_db_col_text(s, 2);
		r->ident.revision = ks_db_col_text(s, 3);
		r->ident.flavor = ks_db_col_text(s, 4);
		r->ident.arch = ks_db_col_text(s, 5);
		r->ident.distro = ks_db_col_text(s, 6);
		r->ident.release = ks_db_col_text(s, 7);
		r->source = ks_db_col_text(s, 8);
		r->content_hash = ks_db_col_text(s, 9);
		r->packing = ks_db_col_text(s, 10);
		r->btf_found_by = ks_db_col_text(s, 11);
		r->btf_endian = ks_db_col_text(s, 12);
		r->btf_types = sqlite3_column_int64(s, 13);
		r->btf_size = sqlite3_column_int64(s, 14);
		r->sym_source = ks_db_col_text(s, 15);
		r->nsyms = sqlite3_column_int64(s, 16);
		r->config_source = ks_db_col_text(s, 17);
		r->nconfig = sqlite3_column_int64(s, 18);
		r->nitems = sqlite3_column_int64(s, 19);
		r->added_at = ks_db_col_text(s, 20);
		r->modules = sqlite3_column_int64(s, 21);
		r->modules_skipped = sqlite3_column_int64(s, 22);
		r->dwarf_source = ks_db_col_text(s, 23);
	}
	if (rc != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot list images");
	sqlite3_finalize(s);
	if (!ret)
		ret = ks_db_waiting_list(st, &out->waiting, &out->nwaiting);
	if (ret)
		ks_image_list_free(out);
	return ret;
}

void ks_image_list_free(struct ks_image_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct ks_image_row *r = &l->v[i];

		ks_identity_free(&r->ident);
		free(r->source);
		free(r->content_hash);
		free(r->packing);
		free(r->btf_found_by);
		free(r->btf_endian);
		free(r->sym_source);
		free(r->config_source);
		free(r->added_at);
		free(r->dwarf_source);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
	for (size_t i = 0; i < l->nwaiting; i++)
		ks_waiting_free(&l->waiting[i]);
	free(l->waiting);
	l->waiting = NULL;
	l->nwaiting = 0;
}

int ks_image_list_find(const struct ks_image_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].ident.name, name))
			return (int)i;
	return -1;
}

static int insert_symbols(struct ks_store *st, int64_t id, const struct ks_symtab *syms)
{
	sqlite3_stmt *s;
	int ret;

	if ((ret = ks_db_prepare(st, "INSERT OR IGNORE INTO symbol(image_id, name, addr, type) VALUES(?,?,?,?)",
				 &s)))
		return ret;
	for (size_t i = 0; i < syms->n; i++) {
		const struct ks_sym *y = &syms->syms[i];
		char t[2] = {y->type, 0};

		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, ks_sym_name(syms, y), -1, SQLITE_STATIC);
		/* Two's complement: printf('%x', addr) in sqlite3 shows the kernel address. */
		sqlite3_bind_int64(s, 3, (int64_t)y->addr);
		sqlite3_bind_text(s, 4, t, 1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) != SQLITE_DONE) {
			ret = ks_db_fail(st, "cannot store symbols");
			break;
		}
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return ret;
}

int ks_db_insert_config(struct ks_store *st, int64_t id, const struct ks_config *cfg)
{
	sqlite3_stmt *s;
	int ret;

	if ((ret = ks_db_prepare(st, "INSERT OR REPLACE INTO config(image_id, name, value) VALUES(?,?,?)",
				 &s)))
		return ret;
	for (size_t i = 0; i < cfg->n; i++) {
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, cfg->v[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, cfg->v[i].value, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			ret = ks_db_fail(st, "cannot store config");
			break;
		}
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return ret;
}

/* An item row of the dataset, for finding ids without a query per item. */
struct known_item {
	const char *kind, *name; /* into the names buffer */
	int64_t id;
};

static int cmp_known(const void *a, const void *b)
{
	const struct known_item *x = a, *y = b;
	int r = strcmp(x->kind, y->kind);

	return r ? r : strcmp(x->name, y->name);
}

/*
 * Every item the dataset already has, sorted by (kind, name): one query instead of one
 * upsert per item (an image has ~100k items and most exist from earlier images).
 */
static int load_items(struct ks_store *st, struct known_item **out, size_t *n, struct strbuf *names)
{
	size_t cap = 0, *offs = NULL;
	sqlite3_stmt *s;
	int rc, ret;

	*out = NULL;
	*n = 0;
	if ((ret = ks_db_prepare(st, "SELECT id, kind, name FROM item", &s)))
		return ret;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4096;
			*out = ks_xrealloc_array(*out, cap, sizeof(**out));
			offs = ks_xrealloc_array(offs, cap * 2, sizeof(*offs));
		}
		(*out)[*n].id = sqlite3_column_int64(s, 0);
		offs[2 * *n] = names->len;
		sb_add(names, (const char *)sqlite3_column_text(s, 1));
		sb_addc(names, '\0');
		offs[2 * *n + 1] = names->len;
		sb_add(names, (const char *)sqlite3_column_text(s, 2));
		sb_addc(names, '\0');
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot read items");
	sqlite3_finalize(s);
	/* The buffer is final now: turn offsets into pointers. */
	for (size_t i = 0; i < *n; i++) {
		(*out)[i].kind = names->buf + offs[2 * i];
		(*out)[i].name = names->buf + offs[2 * i + 1];
	}
	free(offs);
	if (*n)
		qsort(*out, *n, sizeof(**out), cmp_known);
	return ret;
}

struct link {
	int64_t item_id, def_id;
	unsigned dups;
	const char *module, *others;
};

static int cmp_link(const void *a, const void *b)
{
	const struct link *x = a, *y = b;

	return (x->item_id > y->item_id) - (x->item_id < y->item_id);
}

static int item_id_of(struct ks_store *st, sqlite3_stmt *put, const struct known_item *known,
		      size_t nknown, const struct ks_item *it, int64_t *id)
{
	struct known_item key = {ks_kind_name(it->kind), it->name, 0};
	const struct known_item *k = nknown ? bsearch(&key, known, nknown, sizeof(*known), cmp_known)
					    : NULL;

	if (k) {
		*id = k->id;
		return 0;
	}
	sqlite3_bind_text(put, 1, key.kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(put, 2, it->name, -1, SQLITE_STATIC);
	if (sqlite3_step(put) != SQLITE_DONE)
		return ks_db_fail(st, "cannot store item");
	sqlite3_reset(put);
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static int def_id_of(struct ks_store *st, sqlite3_stmt *get, sqlite3_stmt *put,
		     const struct ks_item *it, int64_t *id)
{
	int ret = 0;

	sqlite3_bind_blob(get, 1, it->hash, sizeof(it->hash), SQLITE_STATIC);
	if (sqlite3_step(get) == SQLITE_ROW) {
		*id = sqlite3_column_int64(get, 0);
	} else {
		sqlite3_bind_blob(put, 1, it->hash, sizeof(it->hash), SQLITE_STATIC);
		sqlite3_bind_text(put, 2, it->def, -1, SQLITE_STATIC);
		if (sqlite3_step(put) != SQLITE_DONE)
			ret = ks_db_fail(st, "cannot store definition");
		sqlite3_reset(put);
		*id = sqlite3_last_insert_rowid(st->db);
	}
	sqlite3_reset(get);
	return ret;
}

/*
 * Item and def ids are shared across images: identical definitions are stored once.
 * Links go in sorted by item id, so both of image_item's B-trees grow in order.
 */
static int insert_items(struct ks_store *st, int64_t id, const struct ks_surface *surf,
			int modules_only)
{
	sqlite3_stmt *item_put = NULL, *def_get = NULL, *def_put = NULL, *link = NULL;
	struct link *links = ks_xrealloc_array(NULL, surf->n, sizeof(*links));
	struct strbuf names = STRBUF_INIT;
	struct known_item *known = NULL;
	size_t nknown = 0;
	int ret;

	sb_init(&names);
	if ((ret = load_items(st, &known, &nknown, &names)) ||
	    (ret = ks_db_prepare(st, "INSERT INTO item(kind, name) VALUES(?, ?)", &item_put)) ||
	    (ret = ks_db_prepare(st, "SELECT id FROM def WHERE hash = ?", &def_get)) ||
	    (ret = ks_db_prepare(st, "INSERT INTO def(hash, body) VALUES(?, ?)", &def_put)) ||
	    (ret = ks_db_prepare(st, modules_only ? "INSERT OR REPLACE INTO image_item(image_id,"
						    " item_id, def_id, dups, module, others)"
						    " VALUES(?, ?, ?, ?, ?, ?)"
						  : "INSERT INTO image_item(image_id, item_id, def_id,"
						    " dups, module, others) VALUES(?, ?, ?, ?, ?, ?)",
				 &link)))
		goto out;
	size_t nl = 0;

	for (size_t i = 0; i < surf->n && !ret; i++) {
		const struct ks_item *it = &surf->items[i];
		struct link *l = &links[nl];

		/* Modules added to an image already present: vmlinux's items are there, and
		 * are rewritten only where modules define their name differently. */
		if (modules_only && !it->module && !it->others)
			continue;
		nl++;
		l->dups = it->dup_count;
		l->module = it->module;
		l->others = it->others;
		ret = item_id_of(st, item_put, known, nknown, it, &l->item_id);
		if (!ret)
			ret = def_id_of(st, def_get, def_put, it, &l->def_id);
	}
	if (ret)
		goto out;
	qsort(links, nl, sizeof(*links), cmp_link);
	for (size_t i = 0; i < nl; i++) {
		sqlite3_bind_int64(link, 1, id);
		sqlite3_bind_int64(link, 2, links[i].item_id);
		sqlite3_bind_int64(link, 3, links[i].def_id);
		sqlite3_bind_int64(link, 4, links[i].dups);
		sqlite3_bind_text(link, 5, links[i].module, -1, SQLITE_STATIC);
		sqlite3_bind_text(link, 6, links[i].others, -1, SQLITE_STATIC);
		if (sqlite3_step(link) != SQLITE_DONE) {
			ret = ks_db_fail(st, "cannot link item");
			goto out;
		}
		sqlite3_reset(link);
	}
out:
	sqlite3_finalize(item_put);
	sqlite3_finalize(def_get);
	sqlite3_finalize(def_put);
	sqlite3_finalize(link);
	free(links);
	free(known);
	sb_release(&names);
	return ret;
}

int ks_db_note_part(struct ks_store *st, int64_t id, const char *sql, const char *source,
		     size_t n)
{
	sqlite3_stmt *s;
	int ret;

	if ((ret = ks_db_prepare(st, sql, &s)))
		return ret;
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (int64_t)n);
	sqlite3_bind_int64(s, 3, id);
	ret = sqlite3_step(s) == SQLITE_DONE ? 0 : ks_db_fail(st, "cannot update image");
	sqlite3_finalize(s);
	return ret;
}

/* The image's modules: their rows, and the count on the image (NULL: not ingested). */
static int insert_modules(struct ks_store *st, int64_t id, const struct ks_image_new *img)
{
	sqlite3_stmt *s;
	int ret;

	if ((ret = ks_db_prepare(st, "INSERT OR IGNORE INTO module(image_id, name, source, btf_size,"
				     " nsyms) VALUES(?, ?, ?, ?, ?)",
				 &s)))
		return ret;
	for (size_t i = 0; i < img->nmods && !ret; i++) {
		const struct ks_kmod *m = &img->mods[i];

		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, m->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, m->origin, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, (int64_t)m->btf.size);
		sqlite3_bind_int64(s, 5, (int64_t)m->syms.n);
		if (sqlite3_step(s) != SQLITE_DONE)
			ret = ks_db_fail(st, "cannot store module");
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	if (ret || (ret = ks_db_prepare(st, "UPDATE image SET modules = ?, modules_skipped = ?,"
					    " nitems = (SELECT count(*) FROM image_item"
					    " WHERE image_id = ?3) WHERE id = ?3",
					&s)))
		return ret;
	sqlite3_bind_int64(s, 1, (int64_t)img->modules_read);
	sqlite3_bind_int64(s, 2, (int64_t)img->modules_skipped);
	sqlite3_bind_int64(s, 3, id);
	ret = sqlite3_step(s) == SQLITE_DONE ? 0 : ks_db_fail(st, "cannot update image");
	sqlite3_finalize(s);
	return ret;
}

/*
 * DWARF for an image that lacks it (its -dbg package added later): the func items,
 * now with DWARF's words and evidence, replace the ones extracted without. Returns 1
 * when added, 0 when the image had DWARF already.
 */
static int add_dwarf(struct ks_store *st, int64_t id, const struct ks_image_new *img)
{
	const struct ks_surface *surf = img->surface;
	struct ks_surface funcs = {0};
	sqlite3_stmt *s;
	size_t b = 0, e;
	int has = 1, ret;

	if ((ret = ks_db_prepare(st, "SELECT dwarf_source IS NOT NULL FROM image WHERE id = ?", &s)))
		return ret;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		has = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (has)
		return 0;
	/* items are sorted by kind: the funcs are one run */
	while (b < surf->n && surf->items[b].kind != KS_KIND_FUNC)
		b++;
	for (e = b; e < surf->n && surf->items[e].kind == KS_KIND_FUNC; e++)
		;
	funcs.items = surf->items + b;
	funcs.n = e - b;
	/* vmlinux's func items: the modules' ones stay as they were ingested */
	if ((ret = ks_db_prepare(st, "DELETE FROM image_item WHERE image_id = ? AND module IS NULL"
				     " AND item_id IN (SELECT id FROM item WHERE kind = 'func')",
				 &s)))
		return ret;
	sqlite3_bind_int64(s, 1, id);
	ret = sqlite3_step(s) == SQLITE_DONE ? 0 : ks_db_fail(st, "cannot drop the func items");
	sqlite3_finalize(s);
	/* a name only a module had until now that DWARF finds in vmlinux (inlined away):
	 * vmlinux's definition wins, as at ingest */
	if (!ret && !(ret = ks_db_prepare(st, "DELETE FROM image_item WHERE image_id = ? AND item_id ="
					      " (SELECT id FROM item WHERE kind = 'func' AND name = ?)",
					  &s))) {
		for (size_t i = 0; i < funcs.n && !ret; i++) {
			sqlite3_bind_int64(s, 1, id);
			sqlite3_bind_text(s, 2, funcs.items[i].name, -1, SQLITE_STATIC);
			if (sqlite3_step(s) != SQLITE_DONE)
				ret = ks_db_fail(st, "cannot drop a module's func item");
			sqlite3_reset(s);
		}
		sqlite3_finalize(s);
	}
	if (ret || (ret = insert_items(st, id, &funcs, 0)))
		return ret;
	if ((ret = ks_db_prepare(st, "UPDATE image SET dwarf_source = ?, nitems ="
				     " (SELECT count(*) FROM image_item WHERE image_id = ?3)"
				     " WHERE id = ?3",
				 &s)))
		return ret;
	sqlite3_bind_text(s, 1, img->dwarf_source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, id);
	ret = sqlite3_step(s) == SQLITE_DONE ? 0 : ks_db_fail(st, "cannot update image");
	sqlite3_finalize(s);
	return ret ? ret : 1;
}

/* An existing image with the same content: fill in only what it lacks. Returns 3 when
 * DWARF was added, else 2 when symbols, config or modules were, 1 when nothing was, or a
 * negative errno. */
static int complete_image(struct ks_store *st, int64_t id, const struct ks_image_new *img)
{
	sqlite3_stmt *s;
	int has_syms = 0, has_cfg = 0, has_mods = 0, ret;

	if ((ret = ks_db_prepare(st, "SELECT sym_source IS NOT NULL, config_source IS NOT NULL,"
				     " modules IS NOT NULL FROM image WHERE id = ?",
				 &s)))
		return ret;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		has_syms = sqlite3_column_int(s, 0);
		has_cfg = sqlite3_column_int(s, 1);
		has_mods = sqlite3_column_int(s, 2);
	}
	sqlite3_finalize(s);
	int added = 0, dwarf = 0;

	if (img->dwarf_source && img->surface && (dwarf = add_dwarf(st, id, img)) < 0)
		return dwarf;

	if (!has_syms && img->syms && img->syms->n) {
		if ((ret = insert_symbols(st, id, img->syms)) ||
		    (ret = ks_db_note_part(st, id, "UPDATE image SET sym_source = ?, nsyms = ? WHERE id = ?",
				     img->syms->source, img->syms->n)))
			return ret;
		added++;
	}
	if (!has_cfg && img->config && img->config->n) {
		if ((ret = ks_db_insert_config(st, id, img->config)) ||
		    (ret = ks_db_note_part(st, id, "UPDATE image SET config_source = ?, nconfig = ? WHERE id = ?",
				     img->config_source, img->config->n)))
			return ret;
		added++;
	}
	if (!has_mods && img->modules_given) {
		if ((img->surface && (ret = insert_items(st, id, img->surface, 1))) ||
		    (ret = insert_modules(st, id, img)))
			return ret;
		added++;
	}
	return dwarf ? 3 : added ? 2 : 1;
}

static int find_image(struct ks_store *st, const char *col, const char *val, int64_t *id)
{
	char sql[96];
	sqlite3_stmt *s;
	int ret, found = 0;

	snprintf(sql, sizeof(sql), "SELECT id FROM image WHERE %s = ?", col);
	if ((ret = ks_db_prepare(st, sql, &s)))
		return ret;
	sqlite3_bind_text(s, 1, val, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		found = 1;
	}
	sqlite3_finalize(s);
	return found;
}

static int insert_image_row(struct ks_store *st, const struct ks_image_new *img, int64_t *id)
{
	const struct ks_identity *d = &img->ident;
	char now[32];
	time_t t = time(NULL);
	sqlite3_stmt *s;
	int ret;

	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	if ((ret = ks_db_prepare(st,
				 "INSERT INTO image(name, version, revision, flavor, arch, distro,"
				 " release, content_hash, source, packing, btf_found_by, btf_endian,"
				 " btf_types, banner, sym_source, config_source, added_at, nsyms,"
				 " nconfig, nitems, dwarf_source)"
				 " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
				 &s)))
		return ret;
	sqlite3_bind_text(s, 1, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, d->version, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, d->revision, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, d->flavor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, d->arch, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, d->distro, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, d->release, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, img->content_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, img->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, img->packing, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, img->btf_found_by, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 12, img->btf_endian, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 13, img->btf_types);
	sqlite3_bind_text(s, 14, img->banner, -1, SQLITE_STATIC);
	if (img->syms && img->syms->n)
		sqlite3_bind_text(s, 15, img->syms->source, -1, SQLITE_STATIC);
	if (img->config && img->config->n)
		sqlite3_bind_text(s, 16, img->config_source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 17, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 18, img->syms ? (int64_t)img->syms->n : 0);
	sqlite3_bind_int64(s, 19, img->config ? (int64_t)img->config->n : 0);
	sqlite3_bind_int64(s, 20, img->surface ? (int64_t)img->surface->n : 0);
	sqlite3_bind_text(s, 21, img->dwarf_source, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot store image");
	else
		*id = sqlite3_last_insert_rowid(st->db);
	sqlite3_finalize(s);
	return ret;
}

static int insert_btf(struct ks_store *st, int64_t id, const uint8_t *btf, size_t size)
{
	sqlite3_stmt *s;
	int ret;

	if ((ret = ks_db_prepare(st, "INSERT INTO btf(image_id, data) VALUES(?, ?)", &s)))
		return ret;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_blob64(s, 2, btf, size, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		ret = ks_db_fail(st, "cannot store BTF");
	sqlite3_finalize(s);
	return ret;
}

/* The image waiting with this release is being completed: its record goes. */
static int take_waiting(struct ks_store *st, const char *rel)
{
	sqlite3_stmt *s;
	int ret;

	if ((ret = ks_db_prepare(st, "DELETE FROM waiting WHERE release = ?", &s)))
		return ret;
	sqlite3_bind_text(s, 1, rel, -1, SQLITE_STATIC);
	ret = sqlite3_step(s) == SQLITE_DONE ? 0 : ks_db_fail(st, "cannot update the waiting images");
	sqlite3_finalize(s);
	return ret;
}

int ks_store_add_image(struct ks_store *st, const struct ks_image_new *img, int64_t *id_out)
{
	int64_t id = 0;
	int ret, found;

	if ((ret = ks_db_exec(st, "BEGIN IMMEDIATE")))
		return ret;
	if (img->waiting_release && (ret = take_waiting(st, img->waiting_release)))
		goto fail;
	found = find_image(st, "content_hash", img->content_hash, &id);
	if (found < 0) {
		ret = found;
		goto fail;
	}
	if (found) {
		if ((ret = complete_image(st, id, img)) < 0)
			goto fail;
		goto commit;
	}
	if (img->must_exist && !img->waiting_release) {
		ret = ks_err(-ENOENT, "%s: no image in the dataset has this kernel's BTF; add the "
				      "kernel first, or give both together",
			     img->source);
		goto fail;
	}
	found = find_image(st, "name", img->ident.name, &id);
	if (found) {
		ret = found < 0 ? found
				: ks_err(-EEXIST,
					 "%s: an image named %s with other content is already in the "
					 "dataset; choose another name with --name",
					 img->source, img->ident.name);
		goto fail;
	}
	if ((ret = insert_image_row(st, img, &id)) || (ret = insert_btf(st, id, img->btf, img->btf_size)))
		goto fail;
	ks_phase("store: image row, BTF");
	if (img->syms && img->syms->n && (ret = insert_symbols(st, id, img->syms)))
		goto fail;
	ks_phase("store: symbols");
	if (img->config && img->config->n && (ret = ks_db_insert_config(st, id, img->config)))
		goto fail;
	if (img->surface && (ret = insert_items(st, id, img->surface, 0)))
		goto fail;
	if (img->modules_given && (ret = insert_modules(st, id, img)))
		goto fail;
	ks_phase("store: config, items");
commit:
	if (ks_db_exec(st, "COMMIT")) {
		ret = ks_db_fail(st, "cannot commit");
		goto fail;
	}
	if (id_out)
		*id_out = id;
	return ret;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}
