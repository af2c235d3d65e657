/* SPDX-License-Identifier: MIT */
#ifndef KSURF_UTIL_LZO_H
#define KSURF_UTIL_LZO_H

#include <stddef.h>
#include <stdint.h>

#include "util/bytes.h"

/*
 * Decompress an lzop stream (the kernel's .lzo payloads), checking each block's
 * Adler-32 when present; what follows the end mark is ignored. 0, -EPIPE when the
 * input ends inside the stream, -EFBIG past max_out, -EINVAL when corrupt. Sets no
 * message: the caller names the input.
 */
int ks_lzop_decompress(const uint8_t *data, size_t size, size_t max_out, struct ks_bytes *out);

#endif
