/* SPDX-License-Identifier: MIT */
#ifndef KSURF_PROG_CHECK_H
#define KSURF_PROG_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "prog/core.h"
#include "prog/obj.h"

/*
 * `ksurf check`: an object's dependencies (SPEC §7) and a verdict for each dependency
 * in each image. The images are described through ks_check_src, which the command fills
 * from the dataset, so this stage never opens it.
 */
enum ks_dep_kind {
	KS_DEP_PROG_TYPE,
	KS_DEP_ATTACH_TYPE,
	KS_DEP_ATTACH, /* the attach target: func, tracepoint, syscall, lsm */
	KS_DEP_RELO,   /* CO-RE relocations of one local spec (several records) */
	KS_DEP_KFUNC,
	KS_DEP_KSYM, /* a kernel variable (__ksym) */
	KS_DEP_HELPER,
	KS_DEP_MAP_TYPE,
	KS_DEP_CONFIG, /* a .kconfig extern, or CONFIG_BPF_LSM for lsm programs */
};

enum ks_level { KS_LVL_OK, KS_LVL_INFO, KS_LVL_WARN, KS_LVL_ERROR };

struct ks_dep {
	enum ks_dep_kind kind;
	char *item_kind; /* the dataset kind it is looked up as: "func", "tracepoint"... */
	char *name;	 /* item name, or the relocation's local spec */
	char *via;	 /* "kprobe", "fentry", "byte_off, field_exists", "weak"... */
	char *progs;	 /* program names using it, comma-separated */
	size_t *relos;	 /* KS_DEP_RELO: indexes into obj->relos */
	size_t nrelos;
	int64_t id; /* helper id, map type value; extern index for kfunc/ksym/config */
	int attach; /* enum ks_attach_kind for KS_DEP_ATTACH */
	int weak;
	int required; /* a program libbpf loads by default uses it (not only SEC("?...") ones) */
};

struct ks_cell {
	enum ks_level level;
	const char *word; /* "ok", "relocated", "guarded", "missing", "inlined"... */
	char *detail;	  /* one line, or NULL */
};

/* What the dataset knows of each image, as callbacks (ctx is the command's). */
struct ks_check_src {
	void *ctx;
	size_t nimages;
	const char *(*image_name)(void *ctx, size_t img);
	const struct btf *(*btf)(void *ctx, size_t img);
	/* the def (JSON) of an item in an image, or NULL */
	const char *(*def)(void *ctx, size_t img, const char *kind, const char *name);
	/* the name of the item of an enum kind (helper, map_type) with this value, or NULL */
	const char *(*by_value)(void *ctx, size_t img, const char *kind, int64_t value);
	/* how many items of a kind the image has (0: the image cannot tell) */
	size_t (*count)(void *ctx, size_t img, const char *kind);
	/* names of func items matching a glob, in an image (for kprobe.multi) */
	size_t (*glob)(void *ctx, size_t img, const char *pattern);
	/* whether the image's modules were ingested (else an item absent from vmlinux may
	 * still be in a module) */
	int (*modules_known)(void *ctx, size_t img);
	/* whether item kind/name may live in a module of image img (no image of its config
	 * line has it in vmlinux) */
	int (*maybe_module)(void *ctx, size_t img, const char *kind, const char *name);
};

struct ks_check {
	const struct ks_bpf_obj *obj;
	struct ks_dep *deps;
	size_t ndeps;
	size_t nimages;
	struct ks_cell *cells;		 /* ndeps × nimages, row-major */
	struct ks_relo_result *relo_res; /* nrelos × nimages */
	uint8_t *relo_reach;		 /* nrelos × nimages */
	enum ks_level worst;
};

/* The dependencies of an object (sorted by kind, then name). */
int ks_check_deps(const struct ks_bpf_obj *o, struct ks_check *out);
/* Make room for nimages verdicts per dependency, then evaluate every dependency in image
 * img of src (in any order of images; src->btf(img) need only be valid during the call). */
int ks_check_begin(struct ks_check *c, size_t nimages);
int ks_check_eval_image(struct ks_check *c, const struct ks_check_src *src, size_t img);
/* Before evaluating: name helpers and map types (known to the object by number) after
 * the first image that has them. */
void ks_check_names(struct ks_check *c, const struct ks_check_src *src);
/* After every image: the worst level. Images may be evaluated concurrently (each cell is
 * its image's); the callbacks of src must then be safe for concurrent use. */
void ks_check_end(struct ks_check *c);
/* How program p (of obj->progs) fares in image img: the worst of its own relocations
 * (a refused one fails every program), the dependencies it uses and those of the whole
 * object (maps, non-weak externs: libbpf fails the whole load without them). It answers
 * "does this program work once the failing others are set not to autoload?". */
enum ks_level ks_check_prog_level(const struct ks_check *c, size_t p, size_t img);
void ks_check_free(struct ks_check *c);

static inline struct ks_cell *ks_check_cell(const struct ks_check *c, size_t dep, size_t img)
{
	return &c->cells[dep * c->nimages + img];
}

const char *ks_dep_kind_name(enum ks_dep_kind k);
const char *ks_level_name(enum ks_level l);
/* "error", "warning", "info", "none" -> level (none: above error); -1 if unknown */
int ks_level_parse(const char *s);

#endif
