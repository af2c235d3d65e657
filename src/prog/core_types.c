/* SPDX-License-Identifier: MIT */
/*
 * libbpf's type relations for CO-RE, from its documented semantics: compatibility of
 * two types for type-based relocations and kfunc prototypes, the stricter "match" of
 * bpf_core_type_matches(), and field compatibility for field relocations.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog/core_int.h"
#include "util/strbuf.h"

const char *core_tname(const struct btf *btf, const struct btf_type *t)
{
	const char *s = btf__name_by_offset(btf, t->name_off);

	return s ? s : "";
}

const struct btf_type *core_skip_mods(const struct btf *btf, uint32_t id, uint32_t *res)
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

int core_kind_compat(const struct btf_type *a, const struct btf_type *b)
{
	return btf_kind(a) == btf_kind(b) || (btf_is_any_enum(a) && btf_is_any_enum(b));
}

static int int_no_offset(const struct btf_type *t)
{
	return btf_int_offset(t) == 0;
}

int core_types_are_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
			  int level)
{
	const struct btf_type *lt = btf__type_by_id(lb, lid), *tt = btf__type_by_id(tb, tid);
	int depth = 32;

	if (!lt || !tt)
		return -EINVAL;
	if (!core_kind_compat(lt, tt))
		return 0;
	for (;;) {
		if (--depth < 0)
			return -EINVAL;
		lt = core_skip_mods(lb, lid, &lid);
		tt = core_skip_mods(tb, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (!core_kind_compat(lt, tt))
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
				core_skip_mods(lb, lp[i].type, &a);
				core_skip_mods(tb, tp[i].type, &b);
				err = core_types_are_compat(lb, a, tb, b, level - 1);
				if (err <= 0)
					return err;
			}
			core_skip_mods(lb, lt->type, &lid);
			core_skip_mods(tb, tt->type, &tid);
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
	return core_types_are_compat(local, local_id, targ, targ_id, 2);
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

uint32_t core_enum_name_off(const struct btf_type *t, unsigned i)
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
			found = names_match(lb, core_enum_name_off(lt, i), tb,
					    core_enum_name_off(tt, j));
		if (!found)
			return 0;
	}
	return 1;
}

int core_types_match(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
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
			err = core_types_match(lb, lm->type, tb, tm->type, behind_ptr, level - 1);
			if (err < 0)
				return err;
			matched = err > 0;
		}
		if (!matched)
			return 0;
	}
	return 1;
}

int core_types_match(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
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
		lt = core_skip_mods(lb, lid, &lid);
		tt = core_skip_mods(tb, tid, &tid);
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
				return (tk == BTF_KIND_STRUCT && !lf) ||
				       (tk == BTF_KIND_UNION && lf);
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
			return lt->size == tt->size && (btf_int_encoding(lt) & BTF_INT_SIGNED) ==
							   (btf_int_encoding(tt) & BTF_INT_SIGNED);
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
				int err = core_types_match(lb, lp[i].type, tb, tp[i].type,
							   behind_ptr, level - 1);

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

int core_fields_are_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid)
{
	for (int guard = 0; guard < 64; guard++) {
		const struct btf_type *lt = core_skip_mods(lb, lid, &lid),
				      *tt = core_skip_mods(tb, tid, &tid);

		if (!lt || !tt)
			return -EINVAL;
		if (btf_is_composite(lt) && btf_is_composite(tt))
			return 1;
		if (!core_kind_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64: {
			const char *ln = core_tname(lb, lt), *tn = core_tname(tb, tt);
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
