/* SPDX-License-Identifier: MIT */
#ifndef KSURF_UTIL_BYTES_H
#define KSURF_UTIL_BYTES_H

#include <stddef.h>
#include <stdint.h>

/* An owned byte buffer. data is malloc'ed (or NULL when size is 0). */
struct ks_bytes {
	uint8_t *data;
	size_t size;
};

void ks_bytes_free(struct ks_bytes *b);
/* Read a whole file. 0 or negative errno (message names the file). */
int ks_bytes_read_file(const char *path, struct ks_bytes *out);

/*
 * Decompress one compressed stream starting at data[0]: gzip (zlib, CRC checked),
 * xz, lzma, zstd, lz4 incl. the kernel's legacy lz4 frames, bzip2 (libarchive's raw
 * reader, native decoders only: never an external program), lzop (util/lzo.c).
 * Trailing garbage after the stream is tolerated (kernel payloads carry a size
 * trailer and padding). Output larger than max_out is refused (-EFBIG) so a lying
 * input cannot exhaust memory. Returns 0, -ENOMSG when data does not start with a
 * known compression format, -EPIPE when the input ends inside the stream, or another
 * negative errno (-EINVAL: corrupt) with a message naming `origin`.
 */
int ks_decompress(const char *origin, const uint8_t *data, size_t size, size_t max_out,
		  struct ks_bytes *out);

/*
 * Name of the compression format data starts with: "gzip", "xz", "zstd", "lz4"
 * (legacy or frame), "bzip2", "lzma", "lzo"; or NULL.
 */
const char *ks_compression_name(const uint8_t *data, size_t size);

/* Byte-order helpers for reading foreign-endian kernel data. */
static inline uint16_t ks_rd16(const uint8_t *p, int be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}
static inline uint32_t ks_rd32(const uint8_t *p, int be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}
static inline uint64_t ks_rd64(const uint8_t *p, int be)
{
	return be ? (uint64_t)ks_rd32(p, 1) << 32 | ks_rd32(p + 4, 1)
		  : (uint64_t)ks_rd32(p + 4, 0) << 32 | ks_rd32(p, 0);
}

#endif
