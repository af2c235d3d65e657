/* SPDX-License-Identifier: MIT */
/* The site's shared pages: the shell, home (search), each kind's index and its data. */
#include <jansson.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "report/report.h"
#include "report/site.h"
#include "util/err.h"
#include "util/strbuf.h"

static void up(FILE *out, int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("../", out);
}

/*
 * The bar: home, the kinds' indexes (only the page's own kind on item pages, to keep
 * the 100,000 of them small), the summary, the search box.
 */
void ks_site_head(FILE *out, const struct ks_site_doc *d, const char *title, int depth,
		  const char *kind)
{
	fputs("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>",
	      out);
	ks_html_esc(out, title);
	fputs(" · ksurf</title><link rel=\"stylesheet\" href=\"", out);
	up(out, depth);
	fputs("ksurf.css\"><script src=\"", out);
	up(out, depth);
	fputs("ksurf.js\"></script></head>\n<body data-root=\"", out);
	up(out, depth);
	fputs("\"><header class=\"bar\"><div><a class=\"home\" href=\"", out);
	up(out, depth);
	fputs("index.html\">ksurf</a>", out);
	for (size_t k = 0; k < d->nkinds; k++) {
		const char *name = d->items->kinds[d->kinds[k]];

		if (kind && strcmp(kind, name))
			continue;
		fputs("<a href=\"", out);
		up(out, depth);
		ks_html_esc(out, name);
		fputs(".html\">", out);
		fputs(kind ? "every " : "", out);
		ks_html_esc(out, name);
		fputs("</a>", out);
	}
	fputs("<a href=\"", out);
	up(out, depth);
	fputs("summary.html\">summary</a>", out);
	if (d->nchecks && !kind) { /* not on item pages: a check run rewrites none of them */
		fputs("<a href=\"", out);
		up(out, depth);
		fputs("programs.html\">programs</a>", out);
	}
	fputs("<form action=\"", out);
	up(out, depth);
	fputs("index.html\" method=\"get\" role=\"search\"><input type=\"search\" name=\"q\" "
	      "placeholder=\"Search every item…\" aria-label=\"Search every item\"></form></div>"
	      "</header>\n<main>\n",
	      out);
}

void ks_site_foot(FILE *out, const struct ks_site_doc *d)
{
	fprintf(out, "<footer>Written by <code>ksurf site</code> from %zu image%s",
		d->imgs->n, d->imgs->n == 1 ? "" : "s");
	if (d->dataset) {
		fputs(" of <code>", out);
		ks_html_esc(out, d->dataset);
		fputs("</code>", out);
	}
	fputs(".</footer>\n</main>\n</body></html>\n", out);
}

FILE *ks_site_page_open(struct ks_site_page *p)
{
	memset(p, 0, sizeof(*p));
	p->f = open_memstream(&p->buf, &p->len);
	if (!p->f)
		abort();
	__fsetlocking(p->f, FSETLOCKING_BYCALLER); /* one thread writes it */
	return p->f;
}

int ks_site_page_put(struct ks_site *s, struct ks_site_page *p, const char *path)
{
	int ret;

	if (fclose(p->f))
		abort();
	ret = path ? ks_site_put(s, path, p->buf, p->len) : 0;
	free(p->buf);
	return ret;
}

static int cmp_item_name(const void *a, const void *b, void *items)
{
	return strcmp(ks_item_table_name(items, *(const uint32_t *)a),
		      ks_item_table_name(items, *(const uint32_t *)b));
}

/* The items of kind k with a page, sorted by name (byte order), so the data files and
 * the indexes read the same whatever order the images were added in. */
static uint32_t *kind_items(const struct ks_site_doc *d, uint32_t k, size_t *n)
{
	uint32_t *v = malloc((d->items->n + 1) * sizeof(*v));

	if (!v)
		abort();
	*n = 0;
	for (size_t i = 0; i < d->items->n; i++)
		if (d->items->kind[i] == k && d->present[i])
			v[(*n)++] = (uint32_t)i;
	qsort_r(v, *n, sizeof(*v), cmp_item_name, (void *)d->items);
	return v;
}

/* Items of kind k with a page. */
static size_t kind_count(const struct ks_site_doc *d, uint32_t k)
{
	size_t n = 0;

	for (size_t i = 0; i < d->items->n; i++)
		n += d->items->kind[i] == k && d->present[i];
	return n;
}

static void images_table(FILE *out, const struct ks_site_doc *d)
{
	fputs("<div class=\"scroll\"><table><thead><tr><th>image</th><th>version</th><th>flavor</th>"
	      "<th>arch</th><th>BTF types</th><th>items</th><th>symbols</th><th>modules</th>"
	      "</tr></thead><tbody>\n",
	      out);
	for (size_t i = 0; i < d->imgs->n; i++) {
		const struct ks_image_row *r = &d->imgs->v[i];

		fputs("<tr><td class=\"name\">", out);
		ks_html_esc(out, r->ident.name);
		fputs("</td><td>", out);
		ks_html_esc(out, r->ident.version);
		fputs("</td><td>", out);
		ks_html_esc(out, r->ident.flavor);
		fputs("</td><td>", out);
		ks_html_esc(out, r->ident.arch);
		fprintf(out, "</td><td class=\"n\">%lld%s</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>",
			(long long)r->btf_types, ks_image_types_from_dwarf(r) ? " (from DWARF)" : "",
			(long long)r->nitems, (long long)r->nsyms);
		if (r->modules >= 0)
			fprintf(out, "<td class=\"n\">%lld</td></tr>\n", (long long)r->modules);
		else
			fputs("<td class=\"na\">not ingested</td></tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
}

static void groups_list(FILE *out, const struct ks_site_doc *d)
{
	fputs("<ul>\n", out);
	for (size_t gi = 0; gi < d->groups->n; gi++) {
		const struct ks_group *g = &d->groups->v[gi];
		struct strbuf sb = STRBUF_INIT;

		sb_init(&sb);
		ks_html_anchor(&sb, g->name);
		fprintf(out, "<li><a href=\"summary.html#s-%s\">", sb.buf);
		ks_html_esc(out, g->name);
		fprintf(out, "</a> <span class=\"pairing\">%s</span>: ", ks_pairing_name(g->pairing));
		for (size_t k = 0; k < g->n; k++) {
			if (k)
				fputs(g->pairing == KS_PAIRING_VERSION ? " → " : k == 1 ? " vs " : ", ", out);
			ks_html_esc(out, g->m[k].label);
		}
		fputs("</li>\n", out);
		sb_release(&sb);
	}
	fputs("</ul>\n", out);
}

static int write_home(struct ks_site *s, const struct ks_site_doc *d)
{
	struct ks_site_page p;
	FILE *out = ks_site_page_open(&p);

	ks_site_head(out, d, "Dependency surface", 0, NULL);
	fputs("<h1>Dependency surface</h1>\n<p>Every item eBPF programs depend on, in each kernel "
	      "image of the dataset, and what changed between images.</p>\n"
	      "<form class=\"controls\" onsubmit=\"return false\"><input type=\"search\" id=\"q\" "
	      "placeholder=\"Search: words, or /regex/\" aria-label=\"Search\" autofocus>"
	      "<span id=\"count\" class=\"note\"></span></form>\n<ul id=\"results\"></ul>\n"
	      "<h2>Kinds</h2>\n<ul>\n",
	      out);
	for (size_t k = 0; k < d->nkinds; k++) {
		const char *kind = d->items->kinds[d->kinds[k]];

		fputs("<li><a href=\"", out);
		ks_html_esc(out, kind);
		fputs(".html\">", out);
		ks_html_esc(out, kind);
		fprintf(out, "</a>: %zu items</li>\n", kind_count(d, d->kinds[k]));
	}
	fputs("</ul>\n<p><a href=\"summary.html\">Summary</a>: what changed in each group, "
	      "as tables and plots.</p>\n",
	      out);
	if (d->nchecks)
		fprintf(out, "<p><a href=\"programs.html\">Programs</a>: %zu eBPF object%s checked "
			     "against the images.</p>\n",
			d->nchecks, d->nchecks == 1 ? "" : "s");
	fputs("<h2>Groups</h2>\n", out);
	groups_list(out, d);
	fputs("<h2>Images</h2>\n", out);
	images_table(out, d);
	fputs("<script src=\"search.js\"></script>\n", out);
	ks_site_foot(out, d);
	return ks_site_page_put(s, &p, "index.html");
}

static int write_search(struct ks_site *s, const struct ks_site_doc *d)
{
	json_t *root = json_object(), *kinds = json_array(), *names = json_array();
	struct strbuf sb = STRBUF_INIT;
	char *js;
	int ret;

	sb_init(&sb);
	for (size_t k = 0; k < d->nkinds; k++) {
		uint32_t kind = d->kinds[k];

		size_t n;
		uint32_t *v = kind_items(d, kind, &n);

		sb_reset(&sb);
		for (size_t j = 0; j < n; j++) {
			sb_add(&sb, ks_item_table_name(d->items, v[j]));
			sb_addc(&sb, '\n');
		}
		free(v);
		json_array_append_new(kinds, json_string(d->items->kinds[kind]));
		json_array_append_new(names, json_stringn(sb.buf, sb.len));
	}
	json_object_set_new(root, "kinds", kinds);
	json_object_set_new(root, "names", names);
	js = json_dumps(root, JSON_COMPACT);
	sb_reset(&sb);
	sb_addf(&sb, "ksurf_search(%s);\n", js ? js : "{}");
	ret = ks_site_put(s, "search.js", sb.buf, sb.len);
	free(js);
	json_decref(root);
	sb_release(&sb);
	return ret;
}

/* data/KIND.js: the kind's rows — name, two hex digits of KS_IMG_* bits per image, one
 * '0'/'1' per group (changed) — with the images and groups the columns are. */
static int write_data(struct ks_site *s, const struct ks_site_doc *d, uint32_t kind)
{
	json_t *root = json_object(), *imgs = json_array(), *groups = json_array();
	size_t ni = d->imgs->n, ng = d->groups->n, nrows;
	uint32_t *rows;
	struct strbuf sb = STRBUF_INIT;
	char *js;
	int ret;

	sb_init(&sb);
	for (size_t i = 0; i < ni; i++) {
		json_t *o = json_object();
		const char *label = d->imgs->v[i].ident.name;

		json_object_set_new(o, "name", json_string(d->imgs->v[i].ident.name));
		/* the label of the first group that has the image ("7.2", "cloud-amd64") */
		for (size_t gi = ng; gi-- > 0;)
			for (size_t k = 0; k < d->groups->v[gi].n; k++)
				if (d->groups->v[gi].m[k].img == i)
					label = d->groups->v[gi].m[k].label;
		json_object_set_new(o, "label", json_string(label));
		json_array_append_new(imgs, o);
	}
	for (size_t gi = 0; gi < ng; gi++) {
		const struct ks_group *g = &d->groups->v[gi];
		json_t *o = json_object(), *m = json_array();

		json_object_set_new(o, "name", json_string(g->name));
		json_object_set_new(o, "pairing", json_string(ks_pairing_name(g->pairing)));
		for (size_t k = 0; k < g->n; k++)
			json_array_append_new(m, json_integer((json_int_t)g->m[k].img));
		json_object_set_new(o, "members", m);
		json_array_append_new(groups, o);
	}
	rows = kind_items(d, kind, &nrows);
	for (size_t j = 0; j < nrows; j++) {
		size_t it = rows[j];

		sb_add(&sb, ks_item_table_name(d->items, it));
		sb_addc(&sb, '\t');
		for (size_t i = 0; i < ni; i++)
			sb_addf(&sb, "%02x", d->img_bits[it * ni + i]);
		sb_addc(&sb, '\t');
		for (size_t gi = 0; gi < ng; gi++)
			sb_addc(&sb, d->group_changed[it * ng + gi] ? '1' : '0');
		sb_addc(&sb, '\n');
	}
	free(rows);
	json_object_set_new(root, "kind", json_string(d->items->kinds[kind]));
	json_object_set_new(root, "images", imgs);
	json_object_set_new(root, "groups", groups);
	json_object_set_new(root, "rows", json_stringn(sb.buf, sb.len));
	js = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	sb_reset(&sb);
	sb_addf(&sb, "ksurf_data(%s);\n", js ? js : "{}");
	{
		struct strbuf path = STRBUF_INIT;

		sb_init(&path);
		sb_addf(&path, "data/%s.js", d->items->kinds[kind]);
		ret = ks_site_put(s, path.buf, sb.buf, sb.len);
		sb_release(&path);
	}
	free(js);
	json_decref(root);
	sb_release(&sb);
	return ret;
}

static int write_kind_index(struct ks_site *s, const struct ks_site_doc *d, uint32_t kind)
{
	const char *name = d->items->kinds[kind];
	struct strbuf path = STRBUF_INIT;
	struct ks_site_page p;
	FILE *out = ks_site_page_open(&p);
	int ret;

	sb_init(&path);
	ks_site_head(out, d, name, 0, NULL);
	fputs("<h1><span class=\"kind\">every</span> ", out);
	ks_html_esc(out, name);
	fprintf(out, "</h1>\n<p>%zu items. A cell is the item in an image, or across a group's images.</p>\n",
		kind_count(d, kind));
	fputs("<div class=\"controls\"><input type=\"text\" id=\"filter\" placeholder=\"Filter: words, "
	      "or /regex/\" aria-label=\"Filter names\"><label>Show <select id=\"show\">"
	      "<option value=\"all\">all</option><option value=\"changed\">changed in a group</option>"
	      "<option value=\"absent\">absent somewhere</option><option value=\"everywhere\">present "
	      "everywhere</option><option value=\"words\">with status words</option></select></label><label>Columns <select id=\"cols\">"
	      "<option value=\"groups\">groups</option><option value=\"images\">images</option>"
	      "</select></label><span class=\"pager\"><button id=\"prev\">←</button> <span "
	      "id=\"info\"></span> <button id=\"next\">→</button></span></div>\n"
	      "<p class=\"legend note\"><span class=\"ok\">✓ present, unchanged</span> <span "
	      "class=\"warn\">Δ changed</span> <span class=\"err\">✗ absent</span> <span class=\"na\">? "
	      "absent from vmlinux, modules not ingested</span> <span class=\"warn\">F fully "
	      "inlined</span> <span class=\"warn\">S selectively inlined</span> <span class=\"warn\">T "
	      "transformed</span> <span class=\"warn\">D duplicate</span> <span class=\"warn\">C "
	      "collision</span> <span>(click a heading to sort)</span></p>\n"
	      "<div class=\"scroll rows\"><table id=\"table\"></table></div>\n<div id=\"index\"></div>\n"
	      "<noscript>This index needs JavaScript; every page is in the folder of its kind.</noscript>\n"
	      "<script src=\"data/",
	      out);
	ks_html_esc(out, name);
	fputs(".js\"></script>\n", out);
	ks_site_foot(out, d);
	sb_addf(&path, "%s.html", name);
	ret = ks_site_page_put(s, &p, path.buf);
	sb_release(&path);
	return ret;
}

int ks_site_write_indexes(struct ks_site *s, const struct ks_site_doc *d)
{
	int ret = ks_site_put(s, "ksurf.css", ks_html_css, strlen(ks_html_css));

	if (!ret)
		ret = ks_site_put(s, "ksurf.js", ks_site_js, strlen(ks_site_js));
	if (!ret)
		ret = write_home(s, d);
	if (!ret)
		ret = write_search(s, d);
	for (size_t k = 0; k < d->nkinds && !ret; k++) {
		ret = write_data(s, d, d->kinds[k]);
		if (!ret)
			ret = write_kind_index(s, d, d->kinds[k]);
	}
	return ret;
}
