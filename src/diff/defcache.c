/* SPDX-License-Identifier: MIT */
/* Definitions by id, read and parsed once while in use (see defcache.h). */
#include "diff/defcache.h"

#include <stdlib.h>
#include <string.h>

#include "diff/change.h"
#include "util/err.h"
#include "util/parallel.h"

/* Open addressing on the def id; capacity a power of two, at most half full. */
struct ks_def_cache {
	ks_def_fetch_fn fetch;
	void *ctx;
	struct ks_def_entry **slot;
	size_t cap, n;
	uint32_t gen;
};

static size_t hash_id(int64_t id, size_t cap)
{
	uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ull;

	return (size_t)(x >> 17) & (cap - 1);
}

static void insert(struct ks_def_cache *c, struct ks_def_entry *e)
{
	size_t i = hash_id(e->id, c->cap);

	while (c->slot[i])
		i = (i + 1) & (c->cap - 1);
	c->slot[i] = e;
	c->n++;
}

static void resize(struct ks_def_cache *c, size_t cap)
{
	struct ks_def_entry **old = c->slot;
	size_t ocap = c->cap;

	if (!(c->slot = calloc(cap, sizeof(*c->slot))))
		abort();
	c->cap = cap;
	c->n = 0;
	for (size_t i = 0; i < ocap; i++)
		if (old[i])
			insert(c, old[i]);
	free(old);
}

struct ks_def_cache *ks_def_cache_new(ks_def_fetch_fn fetch, void *ctx)
{
	struct ks_def_cache *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	c->fetch = fetch;
	c->ctx = ctx;
	resize(c, 1024);
	return c;
}

static void entry_free(struct ks_def_entry *e)
{
	free(e->text);
	free(e->parse_msg);
	ks_jdoc_free(&e->doc);
	free(e);
}

void ks_def_cache_free(struct ks_def_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		if (c->slot[i])
			entry_free(c->slot[i]);
	free(c->slot);
	free(c);
}

int ks_def_cache_get(struct ks_def_cache *c, int64_t id, struct ks_def_entry **out)
{
	size_t i = hash_id(id, c->cap);
	struct ks_def_entry *e;
	int ret;

	for (; (e = c->slot[i]); i = (i + 1) & (c->cap - 1))
		if (e->id == id) {
			e->gen = c->gen;
			*out = e;
			return 0;
		}
	if (!(e = calloc(1, sizeof(*e))))
		abort();
	e->id = id;
	e->gen = c->gen;
	if ((ret = c->fetch(c->ctx, id, &e->text))) {
		free(e);
		return ret;
	}
	if (2 * (c->n + 1) > c->cap)
		resize(c, c->cap * 2);
	insert(c, e);
	*out = e;
	return 0;
}

static void parse_one(void *arg, size_t i)
{
	struct ks_def_entry *e = ((struct ks_def_entry **)arg)[i];

	if (e->doc.root || e->parse_err)
		return;
	/* ks_err's message is thread-local: keep it with the entry */
	if ((e->parse_err = ks_def_parse(e->text, &e->doc)))
		e->parse_msg = strdup(ks_errmsg());
}

void ks_def_cache_parse(struct ks_def_entry **v, size_t n)
{
	ks_parallel_for(n, 64, parse_one, v);
}

void ks_def_cache_next_gen(struct ks_def_cache *c)
{
	struct ks_def_entry **old = c->slot;
	size_t cap = c->cap;

	if (!(c->slot = calloc(cap, sizeof(*c->slot))))
		abort();
	c->n = 0;
	for (size_t i = 0; i < cap; i++) {
		if (!old[i])
			continue;
		if (old[i]->gen == c->gen)
			insert(c, old[i]);
		else
			entry_free(old[i]);
	}
	free(old);
	c->gen++;
}
