/* SPDX-License-Identifier: MIT */
#ifndef KSURF_INGEST_DWARFBTF_H
#define KSURF_INGEST_DWARFBTF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/bytes.h"

/*
 * BTF for a kernel built without it (CONFIG_DEBUG_INFO_BTF off: Debian's i386, armhf,
 * armel, loong64, mips kernels), encoded from the DWARF of its debug vmlinux by pahole's
 * BTF encoder — the encoder the kernel build itself runs — in a child process, so that
 * ksurf's own DWARF walk runs meanwhile. pahole is found as $KSURF_PAHOLE, else on
 * $PATH. It runs single-threaded: its multi-threaded encoding orders types differently
 * from run to run, and the BTF's hash is the image's identity in the dataset.
 */
struct ks_btf_job {
	pid_t pid;	   /* 0 when no child runs */
	int in_fd, out_fd; /* memfds: the ELF given, the BTF written */
	int err_fd;	   /* memfd: pahole's stderr */
	char *origin;
	char version[16]; /* "v1.24" */
};

/* Whether data (an ELF) carries DWARF (.debug_info, compressed or not). */
int ks_dwarf_present(const uint8_t *data, size_t size);

/*
 * Start encoding: the ELF's bytes are copied to an anonymous memory file pahole reads.
 * 0, or a negative errno with one line naming origin (-ENOENT: no pahole). The job must
 * then be finished or cancelled.
 */
int ks_dwarf_btf_start(const char *origin, const uint8_t *elf, size_t size, struct ks_btf_job *job);

/*
 * Wait for pahole and take its BTF into *btf, in the byte order of the kernel
 * (big_endian). found_by receives "DWARF (pahole v1.24)". 0, or a negative errno with
 * one line: pahole's exit status and the first line it printed, or what is wrong with
 * the BTF it wrote.
 */
int ks_dwarf_btf_finish(struct ks_btf_job *job, int big_endian, struct ks_bytes *btf,
			char *found_by, size_t found_by_size);

/* Stop a job that will not be finished (another error came first); safe on a job never
 * started or already finished. */
void ks_dwarf_btf_cancel(struct ks_btf_job *job);

#endif
