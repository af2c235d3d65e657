/* SPDX-License-Identifier: MIT */
#ifndef KSURF_INGEST_KIMAGE_H
#define KSURF_INGEST_KIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "ingest/symtab.h"
#include "util/bytes.h"

/*
 * A kernel file opened for reading: whatever was given (bzImage, zboot EFI, Image,
 * Image.gz, zImage, s390 vmlinuz, ppc64 vmlinux ELF, vmlinux ELF, raw BTF) reduced to
 * the decompressed kernel and what can be read from it.
 */
struct ks_kernel {
	struct ks_bytes image;	 /* decompressed kernel: ELF or raw image (or the raw BTF) */
	int is_elf;
	int is_raw_btf;		 /* the input was a BTF blob, not a kernel */
	size_t btf_off, btf_size; /* BTF blob inside image; btf_size 0 when none */
	int big_endian;		 /* byte order of the kernel (and of its BTF) */
	int ptr_size;		 /* 4 or 8, 0 when unknown */
	char arch[16];		 /* Debian arch name when the bytes tell (amd64, arm64...) or "" */
	char *release;		 /* from linux_banner: "7.2.13+deb14-amd64", or NULL */
	char *banner;		 /* the whole "Linux version ..." line, or NULL */
	char *compiler;		 /* ELF .comment / banner compiler, or NULL */
	char packing[64];	 /* how it was packed: "x86-bzImage/zstd@0x52cc", "raw-image",
				    "efi-zboot/zstd@0x...", "elf-uncompressed", "raw-btf",
				    "scan/xz@0xed44" (stream found by scanning a zImage or s390
				    vmlinuz), "<fmt>/<inner>" for a whole compressed file
				    ("gzip/raw-image" for Image.gz, "xz/raw-btf") */
	char btf_found_by[32];	 /* "ELF .BTF section", "magic scan", "raw BTF file", or "" */
	struct ks_symtab elf_syms; /* ELF .symtab when the image has one (n == 0 otherwise) */
	size_t modinfo_off, modinfo_size; /* a module's .modinfo section; size 0 when none */
	uint64_t base_addr;	 /* address of the image start (ELF: vaddr of the first PT_LOAD
				    in the file; x86-64 links its per-CPU segment at 0) */
};

/*
 * Open a kernel from bytes. `origin` names the input in messages. Takes ownership of
 * nothing: copies or decompresses into k->image. Returns 0, or a negative errno with
 * one clear message naming origin and what is wrong (e.g. "vmlinuz: bzImage payload at
 * 0x52cc (0xd9eebc bytes) runs past end of file (size 0x49fb55)"); -EPIPE when a
 * compressed payload is cut short. On error k is left empty (ks_kernel_free is safe).
 * A kernel without BTF is not an error here: btf_size is 0 and the caller decides.
 * Decompressed sizes are capped (1 GiB, and 64x the compressed stream).
 */
int ks_kernel_open(const char *origin, const uint8_t *data, size_t size, struct ks_kernel *k);
/* The same, but with take an uncompressed kernel's bytes move into k->image instead of
 * being copied (b is then emptied): a 600 MB debug vmlinux is not held twice. */
int ks_kernel_open_own(const char *origin, struct ks_bytes *b, int take, struct ks_kernel *k);
void ks_kernel_free(struct ks_kernel *k);

/*
 * Find a BTF blob by its header magic (0xeB9F, either byte order) in arbitrary bytes.
 * Validates the header (version 1, hdr_len, type/str sections in bounds, string
 * section starting and ending with NUL) and returns the largest candidate that libbpf
 * accepts (a kernel may also embed small BTF of its own BPF programs); *len is
 * hdr_len + str_off + str_len. 0 and *off, *len, *big_endian set,
 * -ENOENT when none.
 */
int ks_btf_scan(const uint8_t *data, size_t size, size_t *off, size_t *len, int *big_endian);

/*
 * Recover the symbol table from the kallsyms tables compiled into a kernel image
 * (see kallsyms.c). Addresses come out as the tables encode them: absolute for an ELF
 * (place-relative offsets resolved through its PT_LOAD headers) and for absolute
 * tables (armhf); image-relative for raw images with relative tables
 * (out->relative = 1). 0, -ENOENT when no tables were found, or -EINVAL when they were
 * found but are inconsistent (message says where).
 */
int ks_kallsyms_recover(const char *origin, const struct ks_kernel *k, struct ks_symtab *out);

#endif
