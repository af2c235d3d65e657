/* SPDX-License-Identifier: MIT */
/*
 * What BPF offers in an image: helpers, map types, program types and attach types, as
 * the enumerators of the BTF enums bpf_func_id, bpf_map_type, bpf_prog_type and
 * bpf_attach_type. An enumerator's value is ABI (programs encode helper ids and the
 * loader passes type numbers), so it is part of the def.
 *
 * Items are named as users and bpftool write them: BPF_FUNC_probe_read_kernel is the
 * helper bpf_probe_read_kernel, BPF_MAP_TYPE_HASH the map type hash,
 * BPF_PROG_TYPE_KPROBE the program type kprobe, BPF_CGROUP_INET_INGRESS the attach type
 * cgroup_inet_ingress. Sentinels (__MAX_BPF_PROG_TYPE, __BPF_FUNC_MAX_ID) and the
 * UNSPEC placeholders are not items.
 */
#include <bpf/btf.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "surface/surface_int.h"
#include "util/err.h"
#include "util/jsonw.h"
#include "util/strbuf.h"

static const struct {
	const char *enum_name; /* the BTF enum */
	enum ks_kind kind;
	const char *strip;	/* enumerator prefix dropped from the item name */
	const char *add;	/* prefix put in its place */
} bpf_enums[] = {
	{"bpf_func_id", KS_KIND_HELPER, "BPF_FUNC_", "bpf_"},
	{"bpf_map_type", KS_KIND_MAP_TYPE, "BPF_MAP_TYPE_", ""},
	{"bpf_prog_type", KS_KIND_PROG_TYPE, "BPF_PROG_TYPE_", ""},
	{"bpf_attach_type", KS_KIND_ATTACH_TYPE, "BPF_", ""},
};

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

/* Sentinels and placeholders, not things a program can use. */
static int is_sentinel(const char *name)
{
	return !strncmp(name, "__", 2) || ends_with_ci(name, "_UNSPEC") ||
	       ends_with_ci(name, "_MAX") || ends_with_ci(name, "_MAX_ID");
}

/* The item name of an enumerator: prefix replaced, lower case (bpftool's spelling). */
static void item_name(const char *enumerator, const char *strip, const char *add,
		      struct strbuf *out)
{
	size_t n = strlen(strip);

	sb_reset(out);
	if (!strncmp(enumerator, strip, n) && enumerator[n]) {
		sb_add(out, add);
		enumerator += n;
	}
	for (const char *p = enumerator; *p; p++)
		sb_addc(out, (char)tolower((unsigned char)*p));
}

/*
 * The def: {"c":"BPF_FUNC_x = 113","enumerator":"BPF_FUNC_x","kind":"helper",
 * "name":"bpf_x","value":113} — keys in sorted order, as json_dumps sorts them.
 */
static int push_enumerator(struct ks_surface *out, enum ks_kind kind, const char *name,
			   const char *enumerator, int64_t value, int is_signed)
{
	struct strbuf c = STRBUF_INIT, def = STRBUF_INIT;
	int ret;

	sb_init(&c);
	sb_init(&def);
	if (is_signed)
		sb_addf(&c, "%s = %lld", enumerator, (long long)value);
	else
		sb_addf(&c, "%s = %llu", enumerator, (unsigned long long)value);
	sb_add(&def, "{\"c\":");
	ret = ks_jsonw_str(&def, c.buf, c.len);
	sb_add(&def, ",\"enumerator\":");
	ret = ret ?: ks_jsonw_str(&def, enumerator, strlen(enumerator));
	sb_addf(&def, ",\"kind\":\"%s\",\"name\":", ks_kind_name(kind));
	ret = ret ?: ks_jsonw_str(&def, name, strlen(name));
	sb_add(&def, ",\"value\":");
	if (is_signed)
		ks_jsonw_i64(&def, value);
	else
		ks_jsonw_u64(&def, (uint64_t)value);
	sb_addc(&def, '}');
	sb_release(&c);
	if (ret) {
		sb_release(&def);
		return ks_err(-EINVAL, "%s %s: enumerator name is not valid UTF-8",
			      ks_kind_name(kind), name);
	}
	ks_surface_push(out, kind, name, sb_detach(&def), 0);
	return 0;
}

/* The enum named `name` (enum or enum64), 0 when the image has none. */
static int32_t find_enum(const struct btf *btf, const char *name)
{
	int32_t id = btf__find_by_name_kind(btf, name, BTF_KIND_ENUM);

	if (id <= 0)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_ENUM64);
	return id > 0 ? id : 0;
}

static int extract_enum(const struct btf *btf, int which, struct ks_surface *out)
{
	const struct btf_type *t;
	struct strbuf name = STRBUF_INIT;
	int32_t id = find_enum(btf, bpf_enums[which].enum_name);
	int is_signed, ret = 0;

	if (!id)
		return 0;
	t = btf__type_by_id(btf, id);
	is_signed = btf_kflag(t);
	sb_init(&name);
	for (unsigned i = 0; i < btf_vlen(t) && !ret; i++) {
		const char *en;
		int64_t v;

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t) + i;

			en = btf__name_by_offset(btf, e->name_off);
			v = is_signed ? (int64_t)e->val : (int64_t)(uint32_t)e->val;
		} else {
			const struct btf_enum64 *e = btf_enum64(t) + i;

			en = btf__name_by_offset(btf, e->name_off);
			v = (int64_t)btf_enum64_value(e);
		}
		if (!en || !*en || is_sentinel(en))
			continue;
		item_name(en, bpf_enums[which].strip, bpf_enums[which].add, &name);
		ret = push_enumerator(out, bpf_enums[which].kind, name.buf, en, v, is_signed);
	}
	sb_release(&name);
	return ret;
}

int ks_surface_bpfenums(const struct ks_surface_input *in, struct ks_surface *out)
{
	int ret = 0;

	for (size_t i = 0; i < sizeof(bpf_enums) / sizeof(bpf_enums[0]) && !ret; i++)
		ret = extract_enum(in->btf, (int)i, out);
	return ret;
}
