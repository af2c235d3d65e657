/* SPDX-License-Identifier: MIT */
#ifndef KSURF_INGEST_KMOD_H
#define KSURF_INGEST_KMOD_H

#include <stddef.h>
#include <stdint.h>

#include "ingest/symtab.h"
#include "util/bytes.h"

/*
 * A kernel module of an image: the bytes as found (a .ko, compressed or not, or the
 * raw split BTF of /sys/kernel/btf/<module>) and what ks_kmod_read takes from them.
 */
struct ks_kmod {
	char *origin;	       /* what messages name: "x.deb: usr/lib/modules/.../dm-mod.ko.xz" */
	struct ks_bytes raw;   /* the bytes as given; freed by ks_kmod_read */
	char *name;	       /* .modinfo name=, else the file name without .ko* and '-' as '_' */
	char *vermagic;	       /* the release .modinfo's vermagic= names, or NULL */
	struct ks_bytes btf;   /* the .BTF section: split BTF on vmlinux's; size 0 when none */
	struct ks_symtab syms; /* the ELF .symtab (n == 0 for raw BTF) */
	char *error;	       /* why it could not be read (one line naming origin), or NULL */
};

/*
 * Read one module from m->raw (which is freed): decompress (.xz, .zst, .gz), then the
 * ELF's .modinfo, .BTF and .symtab through libelf; raw BTF is taken as the module's
 * split BTF. 0, or a negative errno with one line naming m->origin and what is wrong.
 */
int ks_kmod_read(struct ks_kmod *m);

/* ks_kmod_read on every module, on every core; a failure leaves its message in error. */
void ks_kmods_read(struct ks_kmod *v, size_t n);

void ks_kmod_free(struct ks_kmod *m);

/*
 * The value of `key` in a .modinfo section (NUL-separated "key=value" strings), as a
 * malloc'ed string, or NULL when absent. Bytes past the last NUL are ignored.
 */
char *ks_modinfo_get(const uint8_t *p, size_t n, const char *key);

#endif
