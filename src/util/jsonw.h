/* SPDX-License-Identifier: MIT */
#ifndef KSURF_UTIL_JSONW_H
#define KSURF_UTIL_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

/*
 * The canonical-def writer's primitives. Defs (docs/defs.md) are written straight into a
 * string builder, keys in sorted order, with exactly the bytes that jansson's
 * json_dumps(JSON_COMPACT | JSON_SORT_KEYS) would produce for the same object (tests
 * check that on every def of real kernels) — at a fifth of the cost of building jansson
 * objects for the ~10^5 members and functions of a kernel. Reports use jansson.
 */

/* Append s[0..n) as a JSON string; -EINVAL when it is not valid UTF-8. */
int ks_jsonw_str(struct strbuf *out, const char *s, size_t n);
/* Append an unsigned / signed decimal. */
void ks_jsonw_u64(struct strbuf *out, uint64_t v);
void ks_jsonw_i64(struct strbuf *out, int64_t v);

#endif
