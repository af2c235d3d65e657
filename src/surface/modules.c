/* SPDX-License-Identifier: MIT */
/*
 * The surface of an image's modules. Each module's .BTF is split BTF on top of the
 * image's vmlinux BTF: read with libbpf against that base, its own types give the
 * module's types, funcs (joined with the module's .symtab), kfuncs and tracepoints,
 * extracted by the same extractors as vmlinux's. Then they join the image's surface:
 * each item knows the modules it lives in.
 */
#include "surface/modules.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ingest/kmod.h"
#include "surface/surface_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/parallel.h"
#include "util/strbuf.h"

/* The extractors that find items in a module (LSM hooks, syscalls, BPF enums and config
 * are vmlinux's alone). */
static const ks_module_extractor_fn module_extractors[] = {
	ks_surface_funcs,
	ks_surface_kfuncs,
	ks_surface_tracepoints,
	NULL,
};

struct mod_job {
	const struct btf *base;
	const struct ks_kmod *mods;
	struct ks_surface *surf; /* per module */
	char **error;		 /* per module */
	int *has_btf;
};

/*
 * Split BTF from bytes. The libbpf of Debian 12 (1.1) does not export btf__new_split,
 * only the parsers that take a path: the bytes go through a memfd, never to disk.
 * NULL with errno set on failure.
 */
static struct btf *split_btf_new(const uint8_t *data, size_t size, const struct btf *base)
{
	char path[64];
	struct btf *btf = NULL;
	size_t off = 0;
	int fd = memfd_create("ksurf-module-btf", MFD_CLOEXEC), err;

	if (fd < 0)
		return NULL;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0)
			goto out;
		off += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	btf = btf__parse_raw_split(path, (struct btf *)base);
out:
	err = errno;
	close(fd);
	errno = err;
	return btf;
}

/* Whether type id `ref` may be what `t` refers to: in range, and of a kind that can be. */
static int ref_ok(const struct btf *btf, uint32_t ref, uint32_t cnt, int want_proto)
{
	const struct btf_type *r;

	if (ref >= cnt)
		return 0;
	if (!ref)
		return !want_proto; /* void */
	r = btf__type_by_id(btf, ref);
	if (want_proto)
		return btf_is_func_proto(r);
	return !btf_is_func(r) && !btf_is_var(r) && !btf_is_datasec(r) && !btf_is_decl_tag(r);
}

/*
 * libbpf 1.1 takes split BTF without checking its references, and split BTF built on
 * another vmlinux refers by id to types that are not there: past the end, or a type of
 * the wrong kind (a FUNC whose prototype is a struct). Check every reference of the
 * module's own types. 0, or -EINVAL naming the first bad reference.
 */
static int check_refs(const struct btf *btf, const char *origin)
{
	uint32_t cnt = btf__type_cnt(btf), first = ks_btf_first_id(btf);

	for (uint32_t id = first; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		uint32_t bad = 0;
		int ok = 1;

		if (!btf__name_by_offset(btf, t->name_off))
			return ks_err(-EINVAL, "%s: type [%u] has a name outside the strings", origin,
				      id);
		switch (btf_kind(t)) {
		case BTF_KIND_PTR:
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
		case BTF_KIND_VAR:
			ok = ref_ok(btf, bad = t->type, cnt, 0) ||
			     (btf_is_ptr(t) && btf__type_by_id(btf, t->type) &&
			      btf_is_func_proto(btf__type_by_id(btf, t->type)));
			break;
		case BTF_KIND_FUNC:
			ok = ref_ok(btf, bad = t->type, cnt, 1);
			break;
		case BTF_KIND_DECL_TAG:
			ok = (bad = t->type) < cnt && t->type;
			break;
		case BTF_KIND_ARRAY:
			ok = ref_ok(btf, bad = btf_array(t)->type, cnt, 0) &&
			     ref_ok(btf, bad = btf_array(t)->index_type, cnt, 0);
			break;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			for (uint16_t i = 0; i < btf_vlen(t) && ok; i++)
				ok = ref_ok(btf, bad = btf_members(t)[i].type, cnt, 0) &&
				     btf__name_by_offset(btf, btf_members(t)[i].name_off);
			break;
		case BTF_KIND_FUNC_PROTO:
			ok = ref_ok(btf, bad = t->type, cnt, 0);
			for (uint16_t i = 0; i < btf_vlen(t) && ok; i++)
				ok = ref_ok(btf, bad = btf_params(t)[i].type, cnt, 0) ||
				     (!btf_params(t)[i].type && i + 1 == btf_vlen(t));
			break;
		default:
			break;
		}
		if (!ok)
			return ks_err(-EINVAL, "%s: type [%u] refers to [%u], which is %s: this split "
					       "BTF was built on another vmlinux BTF",
				      origin, id, bad,
				      bad >= cnt ? "past the end of the base and the module"
						 : "not a type that can be referred to there");
	}
	return 0;
}

/* Anonymous struct and union bodies print inline, nested in their parent's. */
#define MAX_ANON_NESTING 16

/* The anonymous struct/union a member of type id prints inline, or 0. */
static uint32_t inline_body(const struct btf *btf, uint32_t id)
{
	for (int i = 0; i < 64 && id; i++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t)
			return 0;
		if (btf_is_composite(t))
			return t->name_off ? 0 : id;
		if (btf_is_array(t))
			id = btf_array(t)->type;
		else if (btf_is_mod(t))
			id = t->type;
		else
			return 0;
	}
	return 0;
}

/*
 * How deep anonymous bodies nest below the module's own type id (1 for a body without
 * any): -1 when a body holds itself (a struct of infinite size, which no compiler
 * emits) or nesting passes MAX_ANON_NESTING. memo: 0 unknown, UINT8_MAX on the path.
 */
static int anon_depth(const struct btf *btf, uint32_t id, uint32_t first, uint8_t *memo, int lvl)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int deepest = 0;

	if (id < first)
		return 0; /* vmlinux's: read and printed with the image */
	if (memo[id - first] == UINT8_MAX || lvl > MAX_ANON_NESTING)
		return -1;
	if (memo[id - first])
		return memo[id - first];
	memo[id - first] = UINT8_MAX;
	for (uint16_t i = 0; i < btf_vlen(t); i++) {
		uint32_t body = inline_body(btf, btf_members(t)[i].type);
		int d = body ? anon_depth(btf, body, first, memo, lvl + 1) : 0;

		if (d < 0)
			return -1;
		deepest = d > deepest ? d : deepest;
	}
	if (deepest + 1 > MAX_ANON_NESTING)
		return -1;
	memo[id - first] = (uint8_t)(deepest + 1);
	return deepest + 1;
}

static int check_nesting(const struct btf *btf, const char *origin)
{
	uint32_t cnt = btf__type_cnt(btf), first = ks_btf_first_id(btf);
	uint8_t *memo = calloc(cnt - first + 1, 1);
	int ret = 0;

	if (!memo)
		abort();
	for (uint32_t id = first; id < cnt && !ret; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_composite(t) && anon_depth(btf, id, first, memo, 0) < 0)
			ret = ks_err(-EINVAL, "%s: type [%u] holds anonymous bodies nested more than %d "
					      "deep, or itself",
				     origin, id, MAX_ANON_NESTING);
	}
	free(memo);
	return ret;
}

static int extract_module(const struct btf *base, const struct ks_kmod *m, struct ks_surface *out,
			  int *has_btf)
{
	struct ks_surface rest = {0};
	struct btf *btf;
	int ret = 0;

	*has_btf = m->btf.size != 0;
	errno = 0;
	btf = *has_btf ? split_btf_new(m->btf.data, m->btf.size, base)
		       : btf__new_empty_split((struct btf *)base);
	if (!btf)
		return ks_err(-errno ? -errno : -EINVAL,
			      "%s: split BTF rejected by libbpf on top of the image's vmlinux BTF "
			      "(%s): not a module of this kernel, or corrupt",
			      m->origin, strerror(errno ? errno : EINVAL));
	struct ks_surface_input in = {.btf = btf, .syms = &m->syms};

	ret = check_refs(btf, m->origin);
	if (!ret)
		ret = check_nesting(btf, m->origin);
	if (!ret)
		ret = ks_surface_types(btf, out);
	for (size_t i = 0; !ret && module_extractors[i]; i++)
		ret = module_extractors[i](&in, &rest);
	if (!ret) {
		if (rest.n)
			ks_surface_hash(rest.items, rest.n);
		for (size_t i = 0; i < rest.n; i++) {
			ks_surface_push(out, rest.items[i].kind, rest.items[i].name, rest.items[i].def,
					rest.items[i].dup_count);
			memcpy(out->items[out->n - 1].hash, rest.items[i].hash, 32);
			rest.items[i].def = NULL;
		}
	} else if (!strstr(ks_errmsg(), m->origin)) {
		ret = ks_err_ctx(ret, "%s", m->origin);
	}
	ks_surface_free(&rest);
	btf__free(btf);
	return ret;
}

static void module_one(void *arg, size_t i)
{
	struct mod_job *j = arg;

	ks_phase_mute(1);
	if (extract_module(j->base, &j->mods[i], &j->surf[i], &j->has_btf[i])) {
		ks_surface_free(&j->surf[i]);
		if (!(j->error[i] = strdup(ks_errmsg())))
			abort();
	}
	ks_phase_mute(0);
}

/* One module's item, while merging. */
struct mitem {
	struct ks_item *it;
	uint32_t mod;
};

static int cmp_mitem(const void *a, const void *b)
{
	const struct mitem *x = a, *y = b;
	int r;

	if (x->it->kind != y->it->kind)
		return x->it->kind < y->it->kind ? -1 : 1;
	if ((r = strcmp(x->it->name, y->it->name)))
		return r;
	return (x->mod > y->mod) - (x->mod < y->mod); /* modules are sorted by name */
}

/* The vmlinux item of kind+name in the sorted v[0..n), or NULL. */
static struct ks_item *find_item(struct ks_item *v, size_t n, enum ks_kind kind, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = v[mid].kind != kind ? (v[mid].kind < kind ? -1 : 1) : strcmp(v[mid].name, name);

		if (!r)
			return &v[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void add_name(char **list, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	if (*list) {
		sb_add(&sb, *list);
		sb_add(&sb, ", ");
		free(*list);
	}
	sb_add(&sb, name);
	*list = sb_detach(&sb);
}

/*
 * One (kind, name) defined by modules g[0..n): vmlinux's definition, when it has one,
 * stays, and modules that define the name differently are its "others". Else the first
 * module's definition (by module name) becomes the image's item, living in every module
 * with the same definition; those with another are its "others", counted as duplicates.
 */
static void merge_group(struct ks_surface *io, size_t nvml, const struct ks_kmod *mods,
			struct mitem *g, size_t n)
{
	struct ks_item *v = find_item(io->items, nvml, g[0].it->kind, g[0].it->name);
	struct ks_item *keep = v;

	if (!keep) {
		ks_surface_push(io, g[0].it->kind, g[0].it->name, g[0].it->def, g[0].it->dup_count);
		keep = &io->items[io->n - 1];
		memcpy(keep->hash, g[0].it->hash, 32);
		g[0].it->def = NULL;
		add_name(&keep->module, mods[g[0].mod].name);
		g++, n--;
	}
	for (size_t i = 0; i < n; i++) {
		struct ks_item *it = g[i].it;

		if (memcmp(it->hash, keep->hash, 32)) {
			add_name(&keep->others, mods[g[i].mod].name);
			keep->dup_count++;
			io->dup_total++;
		} else if (!v) {
			add_name(&keep->module, mods[g[i].mod].name);
		}
	}
}

static int cmp_item_name(const void *a, const void *b)
{
	const struct ks_item *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void merge(struct ks_surface *io, const struct ks_kmod *mods, struct ks_surface *surf,
		  size_t nmods)
{
	size_t total = 0, k = 0, nvml = io->n;
	struct mitem *all;

	for (size_t i = 0; i < nmods; i++)
		total += surf[i].n;
	all = malloc((total ? total : 1) * sizeof(*all));
	if (!all)
		abort();
	for (size_t i = 0; i < nmods; i++)
		for (size_t j = 0; j < surf[i].n; j++) {
			struct ks_item *it = &surf[i].items[j];

			/* Each module has its anonymous enums: no name to look up by. */
			if (it->kind == KS_KIND_ENUM && !strcmp(it->name, "(anon)"))
				continue;
			all[k++] = (struct mitem){it, (uint32_t)i};
		}
	qsort(all, k, sizeof(*all), cmp_mitem);
	for (size_t i = 0, j; i < k; i = j) {
		for (j = i + 1; j < k && all[j].it->kind == all[i].it->kind &&
				!strcmp(all[j].it->name, all[i].it->name);)
			j++;
		merge_group(io, nvml, mods, all + i, j - i);
	}
	free(all);
	if (io->n)
		qsort(io->items, io->n, sizeof(*io->items), cmp_item_name);
}

int ks_surface_modules(const struct btf *base, const struct ks_kmod *mods, size_t n,
		       struct ks_surface *io, struct ks_module_stats *stats)
{
	struct mod_job j = {.base = base, .mods = mods};
	size_t rejected = 0, first_bad = n;
	int ret = 0;

	memset(stats, 0, sizeof(*stats));
	if (!n)
		return 0;
	j.surf = calloc(n, sizeof(*j.surf));
	j.error = calloc(n, sizeof(*j.error));
	j.has_btf = calloc(n, sizeof(*j.has_btf));
	if (!j.surf || !j.error || !j.has_btf)
		abort();
	/* libbpf's own warnings would add lines to the one that names a bad module. */
	libbpf_print_fn_t print = libbpf_set_print(NULL);

	ks_parallel_for(n, 8, module_one, &j);
	libbpf_set_print(print);
	for (size_t i = 0; i < n; i++) {
		if (j.error[i]) {
			rejected++;
			first_bad = first_bad < n ? first_bad : i;
		}
		stats->with_btf += j.has_btf[i] && !j.error[i];
	}
	/* A corrupt module among thousands is skipped; most of them rejected means the base
	 * is not theirs: modules of another build. */
	if (rejected && rejected * 2 > n) {
		ret = ks_err(-EINVAL, "%s (and %zu more of the %zu modules): their split BTF does "
				      "not match this kernel's vmlinux BTF",
			     j.error[first_bad], rejected - 1, n);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (j.error[i])
			ks_warn("%s; module skipped", j.error[i]);
	stats->modules = n - rejected;
	stats->skipped = rejected;
	size_t before = io->n;

	merge(io, mods, j.surf, n);
	stats->items = io->n - before;
out:
	for (size_t i = 0; i < n; i++) {
		ks_surface_free(&j.surf[i]);
		free(j.error[i]);
	}
	free(j.surf);
	free(j.error);
	free(j.has_btf);
	return ret;
}
