/* SPDX-License-Identifier: MIT */
/* `ksurf diff` reports: the counts table and the details, in every format. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report/diffreport.h"
#include "report/html.h"
#include "util/strbuf.h"

/* Table rows of a kind: the five counts, then change types (row 5 + type). */
enum { ROW_OLD, ROW_NEW, ROW_ADDED, ROW_REMOVED, ROW_CHANGED, ROW__COUNTS };

static const char *const row_names[ROW__COUNTS] = {"old", "new", "added", "removed", "changed"};

static size_t row_value(const struct ks_kind_counts *kc, int row)
{
	switch (row) {
	case ROW_OLD: return kc->old;
	case ROW_NEW: return kc->new;
	case ROW_ADDED: return kc->added;
	case ROW_REMOVED: return kc->removed;
	case ROW_CHANGED: return kc->changed;
	default: return kc->by_type[row - ROW__COUNTS];
	}
}

/* Stable names (json, csv) and titles (text, md) of a row. */
static const char *row_name(int row)
{
	return row < ROW__COUNTS ? row_names[row] : ks_change_name(row - ROW__COUNTS);
}

static const char *row_title(int row)
{
	return row < ROW__COUNTS ? row_names[row] : ks_change_title(row - ROW__COUNTS);
}

/* A kind is shown in a section when some pair has an item of it. */
static int kind_shown(const struct ks_diff_section *s, uint32_t k)
{
	for (size_t p = 0; p < s->npairs; p++)
		if (s->pairs[p].d->kinds[k].old || s->pairs[p].d->kinds[k].new)
			return 1;
	return 0;
}

/* A change-type row is shown for a kind when some pair of the section counts it. */
static int row_shown(const struct ks_diff_section *s, uint32_t k, int row)
{
	if (row < ROW__COUNTS)
		return 1;
	for (size_t p = 0; p < s->npairs; p++)
		if (row_value(&s->pairs[p].d->kinds[k], row))
			return 1;
	return 0;
}

size_t ks_text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void pad(FILE *out, size_t n)
{
	while (n--)
		fputc(' ', out);
}

static void pair_heading(const struct ks_diff_pair *p, struct strbuf *sb)
{
	sb_reset(sb);
	sb_addf(sb, "%s → %s", p->from_label, p->to_label);
}

static const char *section_title(const struct ks_diff_section *s)
{
	return s->group ? s->group : "Pair";
}

static void text_table(FILE *out, const struct ks_diff_doc *doc, const struct ks_diff_section *s,
		       const struct ks_style *st)
{
	struct strbuf sb = STRBUF_INIT;
	size_t lw = 8, *cw = calloc(s->npairs + 1, sizeof(*cw));

	if (!cw)
		abort();
	sb_init(&sb);
	for (size_t i = 0; i < doc->nkinds; i++)
		for (int row = 0; row < ROW__COUNTS + KS_CHG__COUNT; row++)
			if (row_shown(s, doc->kinds[i], row) && ks_text_width(row_title(row)) + 4 > lw)
				lw = ks_text_width(row_title(row)) + 4;
	for (size_t p = 0; p < s->npairs; p++) {
		pair_heading(&s->pairs[p], &sb);
		cw[p] = ks_text_width(sb.buf) > 7 ? ks_text_width(sb.buf) : 7;
	}
	fprintf(out, "%s%s%s", st->bold, section_title(s), st->reset);
	pad(out, lw > ks_text_width(section_title(s)) ? lw - ks_text_width(section_title(s)) : 1);
	for (size_t p = 0; p < s->npairs; p++) {
		pair_heading(&s->pairs[p], &sb);
		fprintf(out, "  ");
		pad(out, cw[p] - ks_text_width(sb.buf));
		fputs(sb.buf, out);
	}
	fputc('\n', out);
	for (size_t i = 0; i < doc->nkinds; i++) {
		uint32_t k = doc->kinds[i];

		if (!kind_shown(s, k))
			continue;
		fprintf(out, "%s%s%s\n", st->bold, doc->items->kinds[k], st->reset);
		for (int row = 0; row < ROW__COUNTS + KS_CHG__COUNT; row++) {
			if (!row_shown(s, k, row))
				continue;
			int indent = row < ROW__COUNTS ? 2 : 4;

			pad(out, (size_t)indent);
			fputs(row_title(row), out);
			pad(out, lw - indent - ks_text_width(row_title(row)));
			for (size_t p = 0; p < s->npairs; p++)
				fprintf(out, "  %*zu", (int)cw[p], row_value(&s->pairs[p].d->kinds[k], row));
			fputc('\n', out);
		}
	}
	free(cw);
	sb_release(&sb);
}

static const char *status_word(int status)
{
	return status == KS_PAIR_ADDED ? "Added" : status == KS_PAIR_REMOVED ? "Removed" : "Changed";
}

static void text_details(FILE *out, const struct ks_diff_doc *doc, const struct ks_diff_section *s,
			 const struct ks_style *st)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	for (size_t p = 0; p < s->npairs; p++) {
		const struct ks_surface_diff *d = s->pairs[p].d;
		size_t shown = 0;

		fprintf(out, "\n%s%s: %s → %s%s\n", st->bold, section_title(s), s->pairs[p].from_label,
			s->pairs[p].to_label, st->reset);
		for (size_t i = 0; i < d->n; i++) {
			const struct ks_item_diff *x = &d->v[i];
			uint32_t k = doc->items->kind[x->item];
			const char *col = x->status == KS_PAIR_ADDED	 ? st->green
					  : x->status == KS_PAIR_REMOVED ? st->red
									 : st->yellow;

			fprintf(out, "%s%s%s %s %s\n", col, status_word(x->status), st->reset,
				doc->items->kinds[k], ks_item_table_name(doc->items, x->item));
			for (size_t c = 0; c < x->ch.n; c++) {
				sb_reset(&sb);
				ks_change_line(&x->ch.v[c], &sb);
				fprintf(out, "    %s\n", sb.buf);
			}
			shown++;
		}
		if (!shown)
			fprintf(out, "%sNo changes ✅%s\n", st->green, st->reset);
	}
	sb_release(&sb);
}

static void md_table(FILE *out, const struct ks_diff_doc *doc, const struct ks_diff_section *s)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	fprintf(out, "## %s\n\n| kind | | ", section_title(s));
	for (size_t p = 0; p < s->npairs; p++) {
		pair_heading(&s->pairs[p], &sb);
		fprintf(out, "%s | ", sb.buf);
	}
	fprintf(out, "\n|---|---|");
	for (size_t p = 0; p < s->npairs; p++)
		fprintf(out, "---:|");
	fputc('\n', out);
	for (size_t i = 0; i < doc->nkinds; i++) {
		uint32_t k = doc->kinds[i];
		int first = 1;

		if (!kind_shown(s, k))
			continue;
		for (int row = 0; row < ROW__COUNTS + KS_CHG__COUNT; row++) {
			if (!row_shown(s, k, row))
				continue;
			fprintf(out, "| %s | %s | ", first ? doc->items->kinds[k] : "", row_title(row));
			for (size_t p = 0; p < s->npairs; p++)
				fprintf(out, "%zu | ", row_value(&s->pairs[p].d->kinds[k], row));
			fputc('\n', out);
			first = 0;
		}
	}
	sb_release(&sb);
}

static void md_details(FILE *out, const struct ks_diff_doc *doc, const struct ks_diff_section *s)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	for (size_t p = 0; p < s->npairs; p++) {
		const struct ks_surface_diff *d = s->pairs[p].d;

		fprintf(out, "\n### %s: %s → %s\n\n", section_title(s), s->pairs[p].from_label,
			s->pairs[p].to_label);
		if (!d->n)
			fprintf(out, "No changes ✅\n");
		for (size_t i = 0; i < d->n; i++) {
			const struct ks_item_diff *x = &d->v[i];

			fprintf(out, "- %s **%s %s**\n", status_word(x->status),
				doc->items->kinds[doc->items->kind[x->item]],
				ks_item_table_name(doc->items, x->item));
			for (size_t c = 0; c < x->ch.n; c++) {
				sb_reset(&sb);
				ks_change_line(&x->ch.v[c], &sb);
				fprintf(out, "  - `%s`\n", sb.buf);
			}
		}
	}
	sb_release(&sb);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *json_counts(const struct ks_diff_doc *doc, const struct ks_diff_section *s,
			   const struct ks_surface_diff *d)
{
	json_t *o = json_object();

	for (size_t i = 0; i < doc->nkinds; i++) {
		uint32_t k = doc->kinds[i];
		const struct ks_kind_counts *kc = &d->kinds[k];
		json_t *jk = json_object(), *ch = json_object();

		if (!kind_shown(s, k)) {
			json_decref(jk);
			json_decref(ch);
			continue;
		}
		for (int row = 0; row < ROW__COUNTS; row++)
			json_object_set_new(jk, row_names[row], json_integer((json_int_t)row_value(kc, row)));
		json_object_set_new(jk, "unchanged", json_integer((json_int_t)kc->unchanged));
		for (int t = 0; t < KS_CHG__COUNT; t++)
			if (kc->by_type[t])
				json_object_set_new(ch, ks_change_name(t), json_integer((json_int_t)kc->by_type[t]));
		json_object_set_new(jk, "changes", ch);
		json_object_set_new(o, doc->items->kinds[k], jk);
	}
	return o;
}

static json_t *json_items(const struct ks_diff_doc *doc, const struct ks_surface_diff *d)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < d->n; i++) {
		const struct ks_item_diff *x = &d->v[i];
		json_t *o = json_object(), *ch = json_array();

		json_object_set_new(o, "kind", json_string(doc->items->kinds[doc->items->kind[x->item]]));
		json_object_set_new(o, "name", json_string(ks_item_table_name(doc->items, x->item)));
		json_object_set_new(o, "status", json_string(ks_pair_status_name(x->status)));
		for (size_t c = 0; c < x->ch.n; c++) {
			const struct ks_change *y = &x->ch.v[c];
			json_t *jc = json_object();

			json_object_set_new(jc, "type", json_string(ks_change_name(y->type)));
			json_object_set_new(jc, "layout", json_boolean(ks_change_is_layout(y->type)));
			json_object_set_new(jc, "subject", str_or_null(y->subject));
			json_object_set_new(jc, "old", str_or_null(y->old));
			json_object_set_new(jc, "new", str_or_null(y->new));
			json_array_append_new(ch, jc);
		}
		json_object_set_new(o, "changes", ch);
		json_array_append_new(arr, o);
	}
	return arr;
}

static int json_doc(FILE *out, const struct ks_diff_doc *doc)
{
	json_t *root = json_object(), *kinds = json_array(), *secs = json_array();
	int ret;

	json_object_set_new(root, "schema", json_string("ksurf.diff/1"));
	json_object_set_new(root, "baseline", str_or_null(doc->baseline));
	for (size_t i = 0; i < doc->nkinds; i++)
		json_array_append_new(kinds, json_string(doc->items->kinds[doc->kinds[i]]));
	json_object_set_new(root, "kinds", kinds);
	for (size_t si = 0; si < doc->nsections; si++) {
		const struct ks_diff_section *s = &doc->sections[si];
		json_t *js = json_object(), *pairs = json_array();

		json_object_set_new(js, "name", str_or_null(s->group));
		json_object_set_new(js, "pairing", str_or_null(s->pairing));
		for (size_t p = 0; p < s->npairs; p++) {
			const struct ks_diff_pair *dp = &s->pairs[p];
			json_t *jp = json_object();

			json_object_set_new(jp, "from", json_string(dp->from));
			json_object_set_new(jp, "to", json_string(dp->to));
			json_object_set_new(jp, "from_label", json_string(dp->from_label));
			json_object_set_new(jp, "to_label", json_string(dp->to_label));
			json_object_set_new(jp, "counts", json_counts(doc, s, dp->d));
			if (!doc->summary)
				json_object_set_new(jp, "items", json_items(doc, dp->d));
			json_array_append_new(pairs, jp);
		}
		json_object_set_new(js, "pairs", pairs);
		json_array_append_new(secs, js);
	}
	json_object_set_new(root, "groups", secs);
	ret = ks_json_print(out, root);
	json_decref(root);
	return ret;
}

void ks_csv_field(FILE *out, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* The columns every CSV row starts with: group, labels and image names of the pair. */
static void csv_pair(FILE *out, const struct ks_diff_section *s, const struct ks_diff_pair *p)
{
	const char *v[] = {s->group ? s->group : "", p->from_label, p->to_label, p->from, p->to};

	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
		ks_csv_field(out, v[i]);
		fputc(',', out);
	}
}

static void csv_doc(FILE *out, const struct ks_diff_doc *doc)
{
	fprintf(out, doc->details ? "group,from_label,to_label,from,to,kind,name,status,change,subject,old,new\n"
				  : "group,from_label,to_label,from,to,kind,row,count\n");
	for (size_t si = 0; si < doc->nsections; si++) {
		const struct ks_diff_section *s = &doc->sections[si];

		for (size_t p = 0; p < s->npairs; p++) {
			const struct ks_surface_diff *d = s->pairs[p].d;

			if (doc->details) {
				for (size_t i = 0; i < d->n; i++) {
					const struct ks_item_diff *x = &d->v[i];
					size_t nc = x->ch.n ? x->ch.n : 1;

					for (size_t c = 0; c < nc; c++) {
						const struct ks_change *y = x->ch.n ? &x->ch.v[c] : NULL;

						csv_pair(out, s, &s->pairs[p]);
						ks_csv_field(out, doc->items->kinds[doc->items->kind[x->item]]);
						fputc(',', out);
						ks_csv_field(out, ks_item_table_name(doc->items, x->item));
						fprintf(out, ",%s,", ks_pair_status_name(x->status));
						if (y) {
							fprintf(out, "%s,", ks_change_name(y->type));
							ks_csv_field(out, y->subject);
							fputc(',', out);
							ks_csv_field(out, y->old);
							fputc(',', out);
							ks_csv_field(out, y->new);
						} else {
							fputs(",,,", out);
						}
						fputc('\n', out);
					}
				}
				continue;
			}
			for (size_t i = 0; i < doc->nkinds; i++) {
				uint32_t k = doc->kinds[i];

				if (!kind_shown(s, k))
					continue;
				for (int row = 0; row < ROW__COUNTS + KS_CHG__COUNT; row++) {
					if (!row_shown(s, k, row))
						continue;
					csv_pair(out, s, &s->pairs[p]);
					ks_csv_field(out, doc->items->kinds[k]);
					fprintf(out, ",%s,%zu\n", row_name(row), row_value(&d->kinds[k], row));
				}
			}
		}
	}
}

static void html_table(FILE *out, const struct ks_diff_doc *doc, const struct ks_diff_section *s)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	if (!doc->no_heading) {
		ks_html_anchor(&sb, section_title(s));
		fprintf(out, "<h2 id=\"s-%s\">", sb.buf);
		ks_html_esc(out, section_title(s));
		fputs("</h2>\n", out);
		if (s->pairing)
			fprintf(out, "<p class=\"pairing\">%s group</p>\n", s->pairing);
	}
	fputs("<div class=\"scroll\"><table><thead><tr><th>kind</th><th></th>", out);
	for (size_t p = 0; p < s->npairs; p++) {
		pair_heading(&s->pairs[p], &sb);
		fputs("<th title=\"", out);
		ks_html_esc(out, s->pairs[p].from);
		fputs(" → ", out);
		ks_html_esc(out, s->pairs[p].to);
		fputs("\">", out);
		ks_html_esc(out, sb.buf);
		fputs("</th>", out);
	}
	fputs("</tr></thead><tbody>\n", out);
	for (size_t i = 0; i < doc->nkinds; i++) {
		uint32_t k = doc->kinds[i];
		int first = 1;

		if (!kind_shown(s, k))
			continue;
		for (int row = 0; row < ROW__COUNTS + KS_CHG__COUNT; row++) {
			if (!row_shown(s, k, row))
				continue;
			fprintf(out, "<tr%s><td>", row < ROW__COUNTS ? "" : " class=\"sub\"");
			if (first)
				ks_html_esc(out, doc->items->kinds[k]);
			fputs("</td><td>", out);
			ks_html_esc(out, row_title(row));
			fputs("</td>", out);
			for (size_t p = 0; p < s->npairs; p++) {
				size_t v = row_value(&s->pairs[p].d->kinds[k], row);

				fprintf(out, "<td class=\"n%s\">%zu</td>",
					v && row >= ROW_ADDED ? " warn" : "", v);
			}
			fputs("</tr>\n", out);
			first = 0;
		}
	}
	fputs("</tbody></table></div>\n", out);
	sb_release(&sb);
}

static void html_details(FILE *out, const struct ks_diff_doc *doc, const struct ks_diff_section *s)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	for (size_t p = 0; p < s->npairs; p++) {
		const struct ks_surface_diff *d = s->pairs[p].d;

		fputs("<details><summary>", out);
		ks_html_esc(out, s->pairs[p].from_label);
		fputs(" → ", out);
		ks_html_esc(out, s->pairs[p].to_label);
		fprintf(out, ": %zu items added, removed or changed</summary>\n<ul class=\"pairs\">\n", d->n);
		for (size_t i = 0; i < d->n; i++) {
			const struct ks_item_diff *x = &d->v[i];

			fprintf(out, "<li class=\"%s\">%s ", x->status == KS_PAIR_REMOVED ? "err" : "warn",
				status_word(x->status));
			ks_html_esc(out, doc->items->kinds[doc->items->kind[x->item]]);
			fputs(" <code>", out);
			ks_html_esc(out, ks_item_table_name(doc->items, x->item));
			fputs("</code>", out);
			if (x->ch.n)
				fputs("<ul>", out);
			for (size_t c = 0; c < x->ch.n; c++) {
				sb_reset(&sb);
				ks_change_line(&x->ch.v[c], &sb);
				fputs("<li><code>", out);
				ks_html_esc(out, sb.buf);
				fputs("</code></li>", out);
			}
			fputs(x->ch.n ? "</ul></li>\n" : "</li>\n", out);
		}
		fputs("</ul></details>\n", out);
	}
	sb_release(&sb);
}

/* HTML: a whole document, or the sections only (doc->fragment, for the site). */
static void html_doc(FILE *out, const struct ks_diff_doc *doc)
{
	if (!doc->fragment)
		fprintf(out, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
			     "<meta name=\"viewport\" content=\"width=device-width\"><title>ksurf "
			     "diff</title><style>%s</style></head><body><main>\n<h1>ksurf diff</h1>\n",
			ks_html_css);
	for (size_t si = 0; si < doc->nsections; si++) {
		html_table(out, doc, &doc->sections[si]);
		if (!doc->summary)
			html_details(out, doc, &doc->sections[si]);
	}
	if (!doc->fragment)
		fputs("</main></body></html>\n", out);
}

int ks_report_diff(FILE *out, const struct ks_diff_doc *doc, enum ks_format fmt,
		   const struct ks_style *st)
{
	switch (fmt) {
	case KS_FMT_HTML:
		html_doc(out, doc);
		return 0;
	case KS_FMT_JSON:
		return json_doc(out, doc);
	case KS_FMT_CSV:
		csv_doc(out, doc);
		return 0;
	case KS_FMT_MD:
		fprintf(out, "# ksurf diff\n\n");
		for (size_t si = 0; si < doc->nsections; si++) {
			if (si)
				fputc('\n', out);
			md_table(out, doc, &doc->sections[si]);
			if (!doc->summary)
				md_details(out, doc, &doc->sections[si]);
		}
		return 0;
	default:
		for (size_t si = 0; si < doc->nsections; si++) {
			if (si)
				fputc('\n', out);
			text_table(out, doc, &doc->sections[si], st);
		}
		for (size_t si = 0; si < doc->nsections && !doc->summary; si++)
			text_details(out, doc, &doc->sections[si], st);
		return 0;
	}
}
