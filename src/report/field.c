/* SPDX-License-Identifier: MIT */
/* `ksurf show field S::F`: the field's def per image, derived from its parent's def. */
#include "report/field.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/strbuf.h"

/* The first member of that name (C's flattened view: an anonymous member's fields). */
static json_t *find_member(json_t *parent, const char *field)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(parent, "members"), i, m) {
		const char *name = json_string_value(json_object_get(m, "name"));

		if (name && !strcmp(name, field))
			return m;
	}
	return NULL;
}

/* "at byte 24", "at bit 1155, a 3-bit bitfield": where the field lies in its parent. */
static void place_text(json_int_t off, json_int_t bits, struct strbuf *sb)
{
	if (off % 8)
		sb_addf(sb, "at bit %lld", (long long)off);
	else
		sb_addf(sb, "at byte %lld", (long long)(off / 8));
	if (bits)
		sb_addf(sb, ", a %lld-bit bitfield", (long long)bits);
}

int ks_field_def(const char *parent_def, const char *field, char **out)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *p, *m, *def, *ev;
	const char *kind, *pname, *decl, *type;
	json_int_t off, bits;

	*out = NULL;
	if (!(p = json_loads(parent_def, 0, NULL)) || !json_is_object(p)) {
		json_decref(p);
		return ks_err(-EINVAL, "field %s: the parent's definition does not parse", field);
	}
	if (!(m = find_member(p, field))) {
		json_decref(p);
		return 0;
	}
	kind = json_string_value(json_object_get(p, "kind"));
	pname = json_string_value(json_object_get(p, "name"));
	decl = json_string_value(json_object_get(m, "decl"));
	type = json_string_value(json_object_get(m, "type"));
	off = json_integer_value(json_object_get(m, "offset"));
	bits = json_integer_value(json_object_get(m, "bits"));
	kind = kind ? kind : "struct";
	pname = pname ? pname : "";
	decl = decl ? decl : "";
	sb_init(&sb);
	def = json_object();
	json_object_set_new(def, "kind", json_string("field"));
	sb_addf(&sb, "%s::%s", pname, field);
	json_object_set_new(def, "name", json_string(sb.buf));
	json_object_set_new(def, "field", json_string(field));
	json_object_set_new(def, "parent", json_string(kind));
	json_object_set_new(def, "type", json_string(type ? type : ""));
	json_object_set_new(def, "decl", json_string(decl));
	json_object_set_new(def, "offset", json_integer(off));
	json_object_set_new(def, "bits", json_integer(bits));
	sb_reset(&sb);
	sb_add(&sb, decl);
	if (bits)
		sb_addf(&sb, ": %lld", (long long)bits);
	sb_addc(&sb, ';');
	json_object_set_new(def, "c", json_string(sb.buf));
	sb_reset(&sb);
	sb_addf(&sb, "in %s %s ", kind, pname);
	place_text(off, bits, &sb);
	ev = json_array();
	json_array_append_new(ev, json_string(sb.buf));
	json_object_set_new(def, "evidence", ev);
	*out = json_dumps(def, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(def);
	json_decref(p);
	sb_release(&sb);
	if (!*out)
		abort();
	return 0;
}

int ks_report_field(FILE *out, const struct ks_page *page, enum ks_format fmt,
		    const struct ks_style *st)
{
	size_t n = page->imgs->n, present = 0;
	const char *sep = strstr(page->name, "::");
	char **defs = calloc(n + 1, sizeof(*defs));
	unsigned *dups = calloc(n + 1, sizeof(*dups));
	struct ks_page fp = *page;
	int ret = 0;

	if (!defs || !dups)
		abort();
	if (!sep) {
		ret = ks_err(-EINVAL, "%s: a field is named STRUCT::FIELD", page->name);
		goto out;
	}
	for (size_t i = 0; i < n && !ret; i++) {
		if (page->defs[i])
			ret = ks_field_def(page->defs[i], sep + 2, &defs[i]);
		present += defs[i] != NULL;
	}
	if (!ret && !present)
		ret = ks_err(-ENOENT, "no field %s in %.*s in any of the %zu images", sep + 2,
			     (int)(sep - page->name), page->name, n);
	if (ret)
		goto out;
	fp.kind = "field";
	fp.defs = defs;
	fp.dups = dups;
	ret = ks_report_page(out, &fp, fmt, st);
out:
	for (size_t i = 0; i < n; i++)
		free(defs[i]);
	free(defs);
	free(dups);
	return ret;
}
