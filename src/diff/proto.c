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

static const char *str(const struct ks_jnode *obj, const char *key)
{
	return ks_jget_str(obj, key);
}

/* Index of the param named name in arr, or -1; `skip` marks params already matched. */
static long find(const struct ks_jnode *arr, const char *name, const bool *skip)
{
	for (size_t i = 0; i < ks_jlen(arr); i++)
		if ((!skip || !skip[i]) && !strcmp(str(ks_jat(arr, i), "name"), name))
			return (long)i;
	return -1;
}

/* The surviving params of `arr` (matched in `m`) in its order, joined by ", ". */
static void order_of(const struct ks_jnode *arr, const long *m, struct strbuf *out)
{
	for (size_t i = 0; i < ks_jlen(arr); i++)
		if (m[i] >= 0) {
			if (out->len)
				sb_add(out, ", ");
			sb_add(out, str(ks_jat(arr, i), "name"));
		}
}

static void diff_params(const char *item, const struct ks_jnode *op, const struct ks_jnode *np, struct ks_changes *out)
{
	size_t no = ks_jlen(op), nn = ks_jlen(np);
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
		nm[j] = find(op, str(ks_jat(np, j), "name"), NULL);
		if (nm[j] >= 0 && om[nm[j]] >= 0)
			nm[j] = -1; /* a repeated name: the first match wins */
		if (nm[j] >= 0)
			om[nm[j]] = (long)j;
	}
	/* A rename: an unmatched pair at the same position with the same type. */
	for (size_t j = 0; j < nn && j < no; j++)
		if (nm[j] < 0 && om[j] < 0 &&
		    !strcmp(str(ks_jat(op, j), "type"), str(ks_jat(np, j), "type")))
			renamed[j] = true;
	for (size_t j = 0; j < nn; j++) {
		const struct ks_jnode *p = ks_jat(np, j), *q;

		if (renamed[j]) {
			q = ks_jat(op, j);
			/* A name appearing where BTF had none (or vanishing) is no rename. */
			if (*str(p, "name") && *str(q, "name"))
				ks_changes_add(out, KS_CHG_PARAM_RENAMED, str(p, "name"),
					       str(q, "decl"), str(p, "decl"));
		} else if (nm[j] < 0) {
			ks_changes_add(out, KS_CHG_PARAM_ADDED, str(p, "name"), NULL, str(p, "decl"));
		} else if (q = ks_jat(op, nm[j]), strcmp(str(q, "type"), str(p, "type"))) {
			ks_changes_add(out, KS_CHG_PARAM_TYPE, str(p, "name"), str(q, "decl"),
				       str(p, "decl"));
		}
	}
	for (size_t i = 0; i < no; i++)
		if (om[i] < 0 && !(i < nn && renamed[i]))
			ks_changes_add(out, KS_CHG_PARAM_REMOVED, str(ks_jat(op, i), "name"),
				       str(ks_jat(op, i), "decl"), NULL);
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

/* The words only DWARF can give (docs/defs.md). */
static bool dwarf_word(const char *w)
{
	static const char *const v[] = {"full inline", "selective inline", "duplicate",
					"static-static collision", "static-global collision"};

	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++)
		if (!strcmp(w, v[i]))
			return true;
	return false;
}

/*
 * The status words joined by ", ", or "none". Without DWARF on the other side, DWARF's
 * words are left out: an image whose -dbg package was not added has not lost its
 * inlining.
 */
static void words(const struct ks_jnode *def, bool drop_dwarf, struct strbuf *out)
{
	const struct ks_jnode *arr = ks_jget(def, "status");

	for (size_t i = 0; i < ks_jlen(arr); i++) {
		const char *w = ks_jstr(ks_jat(arr, i));

		if (drop_dwarf && dwarf_word(w))
			continue;
		if (out->len)
			sb_add(out, ", ");
		sb_add(out, w);
	}
	if (!out->len)
		sb_add(out, "none");
}

void ks_diff_proto(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	const char *item = str(n, "name");
	const struct ks_jnode *op = ks_jget(o, "params"), *np = ks_jget(n, "params");
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	if (ks_jget(o, "return") && ks_jget(n, "return") &&
	    strcmp(str(o, "return"), str(n, "return")))
		ks_changes_add(out, KS_CHG_RETURN_TYPE, item, str(o, "return"), str(n, "return"));
	if (ks_jis(op, KS_JARR) && ks_jis(np, KS_JARR))
		diff_params(item, op, np, out);
	sb_init(&a);
	sb_init(&b);
	words(o, !ks_jis(ks_jget(n, "dwarf"), KS_JTRUE), &a);
	words(n, !ks_jis(ks_jget(o, "dwarf"), KS_JTRUE), &b);
	if (strcmp(a.buf, b.buf))
		ks_changes_add(out, KS_CHG_STATUS, item, a.buf, b.buf);
	sb_release(&a);
	sb_release(&b);
}
