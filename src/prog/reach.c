/* SPDX-License-Identifier: MIT */
/* Reachability after patching: constant propagation over each program (see reach.h). */
#include <stdlib.h>
#include <string.h>

#include "prog/reach.h"
#include "util/xalloc.h"

enum { V_UNKNOWN, V_CONST, V_NONZERO };
#define NSLOTS 64 /* 8-byte stack slots below r10: the verifier's 512-byte stack */

struct val {
	uint8_t tag;
	uint64_t v;
};

struct state {
	uint8_t seen;
	struct val r[11];
	struct val slot[NSLOTS];
};

/* Per instruction of a section, what patching put there. */
enum { P_NONE, P_VALUE, P_POISON };
struct patched {
	uint8_t kind;
	uint64_t v;
};

static int join(struct state *dst, const struct state *src)
{
	int changed = 0;

	if (!dst->seen) {
		*dst = *src;
		dst->seen = 1;
		return 1;
	}
	for (int i = 0; i < 11 + NSLOTS; i++) {
		struct val *d = i < 11 ? &dst->r[i] : &dst->slot[i - 11];
		const struct val *s = i < 11 ? &src->r[i] : &src->slot[i - 11];

		if (d->tag == V_UNKNOWN)
			continue;
		if (d->tag != s->tag || (d->tag == V_CONST && d->v != s->v)) {
			d->tag = V_UNKNOWN;
			changed = 1;
		}
	}
	return changed;
}

static struct val konst(uint64_t v)
{
	return (struct val){.tag = V_CONST, .v = v};
}

static const struct val unknown = {V_UNKNOWN, 0};

/* Outcome of a conditional jump: 1 taken, 0 not, -1 unknown. */
static int cond(int op, struct val a, struct val b, int is32)
{
	uint64_t x = a.v, y = b.v;

	if (a.tag == V_NONZERO && b.tag == V_CONST && b.v == 0) {
		if (op == BPF_JEQ)
			return 0;
		if (op == BPF_JNE)
			return 1;
		return -1;
	}
	if (a.tag != V_CONST || b.tag != V_CONST)
		return -1;
	if (is32) {
		x = (uint32_t)x;
		y = (uint32_t)y;
	}
	switch (op) {
	case BPF_JEQ:
		return x == y;
	case BPF_JNE:
		return x != y;
	case BPF_JGT:
		return x > y;
	case BPF_JGE:
		return x >= y;
	case BPF_JLT:
		return x < y;
	case BPF_JLE:
		return x <= y;
	case BPF_JSET:
		return (x & y) != 0;
	case BPF_JSGT:
		return is32 ? (int32_t)x > (int32_t)y : (int64_t)x > (int64_t)y;
	case BPF_JSGE:
		return is32 ? (int32_t)x >= (int32_t)y : (int64_t)x >= (int64_t)y;
	case BPF_JSLT:
		return is32 ? (int32_t)x < (int32_t)y : (int64_t)x < (int64_t)y;
	case BPF_JSLE:
		return is32 ? (int32_t)x <= (int32_t)y : (int64_t)x <= (int64_t)y;
	default:
		return -1;
	}
}

static struct val alu(int op, struct val d, struct val s, int is32)
{
	uint64_t x = d.v, y = s.v, r;

	if (op == BPF_MOV)
		r = y;
	else if (d.tag != V_CONST || s.tag != V_CONST)
		return unknown;
	else
		switch (op) {
		case BPF_ADD:
			r = x + y;
			break;
		case BPF_SUB:
			r = x - y;
			break;
		case BPF_MUL:
			r = x * y;
			break;
		case BPF_AND:
			r = x & y;
			break;
		case BPF_OR:
			r = x | y;
			break;
		case BPF_XOR:
			r = x ^ y;
			break;
		case BPF_LSH:
			r = x << (y & 63);
			break;
		case BPF_RSH:
			r = (is32 ? (uint32_t)x : x) >> (y & 63);
			break;
		default:
			return unknown;
		}
	if (op == BPF_MOV && s.tag != V_CONST)
		return s;
	return konst(is32 ? (uint32_t)r : r);
}

/* Stack slot of an access r10+off of `size` bytes, or -1. */
static int slot_of(int16_t off, int size)
{
	if (off >= 0 || off < -8 * NSLOTS || size != 8 || off % 8)
		return -1;
	return (-off) / 8 - 1;
}

static void clobber_slot(struct state *st, int16_t off)
{
	if (off < 0 && off >= -8 * NSLOTS)
		st->slot[(-off - 1) / 8].tag = V_UNKNOWN;
}

struct walk {
	const struct ks_bpf_obj *o;
	const struct ks_bpf_sec *s;
	const struct patched *pt;
	const uint8_t *ext_present;
	struct state *st;
	uint8_t *reach;
	size_t *work;
	size_t nwork;
	uint8_t *queued;
	uint8_t *ext_call_reach;
};

static void push(struct walk *w, size_t i, const struct state *from)
{
	if (i >= w->s->ninsns)
		return;
	if (join(&w->st[i], from) && !w->queued[i]) {
		w->queued[i] = 1;
		w->work[w->nwork++] = i;
	}
}

static void step(struct walk *w, size_t i)
{
	const struct bpf_insn *in = &w->s->insns[i];
	const struct patched *p = &w->pt[i];
	struct state st = w->st[i];
	int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	uint32_t ext = w->s->ext_at[i];

	w->reach[i] = 1;
	if (p->kind == P_POISON)
		return; /* the verifier rejects it here; nothing past it matters */
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64: {
		int is32 = cls == BPF_ALU;
		struct val src;

		if (in->dst_reg > 10)
			break;
		if (op == BPF_END || op == BPF_NEG || op == BPF_DIV || op == BPF_MOD ||
		    op == BPF_ARSH) {
			st.r[in->dst_reg] = unknown;
			break;
		}
		if (BPF_SRC(in->code) == BPF_K) {
			uint64_t imm = p->kind == P_VALUE ? p->v : (uint64_t)(int64_t)in->imm;

			if (p->kind == P_VALUE)
				imm = (uint64_t)(int64_t)(int32_t)(uint32_t)imm;
			src = konst(is32 ? (uint32_t)imm : imm);
		} else {
			src = in->src_reg <= 10 ? st.r[in->src_reg] : unknown;
		}
		st.r[in->dst_reg] = alu(op, st.r[in->dst_reg], src, is32);
		break;
	}
	case BPF_LD:
		if (in->code == (BPF_LD | BPF_IMM | BPF_DW) && in->dst_reg <= 10) {
			if (p->kind == P_VALUE)
				st.r[in->dst_reg] = konst(p->v);
			else if (ext)
				st.r[in->dst_reg] =
				    w->ext_present[ext - 1] ? (struct val){V_NONZERO, 0} : konst(0);
			else if (in->src_reg)
				st.r[in->dst_reg] = (struct val){V_NONZERO, 0};
			else if (i + 1 < w->s->ninsns)
				st.r[in->dst_reg] = konst((uint32_t)in->imm |
							  ((uint64_t)(uint32_t)in[1].imm << 32));
			push(w, i + 2, &st);
			return;
		}
		if (in->dst_reg <= 10)
			st.r[0] = unknown;
		break;
	case BPF_LDX: {
		int sz = BPF_SIZE(in->code) == BPF_DW ? 8 : 0;
		int sl = in->src_reg == BPF_REG_10 ? slot_of(in->off, sz) : -1;

		if (in->dst_reg <= 10)
			st.r[in->dst_reg] = sl >= 0 ? st.slot[sl] : unknown;
		break;
	}
	case BPF_ST:
	case BPF_STX:
		if (in->dst_reg == BPF_REG_10) {
			int sz = BPF_SIZE(in->code) == BPF_DW ? 8 : 0;
			int sl = BPF_MODE(in->code) == BPF_MEM ? slot_of(in->off, sz) : -1;

			if (sl >= 0)
				st.slot[sl] = cls == BPF_ST ? konst((uint64_t)(int64_t)in->imm)
					      : in->src_reg <= 10 ? st.r[in->src_reg]
								  : unknown;
			else
				clobber_slot(&st, in->off);
		}
		if (BPF_MODE(in->code) == BPF_ATOMIC && in->src_reg <= 10)
			st.r[in->src_reg] = st.r[0] = unknown;
		break;
	case BPF_JMP:
	case BPF_JMP32: {
		int is32 = cls == BPF_JMP32, c;
		struct val a, b;

		if (op == BPF_EXIT)
			return;
		if (op == BPF_CALL) {
			if (in->src_reg == BPF_PSEUDO_CALL)
				push(w, i + 1 + in->imm, &(struct state){0});
			if (ext)
				w->ext_call_reach[ext - 1] = 1;
			for (int r = 0; r <= 5; r++)
				st.r[r] = unknown;
			break;
		}
		if (op == BPF_JA) {
			push(w, i + 1 + (is32 ? in->imm : in->off), &st);
			return;
		}
		a = in->dst_reg <= 10 ? st.r[in->dst_reg] : unknown;
		b = BPF_SRC(in->code) == BPF_K
			? konst(is32 ? (uint32_t)in->imm : (uint64_t)(int64_t)in->imm)
		    : in->src_reg <= 10 ? st.r[in->src_reg]
					: unknown;
		c = cond(op, a, b, is32);
		if (c != 0)
			push(w, i + 1 + in->off, &st);
		if (c != 1)
			push(w, i + 1, &st);
		return;
	}
	}
	push(w, i + 1, &st);
}

void ks_reach(const struct ks_bpf_obj *o, const struct ks_relo_result *res,
	      const uint8_t *ext_present, uint8_t *relo_reach, uint8_t *ext_call_reach)
{
	memset(relo_reach, 0, o->nrelos);
	memset(ext_call_reach, 0, o->nexterns);
	for (size_t si = 0; si < o->nsecs; si++) {
		const struct ks_bpf_sec *s = &o->secs[si];
		struct walk w = {
		    .o = o, .s = s, .ext_present = ext_present, .ext_call_reach = ext_call_reach};
		struct patched *pt;

		if (!s->ninsns)
			continue;
		pt = calloc(s->ninsns, sizeof(*pt));
		w.st = calloc(s->ninsns, sizeof(*w.st));
		w.reach = calloc(s->ninsns, 1);
		w.queued = calloc(s->ninsns, 1);
		w.work = ks_xrealloc_array(NULL, s->ninsns, sizeof(*w.work));
		if (!pt || !w.st || !w.reach || !w.queued)
			abort();
		w.pt = pt;
		for (size_t r = 0; r < o->nrelos; r++) {
			size_t at = o->relos[r].insn_off / sizeof(struct bpf_insn);

			if (o->relos[r].sec != si)
				continue;
			if (res[r].status == KS_RELO_POISON)
				pt[at].kind = P_POISON;
			else if (res[r].status == KS_RELO_OK)
				pt[at] = (struct patched){P_VALUE, res[r].new_val};
		}
		/* every function of the section is an entry: programs, and subprograms, which
		 * count as reachable (whoever calls them) */
		for (size_t p = 0; p < o->nprogs; p++)
			if (o->progs[p].shndx == s->shndx)
				push(&w, o->progs[p].off, &(struct state){0});
		if (!w.nwork)
			push(&w, 0, &(struct state){0});
		while (w.nwork) {
			size_t i = w.work[--w.nwork];

			w.queued[i] = 0;
			step(&w, i);
		}
		for (size_t r = 0; r < o->nrelos; r++)
			if (o->relos[r].sec == si)
				relo_reach[r] =
				    w.reach[o->relos[r].insn_off / sizeof(struct bpf_insn)];
		free(pt);
		free(w.st);
		free(w.reach);
		free(w.queued);
		free(w.work);
	}
}
