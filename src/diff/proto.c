/* SPDX-License-Identifier: MIT */
/*
 * The differ of function-like defs (func, kfunc, lsm; docs/defs.md): return type,
 * parameters matched by name, renames at the same position and type, reordering of the
 * surviving parameters, status words.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff_int.h"
#include "util/strbuf.h"

static const char *str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

/* Index of the param named name in arr, or -1; `skip` marks params already matched. */
static long find(json_t *arr, const char *name, const bool *skip)
{
	for (size_t i = 0; i < json_array_size(arr); i++)
		if ((!skip || !skip[i]) && !strcmp(str(json_array_get(arr, i), "name"), name))
			return (long)i;
	return -1;
}

/* The surviving params of `arr` (matched in `m`) in its order, joined by ", ". */
static void order_of(json_t *arr, const long *m, struct strbuf *out)
{
	for (size_t i = 0; i < json_array_size(arr); i++)
		if (m[i] >= 0) {
			if (out->len)
				sb_add(out, ", ");
			sb_add(out, str(json_array_get(arr, i), "name"));
		}
}

static void diff_params(const char *item, json_t *op, json_t *np, struct ks_changes *out)
{
	size_t no = json_array_size(op), nn = json_array_size(np);
	long *om = malloc(sizeof(long) * (no + 1)), *nm = malloc(sizeof(long) * (nn + 1));
	bool *renamed = calloc(nn + 1, sizeof(bool));
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	long last = -1;
	bool reordered = false;

	if (!om || !nm || !renamed)
		abort();
	/* Match by name (new → old, om the reverse). */
	for (size_t i = 0; i < no; i++)
		om[i] = -1;
	for (size_t j = 0; j < nn; j++) {
		nm[j] = find(op, str(json_array_get(np, j), "name"), NULL);
		if (nm[j] >= 0 && om[nm[j]] >= 0)
			nm[j] = -1; /* a repeated name: the first match wins */
		if (nm[j] >= 0)
			om[nm[j]] = (long)j;
	}
	/* A rename: an unmatched pair at the same position with the same type. */
	for (size_t j = 0; j < nn && j < no; j++)
		if (nm[j] < 0 && om[j] < 0 &&
		    !strcmp(str(json_array_get(op, j), "type"), str(json_array_get(np, j), "type")))
			renamed[j] = true;
	for (size_t j = 0; j < nn; j++) {
		json_t *p = json_array_get(np, j), *q;

		if (renamed[j]) {
			q = json_array_get(op, j);
			/* A name appearing where BTF had none (or vanishing) is no rename. */
			if (*str(p, "name") && *str(q, "name"))
				ks_changes_add(out, KS_CHG_PARAM_RENAMED, str(p, "name"),
					       str(q, "decl"), str(p, "decl"));
		} else if (nm[j] < 0) {
			ks_changes_add(out, KS_CHG_PARAM_ADDED, str(p, "name"), NULL, str(p, "decl"));
		} else if (q = json_array_get(op, nm[j]), strcmp(str(q, "type"), str(p, "type"))) {
			ks_changes_add(out, KS_CHG_PARAM_TYPE, str(p, "name"), str(q, "decl"),
				       str(p, "decl"));
		}
	}
	for (size_t i = 0; i < no; i++)
		if (om[i] < 0 && !(i < nn && renamed[i]))
			ks_changes_add(out, KS_CHG_PARAM_REMOVED, str(json_array_get(op, i), "name"),
				       str(json_array_get(op, i), "decl"), NULL);
	/* Reordered: the params present in both are not in the same relative order. */
	for (size_t i = 0; i < no; i++)
		if (om[i] >= 0) {
			if (om[i] < last)
				reordered = true;
			last = om[i];
		}
	if (reordered) {
		sb_init(&a);
		sb_init(&b);
		order_of(op, om, &a);
		order_of(np, nm, &b);
		ks_changes_add(out, KS_CHG_PARAM_REORDERED, item, a.buf, b.buf);
		sb_release(&a);
		sb_release(&b);
	}
	free(om);
	free(nm);
	free(renamed);
}

/* The status words joined by ", ", or "none". */
static void words(json_t *def, struct strbuf *out)
{
	json_t *arr = json_object_get(def, "status");

	for (size_t i = 0; i < json_array_size(arr); i++) {
		const char *w = json_string_value(json_array_get(arr, i));

		if (i)
			sb_add(out, ", ");
		sb_add(out, w ? w : "");
	}
	if (!out->len)
		sb_add(out, "none");
}

void ks_diff_proto(json_t *o, json_t *n, struct ks_changes *out)
{
	const char *item = str(n, "name");
	json_t *op = json_object_get(o, "params"), *np = json_object_get(n, "params");
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	if (json_object_get(o, "return") && json_object_get(n, "return") &&
	    strcmp(str(o, "return"), str(n, "return")))
		ks_changes_add(out, KS_CHG_RETURN_TYPE, item, str(o, "return"), str(n, "return"));
	if (json_is_array(op) && json_is_array(np))
		diff_params(item, op, np, out);
	sb_init(&a);
	sb_init(&b);
	words(o, &a);
	words(n, &b);
	if (strcmp(a.buf, b.buf))
		ks_changes_add(out, KS_CHG_STATUS, item, a.buf, b.buf);
	sb_release(&a);
	sb_release(&b);
}
