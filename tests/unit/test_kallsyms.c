/* SPDX-License-Identifier: MIT */
/*
 * kallsyms recovery: synthetic tables of every supported layout (both byte orders,
 * 32/64-bit) decoded back exactly; corrupted ones refused with a message and no
 * crash; and every real kernel in $KSURF_SHARED/debs recovered and compared, symbol
 * for symbol, with the independently recovered reference System.map of its folder.
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "ingest/kallsyms.h"
#include "ingest/kimage.h"
#include "synth_kallsyms.h"
#include "test.h"
#include "util/err.h"

#define NSYMS 700 /* three markers */

static char names[NSYMS][400];
static struct synth_sym syms[NSYMS];

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * n symbols sorted by address from `start`: every type letter, several per address,
 * one name long enough for a two-byte entry length. With `percpu`, the first five are
 * 'A' per-cpu symbols at small addresses, as on x86_64 before 6.15.
 */
static void make_syms(size_t n, uint64_t start, int percpu)
{
	static const char types[] = "TtDdRrBbWwVvT";
	static const char *words[] = {"alloc", "free", "init", "exit", "lock", "read", "write"};
	uint64_t addr = start;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i == 123) {
			memset(names[i], 'x', 300);
			memcpy(names[i], "a_very_long_name_", 17);
			names[i][300] = '\0';
		} else {
			snprintf(names[i], sizeof(names[i]), "%s_%s%zu%s", words[i % 7],
				 words[(i / 7) % 7], i * 7919 % 100003, i % 11 ? "" : ".cold.0");
		}
		syms[i].name = names[i];
		syms[i].type = types[i % 13];
		if (percpu && i < 5) {
			syms[i].type = 'A';
			syms[i].addr = i * 0x1000;
			continue;
		}
		syms[i].addr = addr;
		addr += (i % 3 ? 0x10 : 0) + (i % 17 ? 0 : 0x1000);
	}
}

static void fake_kernel(struct ks_kernel *k, const struct synth_img *im, int be, int ptr_size)
{
	memset(k, 0, sizeof(*k));
	k->image.data = im->data;
	k->image.size = im->size;
	k->big_endian = be;
	k->ptr_size = ptr_size;
}

/* Recover from im and compare with syms[0..n); returns the number of differences. */
static size_t recover_and_compare(const struct synth_img *im, size_t n, int be, int ptr_size,
				  int relative)
{
	struct ks_symtab st;
	struct ks_kernel k;
	size_t diff = 0, i;
	int ret;

	fake_kernel(&k, im, be, ptr_size);
	ks_symtab_init(&st);
	ret = ks_kallsyms_recover("synthetic", &k, &st);
	CHECK_INT(ret, 0);
	if (ret)
		fprintf(stderr, "  %s\n", ks_errmsg());
	CHECK_INT(st.n, n);
	CHECK_STR(st.source, "kallsyms");
	CHECK_INT(st.relative, relative);
	for (i = 0; i < st.n && i < n; i++) {
		const struct ks_sym *s = &st.syms[i];

		if (s->addr != syms[i].addr || s->type != syms[i].type ||
		    strcmp(ks_sym_name(&st, s), syms[i].name)) {
			if (!diff)
				fprintf(stderr, "  #%zu: got %llx %c %s, want %llx %c %s\n", i,
					(unsigned long long)s->addr, s->type, ks_sym_name(&st, s),
					(unsigned long long)syms[i].addr, syms[i].type,
					syms[i].name);
			diff++;
		}
	}
	ks_symtab_free(&st);
	return diff;
}

static const struct layout_case {
	const char *what;
	struct synth_opts o;
	uint64_t start;
	enum ks_kallsyms_mode mode;
	int relative;
} cases[] = {
    {"absolute, 32-bit LE", {SYNTH_ABSOLUTE, 0, 4, 0, 1000}, 0xc0008000, KS_KALLSYMS_ABSOLUTE, 0},
    {"absolute, 64-bit BE", {SYNTH_ABSOLUTE, 1, 8, 0, 3}, 0x100000, KS_KALLSYMS_ABSOLUTE, 0},
    {"5.10 x86_64 per-cpu",
     {SYNTH_5_10, 0, 8, 1, 4096},
     0xffffffff81000000,
     KS_KALLSYMS_ABS_PERCPU,
     0},
    {"5.10 64-bit BE", {SYNTH_5_10, 1, 8, 0, 17}, 0x100000, KS_KALLSYMS_BASE_RELATIVE, 0},
    {"5.10 32-bit LE", {SYNTH_5_10, 0, 4, 0, 5}, 0xc1000000, KS_KALLSYMS_BASE_RELATIVE, 0},
    {"6.1 x86_64 per-cpu",
     {SYNTH_6_1, 0, 8, 1, 2048},
     0xffffffff81000000,
     KS_KALLSYMS_ABS_PERCPU,
     0},
    {"6.1 arm64 (base unrelocated)", {SYNTH_6_1, 0, 8, 0, 9}, 0, KS_KALLSYMS_BASE_RELATIVE, 1},
    {"6.1 s390x BE", {SYNTH_6_1, 1, 8, 0, 100}, 0, KS_KALLSYMS_BASE_RELATIVE, 1},
    {"6.1 i386", {SYNTH_6_1, 0, 4, 0, 7}, 0xc1000000, KS_KALLSYMS_BASE_RELATIVE, 0},
    {"6.1 32-bit BE", {SYNTH_6_1, 1, 4, 0, 7}, 0x80000000, KS_KALLSYMS_BASE_RELATIVE, 0},
    {"7.x 64-bit LE", {SYNTH_7_X, 0, 8, 0, 64}, 0, KS_KALLSYMS_PLACE_RELATIVE, 1},
    {"7.x s390x BE", {SYNTH_7_X, 1, 8, 0, 5000}, 0x40, KS_KALLSYMS_PLACE_RELATIVE, 1},
    {"7.x armhf", {SYNTH_7_X, 0, 4, 0, 1}, 0xc0300000, KS_KALLSYMS_ABSOLUTE, 0},
    {"7.x 32-bit BE", {SYNTH_7_X, 1, 4, 0, 33}, 0x80100000, KS_KALLSYMS_ABSOLUTE, 0},
};

TEST(synthetic_layouts)
{
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct layout_case *lc = &cases[c];
		struct ks_kallsyms_layout lay;
		struct synth_img im;

		make_syms(NSYMS, lc->start, lc->o.percpu);
		synth_kallsyms(syms, NSYMS, &lc->o, &im);
		CHECK_INT(ks_kallsyms_locate("synthetic", im.data, im.size, lc->o.be,
					     lc->o.ptr_size, &lay),
			  0);
		CHECK_INT(lay.mode, lc->mode);
		CHECK_INT(lay.num_syms, NSYMS);
		CHECK_INT(lay.big_endian, lc->o.be);
		CHECK_INT(lay.token_table, im.token_table);
		CHECK_INT(lay.names, im.names);
		CHECK_INT(lay.markers, im.markers);
		CHECK_INT(lay.num_markers, 3);
		CHECK_INT(lay.addrs, im.addrs);
		/* As the kernel said, as unknown, and with the byte order guessed wrong. */
		CHECK_INT(recover_and_compare(&im, NSYMS, lc->o.be, lc->o.ptr_size, lc->relative),
			  0);
		CHECK_INT(recover_and_compare(&im, NSYMS, lc->o.be, 0, lc->relative), 0);
		CHECK_INT(recover_and_compare(&im, NSYMS, !lc->o.be, 0, lc->relative), 0);
		if (t_cur_failed)
			fprintf(stderr, "  in case \"%s\"\n", lc->what);
		free(im.data);
	}
}

/* Recover from a (corrupted) image: the error, with the message containing `msg`. */
static void check_refused(const char *what, const struct synth_img *im, int want, const char *msg)
{
	struct ks_symtab st;
	struct ks_kernel k;
	int ret;

	fake_kernel(&k, im, im->be, 8);
	ks_symtab_init(&st);
	ks_err_clear();
	ret = ks_kallsyms_recover("corrupt", &k, &st);
	CHECK_INT(ret, want);
	CHECK(strstr(ks_errmsg(), msg) != NULL);
	CHECK(strncmp(ks_errmsg(), "corrupt: ", 9) == 0);
	if (t_cur_failed)
		fprintf(stderr, "  %s: %d \"%s\"\n", what, ret, ks_errmsg());
	ks_symtab_free(&st);
}

static void build(struct synth_img *im, enum synth_layout layout, int be)
{
	struct synth_opts o = {layout, be, 8, 0, 256};

	make_syms(NSYMS, layout == SYNTH_7_X ? 0 : 0xffffffff81000000, 0);
	synth_kallsyms(syms, NSYMS, &o, im);
}

static void put32(struct synth_img *im, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		im->data[off + i] = (uint8_t)(v >> (im->be ? 8 * (3 - i) : 8 * i));
}

TEST(corrupted)
{
	struct synth_img im;
	uint8_t keep[2];
	size_t size;

	for (int be = 0; be <= 1; be++) {
		build(&im, SYNTH_7_X, be);
		put32(&im, im.num_syms, NSYMS + 300);
		check_refused("num_syms too big", &im, -EINVAL, "consistent with it");
		put32(&im, im.num_syms, NSYMS - 1);
		check_refused("num_syms one short", &im, -EINVAL, "consistent with it");
		put32(&im, im.num_syms, 0xffffffff);
		check_refused("num_syms huge", &im, -EINVAL, "consistent with it");
		put32(&im, im.num_syms, NSYMS);

		memcpy(keep, im.data + im.token_index + 2 * 0x41, 2);
		memset(im.data + im.token_index + 2 * 0x41, 0xff, 2);
		check_refused("token index out of range", &im, -EINVAL,
			      "no matching kallsyms_token_index");
		memcpy(im.data + im.token_index + 2 * 0x41, keep, 2);

		/* an entry length one too long */
		im.data[im.names]++;
		check_refused("entry length", &im, -EINVAL, "consistent with it");
		im.data[im.names]--;

		/* a marker */
		put32(&im, im.markers + 4, 12345);
		check_refused("marker", &im, -EINVAL, "consistent with it");
		free(im.data);
		build(&im, SYNTH_7_X, be);

		/* cut inside the offsets (after the token tables in 7.x) */
		size = im.size;
		im.size = im.addrs + 4 * 100;
		check_refused("truncated offsets", &im, -EINVAL, "no address table");
		im.size = size;

		/* unsorted addresses: a few strays are tolerated, more are not */
		for (int i = 10; i < NSYMS; i += 7)
			put32(&im, im.addrs + 4 * i, 0x7fff0000);
		check_refused("unsorted", &im, -EINVAL, "reads as sorted");
		free(im.data);

		/* cut inside the names: the token tables behind them are gone */
		build(&im, SYNTH_6_1, be);
		im.size = im.names + 1000;
		check_refused("truncated names", &im, -ENOENT, "no kallsyms tables");
		free(im.data);
	}

	/* nothing at all */
	im = (struct synth_img){0};
	check_refused("empty", &im, -ENOENT, "no kallsyms tables");
	im.data = calloc(1, 1 << 16);
	im.size = 1 << 16;
	check_refused("zeros", &im, -ENOENT, "no kallsyms tables");
	free(im.data);
}

TEST(bad_names)
{
	struct synth_opts o = {SYNTH_6_1, 0, 8, 0, 64};
	struct ks_kallsyms_layout lay, bad;
	struct ks_symtab st;
	struct synth_img im;

	make_syms(NSYMS, 0xffffffff81000000, 0);
	syms[400].type = '7';
	synth_kallsyms(syms, NSYMS, &o, &im);
	CHECK_INT(ks_kallsyms_locate("bad", im.data, im.size, 0, 8, &lay), 0);
	ks_symtab_init(&st);
	CHECK_INT(ks_kallsyms_decode("bad", im.data, im.size, &lay, 0, &st), -EINVAL);
	CHECK_STR(ks_errmsg(), "bad: kallsyms symbol 400 has no type letter (0x37)");
	ks_symtab_free(&st);
	free(im.data);

	/* a layout handed in by a caller is checked, not trusted */
	make_syms(NSYMS, 0xffffffff81000000, 0);
	synth_kallsyms(syms, NSYMS, &o, &im);
	CHECK_INT(ks_kallsyms_locate("bad", im.data, im.size, 0, 8, &lay), 0);
	bad = lay;
	bad.names_len = 1000;
	CHECK_INT(ks_kallsyms_decode("bad", im.data, im.size, &bad, 0, &st), -EINVAL);
	CHECK(strstr(ks_errmsg(), "kallsyms_names truncated at symbol") != NULL);
	ks_symtab_free(&st);
	bad = lay;
	bad.token_index = im.size - 100;
	CHECK_INT(ks_kallsyms_decode("bad", im.data, im.size, &bad, 0, &st), -EINVAL);
	CHECK(strstr(ks_errmsg(), "out of the image's bounds") != NULL);
	bad = lay;
	bad.num_syms = 0x40000000;
	CHECK_INT(ks_kallsyms_decode("bad", im.data, im.size, &bad, 0, &st), -EINVAL);
	ks_symtab_free(&st);
	free(im.data);
}

/* One marker (256 symbols or fewer) proves nothing: refused, not misread. */
TEST(too_few_symbols)
{
	struct synth_opts o = {SYNTH_7_X, 0, 8, 0, 64};
	struct synth_img im;

	make_syms(200, 0, 0);
	synth_kallsyms(syms, 200, &o, &im);
	check_refused("200 symbols", &im, -EINVAL, "consistent with it");
	free(im.data);
}

/* Crafted input full of would-be markers fails fast instead of searching forever. */
TEST(crafted_slow)
{
	const size_t pad = 4 << 20;
	struct synth_img im, big;
	double t;

	build(&im, SYNTH_7_X, 0);
	put32(&im, im.num_syms, NSYMS + 300);
	big = im;
	big.data = malloc(pad + im.size);
	for (size_t i = 0; i < pad; i += 8) {
		memset(big.data + i, 0, 4);
		big.data[i + 4] = 0x58; /* 600: one plausible step of markers */
		big.data[i + 5] = 0x02;
		big.data[i + 6] = big.data[i + 7] = 0;
	}
	memcpy(big.data + pad, im.data, im.size);
	big.size = pad + im.size;
	t = now_ms();
	check_refused("fake markers", &big, -EINVAL, "consistent with it");
	t = now_ms() - t;
	printf("     4 MB of fake markers refused in %.0f ms\n", t);
	CHECK(t < 5000);
	free(big.data);
	free(im.data);
}

TEST(speed)
{
	static const size_t n = 200000;
	struct synth_opts o = {SYNTH_7_X, 0, 8, 0, 8 << 20};
	struct synth_sym *big = calloc(n, sizeof(*big));
	char(*nm)[32] = calloc(n, sizeof(*nm));
	struct ks_symtab st;
	struct ks_kernel k;
	struct synth_img im;
	double t;

	for (size_t i = 0; i < n; i++) {
		snprintf(nm[i], sizeof(nm[i]), "fn_%zu_%s", i * 2654435761u % 1000003,
			 i % 2 ? "do_work" : "handler");
		big[i] = (struct synth_sym){0x1000 + i * 16, i % 5 ? 't' : 'T', nm[i]};
	}
	synth_kallsyms(big, n, &o, &im);
	fake_kernel(&k, &im, 0, 8);
	ks_symtab_init(&st);
	t = now_ms();
	CHECK_INT(ks_kallsyms_recover("speed", &k, &st), 0);
	t = now_ms() - t;
	CHECK_INT(st.n, n);
	printf("     200000 synthetic symbols (%.1f MB image) recovered in %.1f ms\n",
	       im.size / 1048576.0, t);
	/* well under 100 ms optimized; sanitizers cost about 5x */
	CHECK(t < 1000);
	ks_symtab_free(&st);
	free(im.data);
	free(big);
	free(nm);
}

/* ---- real kernels ---- */

static const struct real_case {
	const char *deb, *member, *dir;
	int relative;
	/* symbols whose address the reference gives differently, see below */
	const char *const *differ;
} reals[] = {
    {"linux-binary-unsigned-7.2.13+deb14-amd64_7.2.13-1_amd64.deb",
     "./usr/lib/modules/7.2.13+deb14-amd64/vmlinuz.unsigned", "sid-7.2.13-amd64-amd64", 0,
     /*
      * Past the file-backed end of their ELF segment, so the reference (which maps file
      * offsets to addresses through the segments) left them as file offsets; we give
      * what the kernel computes, the address after the table's own (__end_rodata
      * 0xffffffff83163000, not 0x2363000).
      */
     (const char *const[]){"__end_rodata", "__init_scratch_end", NULL}},
    {"linux-binary-unsigned-7.2.13+deb14-arm64_7.2.13-1_arm64.deb",
     "./usr/lib/modules/7.2.13+deb14-arm64/vmlinuz.unsigned", "sid-7.2.13-arm64-arm64", 1, NULL},
    {"linux-binary-7.2.13+deb14-s390x_7.2.13-1_s390x.deb",
     "./usr/lib/modules/7.2.13+deb14-s390x/vmlinuz", "sid-7.2.13-s390x-s390x", 1, NULL},
    {"linux-binary-7.2.13+deb14-armmp_7.2.13-1_armhf.deb",
     "./usr/lib/modules/7.2.13+deb14-armmp/vmlinuz", "sid-7.2.13-armmp-armhf", 0, NULL},
    {"linux-image-6.1.0-50-cloud-amd64-unsigned_6.1.176-1_amd64.deb",
     "./boot/vmlinuz-6.1.0-50-cloud-amd64", "bookworm-6.1.176-cloud-amd64-amd64", 0, NULL},
};

static int read_cmd(const char *cmd, struct ks_bytes *out)
{
	size_t cap = 1 << 24, n;
	FILE *f = popen(cmd, "r");

	memset(out, 0, sizeof(*out));
	if (!f)
		return -errno;
	out->data = malloc(cap);
	while ((n = fread(out->data + out->size, 1, cap - out->size, f)) > 0) {
		out->size += n;
		if (out->size == cap)
			out->data = realloc(out->data, cap *= 2);
	}
	return pclose(f) ? -EIO : 0;
}

static int is_allowed(const char *const *differ, const char *name)
{
	for (; differ && *differ; differ++)
		if (!strcmp(*differ, name))
			return 1;
	return 0;
}

static void real_one(const char *shared, const struct real_case *rc)
{
	struct ks_symtab st, ref;
	struct ks_bytes kern, map;
	struct ks_kernel k;
	char cmd[4096];
	size_t i, same = 0, allowed = 0;
	double t;

	snprintf(cmd, sizeof(cmd), "dpkg-deb --fsys-tarfile '%s/debs/%s' | tar -xO '%s'", shared,
		 rc->deb, rc->member);
	CHECK_INT(read_cmd(cmd, &kern), 0);
	snprintf(cmd, sizeof(cmd), "xz -dc '%s/%s/System.map.xz'", shared, rc->dir);
	CHECK_INT(read_cmd(cmd, &map), 0);
	ks_symtab_init(&ref);
	CHECK_INT(ks_sysmap_parse(rc->dir, (const char *)map.data, map.size, &ref), 0);
	memset(&k, 0, sizeof(k));
	CHECK_INT(ks_kernel_open(rc->deb, kern.data, kern.size, &k), 0);
	ks_symtab_init(&st);
	t = now_ms();
	CHECK_INT(ks_kallsyms_recover(rc->dir, &k, &st), 0);
	t = now_ms() - t;
	CHECK_INT(st.n, ref.n);
	CHECK_INT(st.relative, rc->relative);
	for (i = 0; i < st.n && i < ref.n; i++) {
		const struct ks_sym *a = &st.syms[i], *b = &ref.syms[i];
		const char *an = ks_sym_name(&st, a);

		if (a->addr == b->addr && a->type == b->type && !strcmp(an, ks_sym_name(&ref, b)))
			same++;
		else if (a->type == b->type && !strcmp(an, ks_sym_name(&ref, b)) &&
			 is_allowed(rc->differ, an))
			allowed++;
		else if (same + allowed + 5 > i)
			fprintf(stderr, "  %s #%zu: got %llx %c %s, reference %llx %c %s\n",
				rc->dir, i, (unsigned long long)a->addr, a->type, an,
				(unsigned long long)b->addr, b->type, ks_sym_name(&ref, b));
	}
	CHECK_INT(same + allowed, ref.n);
	printf("     %-36s %6zu symbols, %6zu identical to the reference, %zu known "
	       "differences, %s addresses, %.0f ms\n",
	       rc->dir, st.n, same, allowed, st.relative ? "image-relative" : "absolute", t);
	ks_symtab_free(&st);
	ks_symtab_free(&ref);
	ks_kernel_free(&k);
	ks_bytes_free(&kern);
	ks_bytes_free(&map);
}

TEST(real_debs)
{
	const char *shared = test_shared_dir();

	for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++)
		real_one(shared, &reals[i]);
}

int main(void)
{
	RUN(synthetic_layouts);
	RUN(corrupted);
	RUN(bad_names);
	RUN(too_few_symbols);
	RUN(crafted_slow);
	RUN(speed);
	if (test_shared_dir())
		RUN(real_debs);
	else
		printf("skip real_debs: KSURF_SHARED has no INDEX.tsv\n");
	return TEST_SUMMARY();
}
