/* SPDX-License-Identifier: MIT */
/* programs.html: saved `ksurf check` results as program × kernel and dependency × kernel grids. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "report/site.h"
#include "util/strbuf.h"

static const char *level_class(const char *level)
{
	if (!level)
		return "na";
	if (!strcmp(level, "ok"))
		return "ok";
	if (!strcmp(level, "info"))
		return "info";
	if (!strcmp(level, "warning"))
		return "warn";
	return "err";
}

static const char *level_sym(const char *level)
{
	if (!level)
		return "";
	if (!strcmp(level, "ok"))
		return "✓";
	if (!strcmp(level, "info"))
		return "i";
	if (!strcmp(level, "warning"))
		return "!";
	return "✗";
}

/* The cell of image `name` in an array of {"image": ..., "level": ...}. */
static json_t *cell_of(json_t *cells, const char *name)
{
	json_t *c;
	size_t i;

	json_array_foreach(cells, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "image")) ?: "", name))
			return c;
	return NULL;
}

/* An image's short label as the site's groups give it (check's own labels are
 * numbers when no group was asked for), else check's. */
static const char *short_label(const struct ks_site_doc *d, json_t *im)
{
	const char *name = json_string_value(json_object_get(im, "name"));

	for (size_t gi = 0; name && gi < d->groups->n; gi++)
		for (size_t k = 0; k < d->groups->v[gi].n; k++)
			if (!strcmp(d->imgs->v[d->groups->v[gi].m[k].img].ident.name, name))
				return d->groups->v[gi].m[k].label;
	return json_string_value(json_object_get(im, "label"));
}

static void head_row(FILE *out, const struct ks_site_doc *d, json_t *images, const char *first)
{
	json_t *im;
	size_t i;

	fputs("<thead><tr><th>", out);
	fputs(first, out);
	fputs("</th>", out);
	json_array_foreach(images, i, im) {
		fputs("<th class=\"c\" title=\"", out);
		ks_html_esc(out, json_string_value(json_object_get(im, "name")));
		fputs("\">", out);
		ks_html_esc(out, short_label(d, im));
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n", out);
}

static void cells_row(FILE *out, json_t *images, json_t *cells)
{
	json_t *im;
	size_t i;

	json_array_foreach(images, i, im) {
		json_t *c = cell_of(cells, json_string_value(json_object_get(im, "name")) ?: "");
		const char *level = json_string_value(json_object_get(c, "level"));
		const char *verdict = json_string_value(json_object_get(c, "verdict"));
		const char *detail = json_string_value(json_object_get(c, "detail"));

		fprintf(out, "<td class=\"c %s\" title=\"", level_class(level));
		ks_html_esc(out, verdict ? verdict : level ? level : "not checked");
		if (detail) {
			fputs(": ", out);
			ks_html_esc(out, detail);
		}
		fprintf(out, "\">%s</td>", level_sym(level));
	}
}

static void object_grids(FILE *out, const struct ks_site_doc *d, json_t *res, const char *when)
{
	json_t *images = json_object_get(res, "images"), *obj = json_object_get(res, "object");
	json_t *p, *dep;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	sb_init(&sb);
	ks_html_anchor(&sb, json_string_value(json_object_get(obj, "object")) ?: "object");
	fprintf(out, "<section><h2 id=\"o-%s\"><code>", sb.buf);
	ks_html_esc(out, json_string_value(json_object_get(obj, "object")));
	fputs("</code></h2>\n<p class=\"note\">Checked ", out);
	ks_html_esc(out, when);
	fputs(", worst: ", out);
	ks_html_esc(out, json_string_value(json_object_get(obj, "worst")));
	fputs(".</p>\n<div class=\"scroll\"><table class=\"check\">", out);
	head_row(out, d, images, "program");
	fputs("<tbody>\n", out);
	json_array_foreach(json_object_get(obj, "programs"), i, p) {
		if (json_is_true(json_object_get(p, "subprogram")))
			continue;
		fputs("<tr><td class=\"d\" title=\"", out);
		ks_html_esc(out, json_string_value(json_object_get(p, "section")));
		fputs("\">", out);
		ks_html_esc(out, json_string_value(json_object_get(p, "name")));
		fputs("</td>", out);
		cells_row(out, images, json_object_get(p, "images"));
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div>\n<details><summary>Every dependency</summary>\n"
	      "<div class=\"scroll\"><table class=\"check\">",
	      out);
	head_row(out, d, images, "dependency");
	fputs("<tbody>\n", out);
	json_array_foreach(json_object_get(obj, "dependencies"), i, dep) {
		const char *kind = json_string_value(json_object_get(dep, "item_kind"));
		const char *name = json_string_value(json_object_get(dep, "name"));

		fputs("<tr><td class=\"d\">", out);
		ks_html_esc(out, json_string_value(json_object_get(dep, "kind")));
		fputc(' ', out);
		sb_reset(&sb);
		if (kind && name && d->link && d->link(d->link_ctx, kind, name, &sb)) {
			fputs("<a href=\"", out);
			ks_html_esc(out, sb.buf);
			fputs("\">", out);
			ks_html_esc(out, name);
			fputs("</a>", out);
		} else {
			ks_html_esc(out, name);
		}
		fputs("</td>", out);
		cells_row(out, images, json_object_get(dep, "cells"));
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div></details></section>\n", out);
	sb_release(&sb);
}

int ks_site_write_checks(struct ks_site *s, const struct ks_site_doc *d)
{
	struct ks_site_page pg;
	FILE *out;

	if (!d->nchecks)
		return 0;
	out = ks_site_page_open(&pg);
	ks_site_head(out, d, "Programs", 0, NULL);
	fputs("<h1>Programs</h1>\n<p>The eBPF objects checked with <code>ksurf check --save</code>: "
	      "each program against each kernel image (✓ ok, i relocated or otherwise noted, ! "
	      "warning, ✗ will not load or attach; hover a cell for the reason), then every "
	      "dependency.</p>\n",
	      out);
	for (size_t k = 0; k < d->nchecks; k++)
		object_grids(out, d, d->checks[k], d->check_times[k]);
	ks_site_foot(out, d);
	return ks_site_page_put(s, &pg, "programs.html");
}
