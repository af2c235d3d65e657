/* SPDX-License-Identifier: MIT */
/*
 * Changes of one field between two images (`ksurf show field S::F`): its type, its
 * offset, its bitfield width, and the kind of its parent (struct or union). The defs are
 * the field defs of docs/defs.md, derived from the parent's flattened members.
 */
#include <stdio.h>
#include <string.h>

#include "diff/diff_int.h"
#include "util/strbuf.h"

static const char *str_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static long long int_of(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* As struct changes word them: "byte 24", or "bit 1155" inside a byte. */
static void offset_text(long long bits, char *buf, size_t size)
{
	if (bits % 8)
		snprintf(buf, size, "bit %lld", bits);
	else
		snprintf(buf, size, "byte %lld", bits / 8);
}

static void bits_text(long long bits, char *buf, size_t size)
{
	if (bits)
		snprintf(buf, size, "%lld", bits);
	else
		snprintf(buf, size, "not a bitfield");
}

/* "unsigned int x: 3": the declaration with its bitfield width (declarations of
 * anonymous types can be long: a string builder, not a fixed buffer). */
static const char *decl_text(json_t *f, struct strbuf *sb)
{
	sb_reset(sb);
	sb_add(sb, str_of(f, "decl"));
	if (int_of(f, "bits"))
		sb_addf(sb, ": %lld", int_of(f, "bits"));
	return sb->buf;
}

void ks_diff_field(json_t *o, json_t *n, struct ks_changes *out)
{
	const char *field = str_of(n, "field");
	char a[64], b[64];

	if (strcmp(str_of(o, "parent"), str_of(n, "parent")))
		ks_changes_add(out, KS_CHG_KIND, str_of(n, "name"), str_of(o, "parent"),
			       str_of(n, "parent"));
	if (strcmp(str_of(o, "type"), str_of(n, "type"))) {
		struct strbuf da = STRBUF_INIT, db = STRBUF_INIT;

		sb_init(&da);
		sb_init(&db);
		ks_changes_add(out, KS_CHG_FIELD_TYPE, field, decl_text(o, &da), decl_text(n, &db));
		sb_release(&da);
		sb_release(&db);
	}
	if (int_of(o, "offset") != int_of(n, "offset")) {
		offset_text(int_of(o, "offset"), a, sizeof(a));
		offset_text(int_of(n, "offset"), b, sizeof(b));
		ks_changes_add(out, KS_CHG_LAYOUT_OFFSET, field, a, b);
	}
	if (int_of(o, "bits") != int_of(n, "bits")) {
		bits_text(int_of(o, "bits"), a, sizeof(a));
		bits_text(int_of(n, "bits"), b, sizeof(b));
		ks_changes_add(out, KS_CHG_LAYOUT_BITFIELD, field, a, b);
	}
}
