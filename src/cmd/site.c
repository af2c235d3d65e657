/* SPDX-License-Identifier: MIT */
/* `ksurf site DIR`: a static website of every item of every kind over the groups. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/common.h"
#include "cmd/diffrun.h"
#include "report/report.h"
#include "report/site.h"
#include "store/surface.h"
#include "surface/surface.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/parallel.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char site_usage[] =
	"usage: ksurf site DIR [--baseline NAME] [--kind K]...\n\n"
	"Write a static website of the dataset into DIR: a page per item of every kind\n"
	"(its definition in each image of each group and what changed per pair), an index\n"
	"per kind (a column per group or per image, sortable and filterable), search over\n"
	"every name, and a summary with each group's diff table and plots. Open\n"
	"DIR/index.html; no server is needed. Run again after adding images: only the files\n"
	"whose content changed are written, and pages of items that are gone are removed.\n"
	"DIR must be new, empty, or a site ksurf wrote.\n\n"
	"  --baseline N   derive the default groups around image N\n"
	"  --kind K       pages for kind K only (repeatable; the summary still has every kind)\n";

/* Items rendered together: the main thread reads a batch, the cores render it. */
enum { BATCH = 2048 };

struct item_rows {
	uint32_t item; /* index into the item table */
	char **defs;   /* per image (the strings live in the batch's pool) */
	unsigned *dups;
	char **where, **others;
};

struct site_run {
	struct ks_ctx *ctx;
	struct ks_view v;
	struct ks_diff_run dr;
	struct ks_site *site;
	struct ks_site_doc doc;
	uint8_t *paged;		  /* per kind index: write its pages */
	uint8_t *present;	  /* per item */
	unsigned char *img_bits, *group_changed;
	uint32_t *slots;	  /* (kind, name) → item index + 1, for links */
	size_t nslots;
	struct item_rows *batch;
	size_t nbatch;
	struct ks_check_row *crows; /* saved check results */
	size_t ncrows;
	json_t **checks;
	const char **check_times;
	pthread_mutex_t lock;
	int ret;
	char *msg;
	size_t pages;
};

static uint64_t name_hash(uint32_t kind, const char *name)
{
	uint64_t h = 1469598103934665603ull ^ kind;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ull;
	return h;
}

/* The item table's items with a page, findable by (kind, name). */
static void index_items(struct site_run *r)
{
	const struct ks_item_table *t = &r->dr.items;

	for (r->nslots = 16; r->nslots < 2 * t->n; r->nslots *= 2)
		;
	r->slots = calloc(r->nslots, sizeof(*r->slots));
	if (!r->slots)
		abort();
	for (size_t i = 0; i < t->n; i++) {
		size_t s;

		if (!r->present[i] || !r->paged[t->kind[i]])
			continue;
		for (s = name_hash(t->kind[i], ks_item_table_name(t, i)) & (r->nslots - 1); r->slots[s];
		     s = (s + 1) & (r->nslots - 1))
			;
		r->slots[s] = (uint32_t)i + 1;
	}
}

static long find_item(const struct site_run *r, uint32_t kind, const char *name)
{
	const struct ks_item_table *t = &r->dr.items;

	for (size_t s = name_hash(kind, name) & (r->nslots - 1); r->slots[s];
	     s = (s + 1) & (r->nslots - 1)) {
		uint32_t i = r->slots[s] - 1;

		if (t->kind[i] == kind && !strcmp(ks_item_table_name(t, i), name))
			return i;
	}
	return -1;
}

/* The page of kind/name relative to the site's root, when it has one. */
static int site_href(void *ctx, const char *kind, const char *name, struct strbuf *href)
{
	const struct site_run *r = ctx;
	const struct ks_item_table *t = &r->dr.items;

	for (uint32_t k = 0; k < t->nkinds; k++) {
		if (strcmp(t->kinds[k], kind))
			continue;
		if (find_item(r, k, name) < 0)
			return 0;
		sb_addf(href, "%s/", kind);
		ks_site_file_name(href, name);
		return 1;
	}
	return 0;
}

/* A type named in an item page's C code links to its page (one folder up). */
static int link_type(void *ctx, const char *kind, const char *name, struct strbuf *href)
{
	sb_add(href, "../");
	return site_href(ctx, kind, name, href);
}

static void fail(struct site_run *r, int ret)
{
	pthread_mutex_lock(&r->lock);
	if (!r->ret) {
		r->ret = ret;
		r->msg = strdup(ks_errmsg());
	}
	pthread_mutex_unlock(&r->lock);
}

/* Render one item's page (on any core). */
static void render(void *arg, size_t bi)
{
	struct site_run *r = arg;
	struct item_rows *x = &r->batch[bi];
	const struct ks_item_table *t = &r->dr.items;
	size_t ni = r->v.imgs.n, ng = r->v.groups.n;
	const char *kind = t->kinds[t->kind[x->item]], *name = ks_item_table_name(t, x->item);
	struct ks_page_sum sum = {r->img_bits + (size_t)x->item * ni,
				  r->group_changed + (size_t)x->item * ng};
	struct ks_page pg = {.kind = kind, .name = name, .imgs = &r->v.imgs, .groups = &r->v.groups,
			     .defs = x->defs, .dups = x->dups, .where = x->where, .others = x->others,
			     .link = link_type, .link_ctx = r, .fragment = 1, .sum = &sum};
	struct strbuf path = STRBUF_INIT, title = STRBUF_INIT;
	struct ks_site_page sp;
	FILE *out;
	int ret;

	if (r->ret)
		return;
	out = ks_site_page_open(&sp);
	sb_init(&path);
	sb_init(&title);
	sb_addf(&title, "%s %s", kind, name);
	ks_site_head(out, &r->doc, title.buf, 1, kind);
	ret = ks_report_page(out, &pg, KS_FMT_HTML, NULL);
	ks_site_foot(out, &r->doc);
	sb_addf(&path, "%s/", kind);
	ks_site_file_name(&path, name);
	if (ret) /* the page is dropped: its error is the run's */
		ks_site_page_put(r->site, &sp, NULL);
	else
		ret = ks_site_page_put(r->site, &sp, path.buf);
	if (ret)
		fail(r, ret);
	sb_release(&path);
	sb_release(&title);
}

static void batch_clear(struct site_run *r)
{
	size_t ni = r->v.imgs.n;

	for (size_t b = 0; b < r->nbatch; b++)
		for (size_t i = 0; i < ni; i++) {
			free(r->batch[b].defs[i]);
			free(r->batch[b].where[i]);
			free(r->batch[b].others[i]);
			r->batch[b].defs[i] = r->batch[b].where[i] = r->batch[b].others[i] = NULL;
			r->batch[b].dups[i] = 0;
		}
	r->nbatch = 0;
}

static void batch_render(struct site_run *r)
{
	ks_parallel_for(r->nbatch, 16, render, r);
	r->pages += r->nbatch;
	batch_clear(r);
	if (r->ctx->progress)
		fprintf(stderr, "\rsite: %zu item pages", r->pages);
}

static long image_index(const struct site_run *r, int64_t id)
{
	for (size_t i = 0; i < r->v.imgs.n; i++)
		if (r->v.imgs.v[i].id == id)
			return (long)i;
	return -1;
}


/* Every item page: the rows stream in item order; a batch at a time is rendered. */
static int item_pages(struct site_run *r)
{
	size_t ni = r->v.imgs.n;
	struct ks_item_rows *rows;
	struct ks_item_row row;
	long cur = -1;
	int ret;

	r->batch = calloc(BATCH, sizeof(*r->batch));
	if (!r->batch)
		abort();
	for (size_t b = 0; b < BATCH; b++) {
		r->batch[b].defs = calloc(ni + 1, sizeof(char *));
		r->batch[b].where = calloc(ni + 1, sizeof(char *));
		r->batch[b].others = calloc(ni + 1, sizeof(char *));
		r->batch[b].dups = calloc(ni + 1, sizeof(unsigned));
		if (!r->batch[b].defs || !r->batch[b].where || !r->batch[b].others || !r->batch[b].dups)
			abort();
	}
	if ((ret = ks_store_item_rows_open(r->v.st, &rows)))
		return ret;
	while ((ret = ks_store_item_rows_next(rows, &row)) == 1 && !r->ret) {
		long it = ks_item_table_find(&r->dr.items, row.item_id), img = image_index(r, row.image_id);
		struct item_rows *x;

		if (it < 0 || img < 0 || !r->paged[r->dr.items.kind[it]])
			continue;
		if (it != cur) {
			if (r->nbatch == BATCH)
				batch_render(r);
			r->batch[r->nbatch++].item = (uint32_t)it;
			cur = it;
		}
		x = &r->batch[r->nbatch - 1];
		x->defs[img] = ks_xstrdup_or_null(row.def);
		x->dups[img] = row.dups;
		x->where[img] = ks_xstrdup_or_null(row.module);
		x->others[img] = ks_xstrdup_or_null(row.others);
	}
	ks_store_item_rows_close(rows);
	if (!ret && !r->ret)
		batch_render(r);
	batch_clear(r);
	if (r->ctx->progress)
		fputc('\n', stderr);
	if (!ret && r->ret)
		ret = ks_err(r->ret, "%s", r->msg);
	return ret;
}

/* Saved check results, parsed, for programs.html. */
static int load_checks(struct site_run *r)
{
	int ret = ks_store_check_results(r->v.st, &r->crows, &r->ncrows);

	if (ret)
		return ret;
	r->checks = calloc(r->ncrows + 1, sizeof(*r->checks));
	r->check_times = calloc(r->ncrows + 1, sizeof(*r->check_times));
	if (!r->checks || !r->check_times)
		abort();
	for (size_t i = 0; i < r->ncrows; i++) {
		json_error_t e;

		r->check_times[i] = r->crows[i].checked_at;
		if (!(r->checks[i] = json_loads(r->crows[i].report, 0, &e)))
			return ks_err(-EINVAL, "%s: saved check result of %s: %s", ks_store_path(r->v.st),
				      r->crows[i].object, e.text);
	}
	r->doc.checks = r->checks;
	r->doc.check_times = r->check_times;
	r->doc.nchecks = r->ncrows;
	return 0;
}

/* The kinds with pages: the dataset's kinds in display order, or the wanted ones. */
static int pick_kinds(struct site_run *r, char **kinds, size_t nkinds)
{
	const struct ks_item_table *t = &r->dr.items;

	r->paged = calloc(t->nkinds + 1, 1);
	if (!r->paged)
		abort();
	for (size_t i = 0; i < nkinds; i++) {
		size_t k;

		for (k = 0; k < t->nkinds && strcmp(t->kinds[k], kinds[i]); k++)
			;
		if (k == t->nkinds)
			return ks_err(-ENOENT, "%s: the dataset has no %s items", ks_store_path(r->v.st),
				      kinds[i]);
		r->paged[k] = 1;
	}
	for (size_t k = 0; k < t->nkinds && !nkinds; k++)
		r->paged[k] = 1;
	return 0;
}

static int run(struct site_run *r, const char *dir, char **kinds, size_t nkinds)
{
	struct ks_view *v = &r->v;
	struct ks_diff_doc diff;
	struct ks_site_stats stats = {0};
	size_t npairs = 0, ni = v->imgs.n, ng = v->groups.n, nshown = 0;
	uint32_t *shown = NULL;
	double t0 = ks_now();
	int ret;

	for (size_t g = 0; g < ng; g++)
		npairs += ks_group_npairs(&v->groups.v[g]);
	if ((ret = ks_diff_run_init(&r->dr, v, NULL, 0, npairs, ng + 1)))
		return ret;
	if ((ret = pick_kinds(r, kinds, nkinds)))
		return ret;
	for (size_t g = 0; g < ng; g++)
		if (ks_group_npairs(&v->groups.v[g]))
			ks_diff_run_group(&r->dr, &v->groups.v[g]);
	if ((ret = ks_site_open(dir, &r->site)))
		return ret;
	if (r->ctx->progress)
		fprintf(stderr, "site: comparing %zu pairs\n", r->dr.npairs);
	if ((ret = ks_diff_run_compare(&r->dr, r->ctx->db_path)))
		return ret;
	ks_phase("site: diff");
	r->present = calloc(r->dr.items.n + 1, 1);
	r->img_bits = calloc(r->dr.items.n * ni + 1, 1);
	r->group_changed = calloc(r->dr.items.n * ng + 1, 1);
	shown = calloc(r->dr.nshown + 1, sizeof(*shown));
	if (!r->present || !r->img_bits || !r->group_changed || !shown)
		abort();
	if ((ret = ks_store_items_present(v->st, &r->dr.items, r->present)))
		goto out;
	index_items(r);
	for (size_t k = 0; k < r->dr.nshown; k++)
		if (r->paged[r->dr.shown[k]])
			shown[nshown++] = r->dr.shown[k];
	ks_diff_run_doc(&r->dr, &diff);
	r->doc = (struct ks_site_doc){.imgs = &v->imgs, .groups = &v->groups, .items = &r->dr.items,
				      .kinds = shown, .nkinds = nshown, .img_bits = r->img_bits,
				      .group_changed = r->group_changed, .present = r->present,
				      .diff = &diff, .dataset = r->ctx->db_path, .link = site_href,
				      .link_ctx = r};
	if ((ret = load_checks(r)))
		goto out;
	/* only the paged kinds' items are on the indexes and in the search */
	for (size_t i = 0; i < r->dr.items.n; i++)
		r->present[i] &= r->paged[r->dr.items.kind[i]];
	if ((ret = item_pages(r)))
		goto out;
	ks_phase("site: item pages");
	if ((ret = ks_site_write_indexes(r->site, &r->doc)) ||
	    (ret = ks_site_write_summary(r->site, &r->doc)) ||
	    (ret = ks_site_write_checks(r->site, &r->doc)))
		goto out;
	ret = ks_site_close(r->site, &stats);
	r->site = NULL;
	ks_phase("site: indexes");
	if (!ret && !ks_quiet)
		printf("site %s: %zu files (%zu item pages), %.1f MiB; %zu written, %zu unchanged, "
		       "%zu removed (%.2f s)\n",
		       dir, stats.files, r->pages, (double)stats.bytes / (1 << 20), stats.written,
		       stats.unchanged, stats.removed, ks_now() - t0);
out:
	free(shown);
	return ret;
}

int cmd_site(int argc, char **argv, struct ks_ctx *ctx)
{
	static const struct option opts[] = {
		{"baseline", required_argument, NULL, 'b'},
		{"kind", required_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct site_run r = {.ctx = ctx};
	const char *baseline = NULL;
	char **kinds = NULL;
	size_t nkinds = 0;
	int c, ret, k;

	/* no ks_heap_setup: its single arena serialises the page threads' many small
	   allocations */
	while ((c = getopt_long(argc, argv, "b:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': baseline = optarg; break;
		case 'k':
			k = ks_kind_parse(optarg);
			if (k < 0 || k == KS_KIND_FIELD) {
				free(kinds);
				return ks_cmd_usage_error(site_usage, "site: unknown kind '%s'", optarg);
			}
			kinds = realloc(kinds, (nkinds + 1) * sizeof(*kinds));
			if (!kinds)
				abort();
			kinds[nkinds++] = (char *)ks_kind_name(k);
			break;
		case 'h': fputs(site_usage, stdout); free(kinds); return 0;
		default: fputs(site_usage, stderr); free(kinds); return KS_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		free(kinds);
		return ks_cmd_usage_error(site_usage, "site: expected one directory DIR");
	}
	pthread_mutex_init(&r.lock, NULL);
	if (ks_view_open(ctx, baseline, &r.v)) {
		free(kinds);
		return ks_cmd_fail();
	}
	ret = run(&r, argv[optind], kinds, nkinds);
	ks_site_abort(r.site);
	ks_diff_run_free(&r.dr);
	ks_view_close(&r.v);
	for (size_t b = 0; r.batch && b < BATCH; b++) {
		free(r.batch[b].defs);
		free(r.batch[b].where);
		free(r.batch[b].others);
		free(r.batch[b].dups);
	}
	free(r.batch);
	free(r.paged);
	free(r.present);
	free(r.img_bits);
	free(r.group_changed);
	free(r.slots);
	free(r.msg);
	for (size_t i = 0; r.checks && i < r.ncrows; i++)
		json_decref(r.checks[i]);
	free(r.checks);
	free(r.check_times);
	ks_check_rows_free(r.crows, r.ncrows);
	free(kinds);
	pthread_mutex_destroy(&r.lock);
	return ret ? ks_cmd_fail() : 0;
}
