/* SPDX-License-Identifier: MIT */
/*
 * Changes between two defs of one type item (docs/defs.md): struct/union fields matched
 * by name, enum values by name, typedef targets. Types compare as the printer's strings,
 * which are structural through pointers, arrays, modifiers and prototypes and nominal at
 * named types, as SPEC §5 asks.
 */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff/change.h"
#include "diff/diff_int.h"
#include "util/err.h"
#include "util/strbuf.h"

static const char *str_of(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

static json_int_t int_of(json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

/* A list of named entries (members, values) indexed by name; the first of a name counts. */
static json_t *index_by_name(json_t *arr)
{
	json_t *idx = json_object(), *e;
	size_t i;

	if (!idx)
		abort();
	json_array_foreach(arr, i, e)
	{
		const char *name = str_of(e, "name");

		if (!json_object_get(idx, name) && json_object_set(idx, name, e))
			abort();
	}
	return idx;
}

/* "unsigned int x: 3": a member's declaration as the report shows it. */
static const char *member_text(json_t *m, struct strbuf *sb)
{
	sb_reset(sb);
	sb_add(sb, str_of(m, "decl"));
	if (int_of(m, "bits"))
		sb_addf(sb, ": %lld", (long long)int_of(m, "bits"));
	return sb->buf;
}

static void bits_text(json_t *m, struct strbuf *sb)
{
	json_int_t bits = int_of(m, "bits");

	sb_reset(sb);
	if (bits)
		sb_addf(sb, "%lld", (long long)bits);
	else
		sb_add(sb, "not a bitfield");
}

/* Offsets read as C programmers count them: "byte 144", or "bit 1155" inside a byte. */
static void offset_text(json_int_t bits, struct strbuf *sb)
{
	sb_reset(sb);
	if (bits % 8)
		sb_addf(sb, "bit %lld", (long long)bits);
	else
		sb_addf(sb, "byte %lld", (long long)(bits / 8));
}

/* Type, offset and bitfield changes of one field present on both sides. */
static void diff_member(json_t *o, json_t *n, struct ks_changes *out)
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

static void diff_size(json_t *o, json_t *n, struct ks_changes *out)
{
	char a[32], b[32];

	if (int_of(o, "size") == int_of(n, "size"))
		return;
	snprintf(a, sizeof(a), "%lld bytes", (long long)int_of(o, "size"));
	snprintf(b, sizeof(b), "%lld bytes", (long long)int_of(n, "size"));
	ks_changes_add(out, KS_CHG_LAYOUT_SIZE, str_of(n, "name"), a, b);
}

/* New fields in the new order, then removed fields in the old order, then the size. */
static void diff_composite(json_t *o, json_t *n, struct ks_changes *out)
{
	json_t *om = json_object_get(o, "members"), *nm = json_object_get(n, "members");
	json_t *oidx = index_by_name(om), *nidx = index_by_name(nm), *m;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	sb_init(&sb);
	json_array_foreach(nm, i, m)
	{
		json_t *prev = json_object_get(oidx, str_of(m, "name"));

		if (prev)
			diff_member(prev, m, out);
		else
			ks_changes_add(out, KS_CHG_FIELD_ADDED, str_of(m, "name"), NULL,
				       member_text(m, &sb));
	}
	json_array_foreach(om, i, m)
	{
		if (!json_object_get(nidx, str_of(m, "name")))
			ks_changes_add(out, KS_CHG_FIELD_REMOVED, str_of(m, "name"),
				       member_text(m, &sb), NULL);
	}
	diff_size(o, n, out);
	sb_release(&sb);
	json_decref(oidx);
	json_decref(nidx);
}

/* An enumerator value as 64 bits: JSON integers, or decimal strings above INT64_MAX. */
static uint64_t value_bits(json_t *v)
{
	if (json_is_string(v))
		return strtoull(json_string_value(v), NULL, 10);
	return (uint64_t)json_integer_value(v);
}

/*
 * Old pahole did not record whether a 32-bit enum is signed, so one image may say
 * 4294967295 where the next says -1: for enums of at most 4 bytes, equal low 32 bits
 * are the same value.
 */
static int values_equal(json_t *a, json_t *b, int narrow)
{
	uint64_t x = value_bits(a), y = value_bits(b);

	return x == y || (narrow && (uint32_t)x == (uint32_t)y);
}

static const char *value_text(json_t *e, struct strbuf *sb)
{
	json_t *v = json_object_get(e, "value");

	sb_reset(sb);
	if (json_is_string(v))
		sb_addf(sb, "%s = %s", str_of(e, "name"), json_string_value(v));
	else
		sb_addf(sb, "%s = %lld", str_of(e, "name"), (long long)json_integer_value(v));
	return sb->buf;
}

static void diff_enum(json_t *o, json_t *n, struct ks_changes *out)
{
	json_t *ov = json_object_get(o, "values"), *nv = json_object_get(n, "values");
	json_t *oidx = index_by_name(ov), *nidx = index_by_name(nv), *e;
	int narrow = int_of(o, "size") <= 4 && int_of(n, "size") <= 4;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t i;

	sb_init(&a);
	sb_init(&b);
	json_array_foreach(nv, i, e)
	{
		json_t *prev = json_object_get(oidx, str_of(e, "name"));

		if (!prev)
			ks_changes_add(out, KS_CHG_ENUM_VALUE_ADDED, str_of(e, "name"), NULL,
				       value_text(e, &b));
		else if (!values_equal(json_object_get(prev, "value"), json_object_get(e, "value"),
				       narrow))
			ks_changes_add(out, KS_CHG_ENUM_VALUE_CHANGED, str_of(e, "name"),
				       value_text(prev, &a), value_text(e, &b));
	}
	json_array_foreach(ov, i, e)
	{
		if (!json_object_get(nidx, str_of(e, "name")))
			ks_changes_add(out, KS_CHG_ENUM_VALUE_REMOVED, str_of(e, "name"),
				       value_text(e, &a), NULL);
	}
	diff_size(o, n, out);
	sb_release(&a);
	sb_release(&b);
	json_decref(oidx);
	json_decref(nidx);
}

static void diff_parsed(json_t *o, json_t *n, struct ks_changes *out)
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

static json_t *parse_def(const char *def)
{
	json_error_t err;
	json_t *j = json_loads(def, 0, &err);

	if (!j)
		ks_err(-EINVAL, "definition: %s at line %d column %d", err.text, err.line,
		       err.column);
	else if (!json_is_object(j)) {
		json_decref(j);
		j = NULL;
		ks_err(-EINVAL, "definition: not a JSON object");
	}
	return j;
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

int ks_diff_defs_parsed(const char *old_def, const char *new_def, json_t *po, json_t *pn,
			struct ks_changes *out)
{
	size_t before = out->n;
	json_t *o = po, *n = pn;

	if (!old_def && !new_def)
		return KS_PAIR_ABSENT_BOTH;
	if (!old_def)
		return KS_PAIR_ADDED;
	if (!new_def)
		return KS_PAIR_REMOVED;
	if (!strcmp(old_def, new_def) || equal_but_evidence(old_def, new_def))
		return KS_PAIR_UNCHANGED;
	if (!o && !(o = parse_def(old_def)))
		return -EINVAL;
	if (!n && !(n = parse_def(new_def))) {
		if (!po)
			json_decref(o);
		return -EINVAL;
	}
	diff_parsed(o, n, out);
	if (!po)
		json_decref(o);
	if (!pn)
		json_decref(n);
	/* defs can differ in bytes only (signedness recorded by a newer pahole) */
	return out->n > before ? KS_PAIR_CHANGED : KS_PAIR_UNCHANGED;
}

int ks_diff_defs(const char *old_def, const char *new_def, struct ks_changes *out)
{
	return ks_diff_defs_parsed(old_def, new_def, NULL, NULL, out);
}
