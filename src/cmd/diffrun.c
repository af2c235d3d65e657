/* SPDX-License-Identifier: MIT */
/* Many whole-surface comparisons at once, on two workers (see diffrun.h). */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/diffrun.h"
#include "util/err.h"


/*
 * A thread comparing a run of consecutive pairs with its own connection, def reader,
 * def cache and loaded images (SQLite connections are not shared between threads).
 * Consecutive pairs share images (a version chain, a variant group's baseline), so
 * each worker takes a contiguous run.
 */
struct worker {
	struct ks_diff_run *r;
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
	struct ks_diff_run *r = w->r;
	int ret;

	if (!w->loaded[img]) {
		ret = ks_store_image_defs(w->st, &r->items, r->v->imgs.v[img].id, &w->defs[img]);
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
	struct ks_diff_run *r = w->r;
	struct ks_surface_diff_in in = {.items = &r->items, .wanted = r->wanted,
					.fetch = fetch_def, .ctx = w->reader, .cache = w->cache};
	size_t a = r->jobs[k].a, b = r->jobs[k].b;
	int ret;

	if ((ret = image_defs(w, a, &in.a)) || (ret = image_defs(w, b, &in.b)))
		return ret;
	in.a_no_modules = r->v->imgs.v[a].modules < 0;
	in.b_no_modules = r->v->imgs.v[b].modules < 0;
	ret = ks_diff_surfaces(&in, &r->diffs[k]);
	ks_def_cache_next_gen(w->cache);
	if (ret)
		return ks_err_ctx(ret, "%s vs %s", r->v->imgs.v[a].ident.name, r->v->imgs.v[b].ident.name);
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
static int worker_init(struct worker *w, struct ks_diff_run *r, struct ks_store *st)
{
	int ret;

	memset(w, 0, sizeof(*w));
	w->r = r;
	w->st = st;
	w->defs = calloc(r->v->imgs.n + 1, sizeof(*w->defs));
	w->loaded = calloc(r->v->imgs.n + 1, 1);
	if (!w->defs || !w->loaded)
		abort();
	if ((ret = ks_def_reader_open(st, &w->reader)))
		return ret;
	w->cache = ks_def_cache_new(fetch_def, w->reader);
	return 0;
}

static void worker_fini(struct worker *w, const struct ks_diff_run *r)
{
	for (size_t i = 0; w->defs && i < r->v->imgs.n; i++)
		ks_image_defs_free(&w->defs[i]);
	free(w->defs);
	free(w->loaded);
	ks_def_cache_free(w->cache);
	ks_def_reader_close(w->reader);
	free(w->msg);
	if (w->st != r->v->st)
		ks_store_close(w->st);
}

/*
 * A second connection for a second worker, if it reads what the first one reads: each
 * connection has its own read transaction, and an ingest committing between the two
 * would show them different datasets (this SQLite has no snapshot API to share one).
 * The images and their content hashes decide. NULL: one worker does all the pairs.
 */
static struct ks_store *second_connection(const struct ks_diff_run *r, const char *path)
{
	struct ks_image_list l = {0};
	struct ks_store *st;
	bool same;

	if (ks_store_open(path, KS_STORE_READ, &st))
		return NULL;
	same = !ks_store_images(st, &l) && l.n == r->v->imgs.n;
	for (size_t i = 0; same && i < l.n; i++)
		same = l.v[i].id == r->v->imgs.v[i].id &&
		       !strcmp(l.v[i].content_hash, r->v->imgs.v[i].content_hash);
	ks_image_list_free(&l);
	if (!same) {
		ks_store_close(st);
		return NULL;
	}
	return st;
}

/* Compare every pair slot: two workers on two cores (or more), each a contiguous run. */
static int run_jobs(struct ks_diff_run *r, const char *path)
{
	struct worker w[2];
	struct ks_store *st2 = NULL;
	size_t nw = 1;
	pthread_t th;
	bool threaded = false;
	int ret;

	if (r->npairs >= 2 && sysconf(_SC_NPROCESSORS_ONLN) >= 2)
		st2 = second_connection(r, path);
	ret = worker_init(&w[0], r, r->v->st);
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


int ks_diff_run_compare(struct ks_diff_run *r, const char *db_path)
{
	return run_jobs(r, db_path);
}

void ks_diff_run_pair(struct ks_diff_run *r, size_t a, size_t b, const char *la, const char *lb)
{
	struct ks_diff_pair *p;

	if (r->npairs == r->cap_pairs)
		abort();
	p = &r->pairs[r->npairs];
	r->jobs[r->npairs] = (struct ks_diff_job){a, b};
	p->from = r->v->imgs.v[a].ident.name;
	p->to = r->v->imgs.v[b].ident.name;
	p->from_label = la;
	p->to_label = lb;
	r->npairs++;
}

void ks_diff_run_group(struct ks_diff_run *r, const struct ks_group *g)
{
	size_t first = r->npairs;

	if (r->nsections == r->cap_sections)
		abort();
	for (size_t k = 0; k < ks_group_npairs(g); k++) {
		size_t a, b;

		ks_group_pair(g, k, &a, &b);
		ks_diff_run_pair(r, g->m[a].img, g->m[b].img, g->m[a].label, g->m[b].label);
	}
	r->sections[r->nsections++] = (struct ks_diff_section){
		.group = g->name, .pairing = ks_pairing_name(g->pairing),
		.pairs = r->pairs + first, .npairs = r->npairs - first};
}

/* The kinds to report: the wanted ones the dataset has, in display order. */
static int pick_kinds(struct ks_diff_run *r, const char *const *kinds, size_t nkinds)
{
	size_t nk = r->items.nkinds;

	r->wanted = calloc(nk + 1, 1);
	r->order = calloc(nk + 1, sizeof(*r->order));
	r->rank = calloc(nk + 1, sizeof(*r->rank));
	r->shown = calloc(nk + 1, sizeof(*r->shown));
	if (!r->wanted || !r->order || !r->rank || !r->shown)
		abort();
	ks_kind_display_order(&r->items, r->order, r->rank);
	for (size_t i = 0; i < nkinds; i++) {
		size_t k;

		for (k = 0; k < nk && strcmp(r->items.kinds[k], kinds[i]); k++)
			;
		if (k == nk)
			return ks_err(-ENOENT, "%s: the dataset has no %s items", ks_store_path(r->v->st),
				      kinds[i]);
		r->wanted[k] = 1;
	}
	r->nshown = 0;
	for (size_t i = 0; i < nk; i++)
		if (!nkinds || r->wanted[r->order[i]])
			r->shown[r->nshown++] = r->order[i];
	if (!nkinds) {
		free(r->wanted);
		r->wanted = NULL;
	}
	return 0;
}

int ks_diff_run_init(struct ks_diff_run *r, struct ks_view *v, const char *const *kinds,
		     size_t nkinds, size_t max_pairs, size_t max_sections)
{
	int ret;

	memset(r, 0, sizeof(*r));
	r->v = v;
	r->cap_pairs = max_pairs;
	r->cap_sections = max_sections;
	r->jobs = calloc(max_pairs + 1, sizeof(*r->jobs));
	r->diffs = calloc(max_pairs + 1, sizeof(*r->diffs));
	r->pairs = calloc(max_pairs + 1, sizeof(*r->pairs));
	r->sections = calloc(max_sections + 1, sizeof(*r->sections));
	if (!r->jobs || !r->diffs || !r->pairs || !r->sections)
		abort();
	if ((ret = ks_store_item_table(v->st, &r->items)))
		return ret;
	return pick_kinds(r, kinds, nkinds);
}

void ks_diff_run_doc(const struct ks_diff_run *r, struct ks_diff_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
	doc->items = &r->items;
	doc->kinds = r->shown;
	doc->nkinds = r->nshown;
	doc->sections = r->sections;
	doc->nsections = r->nsections;
	doc->baseline = r->v->imgs.n ? r->v->imgs.v[r->v->groups.baseline].ident.name : NULL;
}

void ks_diff_run_free(struct ks_diff_run *r)
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
	free(r->shown);
	ks_item_table_free(&r->items);
}
