/* SPDX-License-Identifier: MIT */
/* Internal to src/diff: per-kind differs beyond the types (see kinds.c). */
#ifndef KSURF_DIFF_DIFF_INT_H
#define KSURF_DIFF_DIFF_INT_H

#include <jansson.h>

#include "diff/change.h"

/* Compare two parsed defs of one kind (not struct/union/enum/typedef), appending changes. */
void ks_diff_other_kind(const char *kind, json_t *o, json_t *n, struct ks_changes *out);

/* One declaration per differ, e.g.
 * void ks_diff_proto(json_t *o, json_t *n, struct ks_changes *out); */

void ks_diff_field(json_t *o, json_t *n, struct ks_changes *out);
void ks_diff_enumerator(json_t *o, json_t *n, struct ks_changes *out);
void ks_diff_config(json_t *o, json_t *n, struct ks_changes *out);
void ks_diff_syscall(json_t *o, json_t *n, struct ks_changes *out);
void ks_diff_proto(json_t *o, json_t *n, struct ks_changes *out);
void ks_diff_tracepoint(json_t *o, json_t *n, struct ks_changes *out);
#endif
