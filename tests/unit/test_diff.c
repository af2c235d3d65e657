/* SPDX-License-Identifier: MIT */
/* Changes between two defs of a type item (SPEC §5), hand-made and from real kernels. */
#include <bpf/btf.h>
#include <errno.h>
#include <jansson.h>

#include "test.h"

#include "diff/change.h"
#include "surface/surface.h"
#include "util/bytes.h"
#include "util/strbuf.h"

struct mem {
	const char *name, *type, *decl;
	long long off;
	int bits;
};

#define END                                                                                        \
	{                                                                                          \
		NULL, NULL, NULL, 0, 0                                                             \
	}

/* A struct/union def as ks_surface_types writes it (the "c" text does not matter here). */
static char *def_struct(const char *kind, const char *name, int size, const struct mem *m)
{
	json_t *o = json_object(), *arr = json_array();
	char *s;

	for (; m->name; m++)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:I,s:i}", "name", m->name,
						     "type", m->type, "decl", m->decl, "offset",
						     (json_int_t)m->off, "bits", m->bits));
	json_object_set_new(o, "kind", json_string(kind));
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "size", json_integer(size));
	json_object_set_new(o, "members", arr);
	json_object_set_new(o, "c", json_string(""));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

/* Run the diff and return the changes as "type|subject|old|new" lines. */
static char *diff(const char *a, const char *b, int *status)
{
	struct ks_changes ch = {0};
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	*status = ks_diff_defs(a, b, &ch);
	for (size_t i = 0; i < ch.n; i++)
		sb_addf(&sb, "%s|%s|%s|%s\n", ks_change_name(ch.v[i].type),
			ch.v[i].subject ? ch.v[i].subject : "-", ch.v[i].old ? ch.v[i].old : "-",
			ch.v[i].new ? ch.v[i].new : "-");
	ks_changes_free(&ch);
	return sb_detach(&sb);
}

#define CHECK_DIFF(a, b, want_status, want)                                                        \
	do {                                                                                       \
		int _st;                                                                           \
		char *_got = diff(a, b, &_st);                                                     \
		CHECK_INT(_st, want_status);                                                       \
		CHECK_STR(_got, want);                                                             \
		free(_got);                                                                        \
	} while (0)

static const struct mem job_old[] = {
    {"kc", "struct dm_kcopyd_client *", "struct dm_kcopyd_client *kc", 0, 0},
    {"flags", "long unsigned int", "long unsigned int flags", 64, 0},
    {"rw", "int", "int rw", 128, 0},
    END,
};

TEST(statuses)
{
	char *a = def_struct("struct", "kcopyd_job", 24, job_old);

	CHECK_DIFF(NULL, NULL, KS_PAIR_ABSENT_BOTH, "");
	CHECK_DIFF(NULL, a, KS_PAIR_ADDED, "");
	CHECK_DIFF(a, NULL, KS_PAIR_REMOVED, "");
	CHECK_DIFF(a, a, KS_PAIR_UNCHANGED, "");
	CHECK_STR(ks_pair_status_name(KS_PAIR_ABSENT_BOTH), "absent");
	CHECK_STR(ks_pair_status_name(KS_PAIR_CHANGED), "changed");
	free(a);
}

/* Evidence is shown, never compared: defs differing only there are unchanged, even with
 * brackets and escaped quotes inside the evidence strings; a difference after it is not. */
TEST(evidence_only)
{
	const char *a = "{\"c\":\"int f(void)\",\"evidence\":[\"symbol f ] (t, local)\"],"
			"\"kind\":\"func\",\"name\":\"f\"}";
	const char *b = "{\"c\":\"int f(void)\",\"evidence\":[\"symbol f.isra.0 \\\"[x\\\" (T)\","
			"\"symbol f (t, local)\"],\"kind\":\"func\",\"name\":\"f\"}";
	const char *c = "{\"c\":\"int f(void)\",\"evidence\":[\"symbol f (t, local)\"],"
			"\"kind\":\"func\",\"name\":\"f\",\"status\":[\"transformation\"]}";

	CHECK_DIFF(a, b, KS_PAIR_UNCHANGED, "");
	CHECK_DIFF(a, c, KS_PAIR_CHANGED, "status_changed|f|none|transformation\n");
}

TEST(field_added_removed_type)
{
	static const struct mem job_new[] = {
	    {"kc", "struct dm_kcopyd_client *", "struct dm_kcopyd_client *kc", 0, 0},
	    {"flags", "unsigned int", "unsigned int flags", 64, 0},
	    {"op", "enum req_op", "enum req_op op", 96, 0},
	    {"write_offset", "sector_t", "sector_t write_offset", 128, 0},
	    END,
	};
	char *a = def_struct("struct", "kcopyd_job", 24, job_old);
	char *b = def_struct("struct", "kcopyd_job", 24, job_new);

	CHECK_DIFF(a, b, KS_PAIR_CHANGED,
		   "field_type_changed|flags|long unsigned int flags|unsigned int flags\n"
		   "field_added|op|-|enum req_op op\n"
		   "field_added|write_offset|-|sector_t write_offset\n"
		   "field_removed|rw|int rw|-\n");
	free(a);
	free(b);
}

TEST(type_changed_and_moved_and_size)
{
	static const struct mem o[] = {{"name", "char[128]", "char name[128]", 128, 0},
				       {"prog", "bool", "bool prog", 1152, 0},
				       END};
	static const struct mem n[] = {{"name", "char[512]", "char name[512]", 128, 0},
				       {"prog", "_Bool", "_Bool prog", 4224, 0},
				       END};
	char *a = def_struct("struct", "bpf_ksym", 152, o),
	     *b = def_struct("struct", "bpf_ksym", 536, n);

	CHECK_DIFF(a, b, KS_PAIR_CHANGED,
		   "field_type_changed|name|char name[128]|char name[512]\n"
		   "field_type_changed|prog|bool prog|_Bool prog\n"
		   "offset_changed|prog|byte 144|byte 528\n"
		   "size_changed|bpf_ksym|152 bytes|536 bytes\n");
	free(a);
	free(b);
}

TEST(reorder_only_moves)
{
	static const struct mem o[] = {
	    {"a", "int", "int a", 0, 0}, {"b", "long int", "long int b", 64, 0}, END};
	static const struct mem n[] = {
	    {"b", "long int", "long int b", 0, 0}, {"a", "int", "int a", 64, 0}, END};
	char *a = def_struct("struct", "s", 16, o), *b = def_struct("struct", "s", 16, n);

	CHECK_DIFF(a, b, KS_PAIR_CHANGED, "offset_changed|b|byte 8|byte 0\noffset_changed|a|byte 0|byte 8\n");
	free(a);
	free(b);
}

TEST(bitfields)
{
	static const struct mem o[] = {{"x", "unsigned int", "unsigned int x", 0, 3},
				       {"y", "unsigned int", "unsigned int y", 3, 1},
				       {"z", "unsigned int", "unsigned int z", 32, 0},
				       END};
	static const struct mem n[] = {{"x", "unsigned int", "unsigned int x", 0, 4},
				       {"y", "unsigned int", "unsigned int y", 4, 1},
				       {"z", "unsigned int", "unsigned int z", 32, 2},
				       {"w", "unsigned int", "unsigned int w", 34, 5},
				       END};
	char *a = def_struct("struct", "s", 8, o), *b = def_struct("struct", "s", 8, n);

	CHECK_DIFF(a, b, KS_PAIR_CHANGED,
		   "bitfield_changed|x|3|4\n"
		   "offset_changed|y|bit 3|bit 4\n"
		   "bitfield_changed|z|not a bitfield|2\n"
		   "field_added|w|-|unsigned int w: 5\n");
	free(a);
	free(b);
}

TEST(kind_changed)
{
	char *a = def_struct("struct", "u", 24, job_old),
	     *b = def_struct("union", "u", 24, job_old);

	CHECK_DIFF(a, b, KS_PAIR_CHANGED, "kind_changed|u|struct|union\n");
	free(a);
	free(b);
}

/* Defs of real ks_surface_types output for struct s in two hand-built BTFs. */
static char *surface_def(struct btf *b, enum ks_kind kind, const char *name)
{
	struct ks_surface s;
	char *d = NULL;

	if (ks_surface_types(b, &s))
		return NULL;
	for (size_t i = 0; i < s.n; i++)
		if (s.items[i].kind == kind && !strcmp(s.items[i].name, name))
			d = strdup(s.items[i].def);
	ks_surface_free(&s);
	btf__free(b);
	return d;
}

TEST(anonymous_union_flattening)
{
	/* struct s { int a; int b; } becomes struct s { union { int a; int c; }; int b; } */
	struct btf *o = btf__new_empty(), *n = btf__new_empty();
	int oi = btf__add_int(o, "int", 4, BTF_INT_SIGNED);
	int ni = btf__add_int(n, "int", 4, BTF_INT_SIGNED), un;
	char *a, *b;

	btf__add_struct(o, "s", 8);
	btf__add_field(o, "a", oi, 0, 0);
	btf__add_field(o, "b", oi, 32, 0);
	un = btf__add_union(n, NULL, 4);
	btf__add_field(n, "a", ni, 0, 0);
	btf__add_field(n, "c", ni, 0, 0);
	btf__add_struct(n, "s", 8);
	btf__add_field(n, NULL, un, 0, 0);
	btf__add_field(n, "b", ni, 32, 0);
	a = surface_def(o, KS_KIND_STRUCT, "s");
	b = surface_def(n, KS_KIND_STRUCT, "s");
	CHECK_DIFF(a, b, KS_PAIR_CHANGED, "field_added|c|-|int c\n");
	free(a);
	free(b);
}

static char *enum_def(const char *values, int size, int sgn)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	sb_addf(&sb,
		"{\"c\":\"\",\"kind\":\"enum\",\"name\":\"e\",\"signed\":%s,\"size\":%d,"
		"\"values\":[%s]}",
		sgn ? "true" : "false", size, values);
	return sb_detach(&sb);
}

TEST(enum_values)
{
	char *a = enum_def("{\"name\":\"A\",\"value\":1},{\"name\":\"B\",\"value\":2},"
			   "{\"name\":\"C\",\"value\":3}",
			   4, 0);
	char *b = enum_def("{\"name\":\"A\",\"value\":1},{\"name\":\"C\",\"value\":4},"
			   "{\"name\":\"D\",\"value\":5}",
			   4, 0);
	/* old pahole: no sign recorded, -1 reads as 4294967295: the same value */
	char *u = enum_def("{\"name\":\"M\",\"value\":4294967295}", 4, 0);
	char *s = enum_def("{\"name\":\"M\",\"value\":-1}", 4, 1);
	/* enum64 values above INT64_MAX are strings */
	char *big1 = enum_def("{\"name\":\"X\",\"value\":\"18446744073709551615\"}", 8, 0);
	char *big2 = enum_def("{\"name\":\"X\",\"value\":\"18446744073709551614\"}", 8, 0);
	char *small = enum_def("{\"name\":\"X\",\"value\":1}", 4, 0);

	CHECK_DIFF(a, b, KS_PAIR_CHANGED,
		   "value_changed|C|C = 3|C = 4\n"
		   "value_added|D|-|D = 5\n"
		   "value_removed|B|B = 2|-\n");
	CHECK_DIFF(u, s, KS_PAIR_UNCHANGED, "");
	CHECK_DIFF(big1, big2, KS_PAIR_CHANGED,
		   "value_changed|X|X = 18446744073709551615|X = 18446744073709551614\n");
	CHECK_DIFF(small, big1, KS_PAIR_CHANGED,
		   "value_changed|X|X = 1|X = 18446744073709551615\nsize_changed|e|4 bytes|8 bytes\n");
	free(a);
	free(b);
	free(u);
	free(s);
	free(big1);
	free(big2);
	free(small);
}

TEST(typedef_target)
{
	const char *a =
	    "{\"c\":\"typedef u32 fl_t;\",\"kind\":\"typedef\",\"name\":\"fl_t\",\"type\":\"u32\"}";
	const char *b =
	    "{\"c\":\"typedef u64 fl_t;\",\"kind\":\"typedef\",\"name\":\"fl_t\",\"type\":\"u64\"}";

	CHECK_DIFF(a, b, KS_PAIR_CHANGED, "typedef_type_changed|fl_t|u32|u64\n");
}

TEST(bad_def)
{
	struct ks_changes ch = {0};

	CHECK_INT(ks_diff_defs("{\"kind\":", "{}", &ch), -EINVAL);
	CHECK_INT(ks_diff_defs("[]", "{}", &ch), -EINVAL);
	CHECK_INT(ch.n, 0);
	ks_changes_free(&ch);
}

TEST(names)
{
	CHECK_STR(ks_change_name(KS_CHG_FIELD_TYPE), "field_type_changed");
	CHECK_STR(ks_change_name(KS_CHG_LAYOUT_BITFIELD), "bitfield_changed");
	CHECK_STR(ks_change_title(KS_CHG_FIELD_ADDED), "Field added");
	CHECK_STR(ks_change_title(KS_CHG_FIELD_TYPE), "Field type changed");
	CHECK(ks_change_is_layout(KS_CHG_LAYOUT_OFFSET) &&
	      ks_change_is_layout(KS_CHG_LAYOUT_SIZE) &&
	      ks_change_is_layout(KS_CHG_LAYOUT_BITFIELD));
	CHECK(!ks_change_is_layout(KS_CHG_FIELD_TYPE) && !ks_change_is_layout(KS_CHG_KIND));
	for (int t = 0; t < KS_CHG__COUNT; t++)
		CHECK(strcmp(ks_change_name(t), "unknown") &&
		      strcmp(ks_change_title(t), "Unknown change"));
}

/* The surface of a shared image: 0, or nonzero when it cannot be had. */
static int load_surface(const char *dir, const char *image, struct ks_surface *s)
{
	struct strbuf path = STRBUF_INIT;
	struct ks_bytes xz = {0}, raw = {0};
	struct btf *btf = NULL;
	int ret = -1;

	sb_init(&path);
	sb_addf(&path, "%s/%s/vmlinux.btf.xz", dir, image);
	if (!ks_bytes_read_file(path.buf, &xz) &&
	    !ks_decompress(path.buf, xz.data, xz.size, 256u << 20, &raw) &&
	    (btf = btf__new(raw.data, raw.size)))
		ret = ks_surface_types(btf, s);
	btf__free(btf);
	ks_bytes_free(&xz);
	ks_bytes_free(&raw);
	sb_release(&path);
	return ret;
}

static const char *def_of(const struct ks_surface *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->items[i].kind == KS_KIND_STRUCT && !strcmp(s->items[i].name, name))
			return s->items[i].def;
	return NULL;
}

static int has_line(const char *text, const char *line)
{
	const char *p = strstr(text, line);

	return p && (p == text || p[-1] == '\n');
}

TEST(real_kernels)
{
	const char *dir = test_shared_dir();
	struct ks_surface s510, s61, s612, s72;
	char *d;
	int st;

	if (!dir) {
		printf("     (no shared kernels; skipped)\n");
		return;
	}
	CHECK(!load_surface(dir, "bullseye-5.10.223-amd64-amd64", &s510));
	CHECK(!load_surface(dir, "bookworm-6.1.176-amd64-amd64", &s61));
	CHECK(!load_surface(dir, "trixie-6.12.117-amd64-amd64", &s612));
	CHECK(!load_surface(dir, "sid-7.2.13-amd64-amd64", &s72));

	/* bpf_ksym: name grew from 128 to 512 bytes (5.18), moving what follows */
	d = diff(def_of(&s510, "bpf_ksym"), def_of(&s61, "bpf_ksym"), &st);
	CHECK_INT(st, KS_PAIR_CHANGED);
	CHECK(has_line(d, "field_type_changed|name|char name[128]|char name[512]\n"));
	CHECK(has_line(d, "offset_changed|lnode|byte 144|byte 528\n"));
	CHECK(strstr(d, "size_changed|bpf_ksym|") != NULL);
	CHECK(!strstr(d, "field_added") && !strstr(d, "field_removed"));
	free(d);
	/* bpf_ksym: unchanged 6.1 -> 6.12, then fp_start/fp_end appear */
	d = diff(def_of(&s61, "bpf_ksym"), def_of(&s612, "bpf_ksym"), &st);
	CHECK_INT(st, KS_PAIR_UNCHANGED);
	free(d);
	d = diff(def_of(&s612, "bpf_ksym"), def_of(&s72, "bpf_ksym"), &st);
	CHECK(has_line(d, "field_added|fp_start|-|u32 fp_start\n"));
	CHECK(has_line(d, "field_added|fp_end|-|u32 fp_end\n"));
	free(d);
	/* task_struct: state became __state (5.14) */
	d = diff(def_of(&s510, "task_struct"), def_of(&s61, "task_struct"), &st);
	CHECK_INT(st, KS_PAIR_CHANGED);
	CHECK(has_line(d, "field_added|__state|-|unsigned int __state\n"));
	CHECK(has_line(d, "field_removed|state|volatile long int state|-\n"));
	free(d);
	ks_surface_free(&s510);
	ks_surface_free(&s61);
	ks_surface_free(&s612);
	ks_surface_free(&s72);
}

int main(void)
{
	RUN(statuses);
	RUN(evidence_only);
	RUN(field_added_removed_type);
	RUN(type_changed_and_moved_and_size);
	RUN(reorder_only_moves);
	RUN(bitfields);
	RUN(kind_changed);
	RUN(anonymous_union_flattening);
	RUN(enum_values);
	RUN(typedef_target);
	RUN(bad_def);
	RUN(names);
	RUN(real_kernels);
	return TEST_SUMMARY();
}
