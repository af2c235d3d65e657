/* SPDX-License-Identifier: MIT */
/*
 * DWARF's facts per function name (funcs_dwarf.h): the defs and edges of ks_dwarf sorted
 * by name so each func item finds its own with two offsets, and the evidence lines.
 * Name ids are in name order (ks_dwarf_read makes them so), so every order here is an
 * order of names and the defs come out the same for the same DWARF.
 */
#include "surface/funcs_dwarf.h"

#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"
#include "util/xalloc.h"

#define MAX_LISTED 5 /* callers or units named in one evidence line */

static int cmp_u32(uint32_t a, uint32_t b)
{
	return (a > b) - (a < b);
}

static int cmp_def(const void *x, const void *y)
{
	const struct ks_dwarf_def *a = x, *b = y;
	int r;

	if ((r = cmp_u32(a->name, b->name)) || (r = cmp_u32(a->file, b->file)) ||
	    (r = cmp_u32(a->line, b->line)) || (r = cmp_u32(a->external, b->external)) ||
	    (r = cmp_u32(a->unit, b->unit)))
		return r;
	return (a->addr > b->addr) - (a->addr < b->addr);
}

static int cmp_edge(const void *x, const void *y)
{
	const struct ks_dwarf_edge *a = x, *b = y;
	int r;

	if ((r = cmp_u32(a->callee, b->callee)) || (r = cmp_u32(a->kind, b->kind)))
		return r;
	return cmp_u32(a->caller, b->caller);
}

int ks_fdw_build(const struct ks_dwarf *d, struct ks_fdw *f)
{
	size_t n = d->nnames;

	memset(f, 0, sizeof(*f));
	f->d = d;
	f->defs = ks_xrealloc_array(NULL, d->ndefs + 1, sizeof(*f->defs));
	if (d->ndefs) /* d->defs is NULL without any */
		memcpy(f->defs, d->defs, d->ndefs * sizeof(*f->defs));
	qsort(f->defs, d->ndefs, sizeof(*f->defs), cmp_def);
	f->edges = ks_xrealloc_array(NULL, d->nedges + 1, sizeof(*f->edges));
	if (d->nedges)
		memcpy(f->edges, d->edges, d->nedges * sizeof(*f->edges));
	qsort(f->edges, d->nedges, sizeof(*f->edges), cmp_edge);
	f->def_at = ks_xrealloc_array(NULL, n + 1, sizeof(*f->def_at));
	f->edge_at = ks_xrealloc_array(NULL, n + 1, sizeof(*f->edge_at));
	f->items = ks_xrealloc_array(NULL, n + 1, sizeof(*f->items));
	for (size_t id = 0, i = 0, j = 0; id <= n; id++) {
		f->def_at[id] = i;
		f->edge_at[id] = j;
		while (i < d->ndefs && f->defs[i].name == id)
			i++;
		while (j < d->nedges && f->edges[j].callee == id)
			j++;
		/* an item: a definition, or code inlined somewhere */
		if (id < n && (i > f->def_at[id] || (j > f->edge_at[id] &&
						     f->edges[f->edge_at[id]].kind == KS_DWARF_INLINED)))
			f->items[f->nitems++] = (uint32_t)id;
	}
	return 0;
}

void ks_fdw_free(struct ks_fdw *f)
{
	free(f->defs);
	free(f->edges);
	free(f->def_at);
	free(f->edge_at);
	free(f->items);
	memset(f, 0, sizeof(*f));
}

/* Count the edges of kind in [b, e) and their distinct callers (edges sorted by caller). */
static void count_edges(const struct ks_dwarf_edge *v, size_t b, size_t e, uint32_t kind,
			unsigned *n, unsigned *callers)
{
	for (size_t i = b; i < e; i++) {
		if (v[i].kind != kind)
			continue;
		(*n)++;
		if (i == b || v[i - 1].kind != kind || v[i - 1].caller != v[i].caller)
			(*callers)++;
	}
}

void ks_fdw_facts(const struct ks_fdw *f, long id, struct ks_fdw_facts *o)
{
	memset(o, 0, sizeof(*o));
	if (id < 0 || (size_t)id >= f->d->nnames)
		return;
	count_edges(f->edges, f->edge_at[id], f->edge_at[id + 1], KS_DWARF_INLINED, &o->inlined,
		    &o->inline_callers);
	count_edges(f->edges, f->edge_at[id], f->edge_at[id + 1], KS_DWARF_CALL, &o->calls,
		    &o->callers);
	/* sites: runs of (file, line, external); a site without a known file is no site */
	for (size_t i = f->def_at[id], j; i < f->def_at[id + 1]; i = j) {
		const struct ks_dwarf_def *s = &f->defs[i];
		unsigned units = 0;

		for (j = i; j < f->def_at[id + 1] && f->defs[j].file == s->file &&
			    f->defs[j].line == s->line && f->defs[j].external == s->external;
		     j++)
			if (f->defs[j].has_code &&
			    (!units || f->defs[j].unit != f->defs[j - 1].unit || !f->defs[j - 1].has_code))
				units++;
		if (!s->file)
			continue;
		if (s->external)
			o->global_sites++;
		else
			o->static_sites++;
		if (!s->external && units >= 2)
			o->duplicate = true;
	}
}

static int put_line(struct strbuf *d, bool *first, const struct strbuf *line)
{
	if (!*first)
		sb_addc(d, ',');
	*first = false;
	return ks_jsonw_str(d, line->buf, line->len);
}

/* "inlined at N call sites in M functions: a, b, …" for edges of kind in [b, e). */
static void edge_line(const struct ks_fdw *f, size_t b, size_t e, uint32_t kind, const char *verb,
		      struct strbuf *line)
{
	unsigned n = 0, callers = 0, listed = 0;

	count_edges(f->edges, b, e, kind, &n, &callers);
	sb_reset(line);
	if (!n)
		return;
	sb_addf(line, "%s at %u call site%s in %u function%s: ", verb, n, n == 1 ? "" : "s",
		callers, callers == 1 ? "" : "s");
	for (size_t i = b; i < e && listed < MAX_LISTED; i++) {
		if (f->edges[i].kind != kind ||
		    (i > b && f->edges[i - 1].kind == kind && f->edges[i - 1].caller == f->edges[i].caller))
			continue;
		sb_add(line, listed++ ? ", " : "");
		sb_add(line, f->d->names[f->edges[i].caller]);
	}
	if (callers > listed)
		sb_add(line, ", …");
}

int ks_fdw_evidence(const struct ks_fdw *f, long id, struct strbuf *d, bool *first)
{
	struct strbuf line = STRBUF_INIT;
	int ret = 0;

	if (id < 0 || (size_t)id >= f->d->nnames)
		return 0;
	sb_init(&line);
	for (size_t i = f->def_at[id], j; i < f->def_at[id + 1] && !ret; i = j) {
		const struct ks_dwarf_def *s = &f->defs[i];
		unsigned units = 0, copies = 0, listed = 0;

		for (j = i; j < f->def_at[id + 1] && f->defs[j].file == s->file &&
			    f->defs[j].line == s->line && f->defs[j].external == s->external;
		     j++) {
			if (!f->defs[j].has_code)
				continue;
			copies++;
			if (units && f->defs[j].unit == f->defs[j - 1].unit && f->defs[j - 1].has_code)
				continue;
			units++;
		}
		sb_reset(&line);
		sb_addf(&line, "defined at %s", f->d->files[s->file]);
		if (s->line)
			sb_addf(&line, ":%u", s->line);
		sb_add(&line, s->external ? " (global)" : " (static)");
		if (!copies) {
			sb_add(&line, ", no out-of-line copy");
		} else {
			if (copies != units)
				sb_addf(&line, ", %u out-of-line copies", copies);
			sb_addf(&line, ", out of line in %u unit%s: ", units, units == 1 ? "" : "s");
			for (size_t k = i; k < j && listed < MAX_LISTED; k++) {
				if (!f->defs[k].has_code || (k > i && f->defs[k].unit == f->defs[k - 1].unit &&
							     f->defs[k - 1].has_code))
					continue;
				sb_add(&line, listed++ ? ", " : "");
				sb_add(&line, f->d->files[f->defs[k].unit]);
			}
			if (units > listed)
				sb_add(&line, ", …");
		}
		ret = put_line(d, first, &line);
	}
	edge_line(f, f->edge_at[id], f->edge_at[id + 1], KS_DWARF_INLINED, "inlined", &line);
	if (!ret && line.len)
		ret = put_line(d, first, &line);
	edge_line(f, f->edge_at[id], f->edge_at[id + 1], KS_DWARF_CALL, "called directly", &line);
	if (!ret && line.len)
		ret = put_line(d, first, &line);
	sb_release(&line);
	return ret;
}

const char *ks_fdw_proto(const struct ks_fdw *f, long id)
{
	if (id < 0 || (size_t)id >= f->d->nnames)
		return NULL;
	for (size_t i = f->def_at[id]; i < f->def_at[id + 1]; i++)
		if (f->defs[i].proto && f->defs[i].proto <= f->d->nprotos)
			return f->d->protos[f->defs[i].proto - 1];
	return NULL;
}
