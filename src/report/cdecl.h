/* SPDX-License-Identifier: MIT */
#ifndef KSURF_REPORT_CDECL_H
#define KSURF_REPORT_CDECL_H

#include <stdint.h>

#include "util/strbuf.h"

struct btf;

/*
 * The one C declaration printer, from BTF. Conventions follow libbpf's btf_dump (what
 * `bpftool btf dump format c` prints), so the two can be compared: base type names as in
 * BTF ("long unsigned int"), "struct x *", "const char *", "char * const",
 * "int (*fn)(int, void *)", "struct dm_io_region dests[8]", "void (*)(void)", and
 * anonymous struct/union/enum types written out inline.
 *
 * Append to out the declaration of `name` (may be NULL or "" for an abstract declarator,
 * i.e. the type alone) with type `type_id`. `indent` is the nesting level used for
 * inline anonymous bodies (4 spaces per level).
 */
void ks_cdecl(const struct btf *btf, uint32_t type_id, const char *name, int indent,
	      struct strbuf *out);

/*
 * Append a whole definition of named or anonymous struct/union/enum/typedef `type_id`:
 * "struct kcopyd_job {\n    struct dm_kcopyd_client *kc;\n ...};" with members one per
 * line, 4-space indent, bitfields as "unsigned int x: 3;", anonymous members inline.
 */
void ks_cdecl_definition(const struct btf *btf, uint32_t type_id, struct strbuf *out);

#endif
