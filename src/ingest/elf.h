/* SPDX-License-Identifier: MIT */
#ifndef KSURF_INGEST_ELF_H
#define KSURF_INGEST_ELF_H

#include <stddef.h>
#include <stdint.h>

struct ks_kernel;

/*
 * Read what a vmlinux ELF in k->image tells: byte order, pointer size, arch (from
 * e_machine), base_addr (lowest PT_LOAD address), the .BTF section's place
 * (k->btf_off/btf_size, not validated here), .comment (k->compiler when not set)
 * and .symtab (k->elf_syms). Sets k->is_elf. 0 or a negative errno with a message
 * naming origin.
 */
int ks_elf_read(const char *origin, struct ks_kernel *k);

/* Debian arch name for an ELF machine ("amd64", "ppc64el"...) or NULL. */
const char *ks_elf_arch(unsigned int machine, int is64, int big_endian);

#endif
