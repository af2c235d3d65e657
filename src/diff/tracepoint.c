/* SPDX-License-Identifier: MIT */
/*
 * Changes between two tracepoint defs (docs/defs.md "tracepoint"): the event record's
 * fields (event_changed, one per field added, removed, retyped or moved), the probe's
 * params (as for functions), the class and system (class_changed) and the format string
 * (format_changed). Class, system and format compare only when both images know them
 * (the symbols+btf source does not).
 */
#include <stdlib.h>
#include <string.h>

#include "diff/change.h"
#include "diff/diff_int.h"
#include "util/strbuf.h"

static const char *str_of(const struct ks_jnode *obj, const char *key)
{
	return ks_jget_str(obj, key);
}

static const struct ks_jnode *find_named(const struct ks_jnode *arr, const char *name)
{
	for (size_t i = 0; i < ks_jlen(arr); i++)
		if (!strcmp(str_of(ks_jat(arr, i), "name"), name))
			return ks_jat(arr, i);
	return NULL;
}

/* A record field as the change shows it: its declaration and a comment with its offset. */
static const char *field_text(const struct ks_jnode *f, struct strbuf *sb)
{
	long long off = ks_jget_int(f, "offset");
	long long bits = ks_jget_int(f, "bits");

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

static void diff_fields(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	const struct ks_jnode *of = ks_jget(o, "fields"), *nf = ks_jget(n, "fields"), *f;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t i;

	if (!ks_jis(of, KS_JARR) || !ks_jis(nf, KS_JARR))
		return;
	sb_init(&a);
	sb_init(&b);
	for (i = 0; i < ks_jlen(nf); i++) {
		const struct ks_jnode *prev = find_named(of, str_of(f = ks_jat(nf, i), "name"));

		if (!prev)
			ks_changes_add(out, KS_CHG_TP_EVENT, str_of(f, "name"), NULL,
				       field_text(f, &b));
		else if (strcmp(field_text(prev, &a), field_text(f, &b)))
			ks_changes_add(out, KS_CHG_TP_EVENT, str_of(f, "name"), a.buf, b.buf);
	}
	for (i = 0; i < ks_jlen(of); i++)
		if (f = ks_jat(of, i), !find_named(nf, str_of(f, "name")))
			ks_changes_add(out, KS_CHG_TP_EVENT, str_of(f, "name"), field_text(f, &a),
				       NULL);
	sb_release(&a);
	sb_release(&b);
}

static const char *param_text(const struct ks_jnode *p, struct strbuf *sb)
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
static void diff_params(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	const struct ks_jnode *op = ks_jget(o, "params"), *np = ks_jget(n, "params"), *p;
	size_t no = ks_jlen(op), nn = ks_jlen(np), i, last = 0, seen = 0;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	char *renamed_o = calloc(no + 1, 1), *renamed_n = calloc(nn + 1, 1);
	int reordered = 0;

	if (!renamed_o || !renamed_n)
		abort();
	sb_init(&a);
	sb_init(&b);
	for (i = 0; i < no && i < nn; i++) {
		const struct ks_jnode *x = ks_jat(op, i), *y = ks_jat(np, i);

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
	for (i = 0; i < nn; i++) {
		const struct ks_jnode *prev;
		size_t j;

		p = ks_jat(np, i);
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
		for (j = 0; j < no && ks_jat(op, j) != prev; j++)
			;
		if (seen && j < last)
			reordered = 1;
		last = j;
		seen = 1;
	}
	for (i = 0; i < no; i++)
		if (p = ks_jat(op, i), !renamed_o[i] && !find_named(np, str_of(p, "name")))
			ks_changes_add(out, KS_CHG_PARAM_REMOVED, str_of(p, "name"),
				       param_text(p, &a), NULL);
	if (reordered)
		ks_changes_add(out, KS_CHG_PARAM_REORDERED, str_of(n, "name"), NULL, NULL);
	free(renamed_o);
	free(renamed_n);
	sb_release(&a);
	sb_release(&b);
}

static void diff_known(const struct ks_jnode *o, const struct ks_jnode *n, const char *key, enum ks_change_type t,
		       struct ks_changes *out)
{
	const struct ks_jnode *x = ks_jget(o, key), *y = ks_jget(n, key);

	if (x && y && strcmp(ks_jstr(x), ks_jstr(y)))
		ks_changes_add(out, t, key, ks_jis(x, KS_JSTR) ? x->u.str : NULL,
			       ks_jis(y, KS_JSTR) ? y->u.str : NULL);
}

void ks_diff_tracepoint(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	diff_known(o, n, "class", KS_CHG_TP_CLASS, out);
	diff_known(o, n, "system", KS_CHG_TP_CLASS, out);
	diff_fields(o, n, out);
	diff_params(o, n, out);
	diff_known(o, n, "format", KS_CHG_TP_FORMAT, out);
}
