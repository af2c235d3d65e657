/* SPDX-License-Identifier: MIT */
/*
 * Changes between two tracepoint defs (docs/defs.md "tracepoint"): the event record's
 * fields (event_changed, one per field added, removed, retyped or moved), the probe's
 * params (as for functions), the class and system (class_changed) and the format string
 * (format_changed). Class, system and format compare only when both images know them
 * (the symbols+btf source does not).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "diff/change.h"
#include "diff/diff_int.h"
#include "util/strbuf.h"

static const char *str_of(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

static json_t *find_named(json_t *arr, const char *name)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e) if (!strcmp(str_of(e, "name"), name)) return e;
	return NULL;
}

/* A record field as the change shows it: its declaration and a comment with its offset. */
static const char *field_text(json_t *f, struct strbuf *sb)
{
	json_int_t off = json_integer_value(json_object_get(f, "offset"));
	json_int_t bits = json_integer_value(json_object_get(f, "bits"));

	sb_reset(sb);
	sb_add(sb, str_of(f, "decl"));
	if (bits)
		sb_addf(sb, ": %lld", (long long)bits);
	if (off % 8)
		sb_addf(sb, " /* bit %lld */", (long long)off);
	else
		sb_addf(sb, " /* byte %lld */", (long long)(off / 8));
	return sb->buf;
}

static void diff_fields(json_t *o, json_t *n, struct ks_changes *out)
{
	json_t *of = json_object_get(o, "fields"), *nf = json_object_get(n, "fields"), *f;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t i;

	if (!json_is_array(of) || !json_is_array(nf))
		return;
	sb_init(&a);
	sb_init(&b);
	json_array_foreach(nf, i, f)
	{
		json_t *prev = find_named(of, str_of(f, "name"));

		if (!prev)
			ks_changes_add(out, KS_CHG_TP_EVENT, str_of(f, "name"), NULL,
				       field_text(f, &b));
		else if (strcmp(field_text(prev, &a), field_text(f, &b)))
			ks_changes_add(out, KS_CHG_TP_EVENT, str_of(f, "name"), a.buf, b.buf);
	}
	json_array_foreach(of, i, f) if (!find_named(nf, str_of(f, "name")))
	    ks_changes_add(out, KS_CHG_TP_EVENT, str_of(f, "name"), field_text(f, &a), NULL);
	sb_release(&a);
	sb_release(&b);
}

static const char *param_text(json_t *p, struct strbuf *sb)
{
	sb_reset(sb);
	sb_add(sb, str_of(p, "type"));
	if (*str_of(p, "name")) {
		if (sb->len && sb->buf[sb->len - 1] != '*')
			sb_addc(sb, ' ');
		sb_add(sb, str_of(p, "name"));
	}
	return sb->buf;
}

/*
 * Params matched by name; an unmatched pair at one position with the same type is a
 * rename; reordered only when the surviving params' relative order changes.
 */
static void diff_params(json_t *o, json_t *n, struct ks_changes *out)
{
	json_t *op = json_object_get(o, "params"), *np = json_object_get(n, "params"), *p;
	size_t no = json_array_size(op), nn = json_array_size(np), i, last = 0, seen = 0;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	char *renamed_o = calloc(no + 1, 1), *renamed_n = calloc(nn + 1, 1);
	int reordered = 0;

	if (!renamed_o || !renamed_n)
		abort();
	sb_init(&a);
	sb_init(&b);
	for (i = 0; i < no && i < nn; i++) {
		json_t *x = json_array_get(op, i), *y = json_array_get(np, i);

		if (strcmp(str_of(x, "name"), str_of(y, "name")) &&
		    !strcmp(str_of(x, "type"), str_of(y, "type")) &&
		    !find_named(np, str_of(x, "name")) && !find_named(op, str_of(y, "name"))) {
			renamed_o[i] = renamed_n[i] = 1;
			/* Old kernels' probes may carry no names: a name appearing is no rename. */
			if (*str_of(x, "name") && *str_of(y, "name"))
				ks_changes_add(out, KS_CHG_PARAM_RENAMED, str_of(y, "name"),
					       param_text(x, &a), param_text(y, &b));
		}
	}
	json_array_foreach(np, i, p)
	{
		json_t *prev;
		size_t j;

		if (renamed_n[i])
			continue;
		if (!(prev = find_named(op, str_of(p, "name")))) {
			ks_changes_add(out, KS_CHG_PARAM_ADDED, str_of(p, "name"), NULL,
				       param_text(p, &b));
			continue;
		}
		if (strcmp(str_of(prev, "type"), str_of(p, "type")))
			ks_changes_add(out, KS_CHG_PARAM_TYPE, str_of(p, "name"),
				       param_text(prev, &a), param_text(p, &b));
		for (j = 0; j < no && json_array_get(op, j) != prev; j++)
			;
		if (seen && j < last)
			reordered = 1;
		last = j;
		seen = 1;
	}
	json_array_foreach(op, i, p) if (!renamed_o[i] && !find_named(np, str_of(p, "name")))
	    ks_changes_add(out, KS_CHG_PARAM_REMOVED, str_of(p, "name"), param_text(p, &a), NULL);
	if (reordered)
		ks_changes_add(out, KS_CHG_PARAM_REORDERED, str_of(n, "name"), NULL, NULL);
	free(renamed_o);
	free(renamed_n);
	sb_release(&a);
	sb_release(&b);
}

static void diff_known(json_t *o, json_t *n, const char *key, enum ks_change_type t,
		       struct ks_changes *out)
{
	json_t *x = json_object_get(o, key), *y = json_object_get(n, key);

	if (x && y &&
	    strcmp(json_string_value(x) ? json_string_value(x) : "",
		   json_string_value(y) ? json_string_value(y) : ""))
		ks_changes_add(out, t, key, json_string_value(x), json_string_value(y));
}

void ks_diff_tracepoint(json_t *o, json_t *n, struct ks_changes *out)
{
	diff_known(o, n, "class", KS_CHG_TP_CLASS, out);
	diff_known(o, n, "system", KS_CHG_TP_CLASS, out);
	diff_fields(o, n, out);
	diff_params(o, n, out);
	diff_known(o, n, "format", KS_CHG_TP_FORMAT, out);
}
