/* SPDX-License-Identifier: MIT */
/*
 * LZO, as the kernel packs it (lzop container, LZO1X blocks). libarchive reads lzop
 * only through an external lzop program, which a tool that opens untrusted kernels
 * must not run, so the format is decoded here.
 */
#include "util/lzo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define LZOP_BLOCK_MAX (64u << 20)

/* Decode one LZO1X block (the format of lzop and of the kernel's lzo payloads). */
static int lzo1x_block(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
	const uint8_t *ip = in, *ip_end = in + in_len;
	uint8_t *op = out, *op_end = out + out_len;
	size_t t, dist, lits, state = 0;

#define NEED_IN(x)                                                                                 \
	do {                                                                                       \
		if ((size_t)(ip_end - ip) < (size_t)(x))                                           \
			return -EPIPE;                                                             \
	} while (0)
#define NEED_OUT(x)                                                                                \
	do {                                                                                       \
		if ((size_t)(op_end - op) < (size_t)(x))                                           \
			return -EINVAL;                                                            \
	} while (0)
	/* A zero count byte extends a length by 255 per zero, then by the next byte. */
#define EXTEND(base)                                                                               \
	do {                                                                                       \
		size_t z = 0;                                                                      \
		NEED_IN(1);                                                                        \
		while (*ip == 0) {                                                                 \
			if (++z > out_len / 255 + 1)                                               \
				return -EINVAL;                                                    \
			ip++;                                                                      \
			NEED_IN(1);                                                                \
		}                                                                                  \
		t = (base) + z * 255 + *ip++;                                                      \
	} while (0)

	NEED_IN(3);
	if (*ip > 17) {
		t = *ip++ - 17;
		NEED_IN(t);
		NEED_OUT(t);
		memcpy(op, ip, t);
		op += t;
		ip += t;
		state = t < 4 ? t : 4;
	}
	for (;;) {
		NEED_IN(1);
		t = *ip++;
		if (t < 16 && state == 0) {
			if (t == 0)
				EXTEND(15);
			t += 3;
			NEED_IN(t);
			NEED_OUT(t);
			memcpy(op, ip, t);
			op += t;
			ip += t;
			state = 4;
			continue;
		}
		if (t < 16) {
			NEED_IN(1);
			dist = (t >> 2) + ((size_t)*ip++ << 2) + (state == 4 ? 2049 : 1);
			lits = t & 3;
			t = state == 4 ? 3 : 2;
		} else if (t >= 64) {
			NEED_IN(1);
			dist = ((t >> 2) & 7) + ((size_t)*ip++ << 3) + 1;
			lits = t & 3;
			t = (t >> 5) + 1;
		} else if (t >= 32) {
			t &= 31;
			if (t == 0)
				EXTEND(31);
			t += 2;
			NEED_IN(2);
			dist = (ks_rd16(ip, 0) >> 2) + 1;
			lits = ip[0] & 3;
			ip += 2;
		} else {
			size_t hi = (t & 8) << 11;

			t &= 7;
			if (t == 0)
				EXTEND(7);
			t += 2;
			NEED_IN(2);
			dist = hi + (ks_rd16(ip, 0) >> 2);
			lits = ip[0] & 3;
			ip += 2;
			if (dist == 0) /* end of stream */
				return t == 3 && ip == ip_end && op == op_end ? 0 : -EINVAL;
			dist += 0x4000;
		}
		if (dist > (size_t)(op - out))
			return -EINVAL;
		NEED_OUT(t);
		for (size_t i = 0; i < t; i++, op++)
			*op = *(op - dist);
		NEED_IN(lits);
		NEED_OUT(lits);
		memcpy(op, ip, lits);
		op += lits;
		ip += lits;
		state = lits;
	}
#undef NEED_IN
#undef NEED_OUT
#undef EXTEND
}

struct rd {
	const uint8_t *p, *end;
};

static int rd_skip(struct rd *r, size_t n)
{
	if ((size_t)(r->end - r->p) < n)
		return -EPIPE;
	r->p += n;
	return 0;
}

static int rd_be(struct rd *r, size_t n, uint32_t *v)
{
	if ((size_t)(r->end - r->p) < n)
		return -EPIPE;
	*v = n == 1 ? r->p[0] : n == 2 ? ks_rd16(r->p, 1) : ks_rd32(r->p, 1);
	r->p += n;
	return 0;
}

/* Skip the lzop file header (magic, versions, method, flags, name, checksums). */
static int lzop_header(struct rd *r, uint32_t *flags)
{
	uint32_t version, v;
	int ret;

	if ((ret = rd_skip(r, 9)) || (ret = rd_be(r, 2, &version)) || (ret = rd_skip(r, 2)))
		return ret;
	if (version >= 0x0940 && (ret = rd_skip(r, 2)))
		return ret;
	if ((ret = rd_be(r, 1, &v)))
		return ret;
	if (v < 1 || v > 3) /* LZO1X-1, LZO1X-1(15), LZO1X-999 */
		return -EINVAL;
	if (version >= 0x0940 && (ret = rd_skip(r, 1)))
		return ret;
	if ((ret = rd_be(r, 4, flags)))
		return ret;
	if ((*flags & 0x800) && (ret = rd_skip(r, 4)))
		return ret;
	if ((ret = rd_skip(r, version >= 0x0940 ? 12 : 8)) || (ret = rd_be(r, 1, &v)) ||
	    (ret = rd_skip(r, v + 4)))
		return ret;
	if (*flags & 0x40) { /* extra field */
		if ((ret = rd_be(r, 4, &v)) || (ret = rd_skip(r, (size_t)v + 4)))
			return ret;
	}
	return 0;
}

int ks_lzop_decompress(const uint8_t *data, size_t size, size_t max_out, struct ks_bytes *out)
{
	struct rd r = {data, data + size};
	size_t cap = 0, len = 0;
	uint8_t *buf = NULL;
	uint32_t flags, dlen, slen, dsum = 0, v;
	int ret;

	if ((ret = lzop_header(&r, &flags)))
		return ret;
	for (;;) {
		if ((ret = rd_be(&r, 4, &dlen)))
			goto out;
		if (dlen == 0)
			break;
		if ((ret = rd_be(&r, 4, &slen)))
			goto out;
		ret = -EINVAL;
		if (dlen > LZOP_BLOCK_MAX || slen > dlen || slen == 0)
			goto out;
		if ((flags & 1) && (ret = rd_be(&r, 4, &dsum)))
			goto out;
		if ((flags & 0x100) && (ret = rd_skip(&r, 4)))
			goto out;
		if (slen < dlen && (((flags & 2) && (ret = rd_be(&r, 4, &v))) ||
				    ((flags & 0x200) && (ret = rd_skip(&r, 4)))))
			goto out;
		if ((size_t)(r.end - r.p) < slen) {
			ret = -EPIPE;
			goto out;
		}
		if (len + dlen > max_out) {
			ret = -EFBIG;
			goto out;
		}
		if (len + dlen > cap) {
			cap = cap * 2 > len + dlen ? cap * 2 : len + dlen;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		if (slen == dlen)
			memcpy(buf + len, r.p, dlen);
		else if ((ret = lzo1x_block(r.p, slen, buf + len, dlen)))
			goto out;
		ret = -EINVAL;
		if ((flags & 1) && adler32(1, buf + len, dlen) != dsum)
			goto out;
		r.p += slen;
		len += dlen;
	}
	ret = len ? 0 : -EINVAL;
	out->data = buf;
	out->size = len;
	buf = NULL;
out:
	free(buf);
	return ret;
}
