/* SPDX-License-Identifier: MIT */
/*
 * The DWARF reader: its own test binary (built with -g) read back, bad bytes, and —
 * when a Debian -dbg package is in $KSURF_DEBUG_DEBS — every prototype DWARF gives for
 * a function that also has a BTF FUNC, against the C printer's rendering of that FUNC.
 */
#include <bpf/btf.h>
#include <dirent.h>
#include <errno.h>
#include <string.h>

#include "test.h"

#include "ingest/dwarf.h"
#include "ingest/kimage.h"
#include "ingest/pkg.h"
#include "surface/proto.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/jsonw.h"

static __attribute__((noinline)) int dw_probe_target(const char *const *v, unsigned long n)
{
	return v && n ? (int)n : -1;
}

TEST(self)
{
	struct ks_bytes b;
	struct ks_dwarf d;
	long id;
	int ret;

	CHECK_INT(ks_bytes_read_file("/proc/self/exe", &b), 0);
	ret = ks_dwarf_read("self", b.data, b.size, &d);
	CHECK_INT(ret, 0);
	CHECK(d.units >= 1 && d.version_min >= 2 && d.version_max <= 5);
	id = ks_dwarf_find(&d, "dw_probe_target", strlen("dw_probe_target"));
	CHECK(id >= 0);
	/* an abstract root and a clone, or one plain definition: one has code, one the
	 * prototype */
	int code = 0, protos = 0;
	for (size_t i = 0; id >= 0 && i < d.ndefs; i++) {
		if (d.defs[i].name != (uint32_t)id)
			continue;
		CHECK(!d.defs[i].external);
		CHECK(strstr(d.files[d.defs[i].file], "test_dwarf.c") != NULL);
		code += d.defs[i].has_code;
		if (d.defs[i].proto && ++protos)
			CHECK_STR(d.protos[d.defs[i].proto - 1],
				  "int dw_probe_target(const char * const *v, long unsigned int n)\n"
				  "int\nv\tconst char * const *\tconst char * const *v\n"
				  "n\tlong unsigned int\tlong unsigned int n");
	}
	CHECK(code >= 1);
	CHECK_INT(protos, 1);
	CHECK_INT(ks_dwarf_find(&d, "no_such_function_here", 21), -1);
	CHECK(dw_probe_target(NULL, 0) == -1);
	ks_dwarf_free(&d);
	ks_bytes_free(&b);
}

TEST(bad_bytes)
{
	static const uint8_t junk[64] = "not an ELF at all";
	struct ks_dwarf d;

	CHECK_INT(ks_dwarf_read("junk", junk, sizeof(junk), &d), -EINVAL);
	CHECK(!strncmp(ks_errmsg(), "junk: not an ELF", 16));
	CHECK_INT(d.nnames + d.ndefs + d.nedges, 0);
	ks_dwarf_free(&d);
}

/* The vmlinux of a -dbg package, through the package reader. */
static int keep_vmlinux(const struct ks_pkg_member *m, void *ctx)
{
	struct ks_bytes *b = ctx;

	if (m->role != KS_PART_KERNEL)
		return 0;
	b->data = (uint8_t *)m->data;
	b->size = m->size;
	*m->keep = NULL;
	return KS_PKG_STOP;
}

static char *find_dbg_deb(void)
{
	const char *dir = getenv("KSURF_DEBUG_DEBS");
	struct dirent *e;
	char *path = NULL;
	DIR *d;

	if (!dir || !(d = opendir(dir)))
		return NULL;
	while (!path && (e = readdir(d)))
		if (!strncmp(e->d_name, "linux-image-", 12) && strstr(e->d_name, "-dbg_") &&
		    strstr(e->d_name, ".deb") && asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			path = NULL;
	closedir(d);
	return path;
}

TEST(kernel_protos)
{
	char *deb = find_dbg_deb();
	struct ks_bytes b = {0};
	struct ks_pkg_info info = {0};
	struct ks_proto_ctx c;
	struct ks_kernel k;
	struct ks_dwarf d;
	struct btf *btf;
	struct strbuf want = STRBUF_INIT;
	size_t funcs = 0, same = 0, shown = 0;

	if (!deb) {
		printf("     (no -dbg package in $KSURF_DEBUG_DEBS: skipped)\n");
		return;
	}
	CHECK_INT(ks_pkg_read(deb, &info, keep_vmlinux, &b), 0);
	ks_pkg_info_free(&info);
	CHECK_INT(ks_kernel_open_own(deb, &b, 1, &k), 0);
	CHECK_INT(ks_dwarf_read(deb, k.image.data, k.image.size, &d), 0);
	btf = btf__new(k.image.data + k.btf_off, k.btf_size);
	CHECK(btf != NULL);
	CHECK_INT(ks_proto_ctx_init(&c, btf), 0);
	sb_init(&want);
	/* a FUNC's name may have several DWARF definitions (collisions): one must match */
	for (uint32_t id = 1; btf && id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);
		long dw = ks_dwarf_find(&d, name, strlen(name));
		bool found = false, any = false;

		if (!btf_is_func(t) || dw < 0)
			continue;
		sb_reset(&c.def);
		ks_proto_put_c(&c, id);
		for (size_t i = 0; i < d.ndefs && !found; i++) {
			const char *p;

			if (d.defs[i].name != (uint32_t)dw || !d.defs[i].proto)
				continue;
			any = true;
			p = d.protos[d.defs[i].proto - 1];
			sb_reset(&want);
			sb_add(&want, "\"c\":");
			ks_jsonw_str(&want, p, strcspn(p, "\n"));
			found = !strcmp(want.buf, c.def.buf);
		}
		if (!any)
			continue;
		funcs++;
		same += found;
		if (!found && shown++ < 5)
			fprintf(stderr, "  BTF   %s\n  DWARF %s\n", c.def.buf, want.buf);
	}
	printf("     %zu of %zu BTF FUNCs: the DWARF prototype prints the same\n", same, funcs);
	CHECK(funcs > 10000);
	CHECK_INT(same, funcs);
	sb_release(&want);
	ks_proto_ctx_fini(&c);
	btf__free(btf);
	ks_dwarf_free(&d);
	ks_kernel_free(&k);
	free(deb);
}

int main(void)
{
	RUN(self);
	RUN(bad_bytes);
	RUN(kernel_protos);
	return TEST_SUMMARY();
}
