/* SPDX-License-Identifier: MIT */
/* The FUNC index and prototype keys shared by the func, kfunc and lsm extractors. */
#include "surface/proto.h"

#include <bpf/btf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/cdecl.h"
#include "surface/surface.h"
#include "util/err.h"
#include "util/jsonw.h"

int ks_name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

static int cmp_ent(const void *x, const void *y)
{
	const struct ks_func_ent *a = x, *b = y;
	int r = ks_name_cmp(a->name, a->len, b->name, b->len);

	if (r)
		return r;
	return a->id < b->id ? -1 : a->id > b->id;
}

int ks_func_index_build(const struct btf *btf, struct ks_func_index *idx)
{
	uint32_t cnt = btf__type_cnt(btf), first = ks_btf_first_id(btf);

	memset(idx, 0, sizeof(*idx));
	idx->v = malloc(sizeof(*idx->v) * (cnt - first + 1));
	if (!idx->v)
		return ks_err(-ENOMEM, "BTF functions: out of memory");
	for (uint32_t id = first; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || !*name)
			continue;
		idx->v[idx->n++] = (struct ks_func_ent){name, strlen(name), id};
	}
	qsort(idx->v, idx->n, sizeof(*idx->v), cmp_ent);
	return 0;
}

void ks_func_index_free(struct ks_func_index *idx)
{
	free(idx->v);
	memset(idx, 0, sizeof(*idx));
}

long ks_func_index_find(const struct ks_func_index *idx, const char *name, size_t len,
			size_t *count)
{
	size_t lo = 0, hi = idx->n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks_name_cmp(idx->v[mid].name, idx->v[mid].len, name, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < idx->n && !ks_name_cmp(idx->v[end].name, idx->v[end].len, name, len);
	     end++)
		;
	if (count)
		*count = end - lo;
	return end > lo ? (long)lo : -1;
}

int ks_proto_ctx_init(struct ks_proto_ctx *c, const struct btf *btf)
{
	c->btf = btf;
	sb_init(&c->def);
	sb_init(&c->tmp);
	c->cc = ks_cdecl_cache_new(btf);
	if (!c->cc) {
		sb_release(&c->def);
		sb_release(&c->tmp);
		return ks_err(-ENOMEM, "BTF functions: out of memory");
	}
	return 0;
}

void ks_proto_ctx_fini(struct ks_proto_ctx *c)
{
	ks_cdecl_cache_free(c->cc);
	sb_release(&c->def);
	sb_release(&c->tmp);
}

int ks_proto_put_kv(struct strbuf *d, const char *key, const char *s)
{
	sb_addc(d, '"');
	sb_add(d, key);
	sb_add(d, "\":");
	return ks_jsonw_str(d, s, strlen(s));
}

int ks_proto_put_c(struct ks_proto_ctx *c, uint32_t func_id)
{
	sb_reset(&c->tmp);
	ks_cdecl_definition_cached(c->cc, func_id, &c->tmp);
	if (c->tmp.len && c->tmp.buf[c->tmp.len - 1] == ';')
		sb_truncate(&c->tmp, c->tmp.len - 1);
	sb_add(&c->def, "\"c\":");
	return ks_jsonw_str(&c->def, c->tmp.buf, c->tmp.len);
}

static int put_decl(struct ks_proto_ctx *c, uint32_t type, const char *name)
{
	sb_reset(&c->tmp);
	ks_cdecl_cached(c->cc, type, name, 0, &c->tmp);
	return ks_jsonw_str(&c->def, c->tmp.buf, c->tmp.len);
}

static const struct btf_type *proto_of(const struct btf *btf, uint32_t func_id)
{
	const struct btf_type *t = btf__type_by_id(btf, func_id);

	t = t ? btf__type_by_id(btf, t->type) : NULL;
	return t && btf_is_func_proto(t) ? t : NULL;
}

int ks_proto_put_params(struct ks_proto_ctx *c, uint32_t func_id)
{
	const struct btf_type *t = proto_of(c->btf, func_id);
	struct strbuf *d = &c->def;
	int ret = 0;

	sb_add(d, "\"params\":[");
	for (uint32_t i = 0; t && i < btf_vlen(t) && !ret; i++) {
		const struct btf_param *p = btf_params(t) + i;
		const char *name = btf__name_by_offset(c->btf, p->name_off);

		if (!name)
			name = "";
		if (i)
			sb_addc(d, ',');
		if (!p->type && !*name) {
			sb_add(d, "{\"decl\":\"...\",\"name\":\"...\",\"type\":\"...\"}");
			continue;
		}
		sb_add(d, "{\"decl\":");
		if ((ret = put_decl(c, p->type, name)))
			break;
		sb_add(d, ",\"name\":");
		if ((ret = ks_jsonw_str(d, name, strlen(name))))
			break;
		sb_add(d, ",\"type\":");
		ret = put_decl(c, p->type, "");
		sb_addc(d, '}');
	}
	sb_addc(d, ']');
	return ret;
}

int ks_proto_put_return(struct ks_proto_ctx *c, uint32_t func_id)
{
	const struct btf_type *t = proto_of(c->btf, func_id);

	sb_add(&c->def, "\"return\":");
	return put_decl(c, t ? t->type : 0, "");
}

const char *ks_proto_linkage(const struct btf *btf, uint32_t func_id)
{
	switch (btf_vlen(btf__type_by_id(btf, func_id))) { /* a FUNC's vlen is its linkage */
	case BTF_FUNC_STATIC:
		return "static";
	case BTF_FUNC_GLOBAL:
		return "global";
	default:
		return "extern";
	}
}
