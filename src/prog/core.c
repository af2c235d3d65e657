/* SPDX-License-Identifier: MIT */
/*
 * CO-RE relocation evaluation against a target BTF (see core.h for the contract): the
 * candidate search, the agreement of candidates, and what libbpf's instruction patcher
 * does with the result. Specs and type rules are in core_spec.c and core_types.c.
 * tests/e2e/check_oracle.sh compares every result with libbpf's own relocation log.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog/core_int.h"
#include "util/xalloc.h"

struct cands {
	uint32_t local_id;
	uint32_t *ids;
	size_t n;
	int failed; /* the local root has no name: candidate search fails */
};

struct ks_core_ctx {
	const struct ks_bpf_obj *o;
	const struct btf *targ;
	struct cands *c; /* per local root type id, created on first use */
	size_t nc;
};

const char *ks_core_kind_name(uint32_t kind)
{
	static const char *const names[] = {
	    [BPF_CORE_FIELD_BYTE_OFFSET] = "byte_off",
	    [BPF_CORE_FIELD_BYTE_SIZE] = "byte_sz",
	    [BPF_CORE_FIELD_EXISTS] = "field_exists",
	    [BPF_CORE_FIELD_SIGNED] = "signed",
	    [BPF_CORE_FIELD_LSHIFT_U64] = "lshift_u64",
	    [BPF_CORE_FIELD_RSHIFT_U64] = "rshift_u64",
	    [BPF_CORE_TYPE_ID_LOCAL] = "local_type_id",
	    [BPF_CORE_TYPE_ID_TARGET] = "target_type_id",
	    [BPF_CORE_TYPE_EXISTS] = "type_exists",
	    [BPF_CORE_TYPE_SIZE] = "type_size",
	    [BPF_CORE_ENUMVAL_EXISTS] = "enumval_exists",
	    [BPF_CORE_ENUMVAL_VALUE] = "enumval_value",
	    [BPF_CORE_TYPE_MATCHES] = "type_matches",
	};

	return kind < sizeof(names) / sizeof(names[0]) && names[kind] ? names[kind] : "unknown";
}

/* "X___Y" with X and Y not underscores: a flavor separator at s+1. */
size_t ks_core_essential_len(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;)
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i + 3] == '_' && name[i + 4] != '_')
			return i + 1;
	return n;
}

/*
 * Candidates of every local root in the target, found in one pass over its types (as
 * libbpf's per-root scans would find them, in type id order): same kind family, same
 * essential name. A first-byte filter keeps the pass to a few compares per type.
 */
static void find_all_cands(struct ks_core_ctx *c)
{
	const struct btf *lb = c->o->btf;
	uint8_t first[256] = {0};
	size_t *lens;

	for (size_t r = 0; r < c->o->nrelos; r++) {
		uint32_t id = c->o->relos[r].type_id;
		struct cands *k = NULL;

		for (size_t i = 0; i < c->nc && !k; i++)
			if (c->c[i].local_id == id)
				k = &c->c[i];
		if (k)
			continue;
		c->c = ks_xrealloc_array(c->c, c->nc + 1, sizeof(*c->c));
		k = &c->c[c->nc++];
		memset(k, 0, sizeof(*k));
		k->local_id = id;
	}
	lens = ks_xrealloc_array(NULL, c->nc + 1, sizeof(*lens));
	for (size_t i = 0; i < c->nc; i++) {
		const struct btf_type *lt = btf__type_by_id(lb, c->c[i].local_id);
		const char *ln = lt ? core_tname(lb, lt) : "";

		c->c[i].failed = !*ln;
		lens[i] = ks_core_essential_len(ln);
		first[(uint8_t)ln[0]] = 1;
	}
	for (uint32_t t = 1, n = btf__type_cnt(c->targ); t < n; t++) {
		const struct btf_type *tt = btf__type_by_id(c->targ, t);
		const char *tn = core_tname(c->targ, tt);
		size_t tl = 0;

		if (!first[(uint8_t)tn[0]] || !tn[0])
			continue;
		for (size_t i = 0; i < c->nc; i++) {
			struct cands *k = &c->c[i];
			const struct btf_type *lt;
			const char *ln;

			if (k->failed)
				continue;
			lt = btf__type_by_id(lb, k->local_id);
			ln = core_tname(lb, lt);
			if (ln[0] != tn[0] || !core_kind_compat(tt, lt) || strncmp(tn, ln, lens[i]))
				continue;
			if (!tl)
				tl = ks_core_essential_len(tn);
			if (tl != lens[i])
				continue;
			k->ids = ks_xrealloc_array(k->ids, k->n + 1, sizeof(*k->ids));
			k->ids[k->n++] = t;
		}
	}
	free(lens);
}

static struct cands *find_cands(struct ks_core_ctx *c, uint32_t local_id)
{
	if (!c->c)
		find_all_cands(c);
	for (size_t i = 0; i < c->nc; i++)
		if (c->c[i].local_id == local_id)
			return &c->c[i];
	abort(); /* every relocation's root was collected */
}

int ks_core_ctx_new(const struct ks_bpf_obj *o, const struct btf *target, struct ks_core_ctx **out)
{
	struct ks_core_ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->o = o;
	c->targ = target;
	*out = c;
	return 0;
}

void ks_core_ctx_free(struct ks_core_ctx *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nc; i++)
		free(c->c[i].ids);
	free(c->c);
	free(c);
}

static void fail(struct ks_relo_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fail(struct ks_relo_result *res, const char *fmt, ...)
{
	va_list ap;

	res->status = KS_RELO_ERROR;
	va_start(ap, fmt);
	vsnprintf(res->target, sizeof(res->target), fmt, ap);
	va_end(ap);
}

static int insn_bytes(const struct bpf_insn *in)
{
	switch (BPF_SIZE(in->code)) {
	case BPF_DW:
		return 8;
	case BPF_W:
		return 4;
	case BPF_H:
		return 2;
	case BPF_B:
		return 1;
	default:
		return -1;
	}
}

/*
 * What libbpf's instruction patcher does with the result: check the instruction holds
 * the compiled value, and refuse what cannot be patched. Sets res->status.
 */
static void patch(const struct ks_bpf_sec *s, size_t insn, const struct calc *c,
		  struct ks_relo_result *res)
{
	const struct bpf_insn *in = &s->insns[insn];
	int cls = BPF_CLASS(in->code);

	res->orig_val = c->orig;
	res->new_val = c->new;
	res->orig_sz = c->orig_sz;
	res->new_sz = c->new_sz;
	if (c->poison) {
		res->status = KS_RELO_POISON;
		return;
	}
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_SRC(in->code) != BPF_K)
			return fail(res, "instruction #%zu is not an ALU immediate", insn);
		if (c->validate && (uint64_t)(int64_t)in->imm != c->orig &&
		    (uint32_t)in->imm != c->orig)
			return fail(res, "instruction #%zu holds %d, expected %llu", insn, in->imm,
				    (unsigned long long)c->orig);
		break;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		if (c->validate && (uint64_t)(int64_t)in->off != c->orig)
			return fail(res, "instruction #%zu holds offset %d, expected %llu", insn,
				    in->off, (unsigned long long)c->orig);
		if (c->new > SHRT_MAX)
			return fail(res, "offset %llu too big for instruction #%zu",
				    (unsigned long long)c->new, insn);
		if (c->fail_memsz) {
			res->status = KS_RELO_POISON;
			snprintf(res->target, sizeof(res->target),
				 "field size %u -> %u cannot be read by the compiled load",
				 c->orig_sz, c->new_sz);
			return;
		}
		if (c->new_sz != c->orig_sz) {
			if (insn_bytes(in) != (int)c->orig_sz)
				return fail(res, "instruction #%zu reads %d bytes, expected %u",
					    insn, insn_bytes(in), c->orig_sz);
			if (c->new_sz != 1 && c->new_sz != 2 && c->new_sz != 4 && c->new_sz != 8)
				return fail(res, "new access size %u for instruction #%zu",
					    c->new_sz, insn);
		}
		break;
	case BPF_LD: {
		uint64_t imm;

		if (in->code != (BPF_LD | BPF_IMM | BPF_DW) || insn + 1 >= s->ninsns ||
		    in->src_reg || in->off || in[1].code || in[1].dst_reg || in[1].src_reg ||
		    in[1].off)
			return fail(res, "instruction #%zu is not a plain 64-bit load", insn);
		imm = (uint32_t)in[0].imm | ((uint64_t)(uint32_t)in[1].imm << 32);
		if (c->validate && imm != c->orig)
			return fail(res, "instruction #%zu holds %llu, expected %llu", insn,
				    (unsigned long long)imm, (unsigned long long)c->orig);
		break;
	}
	default:
		return fail(res, "instruction #%zu (code 0x%x) cannot be relocated", insn,
			    in->code);
	}
	res->status = KS_RELO_OK;
}

void ks_core_eval(struct ks_core_ctx *c, const struct ks_bpf_relo *r, struct ks_relo_result *res)
{
	const struct btf *lb = c->o->btf;
	const struct ks_bpf_sec *s = &c->o->secs[r->sec];
	size_t insn = r->insn_off / sizeof(struct bpf_insn);
	const struct btf_type *lt = btf__type_by_id(lb, r->type_id);
	struct spec ls, cs, ts;
	struct calc cc, tc;
	struct cands *k;
	size_t j = 0;
	int err;

	memset(res, 0, sizeof(*res));
	memset(&ts, 0, sizeof(ts));
	memset(&tc, 0, sizeof(tc));
	err = core_parse_spec(lb, r, &ls);
	if (err) {
		snprintf(res->local, sizeof(res->local), "[%u] %s", r->type_id,
			 btf__name_by_offset(lb, r->access) ?: "?");
		return fail(res, "cannot parse the access string (%s)", strerror(-err));
	}
	core_describe_local(&ls, lt, res->local, sizeof(res->local));
	if (r->kind == BPF_CORE_TYPE_ID_LOCAL) {
		res->status = KS_RELO_OK;
		res->orig_val = res->new_val = ls.root;
		snprintf(res->target, sizeof(res->target), "local type id %u", ls.root);
		return;
	}
	k = find_cands(c, r->type_id);
	if (k->failed)
		return fail(res,
			    "relocation of an anonymous type: libbpf cannot search candidates");
	for (size_t i = 0; i < k->n; i++) {
		err = core_spec_match(&ls, c->targ, k->ids[i], &cs);
		if (err < 0)
			return fail(res, "error matching candidate [%u]: %s", k->ids[i],
				    strerror(-err));
		if (!err)
			continue;
		err = core_calc_relo(r, &ls, &cs, &cc);
		if (err)
			return fail(res, "cannot compute the relocation (%s)", strerror(-err));
		if (j == 0) {
			tc = cc;
			ts = cs;
		} else if (cs.bit_offset != ts.bit_offset) {
			return fail(res,
				    "ambiguous: candidates [%u] and [%u] put it at bit %u and %u",
				    ts.root, cs.root, ts.bit_offset, cs.bit_offset);
		} else if (cc.poison != tc.poison || cc.new != tc.new) {
			return fail(res, "ambiguous: candidates [%u] and [%u] give %llu and %llu",
				    ts.root, cs.root, (unsigned long long)tc.new,
				    (unsigned long long)cc.new);
		}
		k->ids[j++] = k->ids[i];
	}
	if (j > 0)
		k->n = j;
	res->cands = (int)j;
	if (j == 0) {
		err = core_calc_relo(r, &ls, NULL, &tc);
		if (err)
			return fail(res, "cannot compute the relocation (%s)", strerror(-err));
	}
	patch(s, insn, &tc, res);
	if (res->status != KS_RELO_OK && res->status != KS_RELO_POISON)
		return;
	if (res->status == KS_RELO_POISON) {
		if (!res->target[0])
			snprintf(res->target, sizeof(res->target), "not found");
		return;
	}
	switch (r->kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
		snprintf(res->target, sizeof(res->target), "byte %llu", (unsigned long long)tc.new);
		break;
	case BPF_CORE_FIELD_EXISTS:
	case BPF_CORE_TYPE_EXISTS:
	case BPF_CORE_TYPE_MATCHES:
	case BPF_CORE_ENUMVAL_EXISTS:
		snprintf(res->target, sizeof(res->target), "%s", tc.new ? "yes" : "no");
		break;
	default:
		snprintf(res->target, sizeof(res->target), "%llu", (unsigned long long)tc.new);
	}
}

void ks_core_describe(const struct ks_bpf_obj *o, const struct ks_bpf_relo *r, char *out,
		      size_t size)
{
	const struct btf_type *lt = btf__type_by_id(o->btf, r->type_id);
	struct spec ls;

	if (!lt || core_parse_spec(o->btf, r, &ls)) {
		snprintf(out, size, "[%u] %s", r->type_id,
			 btf__name_by_offset(o->btf, r->access) ?: "?");
		return;
	}
	core_describe_local(&ls, lt, out, size);
}
