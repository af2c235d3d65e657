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
 * Abstract declarators (no name) are exactly what btf_dump prints for unnamed
 * prototype parameters: "int (*)(int, void *)", "struct dm_io_region[8]", "int(*)[3]".
 * Type tags print as bpftool v7.1 does (`int __attribute__((btf_type_tag("user"))) *`);
 * decl tags are not part of a declaration and never print. Names print as BTF has them
 * (no "___2" suffixes for clashing names, which btf_dump adds to stay compilable).
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
 *
 * It shows the members BTF has and nothing btf_dump invents to make a header compile:
 * no padding members ("long: 64;") and no "mode(word)" on enums; a struct is marked
 * "} __attribute__((packed))" exactly when btf_dump would mark it (its layout cannot be
 * natural). FUNC and VAR print as declarations ("int vfs_read(struct file *file, ...);"),
 * FWD as "struct x;", an enum without enumerators as "enum x;".
 */
void ks_cdecl_definition(const struct btf *btf, uint32_t type_id, struct strbuf *out);

/* Append one enumerator as btf_dump writes it: "NAME = 3", "NAME = -1", "NAME = 8ULL". */
void ks_cdecl_enumerator(const struct btf *btf, uint32_t enum_id, uint32_t idx, struct strbuf *out);

/*
 * A printer bound to one BTF that remembers the declarator parts of every type it has
 * printed, so printing a whole kernel (every member of every type, each several times)
 * costs one copy per declaration. Same output as the functions above. The BTF must
 * outlive the cache. NULL when out of memory.
 */
struct ks_cdecl_cache;

struct ks_cdecl_cache *ks_cdecl_cache_new(const struct btf *btf);
void ks_cdecl_cache_free(struct ks_cdecl_cache *cache);
void ks_cdecl_cached(struct ks_cdecl_cache *cache, uint32_t type_id, const char *name, int indent,
		     struct strbuf *out);
void ks_cdecl_definition_cached(struct ks_cdecl_cache *cache, uint32_t type_id, struct strbuf *out);

#endif
