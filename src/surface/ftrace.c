/* SPDX-License-Identifier: MIT */
/*
 * The kernel's _ftrace_events array read from the image's data: every trace event with
 * its name, class, system, flags and format string (see ftrace.h). Every read is
 * bounds-checked against the image; the data is outside input.
 */
#include "surface/ftrace.h"

#include <bpf/btf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/kimage.h"
#include "ingest/symtab.h"
#include "util/err.h"

#define MAX_EVENTS (1u << 20)
#define MAX_STR	   65536
#define BASE_PROBE 16

int ks_kmem_from_kernel(const struct ks_kernel *k, struct ks_kmem *m)
{
	memset(m, 0, sizeof(*m));
	if (!k || k->is_raw_btf || !k->image.size || (k->ptr_size != 4 && k->ptr_size != 8))
		return -ENOENT;
	m->data = k->image.data;
	m->size = k->image.size;
	m->big_endian = k->big_endian;
	m->ptr_size = k->ptr_size;
	if (!k->is_elf) {
		m->seg[0] = (struct ks_kseg){0, 0, k->image.size};
		m->nseg = 1;
		return 0;
	}
	elf_version(EV_CURRENT);
	Elf *e = elf_memory((char *)k->image.data, k->image.size);
	size_t nph = 0;

	if (!e)
		return -ENOENT;
	if (!elf_getphdrnum(e, &nph))
		for (size_t i = 0; i < nph && m->nseg < sizeof(m->seg) / sizeof(m->seg[0]); i++) {
			GElf_Phdr ph;

			if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD ||
			    ph.p_offset > k->image.size ||
			    ph.p_filesz > k->image.size - ph.p_offset)
				continue;
			m->seg[m->nseg++] = (struct ks_kseg){ph.p_vaddr, ph.p_offset, ph.p_filesz};
		}
	elf_end(e);
	return m->nseg ? 0 : -ENOENT;
}

/* The bytes at addr..addr+len, or NULL when not all inside one segment. */
static const uint8_t *kmem_at(const struct ks_kmem *m, uint64_t addr, uint64_t len, uint64_t *avail)
{
	for (size_t i = 0; i < m->nseg; i++) {
		const struct ks_kseg *s = &m->seg[i];

		if (addr < s->vaddr || addr - s->vaddr >= s->size || s->off > m->size ||
		    s->size > m->size - s->off)
			continue;
		uint64_t rest = s->size - (addr - s->vaddr);

		if (rest < len)
			return NULL;
		if (avail)
			*avail = rest;
		return m->data + s->off + (addr - s->vaddr);
	}
	return NULL;
}

static int read_uint(const struct ks_kmem *m, uint64_t addr, int size, uint64_t *v)
{
	const uint8_t *p = kmem_at(m, addr, (uint64_t)size, NULL);

	if (!p)
		return -EFAULT;
	*v = 0;
	for (int i = 0; i < size; i++)
		*v |= (uint64_t)p[m->big_endian ? size - 1 - i : i] << (8 * i);
	return 0;
}

static int utf8_ok(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], extra;

		if (c < 0x80)
			extra = 0;
		else if (c >= 0xc2 && c < 0xe0)
			extra = 1;
		else if ((c & 0xf0) == 0xe0)
			extra = 2;
		else if (c >= 0xf0 && c < 0xf5)
			extra = 3;
		else
			return 0;
		if (extra > n - i - 1)
			return 0;
		for (unsigned j = 1; j <= extra; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
		i += extra + 1;
	}
	return 1;
}

/* A NUL-terminated UTF-8 string at addr (malloc'ed), or an error naming what. */
static int read_str(const struct ks_kmem *m, uint64_t addr, const char *what, size_t idx,
		    char **out)
{
	uint64_t avail = 0;
	const uint8_t *p = kmem_at(m, addr, 1, &avail);
	const uint8_t *nul;

	if (!p)
		return ks_err(-EINVAL, "_ftrace_events[%zu]: %s at 0x%llx is outside the image",
			      idx, what, (unsigned long long)addr);
	nul = memchr(p, 0, avail < MAX_STR ? avail : MAX_STR);
	if (!nul || !utf8_ok(p, (size_t)(nul - p)))
		return ks_err(-EINVAL, "_ftrace_events[%zu]: %s at 0x%llx is not a string", idx,
			      what, (unsigned long long)addr);
	*out = strndup((const char *)p, (size_t)(nul - p));
	if (!*out)
		abort();
	return 0;
}

/* Byte offset of member `name` of struct `id`, looking into anonymous members. */
static int member_off(const struct btf *btf, uint32_t id, const char *name, uint64_t *off,
		      int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	if (!t || depth > 8 || !(btf_is_struct(t) || btf_is_union(t)))
		return -ENOENT;
	const struct btf_member *mb = btf_members(t);

	for (unsigned i = 0; i < btf_vlen(t); i++, mb++) {
		const char *n = btf__name_by_offset(btf, mb->name_off);
		uint64_t bits = btf_member_bit_offset(t, i), sub;

		if (n && *n) {
			if (!strcmp(n, name)) {
				*off = bits / 8;
				return 0;
			}
			continue;
		}
		uint32_t mt = mb->type;
		const struct btf_type *tt = btf__type_by_id(btf, mt);

		while (tt && (btf_is_mod(tt) || btf_is_typedef(tt))) {
			mt = tt->type;
			tt = btf__type_by_id(btf, mt);
		}
		if (!member_off(btf, mt, name, &sub, depth + 1)) {
			*off = bits / 8 + sub;
			return 0;
		}
	}
	return -ENOENT;
}

static int flag_value(const struct btf *btf, const char *name, uint32_t dflt)
{
	uint32_t n = btf__type_cnt(btf);

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!btf_is_enum(t))
			continue;
		const struct btf_enum *e = btf_enum(t);

		for (unsigned i = 0; i < btf_vlen(t); i++)
			if (!strcmp(btf__name_by_offset(btf, e[i].name_off), name))
				return (int)(uint32_t)e[i].val;
	}
	return (int)dflt;
}

struct addr_name {
	uint64_t addr;
	const char *name;
};

static int cmp_an(const void *a, const void *b)
{
	const struct addr_name *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static const struct addr_name *find_addr(const struct addr_name *v, size_t n, uint64_t addr)
{
	struct addr_name key = {addr, NULL};

	if (!n)
		return NULL;
	return bsearch(&key, v, n, sizeof(*v), cmp_an);
}

void ks_ftrace_events_free(struct ks_ftrace_events *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].name);
		free(e->v[i].class);
		free(e->v[i].system);
		free(e->v[i].print_fmt);
	}
	free(e->v);
	memset(e, 0, sizeof(*e));
}

struct layout {
	uint64_t class, name, print_fmt, flags, system, tp_name;
};

static int get_layout(const struct btf *btf, struct layout *l)
{
	int call = btf__find_by_name_kind(btf, "trace_event_call", BTF_KIND_STRUCT);
	int cls = btf__find_by_name_kind(btf, "trace_event_class", BTF_KIND_STRUCT);
	int tp = btf__find_by_name_kind(btf, "tracepoint", BTF_KIND_STRUCT);

	if (call <= 0 || cls <= 0 || tp <= 0 || member_off(btf, call, "class", &l->class, 0) ||
	    member_off(btf, call, "name", &l->name, 0) ||
	    member_off(btf, call, "print_fmt", &l->print_fmt, 0) ||
	    member_off(btf, call, "flags", &l->flags, 0) ||
	    member_off(btf, cls, "system", &l->system, 0) ||
	    member_off(btf, tp, "name", &l->tp_name, 0))
		return ks_err(-ENOENT, "BTF lacks struct trace_event_call/trace_event_class/"
				       "tracepoint with the expected members");
	return 0;
}

/*
 * The offset between the array's pointers and symbol addresses: the value d for which
 * pointer - d is an event_* symbol for every one of the first pointers.
 */
static int find_base(const uint64_t *ptrs, size_t n, const struct addr_name *ev, size_t nev,
		     uint64_t *base)
{
	for (size_t i = 1; i < n; i++)
		if (ptrs[i] == ptrs[0])
			return ks_err(-EINVAL,
				      "_ftrace_events: entries 0 and %zu are the same pointer "
				      "0x%llx (data not relocated?)",
				      i, (unsigned long long)ptrs[0]);
	for (size_t c = 0; c < nev; c++) {
		uint64_t d = ptrs[0] - ev[c].addr;
		size_t ok = 1;

		while (ok < n && find_addr(ev, nev, ptrs[ok] - d))
			ok++;
		if (ok == n) {
			*base = d;
			return 0;
		}
	}
	return ks_err(-EINVAL, "_ftrace_events: its pointers do not point at event_* symbols "
			       "under any one load offset");
}

static int read_event(const struct ks_kmem *m, const struct layout *l, uint64_t base,
		      const struct addr_name *cls, size_t ncls, uint32_t fl_tp, uint64_t call,
		      size_t idx, struct ks_ftrace_event *ev)
{
	int ps = m->ptr_size, ret;
	uint64_t class, name, fmt, flags, sys, tpn;

	if (read_uint(m, call + l->class, ps, &class) || read_uint(m, call + l->name, ps, &name) ||
	    read_uint(m, call + l->print_fmt, ps, &fmt) || read_uint(m, call + l->flags, 4, &flags))
		return ks_err(-EINVAL,
			      "_ftrace_events[%zu]: trace_event_call at 0x%llx is outside "
			      "the image",
			      idx, (unsigned long long)call);
	ev->flags = (uint32_t)flags;
	if (!name)
		return ks_err(-EINVAL, "_ftrace_events[%zu]: event without a name", idx);
	if (ev->flags & fl_tp) {
		if (read_uint(m, name - base + l->tp_name, ps, &tpn))
			return ks_err(-EINVAL,
				      "_ftrace_events[%zu]: tracepoint at 0x%llx is "
				      "outside the image",
				      idx, (unsigned long long)(name - base));
		name = tpn;
	}
	ret = read_str(m, name - base, "name", idx, &ev->name);
	if (!ret && fmt)
		ret = read_str(m, fmt - base, "print_fmt", idx, &ev->print_fmt);
	if (ret || !class)
		return ret;
	const struct addr_name *c = find_addr(cls, ncls, class - base);

	if (c) {
		ev->class = strdup(c->name + strlen("event_class_"));
		if (!ev->class)
			abort();
	}
	if (read_uint(m, class - base + l->system, ps, &sys))
		return ks_err(-EINVAL, "_ftrace_events[%zu]: class at 0x%llx is outside the image",
			      idx, (unsigned long long)(class - base));
	return sys ? read_str(m, sys - base, "system", idx, &ev->system) : 0;
}

/* event_* symbols (class or not) sorted by address; *start, *stop of the array. */
static int collect_syms(const struct ks_symtab *syms, struct addr_name **ev, size_t *nev,
			struct addr_name **cls, size_t *ncls, uint64_t *start, uint64_t *stop)
{
	int have = 0;

	*ev = calloc(syms->n + 1, sizeof(**ev));
	*cls = calloc(syms->n + 1, sizeof(**cls));
	if (!*ev || !*cls)
		abort();
	*nev = *ncls = 0;
	for (size_t i = 0; i < syms->n; i++) {
		const char *n = ks_sym_name(syms, &syms->syms[i]);
		uint64_t a = syms->syms[i].addr;

		if (!strncmp(n, "event_class_", 12))
			(*cls)[(*ncls)++] = (struct addr_name){a, n};
		else if (!strncmp(n, "event_", 6))
			(*ev)[(*nev)++] = (struct addr_name){a, n};
		else if (!strcmp(n, "__start_ftrace_events"))
			*start = a, have |= 1;
		else if (!strcmp(n, "__stop_ftrace_events"))
			*stop = a, have |= 2;
	}
	if (*nev)
		qsort(*ev, *nev, sizeof(**ev), cmp_an);
	if (*ncls)
		qsort(*cls, *ncls, sizeof(**cls), cmp_an);
	if (have != 3)
		return ks_err(-ENOENT, "no __start_ftrace_events/__stop_ftrace_events symbols");
	if (*stop < *start)
		return ks_err(-EINVAL, "_ftrace_events: __stop_ftrace_events is below "
				       "__start_ftrace_events");
	return 0;
}

int ks_ftrace_read(const struct btf *btf, const struct ks_symtab *syms, const struct ks_kmem *m,
		   struct ks_ftrace_events *out)
{
	struct addr_name *ev = NULL, *cls = NULL;
	size_t nev, ncls, n = 0, nprobe;
	uint64_t start = 0, stop = 0, base = 0, ptrs[BASE_PROBE];
	struct layout l;
	int ret;

	memset(out, 0, sizeof(*out));
	if (m->ptr_size != 4 && m->ptr_size != 8)
		return ks_err(-ENOENT, "kernel data: unknown pointer size");
	ret = get_layout(btf, &l);
	if (!ret)
		ret = collect_syms(syms, &ev, &nev, &cls, &ncls, &start, &stop);
	if (ret)
		goto out;
	n = (size_t)((stop - start) / (uint64_t)m->ptr_size);
	if ((stop - start) % (uint64_t)m->ptr_size || n > MAX_EVENTS) {
		ret = ks_err(-EINVAL,
			     "_ftrace_events: 0x%llx bytes is not an array of at most %u "
			     "pointers",
			     (unsigned long long)(stop - start), MAX_EVENTS);
		goto out;
	}
	if (n && !kmem_at(m, start, stop - start, NULL)) {
		ret = ks_err(-EINVAL, "_ftrace_events at 0x%llx (%zu entries) is outside the image",
			     (unsigned long long)start, n);
		goto out;
	}
	out->fl_tracepoint = (uint32_t)flag_value(btf, "TRACE_EVENT_FL_TRACEPOINT", 8);
	out->fl_ignore_enable = (uint32_t)flag_value(btf, "TRACE_EVENT_FL_IGNORE_ENABLE", 4);
	nprobe = n < BASE_PROBE ? n : BASE_PROBE;
	for (size_t i = 0; i < nprobe; i++)
		read_uint(m, start + i * (uint64_t)m->ptr_size, m->ptr_size, &ptrs[i]);
	if (nprobe && (ret = find_base(ptrs, nprobe, ev, nev, &base)))
		goto out;
	out->v = calloc(n + 1, sizeof(*out->v));
	if (!out->v)
		abort();
	for (size_t i = 0; i < n && !ret; i++) {
		uint64_t p;

		read_uint(m, start + i * (uint64_t)m->ptr_size, m->ptr_size, &p);
		ret = read_event(m, &l, base, cls, ncls, out->fl_tracepoint, p - base, i,
				 &out->v[out->n++]);
	}
out:
	free(ev);
	free(cls);
	if (ret)
		ks_ftrace_events_free(out);
	return ret;
}
