/* SPDX-License-Identifier: MIT */
/* Unit tests of src/prog: essential names, section definitions, reachability. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prog/core.h"
#include "prog/reach.h"
#include "prog/secdef.h"
#include "test.h"

TEST(essential_names)
{
	CHECK_INT(ks_core_essential_len("task_struct___old"), 11);
	CHECK_INT(ks_core_essential_len("task_struct"), 11);
	CHECK_INT(ks_core_essential_len("a___b___c"), 5); /* up to the last separator */
	CHECK_INT(ks_core_essential_len("a____b"), 6);	  /* four underscores: no flavor */
	CHECK_INT(ks_core_essential_len("___x"), 4);	  /* nothing before */
	CHECK_INT(ks_core_essential_len("x___"), 4);	  /* nothing after */
	CHECK_INT(ks_core_essential_len(""), 0);
}

TEST(section_definitions)
{
	const char *target;
	const struct ks_secdef *d;

	d = ks_secdef_find("kprobe/do_nanosleep", &target);
	CHECK(d && d->attach == KS_ATT_KPROBE);
	CHECK_STR(target, "do_nanosleep");
	d = ks_secdef_find("?fentry/vfs_write", &target);
	CHECK(d && d->attach == KS_ATT_FENTRY);
	CHECK_STR(d->attach_type, "trace_fentry");
	CHECK_STR(target, "vfs_write");
	d = ks_secdef_find("kprobe.multi/vfs_*", &target);
	CHECK(d && d->attach == KS_ATT_KPROBE_MULTI);
	CHECK_STR(target, "vfs_*");
	d = ks_secdef_find("tracepoint/syscalls/sys_enter_openat", &target);
	CHECK(d && d->attach == KS_ATT_TRACEPOINT);
	CHECK_STR(target, "syscalls/sys_enter_openat");
	d = ks_secdef_find("cgroup/connect_unix", &target);
	CHECK(d && !strcmp(d->prog_type, "cgroup_sock_addr"));
	CHECK_STR(d->attach_type, "cgroup_unix_connect");
	d = ks_secdef_find("xdp", &target);
	CHECK(d && !strcmp(d->prog_type, "xdp"));
	CHECK(ks_secdef_find("kprobes/x", &target) == NULL);	/* whole words only */
	CHECK(ks_secdef_find("socket/extra", &target) == NULL); /* socket takes no target */
	CHECK(ks_secdef_find(".text", &target) == NULL);
}

/* A program in one section; relocations at given instructions with results. */
static struct ks_bpf_obj *mkobj(const struct bpf_insn *insns, size_t n)
{
	struct ks_bpf_obj *o = calloc(1, sizeof(*o));

	o->nsecs = 1;
	o->secs = calloc(1, sizeof(*o->secs));
	o->secs[0].name = strdup("kprobe/x");
	o->secs[0].insns = malloc(n * sizeof(*insns));
	memcpy(o->secs[0].insns, insns, n * sizeof(*insns));
	o->secs[0].ninsns = n;
	o->secs[0].ext_at = calloc(n + 1, sizeof(uint32_t));
	o->nprogs = 1;
	o->progs = calloc(1, sizeof(*o->progs));
	o->progs[0].name = strdup("p");
	o->progs[0].sec = strdup("kprobe/x");
	o->progs[0].cnt = n;
	o->progs[0].autoload = 1;
	return o;
}

static void add_relo(struct ks_bpf_obj *o, size_t insn)
{
	o->relos = realloc(o->relos, (o->nrelos + 1) * sizeof(*o->relos));
	memset(&o->relos[o->nrelos], 0, sizeof(*o->relos));
	o->relos[o->nrelos++].insn_off = (uint32_t)(insn * sizeof(struct bpf_insn));
}

#define MOV_K(d, v)                                                                                \
	{                                                                                          \
		.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = d, .imm = v                        \
	}
#define JEQ_K(d, v, o)                                                                             \
	{                                                                                          \
		.code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = d, .off = o, .imm = v                \
	}
#define LDX(d, s, o)                                                                               \
	{                                                                                          \
		.code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = d, .src_reg = s, .off = o            \
	}
#define STX_DW(d, s, o)                                                                            \
	{                                                                                          \
		.code = BPF_STX | BPF_MEM | BPF_DW, .dst_reg = d, .src_reg = s, .off = o           \
	}
#define LDX_DW(d, s, o)                                                                            \
	{                                                                                          \
		.code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = d, .src_reg = s, .off = o           \
	}
#define EXIT                                                                                       \
	{                                                                                          \
		.code = BPF_JMP | BPF_EXIT                                                         \
	}

/* if (field_exists) read field — with the exists relocation at 0 and the read at 2 */
TEST(reach_guarded_read)
{
	const struct bpf_insn prog[] = {
	    MOV_K(1, 1),    /* 0: r1 = field_exists (relocated) */
	    JEQ_K(1, 0, 1), /* 1: if r1 == 0 skip the read */
	    LDX(2, 6, 8),   /* 2: r2 = *(u32 *)(r6 + off) (relocated) */
	    MOV_K(0, 0),    /* 3 */
	    EXIT,	    /* 4 */
	};
	struct ks_bpf_obj *o = mkobj(prog, 5);
	struct ks_relo_result res[2] = {0};
	uint8_t reach[2], called[1], present[1] = {0};

	add_relo(o, 0);
	add_relo(o, 2);
	/* the field is missing: exists patched to 0, the read poisoned -> unreachable */
	res[0].status = KS_RELO_OK;
	res[0].new_val = 0;
	res[1].status = KS_RELO_POISON;
	ks_reach(o, res, present, reach, called);
	CHECK_INT(reach[0], 1);
	CHECK_INT(reach[1], 0);
	/* without the guard's constant (exists = 1), the read is reached */
	res[0].new_val = 1;
	ks_reach(o, res, present, reach, called);
	CHECK_INT(reach[1], 1);
	ks_bpf_obj_free(o);
}

/* the exists result spilled to the stack and read back before the test */
TEST(reach_through_stack)
{
	const struct bpf_insn prog[] = {
	    MOV_K(1, 1),       /* 0: relocated exists */
	    STX_DW(10, 1, -8), /* 1: *(u64 *)(r10 - 8) = r1 */
	    MOV_K(1, 7),       /* 2: clobber r1 */
	    LDX_DW(3, 10, -8), /* 3: r3 = *(u64 *)(r10 - 8) */
	    JEQ_K(3, 0, 1),    /* 4 */
	    LDX(2, 6, 8),      /* 5: relocated read */
	    EXIT,	       /* 6 */
	};
	struct ks_bpf_obj *o = mkobj(prog, 7);
	struct ks_relo_result res[2] = {0};
	uint8_t reach[2], called[1], present[1] = {0};

	add_relo(o, 0);
	add_relo(o, 5);
	res[0].status = KS_RELO_OK;
	res[1].status = KS_RELO_POISON;
	ks_reach(o, res, present, reach, called);
	CHECK_INT(reach[1], 0);
	ks_bpf_obj_free(o);
}

/* two paths join with different constants: the join is unknown, both edges taken */
TEST(reach_join_unknown)
{
	const struct bpf_insn prog[] = {
	    LDX(4, 6, 0),   /* 0: r4 = unknown */
	    MOV_K(1, 0),    /* 1 */
	    JEQ_K(4, 0, 1), /* 2: unknown branch */
	    MOV_K(1, 1),    /* 3 */
	    JEQ_K(1, 0, 1), /* 4: r1 is 0 or 1 here */
	    LDX(2, 6, 8),   /* 5: poisoned read */
	    EXIT,	    /* 6 */
	};
	struct ks_bpf_obj *o = mkobj(prog, 7);
	struct ks_relo_result res[1] = {{.status = KS_RELO_POISON}};
	uint8_t reach[1], called[1], present[1] = {0};

	add_relo(o, 5);
	ks_reach(o, res, present, reach, called);
	CHECK_INT(reach[0], 1);
	ks_bpf_obj_free(o);
}

int main(void)
{
	RUN(essential_names);
	RUN(section_definitions);
	RUN(reach_guarded_read);
	RUN(reach_through_stack);
	RUN(reach_join_unknown);
	return TEST_SUMMARY();
}
