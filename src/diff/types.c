/* SPDX-License-Identifier: MIT */
/*
 * Changes between two defs of one type item (docs/defs.md): struct/union fields matched
 * by name, enum values by name, typedef targets. Types compare as the printer's strings,
 * which are structural through pointers, arrays, modifiers and prototypes and nominal at
 * named types, as SPEC §5 asks.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/change.h"
#include "diff/diff_int.h"
#include "util/err.h"
#include "util/strbuf.h"

static const char *str_of(const struct ks_jnode *obj, const char *key)
{
	return ks_jget_str(obj, key);
}

static long long int_of(const struct ks_jnode *obj, const char *key)
{
	return ks_jget_int(obj, key);
}

/* Named entries (members, values) sorted by name for lookups; the first of a name counts. */
struct named {
	const char *name;
	const struct ks_jnode *node;
};

struct name_index {
	struct named *v;
	size_t n;
};

static int cmp_named(const void *pa, const void *pb)
{
	const struct named *a = pa, *b = pb;
	int r = strcmp(a->name, b->name);

	/* the entries of one array: their addresses are their order */
	return r ? r : (a->node > b->node) - (a->node < b->node);
}

static void index_by_name(const struct ks_jnode *arr, struct name_index *idx)
{
	idx->n = ks_jlen(arr);
	if (!(idx->v = malloc((idx->n + 1) * sizeof(*idx->v))))
		abort();
	for (size_t i = 0; i < idx->n; i++) {
		idx->v[i].node = ks_jat(arr, i);
		idx->v[i].name = str_of(idx->v[i].node, "name");
	}
	/* a handful of entries are searched in order */
	if (idx->n > 8)
		qsort(idx->v, idx->n, sizeof(*idx->v), cmp_named);
}

static const struct ks_jnode *index_find(const struct name_index *idx, const char *name)
{
	size_t lo = 0, hi = idx->n;

	if (idx->n <= 8) {
		for (size_t i = 0; i < idx->n; i++)
			if (!strcmp(idx->v[i].name, name))
				return idx->v[i].node;
		return NULL;
	}
	/* the first entry whose name is not below name */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(idx->v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < idx->n && !strcmp(idx->v[lo].name, name) ? idx->v[lo].node : NULL;
}

/* "unsigned int x: 3": a member's declaration as the report shows it. */
static const char *member_text(const struct ks_jnode *m, struct strbuf *sb)
{
	sb_reset(sb);
	sb_add(sb, str_of(m, "decl"));
	if (int_of(m, "bits"))
		sb_addf(sb, ": %lld", (long long)int_of(m, "bits"));
	return sb->buf;
}

static void bits_text(const struct ks_jnode *m, struct strbuf *sb)
{
	long long bits = int_of(m, "bits");

	sb_reset(sb);
	if (bits)
		sb_addf(sb, "%lld", (long long)bits);
	else
		sb_add(sb, "not a bitfield");
}

/* Offsets read as C programmers count them: "byte 144", or "bit 1155" inside a byte. */
static void offset_text(long long bits, struct strbuf *sb)
{
	sb_reset(sb);
	if (bits % 8)
		sb_addf(sb, "bit %lld", (long long)bits);
	else
		sb_addf(sb, "byte %lld", (long long)(bits / 8));
}

/* Type, offset and bitfield changes of one field present on both sides. */
static void diff_member(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	const char *name = str_of(n, "name");

	sb_init(&a);
	sb_init(&b);
	if (strcmp(str_of(o, "type"), str_of(n, "type"))) {
		member_text(o, &a);
		ks_changes_add(out, KS_CHG_FIELD_TYPE, name, a.buf, member_text(n, &b));
	}
	if (int_of(o, "offset") != int_of(n, "offset")) {
		offset_text(int_of(o, "offset"), &a);
		offset_text(int_of(n, "offset"), &b);
		ks_changes_add(out, KS_CHG_LAYOUT_OFFSET, name, a.buf, b.buf);
	}
	if (int_of(o, "bits") != int_of(n, "bits")) {
		bits_text(o, &a);
		bits_text(n, &b);
		ks_changes_add(out, KS_CHG_LAYOUT_BITFIELD, name, a.buf, b.buf);
	}
	sb_release(&a);
	sb_release(&b);
}

static void diff_size(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	char a[32], b[32];

	if (int_of(o, "size") == int_of(n, "size"))
		return;
	snprintf(a, sizeof(a), "%lld bytes", (long long)int_of(o, "size"));
	snprintf(b, sizeof(b), "%lld bytes", (long long)int_of(n, "size"));
	ks_changes_add(out, KS_CHG_LAYOUT_SIZE, str_of(n, "name"), a, b);
}

/* New fields in the new order, then removed fields in the old order, then the size. */
static void diff_composite(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	const struct ks_jnode *om = ks_jget(o, "members"), *nm = ks_jget(n, "members"), *m;
	struct name_index oidx, nidx;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	index_by_name(om, &oidx);
	index_by_name(nm, &nidx);
	sb_init(&sb);
	for (i = 0; i < ks_jlen(nm); i++) {
		const struct ks_jnode *prev = index_find(&oidx, str_of(m = ks_jat(nm, i), "name"));

		if (prev)
			diff_member(prev, m, out);
		else
			ks_changes_add(out, KS_CHG_FIELD_ADDED, str_of(m, "name"), NULL,
				       member_text(m, &sb));
	}
	for (i = 0; i < ks_jlen(om); i++) {
		if (m = ks_jat(om, i), !index_find(&nidx, str_of(m, "name")))
			ks_changes_add(out, KS_CHG_FIELD_REMOVED, str_of(m, "name"),
				       member_text(m, &sb), NULL);
	}
	diff_size(o, n, out);
	sb_release(&sb);
	free(oidx.v);
	free(nidx.v);
}

/* An enumerator value as 64 bits: JSON integers, or decimal strings above INT64_MAX. */
static uint64_t value_bits(const struct ks_jnode *v)
{
	if (ks_jis(v, KS_JSTR))
		return strtoull(v->u.str, NULL, 10);
	return (uint64_t)ks_jint(v);
}

/*
 * Old pahole did not record whether a 32-bit enum is signed, so one image may say
 * 4294967295 where the next says -1: for enums of at most 4 bytes, equal low 32 bits
 * are the same value.
 */
static int values_equal(const struct ks_jnode *a, const struct ks_jnode *b, int narrow)
{
	uint64_t x = value_bits(a), y = value_bits(b);

	return x == y || (narrow && (uint32_t)x == (uint32_t)y);
}

static const char *value_text(const struct ks_jnode *e, struct strbuf *sb)
{
	const struct ks_jnode *v = ks_jget(e, "value");

	sb_reset(sb);
	if (ks_jis(v, KS_JSTR))
		sb_addf(sb, "%s = %s", str_of(e, "name"), v->u.str);
	else
		sb_addf(sb, "%s = %lld", str_of(e, "name"), ks_jint(v));
	return sb->buf;
}

static void diff_enum(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	const struct ks_jnode *ov = ks_jget(o, "values"), *nv = ks_jget(n, "values"), *e;
	int narrow = int_of(o, "size") <= 4 && int_of(n, "size") <= 4;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct name_index oidx, nidx;
	size_t i;

	index_by_name(ov, &oidx);
	index_by_name(nv, &nidx);
	sb_init(&a);
	sb_init(&b);
	for (i = 0; i < ks_jlen(nv); i++) {
		const struct ks_jnode *prev = index_find(&oidx, str_of(e = ks_jat(nv, i), "name"));

		if (!prev)
			ks_changes_add(out, KS_CHG_ENUM_VALUE_ADDED, str_of(e, "name"), NULL,
				       value_text(e, &b));
		else if (!values_equal(ks_jget(prev, "value"), ks_jget(e, "value"),
				       narrow))
			ks_changes_add(out, KS_CHG_ENUM_VALUE_CHANGED, str_of(e, "name"),
				       value_text(prev, &a), value_text(e, &b));
	}
	for (i = 0; i < ks_jlen(ov); i++) {
		if (e = ks_jat(ov, i), !index_find(&nidx, str_of(e, "name")))
			ks_changes_add(out, KS_CHG_ENUM_VALUE_REMOVED, str_of(e, "name"),
				       value_text(e, &a), NULL);
	}
	diff_size(o, n, out);
	sb_release(&a);
	sb_release(&b);
	free(oidx.v);
	free(nidx.v);
}

static void diff_parsed(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	const char *kind = str_of(n, "kind");

	if (strcmp(str_of(o, "kind"), kind)) {
		ks_changes_add(out, KS_CHG_KIND, str_of(n, "name"), str_of(o, "kind"), kind);
		return;
	}
	if (!strcmp(kind, "struct") || !strcmp(kind, "union"))
		diff_composite(o, n, out);
	else if (!strcmp(kind, "enum"))
		diff_enum(o, n, out);
	else if (!strcmp(kind, "typedef") && strcmp(str_of(o, "type"), str_of(n, "type")))
		ks_changes_add(out, KS_CHG_TYPEDEF_TYPE, str_of(n, "name"), str_of(o, "type"),
			       str_of(n, "type"));
	else
		ks_diff_other_kind(kind, o, n, out);
}

int ks_def_parse(const char *def, struct ks_jdoc *doc)
{
	int ret = ks_jparse(doc, def, strlen(def));

	if (!ret && !ks_jis(doc->root, KS_JOBJ)) {
		ks_jdoc_free(doc);
		ret = ks_err(-EINVAL, "definition: not a JSON object");
	}
	return ret;
}

/* End of the JSON array that starts at p ('['): just past its ']', or NULL. */
static const char *array_end(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '"') {
			/* strings may hold brackets; skip them whole, escapes included */
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				return NULL;
		} else if (*p == '[') {
			depth++;
		} else if (*p == ']' && --depth == 0) {
			return p + 1;
		}
	}
	return NULL;
}

/*
 * Whether two canonical defs differ only inside their "evidence" arrays. Evidence
 * (symbol type letters, bindings) is shown, never compared: every kind's differ ignores
 * it, so such a pair is unchanged without parsing either def. Between arches most
 * changed function defs are of this sort.
 */
static int equal_but_evidence(const char *a, const char *b)
{
	static const char key[] = "\"evidence\":[";
	const char *ea = strstr(a, key), *eb = strstr(b, key), *za, *zb;

	if (!ea || !eb || ea - a != eb - b || memcmp(a, b, (size_t)(ea - a)))
		return 0;
	za = array_end(ea + sizeof(key) - 2);
	zb = array_end(eb + sizeof(key) - 2);
	return za && zb && !strcmp(za, zb);
}

int ks_diff_def_pair(const char *old_def, const char *new_def)
{
	if (!old_def && !new_def)
		return KS_PAIR_ABSENT_BOTH;
	if (!old_def)
		return KS_PAIR_ADDED;
	if (!new_def)
		return KS_PAIR_REMOVED;
	if (!strcmp(old_def, new_def) || equal_but_evidence(old_def, new_def))
		return KS_PAIR_UNCHANGED;
	return KS_PAIR_CHANGED;
}

int ks_diff_def_trees(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	size_t before = out->n;

	diff_parsed(o, n, out);
	/* defs can differ in bytes only (signedness recorded by a newer pahole) */
	return out->n > before ? KS_PAIR_CHANGED : KS_PAIR_UNCHANGED;
}

int ks_diff_defs(const char *old_def, const char *new_def, struct ks_changes *out)
{
	struct ks_jdoc o, n;
	int ret = ks_diff_def_pair(old_def, new_def);

	if (ret != KS_PAIR_CHANGED)
		return ret;
	if ((ret = ks_def_parse(old_def, &o)))
		return ret;
	if ((ret = ks_def_parse(new_def, &n))) {
		ks_jdoc_free(&o);
		return ret;
	}
	ret = ks_diff_def_trees(o.root, n.root, out);
	ks_jdoc_free(&o);
	ks_jdoc_free(&n);
	return ret;
}
