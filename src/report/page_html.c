/* SPDX-License-Identifier: MIT */
/* The per-item page in HTML: `ksurf show --format html` and every item page of the site. */
#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "report/page_int.h"

/* The KS_IMG_* bits of image i. */
static unsigned char img_bits(const struct ks_page *p, size_t i, json_t *def)
{
	json_t *arr = json_object_get(def, "status"), *v;
	unsigned char b;
	size_t k;

	if (!p->defs[i])
		return p->imgs->v[i].modules < 0 && strcmp(page_absent_word(p, i), "Absent")
			       ? KS_IMG_UNKNOWN
			       : 0;
	b = KS_IMG_PRESENT | (p->dups[i] ? KS_IMG_DUPLICATE : 0);
	json_array_foreach(arr, k, v) {
		const char *w = json_string_value(v);

		if (!w)
			continue;
		if (!strcmp(w, "full inline"))
			b |= KS_IMG_FULL_INLINE;
		else if (!strcmp(w, "selective inline"))
			b |= KS_IMG_SELECTIVE_INLINE;
		else if (!strcmp(w, "transformation"))
			b |= KS_IMG_TRANSFORMED;
		else if (!strcmp(w, "duplicate") || !strcmp(w, "several symbols"))
			b |= KS_IMG_DUPLICATE;
		else if (strstr(w, "collision"))
			b |= KS_IMG_COLLISION;
	}
	return b;
}

static const char *pair_class(int status)
{
	switch (status) {
	case KS_PAIR_UNCHANGED: return "ok";
	case KS_PAIR_ABSENT_BOTH:
	case PAIR_NO_MODULES:
	case PAIR_UNKNOWN: return "na";
	default: return "warn";
	}
}

static void anchor_attr(FILE *out, const char *prefix, const char *a, const char *b)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	sb_add(&sb, prefix);
	ks_html_anchor(&sb, a);
	if (b) {
		sb_addc(&sb, '-');
		ks_html_anchor(&sb, b);
	}
	fprintf(out, " id=\"%s\"", sb.buf);
	sb_release(&sb);
}

static void html_image(FILE *out, const struct ks_page *p, const struct ks_group *g, size_t k,
		       json_t **parsed, struct strbuf *sb)
{
	size_t i = g->m[k].img;
	const char *status = p->defs[i] ? page_def_status(parsed[i]) : NULL;
	json_t *ev;

	fputs("<div class=\"img\"", out);
	anchor_attr(out, "i-", g->name, g->m[k].label);
	fputs("><h3 title=\"", out);
	ks_html_esc(out, p->imgs->v[i].ident.name);
	fputs("\">", out);
	ks_html_esc(out, g->m[k].label);
	ks_html_esc(out, page_types_note(p, i));
	if (!p->defs[i]) {
		fprintf(out, " <span class=\"b %s\">", p->imgs->v[i].modules < 0 &&
							strcmp(page_absent_word(p, i), "Absent")
						    ? "na"
						    : "err");
		ks_html_esc(out, page_absent_word(p, i));
		fputs("</span></h3></div>\n", out);
		return;
	}
	/* text symbols, not emoji: they render in any monospace or sans font */
	fputs(p->dups[i] || status ? " <span class=\"b warn\">⚠" : " <span class=\"b ok\">✓", out);
	if (status) {
		fputc(' ', out);
		ks_html_esc(out, status);
	}
	fputs("</span></h3>\n", out);
	if (page_where_of(p, i) || p->dups[i]) {
		sb_reset(sb);
		if (page_where_of(p, i)) {
			page_where_words(page_where_of(p, i), sb);
			sb->buf[0] = 'I';
			sb_add(sb, ". ");
		}
		if (p->dups[i])
			page_dups_words(p, i, sb);
		fputs("<p class=\"note\">", out);
		ks_html_esc(out, sb->buf);
		fputs("</p>\n", out);
	}
	if (!p->all_defs && k > 0) {
		size_t r = page_same_as(g, k), j = g->m[r].img;

		if (p->defs[j] && !strcmp(p->defs[j], p->defs[i])) {
			fputs("<p class=\"same\">Same as ", out);
			ks_html_esc(out, g->m[r].label);
			fputs(".</p></div>\n", out);
			return;
		}
	}
	fputs("<pre class=\"c\"><code>", out);
	ks_html_c(out, page_def_c(parsed[i]), p->link, p->link_ctx);
	fputs("</code></pre>\n", out);
	ev = json_object_get(parsed[i], "evidence");
	if (json_array_size(ev)) {
		json_t *v;
		size_t e;

		fputs("<ul class=\"ev\">", out);
		json_array_foreach(ev, e, v) {
			fputs("<li>", out);
			ks_html_esc(out, json_string_value(v));
			fputs("</li>", out);
		}
		fputs("</ul>\n", out);
	}
	fputs("</div>\n", out);
}

static int html_pairs(FILE *out, const struct ks_page *p, const struct ks_group *g, size_t gi,
		      struct strbuf *sb)
{
	int ret = 0;

	fputs("<h3>Changes</h3>\n", out);
	if (!ks_group_npairs(g))
		fputs("<p class=\"same\">One image only: nothing to compare.</p>\n", out);
	fputs("<ul class=\"pairs\">\n", out);
	for (size_t k = 0; k < ks_group_npairs(g) && !ret; k++) {
		size_t a, b;
		struct page_pair r;

		ks_group_pair(g, k, &a, &b);
		if ((ret = page_diff_pair(p, g->m[a].img, g->m[b].img, &r)))
			break;
		if (p->sum && (r.status == KS_PAIR_ADDED || r.status == KS_PAIR_REMOVED ||
			       r.status == KS_PAIR_CHANGED)) {
			p->sum->group[gi] = 1;
			if (r.status != KS_PAIR_REMOVED)
				p->sum->img[g->m[b].img] |= KS_IMG_CHANGED;
		}
		fprintf(out, "<li class=\"%s\">", pair_class(r.status));
		ks_html_esc(out, page_pair_word(r.status));
		fputs(" <b>", out);
		ks_html_esc(out, g->m[a].label);
		fputs("</b> and <b>", out);
		ks_html_esc(out, g->m[b].label);
		fputs("</b>", out);
		ks_html_esc(out, page_pair_note(r.status));
		fprintf(out, " %s", !strcmp(pair_class(r.status), "ok") ? "✓"
				    : !strcmp(pair_class(r.status), "na") ? "" : "⚠");
		if (r.ch.n) {
			fputs("<ul>", out);
			for (size_t c = 0; c < r.ch.n; c++) {
				sb_reset(sb);
				ks_change_line(&r.ch.v[c], sb);
				fputs("<li><code>", out);
				ks_html_esc(out, sb->buf);
				fputs("</code></li>", out);
			}
			fputs("</ul>", out);
		}
		fputs("</li>\n", out);
		ks_changes_free(&r.ch);
	}
	fputs("</ul>\n", out);
	return ret;
}

/*
 * The page: a heading, a table of contents of the groups, then per group (a
 * collapsible section) each image's definition and the group's pairs. Anchors are
 * stable: g-GROUP for a group, i-GROUP-LABEL for an image in it.
 */
int page_html(FILE *out, const struct ks_page *p, json_t **parsed)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;

	sb_init(&sb);
	if (!p->fragment) {
		fputs("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width\"><title>",
		      out);
		ks_html_esc(out, p->kind);
		fputc(' ', out);
		ks_html_esc(out, p->name);
		fprintf(out, "</title><style>%s</style></head><body><main>\n", ks_html_css);
	}
	if (p->sum)
		for (size_t i = 0; i < p->imgs->n; i++)
			p->sum->img[i] = img_bits(p, i, parsed[i]);
	fputs("<h1><span class=\"kind\">", out);
	ks_html_esc(out, p->kind);
	fputs("</span> ", out);
	ks_html_esc(out, p->name);
	fputs("</h1>\n<nav class=\"toc\">", out);
	for (size_t gi = 0; gi < p->groups->n; gi++) {
		const struct ks_group *g = &p->groups->v[gi];

		if (!page_group_shown(p, g))
			continue;
		sb_reset(&sb);
		ks_html_anchor(&sb, g->name);
		fputs("<a href=\"#g-", out);
		fputs(sb.buf, out);
		fputs("\">", out);
		ks_html_esc(out, g->name);
		fputs("</a> ", out);
	}
	fputs("</nav>\n", out);
	for (size_t gi = 0; gi < p->groups->n && !ret; gi++) {
		const struct ks_group *g = &p->groups->v[gi];

		if (!page_group_shown(p, g))
			continue;
		fputs("<section", out);
		anchor_attr(out, "g-", g->name, NULL);
		fputs("><details open><summary><h2>", out);
		ks_html_esc(out, g->name);
		fprintf(out, "</h2> <span class=\"pairing\">%s</span></summary>\n",
			ks_pairing_name(g->pairing));
		for (size_t k = 0; k < g->n; k++)
			html_image(out, p, g, k, parsed, &sb);
		ret = html_pairs(out, p, g, gi, &sb);
		fputs("</details></section>\n", out);
	}
	if (!p->fragment)
		fputs("</main></body></html>\n", out);
	sb_release(&sb);
	return ret;
}
