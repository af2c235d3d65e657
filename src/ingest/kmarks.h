/* SPDX-License-Identifier: MIT */
#ifndef KSURF_INGEST_KMARKS_H
#define KSURF_INGEST_KMARKS_H

#include <stddef.h>
#include <stdint.h>

struct ks_kernel;

/*
 * A BTF header at p (byte order be) checked the way libbpf will read it: version 1,
 * hdr_len, sections in bounds, string section starting and ending with NUL. 1 and
 * the blob's length, or 0. Cheap: a stray magic costs a few compares.
 */
int ks_btf_header_ok(const uint8_t *p, size_t avail, int be, size_t *len);

/* 1 when libbpf accepts the blob; *ptr_size (when given) gets its "long" size or 0. */
int ks_btf_parses(const uint8_t *p, size_t len, int *ptr_size);

/* Fill k->banner, k->release and k->compiler from the linux_banner in k->image. */
void ks_banner_read(struct ks_kernel *k);

/* Is there a linux_banner ("Linux version <release> (") in the bytes? */
int ks_banner_present(const uint8_t *d, size_t n);

#endif
