/* SPDX-License-Identifier: MIT */
/* Whole surfaces compared: a merge of two sorted (item, def) lists. */
#include "diff/surfdiff.h"

#include <stdlib.h>
#include <string.h>

#include "surface/surface.h"
#include "util/err.h"

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

/* Fetch both defs of an item whose def ids differ and explain the difference. */
static int compare_item(const struct ks_surface_diff_in *in, struct ks_surface_diff *out,
			uint32_t item, int64_t da, int64_t db)
{
	struct ks_kind_counts *kc = &out->kinds[in->items->kind[item]];
	struct ks_changes ch = {0};
	char *ta = NULL, *tb = NULL;
	int ret, st;

	if ((ret = in->fetch(in->ctx, da, &ta)) || (ret = in->fetch(in->ctx, db, &tb)))
		goto out;
	st = ks_diff_defs(ta, tb, &ch);
	if (st < 0) {
		ret = ks_err(st, "%s %s: %s", in->items->kinds[in->items->kind[item]],
			     ks_item_table_name(in->items, item), ks_errmsg());
		goto out;
	}
	if (st != KS_PAIR_CHANGED) {
		kc->unchanged++;
		ks_changes_free(&ch);
		goto out;
	}
	kc->changed++;
	{
		uint8_t seen[KS_CHG__COUNT] = {0};

		for (size_t c = 0; c < ch.n; c++)
			if ((unsigned)ch.v[c].type < KS_CHG__COUNT && !seen[ch.v[c].type]++)
				kc->by_type[ch.v[c].type]++;
	}
	push(out, item, KS_PAIR_CHANGED)->ch = ch;
out:
	if (ret)
		ks_changes_free(&ch);
	free(ta);
	free(tb);
	return ret;
}

int ks_diff_surfaces(const struct ks_surface_diff_in *in, struct ks_surface_diff *out)
{
	const struct ks_image_defs *a = in->a, *b = in->b;
	size_t i = 0, j = 0;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->nkinds = in->items->nkinds;
	out->kinds = calloc(out->nkinds ? out->nkinds : 1, sizeof(*out->kinds));
	if (!out->kinds)
		abort();
	while ((i < a->n || j < b->n) && !ret) {
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
				if (a->v[i].def == b->v[j].def)
					kc->unchanged++;
				else
					ret = compare_item(in, out, item, a->v[i].def, b->v[j].def);
			}
			i++;
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

static const struct ks_item_table *sort_table;
static const uint32_t *sort_rank;

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

static int cmp_item_diff(const void *pa, const void *pb)
{
	const struct ks_item_diff *a = pa, *b = pb;
	uint32_t ra = sort_rank[sort_table->kind[a->item]], rb = sort_rank[sort_table->kind[b->item]];

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp(ks_item_table_name(sort_table, a->item), ks_item_table_name(sort_table, b->item));
}

void ks_surface_diff_sort(struct ks_surface_diff *d, const struct ks_item_table *t,
			  const uint32_t *rank)
{
	/* qsort has no context argument in C17; the tool sorts on one thread */
	sort_table = t;
	sort_rank = rank;
	qsort(d->v, d->n, sizeof(*d->v), cmp_item_diff);
	sort_table = NULL;
	sort_rank = NULL;
}
