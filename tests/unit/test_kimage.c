/* SPDX-License-Identifier: MIT */
/*
 * Kernel images of every packing: synthetic ones built here (BTF from libbpf, ELF and
 * boot headers by hand, streams from libarchive's writers), and the real Debian
 * kernels of shared/kernels/debs checked against their INDEX.tsv row and their BTF
 * byte for byte.
 *
 * KSURF_WRITE_SEEDS=<dir> also writes the small inputs used as fuzz seeds.
 */
#include <archive.h>
#include <archive_entry.h>
#include <bpf/btf.h>
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/kimage.h"
#include "ingest/symtab.h"
#include "test.h"
#include "util/bytes.h"
#include "util/err.h"

#define TEXT_VA64  0xffffffff81000000ULL
#define TEXT_VA32  0xc1000000ULL
#define BANNER_TXT "Linux version 9.9.9-test (ksurf@test) (cc (Test 1.0) 1.0, ld 2.0) #1 SMP 2026\n"

struct buf {
	uint8_t *d;
	size_t n;
};

static void buf_free(struct buf *b)
{
	free(b->d);
	b->d = NULL;
	b->n = 0;
}

static void wr(uint8_t *p, uint64_t v, int bytes, int be)
{
	for (int i = 0; i < bytes; i++)
		p[be ? bytes - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static void write_seed(const char *name, const uint8_t *d, size_t n)
{
	const char *dir = getenv("KSURF_WRITE_SEEDS");
	char path[4096];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f) {
		fwrite(d, 1, n, f);
		fclose(f);
	}
}

/* A small BTF: int, long, a struct with a pointer. Either byte order. */
static struct buf make_btf(int be)
{
	struct btf *btf = btf__new_empty();
	struct buf b = {0};
	const void *raw;
	uint32_t sz;
	int i, l, s;

	i = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	l = btf__add_int(btf, "long int", 8, BTF_INT_SIGNED);
	s = btf__add_struct(btf, "task_struct", 16);
	btf__add_field(btf, "pid", i, 0, 0);
	btf__add_field(btf, "stamp", l, 64, 0);
	btf__add_ptr(btf, s);
	if (be)
		btf__set_endianness(btf, BTF_BIG_ENDIAN);
	raw = btf__raw_data(btf, &sz);
	b.d = malloc(sz);
	memcpy(b.d, raw, sz);
	b.n = sz;
	btf__free(btf);
	return b;
}

/* Compress with libarchive's writer ("gzip", "xz", "zstd", "bzip2", "lzma", "lz4"). */
static struct buf compress(const char *fmt, const uint8_t *d, size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	struct buf b = {0};
	size_t cap = n + n / 2 + 65536, used = 0;

	if (!strcmp(fmt, "gzip"))
		archive_write_add_filter_gzip(a);
	else if (!strcmp(fmt, "xz"))
		archive_write_add_filter_xz(a);
	else if (!strcmp(fmt, "zstd"))
		archive_write_add_filter_zstd(a);
	else if (!strcmp(fmt, "bzip2"))
		archive_write_add_filter_bzip2(a);
	else if (!strcmp(fmt, "lzma"))
		archive_write_add_filter_lzma(a);
	else if (!strcmp(fmt, "lz4"))
		archive_write_add_filter_lz4(a);
	archive_write_set_format_raw(a);
	archive_write_set_bytes_in_last_block(a, 1);
	b.d = malloc(cap);
	archive_write_open_memory(a, b.d, cap, &used);
	archive_entry_set_pathname(e, "x");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)n);
	archive_write_header(a, e);
	archive_write_data(a, d, n);
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(e);
	b.n = used;
	return b;
}

/* The kernel appends the inflated size to most payloads ("*_with_size"). */
static struct buf with_size(struct buf c, size_t size)
{
	c.d = realloc(c.d, c.n + 4);
	wr(c.d + c.n, size, 4, 0);
	c.n += 4;
	return c;
}

/* Deterministic filler that makes every LZO/LZ77 path work: text, long repeats, zeros. */
static struct buf filler(size_t n)
{
	struct buf b = {calloc(1, n), n};
	uint32_t x = 12345;
	size_t i, r = n / 4;

	for (i = 0; i < r && i < n; i++) {
		x = x * 1103515245 + 12345;
		b.d[i] = (uint8_t)(x >> 16);
	}
	memcpy(b.d + r, b.d, r < n - r ? r : n - r); /* a repeat 1/4 of n back */
	for (i = 2 * r; i + 16 < n - n / 8; i += 16)
		memcpy(b.d + i, "symbol_name T \n", 16);
	return b;
}

struct elf_spec {
	int is64, be;
	uint16_t machine;
	const struct buf *btf;
	const struct buf *text;
	int banner;
};

/*
 * A vmlinux-like ELF: .text (banner + filler), .BTF, .data..percpu (linked at 0, as
 * on x86-64), .comment, .symtab/.strtab, .shstrtab; two PT_LOADs.
 */
static struct buf make_elf(const struct elf_spec *sp)
{
	static const char shstr[] = "\0.text\0.BTF\0.data..percpu\0.comment\0.symtab\0.strtab\0"
				    ".shstrtab";
	static const char strtab[] = "\0_text\0start_kernel\0local_fn\0weak_fn\0jiffies\0absval\0"
				     "$x\0undef_sym";
	static const char comment[] = "GCC: (Test) 1.0\0GCC: (Test) 1.0\0clang 2";
	int is64 = sp->is64, be = sp->be, A = is64 ? 8 : 4;
	size_t ehsz = is64 ? 64 : 52, phsz = is64 ? 56 : 32, shsz = is64 ? 64 : 40;
	size_t symsz = is64 ? 24 : 16, nsym = 10, banner_len = sp->banner ? strlen(BANNER_TXT) : 0;
	size_t text_len = banner_len + (sp->text ? sp->text->n : 16);
	size_t o_text = 0x1000, o_btf = (o_text + text_len + 3) & ~3UL, o_pcpu, o_com, o_sym;
	size_t o_str, o_shs, o_sh, total;
	uint64_t va = is64 ? TEXT_VA64 : TEXT_VA32;
	struct buf b;
	uint8_t *p, *sh;

	o_pcpu = (o_btf + sp->btf->n + 3) & ~3UL;
	o_com = o_pcpu + 8;
	o_sym = (o_com + sizeof(comment) + 7) & ~7UL;
	o_str = o_sym + nsym * symsz;
	o_shs = o_str + sizeof(strtab);
	o_sh = (o_shs + sizeof(shstr) + 7) & ~7UL;
	total = o_sh + 8 * shsz;
	b.d = p = calloc(1, total);
	b.n = total;

	memcpy(p, "\177ELF", 4);
	p[4] = is64 ? 2 : 1;
	p[5] = be ? 2 : 1;
	p[6] = 1;
	wr(p + 16, 2, 2, be);
	wr(p + 18, sp->machine, 2, be);
	wr(p + 20, 1, 4, be);
	wr(p + 24, va, A, be);
	wr(p + 24 + A, ehsz, A, be);	 /* e_phoff */
	wr(p + 24 + 2 * A, o_sh, A, be); /* e_shoff */
	wr(p + 28 + 3 * A, ehsz, 2, be); /* e_ehsize */
	wr(p + 30 + 3 * A, phsz, 2, be);
	wr(p + 32 + 3 * A, 2, 2, be);
	wr(p + 34 + 3 * A, shsz, 2, be);
	wr(p + 36 + 3 * A, 8, 2, be);
	wr(p + 38 + 3 * A, 7, 2, be);

	for (int i = 0; i < 2; i++) {
		uint8_t *ph = p + ehsz + i * phsz;
		uint64_t off = i ? o_pcpu : o_text, vaddr = i ? 0 : va;
		uint64_t sz = i ? 8 : o_pcpu - o_text;

		wr(ph, 1, 4, be); /* PT_LOAD */
		if (is64) {
			wr(ph + 4, 5, 4, be);
			wr(ph + 8, off, 8, be);
			wr(ph + 16, vaddr, 8, be);
			wr(ph + 24, off, 8, be);
			wr(ph + 32, sz, 8, be);
			wr(ph + 40, sz, 8, be);
		} else {
			wr(ph + 4, off, 4, be);
			wr(ph + 8, vaddr, 4, be);
			wr(ph + 12, off, 4, be);
			wr(ph + 16, sz, 4, be);
			wr(ph + 20, sz, 4, be);
			wr(ph + 24, 5, 4, be);
		}
	}
	if (sp->banner)
		memcpy(p + o_text, BANNER_TXT, banner_len);
	if (sp->text)
		memcpy(p + o_text + banner_len, sp->text->d, sp->text->n);
	memcpy(p + o_btf, sp->btf->d, sp->btf->n);
	memcpy(p + o_com, comment, sizeof(comment));
	memcpy(p + o_str, strtab, sizeof(strtab));
	memcpy(p + o_shs, shstr, sizeof(shstr));

	/* name, info, shndx, value: section sym, local_fn, then globals. */
	static const struct {
		uint32_t name;
		uint8_t info;
		uint16_t shndx;
		uint64_t value;
	} syms[10] = {
	    {0, 0, 0, 0},	 {0, 3, 1, 0},
	    {20, 0x02, 1, 0x40}, {1, 0x12, 1, 0},
	    {7, 0x12, 1, 0x10},	 {29, 0x22, 1, 0x20},
	    {37, 0x11, 3, 0},	 {45, 0x10, 0xfff1, 0x1234},
	    {52, 0x10, 1, 0x50}, {55, 0x10, 0, 0},
	};
	for (size_t i = 0; i < nsym; i++) {
		uint8_t *s = p + o_sym + i * symsz;
		uint64_t v = syms[i].value + (syms[i].shndx == 1 ? va : 0);

		wr(s, syms[i].name, 4, be);
		if (is64) {
			s[4] = syms[i].info;
			wr(s + 6, syms[i].shndx, 2, be);
			wr(s + 8, v, 8, be);
		} else {
			wr(s + 4, v, 4, be);
			s[12] = syms[i].info;
			wr(s + 14, syms[i].shndx, 2, be);
		}
	}

	/* name, type, flags, addr, offset, size, link, info, entsize */
	const uint64_t shv[8][9] = {
	    {0},
	    {1, 1, 6, va, o_text, text_len, 0, 0, 0},
	    {7, 1, 2, va + (o_btf - o_text), o_btf, sp->btf->n, 0, 0, 0},
	    {12, 1, 3, 0, o_pcpu, 8, 0, 0, 0},
	    {26, 1, 0x30, 0, o_com, sizeof(comment), 0, 0, 1},
	    {35, 2, 0, 0, o_sym, nsym * symsz, 6, 3, symsz},
	    {43, 3, 0, 0, o_str, sizeof(strtab), 0, 0, 0},
	    {51, 3, 0, 0, o_shs, sizeof(shstr), 0, 0, 0},
	};
	for (int i = 1; i < 8; i++) {
		sh = p + o_sh + i * shsz;
		wr(sh, shv[i][0], 4, be);
		wr(sh + 4, shv[i][1], 4, be);
		wr(sh + 8, shv[i][2], A, be);
		wr(sh + 8 + A, shv[i][3], A, be);
		wr(sh + 8 + 2 * A, shv[i][4], A, be);
		wr(sh + 8 + 3 * A, shv[i][5], A, be);
		wr(sh + 8 + 4 * A, shv[i][6], 4, be);
		wr(sh + 12 + 4 * A, shv[i][7], 4, be);
		wr(sh + 16 + 4 * A, 1, A, be);
		wr(sh + 16 + 5 * A, shv[i][8], A, be);
	}
	return b;
}

/* A raw kernel Image: a 64-byte boot header, a banner, filler, BTF (when given). */
static struct buf make_raw_image(const char *kind, const struct buf *btf, size_t fill)
{
	size_t banner_len = strlen(BANNER_TXT), o_btf = (0x200 + banner_len + fill + 7) & ~7UL;
	struct buf b = {0};
	struct buf f = filler(fill ? fill : 1);

	b.n = o_btf + (btf ? btf->n : 0) + 64;
	b.d = calloc(1, b.n);
	if (!strcmp(kind, "arm64")) {
		b.d[0] = 'M', b.d[1] = 'Z';
		wr(b.d + 0x30, 0x0a, 8, 0);
		memcpy(b.d + 0x38, "ARM\x64", 4);
	} else if (!strcmp(kind, "riscv64")) {
		memcpy(b.d + 0x38, "RSC\x05", 4);
	} else if (!strcmp(kind, "loong64")) {
		b.d[0] = 'M', b.d[1] = 'Z';
		wr(b.d + 0x3c, 0x40, 4, 0);
		memcpy(b.d + 0x40, "PE\0\0\x64\x62", 6);
	}
	memcpy(b.d + 0x200, BANNER_TXT, banner_len);
	if (fill)
		memcpy(b.d + 0x200 + banner_len, f.d, fill);
	if (btf)
		memcpy(b.d + o_btf, btf->d, btf->n);
	buf_free(&f);
	return b;
}

/* An x86 bzImage around a payload: setup header with payload_offset/length. */
static struct buf make_bzimage(const struct buf *payload, size_t *off)
{
	struct buf b;
	size_t setup = 4 * 512, rel = 0x100;

	*off = setup + rel;
	b.n = *off + payload->n + 100;
	b.d = calloc(1, b.n);
	memcpy(b.d, "MZ", 2);
	b.d[0x1f1] = 3;
	wr(b.d + 0x1fe, 0xaa55, 2, 0);
	memcpy(b.d + 0x202, "HdrS", 4);
	wr(b.d + 0x206, 0x020f, 2, 0);
	wr(b.d + 0x248, rel, 4, 0);
	wr(b.d + 0x24c, payload->n, 4, 0);
	memcpy(b.d + *off, payload->d, payload->n);
	memset(b.d + *off + payload->n, 0xcc, 100);
	return b;
}

/* An EFI zboot image around a payload (arm64 PE machine). */
static struct buf make_zboot(const struct buf *payload, const char *comp)
{
	struct buf b = {calloc(1, 0x200 + payload->n + 32), 0x200 + payload->n + 32};

	memcpy(b.d, "MZ\0\0zimg", 8);
	wr(b.d + 8, 0x200, 4, 0);
	wr(b.d + 12, payload->n, 4, 0);
	memcpy(b.d + 24, comp, strlen(comp));
	wr(b.d + 0x38, 0x818223cd, 4, 0);
	wr(b.d + 0x3c, 0x40, 4, 0);
	memcpy(b.d + 0x40, "PE\0\0\x64\xaa", 6);
	memcpy(b.d + 0x200, payload->d, payload->n);
	return b;
}

/* A compressed-kernel wrapper found only by scanning: decoy magics, stream, garbage. */
static struct buf make_wrapper(const char *kind, const struct buf *stream, size_t *off)
{
	static const uint8_t decoys[] = "\xfd\x37zXZ\0\x01\x02\x03 \x28\xb5\x2f\xfd\x00\x01\x02 "
					"\x1f\x8b\x08\x00 junk \x5d\x00\x00\x80\x00\xff";
	struct buf b;

	*off = 0x400;
	b.n = *off + stream->n + 300;
	b.d = calloc(1, b.n);
	if (!strcmp(kind, "armhf")) {
		wr(b.d + 0x24, 0x016f2818, 4, 0);
	} else {
		memcpy(b.d, "\x00\x08\x00\x00\x80\x00\x02\x00", 8);
		memcpy(b.d + 8, "\x02\x00\x00\x18\x60\x00\x00\x50", 8);
	}
	memcpy(b.d + 0x100, decoys, sizeof(decoys));
	memcpy(b.d + *off, stream->d, stream->n);
	for (size_t i = *off + stream->n; i < b.n; i++)
		b.d[i] = (uint8_t)(i * 7);
	return b;
}

static int btf_equal(const struct ks_kernel *k, const struct buf *btf)
{
	return k->btf_size == btf->n && k->image.size >= k->btf_off + k->btf_size &&
	       !memcmp(k->image.data + k->btf_off, btf->d, btf->n);
}

/* Opening must fail with a message naming the input. */
static void check_fails(const char *origin, const uint8_t *d, size_t n, const char *needle)
{
	struct ks_kernel k;
	int ret;

	ks_err_clear();
	ret = ks_kernel_open(origin, d, n, &k);
	CHECK(ret < 0);
	CHECK(strstr(ks_errmsg(), origin) != NULL);
	if (needle && !strstr(ks_errmsg(), needle))
		fprintf(stderr, "  message \"%s\" lacks \"%s\"\n", ks_errmsg(), needle);
	if (needle)
		CHECK(strstr(ks_errmsg(), needle) != NULL);
	CHECK(k.image.data == NULL && k.release == NULL);
	ks_kernel_free(&k);
}

TEST(btf_scan)
{
	struct buf le = make_btf(0), be = make_btf(1);
	size_t n = 8192, off, len;
	uint8_t *d = calloc(1, n);
	int big;

	/* A decoy header with lengths past the end comes first. */
	memcpy(d + 100, le.d, 24);
	wr(d + 100 + 20, 0x7fffffff, 4, 0);
	memcpy(d + 1001, le.d, le.n);
	CHECK_INT(ks_btf_scan(d, n, &off, &len, &big), 0);
	CHECK_INT(off, 1001);
	CHECK_INT(len, le.n);
	CHECK_INT(big, 0);

	memset(d, 0, n);
	memcpy(d + 4097, be.d, be.n);
	CHECK_INT(ks_btf_scan(d, n, &off, &len, &big), 0);
	CHECK_INT(off, 4097);
	CHECK_INT(big, 1);
	/* Cut short by one byte: not a blob any more. */
	CHECK_INT(ks_btf_scan(d, 4097 + be.n - 1, &off, &len, &big), -ENOENT);
	CHECK_INT(ks_btf_scan(d, 0, &off, &len, &big), -ENOENT);
	CHECK_INT(ks_btf_scan(NULL, 0, &off, &len, &big), -ENOENT);
	free(d);
	buf_free(&le);
	buf_free(&be);
}

TEST(raw_btf)
{
	for (int be = 0; be < 2; be++) {
		struct buf btf = make_btf(be);
		struct ks_kernel k;

		CHECK_INT(ks_kernel_open("t.btf", btf.d, btf.n, &k), 0);
		CHECK(k.is_raw_btf && !k.is_elf);
		CHECK_STR(k.packing, "raw-btf");
		CHECK_STR(k.btf_found_by, "raw BTF file");
		CHECK_INT(k.big_endian, be);
		CHECK_INT(k.ptr_size, 8);
		CHECK(btf_equal(&k, &btf));
		CHECK(k.release == NULL);
		ks_kernel_free(&k);
		write_seed(be ? "btf-be" : "btf-le", btf.d, btf.n);

		struct buf x = compress("xz", btf.d, btf.n);
		CHECK_INT(ks_kernel_open("t.btf.xz", x.d, x.n, &k), 0);
		CHECK_STR(k.packing, "xz/raw-btf");
		CHECK(k.is_raw_btf && btf_equal(&k, &btf));
		ks_kernel_free(&k);
		buf_free(&x);
		buf_free(&btf);
	}
}

TEST(raw_images)
{
	static const char *kinds[] = {"arm64", "riscv64", "loong64"};
	struct buf btf = make_btf(0);

	for (int i = 0; i < 3; i++) {
		struct buf img = make_raw_image(kinds[i], &btf, 3000);
		struct ks_kernel k;

		CHECK_INT(ks_kernel_open("Image", img.d, img.n, &k), 0);
		CHECK_STR(k.arch, kinds[i]);
		CHECK_STR(k.packing, "raw-image");
		CHECK_STR(k.btf_found_by, "magic scan");
		CHECK_STR(k.release, "9.9.9-test");
		CHECK_STR(k.compiler, "cc (Test 1.0) 1.0, ld 2.0");
		CHECK(k.banner && !strncmp(k.banner, "Linux version 9.9.9-test (", 26));
		CHECK_INT(k.ptr_size, 8);
		CHECK_INT(k.big_endian, 0);
		CHECK(btf_equal(&k, &btf));
		ks_kernel_free(&k);
		if (i == 0) {
			struct buf gz = compress("gzip", img.d, img.n);

			CHECK_INT(ks_kernel_open("Image.gz", gz.d, gz.n, &k), 0);
			CHECK_STR(k.packing, "gzip/raw-image");
			CHECK_STR(k.arch, "arm64");
			CHECK(btf_equal(&k, &btf));
			ks_kernel_free(&k);
			write_seed("image-arm64.gz", gz.d, gz.n);
			buf_free(&gz);
		}
		buf_free(&img);
	}
	buf_free(&btf);
}

TEST(elf_kernels)
{
	static const struct {
		int is64, be;
		uint16_t machine;
		const char *arch;
	} v[] = {
	    {1, 0, 62, "amd64"}, {1, 1, 22, "s390x"},	{1, 0, 21, "ppc64el"},
	    {0, 0, 3, "i386"},	 {0, 1, 20, "powerpc"}, {1, 0, 258, "loong64"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct buf btf = make_btf(v[i].be);
		struct elf_spec sp = {v[i].is64, v[i].be, v[i].machine, &btf, NULL, i != 1};
		struct buf elf = make_elf(&sp);
		struct ks_kernel k;

		CHECK_INT(ks_kernel_open("vmlinux", elf.d, elf.n, &k), 0);
		CHECK(k.is_elf);
		CHECK_STR(k.arch, v[i].arch);
		CHECK_INT(k.big_endian, v[i].be);
		CHECK_INT(k.ptr_size, v[i].is64 ? 8 : 4);
		CHECK_STR(k.packing, "elf-uncompressed");
		CHECK_STR(k.btf_found_by, "ELF .BTF section");
		CHECK(btf_equal(&k, &btf));
		CHECK_INT(k.base_addr, v[i].is64 ? TEXT_VA64 : TEXT_VA32);
		if (i == 1) { /* no banner: the compiler comes from .comment, deduplicated */
			CHECK(k.release == NULL);
			CHECK_STR(k.compiler, "GCC: (Test) 1.0; clang 2");
		} else {
			CHECK_STR(k.release, "9.9.9-test");
		}
		CHECK_STR(k.elf_syms.source, "ELF .symtab");
		CHECK_INT(k.elf_syms.n, 6);
		if (k.elf_syms.n == 6) {
			const struct ks_symtab *st = &k.elf_syms;

			/* Sorted by address: jiffies (0), absval, then .text. */
			CHECK_STR(ks_sym_name(st, &st->syms[0]), "jiffies");
			CHECK_INT(st->syms[0].type, 'D');
			CHECK_STR(ks_sym_name(st, &st->syms[1]), "absval");
			CHECK_INT(st->syms[1].type, 'A');
			CHECK_STR(ks_sym_name(st, &st->syms[2]), "_text");
			CHECK_INT(st->syms[2].type, 'T');
			CHECK_STR(ks_sym_name(st, &st->syms[3]), "start_kernel");
			CHECK_STR(ks_sym_name(st, &st->syms[4]), "weak_fn");
			CHECK_INT(st->syms[4].type, 'W');
			CHECK_STR(ks_sym_name(st, &st->syms[5]), "local_fn");
			CHECK_INT(st->syms[5].type, 't');
		}
		ks_kernel_free(&k);
		if (i == 0)
			write_seed("vmlinux-amd64", elf.d, elf.n);
		if (i == 4)
			write_seed("vmlinux-ppc32-be", elf.d, elf.n);
		buf_free(&elf);
		buf_free(&btf);
	}
}

TEST(elf_damaged)
{
	struct buf btf = make_btf(0);
	struct elf_spec sp = {1, 0, 62, &btf, NULL, 1};
	struct buf elf = make_elf(&sp);
	size_t o_btf = 0x1000 + strlen(BANNER_TXT) + 16;

	o_btf = (o_btf + 3) & ~3UL;
	/* .BTF's string section claims more than the section holds. */
	wr(elf.d + o_btf + 20, 0x100000, 4, 0);
	check_fails("vmlinux-badbtf", elf.d, elf.n, ".BTF");
	buf_free(&elf);

	/* Section headers cut off. */
	elf = make_elf(&sp);
	check_fails("vmlinux-cut", elf.d, elf.n - 200, NULL);
	check_fails("vmlinux-hdr", elf.d, 40, NULL);
	buf_free(&elf);
	buf_free(&btf);
}

TEST(bzimage_formats)
{
	static const char *fmts[] = {"gzip", "xz", "zstd", "bzip2", "lzma", "lz4"};
	struct buf btf = make_btf(0), text = filler(20000);
	struct elf_spec sp = {1, 0, 62, &btf, &text, 1};
	struct buf elf = make_elf(&sp);

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		struct buf c = with_size(compress(fmts[i], elf.d, elf.n), elf.n);
		size_t off;
		struct buf bz = make_bzimage(&c, &off);
		struct ks_kernel k;
		char want[64];

		snprintf(want, sizeof(want), "x86-bzImage/%s@0x%zx", fmts[i], off);
		CHECK_INT(ks_kernel_open("vmlinuz", bz.d, bz.n, &k), 0);
		CHECK_STR(k.packing, want);
		CHECK_STR(k.arch, "amd64");
		CHECK(k.is_elf && btf_equal(&k, &btf));
		CHECK_INT(k.image.size, elf.n);
		CHECK_STR(k.release, "9.9.9-test");
		ks_kernel_free(&k);
		buf_free(&bz);
		buf_free(&c);
	}
	buf_free(&elf);
	buf_free(&text);
	buf_free(&btf);
}

/* Legacy lz4 (what the kernel uses) needs the lz4 tool to make. */
TEST(bzimage_lz4_legacy)
{
	struct buf btf = make_btf(0), text = filler(50000);
	struct elf_spec sp = {1, 0, 62, &btf, &text, 1};
	struct buf elf = make_elf(&sp), c = {0};
	char cmd[256], tmp[] = "/tmp/ksurf-lz4-XXXXXX";
	int fd = mkstemp(tmp);
	FILE *f;

	if (fd < 0 || write(fd, elf.d, elf.n) != (ssize_t)elf.n) {
		CHECK(0);
		goto out;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "lz4 -l -9 -c %s 2>/dev/null", tmp);
	f = popen(cmd, "r");
	c.d = malloc(elf.n * 2 + 1024);
	c.n = f ? fread(c.d, 1, elf.n * 2 + 1024, f) : 0;
	if (f)
		pclose(f);
	if (c.n < 8) {
		printf("     (lz4 tool missing: legacy lz4 not checked)\n");
		goto out;
	}
	c = with_size(c, elf.n);
	size_t off;
	struct buf bz = make_bzimage(&c, &off);
	struct ks_kernel k;

	CHECK_INT(ks_kernel_open("vmlinuz-lz4", bz.d, bz.n, &k), 0);
	CHECK(!strncmp(k.packing, "x86-bzImage/lz4@", 16));
	CHECK(btf_equal(&k, &btf));
	ks_kernel_free(&k);
	write_seed("bzimage-lz4-legacy", bz.d, bz.n);
	buf_free(&bz);
out:
	unlink(tmp);
	buf_free(&c);
	buf_free(&elf);
	buf_free(&text);
	buf_free(&btf);
}

static struct buf read_src_file(const char *rel)
{
	const char *src = getenv("KSURF_SRC");
	struct ks_bytes b = {0};
	struct buf r = {0};
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", rel);
	if (ks_bytes_read_file(path, &b) == 0) {
		r.d = b.data;
		r.n = b.size;
	}
	return r;
}

/*
 * LZO has no native libarchive decoder and no writer here: the corpus keeps an lzop
 * stream of this very ELF (KSURF_WRITE_SEEDS writes the ELF; "lzop -9" made it).
 */
TEST(bzimage_lzo)
{
	struct buf btf = make_btf(0), text = filler(80000);
	struct elf_spec sp = {1, 0, 62, &btf, &text, 1};
	struct buf elf = make_elf(&sp);
	struct buf lzo = read_src_file("tests/fuzz/corpus/fuzz_kimage/vmlinux.lzo");
	struct ks_bytes out;
	struct ks_kernel k;
	size_t off;

	write_seed("vmlinux-for-lzo", elf.d, elf.n);
	CHECK(lzo.n > 0);
	if (!lzo.n)
		goto out;
	CHECK_INT(ks_decompress("lzo", lzo.d, lzo.n, 1 << 24, &out), 0);
	CHECK(out.size == elf.n && !memcmp(out.data, elf.d, elf.n));
	ks_bytes_free(&out);

	struct buf c = with_size(lzo, elf.n);
	struct buf bz = make_bzimage(&c, &off);

	lzo = c;
	CHECK_INT(ks_kernel_open("vmlinuz-lzo", bz.d, bz.n, &k), 0);
	CHECK(!strncmp(k.packing, "x86-bzImage/lzo@", 16));
	CHECK(btf_equal(&k, &btf));
	ks_kernel_free(&k);
	/* A flipped byte inside the LZO data: its checksum or the decoder says no. */
	bz.d[off + lzo.n / 2] ^= 0x55;
	check_fails("vmlinuz-lzo-bad", bz.d, bz.n, "lzo");
	/* Cut inside the stream. */
	check_fails("vmlinuz-lzo-cut", lzo.d, lzo.n / 2, "truncated");
	buf_free(&bz);
out:
	buf_free(&lzo);
	buf_free(&elf);
	buf_free(&text);
	buf_free(&btf);
}

TEST(zboot)
{
	struct buf btf = make_btf(0), img = make_raw_image("arm64", &btf, 5000);
	struct buf c = compress("zstd", img.d, img.n);
	struct buf z = make_zboot(&c, "zstd22");
	struct ks_kernel k;

	CHECK_INT(ks_kernel_open("vmlinuz.efi", z.d, z.n, &k), 0);
	CHECK_STR(k.packing, "efi-zboot/zstd@0x200");
	CHECK_STR(k.arch, "arm64");
	CHECK_STR(k.btf_found_by, "magic scan");
	CHECK(btf_equal(&k, &btf));
	ks_kernel_free(&k);
	write_seed("zboot-arm64", z.d, z.n);
	/* Payload size beyond the file. */
	wr(z.d + 12, z.n, 4, 0);
	check_fails("vmlinuz.efi", z.d, z.n, "past end of file");
	buf_free(&z);
	buf_free(&c);
	buf_free(&img);
	buf_free(&btf);
}

TEST(scanned_wrappers)
{
	struct buf btf = make_btf(1), img, c, w;
	struct ks_kernel k;
	size_t off;
	char want[64];

	/* armhf zImage: xz, no BTF at all. */
	img = make_raw_image("none", NULL, 4000);
	c = with_size(compress("xz", img.d, img.n), img.n);
	w = make_wrapper("armhf", &c, &off);
	snprintf(want, sizeof(want), "scan/xz@0x%zx", off);
	CHECK_INT(ks_kernel_open("zImage", w.d, w.n, &k), 0);
	CHECK_STR(k.packing, want);
	CHECK_STR(k.arch, "armhf");
	CHECK_INT(k.btf_size, 0);
	CHECK_INT(k.ptr_size, 4);
	CHECK_STR(k.release, "9.9.9-test");
	ks_kernel_free(&k);
	write_seed("zimage-armhf-xz", w.d, w.n);
	/* Cut inside the xz stream: the error says so. */
	check_fails("zImage-cut", w.d, off + c.n / 2, "truncated");
	buf_free(&w);
	buf_free(&c);
	buf_free(&img);

	/* s390x vmlinuz: zstd, big-endian BTF found by magic. */
	img = make_raw_image("none", &btf, 4000);
	c = compress("zstd", img.d, img.n);
	w = make_wrapper("s390x", &c, &off);
	snprintf(want, sizeof(want), "scan/zstd@0x%zx", off);
	CHECK_INT(ks_kernel_open("vmlinuz-s390", w.d, w.n, &k), 0);
	CHECK_STR(k.packing, want);
	CHECK_STR(k.arch, "s390x");
	CHECK_INT(k.big_endian, 1);
	CHECK_INT(k.ptr_size, 8);
	CHECK_STR(k.btf_found_by, "magic scan");
	CHECK(btf_equal(&k, &btf));
	ks_kernel_free(&k);
	write_seed("vmlinuz-s390x-zstd", w.d, w.n);
	check_fails("vmlinuz-s390-cut", w.d, off + c.n - 10, "truncated");
	buf_free(&w);
	buf_free(&c);
	buf_free(&img);
	buf_free(&btf);
}

TEST(bad_inputs)
{
	struct buf btf = make_btf(0), garbage = filler(65536), c, bz;
	struct elf_spec sp = {1, 0, 62, &btf, NULL, 1};
	struct buf elf = make_elf(&sp);
	size_t off;

	check_fails("empty", (const uint8_t *)"", 0, "empty");
	check_fails("garbage", garbage.d, garbage.n, "not a kernel");
	check_fails("text", (const uint8_t *)"hello world\n", 12, "not a kernel");

	/* BTF header whose strings run past the file. */
	btf.d[20] ^= 0x40;
	check_fails("bad.btf", btf.d, btf.n, "BTF header");
	btf.d[20] ^= 0x40;
	/* A type of an unknown kind: the header is fine, libbpf says no. */
	btf.d[24 + 7] = 0x7f;
	check_fails("bad-types.btf", btf.d, btf.n, "corrupt BTF");
	buf_free(&btf);

	c = with_size(compress("gzip", elf.d, elf.n), elf.n);
	bz = make_bzimage(&c, &off);
	check_fails("vmlinuz-cut", bz.d, off + c.n / 2, "runs past end of file");
	bz.d[off + c.n / 2] ^= 0xff;
	bz.d[off + c.n / 2 + 1] ^= 0xff;
	check_fails("vmlinuz-corrupt", bz.d, bz.n, "vmlinuz-corrupt");
	memset(bz.d + off, 0, 8);
	check_fails("vmlinuz-nocomp", bz.d, bz.n, "unknown compression");
	buf_free(&bz);
	buf_free(&c);

	/* A stream that inflates to something that is no kernel. */
	c = compress("gzip", garbage.d, garbage.n);
	check_fails("junk.gz", c.d, c.n, "not a kernel");
	buf_free(&c);

	/* Every prefix of a small bzImage: an error or a kernel, never a crash. */
	c = with_size(compress("xz", elf.d, elf.n), elf.n);
	bz = make_bzimage(&c, &off);
	for (size_t n = 1; n < bz.n; n += 37) {
		struct ks_kernel k;

		ks_err_clear();
		if (ks_kernel_open("prefix", bz.d, n, &k) == 0)
			ks_kernel_free(&k);
		else
			CHECK(strstr(ks_errmsg(), "prefix") != NULL);
	}
	write_seed("bzimage-xz", bz.d, bz.n);
	buf_free(&bz);
	buf_free(&c);
	buf_free(&elf);
	buf_free(&garbage);
}

TEST(decompress)
{
	static const char *fmts[] = {"gzip", "xz", "zstd", "bzip2", "lzma", "lz4"};
	struct buf plain = filler(100000);

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		struct buf c = compress(fmts[i], plain.d, plain.n);
		struct ks_bytes out;
		uint8_t *padded = malloc(c.n + 64);

		CHECK_STR(ks_compression_name(c.d, c.n), fmts[i]);
		/* Trailing bytes after the stream (a size trailer, padding) are fine. */
		memcpy(padded, c.d, c.n);
		memset(padded + c.n, 0xa5, 64);
		CHECK_INT(ks_decompress(fmts[i], padded, c.n + 64, 1 << 24, &out), 0);
		CHECK(out.size == plain.n && !memcmp(out.data, plain.d, plain.n));
		ks_bytes_free(&out);
		/* Cut: an error that says truncated. */
		CHECK(ks_decompress(fmts[i], c.d, c.n * 2 / 3, 1 << 24, &out) < 0);
		if (!strstr(ks_errmsg(), "truncated"))
			fprintf(stderr, "  %s: %s\n", fmts[i], ks_errmsg());
		CHECK(strstr(ks_errmsg(), "truncated") != NULL);
		/* Too big for the cap. */
		CHECK_INT(ks_decompress(fmts[i], c.d, c.n, 1000, &out), -EFBIG);
		free(padded);
		buf_free(&c);
	}
	CHECK_INT(ks_decompress("plain", plain.d, plain.n, 1 << 24, &(struct ks_bytes){0}),
		  -ENOMSG);
	buf_free(&plain);
}

TEST(sysmap)
{
	static const char good[] = "ffffffff81000000 T _text\n"
				   "ffffffff81000040 t local_fn\r\n"
				   "\n"
				   "ffffffffc0000000 t mod_fn\t[mod]\n"
				   "ffffffff81000010 W weak_fn\n"
				   "0000000000001234 A absval";
	static const char stub[] = "ffffffffffffffff B The real System.map is in the "
				   "linux-image-6.1.0-50-amd64-dbg package\n";
	static const char bad[] = "ffffffff81000000 T _text\n"
				  "ffffffff81000040 t local_fn\n"
				  "ffffffff8100zz40 t broken\n";
	struct ks_symtab st;

	ks_symtab_init(&st);
	CHECK_INT(ks_sysmap_parse("System.map", good, strlen(good), &st), 0);
	CHECK_STR(st.source, "System.map");
	CHECK_INT(st.n, 4);
	ks_symtab_sort(&st);
	if (st.n == 4) {
		CHECK_STR(ks_sym_name(&st, &st.syms[0]), "absval");
		CHECK_INT(st.syms[0].type, 'A');
		CHECK_STR(ks_sym_name(&st, &st.syms[1]), "_text");
		CHECK_STR(ks_sym_name(&st, &st.syms[2]), "weak_fn");
		CHECK_STR(ks_sym_name(&st, &st.syms[3]), "local_fn");
		CHECK_INT(st.syms[3].addr, 0xffffffff81000040ULL);
	}
	ks_symtab_free(&st);

	ks_symtab_init(&st);
	CHECK_INT(ks_sysmap_parse("System.map-stub", stub, strlen(stub), &st), -ENODATA);
	CHECK(strstr(ks_errmsg(), "System.map-stub") && strstr(ks_errmsg(), "stub"));
	ks_symtab_free(&st);

	ks_symtab_init(&st);
	CHECK_INT(ks_sysmap_parse("map", bad, strlen(bad), &st), -EINVAL);
	CHECK(strstr(ks_errmsg(), "line 3") != NULL);
	ks_symtab_free(&st);

	ks_symtab_init(&st);
	CHECK_INT(ks_sysmap_parse("kallsyms", "0000000000000000 T a\n0 t b\n", 27, &st), -ENODATA);
	CHECK(strstr(ks_errmsg(), "kptr_restrict") != NULL);
	ks_symtab_free(&st);

	ks_symtab_init(&st);
	CHECK_INT(ks_sysmap_parse("empty", "", 0, &st), -ENODATA);
	CHECK_INT(ks_sysmap_parse("spaces", "ffff T two words\n", 17, &st), -EINVAL);
	CHECK_INT(ks_sysmap_parse("long", "11112222333344445 T x\n", 22, &st), -EINVAL);
	ks_symtab_free(&st);
}

TEST(running_kernel_btf)
{
	struct ks_bytes b;
	struct ks_kernel k;

	if (ks_bytes_read_file("/sys/kernel/btf/vmlinux", &b)) {
		printf("     (/sys/kernel/btf/vmlinux not readable here)\n");
		return;
	}
	CHECK_INT(ks_kernel_open("/sys/kernel/btf/vmlinux", b.data, b.size, &k), 0);
	CHECK(k.is_raw_btf);
	CHECK_INT(k.btf_size, b.size);
	CHECK_INT(k.ptr_size, (int)sizeof(long));
	ks_kernel_free(&k);
	ks_bytes_free(&b);
}

/* ---- real kernels ---- */

struct row {
	char *f[16];
	int n;
};

static int split_tsv(char *line, struct row *r)
{
	r->n = 0;
	for (char *s = line; s && r->n < 16; r->n++) {
		r->f[r->n] = s;
		s = strchr(s, '\t');
		if (s)
			*s++ = '\0';
	}
	return r->n;
}

static int col(const struct row *hdr, const char *name)
{
	for (int i = 0; i < hdr->n; i++)
		if (!strcmp(hdr->f[i], name))
			return i;
	return -1;
}

static struct buf run_capture(const char *cmd)
{
	struct buf b = {0};
	size_t cap = 0;
	FILE *f = popen(cmd, "r");

	if (!f)
		return b;
	for (;;) {
		if (cap - b.n < (1 << 20)) {
			cap = cap ? cap * 2 : (16 << 20);
			b.d = realloc(b.d, cap);
		}
		size_t n = fread(b.d + b.n, 1, cap - b.n, f);
		if (!n)
			break;
		b.n += n;
	}
	if (pclose(f) != 0)
		buf_free(&b);
	return b;
}

static void check_real(const char *shared, const struct row *h, const struct row *r,
		       const char *deb)
{
	const char *member = r->f[col(h, "kernel_file_in_package")];
	const char *has_btf = r->f[col(h, "btf")], *dir = r->f[col(h, "dir")];
	char cmd[8192], origin[2048];
	struct ks_kernel k;
	struct buf kb;

	snprintf(cmd, sizeof(cmd), "dpkg-deb --fsys-tarfile '%s/debs/%s' | tar -xOf - './%s'",
		 shared, deb, member);
	kb = run_capture(cmd);
	CHECK(kb.n > 0);
	if (!kb.n)
		return;
	snprintf(origin, sizeof(origin), "%s:%s", deb, member);
	CHECK_INT(ks_kernel_open(origin, kb.d, kb.n, &k), 0);
	printf("     %-28s %-8s %-26s %-17s %s btf=%zu\n", dir, k.arch, k.packing,
	       k.btf_found_by[0] ? k.btf_found_by : "none found", k.release ? k.release : "-",
	       k.btf_size);
	CHECK_STR(k.arch, r->f[col(h, "arch")]);
	CHECK_STR(k.release, r->f[col(h, "release")]);
	CHECK_STR(k.packing, r->f[col(h, "kernel_packing")]);
	CHECK_STR(k.btf_found_by[0] ? k.btf_found_by : "none found", r->f[col(h, "btf_found_by")]);
	if (!strcmp(has_btf, "yes")) {
		struct ks_bytes xz, ref;
		char path[4096];

		CHECK_INT(k.big_endian, !strcmp(r->f[col(h, "btf_endian")], "big"));
		snprintf(path, sizeof(path), "%s/%s/vmlinux.btf.xz", shared, dir);
		CHECK_INT(ks_bytes_read_file(path, &xz), 0);
		CHECK_INT(ks_decompress(path, xz.data, xz.size, 1 << 30, &ref), 0);
		CHECK(ref.size == k.btf_size &&
		      !memcmp(ref.data, k.image.data + k.btf_off, ref.size));
		ks_bytes_free(&ref);
		ks_bytes_free(&xz);
	} else {
		CHECK_INT(k.btf_size, 0);
	}
	ks_kernel_free(&k);

	/* Truncated and corrupted copies: an error, not a crash. */
	check_fails("cut", kb.d, kb.n / 3, NULL);
	memset(kb.d + kb.n / 2, 0x5a, 4096);
	if (ks_kernel_open("corrupt", kb.d, kb.n, &k) == 0) {
		/* Raw images and legacy lz4 have no checksum to notice. */
		CHECK(!strcmp(k.packing, "raw-image") || strstr(k.packing, "lz4"));
		ks_kernel_free(&k);
	}
	buf_free(&kb);
}

TEST(real_debs)
{
	const char *shared = test_shared_dir();
	char path[4096], *line = NULL, *hline = NULL;
	size_t cap = 0, hcap = 0;
	struct row h, r;
	int seen = 0;
	FILE *f;

	if (!shared) {
		printf("     (KSURF_SHARED not set: real kernels skipped)\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/INDEX.tsv", shared);
	f = fopen(path, "r");
	if (!f || getline(&hline, &hcap, f) < 0) {
		CHECK(0);
		goto out;
	}
	hline[strcspn(hline, "\n")] = '\0';
	split_tsv(hline, &h);
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (split_tsv(line, &r) != h.n)
			continue;
		/* "pkg.deb(14.3MB),pkg2.deb(...)": the binary package present in debs/. */
		for (char *p = r.f[col(&h, "packages")], *e; p && *p; p = e ? e + 1 : NULL) {
			char deb[512];
			struct stat st;

			e = strchr(p, ',');
			snprintf(deb, sizeof(deb), "%.*s", (int)strcspn(p, "(,"), p);
			snprintf(path, sizeof(path), "%s/debs/%s", shared, deb);
			if ((strncmp(deb, "linux-binary", 12) && strncmp(deb, "linux-image", 11)) ||
			    stat(path, &st))
				continue;
			check_real(shared, &h, &r, deb);
			seen++;
		}
	}
	CHECK(seen >= 5);
out:
	if (f)
		fclose(f);
	free(line);
	free(hline);
}

int main(void)
{
	RUN(btf_scan);
	RUN(raw_btf);
	RUN(raw_images);
	RUN(elf_kernels);
	RUN(elf_damaged);
	RUN(bzimage_formats);
	RUN(bzimage_lz4_legacy);
	RUN(bzimage_lzo);
	RUN(zboot);
	RUN(scanned_wrappers);
	RUN(bad_inputs);
	RUN(decompress);
	RUN(sysmap);
	RUN(running_kernel_btf);
	RUN(real_debs);
	return TEST_SUMMARY();
}
