/* SPDX-License-Identifier: MIT */
/*
 * CO-RE access specs: the local spec parsed from a relocation's access string, matched
 * against a candidate target type (named fields through anonymous members, array
 * bounds), and the relocation's value computed from a spec (offsets, sizes, bitfield
 * shifts, signedness, type ids and sizes, enum values).
 */
#include <bpf/btf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog/core_int.h"
#include "util/strbuf.h"

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
int core_parse_spec(const struct btf *btf, const struct ks_bpf_relo *r, struct spec *sp)
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
	t = core_skip_mods(btf, r->type_id, &id);
	if (!t)
		return -EINVAL;
	sp->a[0] = (struct acc){.type_id = id, .idx = (uint32_t)sp->raw[0]};
	sp->len = 1;
	if (is_enumval_kind(r->kind)) {
		if (!btf_is_any_enum(t) || sp->raw_len > 1 || sp->raw[0] < 0 ||
		    sp->raw[0] >= btf_vlen(t))
			return -EINVAL;
		sp->a[0].name =
		    btf__name_by_offset(btf, core_enum_name_off(t, (unsigned)sp->raw[0]));
		if (!sp->a[0].name)
			return -EINVAL;
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

		t = core_skip_mods(btf, id, &id);
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
				*a =
				    (struct acc){.type_id = id, .idx = (uint32_t)idx, .name = name};
				sp->len++;
			}
			id = m->type;
		} else if (btf_is_array(t)) {
			const struct btf_array *arr = btf_array(t);

			t = core_skip_mods(btf, arr->type, &id);
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

/* Find the local named field `la` in target composite tid, through anonymous members. */
static int match_member(const struct btf *lb, const struct acc *la, const struct btf *tb,
			uint32_t tid, struct spec *ts, uint32_t *next, int depth)
{
	const struct btf_type *lt, *tt;
	const struct btf_member *lm, *m;
	const char *lname;

	if (depth > SPEC_MAX)
		return -E2BIG;
	tt = core_skip_mods(tb, tid, &tid);
	if (!tt)
		return -EINVAL;
	if (!btf_is_composite(tt))
		return 0;
	lt = btf__type_by_id(lb, la->type_id);
	lm = btf_members(lt) + la->idx;
	lname = btf__name_by_offset(lb, lm->name_off);
	if (!lname)
		return -EINVAL;
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
			found = core_fields_are_compat(lb, lm->type, tb, m->type);
			if (!found)
				ts->len--;
			return found;
		}
		ts->bit_offset -= bo;
		ts->raw_len--;
	}
	return 0;
}

int core_spec_match(const struct spec *ls, const struct btf *tb, uint32_t tid, struct spec *ts)
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
			return core_types_match(ls->btf, ls->root, tb, tid, 0, 32);
		return core_types_are_compat(ls->btf, ls->root, tb, tid, 32);
	}
	if (is_enumval_kind(ls->kind)) {
		size_t ll = ks_core_essential_len(la->name);

		tt = core_skip_mods(tb, tid, &tid);
		if (!tt || !btf_is_any_enum(tt))
			return 0;
		for (unsigned i = 0; i < btf_vlen(tt); i++) {
			const char *n = btf__name_by_offset(tb, core_enum_name_off(tt, i));

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

		tt = core_skip_mods(tb, tid, &tid);
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
			if (!core_skip_mods(tb, arr->type, &tid))
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
	mt = core_skip_mods(sp->btf, m->type, &field_type);
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

int core_calc_relo(const struct ks_bpf_relo *r, const struct spec *ls, const struct spec *ts,
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
				  btf_int_encoding(a) != BTF_INT_SIGNED &&
				  btf_int_encoding(b) != BTF_INT_SIGNED);

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

void core_describe_local(const struct spec *sp, const struct btf_type *root, char *out, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	const char *kw = btf_is_struct(root)	 ? "struct "
			 : btf_is_union(root)	 ? "union "
			 : btf_is_any_enum(root) ? "enum "
			 : btf_is_typedef(root)	 ? "typedef "
						 : "";
	const char *n = core_tname(sp->btf, root);

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
