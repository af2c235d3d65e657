/* SPDX-License-Identifier: MIT */
/* Type items and their canonical defs (docs/defs.md), on a hand-built BTF and real ones. */
#include <errno.h>
#include <jansson.h>
#include <sha2.h>

#include "test.h"
#include "synth_btf.h"

#include "surface/surface.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/strbuf.h"

static struct synth S;
static struct ks_surface SURF;

static const struct ks_item *item(const struct ks_surface *s, enum ks_kind kind, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->items[i].kind == kind && !strcmp(s->items[i].name, name))
			return &s->items[i];
	return NULL;
}

static const char *def(enum ks_kind kind, const char *name)
{
	const struct ks_item *it = item(&SURF, kind, name);

	return it ? it->def : NULL;
}

/* Extra types for flattening, duplicates and anonymous enums, after synth_btf.h's. */
static int add_extra(struct btf *b)
{
	int i32 = btf__find_by_name_kind(b, "int", BTF_KIND_INT);
	int u8 = btf__find_by_name_kind(b, "unsigned char", BTF_KIND_INT);
	int un, st, e;

	/* struct outer { int head; struct { int pad; union { int deep; char c; }; }; } */
	un = btf__add_union(b, NULL, 4);
	btf__add_field(b, "deep", i32, 0, 0);
	btf__add_field(b, "c", u8, 0, 0);
	st = btf__add_struct(b, NULL, 8);
	btf__add_field(b, "pad", i32, 0, 0);
	btf__add_field(b, NULL, un, 32, 0);
	btf__add_struct(b, "outer", 12);
	btf__add_field(b, "head", i32, 0, 0);
	btf__add_field(b, NULL, st, 32, 0);
	/* a second, different struct x: a duplicate, counted and dropped */
	btf__add_struct(b, "x", 4);
	btf__add_field(b, "other", i32, 0, 0);
	/* another anonymous enum: ANON_A again (dropped) and ANON_C */
	e = btf__add_enum(b, NULL, 4);
	btf__add_enum_value(b, "ANON_A", 5);
	btf__add_enum_value(b, "ANON_C", 9);
	/* forward-only names make no items */
	btf__add_fwd(b, "only_fwd", BTF_FWD_STRUCT);
	btf__add_enum(b, "only_fwd_enum", 4);
	return e > 0 ? 0 : -1;
}

TEST(items_and_order)
{
	static const char *const want[][2] = {
	    {"struct", "all"},	 {"struct", "desc_ptr"}, {"struct", "dm_io_region"},
	    {"struct", "empty"}, {"struct", "holder"},	 {"struct", "ops"},
	    {"struct", "outer"}, {"struct", "x"},	 {"enum", "(anon)"},
	    {"enum", "big"},	 {"enum", "sgn"},	 {"typedef", "atomic_t"},
	    {"typedef", "cb_t"},
	};

	CHECK_INT(SURF.n, sizeof(want) / sizeof(*want));
	for (size_t i = 0; i < SURF.n && i < sizeof(want) / sizeof(*want); i++) {
		CHECK_STR(ks_kind_name(SURF.items[i].kind), want[i][0]);
		CHECK_STR(SURF.items[i].name, want[i][1]);
	}
	CHECK_INT(item(&SURF, KS_KIND_STRUCT, "x")->dup_count, 1);
	CHECK_INT(SURF.dup_total, 1);
	CHECK(!item(&SURF, KS_KIND_STRUCT, "fwd_s"));
	CHECK(!item(&SURF, KS_KIND_STRUCT, "only_fwd"));
	CHECK(!item(&SURF, KS_KIND_ENUM, "only_fwd_enum"));
}

TEST(kind_names)
{
	CHECK_STR(ks_kind_name(KS_KIND_TYPEDEF), "typedef");
	CHECK_INT(ks_kind_parse("union"), KS_KIND_UNION);
	CHECK_INT(ks_kind_parse("field"), KS_KIND_FIELD);
	CHECK_INT(ks_kind_parse("nope"), -1);
	CHECK_INT(ks_kind_parse(NULL), -1);
}

TEST(exact_defs)
{
	/* the first struct x wins */
	CHECK_STR(def(KS_KIND_STRUCT, "x"),
		  "{\"c\":\"struct x {\\n    long unsigned int v;\\n};\",\"kind\":\"struct\","
		  "\"members\":[{\"bits\":0,\"decl\":\"long unsigned int v\",\"name\":\"v\","
		  "\"offset\":0,\"type\":\"long unsigned int\"}],\"name\":\"x\",\"size\":8}");
	CHECK_STR(
	    def(KS_KIND_ENUM, "sgn"),
	    "{\"c\":\"enum sgn {\\n    SGN_NEG = -1,\\n    SGN_POS = 2,\\n};\",\"kind\":\"enum\","
	    "\"name\":\"sgn\",\"signed\":true,\"size\":4,\"values\":[{\"name\":\"SGN_NEG\","
	    "\"value\":-1},{\"name\":\"SGN_POS\",\"value\":2}]}");
	CHECK_STR(
	    def(KS_KIND_ENUM, "big"),
	    "{\"c\":\"enum big {\\n    BIG_ONE = 1ULL,\\n    BIG_MAX = 18446744073709551615ULL,"
	    "\\n};\",\"kind\":\"enum\",\"name\":\"big\",\"signed\":false,\"size\":8,\"values\":"
	    "[{\"name\":\"BIG_ONE\",\"value\":1},{\"name\":\"BIG_MAX\",\"value\":"
	    "\"18446744073709551615\"}]}");
	CHECK_STR(def(KS_KIND_TYPEDEF, "cb_t"),
		  "{\"c\":\"typedef int (*cb_t)(int, void *);\",\"kind\":\"typedef\",\"name\":"
		  "\"cb_t\",\"type\":\"int (*)(int, void *)\"}");
	CHECK_STR(
	    def(KS_KIND_TYPEDEF, "atomic_t"),
	    "{\"c\":\"typedef struct {\\n    int counter;\\n} atomic_t;\",\"kind\":\"typedef\","
	    "\"name\":\"atomic_t\",\"type\":\"struct {\\n    int counter;\\n}\"}");
	CHECK_STR(def(KS_KIND_ENUM, "(anon)"),
		  "{\"c\":\"enum {\\n    ANON_A = 0,\\n    ANON_B = 7,\\n    ANON_C = 9,\\n};\","
		  "\"kind\":\"enum\",\"name\":\"(anon)\",\"signed\":false,\"size\":4,\"values\":["
		  "{\"name\":\"ANON_A\",\"value\":0},{\"name\":\"ANON_B\",\"value\":7},"
		  "{\"name\":\"ANON_C\",\"value\":9}]}");
	CHECK_STR(
	    def(KS_KIND_STRUCT, "empty"),
	    "{\"c\":\"struct empty {};\",\"kind\":\"struct\",\"members\":[],\"name\":\"empty\","
	    "\"size\":0}");
}

static json_t *members(const char *name)
{
	json_t *j = json_loads(def(KS_KIND_STRUCT, name), 0, NULL);
	json_t *m = json_incref(json_object_get(j, "members"));

	json_decref(j);
	return m;
}

static json_t *member(json_t *arr, const char *name)
{
	size_t i;
	json_t *m;

	json_array_foreach(
	    arr, i, m) if (!strcmp(json_string_value(json_object_get(m, "name")), name)) return m;
	return NULL;
}

#define M_INT(arr, name, key) json_integer_value(json_object_get(member(arr, name), key))
#define M_STR(arr, name, key) json_string_value(json_object_get(member(arr, name), key))

TEST(flattened_members)
{
	json_t *all = members("all"), *outer = members("outer");
	static const char *const order[] = {
	    "kc",  "name",  "cp",   "fn", "dests",    "argv",  "p",    "done", "get",  "printk",
	    "v",   "r",	    "cv",   "m",  "handlers", "u",     "fs",   "fu",   "a",    "s",
	    "pos", "state", "pick", "ca", "cz",	      "flags", "mode", "pa",   "tail",
	};

	CHECK_INT(json_array_size(all), sizeof(order) / sizeof(*order));
	for (size_t i = 0; i < json_array_size(all) && i < sizeof(order) / sizeof(*order); i++)
		CHECK_STR(json_string_value(json_object_get(json_array_get(all, i), "name")),
			  order[i]);
	/* members of the anonymous union, lifted at its offset */
	CHECK_INT(M_INT(all, "a", "offset"), 3136);
	CHECK_INT(M_INT(all, "s", "offset"), 3136);
	CHECK_STR(M_STR(all, "s", "decl"),
		  "struct {\n    unsigned int b: 3;\n    unsigned int c: 5;\n} s");
	CHECK_INT(M_INT(all, "flags", "bits"), 1);
	CHECK_INT(M_INT(all, "mode", "bits"), 4);
	CHECK_INT(M_INT(all, "mode", "offset"), 3521);
	CHECK_INT(M_INT(all, "tail", "bits"), 0);
	CHECK_STR(M_STR(all, "fn", "type"), "int (*)(int, void *)");
	CHECK_STR(M_STR(all, "fn", "decl"), "int (*fn)(int, void *)");
	CHECK_STR(M_STR(all, "dests", "type"), "struct dm_io_region[8]");
	CHECK_STR(M_STR(all, "u", "type"), "int __attribute__((btf_type_tag(\"user\"))) *");
	/* two levels of anonymous members: 32 + 32 */
	CHECK_INT(json_array_size(outer), 4);
	CHECK_INT(M_INT(outer, "head", "offset"), 0);
	CHECK_INT(M_INT(outer, "pad", "offset"), 32);
	CHECK_INT(M_INT(outer, "deep", "offset"), 64);
	CHECK_INT(M_INT(outer, "c", "offset"), 64);
	json_decref(all);
	json_decref(outer);
}

/*
 * Every def must be exactly what jansson writes for it (compact, keys sorted), and its
 * hash the SHA-256 of those bytes. Returns the number of defs that are not.
 */
static unsigned canonical_failures(const struct ks_surface *s)
{
	unsigned bad = 0;

	for (size_t i = 0; i < s->n; i++) {
		json_error_t err;
		json_t *j = json_loads(s->items[i].def, 0, &err);
		char *again = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		uint8_t h[32];
		SHA2_CTX sha;

		SHA256Init(&sha);
		SHA256Update(&sha, (const uint8_t *)s->items[i].def, strlen(s->items[i].def));
		SHA256Final(h, &sha);
		if (!again || strcmp(again, s->items[i].def) || memcmp(h, s->items[i].hash, 32)) {
			if (bad++ < 3)
				fprintf(stderr, "%s %s: not canonical (%s)\n  %s\n  %s\n",
					ks_kind_name(s->items[i].kind), s->items[i].name,
					j ? "" : err.text, s->items[i].def, again ? again : "");
		}
		free(again);
		json_decref(j);
	}
	return bad;
}

TEST(canonical_json)
{
	CHECK_INT(canonical_failures(&SURF), 0);
}

TEST(odd_names)
{
	struct btf *b = btf__new_empty();
	struct ks_surface s;
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);

	/* names a C compiler would refuse, but BTF is outside input: escaped as jansson does */
	btf__add_typedef(b, "q\"uote\\back\x01" "ctl\ttab\x7f\xc3\xa9", i32);
	CHECK_INT(ks_surface_types(b, &s), 0);
	CHECK_INT(s.n, 1);
	CHECK_INT(canonical_failures(&s), 0);
	CHECK(s.n && strstr(s.items[0].def, "\"name\":\"q\\\"uote\\\\back\\u0001ctl\\ttab\x7f\xc3\xa9\"") != NULL);
	ks_surface_free(&s);
	btf__free(b);

	b = btf__new_empty();
	i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	btf__add_struct(b, "bad\xff", 4);
	btf__add_field(b, "v", i32, 0, 0);
	CHECK_INT(ks_surface_types(b, &s), -EINVAL);
	CHECK(strstr(ks_errmsg(), "not valid UTF-8") != NULL);
	CHECK_INT(s.n, 0);
	btf__free(b);
}

TEST(lying_btf)
{
	struct btf *b = btf__new_empty();
	struct ks_surface s;
	int an = btf__add_struct(b, NULL, 8);

	/* an anonymous struct holding itself twice: flattening would never end */
	btf__add_field(b, NULL, an, 0, 0);
	btf__add_field(b, NULL, an, 0, 0);
	btf__add_struct(b, "loop", 8);
	btf__add_field(b, NULL, an, 0, 0);
	CHECK_INT(ks_surface_types(b, &s), -ELOOP);
	CHECK(strstr(ks_errmsg(), "struct loop: nested too deep") != NULL);
	CHECK_INT(s.n, 0);
	btf__free(b);
}

static void check_real(const char *label, const struct btf *btf)
{
	struct ks_surface s;
	unsigned per_kind[KS_KIND__COUNT] = {0}, unsorted = 0;
	json_t *task;

	CHECK_INT(ks_surface_types(btf, &s), 0);
	for (size_t i = 0; i < s.n; i++) {
		per_kind[s.items[i].kind]++;
		if (i && (s.items[i - 1].kind > s.items[i].kind ||
			  (s.items[i - 1].kind == s.items[i].kind &&
			   strcmp(s.items[i - 1].name, s.items[i].name) >= 0)))
			unsorted++;
	}
	printf("     %s: %zu items (%u struct, %u union, %u enum, %u typedef), %u duplicates\n",
	       label, s.n, per_kind[0], per_kind[1], per_kind[2], per_kind[3], s.dup_total);
	CHECK_INT(unsorted, 0);
	CHECK(per_kind[KS_KIND_STRUCT] > 5000 && per_kind[KS_KIND_TYPEDEF] > 1000);
	CHECK(item(&s, KS_KIND_ENUM, "(anon)") != NULL);
	CHECK(item(&s, KS_KIND_ENUM, "bpf_func_id") != NULL);
	CHECK_INT(canonical_failures(&s), 0);
	task = json_loads(item(&s, KS_KIND_STRUCT, "task_struct")->def, 0, NULL);
	CHECK(task != NULL);
	/* pid is a plain member; a flattened sk_buff starts with next */
	CHECK(member(json_object_get(task, "members"), "pid") != NULL);
	json_decref(task);
	task = json_loads(item(&s, KS_KIND_STRUCT, "sk_buff")->def, 0, NULL);
	CHECK_STR(json_string_value(
		      json_object_get(json_array_get(json_object_get(task, "members"), 0), "name")),
		  "next");
	json_decref(task);
	ks_surface_free(&s);
}

TEST(real_kernels)
{
	const char *dir = test_shared_dir();
	struct btf *btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);

	if (btf) {
		check_real("/sys/kernel/btf/vmlinux", btf);
		btf__free(btf);
	}
	if (dir) {
		struct strbuf path = STRBUF_INIT;
		struct ks_bytes xz = {0}, raw = {0};

		sb_init(&path);
		sb_addf(&path, "%s/sid-7.2.13-amd64-amd64/vmlinux.btf.xz", dir);
		if (!ks_bytes_read_file(path.buf, &xz) &&
		    !ks_decompress(path.buf, xz.data, xz.size, 256u << 20, &raw) &&
		    (btf = btf__new(raw.data, raw.size))) {
			check_real("sid-7.2.13-amd64-amd64", btf);
			btf__free(btf);
		}
		ks_bytes_free(&xz);
		ks_bytes_free(&raw);
		sb_release(&path);
	}
}

int main(void)
{
	int ret;

	if (synth_build(&S) || add_extra(S.btf)) {
		fprintf(stderr, "cannot build the synthetic BTF\n");
		return 1;
	}
	ret = ks_surface_types(S.btf, &SURF);
	if (ret) {
		fprintf(stderr, "ks_surface_types: %d %s\n", ret, ks_errmsg());
		return 1;
	}
	RUN(items_and_order);
	RUN(kind_names);
	RUN(exact_defs);
	RUN(flattened_members);
	RUN(canonical_json);
	RUN(odd_names);
	RUN(lying_btf);
	RUN(real_kernels);
	ks_surface_free(&SURF);
	btf__free(S.btf);
	return TEST_SUMMARY();
}
