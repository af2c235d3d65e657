/* SPDX-License-Identifier: MIT */
/* Internal to src/surface: the extractors the registry in surface.c runs. */
#ifndef KSURF_SURFACE_SURFACE_INT_H
#define KSURF_SURFACE_SURFACE_INT_H

#include "surface/surface.h"

/* One declaration per extractor, e.g.
 * int ks_surface_funcs(const struct ks_surface_input *in, struct ks_surface *out); */

int ks_surface_bpfenums(const struct ks_surface_input *in, struct ks_surface *out);
int ks_surface_kconfig(const struct ks_surface_input *in, struct ks_surface *out);
int ks_surface_funcs(const struct ks_surface_input *in, struct ks_surface *out);
int ks_surface_kfuncs(const struct ks_surface_input *in, struct ks_surface *out);
int ks_surface_lsm(const struct ks_surface_input *in, struct ks_surface *out);
int ks_surface_tracepoints(const struct ks_surface_input *in, struct ks_surface *out);
int ks_surface_syscalls(const struct ks_surface_input *in, struct ks_surface *out);
#endif
