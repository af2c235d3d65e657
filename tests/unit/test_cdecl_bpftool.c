/* SPDX-License-Identifier: MIT */
/*
 * bpftool as the oracle of the C printer: every named struct, union, enum and typedef
 * of every shared kernel BTF (and the running kernel's, and the synthetic BTF of
 * synth_btf.h) must print exactly as `bpftool btf dump file F format c` prints it, after
 * this normalization, which is the whole list of accepted differences:
 *  - leading whitespace is dropped (bpftool indents with tabs, we with 4 spaces);
 *  - bpftool's padding members ("long: 64;", "int: 0;", "char: 3;") are dropped: they
 *    are not in BTF, bpftool invents them to make a header reproduce the layout, and
 *    our definitions show the members only (offsets live in the defs);
 *  - "___N" suffixes are dropped: bpftool renames the second of two types or
 *    enumerators with one name to keep the header compilable; we print BTF's names;
 *  - "{" followed by "}" becomes "{}" (a struct whose only members were padding).
 * Not compared: the typedef __builtin_va_list, which bpftool leaves out on purpose (it
 * is the compiler's own name, and a header redefining it would not compile).
 * Set KSURF_BPFTOOL to use another bpftool.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "test.h"
#include "synth_btf.h"

#include "report/cdecl.h"
#include "util/bytes.h"
#include "util/strbuf.h"

static const char *bpftool = "bpftool";

static int is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static int is_padding(const char *s, size_t n)
{
	static const char *const pads[] = {"long: ", "int: ", "short: ", "char: "};

	for (size_t i = 0; i < 4; i++) {
		size_t k = strlen(pads[i]);

		if (n > k + 1 && !strncmp(s, pads[i], k) && s[n - 1] == ';') {
			for (size_t j = k; j < n - 1; j++)
				if (s[j] < '0' || s[j] > '9')
					return 0;
			return 1;
		}
	}
	return 0;
}

/* Append line s[0..n) without a "___N" suffix on any identifier. */
static void add_unsuffixed(struct strbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i + 3 < n && !strncmp(s + i, "___", 3) && s[i + 3] >= '0' && s[i + 3] <= '9' &&
		    i && is_ident(s[i - 1])) {
			size_t j = i + 3;

			while (j < n && s[j] >= '0' && s[j] <= '9')
				j++;
			if (j == n || !is_ident(s[j])) {
				i = j - 1;
				continue;
			}
		}
		sb_addc(out, s[i]);
	}
}

static char *normalize(const char *text, size_t len)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = text, *end = text + len;

	sb_init(&out);
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *e = nl ? nl : end;

		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (!is_padding(p, e - p)) {
			if (out.len > 1 && !strcmp(out.buf + out.len - 2, "{\n") && *p == '}')
				sb_truncate(&out, out.len - 1);
			add_unsuffixed(&out, p, e - p);
			sb_addc(&out, '\n');
		}
		p = nl ? nl + 1 : end;
	}
	return sb_detach(&out);
}

struct defs {
	char **v;
	size_t n, cap;
};

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The top-level definitions of bpftool's header, normalized and sorted. */
static int bpftool_defs(const char *path, struct defs *d)
{
	struct strbuf cmd = STRBUF_INIT, text = STRBUF_INIT;
	char buf[65536];
	size_t n, start = SIZE_MAX;
	FILE *f;
	int rc;

	sb_init(&cmd);
	sb_init(&text);
	sb_addf(&cmd, "%s btf dump file '%s' format c 2>/dev/null", bpftool, path);
	f = popen(cmd.buf, "r");
	sb_release(&cmd);
	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)))
		sb_addn(&text, buf, n);
	rc = pclose(f);
	memset(d, 0, sizeof(*d));
	for (size_t i = 0; i < text.len;) {
		char *nl = memchr(text.buf + i, '\n', text.len - i);
		size_t e = nl ? (size_t)(nl - text.buf) : text.len;
		const char *l = text.buf + i;

		if (start == SIZE_MAX && (!strncmp(l, "struct ", 7) || !strncmp(l, "union ", 6) ||
					  !strncmp(l, "enum ", 5) || !strncmp(l, "typedef ", 8)))
			start = i;
		if (start != SIZE_MAX && e > i && l[0] != '\t' && text.buf[e - 1] == ';') {
			if (d->n == d->cap) {
				d->cap = d->cap ? 2 * d->cap : 4096;
				d->v = realloc(d->v, d->cap * sizeof(*d->v));
			}
			d->v[d->n++] = normalize(text.buf + start, e - start);
			start = SIZE_MAX;
		}
		i = e + 1;
	}
	sb_release(&text);
	qsort(d->v, d->n, sizeof(*d->v), str_cmp);
	return rc == 0 && d->n ? 0 : -1;
}

static void defs_free(struct defs *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i]);
	free(d->v);
}

static int defs_has(const struct defs *d, const char *s)
{
	return bsearch(&s, d->v, d->n, sizeof(*d->v), str_cmp) != NULL;
}

/* bpftool's definition with the same first line, for a readable failure. */
static const char *defs_like(const struct defs *d, const char *ours)
{
	size_t k = strcspn(ours, "\n");

	for (size_t i = 0; i < d->n; i++)
		if (!strncmp(d->v[i], ours, k) && d->v[i][k] == '\n')
			return d->v[i];
	return "(none)";
}

/* Whether the type is one bpftool prints as a top-level definition of its own. */
static int is_top_level(const struct btf *btf, const struct btf_type *t)
{
	if (btf_is_typedef(t))
		return strcmp(btf__name_by_offset(btf, t->name_off), "__builtin_va_list") != 0;
	if (!t->name_off)
		return 0;
	return btf_is_struct(t) || btf_is_union(t) || (btf_is_any_enum(t) && btf_vlen(t));
}

static const char *const must_have[] = {"task_struct", "sk_buff", "bpf_prog", "bpf_map_info",
					"kcopyd_job",  "file",	  "inode"};

/* Compare every top-level type of btf with bpftool's dump of path. */
static void compare_image(const char *label, const char *path, const struct btf *btf)
{
	struct ks_cdecl_cache *cc = ks_cdecl_cache_new(btf);
	struct strbuf sb = STRBUF_INIT;
	unsigned kinds[4] = {0}, bad = 0, named_found = 0;
	struct defs d;

	sb_init(&sb);
	CHECK(cc != NULL);
	if (bpftool_defs(path, &d)) {
		fprintf(stderr, "%s: bpftool failed on %s\n", label, path);
		CHECK(0);
		ks_cdecl_cache_free(cc);
		return;
	}
	for (uint32_t id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		char *ours;

		if (!is_top_level(btf, t))
			continue;
		sb_reset(&sb);
		ks_cdecl_definition_cached(cc, id, &sb);
		ours = normalize(sb.buf, sb.len);
		kinds[btf_is_struct(t) ? 0 : btf_is_union(t) ? 1 : btf_is_typedef(t) ? 3 : 2]++;
		for (size_t k = 0; k < sizeof(must_have) / sizeof(*must_have); k++)
			if (btf_is_struct(t) &&
			    !strcmp(btf__name_by_offset(btf, t->name_off), must_have[k]))
				named_found |= 1u << k;
		if (!defs_has(&d, ours)) {
			if (bad++ < 5)
				fprintf(stderr,
					"%s: [%u] differs from bpftool\nours:\n%sbpftool:\n%s",
					label, id, ours, defs_like(&d, ours));
			CHECK(0);
		}
		free(ours);
	}
	printf("%s: %u compared (%u struct, %u union, %u enum, %u typedef), %u mismatches, "
	       "named structs found:",
	       label, kinds[0] + kinds[1] + kinds[2] + kinds[3], kinds[0], kinds[1], kinds[2],
	       kinds[3], bad);
	for (size_t k = 0; k < sizeof(must_have) / sizeof(*must_have); k++)
		if (named_found & (1u << k))
			printf(" %s", must_have[k]);
	printf("\n");
	defs_free(&d);
	sb_release(&sb);
	ks_cdecl_cache_free(cc);
}

static int write_tmp(const void *data, size_t size, char *path, size_t cap)
{
	int fd;

	snprintf(path, cap, "/tmp/ksurf-cdecl-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

TEST(synthetic)
{
	struct synth s = {0};
	uint32_t size;
	const void *raw;
	char path[64];

	CHECK(synth_build(&s) == 0);
	raw = btf__raw_data(s.btf, &size);
	CHECK(raw && write_tmp(raw, size, path, sizeof(path)) == 0);
	compare_image("synthetic", path, s.btf);
	unlink(path);
	btf__free(s.btf);
}

static void compare_blob(const char *label, const uint8_t *data, size_t size)
{
	struct btf *btf = btf__new(data, size);
	char path[64];

	CHECK(btf != NULL);
	if (!btf)
		return;
	CHECK(write_tmp(data, size, path, sizeof(path)) == 0);
	compare_image(label, path, btf);
	unlink(path);
	btf__free(btf);
}

static int n_images;

TEST(shared_kernels)
{
	const char *dir = test_shared_dir();
	struct dirent **ents;
	int n;

	if (!dir)
		return;
	n = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		struct strbuf path = STRBUF_INIT;
		struct ks_bytes xz = {0}, raw = {0};

		sb_init(&path);
		sb_addf(&path, "%s/%s/vmlinux.btf.xz", dir, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && !access(path.buf, R_OK)) {
			CHECK(ks_bytes_read_file(path.buf, &xz) == 0);
			CHECK(ks_decompress(path.buf, xz.data, xz.size, 256u << 20, &raw) == 0);
			compare_blob(ents[i]->d_name, raw.data, raw.size);
			n_images++;
		}
		ks_bytes_free(&xz);
		ks_bytes_free(&raw);
		sb_release(&path);
		free(ents[i]);
	}
	free(ents);
}

TEST(running_kernel)
{
	struct ks_bytes raw = {0};

	if (ks_bytes_read_file("/sys/kernel/btf/vmlinux", &raw))
		return;
	compare_blob("/sys/kernel/btf/vmlinux", raw.data, raw.size);
	n_images++;
	ks_bytes_free(&raw);
}

int main(void)
{
	struct strbuf cmd = STRBUF_INIT;

	if (getenv("KSURF_BPFTOOL"))
		bpftool = getenv("KSURF_BPFTOOL");
	sb_init(&cmd);
	sb_addf(&cmd, "%s version >/dev/null 2>&1", bpftool);
	if (system(cmd.buf)) {
		printf("skipped: no bpftool\n");
		sb_release(&cmd);
		return 77;
	}
	sb_release(&cmd);
	RUN(synthetic);
	RUN(shared_kernels);
	RUN(running_kernel);
	printf("%d real kernel images compared\n", n_images);
	return TEST_SUMMARY();
}
