/* SPDX-License-Identifier: MIT */
/*
 * Kinds kfunc and lsm (docs/defs.md).
 *
 * kfunc: the FUNCs BTF tags "bpf_kfunc" (pahole ≥ 1.26 writes the tag; 6.12+ kernels).
 * A BTF without any such tag falls back to the `__BTF_ID__func__<name>__<n>` symbols of
 * a real System.map (BTF ID sets: kfunc sets, but also a few allow/deny lists) minus the
 * bpf_lsm_ hooks. kallsyms never lists those symbols, so images without a System.map
 * get no kfuncs on old kernels.
 *
 * lsm: the hooks are the members of `struct lsm_static_calls_table` (6.12+, arrays
 * named after the hooks) or `struct security_hook_heads` (before), else the names of the
 * bpf_lsm_<hook> FUNCs; the prototype is bpf_lsm_<hook>'s, else security_<hook>'s.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/symtab.h"
#include "surface/proto.h"
#include "surface/surface_int.h"
#include "util/err.h"

#define BTF_ID_PREFIX "__BTF_ID__func__"
#define LSM_PREFIX "bpf_lsm_"

struct name {
	const char *s;
	size_t len;
};

static int cmp_name(const void *x, const void *y)
{
	const struct name *a = x, *b = y;

	return ks_name_cmp(a->s, a->len, b->s, b->len);
}

/* Sort and drop repeats. */
static size_t uniq(struct name *v, size_t n)
{
	size_t k = 0;

	qsort(v, n, sizeof(*v), cmp_name);
	for (size_t i = 0; i < n; i++)
		if (!k || cmp_name(&v[k - 1], &v[i]))
			v[k++] = v[i];
	return k;
}

/*
 * Write the def of one function-like item: its prototype from FUNC `fid` (0: none, the
 * item is then "no BTF"), `found` saying where the item came from, `proto` the name of
 * the FUNC the prototype is from when that is not the item's name.
 */
static int put_item(struct ks_proto_ctx *c, enum ks_kind kind, const char *name, uint32_t fid,
		    const char *found, const char *proto, struct ks_surface *out)
{
	struct strbuf *d = &c->def;
	int ret;

	sb_reset(d);
	sb_addc(d, '{');
	ret = fid ? ks_proto_put_c(c, fid) : ks_proto_put_kv(d, "c", name);
	sb_addc(d, ',');
	if (!ret)
		ret = ks_proto_put_kv(d, "found", found);
	sb_addc(d, ',');
	if (!ret)
		ret = ks_proto_put_kv(d, "kind", ks_kind_name(kind));
	sb_addc(d, ',');
	if (!ret)
		ret = ks_proto_put_kv(d, "name", name);
	if (fid && !ret) {
		sb_addc(d, ',');
		ret = ks_proto_put_params(c, fid);
		if (proto && !ret) {
			sb_addc(d, ',');
			ret = ks_proto_put_kv(d, "proto", proto);
		}
		sb_addc(d, ',');
		if (!ret)
			ret = ks_proto_put_return(c, fid);
	}
	if (ret)
		return ks_err(ret, "%s %s: a name is not valid UTF-8", ks_kind_name(kind), name);
	if (!fid)
		sb_add(d, ",\"status\":[\"no BTF\"]");
	sb_addc(d, '}');
	ks_surface_push(out, kind, name, sb_detach(d), 0);
	return 0;
}

static uint32_t func_id(const struct ks_func_index *fx, const char *name, size_t len)
{
	long at = ks_func_index_find(fx, name, len, NULL);

	return at < 0 ? 0 : fx->v[at].id;
}

/* The kfunc names from the "bpf_kfunc" decl tags; returns how many. */
static size_t kfuncs_tagged(const struct btf *btf, struct name *v)
{
	uint32_t cnt = btf__type_cnt(btf);
	size_t n = 0;

	for (uint32_t id = ks_btf_first_id(btf); id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id), *f;
		const char *tag, *fname;

		if (!btf_is_decl_tag(t) || btf_decl_tag(t)->component_idx != -1)
			continue;
		tag = btf__name_by_offset(btf, t->name_off);
		f = btf__type_by_id(btf, t->type);
		if (!tag || strcmp(tag, "bpf_kfunc") || !f || !btf_is_func(f))
			continue;
		fname = btf__name_by_offset(btf, f->name_off);
		if (fname && *fname)
			v[n++] = (struct name){fname, strlen(fname)};
	}
	return n;
}

/* The kfunc names from __BTF_ID__func__<name>__<n> symbols; returns how many. */
static size_t kfuncs_btf_ids(const struct ks_symtab *st, struct name *v)
{
	size_t n = 0, plen = strlen(BTF_ID_PREFIX);

	for (size_t i = 0; i < st->n; i++) {
		const char *s = ks_sym_name(st, &st->syms[i]), *end;

		if (strncmp(s, BTF_ID_PREFIX, plen))
			continue;
		s += plen;
		end = s + strlen(s);
		while (end > s && end[-1] >= '0' && end[-1] <= '9')
			end--;
		if (end - s < 3 || end[-1] != '_' || end[-2] != '_')
			continue;
		end -= 2;
		if (!strncmp(s, LSM_PREFIX, strlen(LSM_PREFIX)))
			continue;
		v[n++] = (struct name){s, (size_t)(end - s)};
	}
	return n;
}

static int kfuncs(struct ks_proto_ctx *c, const struct ks_func_index *fx,
		  const struct ks_surface_input *in, struct ks_surface *out)
{
	size_t cap = btf__type_cnt(in->btf) - ks_btf_first_id(in->btf) + (in->syms ? in->syms->n : 0) + 2;
	struct name *v = malloc(sizeof(*v) * cap);
	struct strbuf name = STRBUF_INIT;
	const char *found = "bpf_kfunc decl tag";
	size_t n;
	int ret = 0;

	if (!v)
		return ks_err(-ENOMEM, "kfuncs: out of memory");
	sb_init(&name);
	n = kfuncs_tagged(in->btf, v);
	if (!n && in->syms) {
		n = kfuncs_btf_ids(in->syms, v);
		found = "BTF_ID symbol";
	}
	n = uniq(v, n);
	for (size_t i = 0; i < n && !ret; i++) {
		sb_reset(&name);
		sb_addn(&name, v[i].s, v[i].len);
		ret = put_item(c, KS_KIND_KFUNC, name.buf, func_id(fx, v[i].s, v[i].len), found, NULL,
			       out);
	}
	sb_release(&name);
	free(v);
	return ret;
}

typedef int (*extract_fn)(struct ks_proto_ctx *c, const struct ks_func_index *fx,
			  const struct ks_surface_input *in, struct ks_surface *out);

/* Run one extractor with a FUNC index and a prototype printer of the image's BTF. */
static int with_index(const struct ks_surface_input *in, struct ks_surface *out, extract_fn fn)
{
	struct ks_func_index fx;
	struct ks_proto_ctx c;
	int ret;

	if ((ret = ks_func_index_build(in->btf, &fx)))
		return ret;
	if (!(ret = ks_proto_ctx_init(&c, in->btf))) {
		ret = fn(&c, &fx, in, out);
		ks_proto_ctx_fini(&c);
	}
	ks_func_index_free(&fx);
	return ret;
}

int ks_surface_kfuncs(const struct ks_surface_input *in, struct ks_surface *out)
{
	return with_index(in, out, kfuncs);
}

/* The hook names: members of the hook table struct, else the bpf_lsm_ FUNCs. */
static size_t lsm_hooks(const struct btf *btf, const struct ks_func_index *fx, struct name *v,
			const char **found)
{
	static const char *const tables[] = {"lsm_static_calls_table", "security_hook_heads"};
	size_t n = 0, plen = strlen(LSM_PREFIX);

	for (size_t k = 0; k < sizeof(tables) / sizeof(*tables); k++) {
		int id = btf__find_by_name_kind(btf, tables[k], BTF_KIND_STRUCT);
		const struct btf_type *t = id > 0 ? btf__type_by_id(btf, id) : NULL;

		if (!t)
			continue;
		for (uint32_t i = 0; i < btf_vlen(t); i++) {
			const char *m = btf__name_by_offset(btf, btf_members(t)[i].name_off);

			if (m && *m)
				v[n++] = (struct name){m, strlen(m)};
		}
		*found = tables[k];
		return n;
	}
	for (size_t i = 0; i < fx->n; i++)
		if (fx->v[i].len > plen && !strncmp(fx->v[i].name, LSM_PREFIX, plen))
			v[n++] = (struct name){fx->v[i].name + plen, fx->v[i].len - plen};
	*found = "bpf_lsm_ FUNC";
	return n;
}

static int lsms(struct ks_proto_ctx *c, const struct ks_func_index *fx,
		const struct ks_surface_input *in, struct ks_surface *out)
{
	struct name *v = malloc(sizeof(*v) * (btf__type_cnt(c->btf) + 0x10000));
	struct strbuf hook = STRBUF_INIT, fn = STRBUF_INIT;
	const char *found = NULL;
	size_t n;
	int ret = 0;

	if (!v)
		return ks_err(-ENOMEM, "LSM hooks: out of memory");
	sb_init(&hook);
	sb_init(&fn);
	n = uniq(v, lsm_hooks(c->btf, fx, v, &found));
	for (size_t i = 0; i < n && !ret; i++) {
		static const char *const prefixes[] = {LSM_PREFIX, "security_"};
		uint32_t fid = 0;

		sb_reset(&hook);
		sb_addn(&hook, v[i].s, v[i].len);
		for (size_t k = 0; k < 2 && !fid; k++) {
			sb_reset(&fn);
			sb_add(&fn, prefixes[k]);
			sb_add(&fn, hook.buf);
			fid = func_id(fx, fn.buf, fn.len);
		}
		ret = put_item(c, KS_KIND_LSM, hook.buf, fid, found, fid ? fn.buf : NULL, out);
	}
	sb_release(&hook);
	sb_release(&fn);
	free(v);
	return ret;
}

int ks_surface_lsm(const struct ks_surface_input *in, struct ks_surface *out)
{
	return with_index(in, out, lsms);
}
