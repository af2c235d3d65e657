/* SPDX-License-Identifier: MIT */
/* `ksurf list`: the images of the dataset and its groups. */
#include <jansson.h>
#include <stddef.h>
#include <string.h>

#include "report/report.h"

static const char *s0(const char *s)
{
	return s && *s ? s : "-";
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int images_json(FILE *out, const struct ks_image_list *imgs, const struct ks_groups *g)
{
	json_t *root = json_object(), *arr = json_array(), *groups = json_array();

	json_object_set_new(root, "schema", json_string("ksurf.list/1"));
	for (size_t i = 0; i < imgs->n; i++) {
		const struct ks_image_row *r = &imgs->v[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(r->ident.name));
		json_object_set_new(o, "version", jstr(r->ident.version));
		json_object_set_new(o, "revision", jstr(r->ident.revision));
		json_object_set_new(o, "flavor", jstr(r->ident.flavor));
		json_object_set_new(o, "arch", jstr(r->ident.arch));
		json_object_set_new(o, "distro", jstr(r->ident.distro));
		json_object_set_new(o, "release", jstr(r->ident.release));
		json_object_set_new(o, "btf_types", json_integer(r->btf_types));
		json_object_set_new(o, "btf_bytes", json_integer(r->btf_size));
		json_object_set_new(o, "btf_endian", jstr(r->btf_endian));
		json_object_set_new(o, "btf_found_by", jstr(r->btf_found_by));
		json_object_set_new(o, "types_from",
				    json_string(ks_image_types_from_dwarf(r) ? "dwarf" : "btf"));
		json_object_set_new(o, "packing", jstr(r->packing));
		json_object_set_new(o, "symbols", json_integer(r->nsyms));
		json_object_set_new(o, "symbol_source", jstr(r->sym_source));
		json_object_set_new(o, "config_entries", json_integer(r->nconfig));
		json_object_set_new(o, "config_source", jstr(r->config_source));
		json_object_set_new(o, "items", json_integer(r->nitems));
		json_object_set_new(o, "modules",
				    r->modules < 0 ? json_null() : json_integer(r->modules));
		json_object_set_new(o, "modules_skipped", json_integer(r->modules_skipped));
		json_object_set_new(o, "dwarf_source", jstr(r->dwarf_source));
		json_object_set_new(o, "source", jstr(r->source));
		json_object_set_new(o, "content_hash", jstr(r->content_hash));
		json_object_set_new(o, "added_at", jstr(r->added_at));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "images", arr);
	arr = json_array();
	for (size_t i = 0; i < imgs->nwaiting; i++) {
		const struct ks_waiting *w = &imgs->waiting[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(w->ident.name));
		json_object_set_new(o, "release", jstr(w->ident.release));
		json_object_set_new(o, "version", jstr(w->ident.version));
		json_object_set_new(o, "revision", jstr(w->ident.revision));
		json_object_set_new(o, "flavor", jstr(w->ident.flavor));
		json_object_set_new(o, "arch", jstr(w->ident.arch));
		json_object_set_new(o, "distro", jstr(w->ident.distro));
		json_object_set_new(o, "source", jstr(w->source));
		json_object_set_new(o, "added_at", jstr(w->added_at));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "waiting", arr);
	if (imgs->n) {
		json_object_set_new(root, "baseline", json_string(imgs->v[g->baseline].ident.name));
		json_object_set_new(root, "baseline_reason", json_string(g->baseline_why));
	}
	for (size_t i = 0; i < g->n; i++) {
		json_t *o = json_object(), *m = json_array();

		json_object_set_new(o, "name", json_string(g->v[i].name));
		json_object_set_new(o, "pairing", json_string(ks_pairing_name(g->v[i].pairing)));
		json_object_set_new(o, "user_defined", json_boolean(g->v[i].user));
		for (size_t k = 0; k < g->v[i].n; k++) {
			json_t *e = json_object();

			json_object_set_new(e, "image", json_string(imgs->v[g->v[i].m[k].img].ident.name));
			json_object_set_new(e, "label", json_string(g->v[i].m[k].label));
			json_array_append_new(m, e);
		}
		json_object_set_new(o, "members", m);
		json_array_append_new(groups, o);
	}
	json_object_set_new(root, "groups", groups);
	int ret = ks_json_print(out, root);
	json_decref(root);
	return ret;
}

static int width(const struct ks_image_list *imgs, size_t off)
{
	int w = 4;

	for (size_t i = 0; i < imgs->n; i++) {
		const char *s = *(const char *const *)((const char *)&imgs->v[i] + off);
		int n = (int)strlen(s0(s));

		if (n > w)
			w = n;
	}
	return w;
}

#define W(field) width(imgs, offsetof(struct ks_image_row, field))

/* Kernels without BTF added before their -dbg package: not images yet. */
static void waiting_text(FILE *out, const struct ks_image_list *imgs, const struct ks_style *st)
{
	if (!imgs->nwaiting)
		return;
	fprintf(out, "\n%sWaiting for their types%s (no BTF in the kernel; `ksurf add --debug-file` "
		     "its -dbg package):\n",
		st->bold, st->reset);
	for (size_t i = 0; i < imgs->nwaiting; i++)
		fprintf(out, "  %s  %s  %s\n", imgs->waiting[i].ident.name,
			s0(imgs->waiting[i].ident.release), s0(imgs->waiting[i].source));
}

int ks_report_images(FILE *out, const struct ks_image_list *imgs, const struct ks_groups *g,
		     enum ks_format fmt, const struct ks_style *st)
{
	int wt = 9;
	char types[32], mods[24];

	if (fmt == KS_FMT_JSON)
		return images_json(out, imgs, g);
	if (!imgs->n) {
		fprintf(out, "No images. Add some with `ksurf add`.\n");
		waiting_text(out, imgs, st);
		return 0;
	}
	for (size_t i = 0; i < imgs->n; i++)
		if (ks_image_types_from_dwarf(&imgs->v[i]))
			wt = 17;
	int wn = W(ident.name), wv = W(ident.version), wr = W(ident.revision), wf = W(ident.flavor),
	    wa = W(ident.arch), wd = W(ident.distro);
	fprintf(out, "%s%-*s  %-*s  %-*s  %-*s  %-*s  %-*s  %*s  %8s  %6s  %7s  %5s  %s%s\n", st->bold,
		wn, "NAME", wv, "VERSION", wr, "REV", wf, "FLAVOR", wa, "ARCH", wd, "DISTRO", wt,
		"BTF TYPES", "SYMBOLS", "CONFIG", "MODULES", "DWARF", "SOURCE", st->reset);
	for (size_t i = 0; i < imgs->n; i++) {
		const struct ks_image_row *r = &imgs->v[i];

		/* the types of a kernel without BTF were encoded from its DWARF */
		snprintf(types, sizeof(types), "%lld%s", (long long)r->btf_types,
			 ks_image_types_from_dwarf(r) ? " (DWARF)" : "");
		/* MODULES: how many were ingested, "-" when they were not */
		snprintf(mods, sizeof(mods), "%lld", (long long)r->modules);
		fprintf(out, "%-*s  %-*s  %-*s  %-*s  %-*s  %-*s  %*s  %8lld  %6lld  %7s  %5s  %s\n", wn,
			r->ident.name, wv, s0(r->ident.version), wr, s0(r->ident.revision), wf,
			s0(r->ident.flavor), wa, s0(r->ident.arch), wd, s0(r->ident.distro), wt,
			types, (long long)r->nsyms, (long long)r->nconfig, r->modules < 0 ? "-" : mods,
			r->dwarf_source ? "yes" : "-", s0(r->source));
	}
	waiting_text(out, imgs, st);
	fprintf(out, "\n%sBaseline:%s %s (%s)\n", st->bold, st->reset,
		imgs->v[g->baseline].ident.name, g->baseline_why);
	fprintf(out, "%sGroups:%s\n", st->bold, st->reset);
	int wg = 8;
	for (size_t i = 0; i < g->n; i++)
		if ((int)strlen(g->v[i].name) > wg)
			wg = (int)strlen(g->v[i].name);
	for (size_t i = 0; i < g->n; i++) {
		const struct ks_group *gr = &g->v[i];

		fprintf(out, "  %-*s  %-7s  ", wg, gr->name, ks_pairing_name(gr->pairing));
		for (size_t k = 0; k < gr->n; k++) {
			const char *sep = k == 0 ? "" : gr->pairing == KS_PAIRING_VERSION ? " → "
						      : k == 1 ? " vs " : ", ";
			fprintf(out, "%s%s", sep, gr->m[k].label);
		}
		fputc('\n', out);
	}
	return 0;
}
