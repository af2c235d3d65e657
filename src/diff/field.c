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
static const char *decl_text(const struct ks_jnode *f, struct strbuf *sb)
{
	sb_reset(sb);
	sb_add(sb, ks_jget_str(f, "decl"));
	if (ks_jget_int(f, "bits"))
		sb_addf(sb, ": %lld", ks_jget_int(f, "bits"));
	return sb->buf;
}

void ks_diff_field(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	const char *field = ks_jget_str(n, "field");
	char a[64], b[64];

	if (strcmp(ks_jget_str(o, "parent"), ks_jget_str(n, "parent")))
		ks_changes_add(out, KS_CHG_KIND, ks_jget_str(n, "name"), ks_jget_str(o, "parent"),
			       ks_jget_str(n, "parent"));
	if (strcmp(ks_jget_str(o, "type"), ks_jget_str(n, "type"))) {
		struct strbuf da = STRBUF_INIT, db = STRBUF_INIT;

		sb_init(&da);
		sb_init(&db);
		ks_changes_add(out, KS_CHG_FIELD_TYPE, field, decl_text(o, &da), decl_text(n, &db));
		sb_release(&da);
		sb_release(&db);
	}
	if (ks_jget_int(o, "offset") != ks_jget_int(n, "offset")) {
		offset_text(ks_jget_int(o, "offset"), a, sizeof(a));
		offset_text(ks_jget_int(n, "offset"), b, sizeof(b));
		ks_changes_add(out, KS_CHG_LAYOUT_OFFSET, field, a, b);
	}
	if (ks_jget_int(o, "bits") != ks_jget_int(n, "bits")) {
		bits_text(ks_jget_int(o, "bits"), a, sizeof(a));
		bits_text(ks_jget_int(n, "bits"), b, sizeof(b));
		ks_changes_add(out, KS_CHG_LAYOUT_BITFIELD, field, a, b);
	}
}
