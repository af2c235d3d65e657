/* SPDX-License-Identifier: MIT */
/* `ksurf diff A B` / `ksurf diff --group G`: every item of every kind, per pair. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/common.h"
#include "diff/surfdiff.h"
#include "report/diffreport.h"
#include "store/surface.h"
#include "surface/surface.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/heap.h"

static const char diff_usage[] =
	"usage: ksurf diff A B [options]\n"
	"       ksurf diff --group G [--group G]... [options]\n\n"
	"Compare whole surfaces: per kind the number of items in the old and the new image,\n"
	"added, removed and changed, and the changed items per change type (DepSurf's diff\n"
	"table, one column per pair), then every added, removed and changed item with its\n"
	"changes. A B: two image names (see `ksurf list`); a group compares its pairs\n"
	"(consecutive images for version groups, each image against the baseline for\n"
	"variant groups).\n\n"
	"  --group G             every pair of group G (repeatable)\n"
	"  --baseline N          derive the default groups around image N\n"
	"  --kind K              only items of kind K (repeatable): struct, union, enum,\n"
	"                        typedef, func, tracepoint, lsm, kfunc, syscall, helper, ...\n"
	"  --format F            text (default), md, json, csv\n"
	"  --summary             the table only, no details\n"
	"  --details             csv: one row per change instead of the counts\n";

struct diff_opts {
	const char **groups;
	size_t ngroups;
	const char **kinds;
	size_t nkinds;
	const char *baseline;
	int fmt, summary, details;
};

/* One pair to compare: image indexes into the view's list. */
struct diff_job {
	size_t a, b;
};

struct diff_run {
	struct ks_view v;
	struct ks_item_table items;
	uint8_t *wanted;	 /* per kind index */
	uint32_t *order, *rank;	 /* kind display order */
	struct diff_job *jobs;	 /* one per pair slot */
	struct ks_surface_diff *diffs;
	struct ks_diff_pair *pairs;
	struct ks_diff_section *sections;
	size_t npairs, nsections;
};

/*
 * A thread comparing a run of consecutive pairs with its own connection, def reader,
 * def cache and loaded images (SQLite connections are not shared between threads).
 * Consecutive pairs share images (a version chain, a variant group's baseline), so
 * each worker takes a contiguous run.
 */
struct worker {
	struct diff_run *r;
	struct ks_store *st; /* the view's, or one of its own */
	struct ks_def_reader *reader;
	struct ks_def_cache *cache;
	struct ks_image_defs *defs; /* per image, loaded on first use */
	uint8_t *loaded;
	size_t first, n; /* its pair slots */
	int ret;
	char *msg; /* ks_err's message is thread-local: carried back */
};

static int fetch_def(void *ctx, int64_t id, char **body)
{
	return ks_def_reader_get(ctx, id, body);
}

static int image_defs(struct worker *w, size_t img, const struct ks_image_defs **out)
{
	struct diff_run *r = w->r;
	int ret;

	if (!w->loaded[img]) {
		ret = ks_store_image_defs(w->st, &r->items, r->v.imgs.v[img].id, &w->defs[img]);
		if (ret)
			return ret;
		w->loaded[img] = 1;
	}
	*out = &w->defs[img];
	return 0;
}

/* Compare the images of pair slot k. */
static int run_pair(struct worker *w, size_t k)
{
	struct diff_run *r = w->r;
	struct ks_surface_diff_in in = {.items = &r->items, .wanted = r->wanted,
					.fetch = fetch_def, .ctx = w->reader, .cache = w->cache};
	size_t a = r->jobs[k].a, b = r->jobs[k].b;
	int ret;

	if ((ret = image_defs(w, a, &in.a)) || (ret = image_defs(w, b, &in.b)))
		return ret;
	in.a_no_modules = r->v.imgs.v[a].modules < 0;
	in.b_no_modules = r->v.imgs.v[b].modules < 0;
	ret = ks_diff_surfaces(&in, &r->diffs[k]);
	ks_def_cache_next_gen(w->cache);
	if (ret)
		return ks_err_ctx(ret, "%s vs %s", r->v.imgs.v[a].ident.name, r->v.imgs.v[b].ident.name);
	ks_surface_diff_sort(&r->diffs[k], &r->items, r->rank);
	r->pairs[k].d = &r->diffs[k];
	return 0;
}

static void *work(void *arg)
{
	struct worker *w = arg;

	for (size_t k = w->first; k < w->first + w->n && !w->ret; k++)
		w->ret = run_pair(w, k);
	if (w->ret)
		w->msg = strdup(ks_errmsg());
	return NULL;
}

/* On failure the worker still needs worker_fini (which closes st unless it is the view's). */
static int worker_init(struct worker *w, struct diff_run *r, struct ks_store *st)
{
	int ret;

	memset(w, 0, sizeof(*w));
	w->r = r;
	w->st = st;
	w->defs = calloc(r->v.imgs.n + 1, sizeof(*w->defs));
	w->loaded = calloc(r->v.imgs.n + 1, 1);
	if (!w->defs || !w->loaded)
		abort();
	if ((ret = ks_def_reader_open(st, &w->reader)))
		return ret;
	w->cache = ks_def_cache_new(fetch_def, w->reader);
	return 0;
}

static void worker_fini(struct worker *w, const struct diff_run *r)
{
	for (size_t i = 0; w->defs && i < r->v.imgs.n; i++)
		ks_image_defs_free(&w->defs[i]);
	free(w->defs);
	free(w->loaded);
	ks_def_cache_free(w->cache);
	ks_def_reader_close(w->reader);
	free(w->msg);
	if (w->st != r->v.st)
		ks_store_close(w->st);
}

/*
 * A second connection for a second worker, if it reads what the first one reads: each
 * connection has its own read transaction, and an ingest committing between the two
 * would show them different datasets (this SQLite has no snapshot API to share one).
 * The images and their content hashes decide. NULL: one worker does all the pairs.
 */
static struct ks_store *second_connection(const struct diff_run *r, const char *path)
{
	struct ks_image_list l = {0};
	struct ks_store *st;
	bool same;

	if (ks_store_open(path, KS_STORE_READ, &st))
		return NULL;
	same = !ks_store_images(st, &l) && l.n == r->v.imgs.n;
	for (size_t i = 0; same && i < l.n; i++)
		same = l.v[i].id == r->v.imgs.v[i].id &&
		       !strcmp(l.v[i].content_hash, r->v.imgs.v[i].content_hash);
	ks_image_list_free(&l);
	if (!same) {
		ks_store_close(st);
		return NULL;
	}
	return st;
}

/* Compare every pair slot: two workers on two cores (or more), each a contiguous run. */
static int run_jobs(struct diff_run *r, const char *path)
{
	struct worker w[2];
	struct ks_store *st2 = NULL;
	size_t nw = 1;
	pthread_t th;
	bool threaded = false;
	int ret;

	if (r->npairs >= 2 && sysconf(_SC_NPROCESSORS_ONLN) >= 2)
		st2 = second_connection(r, path);
	ret = worker_init(&w[0], r, r->v.st);
	w[0].n = r->npairs;
	if (st2) {
		/* worker_fini closes st2 from here on */
		nw = 2;
		if (!ret)
			ret = worker_init(&w[1], r, st2);
		else
			ks_store_close(st2);
		w[0].n = (r->npairs + 1) / 2;
		w[1].first = w[0].n;
		w[1].n = r->npairs - w[0].n;
	}
	if (!ret) {
		if (nw == 2)
			threaded = !pthread_create(&th, NULL, work, &w[1]);
		work(&w[0]);
		if (nw == 2 && !threaded)
			work(&w[1]);
		if (threaded)
			pthread_join(th, NULL);
		for (size_t i = 0; i < nw && !ret; i++)
			if (w[i].ret)
				ret = ks_err(w[i].ret, "%s", w[i].msg);
	}
	for (size_t i = nw; i-- > 0;)
		if (w[i].r)
			worker_fini(&w[i], r);
	return ret;
}

/* Plan the comparison of images a and b in the next pair slot. */
static void add_pair(struct diff_run *r, size_t a, size_t b, const char *la, const char *lb)
{
	struct ks_diff_pair *p = &r->pairs[r->npairs];

	r->jobs[r->npairs] = (struct diff_job){a, b};
	p->from = r->v.imgs.v[a].ident.name;
	p->to = r->v.imgs.v[b].ident.name;
	p->from_label = la;
	p->to_label = lb;
	r->npairs++;
}

/* The kinds to report: the wanted ones the dataset has, in display order. */
static int pick_kinds(struct diff_run *r, const struct diff_opts *o, uint32_t *shown, size_t *n)
{
	size_t nk = r->items.nkinds;

	r->wanted = calloc(nk + 1, 1);
	r->order = calloc(nk + 1, sizeof(*r->order));
	r->rank = calloc(nk + 1, sizeof(*r->rank));
	if (!r->wanted || !r->order || !r->rank)
		abort();
	ks_kind_display_order(&r->items, r->order, r->rank);
	for (size_t i = 0; i < o->nkinds; i++) {
		size_t k;

		for (k = 0; k < nk && strcmp(r->items.kinds[k], o->kinds[i]); k++)
			;
		if (k == nk)
			return ks_err(-ENOENT, "%s: the dataset has no %s items", ks_store_path(r->v.st),
				      o->kinds[i]);
		r->wanted[k] = 1;
	}
	*n = 0;
	for (size_t i = 0; i < nk; i++)
		if (!o->nkinds || r->wanted[r->order[i]])
			shown[(*n)++] = r->order[i];
	if (!o->nkinds) {
		free(r->wanted);
		r->wanted = NULL;
	}
	return 0;
}

static int run(struct diff_run *r, const struct diff_opts *o, char **names, size_t nnames,
	       struct ks_ctx *ctx)
{
	const struct ks_group **gs = calloc(o->ngroups + 1, sizeof(*gs));
	struct ks_diff_doc doc = {0};
	uint32_t *shown = NULL;
	size_t total = 0, idx[2] = {0, 0};
	int ret;

	if (!gs)
		abort();
	for (size_t i = 0; i < o->ngroups; i++) {
		if (!(gs[i] = ks_groups_find(&r->v.groups, o->groups[i]))) {
			free(gs);
			return ks_cmd_usage_error(diff_usage, "diff: no group named '%s' (see `ksurf list`)",
						  o->groups[i]);
		}
		total += ks_group_npairs(gs[i]);
	}
	for (size_t i = 0; i < nnames; i++) {
		int k = ks_image_list_find(&r->v.imgs, names[i]);

		if (k < 0) {
			free(gs);
			ks_err(-ENOENT, "no image named %s (see `ksurf list`)", names[i]);
			return ks_cmd_fail();
		}
		idx[i] = (size_t)k;
	}
	if (nnames)
		total = 1;
	if ((ret = ks_store_item_table(r->v.st, &r->items)))
		goto out;
	ks_phase("diff: items");
	shown = calloc(r->items.nkinds + 1, sizeof(*shown));
	r->jobs = calloc(total + 1, sizeof(*r->jobs));
	r->diffs = calloc(total + 1, sizeof(*r->diffs));
	r->pairs = calloc(total + 1, sizeof(*r->pairs));
	r->sections = calloc(o->ngroups + 1, sizeof(*r->sections));
	if (!shown || !r->jobs || !r->diffs || !r->pairs || !r->sections)
		abort();
	if ((ret = pick_kinds(r, o, shown, &doc.nkinds)))
		goto out;
	if (nnames) {
		add_pair(r, idx[0], idx[1], names[0], names[1]);
		r->sections[0] = (struct ks_diff_section){.pairs = r->pairs, .npairs = 1};
		r->nsections = 1;
	}
	for (size_t i = 0; i < o->ngroups; i++) {
		const struct ks_group *g = gs[i];
		size_t first = r->npairs;

		for (size_t k = 0; k < ks_group_npairs(g); k++) {
			size_t a, b;

			ks_group_pair(g, k, &a, &b);
			add_pair(r, g->m[a].img, g->m[b].img, g->m[a].label, g->m[b].label);
		}
		r->sections[r->nsections++] = (struct ks_diff_section){
			.group = g->name, .pairing = ks_pairing_name(g->pairing),
			.pairs = r->pairs + first, .npairs = r->npairs - first};
	}
	if ((ret = run_jobs(r, ctx->db_path)))
		goto out;
	ks_phase("diff: compare");
	doc.items = &r->items;
	doc.kinds = shown;
	doc.sections = r->sections;
	doc.nsections = r->nsections;
	doc.baseline = r->v.imgs.n ? r->v.imgs.v[r->v.groups.baseline].ident.name : NULL;
	doc.summary = o->summary;
	doc.details = o->details;
	ret = ks_report_diff(stdout, &doc, o->fmt, &ctx->style);
	ks_phase("diff: report");
out:
	free(shown);
	free(gs);
	return ret ? ks_cmd_fail() : 0;
}

static void run_free(struct diff_run *r)
{
	for (size_t i = 0; i < r->npairs; i++)
		ks_surface_diff_free(&r->diffs[i]);
	free(r->jobs);
	free(r->diffs);
	free(r->pairs);
	free(r->sections);
	free(r->wanted);
	free(r->order);
	free(r->rank);
	ks_item_table_free(&r->items);
	ks_view_close(&r->v);
}

static void push_str(const char ***v, size_t *n, const char *s)
{
	*v = realloc(*v, (*n + 1) * sizeof(**v));
	if (!*v)
		abort();
	(*v)[(*n)++] = s;
}

int cmd_diff(int argc, char **argv, struct ks_ctx *ctx)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'}, {"group", required_argument, NULL, 'g'},
		{"baseline", required_argument, NULL, 'b'}, {"kind", required_argument, NULL, 'k'},
		{"summary", no_argument, NULL, 's'},	  {"details", no_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	struct diff_opts o = {.fmt = KS_FMT_TEXT};
	struct diff_run r = {0};
	int c, ret = KS_EXIT_USAGE, k;

	ks_heap_setup(256 << 20); /* every image's defs: hundreds of MiB in small blocks */
	while ((c = getopt_long(argc, argv, "f:g:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o.fmt = ks_format_parse(optarg);
			if (o.fmt < 0 || o.fmt == KS_FMT_HTML) {
				ks_cmd_usage_error(diff_usage, "diff: unknown format '%s'", optarg);
				goto out;
			}
			break;
		case 'g': push_str(&o.groups, &o.ngroups, optarg); break;
		case 'k':
			k = ks_kind_parse(optarg);
			if (k < 0 || k == KS_KIND_FIELD) {
				ks_cmd_usage_error(diff_usage, "diff: unknown kind '%s'", optarg);
				goto out;
			}
			push_str(&o.kinds, &o.nkinds, ks_kind_name(k));
			break;
		case 'b': o.baseline = optarg; break;
		case 's': o.summary = 1; break;
		case 'D': o.details = 1; break;
		case 'h': fputs(diff_usage, stdout); ret = 0; goto out;
		default: fputs(diff_usage, stderr); goto out;
		}
	}
	if (o.details && o.fmt != KS_FMT_CSV) {
		ks_cmd_usage_error(diff_usage, "diff: --details is for --format csv");
		goto out;
	}
	if (o.ngroups ? argc != optind : argc - optind != 2) {
		ks_cmd_usage_error(diff_usage, o.ngroups ? "diff: give two images or --group, not both"
							 : "diff: expected two images A B, or --group G");
		goto out;
	}
	if (ks_view_open(ctx, o.baseline, &r.v)) {
		ret = ks_cmd_fail();
		goto out;
	}
	ret = run(&r, &o, argv + optind, (size_t)(argc - optind), ctx);
	run_free(&r);
out:
	free(o.groups);
	free(o.kinds);
	return ret;
}
