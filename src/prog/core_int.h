/* SPDX-License-Identifier: MIT */
/* Internal to src/prog: CO-RE specs, type compatibility rules, relocation values. */
#ifndef KSURF_PROG_CORE_INT_H
#define KSURF_PROG_CORE_INT_H

#include <bpf/btf.h>
#include <stdint.h>

#include "prog/core.h"

#define SPEC_MAX 64

struct acc {
	uint32_t type_id;
	uint32_t idx;
	const char *name; /* named field or enumerator; NULL for an array index */
};

struct spec {
	const struct btf *btf;
	uint32_t root;
	uint32_t kind;
	struct acc a[SPEC_MAX];
	int len;
	int raw[SPEC_MAX];
	int raw_len;
	uint32_t bit_offset;
};

/* What a relocation resolves to for one spec (local or target), before patching. */
struct calc {
	uint64_t orig, new;
	uint32_t orig_sz, new_sz;
	int poison, validate, fail_memsz;
};

static inline int is_field_kind(uint32_t k)
{
	return k <= BPF_CORE_FIELD_RSHIFT_U64;
}

static inline int is_type_kind(uint32_t k)
{
	return k == BPF_CORE_TYPE_ID_LOCAL || k == BPF_CORE_TYPE_ID_TARGET ||
	       k == BPF_CORE_TYPE_EXISTS || k == BPF_CORE_TYPE_SIZE || k == BPF_CORE_TYPE_MATCHES;
}

static inline int is_enumval_kind(uint32_t k)
{
	return k == BPF_CORE_ENUMVAL_EXISTS || k == BPF_CORE_ENUMVAL_VALUE;
}

/* core_types.c: names, modifiers, and libbpf's compatibility relations */
const char *core_tname(const struct btf *btf, const struct btf_type *t);
const struct btf_type *core_skip_mods(const struct btf *btf, uint32_t id, uint32_t *res);
int core_kind_compat(const struct btf_type *a, const struct btf_type *b);
uint32_t core_enum_name_off(const struct btf_type *t, unsigned i);
int core_types_are_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
			  int level);
int core_types_match(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
		     int behind_ptr, int level);
int core_fields_are_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid);

/* core_spec.c: access specs, matching a spec in a candidate, relocation values */
int core_parse_spec(const struct btf *btf, const struct ks_bpf_relo *r, struct spec *sp);
int core_spec_match(const struct spec *ls, const struct btf *tb, uint32_t tid, struct spec *ts);
int core_calc_relo(const struct ks_bpf_relo *r, const struct spec *ls, const struct spec *ts,
		   struct calc *c);
void core_describe_local(const struct spec *sp, const struct btf_type *root, char *out,
			 size_t size);

#endif
