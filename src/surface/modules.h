/* SPDX-License-Identifier: MIT */
#ifndef KSURF_SURFACE_MODULES_H
#define KSURF_SURFACE_MODULES_H

#include <stddef.h>

#include "surface/surface.h"

struct btf;
struct ks_kmod;

typedef int (*ks_module_extractor_fn)(const struct ks_surface_input *in, struct ks_surface *out);

struct ks_module_stats {
	size_t modules;	 /* modules whose items joined the surface */
	size_t with_btf; /* of them, those with BTF */
	size_t skipped;	 /* modules whose BTF libbpf rejected (reported) */
	size_t items;	 /* items the modules added (not in vmlinux) */
};

/*
 * Add the items of the image's modules (mods, sorted by name) to io, the image's
 * surface (sorted by kind and name, as ks_surface_extract leaves it): every module's
 * split BTF is read on top of `base` (the image's vmlinux BTF) and its types, funcs,
 * kfuncs and tracepoints extracted, on every core. An item vmlinux has keeps vmlinux's
 * definition; modules that define it differently are listed in its `others` and counted
 * as duplicates. An item only modules have takes the definition of the first module
 * (by name) and lists in `module` every module with that same definition. io stays
 * sorted. A module whose BTF libbpf rejects is reported and skipped; when more than half
 * are rejected the base is not theirs and the whole call fails naming the first.
 */
int ks_surface_modules(const struct btf *base, const struct ks_kmod *mods, size_t n,
		       struct ks_surface *io, struct ks_module_stats *stats);

#endif
