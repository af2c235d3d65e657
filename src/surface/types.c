/* SPDX-License-Identifier: MIT */
/*
 * The type items of one image: named structs, unions, enums (incl. enum64) and
 * typedefs from BTF, each with its canonical def (docs/defs.md).
 *
 * Defs are written straight into a string builder, keys in sorted order, strings escaped
 * as jansson escapes them: the bytes are exactly json_dumps(JSON_COMPACT|JSON_SORT_KEYS)
 * of the same object (test_surface_types checks every def of real kernels that way),
 * at a fifth of the cost of building jansson objects for ~150k members per image.
 */
#include "surface/surface.h"

#include <bpf/btf.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <nettle/sha2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report/cdecl.h"
#include "util/err.h"
#include "util/jsonw.h"
#include "util/strbuf.h"

/* Anonymous structs nest a few levels; a lying BTF must not recurse forever. */
#define MAX_NEST 32
/* Members visited for one item: task_struct needs ~300, a lying BTF could ask 2^32. */
#define MAX_STEPS (1u << 16)
#define ANON_NAME "(anon)"

/* A named type that may become an item; id 0 stands for the merged anonymous enums. */
struct cand {
	enum ks_kind kind;
	const char *name;
	uint32_t id;
};

/* One enumerator of an anonymous enum, with its place in type-id order. */
struct anon_val {
	const char *name;
	uint32_t enum_id, idx, order;
	bool dup;
};

struct ctx {
	const struct btf *btf;
	struct ks_cdecl_cache *cc;
	struct strbuf def;    /* the def being written */
	struct strbuf tmp;    /* a declaration before escaping */
	unsigned steps;	      /* members visited for the item being written */
	uint32_t *anon_enums; /* ids of anonymous enums, in id order */
	size_t n_anon;
};

static int put_cstr(struct strbuf *out, const char *s)
{
	return ks_jsonw_str(out, s, strlen(s));
}

/* Append the declaration of `name` with type `id` (abstract when name is "") as JSON. */
static int put_decl(struct ctx *c, uint32_t id, const char *name)
{
	sb_reset(&c->tmp);
	ks_cdecl_cached(c->cc, id, name, 0, &c->tmp);
	return ks_jsonw_str(&c->def, c->tmp.buf, c->tmp.len);
}

/* Append the whole C definition of id as the "c" string. */
static int put_c(struct ctx *c, uint32_t id)
{
	sb_reset(&c->tmp);
	ks_cdecl_definition_cached(c->cc, id, &c->tmp);
	return ks_jsonw_str(&c->def, c->tmp.buf, c->tmp.len);
}

static void put_sep(struct strbuf *out)
{
	if (out->buf[out->len - 1] != '[')
		sb_addc(out, ',');
}

/* {"bits","decl","name","offset","type"} of one field */
static int put_member(struct ctx *c, const char *name, uint32_t type, uint64_t off, uint32_t bits)
{
	struct strbuf *d = &c->def;
	int ret;

	put_sep(d);
	sb_add(d, "{\"bits\":");
	ks_jsonw_u64(d, bits);
	sb_add(d, ",\"decl\":");
	if ((ret = put_decl(c, type, name)))
		return ret;
	sb_add(d, ",\"name\":");
	if ((ret = put_cstr(d, name)))
		return ret;
	sb_add(d, ",\"offset\":");
	ks_jsonw_u64(d, off);
	sb_add(d, ",\"type\":");
	if ((ret = put_decl(c, type, "")))
		return ret;
	sb_addc(d, '}');
	return 0;
}

/* The struct/union an unnamed member lifts its members from, or NULL for padding. */
static const struct btf_type *anon_composite(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	for (int n = 0; t && n < MAX_NEST && (btf_is_mod(t) || btf_is_typedef(t)); n++)
		t = btf__type_by_id(btf, t->type);
	return t && (btf_is_struct(t) || btf_is_union(t)) ? t : NULL;
}

/*
 * Append the members of t, flattened: the members of an unnamed struct/union member
 * are the parent's (C lets s.x reach them), at offsets relative to the parent.
 */
static int put_members(struct ctx *c, const struct btf_type *t, uint64_t base, int depth)
{
	const struct btf_member *m = btf_members(t);
	int ret = 0;

	if (depth > MAX_NEST)
		return -ELOOP;
	for (uint32_t i = 0; i < btf_vlen(t) && !ret; i++, m++) {
		const char *name = btf__name_by_offset(c->btf, m->name_off);
		uint64_t off = base + btf_member_bit_offset(t, i);
		const struct btf_type *inner;

		if (++c->steps > MAX_STEPS)
			return -ELOOP;
		if (name && *name)
			ret = put_member(c, name, m->type, off, btf_member_bitfield_size(t, i));
		else if ((inner = anon_composite(c->btf, m->type)))
			ret = put_members(c, inner, off, depth + 1);
	}
	return ret;
}

/* {"c","kind","members","name","size"} */
static int def_composite(struct ctx *c, const struct cand *k, const struct btf_type *t)
{
	struct strbuf *d = &c->def;
	int ret;

	sb_add(d, "{\"c\":");
	if ((ret = put_c(c, k->id)))
		return ret;
	sb_addf(d, ",\"kind\":\"%s\",\"members\":[", ks_kind_name(k->kind));
	if ((ret = put_members(c, t, 0, 0)))
		return ret;
	sb_add(d, "],\"name\":");
	if ((ret = put_cstr(d, k->name)))
		return ret;
	sb_addf(d, ",\"size\":%u}", t->size);
	return 0;
}

/* An enumerator's value: a JSON integer, or a decimal string above INT64_MAX. */
static void put_value(struct strbuf *d, const struct btf_type *t, uint32_t i)
{
	uint64_t v;

	if (btf_is_enum(t)) {
		int32_t raw = btf_enum(t)[i].val;

		if (btf_kflag(t) && raw < 0)
			sb_addc(d, '-');
		ks_jsonw_u64(d, btf_kflag(t) && raw < 0 ? -(int64_t)raw : (uint32_t)raw);
		return;
	}
	v = btf_enum64_value(btf_enum64(t) + i);
	if (btf_kflag(t))
		sb_addf(d, "%" PRId64, (int64_t)v);
	else if (v <= INT64_MAX)
		sb_addf(d, "%" PRIu64, v);
	else
		sb_addf(d, "\"%" PRIu64 "\"", v);
}

static const char *enumerator_name(const struct btf *btf, const struct btf_type *t, uint32_t i)
{
	uint32_t off = btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
	const char *name = btf__name_by_offset(btf, off);

	return name ? name : "";
}

/* {"name","value"} of enumerator i of enum id */
static int put_enumerator(struct ctx *c, uint32_t id, uint32_t i)
{
	const struct btf_type *t = btf__type_by_id(c->btf, id);
	int ret;

	put_sep(&c->def);
	sb_add(&c->def, "{\"name\":");
	if ((ret = put_cstr(&c->def, enumerator_name(c->btf, t, i))))
		return ret;
	sb_add(&c->def, ",\"value\":");
	put_value(&c->def, t, i);
	sb_addc(&c->def, '}');
	return 0;
}

/* {"c","kind","name","signed","size","values"} */
static int def_enum(struct ctx *c, const struct cand *k, const struct btf_type *t)
{
	struct strbuf *d = &c->def;
	int ret;

	sb_add(d, "{\"c\":");
	if ((ret = put_c(c, k->id)))
		return ret;
	sb_add(d, ",\"kind\":\"enum\",\"name\":");
	if ((ret = put_cstr(d, k->name)))
		return ret;
	sb_addf(d, ",\"signed\":%s,\"size\":%u,\"values\":[", btf_kflag(t) ? "true" : "false",
		t->size);
	for (uint32_t i = 0; i < btf_vlen(t) && !ret; i++)
		ret = put_enumerator(c, k->id, i);
	sb_add(d, "]}");
	return ret;
}

static int anon_by_name(const void *a, const void *b)
{
	const struct anon_val *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	return r ? r : (x->order > y->order) - (x->order < y->order);
}

static int anon_by_order(const void *a, const void *b)
{
	const struct anon_val *x = a, *y = b;

	return (x->order > y->order) - (x->order < y->order);
}

/* The enumerators of all anonymous enums in id order, later ones of a name marked dup. */
static struct anon_val *anon_values(struct ctx *c, size_t *n_out)
{
	struct anon_val *v;
	size_t n = 0;

	for (size_t k = 0; k < c->n_anon; k++)
		n += btf_vlen(btf__type_by_id(c->btf, c->anon_enums[k]));
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return NULL;
	n = 0;
	for (size_t k = 0; k < c->n_anon; k++) {
		const struct btf_type *t = btf__type_by_id(c->btf, c->anon_enums[k]);

		for (uint32_t i = 0; i < btf_vlen(t); i++, n++)
			v[n] = (struct anon_val){enumerator_name(c->btf, t, i), c->anon_enums[k], i,
						 (uint32_t)n, false};
	}
	qsort(v, n, sizeof(*v), anon_by_name);
	for (size_t i = 1; i < n; i++)
		v[i].dup = !strcmp(v[i].name, v[i - 1].name);
	qsort(v, n, sizeof(*v), anon_by_order);
	*n_out = n;
	return v;
}

/*
 * All anonymous enums as one item (as DepSurf does): their enumerators in type-id
 * order, the first of a name winning; size and signedness are the widest seen. Its C
 * rendering is one enum body holding them all.
 */
static int def_anon_enums(struct ctx *c)
{
	struct strbuf *d = &c->def, cs = STRBUF_INIT;
	struct anon_val *v;
	uint32_t size = 0;
	bool sgn = false;
	size_t n;
	int ret = 0;

	if (!(v = anon_values(c, &n)))
		return -ENOMEM;
	sb_init(&cs);
	sb_add(&cs, "enum {");
	for (size_t k = 0; k < c->n_anon; k++) {
		const struct btf_type *t = btf__type_by_id(c->btf, c->anon_enums[k]);

		size = t->size > size ? t->size : size;
		sgn |= btf_kflag(t);
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].dup)
			continue;
		sb_add(&cs, "\n    ");
		ks_cdecl_enumerator(c->btf, v[i].enum_id, v[i].idx, &cs);
		sb_addc(&cs, ',');
	}
	sb_add(&cs, "\n};");
	sb_add(d, "{\"c\":");
	ret = ks_jsonw_str(d, cs.buf, cs.len);
	sb_addf(d,
		",\"kind\":\"enum\",\"name\":\"" ANON_NAME "\",\"signed\":%s,\"size\":%u,"
		"\"values\":[",
		sgn ? "true" : "false", size);
	for (size_t i = 0; i < n && !ret; i++)
		if (!v[i].dup)
			ret = put_enumerator(c, v[i].enum_id, v[i].idx);
	sb_add(d, "]}");
	sb_release(&cs);
	free(v);
	return ret;
}

/* {"c","kind","name","type"} */
static int def_typedef(struct ctx *c, const struct cand *k, const struct btf_type *t)
{
	struct strbuf *d = &c->def;
	int ret;

	sb_add(d, "{\"c\":");
	if ((ret = put_c(c, k->id)))
		return ret;
	sb_add(d, ",\"kind\":\"typedef\",\"name\":");
	if ((ret = put_cstr(d, k->name)))
		return ret;
	sb_add(d, ",\"type\":");
	if ((ret = put_decl(c, t->type, "")))
		return ret;
	sb_addc(d, '}');
	return 0;
}

static int write_def(struct ctx *c, const struct cand *k)
{
	const struct btf_type *t = k->id ? btf__type_by_id(c->btf, k->id) : NULL;

	sb_reset(&c->def);
	c->steps = 0;
	if (!k->id)
		return def_anon_enums(c);
	if (k->kind == KS_KIND_TYPEDEF)
		return def_typedef(c, k, t);
	if (k->kind == KS_KIND_ENUM)
		return def_enum(c, k, t);
	return def_composite(c, k, t);
}

static int make_item(struct ctx *c, const struct cand *k, struct ks_item *it)
{
	int ret;

	memset(it, 0, sizeof(*it));
	ret = write_def(c, k);
	if (ret == -EINVAL)
		return ks_err(ret, "BTF %s %s: a name is not valid UTF-8", ks_kind_name(k->kind),
			      k->name);
	if (ret)
		return ks_err(ret, "BTF %s %s: nested too deep", ks_kind_name(k->kind), k->name);
	it->kind = k->kind;
	it->name = strdup(k->name);
	it->def = malloc(c->def.len + 1);
	if (!it->name || !it->def) {
		free(it->name);
		free(it->def);
		memset(it, 0, sizeof(*it));
		return ks_err(-ENOMEM, "BTF %s %s: out of memory", ks_kind_name(k->kind), k->name);
	}
	memcpy(it->def, c->def.buf, c->def.len + 1);
	return 0;
}

struct hash_job {
	struct ks_item *items;
	size_t n;
};

static void *hash_items(void *arg)
{
	struct hash_job *job = arg;

	for (size_t i = 0; i < job->n; i++) {
		struct ks_item *it = &job->items[i];
		struct sha256_ctx sha;

		sha256_init(&sha);
		sha256_update(&sha, strlen(it->def), (const uint8_t *)it->def);
		sha256_digest(&sha, SHA256_DIGEST_SIZE, it->hash);
	}
	return NULL;
}

/*
 * SHA-256 of every def: ~40 MB for a 7.x kernel. Nettle uses the CPU's SHA
 * instructions where it has them (~1 GB/s; libmd's portable C did ~180 MB/s, a quarter
 * of the extraction), and the second core takes half of the items.
 */
void ks_surface_hash(struct ks_item *items, size_t n)
{
	struct hash_job lo = {items, n / 2}, hi = {items + n / 2, n - n / 2};
	pthread_t th;

	if (n < 1024 || pthread_create(&th, NULL, hash_items, &hi)) {
		hash_items(&(struct hash_job){items, n});
		return;
	}
	hash_items(&lo);
	pthread_join(th, NULL);
}

/* Which item kind a BTF type makes, or -1 when it makes none (anonymous, forward...). */
static int item_kind(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
		return t->name_off ? KS_KIND_STRUCT : -1;
	case BTF_KIND_UNION:
		return t->name_off ? KS_KIND_UNION : -1;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		/* an enum without enumerators is how BTF forward-declares one */
		return btf_vlen(t) ? KS_KIND_ENUM : -1;
	case BTF_KIND_TYPEDEF:
		return KS_KIND_TYPEDEF;
	default:
		return -1;
	}
}

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int r;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if ((r = strcmp(x->name, y->name)))
		return r;
	return (x->id > y->id) - (x->id < y->id);
}

/* The candidates in (kind, name, id) order, and the anonymous enums in ctx. */
static int collect(struct ctx *c, struct cand **out, size_t *n_out)
{
	uint32_t n = btf__type_cnt(c->btf), first = ks_btf_first_id(c->btf);
	/* a module's split BTF: its own types only, not vmlinux's ~10^5 */
	struct cand *v = calloc(n - first + 2, sizeof(*v));
	size_t cnt = 0;

	c->anon_enums = calloc(n - first + 1, sizeof(*c->anon_enums));
	if (!v || !c->anon_enums) {
		free(v);
		return ks_err(-ENOMEM, "BTF: out of memory");
	}
	for (uint32_t id = first; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(c->btf, id);
		int kind = item_kind(t);
		const char *name;

		if (kind < 0)
			continue;
		if (kind == KS_KIND_ENUM && !t->name_off) {
			if (!c->n_anon)
				v[cnt++] = (struct cand){KS_KIND_ENUM, ANON_NAME, 0};
			c->anon_enums[c->n_anon++] = id;
			continue;
		}
		name = btf__name_by_offset(c->btf, t->name_off);
		if (name && *name)
			v[cnt++] = (struct cand){kind, name, id};
	}
	qsort(v, cnt, sizeof(*v), cand_cmp);
	*out = v;
	*n_out = cnt;
	return 0;
}

static int extract(struct ctx *c, struct ks_surface *out)
{
	struct cand *v = NULL;
	size_t n = 0, i, j;
	int ret;

	if ((ret = collect(c, &v, &n)))
		return ret;
	out->items = calloc(n ? n : 1, sizeof(*out->items));
	if (!out->items) {
		free(v);
		return ks_err(-ENOMEM, "BTF: out of memory");
	}
	out->cap = n ? n : 1;
	/* equal (kind, name) sit together, lowest id first: it wins, the rest are counted */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j].kind == v[i].kind && !strcmp(v[j].name, v[i].name);)
			j++;
		if ((ret = make_item(c, &v[i], &out->items[out->n])))
			break;
		out->items[out->n++].dup_count = (unsigned)(j - i - 1);
		out->dup_total += (unsigned)(j - i - 1);
	}
	free(v);
	if (!ret)
		ks_surface_hash(out->items, out->n);
	return ret;
}

int ks_surface_types(const struct btf *btf, struct ks_surface *out)
{
	struct ctx c = {.btf = btf};
	int ret;

	memset(out, 0, sizeof(*out));
	sb_init(&c.def);
	sb_init(&c.tmp);
	c.cc = ks_cdecl_cache_new(btf);
	if (!c.cc)
		return ks_err(-ENOMEM, "BTF: out of memory");
	ret = extract(&c, out);
	if (ret)
		ks_surface_free(out);
	ks_cdecl_cache_free(c.cc);
	free(c.anon_enums);
	sb_release(&c.def);
	sb_release(&c.tmp);
	return ret;
}

void ks_surface_free(struct ks_surface *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->items[i].name);
		free(s->items[i].def);
		free(s->items[i].module);
		free(s->items[i].others);
	}
	free(s->items);
	memset(s, 0, sizeof(*s));
}
