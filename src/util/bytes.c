/* SPDX-License-Identifier: MIT */
#include "util/bytes.h"

#include <archive.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "util/err.h"
#include "util/lzo.h"

#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK (8u << 20) /* every legacy block but the last inflates to this */
#define LZ4_LEGACY_BOUND (LZ4_LEGACY_BLOCK + LZ4_LEGACY_BLOCK / 255 + 16)
#define ZSTD_MAGIC	 0xfd2fb528u
#define ZSTD_BLOCK_MAX	 (128u << 10)

void ks_bytes_free(struct ks_bytes *b)
{
	free(b->data);
	b->data = NULL;
	b->size = 0;
}

int ks_bytes_read_file(const char *path, struct ks_bytes *out)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	size_t cap, len = 0, n;
	uint8_t *buf;

	out->data = NULL;
	out->size = 0;
	if (!f)
		return ks_err(-errno, "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return ks_err(-EISDIR, "%s: is a directory", path);
	}
	/* /sys and /proc files report size 0 or 4096: grow as needed. */
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 1 << 20;
	buf = malloc(cap);
	if (!buf)
		abort();
	for (;;) {
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len < cap)
			break;
		cap *= 2;
		buf = realloc(buf, cap);
		if (!buf)
			abort();
	}
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		free(buf);
		return ks_err(-e, "%s: read error: %s", path, strerror(e));
	}
	fclose(f);
	out->data = buf;
	out->size = len;
	return 0;
}

/*
 * The kernel's lzma ("lzma -9", the old .lzma "alone" format) has no magic: a
 * properties byte, a power-of-two dictionary size and a 64-bit size that is -1 or
 * small. Checking all three keeps a scan through a raw image from trying every
 * stray 0x5d byte.
 */
static int is_lzma_alone(const uint8_t *d, size_t n)
{
	uint32_t dict;
	uint64_t usize;

	if (n < 13 || d[0] != 0x5d)
		return 0;
	dict = ks_rd32(d + 1, 0);
	usize = ks_rd64(d + 5, 0);
	if (dict < (4u << 10) || dict > (128u << 20) || (dict & (dict - 1)))
		return 0;
	return usize == UINT64_MAX || usize < (1ULL << 32);
}

const char *ks_compression_name(const uint8_t *d, size_t n)
{
	if (n >= 4 && d[0] == 0x1f && d[1] == 0x8b && d[2] == 0x08 && !(d[3] & 0xe0))
		return "gzip";
	if (n >= 6 && !memcmp(d, "\xfd\x37zXZ\0", 6))
		return "xz";
	if (n >= 5 && ks_rd32(d, 0) == ZSTD_MAGIC)
		return "zstd";
	if (n >= 8 && (ks_rd32(d, 0) == LZ4_LEGACY_MAGIC || ks_rd32(d, 0) == 0x184d2204u))
		return "lz4";
	if (n >= 10 && d[0] == 'B' && d[1] == 'Z' && d[2] == 'h' && d[3] >= '1' && d[3] <= '9' &&
	    !memcmp(d + 4, "\x31\x41\x59\x26\x53\x59", 6))
		return "bzip2";
	if (n >= 9 && !memcmp(d, "\x89LZO\0\r\n\x1a\n", 9))
		return "lzo";
	if (is_lzma_alone(d, n))
		return "lzma";
	return NULL;
}

/*
 * Where a zstd stream ends. Kernel payloads carry a 4-byte size trailer after the
 * frame, which libarchive would take for a broken next frame and then drop the last
 * block it had decoded; walking the block headers tells the exact length instead.
 */
static int zstd_length(const uint8_t *d, size_t n, size_t *len)
{
	static const uint8_t did_len[4] = {0, 1, 2, 4}, fcs_len[4] = {0, 2, 4, 8};
	size_t pos = 0;

	do {
		uint8_t fhd;

		if (n - pos < 6)
			return -EPIPE;
		fhd = d[pos + 4];
		if (fhd & 0x08)
			return -EINVAL;
		pos += 5 + !(fhd & 0x20) + did_len[fhd & 3] + fcs_len[fhd >> 6];
		if (!(fhd >> 6) && (fhd & 0x20))
			pos++; /* single-segment frames always store the content size */
		for (;;) {
			uint32_t h, type, bsize;

			if (pos > n || n - pos < 3)
				return -EPIPE;
			h = d[pos] | d[pos + 1] << 8 | (uint32_t)d[pos + 2] << 16;
			type = (h >> 1) & 3;
			bsize = h >> 3;
			if (type == 3 || bsize > ZSTD_BLOCK_MAX)
				return -EINVAL;
			pos += 3 + (type == 1 ? 1 : bsize);
			if (pos > n)
				return -EPIPE;
			if (h & 1)
				break;
		}
		if (fhd & 0x04)
			pos += 4;
		if (pos > n)
			return -EPIPE;
	} while (n - pos >= 6 && ks_rd32(d + pos, 0) == ZSTD_MAGIC);
	*len = pos;
	return 0;
}

/*
 * Where an xz stream ends: at the first stream footer ("YZ", 4-byte aligned, flags
 * equal to the header's, CRC32 right). Same reason as zstd_length: libarchive loses
 * output when the bytes after the stream are not another stream.
 */
static int xz_length(const uint8_t *d, size_t n, size_t *len)
{
	const uint8_t *p = d + 12, *end = d + n;

	if (n < 12 || d[6] || (d[7] & 0xf0) || crc32(0, d + 6, 2) != ks_rd32(d + 8, 0))
		return n < 12 ? -EPIPE : -EINVAL;
	while (p < end && (p = memmem(p, end - p, "YZ", 2))) {
		size_t stop = p + 2 - d;
		const uint8_t *f = p - 10;

		if (stop % 4 == 0 && stop >= 32 && f[8] == d[6] && f[9] == d[7] &&
		    crc32(0, f + 4, 6) == ks_rd32(f, 0)) {
			*len = stop;
			return 0;
		}
		p++;
	}
	return -EPIPE;
}

/*
 * Where a legacy lz4 stream ends. The format has no end mark (the kernel knows its
 * input length): walk the blocks and stop at a size that cannot be one (0, beyond
 * what an 8 MiB block compresses to, or past the input). That drops the size
 * trailer, which libarchive would otherwise read as one more, truncated block.
 */
static int lz4_legacy_length(const uint8_t *d, size_t n, size_t *len)
{
	size_t pos = 4, blocks = 0;

	while (n - pos >= 4) {
		uint32_t bs = ks_rd32(d + pos, 0);

		if (bs == LZ4_LEGACY_MAGIC) {
			pos += 4;
			continue;
		}
		if (bs == 0 || bs > LZ4_LEGACY_BOUND)
			break;
		if (bs > n - pos - 4) {
			if (!blocks)
				return -EPIPE;
			break;
		}
		pos += 4 + bs;
		blocks++;
	}
	if (!blocks)
		return n - pos < 4 ? -EPIPE : -EINVAL;
	*len = pos;
	return 0;
}

/*
 * Native decoders only: the "all" set would fork external programs (lzop, lrzip...).
 * gzip and lzo are decoded here.
 */
static struct archive *raw_reader(void)
{
	struct archive *a = archive_read_new();

	if (!a)
		abort();
	archive_read_support_filter_xz(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_lz4(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_format_raw(a);
	return a;
}

/* Room for at least 64 KiB more output, never much past max_out. */
static void grow(uint8_t **buf, size_t *cap, size_t len, size_t in_size, size_t max_out)
{
	size_t ncap;

	if (*cap - len >= (64 << 10))
		return;
	ncap = *cap ? *cap * 2 : (in_size * 4 > (256 << 10) ? in_size * 4 : (256 << 10));
	if (ncap > max_out + (2 << 20))
		ncap = max_out + (2 << 20);
	*buf = realloc(*buf, ncap);
	if (!*buf)
		abort();
	*cap = ncap;
}

/* gzip through zlib: libarchive does not check the CRC-32 in the gzip trailer. */
static int gzip_decompress(const char *origin, const uint8_t *data, size_t size, size_t max_out,
			   struct ks_bytes *out)
{
	z_stream z = {0};
	size_t cap = 0, len = 0, in_left = size;
	uint8_t *buf = NULL;
	int zr, ret = 0;

	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		abort();
	z.next_in = (Bytef *)data;
	do {
		uInt room;

		if (!z.avail_in && in_left) {
			z.avail_in = in_left > (1u << 30) ? (1u << 30) : (uInt)in_left;
			in_left -= z.avail_in;
		}
		grow(&buf, &cap, len, size, max_out);
		room = cap - len > (1u << 30) ? (1u << 30) : (uInt)(cap - len);
		z.next_out = buf + len;
		z.avail_out = room;
		zr = inflate(&z, Z_NO_FLUSH);
		len += room - z.avail_out;
		if (len > max_out) {
			ret = ks_err(-EFBIG, "%s: gzip data expands beyond %zu MiB; refusing",
				     origin, max_out >> 20);
			goto out;
		}
	} while (zr == Z_OK);
	if (zr == Z_BUF_ERROR && !z.avail_in && !in_left)
		ret = ks_err(-EPIPE,
			     "%s: truncated gzip data (input ends inside the stream, "
			     "after 0x%zx bytes of output)",
			     origin, len);
	else if (zr != Z_STREAM_END)
		ret = ks_err(-EINVAL, "%s: corrupt gzip data: %s", origin,
			     z.msg ? z.msg : "bad header");
	else if (!len)
		ret = ks_err(-EINVAL, "%s: gzip data decompresses to nothing", origin);
	if (ret)
		goto out;
	out->data = buf;
	out->size = len;
	buf = NULL;
out:
	inflateEnd(&z);
	free(buf);
	return ret;
}

/*
 * A decoder failed: truncated when it had read all the input (or says so: errors
 * while libarchive still probes the stream come before any count), else corrupt.
 */
static int stream_error(struct archive *a, const char *origin, const char *fmt, size_t size,
			size_t out_len)
{
	const char *msg = archive_error_string(a) ? archive_error_string(a) : "decoder error";

	if (archive_filter_bytes(a, -1) >= (la_int64_t)size || strstr(msg, "runcated") ||
	    strstr(msg, "No progress is possible"))
		return ks_err(-EPIPE,
			      "%s: truncated %s data (input ends inside the stream, "
			      "after 0x%zx bytes of output)",
			      origin, fmt, out_len);
	return ks_err(-EINVAL, "%s: corrupt %s data: %s", origin, fmt, msg);
}

static int archive_decompress(const char *origin, const char *fmt, const uint8_t *data, size_t size,
			      size_t max_out, struct ks_bytes *out)
{
	struct archive *a = raw_reader();
	struct archive_entry *ent;
	size_t cap = 0, len = 0;
	uint8_t *buf = NULL;
	int ret = 0;

	if (archive_read_open_memory(a, data, size) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ent) != ARCHIVE_OK) {
		ret = stream_error(a, origin, fmt, size, 0);
		goto out;
	}
	/* The raw format passes unknown bytes through unfiltered: that is not a stream. */
	if (archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE) {
		ret = -ENOMSG;
		goto out;
	}
	for (;;) {
		la_ssize_t n;

		grow(&buf, &cap, len, size, max_out);
		n = archive_read_data(a, buf + len, cap - len);
		if (n == 0)
			break;
		if (n < 0) {
			/*
			 * Legacy lz4 has no end mark: after a short (final) block, whatever
			 * follows is read as one more block and fails. Other formats end
			 * cleanly, so their errors are real.
			 */
			if (!strcmp(fmt, "lz4") && len % LZ4_LEGACY_BLOCK &&
			    ks_rd32(data, 0) == LZ4_LEGACY_MAGIC)
				break;
			ret = stream_error(a, origin, fmt, size, len);
			goto out;
		}
		len += n;
		if (len > max_out) {
			ret = ks_err(-EFBIG, "%s: %s data expands beyond %zu MiB; refusing", origin,
				     fmt, max_out >> 20);
			goto out;
		}
	}
	if (len == 0) {
		ret = ks_err(-EINVAL, "%s: %s data decompresses to nothing", origin, fmt);
		goto out;
	}
	out->data = buf;
	out->size = len;
	buf = NULL;
out:
	free(buf);
	archive_read_free(a);
	return ret;
}

int ks_decompress(const char *origin, const uint8_t *data, size_t size, size_t max_out,
		  struct ks_bytes *out)
{
	const char *fmt = ks_compression_name(data, size);
	size_t len = size;
	int ret = 0;

	out->data = NULL;
	out->size = 0;
	if (!fmt)
		return -ENOMSG;
	if (!strcmp(fmt, "zstd"))
		ret = zstd_length(data, size, &len);
	else if (!strcmp(fmt, "xz"))
		ret = xz_length(data, size, &len);
	else if (!strcmp(fmt, "lz4") && ks_rd32(data, 0) == LZ4_LEGACY_MAGIC)
		ret = lz4_legacy_length(data, size, &len);
	if (ret == -EPIPE)
		return ks_err(ret,
			      "%s: truncated %s data (the stream runs past the end of the "
			      "input, %zu bytes)",
			      origin, fmt, size);
	if (ret)
		return ks_err(ret, "%s: corrupt %s data (bad frame or block header)", origin, fmt);
	if (!strcmp(fmt, "gzip"))
		return gzip_decompress(origin, data, size, max_out, out);
	if (strcmp(fmt, "lzo"))
		return archive_decompress(origin, fmt, data, len, max_out, out);
	ret = ks_lzop_decompress(data, size, max_out, out);
	if (ret == -EPIPE)
		return ks_err(ret, "%s: truncated lzo data (input ends inside the stream)", origin);
	if (ret == -EFBIG)
		return ks_err(ret, "%s: lzo data expands beyond %zu MiB; refusing", origin,
			      max_out >> 20);
	if (ret)
		return ks_err(ret, "%s: corrupt lzo data", origin);
	return 0;
}
