/* SPDX-License-Identifier: MIT */
#include "util/bytes.h"

#include <archive.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/err.h"

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

const char *ks_compression_name(const uint8_t *d, size_t n)
{
	if (n >= 3 && d[0] == 0x1f && d[1] == 0x8b && d[2] == 0x08)
		return "gzip";
	if (n >= 6 && !memcmp(d, "\xfd" "7zXZ\0", 6))
		return "xz";
	if (n >= 4 && !memcmp(d, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	if (n >= 4 && !memcmp(d, "\x02\x21\x4c\x18", 4))
		return "lz4-legacy";
	if (n >= 4 && !memcmp(d, "\x04\x22\x4d\x18", 4))
		return "lz4";
	if (n >= 4 && d[0] == 'B' && d[1] == 'Z' && d[2] == 'h' && d[3] >= '1' && d[3] <= '9')
		return "bzip2";
	if (n >= 9 && !memcmp(d, "\x89LZO\0\r\n\x1a\n", 9))
		return "lzop";
	/* The kernel's lzma: properties byte 0x5d, dictionary size, then -1 or a size. */
	if (n >= 13 && d[0] == 0x5d && d[1] == 0 && d[2] == 0 && d[5] == 0xff && d[12] == 0xff)
		return "lzma";
	if (n >= 13 && d[0] == 0x5d && d[1] == 0 && d[2] == 0)
		return "lzma";
	return NULL;
}

int ks_decompress(const char *origin, const uint8_t *data, size_t size, size_t max_out,
		  struct ks_bytes *out)
{
	const char *fmt = ks_compression_name(data, size);
	struct archive *a;
	struct archive_entry *ent;
	size_t cap = 0, len = 0;
	uint8_t *buf = NULL;
	int ret = 0;

	out->data = NULL;
	out->size = 0;
	if (!fmt)
		return -ENOMSG;
	a = archive_read_new();
	if (!a)
		abort();
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_memory(a, data, size) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ent) != ARCHIVE_OK) {
		ret = ks_err(-EINVAL, "%s: cannot decompress %s data: %s", origin, fmt,
			     archive_error_string(a) ? archive_error_string(a) : "unknown format");
		goto out;
	}
	for (;;) {
		la_ssize_t n;

		if (cap - len < (1 << 20)) {
			cap = cap ? cap * 2 : (size * 4 > (1 << 22) ? size * 4 : (1 << 22));
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = archive_read_data(a, buf + len, cap - len);
		if (n == 0)
			break;
		if (n < 0) {
			/* Kernel payloads are followed by padding or size trailers that some
			 * decoders report as errors once the stream itself is complete. */
			if (len > 0)
				break;
			ret = ks_err(-EINVAL, "%s: corrupt %s data: %s", origin, fmt,
				     archive_error_string(a));
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
