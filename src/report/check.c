/* SPDX-License-Identifier: MIT */
/* `ksurf check` reports: text, Markdown, JSON and HTML (see check.h). */
#include <bpf/btf.h>
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "prog/secdef.h"
#include "report/check.h"
#include "report/html.h"
#include "util/strbuf.h"

static const char *cell_sym(const struct ks_cell *c)
{
	switch (c->level) {
	case KS_LVL_OK:
		return "✓";
	case KS_LVL_INFO:
		if (!strcmp(c->word, "guarded") || !strcmp(c->word, "absent, tested"))
			return "g";
		if (!strcmp(c->word, "unknown") || !strcmp(c->word, "unverified"))
			return "?";
		return "~";
	case KS_LVL_WARN:
		return "!";
	default:
		return "✗";
	}
}

static void dep_title(const struct ks_dep *d, struct strbuf *sb)
{
	switch (d->kind) {
	case KS_DEP_ATTACH:
		sb_addf(sb, "%s %s (%s)", d->item_kind, d->name, d->via ? d->via : "");
		break;
	case KS_DEP_RELO:
		sb_addf(sb, "%s (%s)", d->name, d->via ? d->via : "");
		break;
	case KS_DEP_MAP_TYPE:
		sb_addf(sb, "map_type %s", d->name);
		break;
	default:
		sb_addf(sb, "%s %s%s", ks_dep_kind_name(d->kind), d->name,
			d->weak ? " (weak)" : "");
	}
}

/* Display width of UTF-8 text (every code point one column). */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* A matrix row's first column: a Markdown cell, or the label padded (or cut) to w. */
static void row_label(FILE *out, int md, size_t w, const char *label)
{
	if (md)
		fprintf(out, "| `%s` |", label);
	else if (width(label) > w)
		fprintf(out, "%.*s…", (int)w - 1, label);
	else
		fprintf(out, "%s%*s", label, (int)(w - width(label)), "");
}

static const char *level_color(const struct ks_style *st, enum ks_level l)
{
	return l == KS_LVL_ERROR  ? st->red
	       : l == KS_LVL_WARN ? st->yellow
	       : l == KS_LVL_OK	  ? st->green
				  : "";
}

static void obj_header(FILE *out, const struct ks_check *c, int md)
{
	const struct ks_bpf_obj *o = c->obj;
	size_t nprogs = 0;

	for (size_t i = 0; i < o->nprogs; i++)
		nprogs += !o->progs[i].subprog;
	fprintf(out, md ? "## %s\n\n" : "%s\n", o->label);
	fprintf(out, "%zu program%s, %zu CO-RE relocation%s, %zu dependenc%s; license %s\n\n",
		nprogs, nprogs == 1 ? "" : "s", o->nrelos, o->nrelos == 1 ? "" : "s", c->ndeps,
		c->ndeps == 1 ? "y" : "ies", o->license && *o->license ? o->license : "none");
}

static void text_report(FILE *out, const struct ks_check_report *r, int md,
			const struct ks_style *st)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t k = 0; k < r->nchecks; k++) {
		const struct ks_check *c = &r->checks[k];
		size_t w = 10;

		obj_header(out, c, md);
		for (size_t d = 0; d < c->ndeps; d++) {
			sb_reset(&sb);
			dep_title(&c->deps[d], &sb);
			if (width(sb.buf) > w)
				w = width(sb.buf);
		}
		if (w > 70)
			w = 70;
		if (md) {
			fprintf(out, "| dependency |");
			for (size_t i = 0; i < r->nimages; i++)
				fprintf(out, " %s |", r->labels[i]);
			fprintf(out, "\n|---|");
			for (size_t i = 0; i < r->nimages; i++)
				fprintf(out, ":-:|");
			fputc('\n', out);
		} else {
			fprintf(out, "%*s", (int)w, "");
			for (size_t i = 0; i < r->nimages; i++)
				fprintf(out, " %s", r->labels[i]);
			fputc('\n', out);
		}
		for (size_t d = 0; d < c->ndeps; d++) {
			sb_reset(&sb);
			dep_title(&c->deps[d], &sb);
			row_label(out, md, w, sb.buf);
			for (size_t i = 0; i < r->nimages; i++) {
				const struct ks_cell *cell = ks_check_cell(c, d, i);
				size_t lw = width(r->labels[i]);

				if (md)
					fprintf(out, " %s |", cell_sym(cell));
				else
					fprintf(out, " %*s%s%s%s", (int)(lw > 1 ? lw - 1 : 0), "",
						level_color(st, cell->level), cell_sym(cell),
						st->reset);
			}
			fputc('\n', out);
		}
		fprintf(
		    out,
		    "%s✓ ok  ~ relocated (other offset or size)  g absent but guarded  ? unknown  "
		    "! warning  ✗ error\n\n",
		    md ? "\n" : "");
		/* details of every cell that is not ok */
		for (size_t d = 0; d < c->ndeps; d++) {
			int head = 0;

			for (size_t i = 0; i < r->nimages; i++) {
				const struct ks_cell *cell = ks_check_cell(c, d, i);

				if (cell->level == KS_LVL_OK && !r->verbose)
					continue;
				if (cell->level < KS_LVL_WARN && !r->verbose &&
				    cell->level == KS_LVL_INFO && !strcmp(cell->word, "relocated"))
					continue;
				if (!head) {
					sb_reset(&sb);
					dep_title(&c->deps[d], &sb);
					fprintf(out, md ? "- **%s**" : "%s%s%s",
						md ? sb.buf : st->bold, md ? "" : sb.buf,
						md ? "" : st->reset);
					if (c->deps[d].progs)
						fprintf(out, " — used by %s", c->deps[d].progs);
					fputc('\n', out);
					head = 1;
				}
				fprintf(out, "%s%s: %s%s%s%s%s\n", md ? "  - " : "    ",
					r->labels[i], level_color(st, cell->level), cell->word,
					st->reset, cell->detail ? ". " : "",
					cell->detail ? cell->detail : "");
			}
		}
		if (r->verbose && c->obj->nrelos) {
			const struct ks_bpf_obj *o = c->obj;

			fprintf(out, "\n%sCO-RE relocations%s\n", md ? "### " : st->bold,
				md ? "" : st->reset);
			for (size_t x = 0; x < o->nrelos; x++) {
				const struct ks_bpf_relo *rl = &o->relos[x];
				const struct ks_relo_result *r0 = &c->relo_res[x * c->nimages];
				const struct ks_bpf_prog *p =
				    rl->prog < o->nprogs ? &o->progs[rl->prog] : NULL;

				fprintf(out, "%s%s relo #%zu, insn #%zu: %s %s\n", md ? "- " : "  ",
					p ? p->name : o->secs[rl->sec].name, rl->idx,
					rl->insn_off / 8 - (p ? p->off : 0),
					ks_core_kind_name(rl->kind), r0->local);
				for (size_t i = 0; i < r->nimages; i++) {
					const struct ks_relo_result *ri =
					    &c->relo_res[x * c->nimages + i];

					fprintf(out, "%s%s: %s%s\n", md ? "  - " : "      ",
						r->labels[i],
						ri->status == KS_RELO_OK ? ""
						: ri->status == KS_RELO_POISON
						    ? (c->relo_reach[x * c->nimages + i]
							   ? "missing, reachable: "
							   : "missing, unreachable: ")
						    : "refused: ",
						ri->target);
				}
			}
		}
		/* per program: does it load and attach? */
		fprintf(out, "\n%s", md ? "| program |" : "");
		if (!md)
			fprintf(out, "%-*s", (int)w, "programs");
		for (size_t i = 0; i < r->nimages; i++)
			fprintf(out, md ? " %s |" : " %s", r->labels[i]);
		fputc('\n', out);
		if (md) {
			fprintf(out, "|---|");
			for (size_t i = 0; i < r->nimages; i++)
				fprintf(out, ":-:|");
			fputc('\n', out);
		}
		for (size_t p = 0; p < c->obj->nprogs; p++) {
			const struct ks_bpf_prog *pg = &c->obj->progs[p];

			if (pg->subprog)
				continue;
			sb_reset(&sb);
			sb_addf(&sb, "%s (%s)", pg->name, pg->sec);
			row_label(out, md, w, sb.buf);
			for (size_t i = 0; i < r->nimages; i++) {
				enum ks_level l = ks_check_prog_level(c, p, i);
				const char *sym = l == KS_LVL_ERROR ? "✗" : l == KS_LVL_WARN ? "!" : "✓";
				size_t lw = width(r->labels[i]);

				if (md)
					fprintf(out, " %s |", sym);
				else
					fprintf(out, " %*s%s%s%s", (int)(lw > 1 ? lw - 1 : 0), "",
						level_color(st, l), sym, st->reset);
			}
			fputc('\n', out);
		}
		fprintf(out, "%sa program with the object-wide needs (maps, non-weak externs), the others "
			"set not to autoload\n", md ? "\n" : "");
		/* per image summary */
		fprintf(out, "\n");
		for (size_t i = 0; i < r->nimages; i++) {
			size_t n[4] = {0};

			for (size_t d = 0; d < c->ndeps; d++)
				n[ks_check_cell(c, d, i)->level]++;
			fprintf(out, "%s%s: %s%s%s", md ? "- " : "", r->names[i],
				level_color(st, n[KS_LVL_ERROR]	 ? KS_LVL_ERROR
						: n[KS_LVL_WARN] ? KS_LVL_WARN
								 : KS_LVL_OK),
				n[KS_LVL_ERROR]	 ? "fails"
				: n[KS_LVL_WARN] ? "works, with warnings"
						 : "works",
				st->reset);
			if (n[KS_LVL_ERROR] || n[KS_LVL_WARN])
				fprintf(out, " (%zu error%s, %zu warning%s)", n[KS_LVL_ERROR],
					n[KS_LVL_ERROR] == 1 ? "" : "s", n[KS_LVL_WARN],
					n[KS_LVL_WARN] == 1 ? "" : "s");
			fputc('\n', out);
		}
		if (k + 1 < r->nchecks)
			fputc('\n', out);
	}
	sb_release(&sb);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *csv_array(const char *s)
{
	json_t *a = json_array();

	while (s && *s) {
		size_t n = strcspn(s, ",");

		json_array_append_new(a, json_stringn(s, n));
		s += n + (s[n] == ',');
	}
	return a;
}

static json_t *check_json(const struct ks_check_report *r, const struct ks_check *c)
{
	const struct ks_bpf_obj *o = c->obj;
	json_t *j = json_object(), *progs = json_array(), *deps = json_array(),
	       *relos = json_array();
	json_t *sum = json_array();

	json_object_set_new(j, "object", json_string(o->label));
	json_object_set_new(j, "license", jstr(o->license));
	json_object_set_new(j, "byte_order", json_string(o->big_endian ? "big" : "little"));
	for (size_t i = 0; i < o->nprogs; i++) {
		const struct ks_bpf_prog *p = &o->progs[i];
		const char *target;
		const struct ks_secdef *sd = ks_secdef_find(p->sec, &target);
		json_t *pj = json_object();

		json_object_set_new(pj, "name", json_string(p->name));
		json_object_set_new(pj, "section", json_string(p->sec));
		json_object_set_new(pj, "subprogram", json_boolean(p->subprog));
		json_object_set_new(pj, "autoload", json_boolean(p->autoload));
		json_object_set_new(pj, "instructions", json_integer((json_int_t)p->cnt));
		json_object_set_new(pj, "prog_type",
				    jstr(sd && !p->subprog ? sd->prog_type : NULL));
		json_object_set_new(pj, "attach_target", jstr(sd && *target ? target : NULL));
		if (!p->subprog) {
			json_t *lv = json_array();

			for (size_t k = 0; k < r->nimages; k++) {
				json_t *q = json_object();

				json_object_set_new(q, "image", json_string(r->names[k]));
				json_object_set_new(q, "level",
						    json_string(ks_level_name(ks_check_prog_level(c, i, k))));
				json_array_append_new(lv, q);
			}
			json_object_set_new(pj, "images", lv);
		}
		json_array_append_new(progs, pj);
	}
	for (size_t d = 0; d < c->ndeps; d++) {
		const struct ks_dep *dp = &c->deps[d];
		json_t *dj = json_object(), *cells = json_array();

		json_object_set_new(dj, "kind", json_string(ks_dep_kind_name(dp->kind)));
		json_object_set_new(dj, "item_kind", json_string(dp->item_kind));
		json_object_set_new(dj, "name", json_string(dp->name));
		json_object_set_new(dj, "via", csv_array(dp->via));
		json_object_set_new(dj, "programs", csv_array(dp->progs));
		if (dp->kind == KS_DEP_HELPER || dp->kind == KS_DEP_MAP_TYPE)
			json_object_set_new(dj, "id", json_integer(dp->id));
		if (dp->kind == KS_DEP_KFUNC || dp->kind == KS_DEP_KSYM)
			json_object_set_new(dj, "weak", json_boolean(dp->weak));
		for (size_t i = 0; i < r->nimages; i++) {
			const struct ks_cell *cell = ks_check_cell(c, d, i);
			json_t *cj = json_object();

			json_object_set_new(cj, "image", json_string(r->names[i]));
			json_object_set_new(cj, "level", json_string(ks_level_name(cell->level)));
			json_object_set_new(cj, "verdict", json_string(cell->word));
			json_object_set_new(cj, "detail", jstr(cell->detail));
			json_array_append_new(cells, cj);
		}
		json_object_set_new(dj, "cells", cells);
		json_array_append_new(deps, dj);
	}
	for (size_t x = 0; x < o->nrelos; x++) {
		const struct ks_bpf_relo *rl = &o->relos[x];
		const struct ks_bpf_prog *p = rl->prog < o->nprogs ? &o->progs[rl->prog] : NULL;
		json_t *rj = json_object(), *res = json_array();

		json_object_set_new(rj, "section", json_string(o->secs[rl->sec].name));
		json_object_set_new(rj, "index", json_integer((json_int_t)rl->idx));
		json_object_set_new(rj, "program", jstr(p ? p->name : NULL));
		json_object_set_new(
		    rj, "insn", json_integer((json_int_t)(rl->insn_off / 8 - (p ? p->off : 0))));
		json_object_set_new(rj, "kind", json_string(ks_core_kind_name(rl->kind)));
		json_object_set_new(rj, "local", json_string(c->relo_res[x * c->nimages].local));
		for (size_t i = 0; i < r->nimages; i++) {
			const struct ks_relo_result *ri = &c->relo_res[x * c->nimages + i];
			json_t *q = json_object();

			json_object_set_new(q, "image", json_string(r->names[i]));
			json_object_set_new(q, "status",
					    json_string(ri->status == KS_RELO_OK       ? "ok"
							: ri->status == KS_RELO_POISON ? "poison"
										       : "error"));
			json_object_set_new(q, "reachable",
					    json_boolean(c->relo_reach[x * c->nimages + i]));
			json_object_set_new(q, "orig", json_integer((json_int_t)ri->orig_val));
			json_object_set_new(q, "new", json_integer((json_int_t)ri->new_val));
			json_object_set_new(q, "candidates", json_integer(ri->cands));
			json_object_set_new(q, "target", json_string(ri->target));
			json_array_append_new(res, q);
		}
		json_object_set_new(rj, "results", res);
		json_array_append_new(relos, rj);
	}
	for (size_t i = 0; i < r->nimages; i++) {
		size_t n[4] = {0};
		json_t *s = json_object();

		for (size_t d = 0; d < c->ndeps; d++)
			n[ks_check_cell(c, d, i)->level]++;
		json_object_set_new(s, "image", json_string(r->names[i]));
		json_object_set_new(s, "errors", json_integer((json_int_t)n[KS_LVL_ERROR]));
		json_object_set_new(s, "warnings", json_integer((json_int_t)n[KS_LVL_WARN]));
		json_object_set_new(s, "infos", json_integer((json_int_t)n[KS_LVL_INFO]));
		json_array_append_new(sum, s);
	}
	json_object_set_new(j, "programs", progs);
	json_object_set_new(j, "dependencies", deps);
	json_object_set_new(j, "relocations", relos);
	json_object_set_new(j, "images", sum);
	json_object_set_new(j, "worst", json_string(ks_level_name(c->worst)));
	return j;
}

static void html_report(FILE *out, const struct ks_check_report *r)
{
	static const char *const cls[] = {"ok", "info", "warn", "err"};
	struct strbuf sb = STRBUF_INIT;

	fprintf(out, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		     "<meta name=\"viewport\" content=\"width=device-width\"><title>ksurf "
		     "check</title><style>%s</style></head><body><main>\n",
		ks_html_css);
	for (size_t k = 0; k < r->nchecks; k++) {
		const struct ks_check *c = &r->checks[k];

		fputs("<h2>", out);
		ks_html_esc(out, c->obj->label);
		fputs("</h2>\n<div class=\"scroll\"><table class=\"check\"><tr><th>dependency</th>", out);
		for (size_t i = 0; i < r->nimages; i++) {
			fputs("<th title=\"", out);
			ks_html_esc(out, r->names[i]);
			fputs("\">", out);
			ks_html_esc(out, r->labels[i]);
			fputs("</th>", out);
		}
		fputs("</tr>\n", out);
		for (size_t d = 0; d < c->ndeps; d++) {
			sb_reset(&sb);
			dep_title(&c->deps[d], &sb);
			fputs("<tr><td class=\"d\">", out);
			ks_html_esc(out, sb.buf);
			fputs("</td>", out);
			for (size_t i = 0; i < r->nimages; i++) {
				const struct ks_cell *cell = ks_check_cell(c, d, i);

				fprintf(out, "<td class=\"%s\" title=\"", cls[cell->level]);
				ks_html_esc(out, cell->word);
				if (cell->detail) {
					fputs(": ", out);
					ks_html_esc(out, cell->detail);
				}
				fputs("\">", out);
				fputs(cell_sym(cell), out);
				fputs("</td>", out);
			}
			fputs("</tr>\n", out);
		}
		fputs("</table></div>\n", out);
	}
	fputs("<p>✓ ok · ~ relocated · g absent but guarded · ? unknown · ! warning · ✗ error "
	      "(hover a cell for its reason)</p></main></body></html>\n",
	      out);
	sb_release(&sb);
}

int ks_report_check(FILE *out, const struct ks_check_report *r, enum ks_format fmt,
		    const struct ks_style *st)
{
	if (fmt == KS_FMT_JSON) {
		json_t *j = json_object(), *objs = json_array(), *imgs = json_array();
		int ret;

		for (size_t i = 0; i < r->nimages; i++) {
			json_t *ij = json_object();

			json_object_set_new(ij, "name", json_string(r->names[i]));
			json_object_set_new(ij, "label", json_string(r->labels[i]));
			json_array_append_new(imgs, ij);
		}
		for (size_t k = 0; k < r->nchecks; k++)
			json_array_append_new(objs, check_json(r, &r->checks[k]));
		json_object_set_new(j, "images", imgs);
		json_object_set_new(j, "objects", objs);
		ret = ks_json_print(out, j);
		json_decref(j);
		return ret;
	}
	if (fmt == KS_FMT_HTML) {
		html_report(out, r);
		return 0;
	}
	text_report(out, r, fmt == KS_FMT_MD, st);
	return 0;
}
