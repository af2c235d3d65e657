/* SPDX-License-Identifier: MIT */
/* Kinds func, kfunc, lsm: extraction from BTF + symbols, and their differ. */
#include <bpf/btf.h>
#include <jansson.h>
#include <string.h>

#include "test.h"

#include "diff/change.h"
#include "ingest/symtab.h"
#include "surface/surface.h"
#include "surface/surface_int.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/strbuf.h"

static struct ks_surface SURF;

static const struct ks_item *find(const struct ks_surface *s, enum ks_kind k, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->items[i].kind == k && !strcmp(s->items[i].name, name))
			return &s->items[i];
	return NULL;
}

static const char *def(const struct ks_surface *s, enum ks_kind k, const char *name)
{
	const struct ks_item *it = find(s, k, name);

	return it ? it->def : NULL;
}

/* Every def is what jansson's compact sorted dump writes. */
static void check_canonical(const struct ks_surface *s)
{
	size_t bad = 0;

	for (size_t i = 0; i < s->n; i++) {
		json_t *j = json_loads(s->items[i].def, 0, NULL);
		char *again = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

		if (!again || strcmp(again, s->items[i].def)) {
			if (!bad++)
				fprintf(stderr, "not canonical: %s\n", s->items[i].def);
		}
		free(again);
		json_decref(j);
	}
	CHECK_INT(bad, 0);
}

static int add_func(struct btf *b, const char *name, int ret, int linkage)
{
	int proto = btf__add_func_proto(b, ret);

	return btf__add_func(b, name, linkage, proto);
}

static struct btf *synth(void)
{
	struct btf *b = btf__new_empty();
	int i32, chr, cchar, pcchar, file, pfile, hl, heads, plain, kf;

	i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	chr = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	cchar = btf__add_const(b, chr);
	pcchar = btf__add_ptr(b, cchar);
	file = btf__add_struct(b, "file", 8);
	btf__add_field(b, "f_flags", i32, 0, 0);
	pfile = btf__add_ptr(b, file);
	hl = btf__add_struct(b, "hlist_head", 8);
	btf__add_field(b, "first", pfile, 0, 0);
	heads = btf__add_struct(b, "security_hook_heads", 16);
	btf__add_field(b, "file_open", hl, 0, 0);
	btf__add_field(b, "task_alloc", hl, 64, 0);
	(void)heads;

	btf__add_func_proto(b, i32);
	btf__add_func_param(b, "file", pfile);
	btf__add_func_param(b, "n", i32);
	plain = btf__add_func(b, "plain", BTF_FUNC_GLOBAL, btf__type_cnt(b) - 1);
	add_func(b, "xform", 0, BTF_FUNC_STATIC);
	add_func(b, "gone", i32, BTF_FUNC_STATIC);
	add_func(b, "dup", i32, BTF_FUNC_STATIC);
	btf__add_func_proto(b, i32);
	btf__add_func_param(b, "fmt", pcchar);
	btf__add_func_param(b, "", 0);
	btf__add_func(b, "vprint", BTF_FUNC_GLOBAL, btf__type_cnt(b) - 1);
	btf__add_func_proto(b, i32);
	btf__add_func_param(b, "file", pfile);
	btf__add_func(b, "bpf_lsm_file_open", BTF_FUNC_GLOBAL, btf__type_cnt(b) - 1);
	add_func(b, "security_task_alloc", i32, BTF_FUNC_GLOBAL);
	kf = add_func(b, "bpf_task_acquire", i32, BTF_FUNC_GLOBAL);
	btf__add_decl_tag(b, "bpf_kfunc", kf, -1);
	(void)plain;
	return b;
}

static void add_sym(struct ks_symtab *st, char type, const char *name)
{
	ks_symtab_add(st, 0x1000 + st->n * 16, type, name, strlen(name));
}

static void synth_syms(struct ks_symtab *st)
{
	ks_symtab_init(st);
	add_sym(st, 'T', "plain");
	add_sym(st, 't', "__pfx_plain");
	add_sym(st, 't', "xform.isra.0");
	add_sym(st, 't', "xform.isra.0.cold");
	add_sym(st, 't', "dup");
	add_sym(st, 't', "dup");
	add_sym(st, 'T', "vprint");
	add_sym(st, 'W', "bpf_lsm_file_open");
	add_sym(st, 'T', "asm_only");
	add_sym(st, 't', "helper.constprop.0");
	add_sym(st, 'D', "some_data");
	add_sym(st, 'T', "bpf_task_acquire");
	add_sym(st, 'T', "security_task_alloc");
	add_sym(st, 'r', "__BTF_ID__func__bpf_task_acquire__17");
}

static int extract(struct btf *b, const struct ks_symtab *st, struct ks_surface *out)
{
	struct ks_surface_input in = {.btf = b, .syms = st};
	int ret;

	memset(out, 0, sizeof(*out));
	ret = ks_surface_funcs(&in, out);
	if (!ret)
		ret = ks_surface_kfuncs(&in, out);
	if (!ret)
		ret = ks_surface_lsm(&in, out);
	return ret;
}

TEST(func_statuses)
{
	CHECK_STR(def(&SURF, KS_KIND_FUNC, "plain"),
		  "{\"c\":\"int plain(struct file *file, int n)\",\"evidence\":[\"symbol plain (T, "
		  "global)\"],\"kind\":\"func\",\"linkage\":\"global\",\"name\":\"plain\",\"params\":["
		  "{\"decl\":\"struct file *file\",\"name\":\"file\",\"type\":\"struct file *\"},"
		  "{\"decl\":\"int n\",\"name\":\"n\",\"type\":\"int\"}],\"return\":\"int\"}");
	CHECK_STR(def(&SURF, KS_KIND_FUNC, "xform"),
		  "{\"c\":\"void xform(void)\",\"evidence\":[\"symbol xform.isra.0 (t, local)\","
		  "\"symbol xform.isra.0.cold (t, local)\"],\"kind\":\"func\",\"linkage\":\"static\","
		  "\"name\":\"xform\",\"params\":[],\"return\":\"void\",\"status\":[\"transformation\"]}");
	CHECK(strstr(def(&SURF, KS_KIND_FUNC, "gone"), "\"status\":[\"no symbol\"]"));
	CHECK(strstr(def(&SURF, KS_KIND_FUNC, "dup"),
		     "\"evidence\":[\"symbol dup (t, local) ×2\"]"));
	CHECK(strstr(def(&SURF, KS_KIND_FUNC, "dup"), "\"status\":[\"several symbols\"]"));
	CHECK_STR(def(&SURF, KS_KIND_FUNC, "asm_only"),
		  "{\"c\":\"asm_only\",\"evidence\":[\"symbol asm_only (T, global)\"],\"kind\":\"func\","
		  "\"name\":\"asm_only\",\"status\":[\"no BTF\"]}");
	CHECK(strstr(def(&SURF, KS_KIND_FUNC, "helper"), "\"status\":[\"no BTF\",\"transformation\"]"));
	CHECK(strstr(def(&SURF, KS_KIND_FUNC, "vprint"),
		     "\"c\":\"int vprint(const char *fmt, ...)\""));
	CHECK(strstr(def(&SURF, KS_KIND_FUNC, "vprint"),
		     "{\"decl\":\"...\",\"name\":\"...\",\"type\":\"...\"}"));
	CHECK(!find(&SURF, KS_KIND_FUNC, "some_data"));
	CHECK(!find(&SURF, KS_KIND_FUNC, "__pfx_plain"));
	check_canonical(&SURF);
}

TEST(no_symbols)
{
	struct btf *b = synth();
	struct ks_symtab st;
	struct ks_surface s;

	ks_symtab_init(&st);
	CHECK_INT(extract(b, &st, &s), 0);
	CHECK_STR(def(&s, KS_KIND_FUNC, "gone"),
		  "{\"c\":\"int gone(void)\",\"kind\":\"func\",\"linkage\":\"static\",\"name\":\"gone\","
		  "\"params\":[],\"return\":\"int\",\"symbols_known\":false}");
	CHECK(!find(&s, KS_KIND_FUNC, "asm_only"));
	check_canonical(&s);
	ks_surface_free(&s);
	ks_symtab_free(&st);
	btf__free(b);
}

TEST(kfuncs)
{
	struct btf *b = btf__new_empty();
	struct ks_symtab st;
	struct ks_surface s;

	CHECK_STR(def(&SURF, KS_KIND_KFUNC, "bpf_task_acquire"),
		  "{\"c\":\"int bpf_task_acquire(void)\",\"found\":\"bpf_kfunc decl tag\",\"kind\":"
		  "\"kfunc\",\"name\":\"bpf_task_acquire\",\"params\":[],\"return\":\"int\"}");
	/* Without decl tags: the __BTF_ID__func__ symbols, minus bpf_lsm_ hooks. */
	add_func(b, "old_kfunc", btf__add_int(b, "int", 4, BTF_INT_SIGNED), BTF_FUNC_GLOBAL);
	ks_symtab_init(&st);
	add_sym(&st, 'r', "__BTF_ID__func__old_kfunc__12");
	add_sym(&st, 'r', "__BTF_ID__func__old_kfunc__40");
	add_sym(&st, 'r', "__BTF_ID__func__bpf_lsm_file_open__3");
	add_sym(&st, 'r', "__BTF_ID__func__gone_kfunc__7");
	add_sym(&st, 'r', "__BTF_ID__func__bad");
	CHECK_INT(extract(b, &st, &s), 0);
	CHECK(strstr(def(&s, KS_KIND_KFUNC, "old_kfunc"), "\"found\":\"BTF_ID symbol\""));
	CHECK_STR(def(&s, KS_KIND_KFUNC, "gone_kfunc"),
		  "{\"c\":\"gone_kfunc\",\"found\":\"BTF_ID symbol\",\"kind\":\"kfunc\",\"name\":"
		  "\"gone_kfunc\",\"status\":[\"no BTF\"]}");
	CHECK(!find(&s, KS_KIND_KFUNC, "bpf_lsm_file_open"));
	CHECK(!find(&s, KS_KIND_KFUNC, "bad"));
	ks_surface_free(&s);
	ks_symtab_free(&st);
	btf__free(b);
}

TEST(lsm)
{
	struct btf *b = btf__new_empty();
	struct ks_symtab st;
	struct ks_surface s;

	CHECK_STR(def(&SURF, KS_KIND_LSM, "file_open"),
		  "{\"c\":\"int bpf_lsm_file_open(struct file *file)\",\"found\":\"security_hook_heads"
		  "\",\"kind\":\"lsm\",\"name\":\"file_open\",\"params\":[{\"decl\":\"struct file *file"
		  "\",\"name\":\"file\",\"type\":\"struct file *\"}],\"proto\":\"bpf_lsm_file_open\","
		  "\"return\":\"int\"}");
	CHECK(strstr(def(&SURF, KS_KIND_LSM, "task_alloc"), "\"proto\":\"security_task_alloc\""));
	/* No hook table: the bpf_lsm_ FUNCs name the hooks. */
	add_func(b, "bpf_lsm_bprm_check", btf__add_int(b, "int", 4, BTF_INT_SIGNED), BTF_FUNC_GLOBAL);
	ks_symtab_init(&st);
	CHECK_INT(extract(b, &st, &s), 0);
	CHECK(strstr(def(&s, KS_KIND_LSM, "bprm_check"), "\"found\":\"bpf_lsm_ FUNC\""));
	ks_surface_free(&s);
	ks_symtab_free(&st);
	btf__free(b);
}

/* The changes between two hand-made defs, as "type subject: old -> new" lines. */
static char *changes(const char *o, const char *n)
{
	struct ks_changes ch = {0};
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	if (ks_diff_defs(o, n, &ch) < 0)
		sb_add(&sb, "error");
	for (size_t i = 0; i < ch.n; i++)
		sb_addf(&sb, "%s %s: %s -> %s\n", ks_change_name(ch.v[i].type), ch.v[i].subject,
			ch.v[i].old ? ch.v[i].old : "-", ch.v[i].new ? ch.v[i].new : "-");
	ks_changes_free(&ch);
	return sb_detach(&sb);
}

#define P(n, t) "{\"decl\":\"" t " " n "\",\"name\":\"" n "\",\"type\":\"" t "\"}"
#define F(ret, params, status) \
	"{\"c\":\"x\",\"kind\":\"func\",\"name\":\"f\",\"params\":[" params "],\"return\":\"" ret \
	"\"" status "}"

static void check_diff(const char *o, const char *n, const char *want)
{
	char *got = changes(o, n);

	CHECK_STR(got, want);
	free(got);
}

TEST(differ)
{
	check_diff(F("int", P("a", "int"), ""), F("int", P("a", "int"), ""), "");
	check_diff(F("int", P("a", "int"), ""), F("long", P("a", "int"), ""),
		   "return_type_changed f: int -> long\n");
	/* Insertion in front: added, no reorder. */
	check_diff(F("int", P("a", "int") "," P("b", "int"), ""),
		   F("int", P("x", "long") "," P("a", "int") "," P("b", "int"), ""),
		   "param_added x: - -> long x\n");
	/* Swap: reordered. */
	check_diff(F("int", P("a", "int") "," P("b", "int"), ""),
		   F("int", P("b", "int") "," P("a", "int"), ""),
		   "param_reordered f: a, b -> b, a\n");
	check_diff(F("int", P("a", "int") "," P("b", "int"), ""), F("int", P("a", "int"), ""),
		   "param_removed b: int b -> -\n");
	/* Same position and type, other name: renamed; other type: removed + added. */
	check_diff(F("int", P("a", "int"), ""), F("int", P("z", "int"), ""),
		   "param_renamed z: int a -> int z\n");
	/* A name appearing where the old BTF had none is no rename (nor anything else). */
	check_diff(F("int", P("", "int"), ""), F("int", P("z", "int"), ""), "");
	check_diff(F("int", P("a", "int"), ""), F("int", P("z", "char"), ""),
		   "param_added z: - -> char z\nparam_removed a: int a -> -\n");
	check_diff(F("int", P("a", "int"), ""), F("int", P("a", "long"), ""),
		   "param_type_changed a: int a -> long a\n");
	check_diff(F("int", "", ""), F("int", "", ",\"status\":[\"transformation\"]"),
		   "status_changed f: none -> transformation\n");
	check_diff(F("int", "", ",\"status\":[\"no symbol\"]"), F("int", "", ""),
		   "status_changed f: no symbol -> none\n");
	/* Evidence alone (symbol letters) is not a change. */
	check_diff("{\"c\":\"x\",\"evidence\":[\"symbol f (t, local)\"],\"kind\":\"func\",\"name\":\"f\"}",
		   "{\"c\":\"x\",\"evidence\":[\"symbol f (T, global)\"],\"kind\":\"func\",\"name\":\"f\"}",
		   "");
}

static int load_xz(const char *path, struct ks_bytes *raw)
{
	struct ks_bytes xz = {0};
	int ret = ks_bytes_read_file(path, &xz);

	if (!ret)
		ret = ks_decompress(path, xz.data, xz.size, 256u << 20, raw);
	ks_bytes_free(&xz);
	return ret;
}

/* Counts as bpftool would give them: FUNC types and "bpf_kfunc" decl tags. */
static void btf_counts(const struct btf *b, size_t *funcs, size_t *tags)
{
	*funcs = *tags = 0;
	for (uint32_t id = 1; id < btf__type_cnt(b); id++) {
		const struct btf_type *t = btf__type_by_id(b, id);

		*funcs += btf_is_func(t);
		*tags += btf_is_decl_tag(t) && !strcmp(btf__name_by_offset(b, t->name_off), "bpf_kfunc");
	}
}

static void check_kernel(const char *dir, const char *name)
{
	struct strbuf p = STRBUF_INIT;
	struct ks_bytes braw = {0}, sraw = {0};
	struct ks_symtab st;
	struct ks_surface s;
	struct btf *b = NULL;
	size_t funcs, tags, protos = 0, dups = 0, kf = 0, lsm = 0, nosym = 0;

	sb_init(&p);
	ks_symtab_init(&st);
	sb_addf(&p, "%s/%s/vmlinux.btf.xz", dir, name);
	if (load_xz(p.buf, &braw) || !(b = btf__new(braw.data, braw.size))) {
		fprintf(stderr, "%s: cannot read BTF\n", name);
		CHECK(0);
		goto out;
	}
	sb_reset(&p);
	sb_addf(&p, "%s/%s/System.map.xz", dir, name);
	if (!load_xz(p.buf, &sraw))
		ks_sysmap_parse(p.buf, (const char *)sraw.data, sraw.size, &st);
	CHECK_INT(extract(b, &st, &s), 0);
	btf_counts(b, &funcs, &tags);
	for (size_t i = 0; i < s.n; i++) {
		const struct ks_item *it = &s.items[i];

		if (it->kind == KS_KIND_FUNC && strstr(it->def, "\"linkage\":")) {
			protos++;
			dups += it->dup_count;
		}
		nosym += it->kind == KS_KIND_FUNC && strstr(it->def, "\"no symbol\"");
		kf += it->kind == KS_KIND_KFUNC;
		lsm += it->kind == KS_KIND_LSM;
	}
	printf("     %s: %zu FUNC (%zu func items with prototype, %zu duplicates, %zu no symbol), "
	       "%zu func items, %zu kfunc (%zu tags), %zu lsm, %zu symbols\n",
	       name, funcs, protos, dups, nosym, s.n - kf - lsm, kf, tags, lsm, st.n);
	CHECK_INT(protos + dups, funcs);
	if (tags)
		CHECK_INT(kf, tags);
	CHECK(lsm > 200);
	if (!strcmp(name, "sid-7.2.13-amd64-amd64")) {
		CHECK_INT(funcs, 54616); /* bpftool btf dump file X | grep -c "] FUNC " */
		CHECK_INT(kf, 308);
		CHECK_INT(lsm, 272);
	}
	check_canonical(&s);
	ks_surface_free(&s);
out:
	btf__free(b);
	ks_symtab_free(&st);
	ks_bytes_free(&braw);
	ks_bytes_free(&sraw);
	sb_release(&p);
}

TEST(real_kernels)
{
	static const char *const names[] = {
		"bullseye-5.10.223-amd64-amd64", "bookworm-6.1.176-amd64-amd64",
		"bookworm-6.1.176-arm64-arm64",	 "trixie-6.12.117-amd64-amd64",
		"sid-7.2.13-amd64-amd64",	 "sid-7.2.13-s390x-s390x",
	};
	const char *dir = test_shared_dir();

	if (!dir) {
		printf("     (no shared kernels: real-kernel checks skipped)\n");
		return;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		check_kernel(dir, names[i]);
}

int main(void)
{
	struct btf *b = synth();
	struct ks_symtab st;
	int ret;

	synth_syms(&st);
	ret = extract(b, &st, &SURF);
	if (ret) {
		fprintf(stderr, "extract: %d %s\n", ret, ks_errmsg());
		return 1;
	}
	RUN(func_statuses);
	RUN(no_symbols);
	RUN(kfuncs);
	RUN(lsm);
	RUN(differ);
	RUN(real_kernels);
	ks_surface_free(&SURF);
	ks_symtab_free(&st);
	btf__free(b);
	return TEST_SUMMARY();
}
