/* SPDX-License-Identifier: MIT */
/* The C declaration printer on a hand-built BTF (synth_btf.h) and the running kernel's. */
#include "test.h"
#include "synth_btf.h"

#include "report/cdecl.h"
#include "util/strbuf.h"

static struct synth S;

/* What the printer gives for member `name` of struct all, with and without its name. */
static const struct {
	const char *name, *decl, *abstract;
} forms[] = {
    {"kc", "struct x *kc", "struct x *"},
    {"name", "const char *name", "const char *"},
    {"cp", "char * const cp", "char * const"},
    {"fn", "int (*fn)(int, void *)", "int (*)(int, void *)"},
    {"dests", "struct dm_io_region dests[8]", "struct dm_io_region[8]"},
    {"argv", "char *argv[4]", "char *[4]"},
    {"p", "int (*p)[3]", "int(*)[3]"},
    {"done", "void (*done)(void)", "void (*)(void)"},
    {"get", "struct x * (*get)(void)", "struct x * (*)(void)"},
    {"printk", "int (*printk)(const char *, ...)", "int (*)(const char *, ...)"},
    {"v", "volatile int v", "volatile int"},
    {"r", "int * restrict r", "int * restrict"},
    {"cv", "volatile const int cv", "volatile const int"},
    {"m", "int m[2][3]", "int[2][3]"},
    {"handlers", "void (*handlers[4])(int)", "void (*[4])(int)"},
    {"u", "int __attribute__((btf_type_tag(\"user\"))) *u",
     "int __attribute__((btf_type_tag(\"user\"))) *"},
    {"fs", "struct fwd_s *fs", "struct fwd_s *"},
    {"fu", "union fwd_u *fu", "union fwd_u *"},
    {"pos", "struct {\n    unsigned int lo;\n    unsigned int hi;\n} pos",
     "struct {\n    unsigned int lo;\n    unsigned int hi;\n}"},
    {"state", "enum {\n    ANON_A = 0,\n    ANON_B = 7,\n} state",
     "enum {\n    ANON_A = 0,\n    ANON_B = 7,\n}"},
    {"pick", "int (* (*pick)(int))(char)", "int (* (*)(int))(char)"},
    {"ca", "const int ca[2]", "const int[2]"},
    {"cz", "int cz[2]", "int[2]"}, /* GCC's const on the array itself is dropped */
    {"flags", "unsigned int flags", "unsigned int"},
    {"pa", "void (*pa)(int(*)[3])", "void (*)(int(*)[3])"},
    {"tail", "unsigned char tail", "unsigned char"},
};

static uint32_t member_type(const char *name)
{
	const struct btf_type *t = btf__type_by_id(S.btf, S.all);
	const struct btf_member *m = btf_members(t);

	for (uint32_t i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(S.btf, m->name_off), name))
			return m->type;
	return 0;
}

static char *decl(uint32_t id, const char *name, int indent)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	ks_cdecl(S.btf, id, name, indent, &sb);
	return sb_detach(&sb);
}

static char *def(uint32_t id)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	ks_cdecl_definition(S.btf, id, &sb);
	return sb_detach(&sb);
}

#define CHECK_OWNED(expr, want)                                                                    \
	do {                                                                                       \
		char *_s = (expr);                                                                 \
		CHECK_STR(_s, want);                                                               \
		free(_s);                                                                          \
	} while (0)

TEST(declarator_forms)
{
	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		uint32_t id = member_type(forms[i].name);

		CHECK(id != 0);
		CHECK_OWNED(decl(id, forms[i].name, 0), forms[i].decl);
		CHECK_OWNED(decl(id, NULL, 0), forms[i].abstract);
		CHECK_OWNED(decl(id, "", 0), forms[i].abstract);
	}
	CHECK_OWNED(decl(0, "p", 0), "void p");
	CHECK_OWNED(decl(0, NULL, 0), "void");
}

TEST(indent_of_inline_bodies)
{
	CHECK_OWNED(decl(member_type("pos"), "pos", 1),
		    "struct {\n        unsigned int lo;\n        unsigned int hi;\n    } pos");
}

TEST(struct_definition)
{
	CHECK_OWNED(def(S.all), "struct all {\n"
				"    struct x *kc;\n"
				"    const char *name;\n"
				"    char * const cp;\n"
				"    int (*fn)(int, void *);\n"
				"    struct dm_io_region dests[8];\n"
				"    char *argv[4];\n"
				"    int (*p)[3];\n"
				"    void (*done)(void);\n"
				"    struct x * (*get)(void);\n"
				"    int (*printk)(const char *, ...);\n"
				"    volatile int v;\n"
				"    int * restrict r;\n"
				"    volatile const int cv;\n"
				"    int m[2][3];\n"
				"    void (*handlers[4])(int);\n"
				"    int __attribute__((btf_type_tag(\"user\"))) *u;\n"
				"    struct fwd_s *fs;\n"
				"    union fwd_u *fu;\n"
				"    union {\n"
				"        int a;\n"
				"        struct {\n"
				"            unsigned int b: 3;\n"
				"            unsigned int c: 5;\n"
				"        } s;\n"
				"    };\n"
				"    struct {\n"
				"        unsigned int lo;\n"
				"        unsigned int hi;\n"
				"    } pos;\n"
				"    enum {\n"
				"        ANON_A = 0,\n"
				"        ANON_B = 7,\n"
				"    } state;\n"
				"    int (* (*pick)(int))(char);\n"
				"    const int ca[2];\n"
				"    int cz[2];\n"
				"    unsigned int flags: 1;\n"
				"    unsigned int mode: 4;\n"
				"    void (*pa)(int(*)[3]);\n"
				"    unsigned char tail;\n"
				"};");
	CHECK_OWNED(def(S.ops), "struct ops {\n"
				"    void (*open)(void);\n"
				"    int (*printk)(const char *, ...);\n"
				"};");
	CHECK_OWNED(def(S.packed), "struct desc_ptr {\n"
				   "    short unsigned int size;\n"
				   "    long unsigned int address;\n"
				   "} __attribute__((packed));");
	CHECK_OWNED(def(S.empty), "struct empty {};");
}

TEST(other_definitions)
{
	CHECK_OWNED(def(S.big), "enum big {\n"
				"    BIG_ONE = 1ULL,\n"
				"    BIG_MAX = 18446744073709551615ULL,\n"
				"};");
	CHECK_OWNED(def(S.sgn), "enum sgn {\n    SGN_NEG = -1,\n    SGN_POS = 2,\n};");
	CHECK_OWNED(def(S.anon_td), "typedef struct {\n    int counter;\n} atomic_t;");
	CHECK_OWNED(def(S.cb_t), "typedef int (*cb_t)(int, void *);");
	CHECK_OWNED(def(S.func), "int vfs_like(struct x *file, char *buf);");
	CHECK_OWNED(def(S.fwd_s), "struct fwd_s;");
}

TEST(enumerator)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	ks_cdecl_enumerator(S.btf, S.big, 1, &sb);
	CHECK_STR(sb.buf, "BIG_MAX = 18446744073709551615ULL");
	sb_reset(&sb);
	ks_cdecl_enumerator(S.btf, S.sgn, 0, &sb);
	CHECK_STR(sb.buf, "SGN_NEG = -1");
	sb_reset(&sb);
	ks_cdecl_enumerator(S.btf, S.sgn, 9, &sb); /* out of range: nothing */
	CHECK_STR(sb.buf, "");
	sb_release(&sb);
}

/*
 * The cache must print what the plain printer prints: every type's declaration with
 * and without a name, at two indent levels, and every definition. Returns the number
 * of differences.
 */
static unsigned cached_equals_plain(const struct btf *btf)
{
	struct ks_cdecl_cache *cc = ks_cdecl_cache_new(btf);
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	unsigned bad = 0;

	sb_init(&a);
	sb_init(&b);
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t id = 0; id < btf__type_cnt(btf); id++) {
			for (int k = 0; k < 4; k++) {
				const char *name = k & 1 ? "nm" : NULL;

				sb_reset(&a);
				sb_reset(&b);
				if (k == 3) {
					ks_cdecl_definition(btf, id, &a);
					ks_cdecl_definition_cached(cc, id, &b);
				} else {
					ks_cdecl(btf, id, name, k, &a);
					ks_cdecl_cached(cc, id, name, k, &b);
				}
				if (strcmp(a.buf, b.buf) && bad++ < 3)
					fprintf(stderr, "[%u] plain \"%s\" cached \"%s\"\n", id,
						a.buf, b.buf);
			}
		}
	}
	ks_cdecl_cache_free(cc);
	sb_release(&a);
	sb_release(&b);
	return bad;
}

TEST(cache_is_transparent)
{
	CHECK_INT(cached_equals_plain(S.btf), 0);
}

/* BTF is outside input: cycles must end, and quickly, with a visible mark. */
TEST(lying_btf)
{
	struct btf *b = btf__new_empty();
	struct strbuf sb = STRBUF_INIT;
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int c1 = btf__add_const(b, i32 + 2), c2 = btf__add_const(b, c1); /* c1 <-> c2 */
	int an = btf__add_struct(b, NULL, 8), loop;

	/* an anonymous struct holding itself three times */
	btf__add_field(b, NULL, an, 0, 0);
	btf__add_field(b, NULL, an, 0, 0);
	btf__add_field(b, NULL, an, 0, 0);
	btf__add_field(b, "x", c2, 0, 0);
	loop = btf__add_struct(b, "loop", 8);
	btf__add_field(b, NULL, an, 0, 0);
	sb_init(&sb);
	ks_cdecl(b, c2, "v", 0, &sb);
	CHECK(sb.len < 4096 && strstr(sb.buf, " const const"));
	sb_reset(&sb);
	ks_cdecl_definition(b, loop, &sb);
	CHECK(sb.len < (16u << 20) && strstr(sb.buf, "/* nested too deep */"));
	sb_reset(&sb);
	ks_cdecl(b, 12345, "v", 0, &sb);
	CHECK_STR(sb.buf, "/* bad type [12345] */ v");
	sb_release(&sb);
	btf__free(b);
}

static uint32_t find(const struct btf *btf, const char *name, int kind)
{
	int id = btf__find_by_name_kind(btf, name, kind);

	return id > 0 ? (uint32_t)id : 0;
}

static int contains(const struct btf *btf, uint32_t id, const char *needle)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	sb_init(&sb);
	ks_cdecl_definition(btf, id, &sb);
	r = strstr(sb.buf, needle) != NULL;
	if (!r)
		fprintf(stderr, "no \"%s\" in:\n%s\n", needle, sb.buf);
	sb_release(&sb);
	return r;
}

TEST(running_kernel)
{
	struct btf *btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	uint32_t task, skb;

	if (!btf) {
		printf("     (no readable /sys/kernel/btf/vmlinux; skipped)\n");
		return;
	}
	task = find(btf, "task_struct", BTF_KIND_STRUCT);
	skb = find(btf, "sk_buff", BTF_KIND_STRUCT);
	CHECK(task && skb);
	CHECK(contains(btf, task, "struct task_struct {\n    struct thread_info thread_info;\n"));
	CHECK(contains(btf, task, "\n    struct list_head tasks;\n"));
	CHECK(contains(btf, task, "\n    pid_t pid;\n"));
	CHECK(contains(btf, task, "\n    const struct cred *real_cred;\n"));
	CHECK(contains(btf, skb,
		       "\n    union {\n        struct {\n            struct sk_buff *next;\n"));
	CHECK(contains(btf, skb, ": 1;\n"));
	CHECK_INT(cached_equals_plain(btf), 0);
	btf__free(btf);
}

int main(void)
{
	if (synth_build(&S)) {
		fprintf(stderr, "cannot build the synthetic BTF\n");
		return 1;
	}
	RUN(declarator_forms);
	RUN(indent_of_inline_bodies);
	RUN(struct_definition);
	RUN(other_definitions);
	RUN(enumerator);
	RUN(cache_is_transparent);
	RUN(lying_btf);
	RUN(running_kernel);
	btf__free(S.btf);
	return TEST_SUMMARY();
}
