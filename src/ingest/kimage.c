/* SPDX-License-Identifier: MIT */
/*
 * Kernel files of every packing, reduced to the decompressed kernel and its BTF.
 *
 * Who is who, checked in this order:
 *   raw BTF        magic 0xeB9F at 0, either byte order
 *   ELF            vmlinux (x86 payloads, ppc64, unstripped builds): .BTF section
 *   x86 bzImage    "HdrS" at 0x202; payload_offset/payload_length in the setup header
 *   EFI zboot      "MZ" + "zimg": payload offset/size at 8/12, compression name at 24
 *   whole-file     gzip/xz/... at offset 0 (Image.gz, vmlinux.btf.xz)
 *   raw Image      arm64 "ARM\x64" / riscv "RSC\x05" at 0x38, loong64 PE: BTF by magic
 *   anything else  (arm zImage, s390 vmlinuz) scanned for compressed streams; the
 *                  first one that inflates to a kernel wins
 */
#include "ingest/kimage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/elf.h"
#include "ingest/kmarks.h"
#include "util/err.h"

#define KERNEL_MAX    (1ULL << 30) /* no kernel decompresses to more */
#define PAYLOAD_FLOOR (32ULL << 20)
#define PAYLOAD_RATIO 64 /* kernels compress 3-10x; more is a bomb */
#define SCAN_TRIES    256
#define MAX_DEPTH     2
#define MSG_MAX	      512

/* Input bytes; own is set when they were decompressed here and may be taken. */
struct src {
	const uint8_t *data;
	size_t size;
	struct ks_bytes *own;
};

static int open_bytes(const char *origin, struct src *s, struct ks_kernel *k, int depth);

static const struct {
	const char *arch;
	int ptr_size, big_endian;
} arches[] = {
    {"amd64", 8, 0},   {"i386", 4, 0},	  {"arm64", 8, 0},   {"armhf", 4, 0},	 {"armeb", 4, 1},
    {"ppc64el", 8, 0}, {"ppc64", 8, 1},	  {"powerpc", 4, 1}, {"s390x", 8, 1},	 {"s390", 4, 1},
    {"riscv64", 8, 0}, {"riscv32", 4, 0}, {"loong64", 8, 0}, {"mips64el", 8, 0}, {"mips64", 8, 1},
    {"mipsel", 4, 0},  {"mips", 4, 1},	  {"sparc64", 8, 1}, {"hppa", 4, 1},	 {"alpha", 8, 0},
    {"ia64", 8, 0},    {"m68k", 4, 1},	  {"sh4", 4, 0},     {"x32", 4, 0},
};

static int arch_index(const char *arch)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (!strcmp(arches[i].arch, arch))
			return (int)i;
	return -1;
}

/* Do the bytes have a kernel's marks: an ELF header, a BTF magic or a banner? */
static int looks_like_kernel(const uint8_t *d, size_t n)
{
	return (n >= 4 && !memcmp(d, "\177ELF", 4)) || memmem(d, n, "\x9f\xeb\x01\x00", 4) ||
	       memmem(d, n, "\xeb\x9f\x01\x00", 4) || ks_banner_present(d, n);
}

static void take_image(struct ks_kernel *k, struct src *s)
{
	if (s->own && s->own->data == s->data) {
		k->image = *s->own;
		s->own->data = NULL;
		s->own->size = 0;
		return;
	}
	k->image.data = malloc(s->size ? s->size : 1);
	if (!k->image.data)
		abort();
	memcpy(k->image.data, s->data, s->size);
	k->image.size = s->size;
}

static void set_str(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s);
}

/* Arch from a PE header (EFI stubs: bzImage, arm64/riscv64/loong64 Image, zboot, zImage). */
static const char *pe_arch(const uint8_t *d, size_t n)
{
	uint32_t pe;

	if (n < 0x40 || d[0] != 'M' || d[1] != 'Z')
		return NULL;
	pe = ks_rd32(d + 0x3c, 0);
	if (pe > n - 6 || memcmp(d + pe, "PE\0\0", 4))
		return NULL;
	switch (ks_rd16(d + pe + 4, 0)) {
	case 0x8664:
		return "amd64";
	case 0x14c:
		return "i386";
	case 0xaa64:
		return "arm64";
	case 0x1c0:
	case 0x1c2:
	case 0x1c4:
		return "armhf";
	case 0x5064:
		return "riscv64";
	case 0x6264:
		return "loong64";
	default:
		return NULL;
	}
}

/*
 * How many bytes an EFI stub's PE section table says the file has (0 when there is
 * none). Raw Images carry no checksum: this is how a cut one shows.
 */
static uint64_t pe_extent(const uint8_t *d, size_t n)
{
	uint64_t pe, sec, end = 0;
	unsigned nsec;

	if (n < 0x40 || d[0] != 'M' || d[1] != 'Z')
		return 0;
	pe = ks_rd32(d + 0x3c, 0);
	if (pe + 24 > n || memcmp(d + pe, "PE\0\0", 4))
		return 0;
	nsec = ks_rd16(d + pe + 6, 0);
	sec = pe + 24 + ks_rd16(d + pe + 20, 0);
	for (unsigned i = 0; i < nsec && sec + 40 * (i + 1) <= n; i++) {
		const uint8_t *s = d + sec + 40 * i;
		uint64_t e = (uint64_t)ks_rd32(s + 20, 0) + ks_rd32(s + 16, 0);

		end = e > end ? e : end;
	}
	return end;
}

/* A raw (uncompressed, headered) kernel Image: arm64, riscv64, loong64. */
static const char *raw_image_arch(const uint8_t *d, size_t n, int *be)
{
	const char *pe = pe_arch(d, n);

	*be = 0;
	if (n >= 0x40 && !memcmp(d + 0x38, "ARM\x64", 4)) {
		*be = ks_rd64(d + 0x30, 0) & 1; /* flags bit 0: big-endian kernel */
		return "arm64";
	}
	if (n >= 0x40 && (!memcmp(d + 0x38, "RSC\x05", 4) || !memcmp(d + 0x30, "RISCV\0\0\0", 8)))
		return "riscv64";
	if (pe && !strcmp(pe, "loong64"))
		return pe;
	return NULL;
}

/* What the bytes say about arch and pointer size when no ELF header does. */
static void fill_arch(struct ks_kernel *k, const char *hint, int hint_be)
{
	int i;

	if (!k->arch[0] && hint)
		set_str(k->arch, sizeof(k->arch), hint);
	i = k->arch[0] ? arch_index(k->arch) : -1;
	if (!k->btf_size)
		k->big_endian = i >= 0 ? arches[i].big_endian : hint_be;
	if (!k->ptr_size && i >= 0)
		k->ptr_size = arches[i].ptr_size;
	if (!k->ptr_size && k->btf_size)
		ks_btf_parses(k->image.data + k->btf_off, k->btf_size, &k->ptr_size);
}

static int open_raw_btf(const char *origin, struct src *s, struct ks_kernel *k)
{
	int be = s->data[0] == 0xeb;
	size_t len;

	if (!ks_btf_header_ok(s->data, s->size, be, &len))
		return ks_err(-EINVAL,
			      "%s: bad BTF header (version, length or section bounds "
			      "do not fit the 0x%zx-byte file)",
			      origin, s->size);
	if (!ks_btf_parses(s->data, len, &k->ptr_size))
		return ks_err(-EINVAL, "%s: corrupt BTF (libbpf rejects its types or strings)",
			      origin);
	take_image(k, s);
	k->is_raw_btf = 1;
	k->btf_off = 0;
	k->btf_size = len;
	k->big_endian = be;
	set_str(k->packing, sizeof(k->packing), "raw-btf");
	set_str(k->btf_found_by, sizeof(k->btf_found_by), "raw BTF file");
	return 0;
}

static int open_elf(const char *origin, struct src *s, struct ks_kernel *k)
{
	const uint8_t *p;
	size_t len;
	int ret, be;

	take_image(k, s);
	ks_banner_read(k);
	if ((ret = ks_elf_read(origin, k)))
		return ret;
	set_str(k->packing, sizeof(k->packing), "elf-uncompressed");
	if (k->btf_size) {
		p = k->image.data + k->btf_off;
		if (k->btf_size < 4 || !ks_btf_header_ok(p, k->btf_size, p[0] == 0xeb, &len) ||
		    !ks_btf_parses(p, len, NULL))
			return ks_err(-EINVAL, "%s: corrupt .BTF section (0x%zx bytes at 0x%zx)",
				      origin, k->btf_size, k->btf_off);
		k->btf_size = len;
		set_str(k->btf_found_by, sizeof(k->btf_found_by), "ELF .BTF section");
	} else if (!ks_btf_scan(k->image.data, k->image.size, &k->btf_off, &k->btf_size, &be)) {
		/* Section headers stripped, BTF still loaded with the kernel. */
		set_str(k->btf_found_by, sizeof(k->btf_found_by), "magic scan");
	}
	return 0;
}

static int open_raw(struct src *s, struct ks_kernel *k, const char *hint, int hint_be)
{
	int be;
	const char *arch;

	take_image(k, s);
	arch = raw_image_arch(k->image.data, k->image.size, &be);
	if (arch) {
		set_str(k->arch, sizeof(k->arch), arch);
		hint_be = be;
	}
	ks_banner_read(k);
	if (!ks_btf_scan(k->image.data, k->image.size, &k->btf_off, &k->btf_size, &k->big_endian))
		set_str(k->btf_found_by, sizeof(k->btf_found_by), "magic scan");
	set_str(k->packing, sizeof(k->packing), "raw-image");
	fill_arch(k, hint, hint_be);
	return 0;
}

/* Decompress one stream and open what comes out (an ELF, a raw Image, BTF...). */
static int open_payload(const char *where, const uint8_t *p, size_t len, struct ks_kernel *k,
			int depth)
{
	uint64_t cap = (uint64_t)len * PAYLOAD_RATIO;
	struct ks_bytes out;
	struct src in;
	int ret;

	cap = cap < PAYLOAD_FLOOR ? PAYLOAD_FLOOR : cap > KERNEL_MAX ? KERNEL_MAX : cap;
	if ((ret = ks_decompress(where, p, len, cap, &out)))
		return ret == -ENOMSG ? ks_err(-EINVAL, "%s: not a known compressed stream", where)
				      : ret;
	in = (struct src){out.data, out.size, &out};
	ret = open_bytes(where, &in, k, depth + 1);
	ks_bytes_free(&out);
	return ret;
}

static int open_bzimage(const char *origin, struct src *s, struct ks_kernel *k, int depth)
{
	const uint8_t *d = s->data;
	size_t setup = ((size_t)(d[0x1f1] ? d[0x1f1] : 4) + 1) * 512, off;
	uint32_t plen = ks_rd32(d + 0x24c, 0);
	const char *fmt;
	char where[512];
	int ret;

	off = setup + ks_rd32(d + 0x248, 0);
	if (off > s->size || plen > s->size - off)
		return ks_err(-EINVAL,
			      "%s: bzImage payload at 0x%zx (0x%x bytes) runs past end "
			      "of file (size 0x%zx)",
			      origin, off, plen, s->size);
	fmt = ks_compression_name(d + off, plen);
	if (!fmt)
		return ks_err(-EINVAL, "%s: bzImage payload at 0x%zx: unknown compression", origin,
			      off);
	snprintf(where, sizeof(where), "%s: bzImage payload (%s at 0x%zx)", origin, fmt, off);
	if ((ret = open_payload(where, d + off, plen, k, depth)))
		return ret;
	snprintf(k->packing, sizeof(k->packing), "x86-bzImage/%s@0x%zx", fmt, off);
	return 0;
}

static int open_zboot(const char *origin, struct src *s, struct ks_kernel *k, int depth)
{
	const uint8_t *d = s->data;
	uint32_t off = ks_rd32(d + 8, 0), plen = ks_rd32(d + 12, 0);
	const char *fmt, *arch = pe_arch(d, s->size);
	char where[512];
	int ret;

	if (off > s->size || plen > s->size - off)
		return ks_err(-EINVAL,
			      "%s: EFI zboot payload at 0x%x (0x%x bytes) runs past end "
			      "of file (size 0x%zx)",
			      origin, off, plen, s->size);
	fmt = ks_compression_name(d + off, plen);
	if (!fmt) {
		char name[9] = "";

		/* The header's own word for it, printable only: messages are one line. */
		for (int i = 0; i < 8 && d[24 + i] > ' ' && d[24 + i] < 0x7f; i++)
			name[i] = (char)d[24 + i];
		return ks_err(-EINVAL,
			      "%s: EFI zboot payload at 0x%x: unknown compression "
			      "(header says \"%s\")",
			      origin, off, name);
	}
	snprintf(where, sizeof(where), "%s: zboot payload (%s at 0x%x)", origin, fmt, off);
	if (arch)
		set_str(k->arch, sizeof(k->arch), arch);
	if ((ret = open_payload(where, d + off, plen, k, depth)))
		return ret;
	snprintf(k->packing, sizeof(k->packing), "efi-zboot/%s@0x%x", fmt, off);
	return 0;
}

/* A whole file compressed (Image.gz, vmlinux.btf.xz): "<fmt>/<what is inside>". */
static int open_compressed(const char *origin, struct src *s, struct ks_kernel *k, int depth,
			   const char *fmt)
{
	char inner[sizeof(k->packing)];
	int ret;

	if ((ret = open_payload(origin, s->data, s->size, k, depth)))
		return ret;
	set_str(inner, sizeof(inner), k->packing);
	/* Cut at the field's size on purpose: the outer layers matter most. */
	return snprintf(k->packing, sizeof(k->packing), "%s/%s", fmt, inner) < 0 ? -EINVAL : 0;
}

static void kernel_reset(struct ks_kernel *k)
{
	ks_kernel_free(k);
	memset(k, 0, sizeof(*k));
	ks_symtab_init(&k->elf_syms);
}

/* Try the stream at p; 1 when it held the kernel, 0 to go on, <0 on a hard error. */
static int try_stream(const char *origin, const uint8_t *p, size_t n, size_t off,
		      struct ks_kernel *k, const char *hint, int *first_err, char *msg)
{
	const char *fmt = ks_compression_name(p, n);
	uint64_t cap = (uint64_t)n * PAYLOAD_RATIO;
	char where[512];
	struct ks_bytes out;
	struct src in;
	int ret;

	cap = cap < PAYLOAD_FLOOR ? PAYLOAD_FLOOR : cap > KERNEL_MAX ? KERNEL_MAX : cap;
	snprintf(where, sizeof(where), "%s: %s stream at 0x%zx", origin, fmt, off);
	ret = ks_decompress(where, p, n, cap, &out);
	if (ret == 0 && !looks_like_kernel(out.data, out.size)) {
		ks_bytes_free(&out);
		ret = -ENOMSG;
	}
	if (ret == 0) {
		in = (struct src){out.data, out.size, &out};
		ret = open_bytes(where, &in, k, 1);
		ks_bytes_free(&out);
		if (ret == 0) {
			snprintf(k->packing, sizeof(k->packing), "scan/%s@0x%zx", fmt, off);
			fill_arch(k, hint, 0);
			return 1;
		}
		kernel_reset(k);
	}
	/* Remember why a real stream failed: a truncated or corrupt kernel payload. */
	if (ret != -ENOMSG && (!*first_err || (ret == -EPIPE && *first_err != -EPIPE))) {
		*first_err = ret;
		set_str(msg, MSG_MAX, ks_errmsg());
	}
	return 0;
}

/* The compressed streams in the bytes, in file order; 1 when one held the kernel. */
static int scan_streams(const char *origin, struct src *s, struct ks_kernel *k, const char *hint,
			int *first_err, char *msg)
{
	static const struct {
		const char *m;
		size_t n;
	} pat[] = {
	    {"\x1f\x8b\x08", 3},     {"\xfd\x37zXZ", 5},      {"\x28\xb5\x2f\xfd", 4},
	    {"\x02\x21\x4c\x18", 4}, {"\x04\x22\x4d\x18", 4}, {"BZh", 3},
	    {"\x89LZO", 4},	     {"\x5d\x00\x00", 3},
	};
	enum { NPAT = sizeof(pat) / sizeof(pat[0]) };
	const uint8_t *next[NPAT], *d = s->data, *end = d + s->size;
	int tries = 0, ret;

	for (int i = 0; i < NPAT; i++)
		next[i] = memmem(d, s->size, pat[i].m, pat[i].n);
	while (tries < SCAN_TRIES) {
		int best = -1;
		size_t off;

		for (int i = 0; i < NPAT; i++)
			if (next[i] && (best < 0 || next[i] < next[best]))
				best = i;
		if (best < 0)
			break;
		off = next[best] - d;
		next[best] = memmem(next[best] + 1, end - next[best] - 1, pat[best].m, pat[best].n);
		if (!ks_compression_name(d + off, s->size - off))
			continue;
		tries++;
		ret = try_stream(origin, d + off, s->size - off, off, k, hint, first_err, msg);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * No header told where the kernel is. A known wrapper (arm zImage, s390 vmlinuz:
 * hint set) holds a compressed kernel and nothing else; anything else may be a bare
 * image too: BTF in the bytes as they are, else the first compressed stream that
 * inflates to a kernel, else a bare image that at least has a banner. (Literals in
 * a zstd or lz4 stream can spell a banner: a wrapper never falls back to that.)
 */
static int open_scan(const char *origin, struct src *s, struct ks_kernel *k, const char *hint)
{
	int first_err = 0, ret, be;
	char msg[MSG_MAX] = "";
	size_t off, len;

	if (!hint && !ks_btf_scan(s->data, s->size, &off, &len, &be))
		return open_raw(s, k, NULL, 0);
	ret = scan_streams(origin, s, k, hint, &first_err, msg);
	if (ret)
		return ret < 0 ? ret : 0;
	if (!hint && ks_banner_present(s->data, s->size))
		return open_raw(s, k, NULL, 0);
	if (first_err)
		return ks_err(first_err, "%s", msg);
	return ks_err(-EINVAL,
		      "%s: %s (no known header, BTF, banner or compressed kernel in its "
		      "0x%zx bytes)",
		      origin,
		      hint ? "no compressed kernel found in this wrapper" : "not a kernel image",
		      s->size);
}

static int is_bzimage(const uint8_t *d, size_t n)
{
	/* payload_offset/length exist from boot protocol 2.08 on. */
	return n >= 0x250 && !memcmp(d + 0x202, "HdrS", 4) && ks_rd16(d + 0x206, 0) >= 0x208;
}

static int open_bytes(const char *origin, struct src *s, struct ks_kernel *k, int depth)
{
	const uint8_t *d = s->data;
	size_t n = s->size;
	const char *fmt = ks_compression_name(d, n), *arch;
	int be;

	if (n >= 4 && ((d[0] == 0x9f && d[1] == 0xeb) || (d[0] == 0xeb && d[1] == 0x9f)) &&
	    d[2] == 1)
		return open_raw_btf(origin, s, k);
	if (n >= 4 && !memcmp(d, "\177ELF", 4))
		return open_elf(origin, s, k);
	if (depth == 0 && is_bzimage(d, n))
		return open_bzimage(origin, s, k, depth);
	if (depth == 0 && n >= 0x40 && !memcmp(d, "MZ", 2) && !memcmp(d + 4, "zimg", 4))
		return open_zboot(origin, s, k, depth);
	if (fmt && depth < MAX_DEPTH)
		return open_compressed(origin, s, k, depth, fmt);
	if ((arch = raw_image_arch(d, n, &be))) {
		if (pe_extent(d, n) > n)
			return ks_err(-EINVAL,
				      "%s: truncated %s Image: its PE header describes "
				      "0x%llx bytes, the file has 0x%zx",
				      origin, arch, (unsigned long long)pe_extent(d, n), n);
		return open_raw(s, k, arch, be);
	}
	if (depth > 0 && !looks_like_kernel(d, n))
		return ks_err(-EINVAL,
			      "%s: inflates to 0x%zx bytes that are not a kernel (no ELF "
			      "or Image header, BTF or banner)",
			      origin, n);
	if (depth > 0)
		return open_raw(s, k, NULL, 0);
	/* arm zImage: magic 0x016f2818 at 0x24 (either byte order). */
	if (n >= 0x30 && (ks_rd32(d + 0x24, 0) == 0x016f2818 || ks_rd32(d + 0x24, 1) == 0x016f2818))
		return open_scan(origin, s, k,
				 ks_rd32(d + 0x24, 0) == 0x016f2818 ? "armhf" : "armeb");
	/* s390 vmlinuz: the IPL channel program at 8. */
	if (n >= 0x18 && !memcmp(d + 8, "\x02\x00\x00\x18\x60\x00\x00\x50", 8))
		return open_scan(origin, s, k, "s390x");
	return open_scan(origin, s, k, NULL);
}

int ks_kernel_open(const char *origin, const uint8_t *data, size_t size, struct ks_kernel *k)
{
	return ks_kernel_open_own(origin, &(struct ks_bytes){(uint8_t *)data, size}, 0, k);
}

int ks_kernel_open_own(const char *origin, struct ks_bytes *b, int take, struct ks_kernel *k)
{
	const uint8_t *data = b->data;
	size_t size = b->size;
	struct src s = {data, size, take ? b : NULL};
	int ret;

	memset(k, 0, sizeof(*k));
	ks_symtab_init(&k->elf_syms);
	if (!data || !size)
		return ks_err(-EINVAL, "%s: empty file", origin);
	ret = open_bytes(origin, &s, k, 0);
	if (ret)
		kernel_reset(k);
	return ret;
}

void ks_kernel_free(struct ks_kernel *k)
{
	ks_bytes_free(&k->image);
	ks_symtab_free(&k->elf_syms);
	free(k->release);
	free(k->banner);
	free(k->compiler);
	k->release = k->banner = k->compiler = NULL;
	k->btf_off = k->btf_size = 0;
}
