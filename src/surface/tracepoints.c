/* SPDX-License-Identifier: MIT */
/*
 * Tracepoint items, keyed by event name (docs/defs.md "tracepoint"): the probe
 * prototype (BTF typedef btf_trace_<event>, parameter names from the class's probe
 * trace_event_raw_event_<class>), the event record struct trace_event_raw_<class>, and
 * from the kernel's _ftrace_events array when its data is readable the event's class,
 * system and format string. Without readable data the events are the btf_trace_*
 * typedefs and the class is known only where it carries the event's name.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/symtab.h"
#include "report/cdecl.h"
#include "surface/ftrace.h"
#include "surface/surface.h"
#include "surface/surface_int.h"
#include "util/err.h"
#include "util/strbuf.h"

struct name_id {
	const char *name; /* suffix after the prefix, in the BTF's string section */
	uint32_t id;
};

struct btf_index {
	struct name_id *trace, *raw, *probe; /* btf_trace_X, trace_event_raw_X, ..._event_X */
	struct name_id *stub;		     /* __probestub_X (6.4+): the event's named params */
	size_t ntrace, nraw, nprobe, nstub;
};

static int cmp_nid(const void *a, const void *b)
{
	return strcmp(((const struct name_id *)a)->name, ((const struct name_id *)b)->name);
}

static uint32_t lookup(const struct name_id *v, size_t n, const char *name)
{
	struct name_id key = {name, 0}, *hit;

	if (!name || !n)
		return 0;
	hit = bsearch(&key, v, n, sizeof(*v), cmp_nid);
	return hit ? hit->id : 0;
}

static void push_nid(struct name_id **v, size_t *n, const char *name, uint32_t id)
{
	if (!(*n & (*n + 1)) || !*v) {
		*v = realloc(*v, (*n + 1) * 2 * sizeof(**v));
		if (!*v)
			abort();
	}
	(*v)[(*n)++] = (struct name_id){name, id};
}

static void index_btf(const struct btf *btf, struct btf_index *ix)
{
	uint32_t n = btf__type_cnt(btf);

	memset(ix, 0, sizeof(*ix));
	for (uint32_t id = ks_btf_first_id(btf); id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);

		if (!name || (name[0] != 'b' && name[0] != 't' && name[0] != '_'))
			continue;
		if (btf_is_typedef(t) && !strncmp(name, "btf_trace_", 10))
			push_nid(&ix->trace, &ix->ntrace, name + 10, id);
		else if (btf_is_struct(t) && !strncmp(name, "trace_event_raw_", 16))
			push_nid(&ix->raw, &ix->nraw, name + 16, id);
		else if (btf_is_func(t) && !strncmp(name, "trace_event_raw_event_", 22))
			push_nid(&ix->probe, &ix->nprobe, name + 22, id);
		else if (btf_is_func(t) && !strncmp(name, "__probestub_", 12))
			push_nid(&ix->stub, &ix->nstub, name + 12, id);
	}
	if (ix->ntrace)
		qsort(ix->trace, ix->ntrace, sizeof(*ix->trace), cmp_nid);
	if (ix->nraw)
		qsort(ix->raw, ix->nraw, sizeof(*ix->raw), cmp_nid);
	if (ix->nprobe)
		qsort(ix->probe, ix->nprobe, sizeof(*ix->probe), cmp_nid);
	if (ix->nstub)
		qsort(ix->stub, ix->nstub, sizeof(*ix->stub), cmp_nid);
}

static void free_index(struct btf_index *ix)
{
	free(ix->trace);
	free(ix->raw);
	free(ix->probe);
	free(ix->stub);
}

/* The FUNC_PROTO behind a type: FUNC, or typedef/pointer to a prototype. */
static const struct btf_type *proto_of(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	for (int i = 0; t && i < 8; i++) {
		if (btf_is_func_proto(t))
			return t;
		if (!(btf_is_func(t) || btf_is_typedef(t) || btf_is_ptr(t) || btf_is_mod(t)))
			return NULL;
		t = btf__type_by_id(btf, t->type);
	}
	return NULL;
}

struct tp_ctx {
	const struct btf *btf;
	struct ks_cdecl_cache *cc;
	struct btf_index ix;
	struct strbuf sb, c;
};

static json_t *jstr(const char *s)
{
	json_t *j = json_string(s);

	if (!j) /* not UTF-8: BTF names and the reader's strings are checked, keep going */
		j = json_string("");
	return j;
}

static void set(json_t *o, const char *k, json_t *v)
{
	if (!v || json_object_set_new(o, k, v))
		abort();
}

/*
 * params (after the leading void *) and the prototype line into ctx->c. Types from
 * btf_trace_<event>; names from __probestub_<event> or else the class's probe
 * trace_event_raw_event_<class>, when their types are the same.
 */
static json_t *params_json(struct tp_ctx *x, const char *event, const char *class,
			   uint32_t trace_id, uint32_t probe_id)
{
	const struct btf_type *tp = trace_id ? proto_of(x->btf, trace_id) : NULL;
	const struct btf_type *pp = probe_id ? proto_of(x->btf, probe_id) : NULL;

	if (!pp && class && (probe_id = lookup(x->ix.probe, x->ix.nprobe, class)))
		pp = proto_of(x->btf, probe_id);
	const struct btf_type *src = tp ? tp : pp;
	json_t *arr = json_array();

	if (!arr)
		abort();
	if (!src)
		return arr;
	int named = pp && btf_vlen(pp) == btf_vlen(src);
	const struct btf_param *p = btf_params(src), *q = pp ? btf_params(pp) : NULL;

	if (named)
		for (unsigned i = 0; i < btf_vlen(src); i++)
			named &= p[i].type == q[i].type;
	sb_addf(&x->c, "void trace_%s(", event);
	for (unsigned i = 1; i < btf_vlen(src); i++) {
		const char *pn = named ? btf__name_by_offset(x->btf, q[i].name_off) : "";
		json_t *e = json_object();

		if (!e)
			abort();
		sb_reset(&x->sb);
		ks_cdecl_cached(x->cc, p[i].type, NULL, 0, &x->sb);
		set(e, "type", jstr(x->sb.buf));
		set(e, "name", jstr(pn ? pn : ""));
		if (i > 1)
			sb_add(&x->c, ", ");
		ks_cdecl_cached(x->cc, p[i].type, pn, 0, &x->c);
		if (json_array_append_new(arr, e))
			abort();
	}
	if (btf_vlen(src) < 2)
		sb_add(&x->c, "void");
	sb_add(&x->c, ");");
	return arr;
}

/* The event record's members as the struct defs write them (docs/defs.md). */
static json_t *fields_json(struct tp_ctx *x, uint32_t raw_id)
{
	const struct btf_type *t = btf__type_by_id(x->btf, raw_id);
	const struct btf_member *m = btf_members(t);
	json_t *arr = json_array();

	if (!arr)
		abort();
	for (unsigned i = 0; i < btf_vlen(t); i++, m++) {
		const char *n = btf__name_by_offset(x->btf, m->name_off);
		json_t *e = json_object();

		if (!e)
			abort();
		set(e, "name", jstr(n ? n : ""));
		set(e, "offset", json_integer(btf_member_bit_offset(t, i)));
		set(e, "bits", json_integer(btf_member_bitfield_size(t, i)));
		sb_reset(&x->sb);
		ks_cdecl_cached(x->cc, m->type, NULL, 0, &x->sb);
		set(e, "type", jstr(x->sb.buf));
		sb_reset(&x->sb);
		ks_cdecl_cached(x->cc, m->type, n, 0, &x->sb);
		set(e, "decl", jstr(x->sb.buf));
		if (json_array_append_new(arr, e))
			abort();
	}
	return arr;
}

static void push_event(struct tp_ctx *x, struct ks_surface *out, const char *source,
		       const char *event, const char *class, const char *system, const char *fmt,
		       unsigned dups)
{
	uint32_t trace_id = lookup(x->ix.trace, x->ix.ntrace, event);
	uint32_t raw_id = lookup(x->ix.raw, x->ix.nraw, class);
	uint32_t probe_id = lookup(x->ix.stub, x->ix.nstub, event);
	json_t *d = json_object();
	char *def;

	if (!d)
		abort();
	sb_reset(&x->c);
	set(d, "kind", json_string("tracepoint"));
	set(d, "name", jstr(event));
	set(d, "source", json_string(source));
	if (class)
		set(d, "class", jstr(class));
	if (system)
		set(d, "system", jstr(system));
	if (fmt)
		set(d, "format", jstr(fmt));
	set(d, "params", params_json(x, event, class, trace_id, probe_id));
	if (raw_id) {
		if (x->c.len)
			sb_add(&x->c, "\n\n");
		set(d, "fields", fields_json(x, raw_id));
		ks_cdecl_definition_cached(x->cc, raw_id, &x->c);
	}
	set(d, "c", jstr(x->c.buf));
	def = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	if (!def)
		abort();
	ks_surface_push(out, KS_KIND_TRACEPOINT, event, def, dups);
}

static int cmp_ev(const void *a, const void *b)
{
	return strcmp(((const struct ks_ftrace_event *)a)->name,
		      ((const struct ks_ftrace_event *)b)->name);
}

/* ftrace's own events (system "ftrace") and the syscall events are not tracepoints. */
static int excluded(const struct ks_ftrace_events *ev, const struct ks_ftrace_event *e)
{
	return (e->flags & ev->fl_ignore_enable) ||
	       (e->system && (!strcmp(e->system, "ftrace") || !strcmp(e->system, "syscalls")));
}

static void from_ftrace(struct tp_ctx *x, struct ks_ftrace_events *ev, struct ks_surface *out)
{
	if (ev->n)
		qsort(ev->v, ev->n, sizeof(*ev->v), cmp_ev);
	for (size_t i = 0; i < ev->n;) {
		size_t j = i + 1;
		unsigned dups = 0;

		while (j < ev->n && !strcmp(ev->v[j].name, ev->v[i].name))
			dups += !excluded(ev, &ev->v[j++]);
		if (!excluded(ev, &ev->v[i]))
			push_event(x, out, "ftrace_events", ev->v[i].name, ev->v[i].class,
				   ev->v[i].system, ev->v[i].print_fmt, dups);
		i = j;
	}
	/* bare tracepoints (DECLARE_TRACE without an event): raw_tp/tp_btf attach points */
	for (size_t i = 0; i < x->ix.ntrace; i++) {
		struct ks_ftrace_event key = {.name = (char *)x->ix.trace[i].name};

		if ((i && !strcmp(x->ix.trace[i - 1].name, key.name)) ||
		    (ev->n && bsearch(&key, ev->v, ev->n, sizeof(*ev->v), cmp_ev)))
			continue;
		push_event(x, out, "btf", key.name, NULL, NULL, NULL, 0);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Without kernel data: the btf_trace_* typedefs. An event_<name> symbol says a trace
 * event exists; without one the tracepoint is bare ("btf") — when the symbols hold data
 * symbols at all (some event_class_*; kallsyms without KALLSYMS_ALL has none).
 */
static void from_btf(struct tp_ctx *x, const struct ks_symtab *syms, struct ks_surface *out)
{
	const char **ev = calloc(syms ? syms->n + 1 : 1, sizeof(*ev));
	size_t nev = 0;
	int classes = 0;

	if (!ev)
		abort();
	for (size_t i = 0; syms && i < syms->n; i++) {
		const char *n = ks_sym_name(syms, &syms->syms[i]);

		if (!strncmp(n, "event_", 6))
			ev[nev++] = n + 6;
		classes |= !strncmp(n, "event_class_", 12);
	}
	if (!classes) /* no data symbols (kallsyms without KALLSYMS_ALL): cannot tell */
		nev = 0;
	if (nev)
		qsort(ev, nev, sizeof(*ev), cmp_str);
	for (size_t i = 0; i < x->ix.ntrace; i++) {
		const char *e = x->ix.trace[i].name;
		unsigned dups = 0;

		while (i + 1 < x->ix.ntrace && !strcmp(x->ix.trace[i + 1].name, e))
			i++, dups++;
		if (nev && !bsearch(&e, ev, nev, sizeof(*ev), cmp_str)) {
			push_event(x, out, "btf", e, NULL, NULL, NULL, dups);
			continue;
		}
		int own = lookup(x->ix.raw, x->ix.nraw, e) || lookup(x->ix.probe, x->ix.nprobe, e);

		push_event(x, out, "symbols+btf", e, own ? e : NULL, NULL, NULL, dups);
	}
	free(ev);
}

int ks_surface_tracepoints(const struct ks_surface_input *in, struct ks_surface *out)
{
	struct ks_ftrace_events ev = {0};
	struct ks_kmem mem;
	struct tp_ctx x = {.btf = in->btf};
	int data = 0;

	if (in->syms && in->syms->n && !ks_kmem_from_kernel(in->kernel, &mem)) {
		int ret = ks_ftrace_read(in->btf, in->syms, &mem, &ev);

		if (ret == -EINVAL)
			ks_warn("tracepoints: %s; using symbols and BTF", ks_errmsg());
		data = !ret && ev.n;
	}
	x.cc = ks_cdecl_cache_new(in->btf);
	if (!x.cc)
		abort();
	index_btf(in->btf, &x.ix);
	sb_init(&x.sb);
	sb_init(&x.c);
	if (data)
		from_ftrace(&x, &ev, out);
	else
		from_btf(&x, in->syms, out);
	ks_ftrace_events_free(&ev);
	free_index(&x.ix);
	sb_release(&x.sb);
	sb_release(&x.c);
	ks_cdecl_cache_free(x.cc);
	ks_err_clear();
	return 0;
}
