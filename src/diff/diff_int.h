/* SPDX-License-Identifier: MIT */
/* Internal to src/diff: per-kind differs beyond the types (see kinds.c). */
#ifndef KSURF_DIFF_DIFF_INT_H
#define KSURF_DIFF_DIFF_INT_H


#include "diff/change.h"
#include "util/jtree.h"

/* Compare two parsed defs of one kind (not struct/union/enum/typedef), appending changes. */
void ks_diff_other_kind(const char *kind, const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out);

/* One declaration per differ, e.g.
 * void ks_diff_proto(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out); */

void ks_diff_field(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out);
void ks_diff_enumerator(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out);
void ks_diff_config(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out);
void ks_diff_syscall(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out);
void ks_diff_proto(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out);
void ks_diff_tracepoint(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out);
#endif
