/* SPDX-License-Identifier: MIT */
#ifndef KSURF_PROG_CORE_H
#define KSURF_PROG_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "prog/obj.h"

/*
 * CO-RE relocations evaluated offline the way libbpf evaluates them at load time
 * (libbpf's relo_core.c semantics, as documented in Documentation/bpf/libbpf and the
 * BTF docs): candidates by essential name (the name before the last "___flavor") and
 * compatible kind in the target BTF; each candidate matched against the local access
 * spec (named fields searched through anonymous members, array bounds, field type
 * compatibility); all matching candidates must agree, or the relocation is ambiguous;
 * no candidate means the instruction is poisoned (harmless if unreachable). The
 * candidate lists are cached per local root type and pruned to the matching ones, as
 * libbpf does, so results equal libbpf's relocation log record for record.
 */
enum ks_relo_status {
	KS_RELO_OK,	/* relocated: new_val is what libbpf writes */
	KS_RELO_POISON, /* no target: libbpf poisons the instruction (an error if reachable) */
	KS_RELO_ERROR,	/* libbpf refuses the object: ambiguity, bad spec, unpatchable insn */
};

struct ks_relo_result {
	enum ks_relo_status status;
	uint64_t orig_val, new_val; /* the compiled value and the value for the target */
	uint32_t orig_sz, new_sz;   /* load/store size of a byte_off relocation, when known */
	int cands;		    /* matching candidates */
	char local[192];	    /* "struct task_struct.pid", "enum e::A", "struct s" */
	char target[160];	    /* "byte 1264", "exists", "value 3"; or the failure */
};

/* Per object × target image: the candidate cache. */
struct ks_core_ctx;

/* target: the image's BTF. 0 or -ENOMEM. */
int ks_core_ctx_new(const struct ks_bpf_obj *o, const struct btf *target, struct ks_core_ctx **out);
void ks_core_ctx_free(struct ks_core_ctx *c);

/* Evaluate relocation r (of o->relos, in .BTF.ext order as libbpf does). */
void ks_core_eval(struct ks_core_ctx *c, const struct ks_bpf_relo *r, struct ks_relo_result *res);

/* The local side of relocation r, as ks_core_eval writes res->local. */
void ks_core_describe(const struct ks_bpf_obj *o, const struct ks_bpf_relo *r, char *out,
		      size_t size);

/* The relocation kind's libbpf name: "byte_off", "field_exists", "type_matches"... */
const char *ks_core_kind_name(uint32_t kind);

/* Whether a local and a target function prototype are compatible as libbpf requires of
 * a kfunc extern (bpf_core_types_are_compat). 1 yes, 0 no, <0 malformed. */
int ks_core_types_are_compat(const struct btf *local, uint32_t local_id, const struct btf *targ,
			     uint32_t targ_id);

/* Length of a name's essential part: "task_struct___old" -> 11. */
size_t ks_core_essential_len(const char *name);

#endif
