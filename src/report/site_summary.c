/* SPDX-License-Identifier: MIT */
/* summary.html: every group's diff table with its plot, and the functions' statuses. */
#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "report/report.h"
#include "report/site.h"
#include "util/strbuf.h"

/* Plot geometry (px): label columns, bar area, row height. */
enum { KIND_W = 110, PAIR_W = 150, BAR_W = 380, NUM_W = 150, ROW_H = 18, GAP = 10 };
#define PLOT_W (KIND_W + PAIR_W + BAR_W + NUM_W)

static const char *const seg_fill[3] = {"#2da44e", "#cf222e", "#d4a72c"};
static const char *const seg_name[3] = {"added", "removed", "changed"};

static size_t seg_value(const struct ks_kind_counts *kc, int seg)
{
	return seg == 0 ? kc->added : seg == 1 ? kc->removed : kc->changed;
}

static size_t kind_total(const struct ks_kind_counts *kc)
{
	return kc->added + kc->removed + kc->changed;
}

/*
 * One group's plot: a panel per kind that changed, a horizontal bar per pair stacked
 * added / removed / changed, each panel scaled to its own largest bar (funcs count in
 * thousands, LSM hooks in ones), the numbers written next to the bars.
 */
static void group_plot(FILE *out, const struct ks_site_doc *d, const struct ks_diff_section *s)
{
	const struct ks_diff_doc *doc = d->diff;
	size_t rows = 0, panels = 0;
	double y = 24;

	for (size_t i = 0; i < doc->nkinds; i++) {
		size_t any = 0;

		for (size_t p = 0; p < s->npairs; p++)
			any += kind_total(&s->pairs[p].d->kinds[doc->kinds[i]]);
		if (any) {
			panels++;
			rows += s->npairs;
		}
	}
	if (!panels) {
		fputs("<p class=\"note\">No item changed in this group.</p>\n", out);
		return;
	}
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" height=\"%zu\" "
		     "viewBox=\"0 0 %d %zu\"><title>",
		PLOT_W, (size_t)y + rows * ROW_H + panels * GAP, PLOT_W,
		(size_t)y + rows * ROW_H + panels * GAP);
	ks_html_esc(out, s->group ? s->group : "pair");
	fputs(": items added, removed and changed per pair and kind</title>\n", out);
	for (int seg = 0; seg < 3; seg++)
		fprintf(out, "<rect x=\"%d\" y=\"4\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" "
			     "y=\"14\">%s</text>\n",
			KIND_W + PAIR_W + seg * 90, seg_fill[seg], KIND_W + PAIR_W + seg * 90 + 16,
			seg_name[seg]);
	for (size_t i = 0; i < doc->nkinds; i++) {
		uint32_t k = doc->kinds[i];
		size_t max = 0;

		for (size_t p = 0; p < s->npairs; p++)
			if (kind_total(&s->pairs[p].d->kinds[k]) > max)
				max = kind_total(&s->pairs[p].d->kinds[k]);
		if (!max)
			continue;
		fprintf(out, "<text x=\"0\" y=\"%.0f\" font-weight=\"bold\">", y + 13);
		ks_html_esc(out, doc->items->kinds[k]);
		fputs("</text>\n", out);
		for (size_t p = 0; p < s->npairs; p++) {
			const struct ks_kind_counts *kc = &s->pairs[p].d->kinds[k];
			double x = KIND_W + PAIR_W;

			fprintf(out, "<text x=\"%d\" y=\"%.0f\">", KIND_W, y + 13);
			ks_html_esc(out, s->pairs[p].from_label);
			fputs(" → ", out);
			ks_html_esc(out, s->pairs[p].to_label);
			fputs("</text>", out);
			for (int seg = 0; seg < 3; seg++) {
				double w = (double)BAR_W * (double)seg_value(kc, seg) / (double)max;

				if (w <= 0)
					continue;
				fprintf(out, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
					     "<title>%zu %s</title></rect>",
					x, y + 2, w < 1 ? 1 : w, ROW_H - 4, seg_fill[seg], seg_value(kc, seg),
					seg_name[seg]);
				x += w;
			}
			fprintf(out, "<text x=\"%.1f\" y=\"%.0f\">+%zu −%zu ~%zu</text>\n", x + 6, y + 13,
				kc->added, kc->removed, kc->changed);
			y += ROW_H;
		}
		y += GAP;
	}
	fputs("</svg>\n", out);
}

/* Function statuses, in the order the bars stack them. */
static const char *const fs_name[] = {"not inlined", "transformed", "selectively inlined",
				      "fully inlined", "duplicate or collision"};
static const char *const fs_fill[] = {"#8c959f", "#218bff", "#d4a72c", "#cf222e", "#8250df"};
enum { FS_N = 5 };

static int func_status(unsigned char b)
{
	if (b & (KS_IMG_DUPLICATE | KS_IMG_COLLISION))
		return 4;
	if (b & KS_IMG_FULL_INLINE)
		return 3;
	if (b & KS_IMG_SELECTIVE_INLINE)
		return 2;
	return b & KS_IMG_TRANSFORMED ? 1 : 0;
}

/* The share of functions by status per image: one 100 % bar per image. */
static void func_plot(FILE *out, const struct ks_site_doc *d)
{
	size_t ni = d->imgs->n, (*count)[FS_N] = calloc(ni + 1, sizeof(*count));
	long fk = -1;
	const int lw = 260, bw = 420, h = 20;

	if (!count)
		abort();
	for (size_t k = 0; k < d->items->nkinds; k++)
		if (!strcmp(d->items->kinds[k], "func"))
			fk = (long)k;
	if (fk < 0 || !ni) {
		free(count);
		return;
	}
	for (size_t it = 0; it < d->items->n; it++) {
		if (d->items->kind[it] != (uint32_t)fk)
			continue;
		for (size_t i = 0; i < ni; i++) {
			unsigned char b = d->img_bits[it * ni + i];

			if (b & KS_IMG_PRESENT)
				count[i][func_status(b)]++;
		}
	}
	fputs("<h2 id=\"funcs\">Functions by status</h2>\n<p>The share of each image's functions "
	      "that are inlined (from DWARF, where the image has it), transformed (only suffixed "
	      "symbols such as <code>.isra.0</code>), duplicated or colliding.</p>\n",
	      out);
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" height=\"%zu\" "
		     "viewBox=\"0 0 %d %zu\"><title>Share of functions by status per image</title>\n",
		lw + bw + 10, 30 + ni * h, lw + bw + 10, 30 + ni * h);
	for (int sIdx = 0; sIdx < FS_N; sIdx++)
		fprintf(out, "<rect x=\"%d\" y=\"4\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" "
			     "y=\"14\">%s</text>\n",
			sIdx * 150, fs_fill[sIdx], sIdx * 150 + 16, fs_name[sIdx]);
	for (size_t i = 0; i < ni; i++) {
		size_t total = 0;
		double x = lw, y = 28 + (double)(i * h);

		for (int sIdx = 0; sIdx < FS_N; sIdx++)
			total += count[i][sIdx];
		fprintf(out, "<text x=\"0\" y=\"%.0f\">", y + 13);
		ks_html_esc(out, d->imgs->v[i].ident.name);
		fputs("</text>", out);
		for (int sIdx = 0; sIdx < FS_N && total; sIdx++) {
			double w = (double)bw * (double)count[i][sIdx] / (double)total;

			if (!count[i][sIdx])
				continue;
			fprintf(out, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
				     "<title>%s: %zu of %zu (%.1f %%)</title></rect>",
				x, y + 2, w, h - 4, fs_fill[sIdx], fs_name[sIdx], count[i][sIdx], total,
				100.0 * (double)count[i][sIdx] / (double)total);
			x += w;
		}
		fputc('\n', out);
	}
	fputs("</svg>\n<div class=\"scroll\"><table><thead><tr><th>image</th>", out);
	for (int sIdx = 0; sIdx < FS_N; sIdx++)
		fprintf(out, "<th>%s</th>", fs_name[sIdx]);
	fputs("</tr></thead><tbody>\n", out);
	for (size_t i = 0; i < ni; i++) {
		size_t total = 0;

		for (int sIdx = 0; sIdx < FS_N; sIdx++)
			total += count[i][sIdx];
		fputs("<tr><td class=\"name\">", out);
		ks_html_esc(out, d->imgs->v[i].ident.name);
		fputs("</td>", out);
		for (int sIdx = 0; sIdx < FS_N; sIdx++)
			fprintf(out, "<td class=\"n\">%zu (%.1f %%)</td>", count[i][sIdx],
				total ? 100.0 * (double)count[i][sIdx] / (double)total : 0.0);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
	free(count);
}

int ks_site_write_summary(struct ks_site *s, const struct ks_site_doc *d)
{
	struct ks_site_page pg;
	FILE *out = ks_site_page_open(&pg);

	ks_site_head(out, d, "Summary", 0, NULL);
	fputs("<h1>Summary</h1>\n<p>For each group, per pair: the items of each kind in the old and "
	      "the new image, added, removed and changed, and the changed items per change type "
	      "(as <code>ksurf diff --group</code> prints them), with a plot of the three. "
	      "Then the functions of each image by status.</p>\n<nav class=\"toc\">",
	      out);
	for (size_t si = 0; si < d->diff->nsections; si++) {
		struct strbuf sb = STRBUF_INIT;
		const char *g = d->diff->sections[si].group;

		sb_init(&sb);
		ks_html_anchor(&sb, g ? g : "Pair");
		fprintf(out, "<a href=\"#s-%s\">", sb.buf);
		ks_html_esc(out, g ? g : "Pair");
		fputs("</a> ", out);
		sb_release(&sb);
	}
	fputs("<a href=\"#funcs\">Functions by status</a></nav>\n", out);
	for (size_t si = 0; si < d->diff->nsections; si++) {
		struct ks_diff_doc one = *d->diff;

		one.sections = &d->diff->sections[si];
		one.nsections = 1;
		one.summary = 1;
		one.fragment = 1;
		const struct ks_diff_section *sec = &d->diff->sections[si];
		struct strbuf sb = STRBUF_INIT;

		/* the picture, then the numbers */
		sb_init(&sb);
		ks_html_anchor(&sb, sec->group ? sec->group : "Pair");
		fprintf(out, "<section><h2 id=\"s-%s\">", sb.buf);
		ks_html_esc(out, sec->group ? sec->group : "Pair");
		fprintf(out, "</h2>\n<p class=\"pairing\">%s group</p>\n",
			sec->pairing ? sec->pairing : "");
		group_plot(out, d, sec);
		one.no_heading = 1;
		ks_report_diff(out, &one, KS_FMT_HTML, NULL);
		fputs("</section>\n", out);
		sb_release(&sb);
	}
	if (!d->diff->nsections)
		fputs("<p class=\"note\">No group has two images: nothing to compare.</p>\n", out);
	func_plot(out, d);
	ks_site_foot(out, d);
	return ks_site_page_put(s, &pg, "summary.html");
}
