/* SPDX-License-Identifier: MIT */
/*
 * CO-RE relocation evaluation against a target BTF (see core.h for the contract).
 * Written from libbpf's documented semantics; tests/e2e/check_oracle.sh compares every
 * result with libbpf's own relocation log on real kernels.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog/core.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

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

struct cands {
	uint32_t local_id;
	uint32_t *ids;
	size_t n;
	int failed; /* the local root has no name: candidate search fails */
};

struct ks_core_ctx {
	const struct ks_bpf_obj *o;
	const struct btf *targ;
	struct cands *c; /* per local root type id, created on first use */
	size_t nc;
};

const char *ks_core_kind_name(uint32_t kind)
{
	static const char *const names[] = {
		[BPF_CORE_FIELD_BYTE_OFFSET] = "byte_off",   [BPF_CORE_FIELD_BYTE_SIZE] = "byte_sz",
		[BPF_CORE_FIELD_EXISTS] = "field_exists",    [BPF_CORE_FIELD_SIGNED] = "signed",
		[BPF_CORE_FIELD_LSHIFT_U64] = "lshift_u64",  [BPF_CORE_FIELD_RSHIFT_U64] = "rshift_u64",
		[BPF_CORE_TYPE_ID_LOCAL] = "local_type_id",  [BPF_CORE_TYPE_ID_TARGET] = "target_type_id",
		[BPF_CORE_TYPE_EXISTS] = "type_exists",	     [BPF_CORE_TYPE_SIZE] = "type_size",
		[BPF_CORE_ENUMVAL_EXISTS] = "enumval_exists", [BPF_CORE_ENUMVAL_VALUE] = "enumval_value",
		[BPF_CORE_TYPE_MATCHES] = "type_matches",
	};

	return kind < sizeof(names) / sizeof(names[0]) && names[kind] ? names[kind] : "unknown";
}

static int is_field_kind(uint32_t k)
{
	return k <= BPF_CORE_FIELD_RSHIFT_U64;
}

static int is_type_kind(uint32_t k)
{
	return k == BPF_CORE_TYPE_ID_LOCAL || k == BPF_CORE_TYPE_ID_TARGET ||
	       k == BPF_CORE_TYPE_EXISTS || k == BPF_CORE_TYPE_SIZE || k == BPF_CORE_TYPE_MATCHES;
}

static int is_enumval_kind(uint32_t k)
{
	return k == BPF_CORE_ENUMVAL_EXISTS || k == BPF_CORE_ENUMVAL_VALUE;
}

/* "X___Y" with X and Y not underscores: a flavor separator at s+1. */
size_t ks_core_essential_len(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;)
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' && name[i + 3] == '_' &&
		    name[i + 4] != '_')
			return i + 1;
	return n;
}

static const char *tname(const struct btf *btf, const struct btf_type *t)
{
	const char *s = btf__name_by_offset(btf, t->name_off);

	return s ? s : "";
}

static const struct btf_type *skip_mods(const struct btf *btf, uint32_t id, uint32_t *res)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int guard = 0;

	while (t && (btf_is_mod(t) || btf_is_typedef(t)) && guard++ < 256) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (res)
		*res = id;
	return guard >= 256 ? NULL : t;
}

static int kind_compat(const struct btf_type *a, const struct btf_type *b)
{
	return btf_kind(a) == btf_kind(b) || (btf_is_any_enum(a) && btf_is_any_enum(b));
}

static int int_no_offset(const struct btf_type *t)
{
	return btf_int_offset(t) == 0;
}

static int types_are_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
			    int level)
{
	const struct btf_type *lt = btf__type_by_id(lb, lid), *tt = btf__type_by_id(tb, tid);
	int depth = 32;

	if (!lt || !tt)
		return -EINVAL;
	if (!kind_compat(lt, tt))
		return 0;
	for (;;) {
		if (--depth < 0)
			return -EINVAL;
		lt = skip_mods(lb, lid, &lid);
		tt = skip_mods(tb, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (!kind_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_UNKN:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM64:
			return 1;
		case BTF_KIND_INT:
			return int_no_offset(lt) && int_no_offset(tt);
		case BTF_KIND_PTR:
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_params(lt), *tp = btf_params(tt);

			if (btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (unsigned i = 0; i < btf_vlen(lt); i++) {
				uint32_t a, b;
				int err;

				if (level <= 0)
					return -EINVAL;
				skip_mods(lb, lp[i].type, &a);
				skip_mods(tb, tp[i].type, &b);
				err = types_are_compat(lb, a, tb, b, level - 1);
				if (err <= 0)
					return err;
			}
			skip_mods(lb, lt->type, &lid);
			skip_mods(tb, tt->type, &tid);
			continue;
		}
		default:
			return 0;
		}
	}
}

int ks_core_types_are_compat(const struct btf *local, uint32_t local_id, const struct btf *targ,
			     uint32_t targ_id)
{
	return types_are_compat(local, local_id, targ, targ_id, 2);
}

static int names_match(const struct btf *lb, uint32_t loff, const struct btf *tb, uint32_t toff)
{
	const char *l = btf__name_by_offset(lb, loff), *t = btf__name_by_offset(tb, toff);
	size_t ll, tl;

	if (!t || !*t)
		return !l || !*l;
	if (!l)
		l = "";
	tl = ks_core_essential_len(t);
	ll = ks_core_essential_len(l);
	return tl == ll && !strncmp(l, t, ll);
}

static uint32_t enum_name_off(const struct btf_type *t, unsigned i)
{
	return btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
}

static int enums_match(const struct btf *lb, const struct btf_type *lt, const struct btf *tb,
		       const struct btf_type *tt)
{
	if (lt->size != tt->size || btf_vlen(lt) > btf_vlen(tt))
		return 0;
	for (unsigned i = 0; i < btf_vlen(lt); i++) {
		int found = 0;

		for (unsigned j = 0; j < btf_vlen(tt) && !found; j++)
			found = names_match(lb, enum_name_off(lt, i), tb, enum_name_off(tt, j));
		if (!found)
			return 0;
	}
	return 1;
}

static int types_match(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
		       int behind_ptr, int level);

static int composites_match(const struct btf *lb, const struct btf_type *lt, const struct btf *tb,
			    const struct btf_type *tt, int behind_ptr, int level)
{
	const struct btf_member *lm = btf_members(lt);

	if (btf_vlen(lt) > btf_vlen(tt))
		return 0;
	for (unsigned i = 0; i < btf_vlen(lt); i++, lm++) {
		const struct btf_member *tm = btf_members(tt);
		int matched = 0;

		for (unsigned j = 0; j < btf_vlen(tt) && !matched; j++, tm++) {
			int err;

			if (!names_match(lb, lm->name_off, tb, tm->name_off))
				continue;
			err = types_match(lb, lm->type, tb, tm->type, behind_ptr, level - 1);
			if (err < 0)
				return err;
			matched = err > 0;
		}
		if (!matched)
			return 0;
	}
	return 1;
}

static int types_match(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
		       int behind_ptr, int level)
{
	const struct btf_type *lt, *tt;
	int depth = 32;

	if (level <= 0)
		return -EINVAL;
	for (;;) {
		int lk, tk;

		if (--depth < 0)
			return -EINVAL;
		lt = skip_mods(lb, lid, &lid);
		tt = skip_mods(tb, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (!names_match(lb, lt->name_off, tb, tt->name_off))
			return 0;
		lk = btf_kind(lt);
		tk = btf_kind(tt);
		switch (lk) {
		case BTF_KIND_UNKN:
			return lk == tk;
		case BTF_KIND_FWD: {
			int lf = btf_kflag(lt);

			if (behind_ptr) {
				if (lk == tk)
					return lf == btf_kflag(tt);
				return (tk == BTF_KIND_STRUCT && !lf) || (tk == BTF_KIND_UNION && lf);
			}
			return lk == tk && lf == btf_kflag(tt);
		}
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return btf_is_any_enum(tt) && enums_match(lb, lt, tb, tt);
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (behind_ptr) {
				if (lk == tk)
					return 1;
				if (tk != BTF_KIND_FWD)
					return 0;
				return (lk == BTF_KIND_UNION) == btf_kflag(tt);
			}
			if (lk != tk)
				return 0;
			return composites_match(lb, lt, tb, tt, behind_ptr, level);
		case BTF_KIND_INT:
			if (lk != tk)
				return 0;
			return lt->size == tt->size &&
			       (btf_int_encoding(lt) & BTF_INT_SIGNED) == (btf_int_encoding(tt) & BTF_INT_SIGNED);
		case BTF_KIND_PTR:
			if (lk != tk)
				return 0;
			behind_ptr = 1;
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			if (lk != tk || btf_array(lt)->nelems != btf_array(tt)->nelems)
				return 0;
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_params(lt), *tp = btf_params(tt);

			if (lk != tk || btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (unsigned i = 0; i < btf_vlen(lt); i++) {
				int err = types_match(lb, lp[i].type, tb, tp[i].type, behind_ptr, level - 1);

				if (err <= 0)
					return err;
			}
			lid = lt->type;
			tid = tt->type;
			continue;
		}
		default:
			return 0;
		}
	}
}

/* A flexible array: the last member of a struct, declared with no elements. */
static int is_flex(const struct btf *btf, const struct acc *prev, const struct btf_array *arr)
{
	const struct btf_type *t;

	if (!prev->name || arr->nelems > 0)
		return 0;
	t = btf__type_by_id(btf, prev->type_id);
	return t && prev->idx == (uint32_t)btf_vlen(t) - 1;
}

/* The local spec from the access string ("0:1:2"). 0 or -EINVAL/-E2BIG. */
static int parse_spec(const struct btf *btf, const struct ks_bpf_relo *r, struct spec *sp)
{
	const char *s = btf__name_by_offset(btf, r->access);
	const struct btf_type *t;
	uint32_t id;
	long long sz;

	memset(sp, 0, sizeof(*sp));
	sp->btf = btf;
	sp->root = r->type_id;
	sp->kind = r->kind;
	if (!s || !*s || *s == ':')
		return -EINVAL;
	if (is_type_kind(r->kind))
		return strcmp(s, "0") ? -EINVAL : 0;
	while (*s) {
		char *end;
		long v;

		if (*s == ':')
			s++;
		v = strtol(s, &end, 10);
		if (end == s || v < INT_MIN || v > INT_MAX)
			return -EINVAL;
		if (sp->raw_len == SPEC_MAX)
			return -E2BIG;
		sp->raw[sp->raw_len++] = (int)v;
		s = end;
	}
	t = skip_mods(btf, r->type_id, &id);
	if (!t)
		return -EINVAL;
	sp->a[0] = (struct acc){.type_id = id, .idx = (uint32_t)sp->raw[0]};
	sp->len = 1;
	if (is_enumval_kind(r->kind)) {
		if (!btf_is_any_enum(t) || sp->raw_len > 1 || sp->raw[0] < 0 ||
		    sp->raw[0] >= btf_vlen(t))
			return -EINVAL;
		sp->a[0].name = btf__name_by_offset(btf, enum_name_off(t, (unsigned)sp->raw[0]));
		return 0;
	}
	if (!is_field_kind(r->kind))
		return -EINVAL;
	sz = btf__resolve_size(btf, id);
	if (sz < 0)
		return (int)sz;
	sp->bit_offset = (uint32_t)(sp->raw[0] * sz * 8);
	for (int i = 1; i < sp->raw_len; i++) {
		int idx = sp->raw[i];
		struct acc *a = &sp->a[sp->len];

		t = skip_mods(btf, id, &id);
		if (!t)
			return -EINVAL;
		if (btf_is_composite(t)) {
			const struct btf_member *m;

			if (idx < 0 || idx >= btf_vlen(t))
				return -EINVAL;
			sp->bit_offset += btf_member_bit_offset(t, (uint32_t)idx);
			m = btf_members(t) + idx;
			if (m->name_off) {
				const char *name = btf__name_by_offset(btf, m->name_off);

				if (!name || !*name)
					return -EINVAL;
				*a = (struct acc){.type_id = id, .idx = (uint32_t)idx, .name = name};
				sp->len++;
			}
			id = m->type;
		} else if (btf_is_array(t)) {
			const struct btf_array *arr = btf_array(t);

			t = skip_mods(btf, arr->type, &id);
			if (!t)
				return -EINVAL;
			if (idx < 0 || (!is_flex(btf, a - 1, arr) && (uint32_t)idx >= arr->nelems))
				return -EINVAL;
			*a = (struct acc){.type_id = id, .idx = (uint32_t)idx};
			sp->len++;
			sz = btf__resolve_size(btf, id);
			if (sz < 0)
				return (int)sz;
			sp->bit_offset += (uint32_t)(idx * sz * 8);
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

static int fields_are_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid)
{
	for (int guard = 0; guard < 64; guard++) {
		const struct btf_type *lt = skip_mods(lb, lid, &lid), *tt = skip_mods(tb, tid, &tid);

		if (!lt || !tt)
			return -EINVAL;
		if (btf_is_composite(lt) && btf_is_composite(tt))
			return 1;
		if (!kind_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64: {
			const char *ln = tname(lb, lt), *tn = tname(tb, tt);
			size_t ll = ks_core_essential_len(ln), tl = ks_core_essential_len(tn);

			return ll == 0 || tl == 0 || (ll == tl && !strncmp(ln, tn, ll));
		}
		case BTF_KIND_INT:
			return int_no_offset(lt) && int_no_offset(tt);
		case BTF_KIND_ARRAY:
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* Find the local named field `la` in target composite tid, through anonymous members. */
static int match_member(const struct btf *lb, const struct acc *la, const struct btf *tb,
			uint32_t tid, struct spec *ts, uint32_t *next, int depth)
{
	const struct btf_type *lt, *tt;
	const struct btf_member *lm, *m;
	const char *lname;

	if (depth > SPEC_MAX)
		return -E2BIG;
	tt = skip_mods(tb, tid, &tid);
	if (!tt)
		return -EINVAL;
	if (!btf_is_composite(tt))
		return 0;
	lt = btf__type_by_id(lb, la->type_id);
	lm = btf_members(lt) + la->idx;
	lname = btf__name_by_offset(lb, lm->name_off);
	m = btf_members(tt);
	for (unsigned i = 0; i < btf_vlen(tt); i++, m++) {
		uint32_t bo = btf_member_bit_offset(tt, i);
		const char *n;

		if (ts->raw_len == SPEC_MAX)
			return -E2BIG;
		ts->bit_offset += bo;
		ts->raw[ts->raw_len++] = (int)i;
		n = btf__name_by_offset(tb, m->name_off);
		if (!n || !*n) {
			int found = match_member(lb, la, tb, m->type, ts, next, depth + 1);

			if (found)
				return found;
		} else if (!strcmp(lname, n)) {
			int found;

			ts->a[ts->len++] = (struct acc){.type_id = tid, .idx = i, .name = n};
			*next = m->type;
			found = fields_are_compat(lb, lm->type, tb, m->type);
			if (!found)
				ts->len--;
			return found;
		}
		ts->bit_offset -= bo;
		ts->raw_len--;
	}
	return 0;
}

static int spec_match(const struct spec *ls, const struct btf *tb, uint32_t tid, struct spec *ts)
{
	const struct acc *la = ls->a;
	struct acc *ta = ts->a;
	const struct btf_type *tt;

	memset(ts, 0, sizeof(*ts));
	ts->btf = tb;
	ts->root = tid;
	ts->kind = ls->kind;
	if (is_type_kind(ls->kind)) {
		if (ls->kind == BPF_CORE_TYPE_MATCHES)
			return types_match(ls->btf, ls->root, tb, tid, 0, 32);
		return types_are_compat(ls->btf, ls->root, tb, tid, 32);
	}
	if (is_enumval_kind(ls->kind)) {
		size_t ll = ks_core_essential_len(la->name);

		tt = skip_mods(tb, tid, &tid);
		if (!tt || !btf_is_any_enum(tt))
			return 0;
		for (unsigned i = 0; i < btf_vlen(tt); i++) {
			const char *n = btf__name_by_offset(tb, enum_name_off(tt, i));

			if (!n || ks_core_essential_len(n) != ll || strncmp(la->name, n, ll))
				continue;
			*ta = (struct acc){.type_id = tid, .idx = i, .name = n};
			ts->len++;
			ts->raw[ts->raw_len++] = (int)i;
			return 1;
		}
		return 0;
	}
	if (!is_field_kind(ls->kind))
		return -EINVAL;
	for (int i = 0; i < ls->len; i++, la++, ta++) {
		long long sz;

		tt = skip_mods(tb, tid, &tid);
		if (!tt)
			return -EINVAL;
		if (la->name) {
			int m = match_member(ls->btf, la, tb, tid, ts, &tid, 0);

			if (m <= 0)
				return m;
			/* match_member appended the accessor; keep ta in step */
			ta = &ts->a[ts->len - 1];
			continue;
		}
		if (i > 0) {
			const struct btf_array *arr;

			if (!btf_is_array(tt))
				return 0;
			arr = btf_array(tt);
			if (!is_flex(tb, ta - 1, arr) && la->idx >= arr->nelems)
				return 0;
			if (!skip_mods(tb, arr->type, &tid))
				return -EINVAL;
		}
		if (ts->raw_len == SPEC_MAX)
			return -E2BIG;
		*ta = (struct acc){.type_id = tid, .idx = la->idx};
		ts->len++;
		ts->raw[ts->raw_len++] = (int)la->idx;
		sz = btf__resolve_size(tb, tid);
		if (sz < 0)
			return (int)sz;
		ts->bit_offset += (uint32_t)(la->idx * sz * 8);
	}
	return 1;
}

/* Field relocation value from a spec (NULL: no target). -EUCLEAN requests poisoning. */
static int calc_field(const struct ks_bpf_relo *r, const struct spec *sp, uint64_t *val,
		      uint32_t *fsz, uint32_t *ftype, int *validate)
{
	const struct acc *a;
	const struct btf_type *t, *mt;
	const struct btf_member *m;
	uint32_t byte_off, byte_sz, bit_off, bit_sz, field_type;
	long long sz;
	int bitfield;

	*fsz = 0;
	if (r->kind == BPF_CORE_FIELD_EXISTS) {
		*val = sp ? 1 : 0;
		return 0;
	}
	if (!sp)
		return -EUCLEAN;
	a = &sp->a[sp->len - 1];
	t = btf__type_by_id(sp->btf, a->type_id);
	if (!a->name) {
		sz = btf__resolve_size(sp->btf, a->type_id);
		if (sz < 0)
			return -EINVAL;
		if (r->kind == BPF_CORE_FIELD_BYTE_OFFSET) {
			*val = sp->bit_offset / 8;
			*fsz = (uint32_t)sz;
			*ftype = a->type_id;
		} else if (r->kind == BPF_CORE_FIELD_BYTE_SIZE) {
			*val = (uint64_t)sz;
		} else {
			return -EINVAL;
		}
		if (validate)
			*validate = 1;
		return 0;
	}
	m = btf_members(t) + a->idx;
	mt = skip_mods(sp->btf, m->type, &field_type);
	if (!mt)
		return -EINVAL;
	bit_off = sp->bit_offset;
	bit_sz = btf_member_bitfield_size(t, a->idx);
	bitfield = bit_sz > 0;
	if (bitfield) {
		byte_sz = mt->size;
		if (!byte_sz)
			return -EINVAL;
		byte_off = bit_off / 8 / byte_sz * byte_sz;
		while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
			if (byte_sz >= 8)
				return -E2BIG;
			byte_sz *= 2;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
		}
	} else {
		sz = btf__resolve_size(sp->btf, field_type);
		if (sz < 0)
			return -EINVAL;
		byte_sz = (uint32_t)sz;
		byte_off = sp->bit_offset / 8;
		bit_sz = byte_sz * 8;
	}
	if (validate)
		*validate = !bitfield;
	switch (r->kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
		*val = byte_off;
		if (!bitfield) {
			*fsz = byte_sz;
			*ftype = field_type;
		}
		break;
	case BPF_CORE_FIELD_BYTE_SIZE:
		*val = byte_sz;
		break;
	case BPF_CORE_FIELD_SIGNED:
		*val = (btf_is_any_enum(mt) && btf_kflag(mt)) ||
		       (btf_is_int(mt) && (btf_int_encoding(mt) & BTF_INT_SIGNED));
		if (validate)
			*validate = 1;
		break;
	case BPF_CORE_FIELD_LSHIFT_U64:
		/* libbpf computes this for the byte order it runs on */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		*val = 64 - (bit_off + bit_sz - byte_off * 8);
#else
		*val = (8 - byte_sz) * 8 + (bit_off - byte_off * 8);
#endif
		break;
	case BPF_CORE_FIELD_RSHIFT_U64:
		*val = 64 - bit_sz;
		if (validate)
			*validate = 1;
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

static int calc_type(const struct ks_bpf_relo *r, const struct spec *sp, uint64_t *val)
{
	long long sz;

	if (!sp) {
		*val = 0;
		return 0;
	}
	switch (r->kind) {
	case BPF_CORE_TYPE_ID_TARGET:
		*val = sp->root;
		return 0;
	case BPF_CORE_TYPE_EXISTS:
	case BPF_CORE_TYPE_MATCHES:
		*val = 1;
		return 0;
	case BPF_CORE_TYPE_SIZE:
		sz = btf__resolve_size(sp->btf, sp->root);
		if (sz < 0)
			return -EINVAL;
		*val = (uint64_t)sz;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int calc_enumval(const struct ks_bpf_relo *r, const struct spec *sp, uint64_t *val)
{
	const struct btf_type *t;

	if (r->kind == BPF_CORE_ENUMVAL_EXISTS) {
		*val = sp != NULL;
		return 0;
	}
	if (r->kind != BPF_CORE_ENUMVAL_VALUE)
		return -EOPNOTSUPP;
	if (!sp)
		return -EUCLEAN;
	t = btf__type_by_id(sp->btf, sp->a[0].type_id);
	if (btf_is_enum(t))
		*val = (uint64_t)(int64_t)btf_enum(t)[sp->a[0].idx].val;
	else
		*val = btf_enum64_value(btf_enum64(t) + sp->a[0].idx);
	return 0;
}

struct calc {
	uint64_t orig, new;
	uint32_t orig_sz, new_sz;
	int poison, validate, fail_memsz;
};

static int calc_relo(const struct ks_bpf_relo *r, const struct spec *ls, const struct spec *ts,
		     struct calc *c)
{
	int err = -EOPNOTSUPP;

	memset(c, 0, sizeof(*c));
	c->validate = 1;
	if (is_field_kind(r->kind)) {
		uint32_t ot = 0, nt = 0;

		err = calc_field(r, ls, &c->orig, &c->orig_sz, &ot, &c->validate);
		if (!err)
			err = calc_field(r, ts, &c->new, &c->new_sz, &nt, NULL);
		if (!err && c->orig_sz != c->new_sz) {
			const struct btf_type *a = btf__type_by_id(ls->btf, ot);
			const struct btf_type *b = btf__type_by_id(ts->btf, nt);
			int ok = (a && b && btf_is_ptr(a) && btf_is_ptr(b)) ||
				 (a && b && btf_is_int(a) && btf_is_int(b) &&
				  btf_int_encoding(a) != BTF_INT_SIGNED && btf_int_encoding(b) != BTF_INT_SIGNED);

			c->fail_memsz = !ok;
		}
	} else if (is_type_kind(r->kind)) {
		err = calc_type(r, ls, &c->orig);
		if (!err)
			err = calc_type(r, ts, &c->new);
		if (r->kind == BPF_CORE_TYPE_ID_TARGET)
			c->validate = 0;
	} else if (is_enumval_kind(r->kind)) {
		err = calc_enumval(r, ls, &c->orig);
		if (!err)
			err = calc_enumval(r, ts, &c->new);
	}
	if (err == -EUCLEAN) {
		c->poison = 1;
		err = 0;
	}
	return err;
}

static void describe_local(const struct spec *sp, const struct btf_type *root, char *out,
			   size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	const char *kw = btf_is_struct(root) ? "struct " : btf_is_union(root) ? "union "
			 : btf_is_any_enum(root) ? "enum " : btf_is_typedef(root) ? "typedef " : "";
	const char *n = tname(sp->btf, root);

	sb_addf(&sb, "%s%s", kw, *n ? n : "(anon)");
	if (is_enumval_kind(sp->kind) && sp->len)
		sb_addf(&sb, "::%s", sp->a[0].name ? sp->a[0].name : "?");
	if (is_field_kind(sp->kind))
		for (int i = 0; i < sp->len; i++) {
			if (sp->a[i].name)
				sb_addf(&sb, ".%s", sp->a[i].name);
			else if (i > 0 || sp->a[i].idx > 0)
				sb_addf(&sb, "[%u]", sp->a[i].idx);
		}
	snprintf(out, size, "%s", sb.buf ? sb.buf : "");
	sb_release(&sb);
}

/*
 * Candidates of every local root in the target, found in one pass over its types (as
 * libbpf's per-root scans would find them, in type id order): same kind family, same
 * essential name. A first-byte filter keeps the pass to a few compares per type.
 */
static void find_all_cands(struct ks_core_ctx *c)
{
	const struct btf *lb = c->o->btf;
	uint8_t first[256] = {0};
	size_t *lens;

	for (size_t r = 0; r < c->o->nrelos; r++) {
		uint32_t id = c->o->relos[r].type_id;
		struct cands *k = NULL;

		for (size_t i = 0; i < c->nc && !k; i++)
			if (c->c[i].local_id == id)
				k = &c->c[i];
		if (k)
			continue;
		c->c = ks_xrealloc_array(c->c, c->nc + 1, sizeof(*c->c));
		k = &c->c[c->nc++];
		memset(k, 0, sizeof(*k));
		k->local_id = id;
	}
	lens = ks_xrealloc_array(NULL, c->nc + 1, sizeof(*lens));
	for (size_t i = 0; i < c->nc; i++) {
		const struct btf_type *lt = btf__type_by_id(lb, c->c[i].local_id);
		const char *ln = lt ? tname(lb, lt) : "";

		c->c[i].failed = !*ln;
		lens[i] = ks_core_essential_len(ln);
		first[(uint8_t)ln[0]] = 1;
	}
	for (uint32_t t = 1, n = btf__type_cnt(c->targ); t < n; t++) {
		const struct btf_type *tt = btf__type_by_id(c->targ, t);
		const char *tn = tname(c->targ, tt);
		size_t tl = 0;

		if (!first[(uint8_t)tn[0]] || !tn[0])
			continue;
		for (size_t i = 0; i < c->nc; i++) {
			struct cands *k = &c->c[i];
			const struct btf_type *lt;
			const char *ln;

			if (k->failed)
				continue;
			lt = btf__type_by_id(lb, k->local_id);
			ln = tname(lb, lt);
			if (ln[0] != tn[0] || !kind_compat(tt, lt) || strncmp(tn, ln, lens[i]))
				continue;
			if (!tl)
				tl = ks_core_essential_len(tn);
			if (tl != lens[i])
				continue;
			k->ids = ks_xrealloc_array(k->ids, k->n + 1, sizeof(*k->ids));
			k->ids[k->n++] = t;
		}
	}
	free(lens);
}

static struct cands *find_cands(struct ks_core_ctx *c, uint32_t local_id)
{
	if (!c->c)
		find_all_cands(c);
	for (size_t i = 0; i < c->nc; i++)
		if (c->c[i].local_id == local_id)
			return &c->c[i];
	abort(); /* every relocation's root was collected */
}

int ks_core_ctx_new(const struct ks_bpf_obj *o, const struct btf *target, struct ks_core_ctx **out)
{
	struct ks_core_ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->o = o;
	c->targ = target;
	*out = c;
	return 0;
}

void ks_core_ctx_free(struct ks_core_ctx *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nc; i++)
		free(c->c[i].ids);
	free(c->c);
	free(c);
}

static void fail(struct ks_relo_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(struct ks_relo_result *res, const char *fmt, ...)
{
	va_list ap;

	res->status = KS_RELO_ERROR;
	va_start(ap, fmt);
	vsnprintf(res->target, sizeof(res->target), fmt, ap);
	va_end(ap);
}

static int insn_bytes(const struct bpf_insn *in)
{
	switch (BPF_SIZE(in->code)) {
	case BPF_DW: return 8;
	case BPF_W: return 4;
	case BPF_H: return 2;
	case BPF_B: return 1;
	default: return -1;
	}
}

/*
 * What libbpf's instruction patcher does with the result: check the instruction holds
 * the compiled value, and refuse what cannot be patched. Sets res->status.
 */
static void patch(const struct ks_bpf_sec *s, size_t insn, const struct calc *c,
		  struct ks_relo_result *res)
{
	const struct bpf_insn *in = &s->insns[insn];
	int cls = BPF_CLASS(in->code);

	res->orig_val = c->orig;
	res->new_val = c->new;
	res->orig_sz = c->orig_sz;
	res->new_sz = c->new_sz;
	if (c->poison) {
		res->status = KS_RELO_POISON;
		return;
	}
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_SRC(in->code) != BPF_K)
			return fail(res, "instruction #%zu is not an ALU immediate", insn);
		if (c->validate && (uint64_t)(int64_t)in->imm != c->orig && (uint32_t)in->imm != c->orig)
			return fail(res, "instruction #%zu holds %d, expected %llu", insn, in->imm,
				    (unsigned long long)c->orig);
		break;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		if (c->validate && (uint64_t)(int64_t)in->off != c->orig)
			return fail(res, "instruction #%zu holds offset %d, expected %llu", insn, in->off,
				    (unsigned long long)c->orig);
		if (c->new > SHRT_MAX)
			return fail(res, "offset %llu too big for instruction #%zu",
				    (unsigned long long)c->new, insn);
		if (c->fail_memsz) {
			res->status = KS_RELO_POISON;
			snprintf(res->target, sizeof(res->target),
				 "field size %u -> %u cannot be read by the compiled load", c->orig_sz, c->new_sz);
			return;
		}
		if (c->new_sz != c->orig_sz) {
			if (insn_bytes(in) != (int)c->orig_sz)
				return fail(res, "instruction #%zu reads %d bytes, expected %u", insn,
					    insn_bytes(in), c->orig_sz);
			if (c->new_sz != 1 && c->new_sz != 2 && c->new_sz != 4 && c->new_sz != 8)
				return fail(res, "new access size %u for instruction #%zu", c->new_sz, insn);
		}
		break;
	case BPF_LD: {
		uint64_t imm;

		if (in->code != (BPF_LD | BPF_IMM | BPF_DW) || insn + 1 >= s->ninsns || in->src_reg ||
		    in->off || in[1].code || in[1].dst_reg || in[1].src_reg || in[1].off)
			return fail(res, "instruction #%zu is not a plain 64-bit load", insn);
		imm = (uint32_t)in[0].imm | ((uint64_t)(uint32_t)in[1].imm << 32);
		if (c->validate && imm != c->orig)
			return fail(res, "instruction #%zu holds %llu, expected %llu", insn,
				    (unsigned long long)imm, (unsigned long long)c->orig);
		break;
	}
	default:
		return fail(res, "instruction #%zu (code 0x%x) cannot be relocated", insn, in->code);
	}
	res->status = KS_RELO_OK;
}

void ks_core_eval(struct ks_core_ctx *c, const struct ks_bpf_relo *r, struct ks_relo_result *res)
{
	const struct btf *lb = c->o->btf;
	const struct ks_bpf_sec *s = &c->o->secs[r->sec];
	size_t insn = r->insn_off / sizeof(struct bpf_insn);
	const struct btf_type *lt = btf__type_by_id(lb, r->type_id);
	struct spec ls, cs, ts;
	struct calc cc, tc;
	struct cands *k;
	size_t j = 0;
	int err;

	memset(res, 0, sizeof(*res));
	memset(&ts, 0, sizeof(ts));
	memset(&tc, 0, sizeof(tc));
	err = parse_spec(lb, r, &ls);
	if (err) {
		snprintf(res->local, sizeof(res->local), "[%u] %s", r->type_id,
			 btf__name_by_offset(lb, r->access) ?: "?");
		return fail(res, "cannot parse the access string (%s)", strerror(-err));
	}
	describe_local(&ls, lt, res->local, sizeof(res->local));
	if (r->kind == BPF_CORE_TYPE_ID_LOCAL) {
		res->status = KS_RELO_OK;
		res->orig_val = res->new_val = ls.root;
		snprintf(res->target, sizeof(res->target), "local type id %u", ls.root);
		return;
	}
	k = find_cands(c, r->type_id);
	if (k->failed)
		return fail(res, "relocation of an anonymous type: libbpf cannot search candidates");
	for (size_t i = 0; i < k->n; i++) {
		err = spec_match(&ls, c->targ, k->ids[i], &cs);
		if (err < 0)
			return fail(res, "error matching candidate [%u]: %s", k->ids[i], strerror(-err));
		if (!err)
			continue;
		err = calc_relo(r, &ls, &cs, &cc);
		if (err)
			return fail(res, "cannot compute the relocation (%s)", strerror(-err));
		if (j == 0) {
			tc = cc;
			ts = cs;
		} else if (cs.bit_offset != ts.bit_offset) {
			return fail(res, "ambiguous: candidates [%u] and [%u] put it at bit %u and %u",
				    ts.root, cs.root, ts.bit_offset, cs.bit_offset);
		} else if (cc.poison != tc.poison || cc.new != tc.new) {
			return fail(res, "ambiguous: candidates [%u] and [%u] give %llu and %llu", ts.root,
				    cs.root, (unsigned long long)tc.new, (unsigned long long)cc.new);
		}
		k->ids[j++] = k->ids[i];
	}
	if (j > 0)
		k->n = j;
	res->cands = (int)j;
	if (j == 0) {
		err = calc_relo(r, &ls, NULL, &tc);
		if (err)
			return fail(res, "cannot compute the relocation (%s)", strerror(-err));
	}
	patch(s, insn, &tc, res);
	if (res->status != KS_RELO_OK && res->status != KS_RELO_POISON)
		return;
	if (res->status == KS_RELO_POISON) {
		if (!res->target[0])
			snprintf(res->target, sizeof(res->target), "not found");
		return;
	}
	switch (r->kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
		snprintf(res->target, sizeof(res->target), "byte %llu", (unsigned long long)tc.new);
		break;
	case BPF_CORE_FIELD_EXISTS:
	case BPF_CORE_TYPE_EXISTS:
	case BPF_CORE_TYPE_MATCHES:
	case BPF_CORE_ENUMVAL_EXISTS:
		snprintf(res->target, sizeof(res->target), "%s", tc.new ? "yes" : "no");
		break;
	default:
		snprintf(res->target, sizeof(res->target), "%llu", (unsigned long long)tc.new);
	}
}

void ks_core_describe(const struct ks_bpf_obj *o, const struct ks_bpf_relo *r, char *out, size_t size)
{
	const struct btf_type *lt = btf__type_by_id(o->btf, r->type_id);
	struct spec ls;

	if (!lt || parse_spec(o->btf, r, &ls)) {
		snprintf(out, size, "[%u] %s", r->type_id, btf__name_by_offset(o->btf, r->access) ?: "?");
		return;
	}
	describe_local(&ls, lt, out, size);
}
