/* SPDX-License-Identifier: MIT */
#ifndef KSURF_STORE_STORE_H
#define KSURF_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ingest/identity.h"

struct ks_store;
struct ks_symtab;
struct ks_surface;
struct ks_config;
struct ks_kmod;

/*
 * The dataset: one SQLite file (schema in schema.c and docs/dataset.md). Opened in WAL
 * mode so readers never block on a writer and a killed writer leaves the last committed
 * state. All functions return 0 or a negative errno with a message.
 */
enum { KS_STORE_READ = 0, KS_STORE_WRITE = 1 };
int ks_store_open(const char *path, int mode, struct ks_store **out);
void ks_store_close(struct ks_store *st);
const char *ks_store_path(const struct ks_store *st);

/* One image row, as listed. Strings are owned by the list. */
struct ks_image_row {
	int64_t id;
	struct ks_identity ident;
	char *source;
	char *content_hash;
	char *packing;
	char *btf_found_by;
	char *btf_endian;
	int64_t btf_types;
	int64_t btf_size;
	char *sym_source;
	int64_t nsyms;
	char *config_source;
	int64_t nconfig;
	int64_t nitems;
	char *added_at;
	int64_t modules;	 /* modules ingested with the image; -1: its modules were not */
	int64_t modules_skipped; /* modules reported unreadable and left out */
	char *dwarf_source;	 /* the input the functions' DWARF came from, or NULL */
};

/* Whether the image's BTF was encoded from its DWARF (a kernel built without BTF). */
static inline int ks_image_types_from_dwarf(const struct ks_image_row *r)
{
	return r->btf_found_by && !strncmp(r->btf_found_by, "DWARF", 5);
}

/*
 * An image waiting for its types: a kernel without BTF added without its DWARF (Debian's
 * i386, armhf... kernels before their -dbg package). Not an image of the dataset yet: no
 * group, page or diff sees it. Its -dbg package, matched by release, completes it.
 */
struct ks_waiting {
	struct ks_identity ident; /* as the image will be named (release always set) */
	char *source;		  /* the inputs, as given */
	char *packing;
	char *banner;
	char *config_source;
	char *config_text;	  /* the config as given, or NULL */
	char *added_at;
};
void ks_waiting_free(struct ks_waiting *w);

struct ks_image_list {
	struct ks_image_row *v;
	size_t n;
	struct ks_waiting *waiting; /* images waiting for their types, by name */
	size_t nwaiting;
};

/* All images, sorted by name, and the images waiting for their types. */
int ks_store_images(struct ks_store *st, struct ks_image_list *out);
void ks_image_list_free(struct ks_image_list *l);
/* Index of the image named `name` in l, or -1. */
int ks_image_list_find(const struct ks_image_list *l, const char *name);

/* Everything an ingest writes for one image. */
struct ks_image_new {
	struct ks_identity ident;
	const char *source;	  /* inputs, comma-separated */
	const char *content_hash; /* SHA-256 hex of the BTF blob */
	const uint8_t *btf;
	size_t btf_size;
	const char *btf_endian;
	unsigned btf_types;
	const char *packing;
	const char *btf_found_by;
	const char *banner;
	const struct ks_symtab *syms; /* may be NULL */
	const struct ks_config *config; /* may be NULL */
	const char *config_source;
	const struct ks_surface *surface;
	int modules_given;		 /* the image comes with its modules (mods may be empty) */
	const struct ks_kmod *mods;	 /* the modules read (listed in the dataset) */
	size_t nmods;
	size_t modules_read;		 /* of them, those whose items are in surface */
	size_t modules_skipped;
	const char *dwarf_source;	/* the input DWARF came from, or NULL */
	int must_exist;			/* only complete an image already stored (--debug-file) */
	const char *waiting_release;	/* the image completes the one waiting with this
					   release: that record goes (and must_exist is met) */
};

/*
 * Write one image in one transaction. If an image with the same content hash exists:
 * return 1 ("already present"), or 2 when symbols, config or modules it lacked were
 * filled in, or 3 when DWARF it lacked was added (its func items are replaced by img's,
 * which were extracted with DWARF); if the name is taken by other content, fail with
 * -EEXIST. 0 when added. With must_exist, an image of other content is not added: -ENOENT.
 */
int ks_store_add_image(struct ks_store *st, const struct ks_image_new *img, int64_t *id_out);

/*
 * Record w as waiting for its types (replacing an earlier record of its release). When
 * an image of its release whose types came from DWARF is in the dataset already, w's
 * config is given to it instead, if it has none. Returns 0 when recorded, 1 when that
 * image is there and lacked nothing, 2 when it got the config; -EEXIST when another
 * image has w's name.
 */
int ks_store_waiting_put(struct ks_store *st, const struct ks_waiting *w,
			 const struct ks_config *config);
/* The record of release rel waiting for its types: 1 and *out filled, 0 when none. */
int ks_store_waiting_get(struct ks_store *st, const char *rel, struct ks_waiting *out);

/* The def (JSON text, malloc'ed) of item kind/name in each image of `ids`: defs[i] NULL
 * when absent. dups[i] receives the duplicate count (may be NULL). */
int ks_store_item_defs(struct ks_store *st, const char *kind, const char *name,
		       const int64_t *ids, size_t n, char **defs, unsigned *dups);

/* Where item kind/name lives in each image of `ids`: where[i] NULL for vmlinux or when
 * absent, else the modules carrying its definition (malloc'ed, ", "-separated); others[i]
 * (may be NULL) the modules that define it differently, or NULL. */
int ks_store_item_where(struct ks_store *st, const char *kind, const char *name,
			const int64_t *ids, size_t n, char **where, char **others);

/* Item names of a kind in any image, matching a LIKE-pattern (or all when NULL). */
int ks_store_item_names(struct ks_store *st, const char *kind, const char *like, char ***names,
			size_t *n);

/* The image's BTF blob, read into *buf (grown as needed, *cap its size; reused across
 * calls so that reading many images costs no fresh memory each). */
int ks_store_image_btf(struct ks_store *st, int64_t image_id, void **buf, size_t *cap,
		       size_t *size);

/* Every item of a kind in every image, with the def's integer `value` when it has one
 * (helpers, map/program/attach types, syscalls): sorted by image id, then name. */
struct ks_kind_row {
	int64_t image_id;
	char *name;
	int has_value;
	int64_t value;
};
int ks_store_kind_rows(struct ks_store *st, const char *kind, struct ks_kind_row **out, size_t *n);
void ks_kind_rows_free(struct ks_kind_row *v, size_t n);

/* User-defined groups. images: JSON array text of image names. */
struct ks_group_row {
	char *name;
	char *pairing;
	char *images; /* JSON array */
};
int ks_store_groups(struct ks_store *st, struct ks_group_row **out, size_t *n);
int ks_store_group_put(struct ks_store *st, const char *name, const char *pairing,
		       const char *images_json);
int ks_store_group_del(struct ks_store *st, const char *name);
void ks_group_rows_free(struct ks_group_row *v, size_t n);

/*
 * Saved `ksurf check` results: per object (its label), the ksurf.check JSON report of
 * that object alone. Saving replaces an object's earlier result; all in one transaction.
 */
struct ks_check_row {
	char *object, *checked_at, *report;
};
int ks_store_check_save(struct ks_store *st, const char *const *objects,
			const char *const *reports, size_t n);
/* Every saved result, by object; none (0, *n = 0) when nothing was ever saved. */
int ks_store_check_results(struct ks_store *st, struct ks_check_row **out, size_t *n);
void ks_check_rows_free(struct ks_check_row *rows, size_t n);

#endif
