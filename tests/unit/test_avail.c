/* SPDX-License-Identifier: MIT */
/*
 * The availability kinds: helper, map_type, prog_type, attach_type (BPF enums), config,
 * syscall (sys_call_table reader and symbol fallback), and their differs.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <string.h>

#include "diff/change.h"
#include "ingest/config.h"
#include "ingest/kimage.h"
#include "ingest/symtab.h"
#include "surface/sctable.h"
#include "surface/surface.h"
#include "surface/surface_int.h"
#include "test.h"

static const char *def_of(const struct ks_surface *s, enum ks_kind kind, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->items[i].kind == kind && !strcmp(s->items[i].name, name))
			return s->items[i].def;
	return NULL;
}

TEST(bpf_enums)
{
	struct btf *b = btf__new_empty();
	struct ks_surface_input in = {0};
	struct ks_surface s = {0};
	int e;

	e = btf__add_enum(b, "bpf_func_id", 4);
	btf__add_enum_value(b, "BPF_FUNC_unspec", 0);
	btf__add_enum_value(b, "BPF_FUNC_map_lookup_elem", 1);
	btf__add_enum_value(b, "BPF_FUNC_probe_read_kernel", 113);
	btf__add_enum_value(b, "__BPF_FUNC_MAX_ID", 114);
	btf__add_enum(b, "bpf_map_type", 4);
	btf__add_enum_value(b, "BPF_MAP_TYPE_UNSPEC", 0);
	btf__add_enum_value(b, "BPF_MAP_TYPE_HASH", 1);
	btf__add_enum_value(b, "BPF_MAP_TYPE_RINGBUF", 27);
	btf__add_enum_value(b, "__MAX_BPF_MAP_TYPE", 28);
	btf__add_enum(b, "bpf_prog_type", 4);
	btf__add_enum_value(b, "BPF_PROG_TYPE_KPROBE", 2);
	btf__add_enum(b, "bpf_attach_type", 4);
	btf__add_enum_value(b, "BPF_CGROUP_INET_INGRESS", 0);
	btf__add_enum_value(b, "__MAX_BPF_ATTACH_TYPE", 1);
	CHECK(e > 0);
	in.btf = b;
	CHECK_INT(ks_surface_bpfenums(&in, &s), 0);
	CHECK_INT(s.n, 6);
	CHECK_STR(def_of(&s, KS_KIND_HELPER, "bpf_probe_read_kernel"),
		  "{\"c\":\"BPF_FUNC_probe_read_kernel = 113\",\"enumerator\":"
		  "\"BPF_FUNC_probe_read_kernel\",\"kind\":\"helper\",\"name\":"
		  "\"bpf_probe_read_kernel\",\"value\":113}");
	CHECK(def_of(&s, KS_KIND_HELPER, "bpf_map_lookup_elem") != NULL);
	CHECK(def_of(&s, KS_KIND_MAP_TYPE, "hash") != NULL);
	CHECK(def_of(&s, KS_KIND_MAP_TYPE, "ringbuf") != NULL);
	CHECK(def_of(&s, KS_KIND_PROG_TYPE, "kprobe") != NULL);
	CHECK(def_of(&s, KS_KIND_ATTACH_TYPE, "cgroup_inet_ingress") != NULL);
	ks_surface_free(&s);
	btf__free(b);
}

TEST(config_items)
{
	static const char text[] = "CONFIG_BPF_LSM=y\n# CONFIG_FOO is not set\nCONFIG_S=\"x\"\n";
	struct ks_config c = {0};
	struct ks_surface_input in = {0};
	struct ks_surface s = {0};

	CHECK_INT(ks_config_parse("t", text, sizeof(text) - 1, &c), 0);
	in.config = &c;
	CHECK_INT(ks_surface_kconfig(&in, &s), 0);
	CHECK_INT(s.n, 3);
	CHECK_STR(def_of(&s, KS_KIND_CONFIG, "CONFIG_BPF_LSM"),
		  "{\"c\":\"CONFIG_BPF_LSM=y\",\"kind\":\"config\",\"name\":\"CONFIG_BPF_LSM\","
		  "\"value\":\"y\"}");
	CHECK_STR(def_of(&s, KS_KIND_CONFIG, "CONFIG_FOO"),
		  "{\"c\":\"# CONFIG_FOO is not set\",\"kind\":\"config\",\"name\":\"CONFIG_FOO\","
		  "\"value\":\"n\"}");
	CHECK_STR(def_of(&s, KS_KIND_CONFIG, "CONFIG_S"),
		  "{\"c\":\"CONFIG_S=\\\"x\\\"\",\"kind\":\"config\",\"name\":\"CONFIG_S\","
		  "\"value\":\"\\\"x\\\"\"}");
	ks_surface_free(&s);
	ks_config_free(&c);
}

TEST(syscall_names)
{
	int rank = -1;

	CHECK_STR(ks_syscall_name("__x64_sys_openat", "__x64_sys_", &rank), "openat");
	CHECK_INT(rank, 0);
	CHECK_STR(ks_syscall_name("__arm64_sys_openat", "__x64_sys_", &rank), "openat");
	CHECK_INT(rank, 3);
	CHECK_STR(ks_syscall_name("sys_read", NULL, &rank), "read");
	CHECK_INT(rank, 0);
	CHECK_STR(ks_syscall_name("__se_sys_read", NULL, &rank), "read");
	CHECK(ks_syscall_name("__ia32_compat_sys_read", "__x64_sys_", &rank) == NULL);
	CHECK(ks_syscall_name("ksys_read", "__x64_sys_", &rank) == NULL);
	CHECK_STR(ks_syscall_prefix("s390x"), "__s390x_sys_");
	CHECK(ks_syscall_prefix("ppc64el") == NULL);
}

/* A raw big-endian image whose table holds link-time addresses 0x100000 + offset. */
TEST(sctable_raw_base)
{
	uint8_t img[0x100] = {0};
	uint64_t vals[] = {0x100010, 0x100030, 0x100020, 0, 0x100050};
	struct ks_kernel k;
	struct ks_symtab st;
	struct ks_sctable t;

	memset(&k, 0, sizeof(k));
	for (size_t i = 0; i < 5; i++)
		for (size_t j = 0; j < 8; j++)
			img[0x80 + 8 * i + j] = (uint8_t)(vals[i] >> (8 * (7 - j)));
	k.image.data = img;
	k.image.size = sizeof(img);
	k.big_endian = 1;
	k.ptr_size = 8;
	ks_symtab_init(&st);
	st.relative = 1;
	ks_symtab_add(&st, 0x10, 'T', "__s390x_sys_exit", 16);
	ks_symtab_add(&st, 0x20, 'T', "__s390x_sys_read", 16);
	ks_symtab_add(&st, 0x30, 'T', "sys_ni_syscall", 14);
	ks_symtab_add(&st, 0x50, 'T', "__s390x_sys_write", 17);
	ks_symtab_add(&st, 0x80, 'D', "sys_call_table", 14);
	ks_symtab_add(&st, 0xa8, 'd', "after", 5);
	CHECK_INT(ks_sctable_read(&k, &st, NULL, "__s390x_sys_", &t), 0);
	CHECK_INT(t.slots, 5);
	CHECK_INT(t.n, 3);
	if (t.n == 3) {
		CHECK_INT(t.v[0].nr, 0);
		CHECK_STR(t.v[0].name, "exit");
		CHECK_INT(t.v[1].nr, 2);
		CHECK_STR(t.v[1].name, "read");
		CHECK_INT(t.v[2].nr, 4);
		CHECK_STR(t.v[2].sym, "__s390x_sys_write");
	}
	ks_sctable_free(&t);
	/* No kernel bytes: the extractor falls back to the symbols. */
	{
		struct ks_surface_input in = {.syms = &st, .arch = "s390x"};
		struct ks_surface s = {0};

		CHECK_INT(ks_surface_syscalls(&in, &s), 0);
		CHECK_INT(s.n, 3);
		CHECK_STR(def_of(&s, KS_KIND_SYSCALL, "read"),
			  "{\"c\":\"read \xe2\x86\x92 __s390x_sys_read\",\"kind\":\"syscall\","
			  "\"name\":\"read\",\"source\":\"symbols\"}");
		ks_surface_free(&s);
	}
	/* Entries that point nowhere: an error naming the table. */
	for (size_t i = 0; i < 40; i++)
		img[0x80 + i] = (uint8_t)(0x11 * i + 3);
	CHECK_INT(ks_sctable_read(&k, &st, NULL, "__s390x_sys_", &t), -EINVAL);
	ks_symtab_free(&st);
}

TEST(differs)
{
	struct ks_changes ch = {0};

	CHECK_INT(ks_diff_defs("{\"c\":\"BPF_FUNC_x = 1\",\"enumerator\":\"BPF_FUNC_x\","
			       "\"kind\":\"helper\",\"name\":\"bpf_x\",\"value\":1}",
			       "{\"c\":\"BPF_FUNC_x = 2\",\"enumerator\":\"BPF_FUNC_x\","
			       "\"kind\":\"helper\",\"name\":\"bpf_x\",\"value\":2}",
			       &ch),
		  KS_PAIR_CHANGED);
	CHECK_INT(ch.n, 1);
	if (ch.n)
		CHECK_STR(ch.v[0].new, "BPF_FUNC_x = 2");
	ks_changes_free(&ch);
	CHECK_INT(ks_diff_defs("{\"c\":\"CONFIG_A=m\",\"kind\":\"config\",\"name\":\"CONFIG_A\","
			       "\"value\":\"m\"}",
			       "{\"c\":\"CONFIG_A=y\",\"kind\":\"config\",\"name\":\"CONFIG_A\","
			       "\"value\":\"y\"}",
			       &ch),
		  KS_PAIR_CHANGED);
	CHECK_INT(ch.n, 1);
	if (ch.n)
		CHECK_STR(ch.v[0].old, "CONFIG_A=m");
	ks_changes_free(&ch);
	CHECK_INT(ks_diff_defs("{\"c\":\"0 read\",\"kind\":\"syscall\",\"name\":\"read\","
			       "\"number\":0,\"source\":\"sys_call_table\"}",
			       "{\"c\":\"63 read\",\"kind\":\"syscall\",\"name\":\"read\","
			       "\"number\":63,\"source\":\"sys_call_table\"}",
			       &ch),
		  KS_PAIR_CHANGED);
	CHECK_INT(ch.n, 1);
	if (ch.n)
		CHECK_STR(ch.v[0].new, "63 read");
	ks_changes_free(&ch);
}

int main(void)
{
	RUN(bpf_enums);
	RUN(config_items);
	RUN(syscall_names);
	RUN(sctable_raw_base);
	RUN(differs);
	return TEST_SUMMARY();
}
