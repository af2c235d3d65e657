/* SPDX-License-Identifier: MIT */
#ifndef KSURF_PROG_OBJ_H
#define KSURF_PROG_OBJ_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

struct btf;

/*
 * A compiled eBPF object (`clang -target bpf` output: ELF64, EM_BPF, either byte order),
 * read into what `ksurf check` needs: programs with their instructions (in host byte
 * order), the object's BTF (libbpf), the CO-RE relocation records of .BTF.ext, maps and
 * their types, extern kfuncs, helper calls and the license.
 */

/* One program or subprogram: a function symbol in an executable section. */
struct ks_bpf_prog {
	char *name;
	char *sec;	 /* section name: "kprobe/do_nanosleep", ".text" */
	size_t shndx;	 /* section index */
	size_t off, cnt; /* first instruction in the section, instruction count */
	int subprog;	 /* a function of .text: called, not loaded on its own */
	int autoload;	 /* libbpf loads it: not `SEC("?...")` */
};

/* One executable section: its instructions (host order) and relocations. */
struct ks_bpf_sec {
	char *name;
	size_t shndx;
	struct bpf_insn *insns;
	size_t ninsns;
	/* per instruction: index+1 into obj->externs of the symbol its relocation names (a
	 * kfunc call or a ksym address), else 0 */
	uint32_t *ext_at;
};

/* One CO-RE relocation record of .BTF.ext (struct bpf_core_relo), located. */
struct ks_bpf_relo {
	size_t sec;	   /* index into obj->secs */
	size_t idx;	   /* index among its section's records: libbpf's "relo #idx" */
	uint32_t insn_off; /* bytes from the section start */
	uint32_t type_id;  /* local (object BTF) root type */
	uint32_t access;   /* offset of the access string in the BTF strings */
	uint32_t kind;	   /* enum bpf_core_relo_kind */
	size_t prog;	   /* index into obj->progs of the program holding insn_off */
};

/* An extern symbol: kfunc (`.ksyms` FUNC), ksym variable, or kconfig value. */
struct ks_bpf_extern {
	char *name;
	int weak;
	int is_func;	 /* declared as a function (a kfunc) */
	int is_kconfig;	 /* in `.kconfig` (CONFIG_*, LINUX_KERNEL_VERSION) */
	uint32_t btf_id; /* the FUNC (or VAR) in the object's BTF, 0 if none */
};

struct ks_bpf_map {
	char *name;
	int type; /* enum bpf_map_type value; -1 unknown */
};

/* A helper call: program index and helper id. */
struct ks_bpf_call {
	size_t prog;
	int32_t id;
};

struct ks_bpf_obj {
	char *label; /* "file", or "file@0x1234" for an object found inside a file */
	int big_endian;
	struct btf *btf; /* NULL when the object has no .BTF */
	char *license;
	struct ks_bpf_prog *progs;
	size_t nprogs;
	struct ks_bpf_sec *secs;
	size_t nsecs;
	struct ks_bpf_relo *relos;
	size_t nrelos;
	size_t nfunc_info, nline_info; /* .BTF.ext record counts */
	struct ks_bpf_extern *externs;
	size_t nexterns;
	struct ks_bpf_map *maps;
	size_t nmaps;
	struct ks_bpf_call *calls;
	size_t ncalls;
};

/*
 * Read one object from memory (copied as needed; data may be freed after). label names
 * it in errors. 0, or a negative errno with a message naming the label, the section or
 * record and what is wrong.
 */
int ks_bpf_obj_read(const void *data, size_t size, const char *label, struct ks_bpf_obj **out);
void ks_bpf_obj_free(struct ks_bpf_obj *o);

/*
 * The eBPF objects inside a file: the file itself when it is one, else every embedded
 * ELF64 EM_BPF image (libbpf skeletons, Go embed, objects in .rodata) found by its ELF
 * header; offs/sizes receive their places (malloc'ed). 0 with *n = 0 when there is none.
 */
int ks_bpf_find_objects(const uint8_t *data, size_t size, size_t **offs, size_t **sizes, size_t *n);

/* The .BTF.ext reader (btfext.c), exposed for the fuzzer: fills obj->relos and counts. */
int ks_bpf_btfext_read(struct ks_bpf_obj *o, const uint8_t *data, size_t size);

/* Index of the section named `name`, or -1. */
long ks_bpf_obj_sec(const struct ks_bpf_obj *o, const char *name);

#endif
