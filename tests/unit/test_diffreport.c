/* SPDX-License-Identifier: MIT */
/* `ksurf diff` logic: whole-surface comparison, counts, order, CSV; field defs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/surfdiff.h"
#include "report/diffreport.h"
#include "report/field.h"
#include "test.h"

#define S1 "{\"c\":\"\",\"kind\":\"struct\",\"members\":[{\"bits\":0,\"decl\":\"int a\",\"name\":\"a\",\"offset\":0,\"type\":\"int\"}],\"name\":\"s\",\"size\":4}"
#define S2 "{\"c\":\"\",\"kind\":\"struct\",\"members\":[{\"bits\":0,\"decl\":\"long a\",\"name\":\"a\",\"offset\":0,\"type\":\"long\"},{\"bits\":3,\"decl\":\"int b\",\"name\":\"b\",\"offset\":67,\"type\":\"int\"}],\"name\":\"s\",\"size\":16}"
/* equal in meaning, different bytes: the differ finds no change */
#define S1B "{\"c\":\"x\",\"kind\":\"struct\",\"members\":[{\"bits\":0,\"decl\":\"int a\",\"name\":\"a\",\"offset\":0,\"type\":\"int\"}],\"name\":\"s\",\"size\":4}"

static const char *const bodies[] = {NULL, S1, S2, S1B, "{not json"};

static int fetch(void *ctx, int64_t id, char **body)
{
	(void)ctx;
	if (id < 1 || id > 4)
		return -2;
	*body = strdup(bodies[id]);
	return 0;
}

/* Items: 0 struct zz, 1 struct aa, 2 enum e, 3 func f, 4 struct mm; kinds in odd order. */
static void table(struct ks_item_table *t)
{
	static int64_t ids[] = {1, 2, 3, 4, 5};
	static uint32_t kind[] = {0, 0, 2, 1, 0};
	static uint32_t name[] = {0, 3, 6, 8, 10};
	static char pool[] = "zz\0aa\0e\0f\0mm";
	static char *kinds[] = {"struct", "func", "enum"};

	t->ids = ids;
	t->kind = kind;
	t->name = name;
	t->n = 5;
	t->kinds = kinds;
	t->nkinds = 3;
	t->pool = pool;
}

TEST(kind_order)
{
	struct ks_item_table t;
	uint32_t order[3], rank[3];

	table(&t);
	ks_kind_display_order(&t, order, rank);
	CHECK_STR(t.kinds[order[0]], "struct");
	CHECK_STR(t.kinds[order[1]], "enum");
	CHECK_STR(t.kinds[order[2]], "func");
	CHECK_INT(rank[2], 1);
}

TEST(surfaces)
{
	struct ks_item_table t;
	/* a: zz(S1) aa(S1) e(S1) mm(S1); b: zz(S2) aa(S1) f(S1) mm(S1B) */
	struct ks_image_def av[] = {{0, 0, 1, 0}, {1, 0, 1, 0}, {2, 0, 1, 0}, {4, 0, 1, 0}};
	struct ks_image_def bv[] = {{0, 0, 2, 0}, {1, 0, 1, 0}, {3, 0, 1, 0}, {4, 0, 3, 0}};
	struct ks_image_defs a = {av, 4}, b = {bv, 4};
	struct ks_surface_diff_in in = {.a = &a, .b = &b, .fetch = fetch};
	struct ks_surface_diff d;
	uint32_t order[3], rank[3];

	table(&t);
	in.items = &t;
	CHECK_INT(ks_diff_surfaces(&in, &d), 0);
	CHECK_INT(d.kinds[0].old, 3);
	CHECK_INT(d.kinds[0].new, 3);
	CHECK_INT(d.kinds[0].changed, 1);
	CHECK_INT(d.kinds[0].unchanged, 2);
	CHECK_INT(d.kinds[0].by_type[KS_CHG_FIELD_TYPE], 1);
	CHECK_INT(d.kinds[0].by_type[KS_CHG_FIELD_ADDED], 1);
	CHECK_INT(d.kinds[0].by_type[KS_CHG_LAYOUT_SIZE], 1);
	CHECK_INT(d.kinds[2].removed, 1);
	CHECK_INT(d.kinds[1].added, 1);
	for (int k = 0; k < 3; k++)
		CHECK_INT(d.kinds[k].old + d.kinds[k].added - d.kinds[k].removed, d.kinds[k].new);
	ks_kind_display_order(&t, order, rank);
	ks_surface_diff_sort(&d, &t, rank);
	CHECK_INT(d.n, 3);
	if (d.n == 3) {
		CHECK_STR(ks_item_table_name(&t, d.v[0].item), "zz");
		CHECK_INT(d.v[0].status, KS_PAIR_CHANGED);
		CHECK_STR(ks_item_table_name(&t, d.v[1].item), "e");
		CHECK_INT(d.v[1].status, KS_PAIR_REMOVED);
		CHECK_STR(ks_item_table_name(&t, d.v[2].item), "f");
		CHECK_INT(d.v[2].status, KS_PAIR_ADDED);
	}
	ks_surface_diff_free(&d);

	/* only enums: the rest is not even counted */
	uint8_t wanted[3] = {0, 0, 1};
	in.wanted = wanted;
	CHECK_INT(ks_diff_surfaces(&in, &d), 0);
	CHECK_INT(d.kinds[0].old, 0);
	CHECK_INT(d.kinds[2].removed, 1);
	CHECK_INT(d.n, 1);
	ks_surface_diff_free(&d);

	/* a def that does not parse fails with the item's name */
	bv[0].def = 4;
	in.wanted = NULL;
	CHECK(ks_diff_surfaces(&in, &d) < 0);
}

TEST(many_tasks)
{
	/* enough differing items to start worker threads; all counted once */
	enum { N = 500 };
	struct ks_item_table t;
	struct ks_image_def *av = calloc(N, sizeof(*av)), *bv = calloc(N, sizeof(*bv));
	int64_t *ids = calloc(N, sizeof(*ids));
	uint32_t *kind = calloc(N, sizeof(*kind)), *name = calloc(N, sizeof(*name));
	static char *kinds[] = {"struct"};
	struct ks_surface_diff d;

	for (uint32_t i = 0; i < N; i++) {
		ids[i] = i + 1;
		av[i] = (struct ks_image_def){i, 0, 1, 0};
		bv[i] = (struct ks_image_def){i, 0, i % 2 ? 2 : 3, 0};
	}
	t = (struct ks_item_table){.ids = ids, .kind = kind, .name = name, .n = N,
				   .kinds = kinds, .nkinds = 1, .pool = (char *)""};
	struct ks_image_defs a = {av, N}, b = {bv, N};
	struct ks_surface_diff_in in = {.items = &t, .a = &a, .b = &b, .fetch = fetch};

	CHECK_INT(ks_diff_surfaces(&in, &d), 0);
	CHECK_INT(d.kinds[0].changed, N / 2);
	CHECK_INT(d.kinds[0].unchanged, N / 2);
	CHECK_INT(d.n, N / 2);
	ks_surface_diff_free(&d);
	free(av);
	free(bv);
	free(ids);
	free(kind);
	free(name);
}

TEST(csv_and_width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ks_csv_field(f, "plain");
	fputc('|', f);
	ks_csv_field(f, "a, \"b\"\nc");
	fclose(f);
	CHECK_STR(buf, "plain|\"a, \"\"b\"\"\nc\"");
	free(buf);
	CHECK_INT(ks_text_width("5.10 → 6.1"), 10);
}

TEST(field_def)
{
	char *f1 = NULL, *f2 = NULL, *none = (char *)"x";
	struct ks_changes ch = {0};

	CHECK_INT(ks_field_def(S1, "a", &f1), 0);
	CHECK_STR(f1, "{\"bits\":0,\"c\":\"int a;\",\"decl\":\"int a\",\"evidence\":[\"in struct s at byte 0\"],"
		      "\"field\":\"a\",\"kind\":\"field\",\"name\":\"s::a\",\"offset\":0,\"parent\":\"struct\","
		      "\"type\":\"int\"}");
	CHECK_INT(ks_field_def(S2, "b", &f2), 0);
	CHECK(f2 && strstr(f2, "\"c\":\"int b: 3;\"") && strstr(f2, "at bit 67, a 3-bit bitfield"));
	CHECK_INT(ks_field_def(S1, "b", &none), 0);
	CHECK(none == NULL);
	CHECK(ks_field_def("{not json", "a", &none) < 0);
	free(f2);
	CHECK_INT(ks_field_def(S2, "a", &f2), 0);
	CHECK_INT(ks_diff_defs(f1, f2, &ch), KS_PAIR_CHANGED);
	CHECK_INT(ch.n, 1);
	if (ch.n == 1) {
		CHECK_INT(ch.v[0].type, KS_CHG_FIELD_TYPE);
		CHECK_STR(ch.v[0].old, "int a");
		CHECK_STR(ch.v[0].new, "long a");
	}
	ks_changes_free(&ch);
	free(f2);
	CHECK_INT(ks_field_def(S2, "b", &f2), 0);
	/* a different field of the same name elsewhere: offset and bitfield changes */
	char *moved = strdup(f2);
	char *p = strstr(moved, "\"offset\":67");
	memcpy(p, "\"offset\":64", 11);
	p = strstr(moved, "\"bits\":3");
	memcpy(p, "\"bits\":0", 8);
	CHECK_INT(ks_diff_defs(f2, moved, &ch), KS_PAIR_CHANGED);
	CHECK_INT(ch.n, 2);
	if (ch.n == 2) {
		CHECK_INT(ch.v[0].type, KS_CHG_LAYOUT_OFFSET);
		CHECK_STR(ch.v[0].old, "bit 67");
		CHECK_STR(ch.v[0].new, "byte 8");
		CHECK_INT(ch.v[1].type, KS_CHG_LAYOUT_BITFIELD);
		CHECK_STR(ch.v[1].new, "not a bitfield");
	}
	ks_changes_free(&ch);
	free(moved);
	free(f1);
	free(f2);
}

int main(void)
{
	RUN(kind_order);
	RUN(surfaces);
	RUN(many_tasks);
	RUN(csv_and_width);
	RUN(field_def);
	return TEST_SUMMARY();
}
