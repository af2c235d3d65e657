/* SPDX-License-Identifier: MIT */
/*
 * Internal to src/surface: what the function-like kinds (func, kfunc, lsm) share — a
 * name index of the BTF FUNCs and the writer of a prototype's def keys (docs/defs.md).
 */
#ifndef KSURF_SURFACE_PROTO_H
#define KSURF_SURFACE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

struct btf;
struct ks_cdecl_cache;

/* The BTF FUNCs sorted by (name, type id): the first of a name is the one in id order. */
struct ks_func_ent {
	const char *name;
	size_t len;
	uint32_t id;
};

struct ks_func_index {
	struct ks_func_ent *v;
	size_t n;
};

int ks_func_index_build(const struct btf *btf, struct ks_func_index *idx);
void ks_func_index_free(struct ks_func_index *idx);
/* Index of the first FUNC named name[0..len), or -1; *count gets how many share it. */
long ks_func_index_find(const struct ks_func_index *idx, const char *name, size_t len,
			size_t *count);
/* Order of two names given with their lengths, as strcmp orders them. */
int ks_name_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* One def being written: a printer bound to the BTF and two string builders. */
struct ks_proto_ctx {
	const struct btf *btf;
	struct ks_cdecl_cache *cc;
	struct strbuf def; /* the def being written */
	struct strbuf tmp; /* a declaration before escaping */
};

int ks_proto_ctx_init(struct ks_proto_ctx *c, const struct btf *btf);
void ks_proto_ctx_fini(struct ks_proto_ctx *c);

/* Append `"key":` then s (NUL-terminated) as a JSON string; -EINVAL if not UTF-8. */
int ks_proto_put_kv(struct strbuf *d, const char *key, const char *s);
/* Append `"c":"<prototype of FUNC id, no ';'>"`. */
int ks_proto_put_c(struct ks_proto_ctx *c, uint32_t func_id);
/* Append `"params":[{"decl","name","type"}...]` of FUNC id; variadic is "...". */
int ks_proto_put_params(struct ks_proto_ctx *c, uint32_t func_id);
/* Append `"return":"<type>"` of FUNC id. */
int ks_proto_put_return(struct ks_proto_ctx *c, uint32_t func_id);
/* "static", "global" or "extern": BTF's linkage of FUNC id. */
const char *ks_proto_linkage(const struct btf *btf, uint32_t func_id);

#endif
