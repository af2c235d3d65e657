/* SPDX-License-Identifier: MIT */
/*
 * Kernel modules: member roles, .modinfo, reading a module's bytes, and the merge of
 * module surfaces (split BTF built here with libbpf on a small base) into an image's.
 */
#include <bpf/btf.h>
#include <errno.h>

#include "test.h"

#include "ingest/kmod.h"
#include "ingest/pkg.h"
#include "surface/modules.h"
#include "surface/surface.h"
#include "util/err.h"

TEST(member_roles)
{
	char *rel = NULL;

	CHECK_INT(ks_pkg_member_role("./usr/lib/modules/7.2.13+deb14-amd64/kernel/drivers/md/"
				     "dm-mod.ko.xz",
				     &rel),
		  KS_PART_MODULE);
	CHECK_STR(rel, "7.2.13+deb14-amd64");
	free(rel);
	CHECK_INT(ks_pkg_member_role("lib/modules/6.1.0-50-cloud-amd64/kernel/fs/xfs/xfs.ko", &rel),
		  KS_PART_MODULE);
	CHECK_STR(rel, "6.1.0-50-cloud-amd64");
	free(rel);
	CHECK_INT(ks_pkg_member_role("usr/lib/modules/7.2/modules.dep", &rel), KS_PART_NONE);
	CHECK_INT(ks_pkg_member_role("usr/lib/debug/lib/modules/7.2/kernel/a.ko", &rel),
		  KS_PART_NONE);
	CHECK_INT(ks_pkg_member_role("usr/lib/modules/7.2/vmlinuz", &rel), KS_PART_KERNEL);
	free(rel);
	CHECK(ks_is_module_name("a/b.ko.zst"));
	CHECK(ks_is_module_name("b.ko.gz"));
	CHECK(!ks_is_module_name("a/.ko"));
	CHECK(!ks_is_module_name("a/b.kox"));
	CHECK_STR(ks_part_role_name(KS_PART_MODULE), "module");
}

TEST(modinfo)
{
	static const uint8_t mi[] = "license=GPL\0name=dm_mod\0\0\0vermagic=7.2.13+deb14-amd64 SMP "
				    "preempt mod_unload modversions \0namex=no\0trunc=ated";
	char *v;

	CHECK_STR(v = ks_modinfo_get(mi, sizeof(mi) - 1, "name"), "dm_mod");
	free(v);
	CHECK_STR(v = ks_modinfo_get(mi, sizeof(mi) - 1, "license"), "GPL");
	free(v);
	CHECK(ks_modinfo_get(mi, sizeof(mi) - 1, "trunc") == NULL); /* no NUL after it */
	CHECK(ks_modinfo_get(mi, sizeof(mi) - 1, "nam") == NULL);
	CHECK(ks_modinfo_get(mi, 0, "name") == NULL);
}

/* base: int, struct list_head { struct list_head *next, *prev; } */
static struct btf *make_base(void)
{
	struct btf *b = btf__new_empty();
	int i, lh, p;

	i = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	lh = btf__add_struct(b, "list_head", 16);
	p = btf__add_ptr(b, lh);
	btf__add_field(b, "next", p, 0, 0);
	btf__add_field(b, "prev", p, 64, 0);
	CHECK(i == 1 && lh == 2 && p == 3);
	return b;
}

/* A module's raw split BTF: struct <sname> { struct list_head l; <int|long> x; } and a
 * function <fname>(struct <sname> *). */
static struct ks_bytes make_module(struct btf *base, const char *sname, int wide,
				   const char *fname)
{
	struct btf *m = btf__new_empty_split(base);
	struct ks_bytes out = {0};
	uint32_t size;
	const void *raw;
	int s, t, p, fp;

	t = wide ? btf__add_int(m, "long int", 8, BTF_INT_SIGNED) : 1;
	s = btf__add_struct(m, sname, wide ? 24 : 20);
	btf__add_field(m, "l", 2, 0, 0);
	btf__add_field(m, "x", t, 128, 0);
	p = btf__add_ptr(m, s);
	fp = btf__add_func_proto(m, 1);
	btf__add_func_param(m, "s", p);
	btf__add_func(m, fname, BTF_FUNC_GLOBAL, fp);
	raw = btf__raw_data(m, &size);
	out.data = malloc(size);
	memcpy(out.data, raw, size);
	out.size = size;
	btf__free(m);
	return out;
}

static void mod_init(struct ks_kmod *m, const char *origin, struct ks_bytes raw)
{
	memset(m, 0, sizeof(*m));
	m->origin = strdup(origin);
	m->raw = raw;
}

static const struct ks_item *find(const struct ks_surface *s, enum ks_kind k, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->items[i].kind == k && !strcmp(s->items[i].name, name))
			return &s->items[i];
	return NULL;
}

TEST(merge)
{
	struct btf *base = make_base();
	struct ks_kmod mods[3];
	struct ks_surface io;
	struct ks_module_stats st;
	const struct ks_item *it;

	/* raw BTF, as /sys/kernel/btf/<module> gives it */
	mod_init(&mods[0], "/sys/kernel/btf/mod_a", make_module(base, "foo", 0, "a_fn"));
	mod_init(&mods[1], "/sys/kernel/btf/mod_b", make_module(base, "foo", 1, "b_fn"));
	mod_init(&mods[2], "/sys/kernel/btf/mod_c", make_module(base, "foo", 0, "c_fn"));
	ks_kmods_read(mods, 3);
	for (int i = 0; i < 3; i++)
		CHECK(mods[i].error == NULL && mods[i].btf.size > 0);
	CHECK_STR(mods[0].name, "mod_a");
	CHECK_INT(ks_surface_types(base, &io), 0);
	CHECK(find(&io, KS_KIND_STRUCT, "list_head") != NULL);
	CHECK_INT(ks_surface_modules(base, mods, 3, &io, &st), 0);
	CHECK_INT(st.modules, 3);
	CHECK_INT(st.with_btf, 3);
	/* vmlinux's own item stays vmlinux's */
	it = find(&io, KS_KIND_STRUCT, "list_head");
	CHECK(it && it->module == NULL);
	/* one definition in mod_a and mod_c, another in mod_b */
	it = find(&io, KS_KIND_STRUCT, "foo");
	CHECK(it != NULL);
	if (it) {
		CHECK_STR(it->module, "mod_a, mod_c");
		CHECK_STR(it->others, "mod_b");
		CHECK_INT(it->dup_count, 1);
		CHECK(strstr(it->def, "struct list_head l;") != NULL);
	}
	it = find(&io, KS_KIND_FUNC, "b_fn");
	CHECK(it && it->module && !strcmp(it->module, "mod_b"));
	if (it)
		CHECK(strstr(it->def, "b_fn(struct foo *s)") != NULL);
	/* sorted by kind and name */
	for (size_t i = 1; i < io.n; i++)
		CHECK(io.items[i - 1].kind < io.items[i].kind ||
		      (io.items[i - 1].kind == io.items[i].kind &&
		       strcmp(io.items[i - 1].name, io.items[i].name) < 0));
	ks_surface_free(&io);
	for (int i = 0; i < 3; i++)
		ks_kmod_free(&mods[i]);
	btf__free(base);
}

TEST(bad_modules)
{
	struct btf *base = make_base(), *other = btf__new_empty();
	struct ks_kmod mods[3];
	struct ks_surface io = {0};
	struct ks_module_stats st;
	struct ks_bytes b = {malloc(64), 64};

	/* corrupt ELF and bytes that are nothing: reported, with the file named */
	memcpy(b.data, "\177ELF\2\1\1", 7);
	memset(b.data + 7, 0xff, 57);
	mod_init(&mods[0], "x.deb: lib/modules/7.2/kernel/bad.ko", b);
	b = (struct ks_bytes){malloc(8), 8};
	memcpy(b.data, "garbage!", 8);
	mod_init(&mods[1], "dir/junk.ko", b);
	ks_kmods_read(mods, 2);
	CHECK(mods[0].error && strstr(mods[0].error, "x.deb: lib/modules/7.2/kernel/bad.ko: "));
	CHECK(mods[1].error && strstr(mods[1].error, "dir/junk.ko: neither an ELF module nor BTF"));
	ks_kmod_free(&mods[0]);
	ks_kmod_free(&mods[1]);

	/* split BTF of a base with more types: its type ids point past this base's end */
	for (int i = 0; i < 8; i++)
		btf__add_int(other, "int", 4, BTF_INT_SIGNED);
	btf__add_struct(other, "list_head", 16);
	btf__add_field(other, "next", 9, 0, 0);
	mod_init(&mods[0], "/sys/kernel/btf/m0", make_module(other, "foo", 0, "f0"));
	mod_init(&mods[1], "/sys/kernel/btf/m1", make_module(other, "bar", 1, "f1"));
	mod_init(&mods[2], "/sys/kernel/btf/m2", make_module(base, "baz", 0, "f2"));
	ks_kmods_read(mods, 3);
	CHECK_INT(ks_surface_types(base, &io), 0);
	CHECK(ks_surface_modules(base, mods, 3, &io, &st) < 0);
	CHECK(strstr(ks_errmsg(), "/sys/kernel/btf/m0: type [") != NULL);
	CHECK(strstr(ks_errmsg(), "built on another vmlinux BTF") != NULL);
	CHECK(strstr(ks_errmsg(), "does not match this kernel's vmlinux BTF") != NULL);
	/* one bad module among good ones is skipped */
	CHECK_INT(ks_surface_modules(base, mods + 1, 2, &io, &st), 0);
	CHECK_INT(st.skipped, 1);
	CHECK_INT(st.modules, 1);
	CHECK(find(&io, KS_KIND_STRUCT, "baz") != NULL);
	ks_surface_free(&io);
	for (int i = 0; i < 3; i++)
		ks_kmod_free(&mods[i]);
	btf__free(other);
	btf__free(base);
}

int main(void)
{
	ks_quiet = 1;
	RUN(member_roles);
	RUN(modinfo);
	RUN(merge);
	RUN(bad_modules);
	return TEST_SUMMARY();
}
