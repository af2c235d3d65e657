/* SPDX-License-Identifier: MIT */
/* Whole surfaces compared: a merge of two sorted (item, def) lists. */
#include "diff/surfdiff.h"

#include <stdlib.h>
#include <string.h>

#include "surface/surface.h"
#include "util/err.h"
#include "util/parallel.h"

static struct ks_item_diff *push(struct ks_surface_diff *d, uint32_t item, int status)
{
	struct ks_item_diff *x;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		d->v = realloc(d->v, d->cap * sizeof(*d->v));
		if (!d->v)
			abort();
	}
	x = &d->v[d->n++];
	memset(x, 0, sizeof(*x));
	x->item = item;
	x->status = status;
	return x;
}

/* An item whose def ids differ: both defs, then the verdict and changes. */
struct task {
	uint32_t item;
	int64_t da, db;
	struct ks_def_entry *ea, *eb;
	int status;
	struct ks_changes ch;
};

/* Worker: compares two parsed trees (the texts said they differ). */
static void compare_one(void *arg, size_t i)
{
	struct task *t = &((struct task *)arg)[i];

	if (t->status != KS_PAIR_CHANGED)
		return;
	if (t->ea->parse_err || t->eb->parse_err) {
		t->status = t->ea->parse_err ? t->ea->parse_err : t->eb->parse_err;
		return;
	}
	t->status = ks_diff_def_trees(t->ea->doc.root, t->eb->doc.root, &t->ch);
}

/* Read both defs (cached), decide on their texts, parse once what must be compared. */
static int prepare_tasks(struct ks_def_cache *cache, struct task *t, size_t n)
{
	struct ks_def_entry **parse = NULL;
	size_t np = 0, cap = 0;
	int ret = 0;

	for (size_t i = 0; i < n && !ret; i++) {
		if ((ret = ks_def_cache_get(cache, t[i].da, &t[i].ea)) ||
		    (ret = ks_def_cache_get(cache, t[i].db, &t[i].eb)))
			break;
		t[i].status = ks_diff_def_pair(t[i].ea->text, t[i].eb->text);
		if (t[i].status != KS_PAIR_CHANGED)
			continue;
		for (int k = 0; k < 2; k++) {
			struct ks_def_entry *e = k ? t[i].eb : t[i].ea;

			if (e->doc.root || e->want_parse)
				continue;
			e->want_parse = 1;
			if (np + 1 >= cap) {
				cap = cap ? cap * 2 : 1024;
				if (!(parse = realloc(parse, cap * sizeof(*parse))))
					abort();
			}
			parse[np++] = e;
		}
	}
	if (!ret)
		ks_def_cache_parse(parse, np);
	for (size_t i = 0; i < np; i++)
		parse[i]->want_parse = 0;
	free(parse);
	return ret;
}

/* Read, compare on the available cores, then count and keep the results in task order. */
static int finish_tasks(const struct ks_surface_diff_in *in, struct ks_def_cache *cache,
			struct ks_surface_diff *out, struct task *t, size_t n)
{
	int ret = prepare_tasks(cache, t, n);

	if (!ret)
		ks_parallel_for(n, 32, compare_one, t);
	for (size_t i = 0; i < n; i++) {
		struct ks_kind_counts *kc = &out->kinds[in->items->kind[t[i].item]];
		uint8_t seen[KS_CHG__COUNT] = {0};

		if (!ret && t[i].status < 0) {
			const struct ks_def_entry *bad = t[i].ea->parse_err ? t[i].ea : t[i].eb;

			ret = ks_err(t[i].status, "%s %s: def %lld: %s",
				     in->items->kinds[in->items->kind[t[i].item]],
				     ks_item_table_name(in->items, t[i].item), (long long)bad->id,
				     bad->parse_msg ? bad->parse_msg : "cannot be compared");
		}
		if (ret || t[i].status != KS_PAIR_CHANGED) {
			kc->unchanged += !ret;
			ks_changes_free(&t[i].ch);
			continue;
		}
		kc->changed++;
		for (size_t c = 0; c < t[i].ch.n; c++)
			if ((unsigned)t[i].ch.v[c].type < KS_CHG__COUNT && !seen[t[i].ch.v[c].type]++)
				kc->by_type[t[i].ch.v[c].type]++;
		push(out, t[i].item, KS_PAIR_CHANGED)->ch = t[i].ch;
	}
	return ret;
}

int ks_diff_surfaces(const struct ks_surface_diff_in *in, struct ks_surface_diff *out)
{
	const struct ks_image_defs *a = in->a, *b = in->b;
	struct ks_def_cache *cache;
	struct task *tasks = NULL;
	size_t i = 0, j = 0, nt = 0, cap = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	out->nkinds = in->items->nkinds;
	out->kinds = calloc(out->nkinds ? out->nkinds : 1, sizeof(*out->kinds));
	if (!out->kinds)
		abort();
	while (i < a->n || j < b->n) {
		uint32_t ia = i < a->n ? a->v[i].item : UINT32_MAX;
		uint32_t ib = j < b->n ? b->v[j].item : UINT32_MAX;
		uint32_t item = ia < ib ? ia : ib;
		uint32_t k = in->items->kind[item];
		struct ks_kind_counts *kc = &out->kinds[k];
		int want = !in->wanted || in->wanted[k];

		if (ia == ib) {
			if (want) {
				kc->old++;
				kc->new++;
				if (a->v[i].def == b->v[j].def) {
					kc->unchanged++;
				} else {
					if (nt == cap) {
						cap = cap ? cap * 2 : 256;
						if (!(tasks = realloc(tasks, cap * sizeof(*tasks))))
							abort();
					}
					tasks[nt++] = (struct task){.item = item, .da = a->v[i].def,
								    .db = b->v[j].def};
				}
			}
			i++;
			j++;
		} else if (ia < ib && want && in->b_no_modules && a->v[i].in_module) {
			kc->unknown++;
			i++;
		} else if (ia > ib && want && in->a_no_modules && b->v[j].in_module) {
			kc->unknown++;
			j++;
		} else if (ia < ib) {
			if (want) {
				kc->old++;
				kc->removed++;
				push(out, item, KS_PAIR_REMOVED);
			}
			i++;
		} else {
			if (want) {
				kc->new++;
				kc->added++;
				push(out, item, KS_PAIR_ADDED);
			}
			j++;
		}
	}
	cache = in->cache ? in->cache : ks_def_cache_new(in->fetch, in->ctx);
	ret = finish_tasks(in, cache, out, tasks, nt);
	if (cache != in->cache)
		ks_def_cache_free(cache);
	free(tasks);
	if (ret)
		ks_surface_diff_free(out);
	return ret;
}

void ks_surface_diff_free(struct ks_surface_diff *d)
{
	for (size_t i = 0; i < d->n; i++)
		ks_changes_free(&d->v[i].ch);
	free(d->v);
	free(d->kinds);
	memset(d, 0, sizeof(*d));
}

static int kind_before(const char *x, const char *y)
{
	int kx = ks_kind_parse(x), ky = ks_kind_parse(y);

	if (kx < 0)
		kx = KS_KIND__COUNT;
	if (ky < 0)
		ky = KS_KIND__COUNT;
	if (kx != ky)
		return kx < ky ? -1 : 1;
	return strcmp(x, y);
}

void ks_kind_display_order(const struct ks_item_table *t, uint32_t *order, uint32_t *rank)
{
	for (size_t i = 0; i < t->nkinds; i++)
		order[i] = (uint32_t)i;
	/* insertion sort: a dozen kinds */
	for (size_t i = 1; i < t->nkinds; i++)
		for (size_t j = i; j > 0 && kind_before(t->kinds[order[j]], t->kinds[order[j - 1]]) < 0;
		     j--) {
			uint32_t x = order[j];

			order[j] = order[j - 1];
			order[j - 1] = x;
		}
	if (rank)
		for (size_t i = 0; i < t->nkinds; i++)
			rank[order[i]] = (uint32_t)i;
}

struct sort_ctx {
	const struct ks_item_table *t;
	const uint32_t *rank;
};

static int cmp_item_diff(const void *pa, const void *pb, void *arg)
{
	const struct ks_item_diff *a = pa, *b = pb;
	const struct sort_ctx *c = arg;
	uint32_t ra = c->rank[c->t->kind[a->item]], rb = c->rank[c->t->kind[b->item]];

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp(ks_item_table_name(c->t, a->item), ks_item_table_name(c->t, b->item));
}

void ks_surface_diff_sort(struct ks_surface_diff *d, const struct ks_item_table *t,
			  const uint32_t *rank)
{
	struct sort_ctx c = {t, rank};

	/* qsort_r: pairs are sorted on several threads at once */
	if (d->n)
		qsort_r(d->v, d->n, sizeof(*d->v), cmp_item_diff, &c);
}
