/* SPDX-License-Identifier: MIT */
/* The per-item page: one item across the groups of a dataset, in every format. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "diff/change.h"
#include "report/page_int.h"
#include "report/report.h"
#include "util/err.h"
#include "util/strbuf.h"

/* The C rendering stored in a def, or NULL. */
const char *page_def_c(json_t *def)
{
	return json_string_value(json_object_get(def, "c"));
}

/*
 * The status words of a def ("status": ["transformation", "selective inline"]) joined
 * with ", ", or NULL when it has none: any kind may carry them (docs/defs.md), and a
 * present item with status words is shown with ⚠️.
 */
const char *page_def_status(json_t *def)
{
	static _Thread_local char buf[512];
	json_t *arr = json_object_get(def, "status"), *v;
	size_t i, len = 0;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return NULL;
	buf[0] = '\0';
	json_array_foreach(arr, i, v) {
		const char *w = json_string_value(v);

		if (!w)
			continue;
		len += (size_t)snprintf(buf + len, len < sizeof(buf) ? sizeof(buf) - len : 0, "%s%s",
					len ? ", " : "", w);
		if (len >= sizeof(buf))
			break;
	}
	return buf[0] ? buf : NULL;
}

/* The evidence lines of a def ("evidence": ["symbol vfs_read.isra.0 t 0x..."]). */
static void page_put_evidence(FILE *out, json_t *def, const char *prefix)
{
	json_t *arr = json_object_get(def, "evidence"), *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (json_string_value(v))
			fprintf(out, "%s%s\n", prefix, json_string_value(v));
}

/* Whether an item of this kind could live in a module (so an image without its modules
 * cannot say it is absent). */
static int page_module_kind(const char *kind)
{
	static const char *const kinds[] = {"struct", "union", "enum", "typedef", "func",
					    "tracepoint", "kfunc", "field"};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kind, kinds[i]))
			return 1;
	return 0;
}

/* "Absent", or "Absent from vmlinux; modules not ingested" where the image's modules
 * could hold the item. */
const char *page_absent_word(const struct ks_page *p, size_t i)
{
	return p->imgs->v[i].modules < 0 && page_module_kind(p->kind)
		       ? "Absent from vmlinux; modules not ingested"
		       : "Absent";
}

/* Marks an image whose types come from its DWARF (no BTF in the kernel). */
const char *page_types_note(const struct ks_page *p, size_t i)
{
	return ks_image_types_from_dwarf(&p->imgs->v[i]) ? " (types from DWARF)" : "";
}

const char *page_where_of(const struct ks_page *p, size_t i)
{
	return p->where ? p->where[i] : NULL;
}

const char *page_others_of(const struct ks_page *p, size_t i)
{
	return p->others ? p->others[i] : NULL;
}

/* "in module dm_mod", "in modules a, b, c and 12 more": at most three names. */
void page_where_words(const char *where, struct strbuf *sb)
{
	const char *p = where;
	size_t n = 1, shown = 0;

	for (const char *c = where; (c = strstr(c, ", ")); c += 2)
		n++;
	sb_add(sb, n == 1 ? "in module " : "in modules ");
	while (p && shown < 3) {
		const char *e = strstr(p, ", ");

		if (shown)
			sb_add(sb, ", ");
		sb_addn(sb, p, e ? (size_t)(e - p) : strlen(p));
		shown++;
		p = e ? e + 2 : NULL;
	}
	if (n > shown)
		sb_addf(sb, " and %zu more", n - shown);
}

/* The duplicates note: "(2 more definitions with this name[, in modules x, y]; the first
 * is shown)". */
void page_dups_words(const struct ks_page *p, size_t i, struct strbuf *sb)
{
	sb_addf(sb, "(%u more definitions with this name", p->dups[i]);
	if (page_others_of(p, i)) {
		sb_add(sb, ", ");
		page_where_words(page_others_of(p, i), sb);
	}
	sb_add(sb, "; the first is shown)");
}

/* One change as the line DepSurf's pages show ("Field added. sector_t write_offset"). */
void ks_change_line(const struct ks_change *c, struct strbuf *sb)
{
	/* Changes whose old/new are whole declarations or enumerators name themselves. */
	int decl_like = c->type == KS_CHG_FIELD_TYPE || c->type == KS_CHG_TYPEDEF_TYPE ||
			c->type == KS_CHG_FIELD_ADDED || c->type == KS_CHG_FIELD_REMOVED ||
			c->type == KS_CHG_ENUM_VALUE_ADDED || c->type == KS_CHG_ENUM_VALUE_REMOVED ||
			c->type == KS_CHG_PARAM_ADDED || c->type == KS_CHG_PARAM_REMOVED ||
			c->type == KS_CHG_PARAM_RENAMED || c->type == KS_CHG_PARAM_TYPE ||
			c->type == KS_CHG_RETURN_TYPE || c->type == KS_CHG_TP_EVENT;

	sb_addf(sb, "%s. ", ks_change_title(c->type));
	if (!decl_like && c->subject)
		sb_addf(sb, "%s: ", c->subject);
	if (c->old && c->new)
		sb_addf(sb, "%s ➡️ %s", c->old, c->new);
	else if (c->new)
		sb_add(sb, c->new);
	else if (c->old)
		sb_add(sb, c->old);
}

/*
 * A page's own pair verdicts beyond the differ's, where an image's modules were not
 * ingested: the item lives in a module of one image and the other cannot say
 * (PAIR_UNKNOWN), or neither image's vmlinux has it and a module might (PAIR_NO_MODULES).
 */

static int page_modules_missing(const struct ks_page *p, size_t i)
{
	return p->imgs->v[i].modules < 0 && page_module_kind(p->kind);
}

int page_diff_pair(const struct ks_page *p, size_t ia, size_t ib, struct page_pair *r)
{
	memset(r, 0, sizeof(*r));
	r->status = ks_diff_defs(p->defs[ia], p->defs[ib], &r->ch);
	if (r->status < 0)
		return ks_err(r->status, "%s %s: cannot compare definitions: %s", p->kind, p->name,
			      ks_errmsg());
	if ((r->status == KS_PAIR_ADDED && page_modules_missing(p, ia) && page_where_of(p, ib)) ||
	    (r->status == KS_PAIR_REMOVED && page_modules_missing(p, ib) && page_where_of(p, ia)))
		r->status = PAIR_UNKNOWN;
	else if (r->status == KS_PAIR_ABSENT_BOTH && (page_modules_missing(p, ia) || page_modules_missing(p, ib)))
		r->status = PAIR_NO_MODULES;
	return 0;
}

static const char *page_pair_status_name(int status)
{
	return status == PAIR_UNKNOWN ? "unknown" : status == PAIR_NO_MODULES ? "absent"
									      : ks_pair_status_name(status);
}

/* What follows the two labels: why a verdict cannot be had. */
const char *page_pair_note(int status)
{
	return status == PAIR_UNKNOWN || status == PAIR_NO_MODULES ? " (modules not ingested)" : "";
}

const char *page_pair_word(int status)
{
	switch (status) {
	case KS_PAIR_ABSENT_BOTH:
		return "Absent in both";
	case PAIR_NO_MODULES:
		return "Absent from vmlinux in both";
	case PAIR_UNKNOWN:
		return "Cannot compare";
	case KS_PAIR_ADDED:
		return "Added between";
	case KS_PAIR_REMOVED:
		return "Removed between";
	case KS_PAIR_UNCHANGED:
		return "No changes between";
	default:
		return "Changed between";
	}
}

const char *page_pair_mark(int status)
{
	if (status == PAIR_UNKNOWN || status == PAIR_NO_MODULES)
		return "❔";
	return status == KS_PAIR_UNCHANGED || status == KS_PAIR_ABSENT_BOTH ? "✅" : "⚠️";
}

int page_group_shown(const struct ks_page *p, const struct ks_group *g)
{
	if (!p->only)
		return 1;
	for (size_t i = 0; p->only[i]; i++)
		if (p->only[i] == g)
			return 1;
	return 0;
}

/* The member a definition is compared with: the previous one in a version group, the
 * baseline in a variant group (as the pairs are). */
size_t page_same_as(const struct ks_group *g, size_t k)
{
	return g->pairing == KS_PAIRING_VARIANT ? 0 : k - 1;
}

/* A C definition, ending its line. */
static void put_c(FILE *out, const char *c)
{
	fputs(c, out);
	fputc('\n', out);
}

static int text_group(FILE *out, const struct ks_page *p, const struct ks_group *g,
		      json_t **parsed, const struct ks_style *st)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	fprintf(out, "\n%s%s%s\n", st->bold, g->name, st->reset);
	for (size_t k = 0; k < g->n; k++) {
		size_t i = g->m[k].img;
		const char *c = page_def_c(parsed[i]);

		fprintf(out, "%s%s%s%s: ", st->bold, g->m[k].label, st->reset, page_types_note(p, i));
		if (!p->defs[i]) {
			fprintf(out, "%s%s%s\n", st->red, page_absent_word(p, i), st->reset);
			continue;
		}
		fputs(p->dups[i] || page_def_status(parsed[i]) ? "⚠️ " : "✅ ", out);
		if (page_def_status(parsed[i]))
			fprintf(out, "%s%s%s ", st->yellow, page_def_status(parsed[i]), st->reset);
		if (p->dups[i]) {
			sb_reset(&sb);
			page_dups_words(p, i, &sb);
			fprintf(out, "%s%s%s ", st->yellow, sb.buf, st->reset);
		}
		if (page_where_of(p, i)) {
			sb_reset(&sb);
			page_where_words(page_where_of(p, i), &sb);
			fputs(sb.buf, out);
		}
		if (!p->all_defs && k > 0) {
			size_t r = page_same_as(g, k);
			size_t j = g->m[r].img;

			if (p->defs[j] && !strcmp(p->defs[j], p->defs[i])) {
				fprintf(out, "%s%ssame as %s%s\n", page_where_of(p, i) ? "; " : "", st->dim,
					g->m[r].label, st->reset);
				continue;
			}
		}
		if (page_where_of(p, i))
			fputc('\n', out);
		put_c(out, c ? c : "");
		page_put_evidence(out, parsed[i], "    ");
	}
	sb_release(&sb);
	return 0;
}

static int text_pairs(FILE *out, const struct ks_page *p, const struct ks_group *g,
		      json_t **parsed, const struct ks_style *st)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;

	sb_init(&sb);
	fprintf(out, "\n%s%s%s\n", st->bold, g->name, st->reset);
	if (!ks_group_npairs(g))
		fprintf(out, "%sOne image only: nothing to compare%s\n", st->dim, st->reset);
	for (size_t k = 0; k < ks_group_npairs(g) && !ret; k++) {
		size_t a, b;
		struct page_pair r;

		ks_group_pair(g, k, &a, &b);
		if ((ret = page_diff_pair(p, g->m[a].img, g->m[b].img, &r)))
			break;
		const char *col = r.status == KS_PAIR_UNCHANGED ? st->green
				  : r.status == KS_PAIR_ABSENT_BOTH || r.status == PAIR_NO_MODULES ||
					    r.status == PAIR_UNKNOWN
				      ? st->dim
				      : st->yellow;
		fprintf(out, "%s%s %s and %s%s %s%s\n", col, page_pair_word(r.status), g->m[a].label,
			g->m[b].label, page_pair_note(r.status), page_pair_mark(r.status), st->reset);
		for (size_t c = 0; c < r.ch.n; c++) {
			sb_reset(&sb);
			ks_change_line(&r.ch.v[c], &sb);
			fprintf(out, "    %s\n", sb.buf);
		}
		ks_changes_free(&r.ch);
	}
	sb_release(&sb);
	return ret;
}

static void md_code(FILE *out, const char *c)
{
	fprintf(out, "```c\n%s\n```\n", c ? c : "");
}

static int md_page(FILE *out, const struct ks_page *p, json_t **parsed)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;

	sb_init(&sb);
	fprintf(out, "# %s %s\n", p->kind, p->name);
	for (size_t gi = 0; gi < p->groups->n; gi++) {
		const struct ks_group *g = &p->groups->v[gi];

		if (!page_group_shown(p, g))
			continue;
		fprintf(out, "\n## %s\n\n", g->name);
		for (size_t k = 0; k < g->n; k++) {
			size_t i = g->m[k].img;

			fprintf(out, "### %s%s %s%s%s\n\n", g->m[k].label, page_types_note(p, i),
				!p->defs[i] ? page_absent_word(p, i)
				: p->dups[i] || page_def_status(parsed[i]) ? "⚠️"
								       : "✅",
				p->defs[i] && page_def_status(parsed[i]) ? " " : "",
				p->defs[i] && page_def_status(parsed[i]) ? page_def_status(parsed[i]) : "");
			if (!p->defs[i])
				continue;
			if (page_where_of(p, i)) {
				sb_reset(&sb);
				page_where_words(page_where_of(p, i), &sb);
				sb.buf[0] = 'I';
				fprintf(out, "%s.\n\n", sb.buf);
			}
			if (p->dups[i]) {
				sb_reset(&sb);
				page_dups_words(p, i, &sb);
				fprintf(out, "%s.\n\n", sb.buf);
			}
			if (!p->all_defs && k > 0 && p->defs[g->m[page_same_as(g, k)].img] &&
			    !strcmp(p->defs[g->m[page_same_as(g, k)].img], p->defs[i])) {
				fprintf(out, "Same as %s.\n\n", g->m[page_same_as(g, k)].label);
				continue;
			}
			md_code(out, page_def_c(parsed[i]));
			page_put_evidence(out, parsed[i], "- ");
			fputc('\n', out);
		}
		fprintf(out, "### Changes\n\n");
		for (size_t k = 0; k < ks_group_npairs(g); k++) {
			size_t a, b;
			struct page_pair r;

			ks_group_pair(g, k, &a, &b);
			if ((ret = page_diff_pair(p, g->m[a].img, g->m[b].img, &r)))
				goto out;
			fprintf(out, "- %s **%s** and **%s**%s %s\n", page_pair_word(r.status),
				g->m[a].label, g->m[b].label, page_pair_note(r.status), page_pair_mark(r.status));
			for (size_t c = 0; c < r.ch.n; c++) {
				sb_reset(&sb);
				ks_change_line(&r.ch.v[c], &sb);
				fprintf(out, "  - `%s`\n", sb.buf);
			}
			ks_changes_free(&r.ch);
		}
	}
out:
	sb_release(&sb);
	return ret;
}

static json_t *json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *json_changes(const struct ks_changes *ch)
{
	json_t *arr = json_array();

	for (size_t c = 0; c < ch->n; c++) {
		const struct ks_change *x = &ch->v[c];
		json_t *o = json_object();

		json_object_set_new(o, "type", json_string(ks_change_name(x->type)));
		json_object_set_new(o, "layout", json_boolean(ks_change_is_layout(x->type)));
		json_object_set_new(o, "subject", json_str_or_null(x->subject));
		json_object_set_new(o, "old", json_str_or_null(x->old));
		json_object_set_new(o, "new", json_str_or_null(x->new));
		json_array_append_new(arr, o);
	}
	return arr;
}

static int json_page(FILE *out, const struct ks_page *p, json_t **parsed)
{
	json_t *root = json_object(), *groups = json_array();
	int ret = 0;

	json_object_set_new(root, "schema", json_string("ksurf.item/1"));
	json_object_set_new(root, "kind", json_string(p->kind));
	json_object_set_new(root, "name", json_string(p->name));
	if (p->imgs->n)
		json_object_set_new(root, "baseline",
				    json_string(p->imgs->v[p->groups->baseline].ident.name));
	for (size_t gi = 0; gi < p->groups->n && !ret; gi++) {
		const struct ks_group *g = &p->groups->v[gi];
		json_t *jg = json_object(), *ims = json_array(), *pairs = json_array();

		if (!page_group_shown(p, g)) {
			json_decref(jg);
			json_decref(ims);
			json_decref(pairs);
			continue;
		}
		json_object_set_new(jg, "name", json_string(g->name));
		json_object_set_new(jg, "pairing", json_string(ks_pairing_name(g->pairing)));
		for (size_t k = 0; k < g->n; k++) {
			size_t i = g->m[k].img;
			json_t *ji = json_object();

			json_object_set_new(ji, "image", json_string(p->imgs->v[i].ident.name));
			json_object_set_new(ji, "label", json_string(g->m[k].label));
			json_object_set_new(ji, "types_from",
					    json_string(ks_image_types_from_dwarf(&p->imgs->v[i]) ? "dwarf"
												  : "btf"));
			json_object_set_new(ji, "status", json_string(p->defs[i] ? "present" : "absent"));
			json_object_set_new(ji, "duplicates", json_integer(p->dups[i]));
			json_object_set_new(ji, "module", json_str_or_null(page_where_of(p, i)));
			json_object_set_new(ji, "others", json_str_or_null(page_others_of(p, i)));
			json_object_set_new(ji, "modules_ingested",
					    json_boolean(p->imgs->v[i].modules >= 0));
			json_object_set(ji, "def", parsed[i] ? parsed[i] : json_null());
			json_array_append_new(ims, ji);
		}
		for (size_t k = 0; k < ks_group_npairs(g); k++) {
			size_t a, b;
			struct page_pair r;
			json_t *jp;

			ks_group_pair(g, k, &a, &b);
			if ((ret = page_diff_pair(p, g->m[a].img, g->m[b].img, &r)))
				break;
			jp = json_object();
			json_object_set_new(jp, "from", json_string(p->imgs->v[g->m[a].img].ident.name));
			json_object_set_new(jp, "to", json_string(p->imgs->v[g->m[b].img].ident.name));
			json_object_set_new(jp, "from_label", json_string(g->m[a].label));
			json_object_set_new(jp, "to_label", json_string(g->m[b].label));
			json_object_set_new(jp, "status", json_string(page_pair_status_name(r.status)));
			json_object_set_new(jp, "changes", json_changes(&r.ch));
			json_array_append_new(pairs, jp);
			ks_changes_free(&r.ch);
		}
		json_object_set_new(jg, "images", ims);
		json_object_set_new(jg, "pairs", pairs);
		json_array_append_new(groups, jg);
	}
	json_object_set_new(root, "groups", groups);
	if (!ret)
		ret = ks_json_print(out, root);
	json_decref(root);
	return ret;
}

int ks_report_page(FILE *out, const struct ks_page *p, enum ks_format fmt,
		   const struct ks_style *st)
{
	size_t n = p->imgs->n;
	json_t **parsed = calloc(n ? n : 1, sizeof(*parsed));
	int ret = 0;

	for (size_t i = 0; i < n && !ret; i++) {
		if (!p->defs[i])
			continue;
		/* most items are the same in most images: parse each distinct def once */
		for (size_t j = 0; j < i && !parsed[i]; j++)
			if (parsed[j] && !strcmp(p->defs[j], p->defs[i]))
				parsed[i] = json_incref(parsed[j]);
		if (parsed[i])
			continue;
		parsed[i] = json_loads(p->defs[i], 0, NULL);
		if (!parsed[i])
			ret = ks_err(-EINVAL, "%s %s: stored definition in %s does not parse", p->kind,
				     p->name, p->imgs->v[i].ident.name);
	}
	if (ret)
		goto out;
	switch (fmt) {
	case KS_FMT_JSON:
		ret = json_page(out, p, parsed);
		break;
	case KS_FMT_MD:
		ret = md_page(out, p, parsed);
		break;
	case KS_FMT_HTML:
		ret = page_html(out, p, parsed);
		break;
	default:
		fprintf(out, "%s%s %s%s\n", st->bold, p->kind, p->name, st->reset);
		for (size_t gi = 0; gi < p->groups->n && !ret; gi++)
			if (page_group_shown(p, &p->groups->v[gi]))
				ret = text_group(out, p, &p->groups->v[gi], parsed, st);
		for (size_t gi = 0; gi < p->groups->n && !ret; gi++)
			if (page_group_shown(p, &p->groups->v[gi]))
				ret = text_pairs(out, p, &p->groups->v[gi], parsed, st);
		break;
	}
out:
	for (size_t i = 0; i < n; i++)
		json_decref(parsed[i]);
	free(parsed);
	return ret;
}
