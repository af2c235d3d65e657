/* SPDX-License-Identifier: MIT */
/*
 * The marks a kernel carries in its bytes, whatever its packing: BTF blobs (found by
 * their magic, checked as libbpf will read them) and linux_banner.
 */
#include "ingest/kmarks.h"

#include <bpf/btf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/kimage.h"

#define HOST_BE	   (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
#define BANNER	   "Linux version "
#define BANNER_LEN (sizeof(BANNER) - 1)

/*
 * Check a BTF header the way libbpf will, so a stray magic costs a few compares and
 * not a libbpf parse. Returns 1 and the blob's length, or 0.
 */
int ks_btf_header_ok(const uint8_t *p, size_t avail, int be, size_t *len)
{
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
	uint64_t end;

	if (avail < 24 || p[2] != 1 || p[3] != 0)
		return 0;
	hdr_len = ks_rd32(p + 4, be);
	type_off = ks_rd32(p + 8, be);
	type_len = ks_rd32(p + 12, be);
	str_off = ks_rd32(p + 16, be);
	str_len = ks_rd32(p + 20, be);
	/* libbpf byte-swaps only the 24-byte header it knows. */
	if (hdr_len < 24 || hdr_len > 256 || (be != HOST_BE && hdr_len != 24))
		return 0;
	if (type_off % 4 || (uint64_t)type_off + type_len > str_off || !str_len)
		return 0;
	end = (uint64_t)hdr_len + str_off + str_len;
	if (end > avail || p[hdr_len + str_off] || p[end - 1])
		return 0;
	*len = end;
	return 1;
}

/* libbpf's "long" size: the pointer size when nothing else tells. */
static int btf_long_size(const struct btf *btf)
{
	uint32_t i, n = btf__type_cnt(btf);

	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		const char *name;

		if (!btf_is_int(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (name && (!strcmp(name, "long int") || !strcmp(name, "long unsigned int")))
			return t->size == 4 || t->size == 8 ? (int)t->size : 0;
	}
	return 0;
}

/* Does libbpf accept the blob? Also its "long" size when ptr_size is given. */
int ks_btf_parses(const uint8_t *p, size_t len, int *ptr_size)
{
	struct btf *btf = len <= UINT32_MAX ? btf__new(p, (uint32_t)len) : NULL;

	if (!btf)
		return 0;
	if (ptr_size)
		*ptr_size = btf_long_size(btf);
	btf__free(btf);
	return 1;
}

int ks_btf_scan(const uint8_t *data, size_t size, size_t *off, size_t *len, int *big_endian)
{
	static const uint8_t magic[2][4] = {{0x9f, 0xeb, 1, 0}, {0xeb, 0x9f, 1, 0}};
	const uint8_t *next[2], *end;
	size_t best = 0;

	if (!data)
		return -ENOENT;
	end = data + size;
	for (int o = 0; o < 2; o++)
		next[o] = memmem(data, size, magic[o], 4);
	/* The largest valid blob: a kernel may also embed small BTF of its own BPF programs
	 * (CONFIG_BPF_PRELOAD=y), which must not be taken for the kernel's. */
	while (next[0] || next[1]) {
		int o = !next[0] || (next[1] && next[1] < next[0]);
		const uint8_t *p = next[o], *from = p + 1;
		size_t blen;

		if (ks_btf_header_ok(p, end - p, o, &blen) && blen > best &&
		    ks_btf_parses(p, blen, NULL)) {
			*off = p - data;
			*len = best = blen;
			*big_endian = o;
			from = p + blen;
		}
		for (int k = 0; k < 2; k++)
			if (next[k] && next[k] < from)
				next[k] = from < end ? memmem(from, end - from, magic[k], 4) : NULL;
	}
	return best ? 0 : -ENOENT;
}

/* Index of the ')' closing the group that opens at p[0] == '(', or NULL. */
static const char *group_end(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		depth += *p == '(';
		if (*p == ')' && --depth == 0)
			return p;
	}
	return NULL;
}

/* "Linux version R (builder) (compiler, linker) #1 ...": the second group. */
static void banner_compiler(struct ks_kernel *k)
{
	const char *p = k->banner + BANNER_LEN + strlen(k->release) + 1, *e = group_end(p);

	if (!e || e[1] != ' ' || e[2] != '(' || !(p = group_end(e + 2)))
		return;
	k->compiler = strndup(e + 3, p - e - 3);
	if (!k->compiler)
		abort();
}

/*
 * Length of a linux_banner at p ("Linux version <release> (...") and of its release,
 * or 0 when p is only the words (a format string, a message).
 */
static size_t banner_at(const uint8_t *p, const uint8_t *end, size_t *rel_len)
{
	const uint8_t *r = p + BANNER_LEN, *q = r, *e;

	while (q < end && q - r < 64 && *q > ' ' && *q < 0x7f)
		q++;
	if (q == r || end - q < 2 || q[0] != ' ' || q[1] != '(')
		return 0;
	for (e = q; e < end && e - p < 1024 && *e >= ' ' && *e < 0x7f; e++)
		;
	*rel_len = q - r;
	return e - p;
}

int ks_banner_present(const uint8_t *d, size_t n)
{
	const uint8_t *p = d, *end = d + n;
	size_t rel;

	for (; p < end && (p = memmem(p, end - p, BANNER, BANNER_LEN)); p += BANNER_LEN)
		if (banner_at(p, end, &rel))
			return 1;
	return 0;
}

/* "... ) #1 SMP ...": the banner carries the build number. */
static int has_build_number(const uint8_t *p, size_t len)
{
	const uint8_t *h = memmem(p, len, ") #", 3);

	return h && h + 3 < p + len && h[3] >= '0' && h[3] <= '9';
}

/*
 * linux_banner: the first "Linux version <release> (" in the image. Since 6.1 a
 * kernel holds two, one without the build number ("# SMP"); the one with it is what
 * /proc/version shows, so it wins when present.
 */
void ks_banner_read(struct ks_kernel *k)
{
	const uint8_t *d = k->image.data, *end = d + k->image.size, *p = d, *best = NULL;
	size_t len, rel, best_len = 0, best_rel = 0;

	for (; p < end && (p = memmem(p, end - p, BANNER, BANNER_LEN)); p += BANNER_LEN) {
		if (!(len = banner_at(p, end, &rel)))
			continue;
		if (!best) {
			best = p, best_len = len, best_rel = rel;
			if (has_build_number(p, len))
				break;
		} else if (rel == best_rel && !memcmp(p, best, BANNER_LEN + rel) &&
			   has_build_number(p, len)) {
			best = p, best_len = len;
			break;
		}
	}
	if (!best)
		return;
	k->banner = strndup((const char *)best, best_len);
	k->release = strndup((const char *)best + BANNER_LEN, best_rel);
	if (!k->banner || !k->release)
		abort();
	banner_compiler(k);
}
