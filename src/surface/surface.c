/* SPDX-License-Identifier: MIT */
/* The whole surface of an image: types, then every extractor of the registry. */
#include "surface/surface.h"

#include <bpf/btf.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/err.h"

typedef int (*ks_extractor_fn)(const struct ks_surface_input *in, struct ks_surface *out);

/*
 * The extractors beyond types, in the order they run. Each appends its items with
 * ks_surface_push. Add a kind: write src/surface/<kind>.c, declare it in surface_int.h,
 * add one line here.
 */
#include "surface/surface_int.h"

static const struct {
	const char *what;
	ks_extractor_fn fn;
} extractors[] = {
	{"surface: bpf enums", ks_surface_bpfenums},
	{"surface: config", ks_surface_kconfig},
	{"surface: funcs", ks_surface_funcs},
	{"surface: kfuncs", ks_surface_kfuncs},
	{"surface: lsm", ks_surface_lsm},
	{"surface: tracepoints", ks_surface_tracepoints},
	{"surface: syscalls", ks_surface_syscalls},
	{NULL, NULL},
};

uint32_t ks_btf_first_id(const struct btf *btf)
{
	const struct btf *base = btf__base_btf(btf);

	return base ? btf__type_cnt(base) : 1;
}

void ks_surface_push(struct ks_surface *s, enum ks_kind kind, const char *name, char *def,
		     unsigned dup_count)
{
	struct ks_item *it;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->items = realloc(s->items, s->cap * sizeof(*s->items));
		if (!s->items)
			abort();
	}
	it = &s->items[s->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->name = strdup(name);
	if (!it->name)
		abort();
	it->def = def;
	it->dup_count = dup_count;
}

static int cmp_item(const void *a, const void *b)
{
	const struct ks_item *x = a, *y = b;

	int r;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	r = strcmp(x->name, y->name);
	return r ? r : strcmp(x->def, y->def);
}

/*
 * An item is (kind, name): should two extractors (or one, on a lying BTF) push the same
 * pair, one is kept and the rest are counted, as for duplicate types. cmp_item orders
 * such twins by their def, so which one is kept does not depend on qsort.
 */
static void drop_duplicates(struct ks_surface *s)
{
	size_t o = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (o && s->items[o - 1].kind == s->items[i].kind &&
		    !strcmp(s->items[o - 1].name, s->items[i].name)) {
			s->items[o - 1].dup_count += 1 + s->items[i].dup_count;
			s->dup_total++;
			free(s->items[i].name);
			free(s->items[i].def);
			free(s->items[i].module);
			free(s->items[i].others);
			continue;
		}
		s->items[o++] = s->items[i];
	}
	s->n = o;
}

/* The types, extracted on a thread of their own while the registry runs. */
struct types_job {
	const struct btf *btf;
	struct ks_surface s;
	int ret;
	char *msg; /* ks_err's message is thread-local: carried back */
};

static void *run_types(void *arg)
{
	struct types_job *j = arg;

	if ((j->ret = ks_surface_types(j->btf, &j->s)))
		j->msg = strdup(ks_errmsg());
	return NULL;
}

/* Append b's items to a (b is left empty). */
static void append(struct ks_surface *a, struct ks_surface *b)
{
	if (a->n + b->n > a->cap) {
		a->cap = a->n + b->n;
		if (!(a->items = realloc(a->items, a->cap * sizeof(*a->items))))
			abort();
	}
	memcpy(a->items + a->n, b->items, b->n * sizeof(*b->items));
	a->n += b->n;
	a->dup_total += b->dup_total;
	free(b->items);
	memset(b, 0, sizeof(*b));
}

/*
 * Types (a third of the work, hashed by ks_surface_types itself) run on a second thread
 * while the registry's extractors run in order on this one: an extractor may read the
 * items of those before it (DWARF words on functions), never the types.
 */
int ks_surface_extract(const struct ks_surface_input *in, struct ks_surface *out)
{
	struct types_job tj = {.btf = in->btf};
	pthread_t th;
	bool threaded;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	threaded = !pthread_create(&th, NULL, run_types, &tj);
	if (!threaded)
		run_types(&tj);
	for (size_t i = 0; extractors[i].fn && !ret; i++) {
		ret = extractors[i].fn(in, out);
		if (ret)
			ret = ks_err_ctx(ret, "%s", extractors[i].what);
		ks_phase(extractors[i].what);
	}
	if (threaded)
		pthread_join(th, NULL);
	ks_phase("surface: types (on a second thread)");
	if (!ret && tj.ret)
		ret = ks_err(tj.ret, "%s", tj.msg ? tj.msg : "BTF types");
	free(tj.msg);
	if (ret) {
		ks_surface_free(&tj.s);
		ks_surface_free(out);
		return ret;
	}
	ks_surface_hash(out->items, out->n);
	append(out, &tj.s);
	qsort(out->items, out->n, sizeof(*out->items), cmp_item);
	drop_duplicates(out);
	return 0;
}
