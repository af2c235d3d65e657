/* SPDX-License-Identifier: MIT */
/*
 * DWARF -> function facts (dwarf.h). One pass over every unit with libdw: subprograms
 * that define functions, inlined instances and call sites. Units are handed out to two
 * threads, each with its own Elf and Dwarf handle over the same bytes (libdw's lazily
 * filled caches are per handle), each interning names into its own table; the tables
 * are merged at the end. Memory stays bounded by the facts: no DIE is kept, a unit's
 * abbreviations and line table are libdw's business.
 */
#include "ingest/dwarf.h"
#include "ingest/dwarfbtf.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/dwarf_proto.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define MAX_DEPTH 256
#define NTHREADS 2

/* ---- string interning: a pool and an open-addressing table of ids ---- */

struct intern {
	struct strbuf pool;
	uint32_t *off; /* per id: offset into pool */
	size_t n, cap;
	uint32_t *slot; /* id + 1; 0 = empty */
	size_t nslot;	/* a power of two */
};

static uint64_t hash_str(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ULL;
	return h;
}

static void intern_init(struct intern *t)
{
	memset(t, 0, sizeof(*t));
	sb_init(&t->pool);
}

static void intern_free(struct intern *t)
{
	sb_release(&t->pool);
	free(t->off);
	free(t->slot);
}

static const char *intern_str(const struct intern *t, uint32_t id)
{
	return t->pool.buf + t->off[id];
}

static bool intern_eq(const struct intern *t, uint32_t id, const char *s, size_t n)
{
	const char *p = intern_str(t, id);

	return !strncmp(p, s, n) && p[n] == '\0';
}

/* The slot of (s, n): holding its id + 1, or 0 where it would go. */
static size_t intern_slot(const struct intern *t, const char *s, size_t n)
{
	size_t mask = t->nslot - 1, i = hash_str(s, n) & mask;

	while (t->slot[i] && !intern_eq(t, t->slot[i] - 1, s, n))
		i = (i + 1) & mask;
	return i;
}

static void intern_rehash(struct intern *t)
{
	size_t nslot = t->nslot ? t->nslot * 2 : 1024;

	free(t->slot);
	t->slot = calloc(nslot, sizeof(*t->slot));
	if (!t->slot)
		abort();
	t->nslot = nslot;
	for (uint32_t id = 0; id < t->n; id++) {
		const char *p = intern_str(t, id);

		t->slot[intern_slot(t, p, strlen(p))] = id + 1;
	}
}

static uint32_t intern_get(struct intern *t, const char *s, size_t n)
{
	size_t i;

	if (2 * (t->n + 1) > t->nslot)
		intern_rehash(t);
	i = intern_slot(t, s, n);
	if (t->slot[i])
		return t->slot[i] - 1;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->off = ks_xrealloc_array(t->off, t->cap, sizeof(*t->off));
	}
	if (t->pool.len > UINT32_MAX - n - 1)
		abort(); /* 4 GiB of distinct names: not a kernel */
	t->off[t->n] = (uint32_t)t->pool.len;
	sb_addn(&t->pool, s, n);
	sb_addc(&t->pool, '\0');
	t->slot[i] = (uint32_t)t->n + 1;
	return (uint32_t)t->n++;
}

/* ---- DIE offset -> name id, so each callee's attributes are read once per thread ---- */

struct offmap {
	uint64_t *key; /* offset + 1; 0 = empty */
	uint32_t *val;
	size_t n, nslot;
};

static size_t offmap_slot(const struct offmap *m, uint64_t key)
{
	size_t mask = m->nslot - 1, i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20) & mask;

	while (m->key[i] && m->key[i] != key)
		i = (i + 1) & mask;
	return i;
}

static void offmap_put(struct offmap *m, uint64_t off, uint32_t val)
{
	uint64_t key = off + 1;
	size_t i;

	if (2 * (m->n + 1) > m->nslot) {
		struct offmap g = {.nslot = m->nslot ? 2 * m->nslot : 4096};

		g.key = calloc(g.nslot, sizeof(*g.key));
		g.val = calloc(g.nslot, sizeof(*g.val));
		if (!g.key || !g.val)
			abort();
		for (size_t j = 0; j < m->nslot; j++) {
			if (!m->key[j])
				continue;
			i = offmap_slot(&g, m->key[j]);
			g.key[i] = m->key[j];
			g.val[i] = m->val[j];
		}
		g.n = m->n;
		free(m->key);
		free(m->val);
		*m = g;
	}
	i = offmap_slot(m, key);
	if (!m->key[i])
		m->n++;
	m->key[i] = key;
	m->val[i] = val;
}

static bool offmap_get(const struct offmap *m, uint64_t off, uint32_t *val)
{
	size_t i;

	if (!m->nslot)
		return false;
	i = offmap_slot(m, off + 1);
	if (!m->key[i])
		return false;
	*val = m->val[i];
	return true;
}

/* ---- one reader per thread ---- */

struct units {
	const char *origin;
	const uint8_t *data;
	size_t size;
	Dwarf_Off *off; /* unit header offsets */
	size_t n;
	size_t next; /* the next unit to hand out (atomic) */
};

struct reader {
	struct units *u;
	Elf *elf;
	Dwarf *dw;
	struct intern names, files;
	struct offmap callee;
	struct ks_dwarf_def *defs;
	size_t ndefs, capdefs;
	struct ks_dwarf_edge *edges;
	size_t nedges, capedges;
	char **protos;
	size_t nprotos, capprotos;
	uint32_t unit_name;
	const char *comp_dir;
	size_t units;
	unsigned vmin, vmax;
	struct strbuf path;
	int ret;
	char err[512];
};

static int fail(struct reader *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct reader *r, int code, const char *fmt, ...)
{
	va_list ap;

	if (!r->ret) {
		va_start(ap, fmt);
		vsnprintf(r->err, sizeof(r->err), fmt, ap);
		va_end(ap);
		r->ret = code;
	}
	return r->ret;
}

static int bad_die(struct reader *r, Dwarf_Die *die, const char *what)
{
	return fail(r, -EINVAL, "%s: DWARF DIE at 0x%llx: %s: %s", r->u->origin,
		    (unsigned long long)dwarf_dieoffset(die), what, dwarf_errmsg(-1));
}

/*
 * A declaration file as a stable name: relative to the unit's build directory when it
 * is under it, "./" and "//" removed, so the same header reads the same from every
 * unit (and from every build tree).
 */
static uint32_t file_id(struct reader *r, const char *p)
{
	struct strbuf *b = &r->path;
	size_t n;

	if (!p || !*p)
		return 0;
	sb_reset(b);
	if (r->comp_dir && (n = strlen(r->comp_dir)) && !strncmp(p, r->comp_dir, n) && p[n] == '/')
		p += n + 1;
	while (*p) {
		if (p[0] == '/' && (!b->len || b->buf[b->len - 1] == '/') && b->len) {
			p++;
			continue;
		}
		if (p[0] == '.' && p[1] == '/' && (!b->len || b->buf[b->len - 1] == '/')) {
			p += 2;
			continue;
		}
		sb_addc(b, *p++);
	}
	return intern_get(&r->files, b->buf, b->len);
}

static const char *str_attr(Dwarf_Die *die, unsigned name)
{
	Dwarf_Attribute a;

	return dwarf_formstring(dwarf_attr_integrate(die, name, &a));
}

/* The name id of the function a DIE refers to through attribute `at`; -1 when none. */
static long ref_name(struct reader *r, Dwarf_Die *die, unsigned at)
{
	Dwarf_Attribute a;
	Dwarf_Die target;
	const char *name;
	uint32_t id;
	Dwarf_Off off;

	if (!dwarf_attr(die, at, &a) || !dwarf_formref_die(&a, &target))
		return -1;
	off = dwarf_dieoffset(&target);
	if (offmap_get(&r->callee, off, &id))
		return id == UINT32_MAX ? -1 : (long)id;
	name = str_attr(&target, DW_AT_name);
	id = name ? intern_get(&r->names, name, strlen(name)) : UINT32_MAX;
	offmap_put(&r->callee, off, id);
	return id == UINT32_MAX ? -1 : (long)id;
}

static void add_edge(struct reader *r, long callee, long caller, uint32_t kind)
{
	if (callee < 0 || caller < 0)
		return;
	if (r->nedges == r->capedges) {
		r->capedges = r->capedges ? 2 * r->capedges : 4096;
		r->edges = ks_xrealloc_array(r->edges, r->capedges, sizeof(*r->edges));
	}
	r->edges[r->nedges++] = (struct ks_dwarf_edge){(uint32_t)callee, (uint32_t)caller, kind};
}

static bool lowest_addr(Dwarf_Die *die, uint64_t *addr)
{
	Dwarf_Addr lo, base, start, end;
	ptrdiff_t off = 0;
	bool any = false;

	if (dwarf_lowpc(die, &lo) == 0) {
		*addr = lo;
		return true;
	}
	*addr = UINT64_MAX;
	while ((off = dwarf_ranges(die, off, &base, &start, &end)) > 0) {
		if (start < *addr)
			*addr = start;
		any = true;
	}
	return any;
}

/*
 * A subprogram: its def (unless a declaration); returns its name id or -1, and in
 * *code whether it has code of its own. Only then are its children walked: an abstract
 * instance tree (DW_AT_inline, no code) repeats the inlined instances and call sites
 * that its concrete copies hold, and would count them twice.
 */
static long subprogram(struct reader *r, Dwarf_Die *die, bool *code)
{
	struct ks_dwarf_def d = {0};
	Dwarf_Attribute a;
	Dwarf_Word inl = 0;
	const char *name;
	bool ext = false;
	int line = 0;

	*code = false;
	if (dwarf_hasattr(die, DW_AT_declaration))
		return -1;
	*code = (dwarf_hasattr(die, DW_AT_low_pc) || dwarf_hasattr(die, DW_AT_ranges));
	name = str_attr(die, DW_AT_name);
	if (!name)
		return -1;
	d.name = intern_get(&r->names, name, strlen(name));
	if (dwarf_attr_integrate(die, DW_AT_external, &a))
		dwarf_formflag(&a, &ext);
	if (dwarf_attr_integrate(die, DW_AT_inline, &a))
		dwarf_formudata(&a, &inl);
	d.external = ext;
	d.inl = (uint8_t)(inl & 3);
	d.concrete = dwarf_hasattr(die, DW_AT_abstract_origin);
	d.has_code = *code && lowest_addr(die, &d.addr);
	d.file = file_id(r, dwarf_decl_file(die));
	if (dwarf_decl_line(die, &line) == 0 && line > 0)
		d.line = (uint32_t)line;
	d.unit = r->unit_name;
	if (!d.concrete) {
		sb_reset(&r->path);
		ks_dwarf_proto(die, name, &r->path);
		if (r->nprotos == r->capprotos) {
			r->capprotos = r->capprotos ? 2 * r->capprotos : 4096;
			r->protos = ks_xrealloc_array(r->protos, r->capprotos, sizeof(*r->protos));
		}
		r->protos[r->nprotos++] = sb_copy(&r->path);
		d.proto = (uint32_t)r->nprotos;
	}
	dwarf_errno(); /* a missing line table is not an error: file stays "?" */
	if (r->ndefs == r->capdefs) {
		r->capdefs = r->capdefs ? 2 * r->capdefs : 4096;
		r->defs = ks_xrealloc_array(r->defs, r->capdefs, sizeof(*r->defs));
	}
	r->defs[r->ndefs++] = d;
	return d.name;
}

/*
 * An instance of f inlined into f itself is recursion a probe misses, unless its call
 * line is f's own declaration line: GCC nests such an instance in f's body (and in
 * every inlined copy of f) after splitting f into f and f.part.N; it is no call.
 */
static bool split_artifact(Dwarf_Die *inl)
{
	Dwarf_Attribute a;
	Dwarf_Word call_line;
	int decl_line;

	return dwarf_formudata(dwarf_attr(inl, DW_AT_call_line, &a), &call_line) == 0 &&
	       dwarf_decl_line(inl, &decl_line) == 0 && call_line == (Dwarf_Word)decl_line;
}

/*
 * The children of `parent`; `caller` is the function their code runs in (or -1), an
 * inlined instance when `inlined`.
 */
static int walk(struct reader *r, Dwarf_Die *parent, long caller, bool inlined, int depth)
{
	Dwarf_Die c;
	int rc;

	if (depth > MAX_DEPTH)
		return fail(r, -ELOOP, "%s: DWARF DIE at 0x%llx: nested deeper than %d", r->u->origin,
			    (unsigned long long)dwarf_dieoffset(parent), MAX_DEPTH);
	rc = dwarf_child(parent, &c);
	if (rc < 0)
		return bad_die(r, parent, "cannot read its children");
	while (rc == 0 && !r->ret) {
		bool code;
		long id;

		switch (dwarf_tag(&c)) {
		case DW_TAG_subprogram:
			id = subprogram(r, &c, &code);
			if (code && dwarf_haschildren(&c))
				walk(r, &c, id, false, depth + 1);
			break;
		case DW_TAG_inlined_subroutine:
			id = ref_name(r, &c, DW_AT_abstract_origin);
			if (!(id == caller && split_artifact(&c)))
				add_edge(r, id, caller, KS_DWARF_INLINED);
			walk(r, &c, id >= 0 ? id : caller, id >= 0 || inlined, depth + 1);
			break;
		case DW_TAG_call_site:
		case DW_TAG_GNU_call_site:
			id = ref_name(r, &c, DW_AT_call_origin);
			if (id < 0)
				id = ref_name(r, &c, DW_AT_abstract_origin);
			/* the split-off rest of a partly inlined function calls itself */
			if (id != caller)
				add_edge(r, id, caller, KS_DWARF_CALL);
			break;
		case DW_TAG_lexical_block:
			walk(r, &c, caller, inlined, depth + 1);
			break;
		case DW_TAG_invalid:
			return bad_die(r, &c, "no tag");
		default:
			break;
		}
		rc = dwarf_siblingof(&c, &c);
	}
	if (rc < 0)
		return bad_die(r, &c, "cannot read its sibling");
	return r->ret;
}

static int walk_unit(struct reader *r, Dwarf_Off off)
{
	Dwarf_Off next;
	size_t hsize;
	Dwarf_Half version;
	Dwarf_Die cu;
	const char *name;

	if (dwarf_next_unit(r->dw, off, &next, &hsize, &version, NULL, NULL, NULL, NULL, NULL))
		return fail(r, -EINVAL, "%s: DWARF unit at 0x%llx: %s", r->u->origin,
			    (unsigned long long)off, dwarf_errmsg(-1));
	if (!dwarf_offdie(r->dw, off + hsize, &cu))
		return fail(r, -EINVAL, "%s: DWARF unit at 0x%llx: no unit DIE: %s", r->u->origin,
			    (unsigned long long)off, dwarf_errmsg(-1));
	if (!r->vmin || version < r->vmin)
		r->vmin = version;
	if (version > r->vmax)
		r->vmax = version;
	switch (dwarf_tag(&cu)) {
	case DW_TAG_compile_unit:
	case DW_TAG_partial_unit:
		break;
	default: /* type units, skeleton units: no functions of their own */
		return 0;
	}
	r->comp_dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &(Dwarf_Attribute){0}));
	name = dwarf_diename(&cu);
	r->unit_name = file_id(r, name);
	r->units++;
	return walk(r, &cu, -1, false, 0);
}

/* Whether the ELF has a .debug_info section (compressed or not). */
static bool has_debug_info(Elf *elf)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return false;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
			continue;
		if (!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info"))
			return sh.sh_type != SHT_NOBITS && sh.sh_size > 0;
	}
	return false;
}

int ks_dwarf_present(const uint8_t *data, size_t size)
{
	Elf *elf;
	int has;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)data, size);
	has = elf && elf_kind(elf) == ELF_K_ELF && has_debug_info(elf);
	if (elf)
		elf_end(elf);
	return has;
}

static int reader_open(struct reader *r, struct units *u)
{
	memset(r, 0, sizeof(*r));
	r->u = u;
	intern_init(&r->names);
	intern_init(&r->files);
	intern_get(&r->files, "?", 1);
	sb_init(&r->path);
	r->elf = elf_memory((char *)u->data, u->size);
	if (!r->elf)
		return fail(r, -EINVAL, "%s: not an ELF file: %s", u->origin, elf_errmsg(-1));
	if (elf_kind(r->elf) != ELF_K_ELF)
		return fail(r, -EINVAL, "%s: not an ELF file", u->origin);
	if (!has_debug_info(r->elf))
		return fail(r, -ENODATA, "%s: no DWARF debug info", u->origin);
	r->dw = dwarf_begin_elf(r->elf, DWARF_C_READ, NULL);
	if (!r->dw)
		return fail(r, -EINVAL, "%s: cannot read DWARF: %s", u->origin, dwarf_errmsg(-1));
	return 0;
}

static void reader_close(struct reader *r)
{
	if (r->dw)
		dwarf_end(r->dw);
	if (r->elf)
		elf_end(r->elf);
	intern_free(&r->names);
	intern_free(&r->files);
	free(r->callee.key);
	free(r->callee.val);
	free(r->defs);
	free(r->edges);
	for (size_t i = 0; i < r->nprotos; i++)
		free(r->protos[i]);
	free(r->protos);
	sb_release(&r->path);
}

static void *reader_run(void *arg)
{
	struct reader *r = arg;

	while (!r->ret) {
		size_t i = __atomic_fetch_add(&r->u->next, 1, __ATOMIC_RELAXED);

		if (i >= r->u->n)
			break;
		walk_unit(r, r->u->off[i]);
	}
	return NULL;
}

/* The unit offsets, read through the first reader's handle. */
static int list_units(struct reader *r)
{
	Dwarf_Off off = 0, next;
	size_t hsize, cap = 0;
	int rc;

	while ((rc = dwarf_next_unit(r->dw, off, &next, &hsize, NULL, NULL, NULL, NULL, NULL,
				     NULL)) == 0) {
		if (r->u->n == cap) {
			cap = cap ? 2 * cap : 1024;
			r->u->off = ks_xrealloc_array(r->u->off, cap, sizeof(*r->u->off));
		}
		r->u->off[r->u->n++] = off;
		if (next <= off)
			return fail(r, -EINVAL, "%s: DWARF unit at 0x%llx: bad length", r->u->origin,
				    (unsigned long long)off);
		off = next;
	}
	if (rc < 0)
		return fail(r, -EINVAL, "%s: DWARF unit header at 0x%llx: %s", r->u->origin,
			    (unsigned long long)off, dwarf_errmsg(-1));
	if (!r->u->n)
		return fail(r, -ENODATA, "%s: no DWARF units", r->u->origin);
	return 0;
}

/* Move reader b's facts into a's tables: names and files re-interned, ids remapped. */
static void merge(struct reader *a, struct reader *b)
{
	uint32_t *nmap = ks_xrealloc_array(NULL, b->names.n + 1, sizeof(*nmap));
	uint32_t *fmap = ks_xrealloc_array(NULL, b->files.n + 1, sizeof(*fmap));

	for (uint32_t i = 0; i < b->names.n; i++) {
		const char *s = intern_str(&b->names, i);

		nmap[i] = intern_get(&a->names, s, strlen(s));
	}
	for (uint32_t i = 0; i < b->files.n; i++) {
		const char *s = intern_str(&b->files, i);

		fmap[i] = intern_get(&a->files, s, strlen(s));
	}
	a->defs = ks_xrealloc_array(a->defs, a->ndefs + b->ndefs + 1, sizeof(*a->defs));
	for (size_t i = 0; i < b->ndefs; i++) {
		struct ks_dwarf_def d = b->defs[i];

		d.name = nmap[d.name];
		d.file = fmap[d.file];
		d.unit = fmap[d.unit];
		if (d.proto)
			d.proto += (uint32_t)a->nprotos;
		a->defs[a->ndefs++] = d;
	}
	a->capdefs = a->ndefs;
	a->protos = ks_xrealloc_array(a->protos, a->nprotos + b->nprotos + 1, sizeof(*a->protos));
	if (b->nprotos) /* b->protos is NULL without any */
		memcpy(a->protos + a->nprotos, b->protos, b->nprotos * sizeof(*b->protos));
	a->nprotos += b->nprotos;
	a->capprotos = a->nprotos;
	b->nprotos = 0;
	a->edges = ks_xrealloc_array(a->edges, a->nedges + b->nedges + 1, sizeof(*a->edges));
	for (size_t i = 0; i < b->nedges; i++) {
		struct ks_dwarf_edge e = b->edges[i];

		e.callee = nmap[e.callee];
		e.caller = nmap[e.caller];
		a->edges[a->nedges++] = e;
	}
	a->capedges = a->nedges;
	a->units += b->units;
	if (b->vmin && (!a->vmin || b->vmin < a->vmin))
		a->vmin = b->vmin;
	if (b->vmax > a->vmax)
		a->vmax = b->vmax;
	free(nmap);
	free(fmap);
}

static const char *const *sort_names; /* the names qsort orders by (one export at a time) */
static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

static int cmp_name_id(const void *x, const void *y)
{
	return strcmp(sort_names[*(const uint32_t *)x], sort_names[*(const uint32_t *)y]);
}

/*
 * Give t's strings ids in strcmp order: which thread met a name first must not show in
 * the result, and callers walk names in order. Returns the strings in their new order
 * (pointers into t's pool) and fills map[old id] = new id.
 */
static char **sorted_ids(const struct intern *t, uint32_t *map)
{
	char **v = ks_xrealloc_array(NULL, t->n + 1, sizeof(*v));
	uint32_t *perm = ks_xrealloc_array(NULL, t->n + 1, sizeof(*perm));

	for (uint32_t i = 0; i < t->n; i++) {
		v[i] = t->pool.buf + t->off[i];
		perm[i] = i;
	}
	pthread_mutex_lock(&sort_lock);
	sort_names = (const char *const *)v;
	qsort(perm, t->n, sizeof(*perm), cmp_name_id);
	pthread_mutex_unlock(&sort_lock);
	for (uint32_t i = 0; i < t->n; i++)
		map[perm[i]] = i;
	for (uint32_t i = 0; i < t->n; i++)
		v[i] = t->pool.buf + t->off[perm[i]];
	free(perm);
	return v;
}

/* Hand reader r's tables over to out, with ids in name order and one pool. */
static void export(struct reader *r, struct ks_dwarf *out)
{
	uint32_t *nmap = ks_xrealloc_array(NULL, r->names.n + 1, sizeof(*nmap));
	uint32_t *fmap = ks_xrealloc_array(NULL, r->files.n + 1, sizeof(*fmap));
	char **names = sorted_ids(&r->names, nmap), **files;
	size_t poolsz = r->names.pool.len, mask;

	/* "?" must stay file 0: it sorts before letters but not before "/" or "." */
	files = sorted_ids(&r->files, fmap);
	for (uint32_t i = fmap[0]; i > 0; i--)
		files[i] = files[i - 1];
	files[0] = r->files.pool.buf; /* "?" was interned first */
	for (uint32_t i = 0; i < r->files.n; i++)
		if (fmap[i] < fmap[0])
			fmap[i]++;
	fmap[0] = 0;

	out->pool = ks_xrealloc_array(NULL, poolsz + r->files.pool.len + 1, 1);
	if (poolsz)
		memcpy(out->pool, r->names.pool.buf, poolsz);
	memcpy(out->pool + poolsz, r->files.pool.buf, r->files.pool.len); /* "?" at least */
	out->nnames = r->names.n;
	out->names = names;
	for (size_t i = 0; i < out->nnames; i++)
		out->names[i] = out->pool + (names[i] - r->names.pool.buf);
	out->nfiles = r->files.n;
	out->files = files;
	for (size_t i = 0; i < out->nfiles; i++)
		out->files[i] = out->pool + poolsz + (files[i] - r->files.pool.buf);
	for (size_t i = 0; i < r->ndefs; i++) {
		r->defs[i].name = nmap[r->defs[i].name];
		r->defs[i].file = fmap[r->defs[i].file];
		r->defs[i].unit = fmap[r->defs[i].unit];
	}
	for (size_t i = 0; i < r->nedges; i++) {
		r->edges[i].callee = nmap[r->edges[i].callee];
		r->edges[i].caller = nmap[r->edges[i].caller];
	}
	out->defs = r->defs;
	out->ndefs = r->ndefs;
	out->edges = r->edges;
	out->nedges = r->nedges;
	out->protos = r->protos;
	out->nprotos = r->nprotos;
	r->defs = NULL;
	r->edges = NULL;
	r->protos = NULL;
	r->nprotos = 0;
	out->units = r->units;
	out->version_min = r->vmin;
	out->version_max = r->vmax;
	/* ks_dwarf_find's table, over the new ids */
	out->nindex = r->names.nslot ? r->names.nslot : 1;
	out->index = calloc(out->nindex, sizeof(*out->index));
	if (!out->index)
		abort();
	mask = out->nindex - 1;
	for (uint32_t id = 0; id < out->nnames; id++) {
		size_t i = hash_str(out->names[id], strlen(out->names[id])) & mask;

		while (out->index[i])
			i = (i + 1) & mask;
		out->index[i] = id + 1;
	}
	free(nmap);
	free(fmap);
}

int ks_dwarf_read(const char *origin, const uint8_t *data, size_t size, struct ks_dwarf *out)
{
	struct units u = {.origin = origin, .data = data, .size = size};
	struct reader r[NTHREADS];
	pthread_t th;
	bool threaded = false;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	elf_version(EV_CURRENT);
	for (int i = 0; i < NTHREADS; i++)
		reader_open(&r[i], &u);
	if (!r[0].ret)
		list_units(&r[0]);
	if (r[0].ret) {
		ret = r[0].ret == -ENODATA ? -ENODATA : ks_err(r[0].ret, "%s", r[0].err);
		goto out;
	}
	/* The second handle only pays off with many units. */
	if (!r[1].ret && u.n >= 16)
		threaded = !pthread_create(&th, NULL, reader_run, &r[1]);
	reader_run(&r[0]);
	if (threaded)
		pthread_join(th, NULL);
	for (int i = 0; i < NTHREADS && !ret; i++)
		if (r[i].ret && (i == 0 || threaded))
			ret = ks_err(r[i].ret, "%s", r[i].err);
	if (ret)
		goto out;
	if (threaded)
		merge(&r[0], &r[1]);
	export(&r[0], out);
out:
	for (int i = 0; i < NTHREADS; i++)
		reader_close(&r[i]);
	free(u.off);
	return ret;
}

void ks_dwarf_free(struct ks_dwarf *d)
{
	free(d->names);
	free(d->files);
	free(d->defs);
	free(d->edges);
	for (size_t i = 0; i < d->nprotos; i++)
		free(d->protos[i]);
	free(d->protos);
	free(d->pool);
	free(d->index);
	memset(d, 0, sizeof(*d));
}

long ks_dwarf_find(const struct ks_dwarf *d, const char *name, size_t len)
{
	size_t mask, i;

	if (!d->nindex)
		return -1;
	mask = d->nindex - 1;
	for (i = hash_str(name, len) & mask; d->index[i]; i = (i + 1) & mask) {
		const char *s = d->names[d->index[i] - 1];

		if (!strncmp(s, name, len) && s[len] == '\0')
			return (long)d->index[i] - 1;
	}
	return -1;
}
