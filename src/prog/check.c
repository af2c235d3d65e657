/* SPDX-License-Identifier: MIT */
/* Dependencies of an eBPF object and their verdicts per image (see check.h). */
#include <bpf/btf.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog/check.h"
#include "prog/reach.h"
#include "prog/secdef.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

const char *ks_dep_kind_name(enum ks_dep_kind k)
{
	static const char *const n[] = {"prog_type",  "attach_type", "attach",
					"relocation", "kfunc",	     "ksym",
					"helper",     "map_type",    "config"};

	return n[k];
}

const char *ks_level_name(enum ks_level l)
{
	static const char *const n[] = {"ok", "info", "warning", "error"};

	return n[l];
}

int ks_level_parse(const char *s)
{
	if (!strcmp(s, "error"))
		return KS_LVL_ERROR;
	if (!strcmp(s, "warning") || !strcmp(s, "warn"))
		return KS_LVL_WARN;
	if (!strcmp(s, "info"))
		return KS_LVL_INFO;
	if (!strcmp(s, "none") || !strcmp(s, "never"))
		return KS_LVL_ERROR + 1;
	return -1;
}

/* Whether a comma-separated list holds `name`. */
static int csv_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && !strncmp(p, name, n))
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

static void add_csv(char **list, const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	if (csv_has(*list, s))
		return;
	if (*list && **list)
		sb_addf(&sb, "%s,", *list);
	sb_add(&sb, s);
	free(*list);
	*list = sb_detach(&sb);
}

/* Find or add the dependency (kind, item_kind, name); record the program and the way. */
static struct ks_dep *dep_get(struct ks_check *c, enum ks_dep_kind kind, const char *item_kind,
			      const char *name, const char *via, const char *prog)
{
	const struct ks_bpf_obj *o = c->obj;
	int required = 1;

	struct ks_dep *d = NULL;

	for (size_t i = 0; i < c->ndeps && !d; i++)
		if (c->deps[i].kind == kind && !strcmp(c->deps[i].item_kind, item_kind) &&
		    !strcmp(c->deps[i].name, name))
			d = &c->deps[i];
	if (!d) {
		c->deps = ks_xrealloc_array(c->deps, c->ndeps + 1, sizeof(*c->deps));
		d = &c->deps[c->ndeps++];
		memset(d, 0, sizeof(*d));
		d->kind = kind;
		d->item_kind = strdup(item_kind);
		d->name = strdup(name);
		d->id = -1;
		if (!d->item_kind || !d->name)
			abort();
	}
	if (via && *via)
		add_csv(&d->via, via);
	if (prog && *prog) {
		add_csv(&d->progs, prog);
		required = 0;
		for (size_t i = 0; i < o->nprogs; i++)
			if (!strcmp(o->progs[i].name, prog))
				required = o->progs[i].autoload;
	}
	d->required |= required;
	return d;
}

/* The attach target of one program. */
static void prog_attach(struct ks_check *c, const struct ks_bpf_prog *p)
{
	const char *target, *slash;
	const struct ks_secdef *sd = ks_secdef_find(p->sec, &target);
	char name[256], via[64];
	struct ks_dep *d;

	if (!sd)
		return;
	snprintf(via, sizeof(via), "%.*s",
		 (int)(strchr(p->sec[0] == '?' ? p->sec + 1 : p->sec, '/')
			   ? strcspn(p->sec[0] == '?' ? p->sec + 1 : p->sec, "/")
			   : strlen(p->sec[0] == '?' ? p->sec + 1 : p->sec)),
		 p->sec[0] == '?' ? p->sec + 1 : p->sec);
	dep_get(c, KS_DEP_PROG_TYPE, "prog_type", sd->prog_type, via, p->name);
	if (sd->attach_type)
		dep_get(c, KS_DEP_ATTACH_TYPE, "attach_type", sd->attach_type, via, p->name);
	if (!*target && sd->attach != KS_ATT_NONE)
		return; /* attached by name at run time: nothing to check here */
	switch (sd->attach) {
	case KS_ATT_KPROBE:
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(target, "+"), target);
		d = dep_get(c, KS_DEP_ATTACH, "func", name, via, p->name);
		break;
	case KS_ATT_KPROBE_MULTI:
		d = dep_get(c, KS_DEP_ATTACH, "func", target, via, p->name);
		break;
	case KS_ATT_FENTRY:
		slash = strchr(target, ':'); /* "module:func" */
		d = dep_get(c, KS_DEP_ATTACH, "func", slash ? slash + 1 : target, via, p->name);
		break;
	case KS_ATT_KSYSCALL:
		d = dep_get(c, KS_DEP_ATTACH, "syscall", target, via, p->name);
		break;
	case KS_ATT_TRACEPOINT:
		slash = strchr(target, '/');
		if (slash && !strncmp(target, "syscalls/", 9) &&
		    (!strncmp(slash + 1, "sys_enter_", 10) || !strncmp(slash + 1, "sys_exit_", 9)))
			d = dep_get(c, KS_DEP_ATTACH, "syscall", strchr(slash + 1 + 4, '_') + 1,
				    via, p->name);
		else
			d = dep_get(c, KS_DEP_ATTACH, "tracepoint", slash ? slash + 1 : target, via,
				    p->name);
		break;
	case KS_ATT_RAW_TP:
	case KS_ATT_TP_BTF:
		d = dep_get(c, KS_DEP_ATTACH, "tracepoint", target, via, p->name);
		break;
	case KS_ATT_LSM:
		d = dep_get(c, KS_DEP_ATTACH, "lsm", target, via, p->name);
		d->attach = sd->attach;
		/* after: adding a dependency may move the array d points into */
		dep_get(c, KS_DEP_CONFIG, "config", "CONFIG_BPF_LSM", "lsm", p->name);
		return;
	case KS_ATT_ITER:
		snprintf(name, sizeof(name), "bpf_iter_%s", target);
		d = dep_get(c, KS_DEP_ATTACH, "func", name, via, p->name);
		break;
	default:
		return;
	}
	d->attach = sd->attach;
}

static int dep_cmp(const void *a, const void *b)
{
	const struct ks_dep *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->id != y->id && (x->kind == KS_DEP_HELPER || x->kind == KS_DEP_MAP_TYPE))
		return x->id < y->id ? -1 : 1;
	return strcmp(x->name, y->name);
}

int ks_check_deps(const struct ks_bpf_obj *o, struct ks_check *c)
{
	char buf[192], name[64];

	memset(c, 0, sizeof(*c));
	c->obj = o;
	for (size_t i = 0; i < o->nprogs; i++)
		if (!o->progs[i].subprog)
			prog_attach(c, &o->progs[i]);
	for (size_t i = 0; i < o->nrelos; i++) {
		const struct ks_bpf_relo *r = &o->relos[i];
		const char *prog = r->prog < o->nprogs ? o->progs[r->prog].name : NULL;
		struct ks_dep *d;

		ks_core_describe(o, r, buf, sizeof(buf));
		d = dep_get(c, KS_DEP_RELO, "relocation", buf, ks_core_kind_name(r->kind), prog);
		d->relos = ks_xrealloc_array(d->relos, d->nrelos + 1, sizeof(*d->relos));
		d->relos[d->nrelos++] = i;
	}
	for (size_t i = 0; i < o->nexterns; i++) {
		const struct ks_bpf_extern *e = &o->externs[i];
		struct ks_dep *d;

		if (e->is_kconfig) {
			if (strncmp(e->name, "CONFIG_", 7))
				continue; /* LINUX_KERNEL_VERSION, LINUX_HAS_*: libbpf's own */
			d = dep_get(c, KS_DEP_CONFIG, "config", e->name,
				    e->weak ? "extern, weak" : "extern", NULL);
		} else if (e->is_func) {
			d = dep_get(c, KS_DEP_KFUNC, "kfunc", e->name, e->weak ? "weak" : NULL,
				    NULL);
		} else {
			d = dep_get(c, KS_DEP_KSYM, "ksym", e->name, e->weak ? "weak" : NULL, NULL);
		}
		d->id = (int64_t)i;
		d->weak = e->weak;
	}
	/* which programs call each kfunc: relocated call instructions */
	for (size_t p = 0; p < o->nprogs; p++) {
		const struct ks_bpf_prog *pg = &o->progs[p];
		long s = -1;

		for (size_t k = 0; k < o->nsecs; k++)
			if (o->secs[k].shndx == pg->shndx)
				s = (long)k;
		for (size_t i = pg->off; s >= 0 && i < pg->off + pg->cnt; i++) {
			uint32_t e = o->secs[s].ext_at[i];

			for (size_t d = 0; e && d < c->ndeps; d++)
				if ((c->deps[d].kind == KS_DEP_KFUNC ||
				     c->deps[d].kind == KS_DEP_KSYM ||
				     c->deps[d].kind == KS_DEP_CONFIG) &&
				    c->deps[d].id == (int64_t)(e - 1))
					add_csv(&c->deps[d].progs, pg->name);
		}
	}
	for (size_t i = 0; i < o->ncalls; i++) {
		struct ks_dep *d;

		snprintf(name, sizeof(name), "#%d", o->calls[i].id);
		d = dep_get(c, KS_DEP_HELPER, "helper", name, NULL,
			    o->progs[o->calls[i].prog].name);
		d->id = o->calls[i].id;
	}
	for (size_t i = 0; i < o->nmaps; i++) {
		struct ks_dep *d;

		if (o->maps[i].type < 0)
			continue;
		snprintf(name, sizeof(name), "#%d", o->maps[i].type);
		d = dep_get(c, KS_DEP_MAP_TYPE, "map_type", name, o->maps[i].name, NULL);
		d->id = o->maps[i].type;
	}
	if (c->ndeps)
		qsort(c->deps, c->ndeps, sizeof(*c->deps), dep_cmp);
	return 0;
}

void ks_check_free(struct ks_check *c)
{
	for (size_t i = 0; i < c->ndeps; i++) {
		free(c->deps[i].item_kind);
		free(c->deps[i].name);
		free(c->deps[i].via);
		free(c->deps[i].progs);
		free(c->deps[i].relos);
	}
	for (size_t i = 0; c->cells && i < c->ndeps * c->nimages; i++)
		free(c->cells[i].detail);
	free(c->deps);
	free(c->cells);
	free(c->relo_res);
	free(c->relo_reach);
	memset(c, 0, sizeof(*c));
}

static void set(struct ks_cell *cell, enum ks_level lvl, const char *word, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void set(struct ks_cell *cell, enum ks_level lvl, const char *word, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;

	cell->level = lvl;
	cell->word = word;
	free(cell->detail);
	cell->detail = NULL;
	if (fmt) {
		va_start(ap, fmt);
		sb_vaddf(&sb, fmt, ap);
		va_end(ap);
		cell->detail = sb_detach(&sb);
	}
}

/* Whether a func def's status words include `w`. */
static int has_status(json_t *def, const char *w)
{
	json_t *st = json_object_get(def, "status"), *v;
	size_t i;

	json_array_foreach(st, i,
			   v) if (json_is_string(v) && !strcmp(json_string_value(v), w)) return 1;
	return 0;
}

static const char no_modules[] = "absent from vmlinux; modules not ingested";

/* An item absent from an image whose modules were not ingested, and that no image of the
 * same arch and flavor has in vmlinux: it may be in one of that image's modules. */
static int unknown_absence(const struct ks_check_src *src, size_t img, const char *kind,
			   const char *name)
{
	return !src->modules_known(src->ctx, img) && src->maybe_module(src->ctx, img, kind, name);
}

static void eval_func(struct ks_cell *cell, const struct ks_dep *d, const char *def,
		      int maybe_in_module)
{
	int fentry = d->attach == KS_ATT_FENTRY, iter = d->attach == KS_ATT_ITER;
	json_t *j;

	if (!def && maybe_in_module)
		return set(cell, KS_LVL_INFO, "unknown", "%s", no_modules);
	if (!def)
		return set(cell, KS_LVL_ERROR, "absent", "no function %s in this kernel", d->name);
	j = json_loads(def, 0, NULL);
	if (!j)
		return set(cell, KS_LVL_ERROR, "unreadable", "the dataset's def of %s is not JSON",
			   d->name);
	if (has_status(j, "full inline"))
		set(cell, KS_LVL_ERROR, "inlined",
		    "inlined into every caller: nothing to attach to");
	else if (has_status(j, "no symbol") && !iter)
		set(cell, KS_LVL_ERROR, "no symbol",
		    "in BTF but no symbol: inlined everywhere or discarded");
	else if (has_status(j, "transformation"))
		set(cell, KS_LVL_ERROR, "transformed",
		    "only compiler-suffixed symbols (.isra/.constprop/.part): %s by this name "
		    "fails",
		    fentry ? "fentry" : "a kprobe");
	else if (fentry && has_status(j, "no BTF"))
		set(cell, KS_LVL_ERROR, "no BTF", "no BTF FUNC: fentry/fexit cannot attach");
	else if (has_status(j, "selective inline"))
		set(cell, KS_LVL_WARN, "partly inlined",
		    "inlined at some call sites: those calls are missed");
	else if (has_status(j, "several symbols") || has_status(j, "duplicate") ||
		 has_status(j, "static-static collision") || has_status(j, "static-global collision"))
		set(cell, KS_LVL_WARN, "several",
		    "several functions share this name: the probe sees one of them");
	else if (json_is_false(json_object_get(j, "symbols_known")) && !fentry)
		set(cell, KS_LVL_INFO, "unverified",
		    "the image has no symbols: attachability unknown");
	else
		set(cell, KS_LVL_OK, "ok", NULL);
	json_decref(j);
}

/* A CO-RE dependency in one image: the worst of its relocations. */
static void eval_relo(struct ks_check *c, const struct ks_dep *d, size_t img, struct ks_cell *cell)
{
	set(cell, KS_LVL_OK, "ok", NULL);
	for (size_t k = 0; k < d->nrelos; k++) {
		size_t r = d->relos[k];
		const struct ks_relo_result *res = &c->relo_res[r * c->nimages + img];
		int reach = c->relo_reach[r * c->nimages + img];
		uint32_t kind = c->obj->relos[r].kind;
		enum ks_level lvl = KS_LVL_OK;
		const char *word = "ok";

		if (res->status == KS_RELO_ERROR) {
			lvl = KS_LVL_ERROR;
			word = "refused";
		} else if (res->status == KS_RELO_POISON) {
			lvl = reach ? KS_LVL_ERROR : KS_LVL_INFO;
			word = reach ? "missing" : "guarded";
		} else if (res->new_val != res->orig_val && kind != BPF_CORE_TYPE_ID_TARGET &&
			   kind != BPF_CORE_TYPE_ID_LOCAL) {
			int exists =
			    kind == BPF_CORE_FIELD_EXISTS || kind == BPF_CORE_TYPE_EXISTS ||
			    kind == BPF_CORE_TYPE_MATCHES || kind == BPF_CORE_ENUMVAL_EXISTS;

			lvl = KS_LVL_INFO;
			word = exists ? (res->new_val ? "present" : "absent, tested") : "relocated";
		}
		if (lvl < cell->level || (lvl == cell->level && lvl == KS_LVL_OK))
			continue;
		if (lvl == cell->level && cell->detail)
			continue;
		{
			const struct ks_bpf_relo *rl = &c->obj->relos[r];
			const char *prog =
			    rl->prog < c->obj->nprogs ? c->obj->progs[rl->prog].name : "?";

			if (res->status == KS_RELO_ERROR)
				set(cell, lvl, word, "%s in %s: libbpf refuses the object: %s",
				    ks_core_kind_name(kind), prog, res->target);
			else if (res->status == KS_RELO_POISON)
				set(cell, lvl, word, "%s in %s: %s%s", ks_core_kind_name(kind),
				    prog, res->target,
				    reach ? ": the program fails to load"
					  : ", but the instruction is unreachable here");
			else
				set(cell, lvl, word, "%s: %llu -> %s", ks_core_kind_name(kind),
				    (unsigned long long)res->orig_val, res->target);
		}
	}
}

static void eval_avail(struct ks_cell *cell, const struct ks_check_src *src, size_t img,
		       const struct ks_dep *d, const char *what)
{
	if (src->def(src->ctx, img, d->item_kind, d->name))
		return set(cell, KS_LVL_OK, "ok", NULL);
	if (!src->count(src->ctx, img, d->item_kind))
		return set(cell, KS_LVL_INFO, "unknown", "the image does not say which %ss it has",
			   what);
	if (d->kind == KS_DEP_ATTACH && unknown_absence(src, img, d->item_kind, d->name))
		return set(cell, KS_LVL_INFO, "unknown", "%s", no_modules);
	set(cell, KS_LVL_ERROR, "absent", "%s %s is not in this kernel", what, d->name);
}

static void eval_by_value(struct ks_cell *cell, const struct ks_check_src *src, size_t img,
			  const struct ks_dep *d, const char *what)
{
	if (src->by_value(src->ctx, img, d->item_kind, d->id))
		return set(cell, KS_LVL_OK, "ok", NULL);
	if (!src->count(src->ctx, img, d->item_kind))
		return set(cell, KS_LVL_INFO, "unknown", "the image does not say which %ss it has",
			   what);
	if (d->name[0] == '#')
		set(cell, KS_LVL_ERROR, "absent", "%s %lld is not in this kernel", what,
		    (long long)d->id);
	else
		set(cell, KS_LVL_ERROR, "absent", "%s %s (%lld) is not in this kernel", what,
		    d->name, (long long)d->id);
}

/*
 * Whether extern e resolves in the image as libbpf resolves it: kfuncs and typed ksyms
 * by BTF FUNC/VAR (a kfunc's prototype must be compatible, else libbpf leaves it
 * unresolved), config values by the config. 2 when the kfunc is there but incompatible,
 * 3 when it is not in vmlinux and the image's modules, where it may be, were not ingested.
 */
static int extern_present(const struct ks_bpf_obj *o, const struct ks_bpf_extern *e,
			  const struct ks_check_src *src, size_t img)
{
	const struct btf *b = src->btf(src->ctx, img);
	int tid;

	if (e->is_kconfig)
		return src->def(src->ctx, img, "config", e->name) != NULL;
	if (!b)
		return 1; /* cannot tell: do not call it missing */
	tid = btf__find_by_name_kind(b, e->name, e->is_func ? BTF_KIND_FUNC : BTF_KIND_VAR);
	if (tid <= 0 && e->is_func && src->def(src->ctx, img, "kfunc", e->name))
		return 1; /* a module's kfunc: libbpf finds it in the module's BTF */
	if (tid <= 0)
		return e->is_func && unknown_absence(src, img, "kfunc", e->name) ? 3 : 0;
	if (e->is_func && e->btf_id) {
		const struct btf_type *lf = btf__type_by_id(o->btf, e->btf_id);
		const struct btf_type *tf = btf__type_by_id(b, (uint32_t)tid);

		if (lf && tf && ks_core_types_are_compat(o->btf, lf->type, b, tf->type) <= 0)
			return 2;
	}
	return 1;
}

/* The value of a config option in an image ("y", "m", "n", a number...); 0 when absent. */
static int config_value(const struct ks_check_src *src, size_t img, const char *name, char *out,
			size_t size)
{
	const char *def = src->def(src->ctx, img, "config", name);
	json_t *j = def ? json_loads(def, 0, NULL) : NULL;
	const char *v = j ? json_string_value(json_object_get(j, "value")) : NULL;

	if (v)
		snprintf(out, size, "%s", v);
	json_decref(j);
	return v != NULL;
}

static void eval_extern(struct ks_cell *cell, const struct ks_bpf_obj *o, const struct ks_dep *d,
			const struct ks_check_src *src, size_t img, int present, int called)
{
	const struct ks_bpf_extern *e = d->id >= 0 ? &o->externs[d->id] : NULL;

	if (d->kind == KS_DEP_CONFIG && d->via && strstr(d->via, "lsm") &&
	    !strcmp(d->name, "CONFIG_BPF_LSM")) {
		char v[64];

		if (!config_value(src, img, d->name, v, sizeof(v)))
			snprintf(v, sizeof(v), "absent");
		if (!strcmp(v, "y"))
			return set(cell, KS_LVL_OK, "ok", "CONFIG_BPF_LSM=y");
		return set(cell, KS_LVL_ERROR, "not set", "CONFIG_BPF_LSM=%s: BPF LSM programs cannot load",
			   v);
	}
	if (present == 3)
		return set(cell, KS_LVL_INFO, "unknown", "%s", no_modules);
	if (present == 2 && !d->weak)
		return set(cell, KS_LVL_ERROR, "incompatible",
			   "the kernel's prototype of %s differs from the declared one: load fails",
			   e->name);
	if (present == 2)
		return set(
		    cell, called ? KS_LVL_ERROR : KS_LVL_WARN, "incompatible",
		    "the kernel's prototype of %s differs from the declared one, so libbpf leaves "
		    "the weak extern unresolved%s",
		    e->name,
		    called ? " and a call to it is reachable" : ": the guarded code never runs");
	if (!present) {
		if (!d->weak)
			return set(cell, KS_LVL_ERROR, "absent",
				   "%s is not in this kernel: load fails", e->name);
		if (called)
			return set(cell, KS_LVL_ERROR, "absent",
				   "weak %s is not in this kernel and a call to it is reachable",
				   e->name);
		return set(cell, KS_LVL_INFO, "guarded",
			   "weak %s is not in this kernel; its uses are guarded", e->name);
	}
	if (d->kind == KS_DEP_CONFIG) {
		char v[64];

		if (!config_value(src, img, d->name, v, sizeof(v)))
			snprintf(v, sizeof(v), "?");
		return set(cell, KS_LVL_OK, "ok", "%s=%s", d->name, v);
	}
	if (d->kind == KS_DEP_KFUNC && src->count(src->ctx, img, "kfunc") &&
	    !src->def(src->ctx, img, "kfunc", e->name))
		return set(
		    cell, KS_LVL_ERROR, "not a kfunc",
		    "%s is a kernel function but not a kfunc here: the verifier rejects the call",
		    e->name);
	set(cell, KS_LVL_OK, "ok", NULL);
}

int ks_check_begin(struct ks_check *c, size_t nimages)
{
	const struct ks_bpf_obj *o = c->obj;

	c->nimages = nimages;
	c->cells = calloc(c->ndeps * nimages + 1, sizeof(*c->cells));
	c->relo_res = calloc(o->nrelos * nimages + 1, sizeof(*c->relo_res));
	c->relo_reach = calloc(o->nrelos * nimages + 1, 1);
	if (!c->cells || !c->relo_res || !c->relo_reach)
		abort();
	return 0;
}

int ks_check_eval_image(struct ks_check *c, const struct ks_check_src *src, size_t img)
{
	const struct ks_bpf_obj *o = c->obj;
	size_t ni = c->nimages;
	uint8_t *present = calloc(o->nexterns + 1, 1), *called = calloc(o->nexterns + 1, 1);
	uint8_t *resolved = calloc(o->nexterns + 1, 1), *reach = calloc(o->nrelos + 1, 1);
	struct ks_relo_result *tmp = calloc(o->nrelos + 1, sizeof(*tmp));
	const struct btf *b = src->btf(src->ctx, img);

	if (!present || !called || !resolved || !reach || !tmp)
		abort();
	for (size_t e = 0; e < o->nexterns; e++)
		present[e] = (uint8_t)extern_present(o, &o->externs[e], src, img);
	if (b && o->btf && o->nrelos) {
		struct ks_core_ctx *cc;

		if (ks_core_ctx_new(o, b, &cc))
			abort();
		for (size_t r = 0; r < o->nrelos; r++) {
			ks_core_eval(cc, &o->relos[r], &tmp[r]);
			/* libbpf skips the relocations of programs it does not load */
			if (o->relos[r].prog < o->nprogs && !o->progs[o->relos[r].prog].autoload &&
			    tmp[r].status == KS_RELO_ERROR)
				tmp[r].status = KS_RELO_POISON;
		}
		ks_core_ctx_free(cc);
	} else {
		for (size_t r = 0; r < o->nrelos; r++) {
			tmp[r].status = KS_RELO_ERROR;
			snprintf(tmp[r].target, sizeof(tmp[r].target), "the image has no BTF");
		}
	}
	for (size_t e = 0; e < o->nexterns; e++)
		resolved[e] = present[e] == 1 || present[e] == 3;
	ks_reach(o, tmp, resolved, reach, called);
	for (size_t r = 0; r < o->nrelos; r++) {
		c->relo_res[r * ni + img] = tmp[r];
		c->relo_reach[r * ni + img] = reach[r];
	}
	for (size_t d = 0; d < c->ndeps; d++) {
		struct ks_dep *dp = &c->deps[d];
		struct ks_cell *cell = ks_check_cell(c, d, img);

		switch (dp->kind) {
		case KS_DEP_PROG_TYPE:
			eval_avail(cell, src, img, dp, "program type");
			break;
		case KS_DEP_ATTACH_TYPE:
			eval_avail(cell, src, img, dp, "attach type");
			break;
		case KS_DEP_ATTACH:
			if (dp->attach == KS_ATT_KPROBE_MULTI) {
				size_t n = src->glob(src->ctx, img, dp->name);

				if (n)
					set(cell, KS_LVL_OK, "ok", "%zu functions match", n);
				else
					set(cell, KS_LVL_ERROR, "absent", "no function matches %s",
					    dp->name);
			} else if (!strcmp(dp->item_kind, "func")) {
				eval_func(cell, dp, src->def(src->ctx, img, "func", dp->name),
					  unknown_absence(src, img, "func", dp->name));
			} else {
				eval_avail(cell, src, img, dp, dp->item_kind);
			}
			break;
		case KS_DEP_RELO:
			eval_relo(c, dp, img, cell);
			break;
		case KS_DEP_KFUNC:
		case KS_DEP_KSYM:
			eval_extern(cell, o, dp, src, img, present[dp->id], called[dp->id]);
			break;
		case KS_DEP_CONFIG:
			if (dp->id >= 0)
				eval_extern(cell, o, dp, src, img, present[dp->id], 0);
			else if (!src->count(src->ctx, img, "config"))
				set(cell, KS_LVL_INFO, "unknown", "the image has no config");
			else
				eval_extern(cell, o, dp, src, img, 1, 0);
			break;
		case KS_DEP_HELPER:
			eval_by_value(cell, src, img, dp, "helper");
			break;
		case KS_DEP_MAP_TYPE:
			eval_by_value(cell, src, img, dp, "map type");
			break;
		}
		if (!dp->required && cell->level == KS_LVL_ERROR) {
			char *why = cell->detail;

			cell->detail = NULL;
			set(cell, KS_LVL_WARN, cell->word,
			    "%s (only optional SEC(\"?...\") programs need it)",
			    why ? why : cell->word);
			free(why);
		}
	}
	free(tmp);
	free(reach);
	free(resolved);
	free(present);
	free(called);
	return 0;
}

void ks_check_end(struct ks_check *c)
{
	c->worst = KS_LVL_OK;
	for (size_t i = 0; i < c->ndeps * c->nimages; i++)
		if (c->cells[i].level > c->worst)
			c->worst = c->cells[i].level;
}

void ks_check_names(struct ks_check *c, const struct ks_check_src *src)
{
	/* helpers and map types by the name the first image that has them gives */
	for (size_t d = 0; d < c->ndeps; d++) {
		struct ks_dep *dp = &c->deps[d];

		if (dp->kind != KS_DEP_HELPER && dp->kind != KS_DEP_MAP_TYPE)
			continue;
		for (size_t i = 0; i < c->nimages; i++) {
			const char *n = src->by_value(src->ctx, i, dp->item_kind, dp->id);

			if (n) {
				free(dp->name);
				if (!(dp->name = strdup(n)))
					abort();
				break;
			}
		}
	}
}

enum ks_level ks_check_prog_level(const struct ks_check *c, size_t p, size_t img)
{
	const struct ks_bpf_obj *o = c->obj;
	enum ks_level lvl = KS_LVL_OK;

	for (size_t r = 0; r < o->nrelos; r++) {
		const struct ks_relo_result *res = &c->relo_res[r * c->nimages + img];
		size_t owner = o->relos[r].prog;
		int mine = owner == p || owner >= o->nprogs || o->progs[owner].subprog;

		if (res->status == KS_RELO_ERROR && (owner >= o->nprogs || o->progs[owner].autoload))
			return KS_LVL_ERROR; /* libbpf refuses the whole object */
		if (res->status == KS_RELO_POISON && mine && c->relo_reach[r * c->nimages + img])
			lvl = KS_LVL_ERROR;
	}
	for (size_t d = 0; d < c->ndeps; d++) {
		const struct ks_dep *dp = &c->deps[d];
		enum ks_level l = ks_check_cell(c, d, img)->level;

		int object_wide = !dp->progs || ((dp->kind == KS_DEP_KFUNC || dp->kind == KS_DEP_KSYM ||
						  dp->kind == KS_DEP_CONFIG) && !dp->weak && dp->id >= 0);

		if (dp->kind == KS_DEP_RELO || l <= lvl)
			continue;
		if (object_wide || csv_has(dp->progs, o->progs[p].name))
			lvl = l;
	}
	return lvl;
}
