/* SPDX-License-Identifier: MIT */
/* The definitions' JSON reader (util/jtree.h), against jansson as the oracle. */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jtree_oracle.h"
#include "test.h"
#include "util/err.h"
#include "util/jtree.h"

/* Parses text with both readers and checks they agree. */
static int same_as_jansson(const char *text)
{
	struct ks_jdoc doc;
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
	int ok = j && !ks_jparse(&doc, text, strlen(text)) && jtree_same(doc.root, j);

	if (ok)
		ks_jdoc_free(&doc);
	json_decref(j);
	return ok;
}

TEST(values)
{
	CHECK(same_as_jansson("{}"));
	CHECK(same_as_jansson("[]"));
	CHECK(same_as_jansson(" [1, -2, 0, 3.5, -1e3, true, false, null, \"x\"] "));
	CHECK(same_as_jansson("9223372036854775807"));
	CHECK(same_as_jansson("-9223372036854775808"));
	CHECK(same_as_jansson("4611686018427387904"));
	CHECK(same_as_jansson("{\"a\":{\"b\":[[],[{}],{\"c\":\"d\"}]},\"e\":\"\"}"));
	CHECK(same_as_jansson("\"tab\\t nl\\n quote\\\" slash\\/ back\\\\ \\u00e9 \\ud83d\\ude00\""));
	CHECK(same_as_jansson("\"\\u20ac and \\b\\f\\r\""));
}

/* A real def: members side by side, keys found, accessors safe on anything. */
TEST(def)
{
	static const char def[] =
		"{\"c\":\"struct x {\\n\\tint a;\\n}\",\"kind\":\"struct\",\"members\":["
		"{\"bits\":0,\"decl\":\"int a\",\"name\":\"a\",\"offset\":0,\"type\":\"int\"},"
		"{\"bits\":3,\"decl\":\"unsigned int b\",\"name\":\"b\",\"offset\":32,"
		"\"type\":\"unsigned int\"}],\"name\":\"x\",\"size\":8}";
	struct ks_jdoc doc;
	const struct ks_jnode *m;

	CHECK_INT(ks_jparse(&doc, def, strlen(def)), 0);
	CHECK_STR(ks_jget_str(doc.root, "kind"), "struct");
	CHECK_STR(ks_jget_str(doc.root, "c"), "struct x {\n\tint a;\n}");
	CHECK_INT(ks_jget_int(doc.root, "size"), 8);
	m = ks_jget(doc.root, "members");
	CHECK_INT(ks_jlen(m), 2);
	CHECK_STR(ks_jget_str(ks_jat(m, 1), "name"), "b");
	CHECK_INT(ks_jget_int(ks_jat(m, 1), "offset"), 32);
	CHECK(!ks_jat(m, 2));
	CHECK(!ks_jget(doc.root, "absent"));
	CHECK_STR(ks_jget_str(doc.root, "size"), "");
	CHECK_INT(ks_jget_int(doc.root, "kind"), 0);
	CHECK_INT(ks_jlen(doc.root), 0);
	CHECK(!ks_jget(m, "name"));
	CHECK(!ks_jget(NULL, "name"));
	CHECK_STR(ks_jstr(NULL), "");
	CHECK(ks_jequal(ks_jat(m, 0), ks_jat(m, 0)));
	CHECK(!ks_jequal(ks_jat(m, 0), ks_jat(m, 1)));
	ks_jdoc_free(&doc);
}

/* Object equality ignores member order, as jansson's json_equal does. */
TEST(equal)
{
	struct ks_jdoc a, b, c;

	CHECK_INT(ks_jparse(&a, "{\"x\":1,\"y\":[1,2]}", 17), 0);
	CHECK_INT(ks_jparse(&b, "{\"y\":[1,2],\"x\":1}", 17), 0);
	CHECK_INT(ks_jparse(&c, "{\"y\":[2,1],\"x\":1}", 17), 0);
	CHECK(ks_jequal(a.root, b.root));
	CHECK(!ks_jequal(a.root, c.root));
	ks_jdoc_free(&a);
	ks_jdoc_free(&b);
	ks_jdoc_free(&c);
}

/* Bad text: one message with the byte offset, and nothing to free. */
TEST(errors)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"", "definition: unexpected end at byte 0"},
		{"{\"a\":1,}", "definition: expected a key at byte 7"},
		{"[1 2]", "definition: expected ',' or ']' at byte 3"},
		{"{\"a\" 1}", "definition: expected ':' at byte 5"},
		{"\"abc", "definition: unterminated string at byte 0"},
		{"\"a\\qb\"", "definition: bad escape in a string at byte 2"},
		{"\"\\ud800x\"", "definition: unpaired surrogate in a \\u escape at byte 7"},
		{"\"\\u0000\"", "definition: \\u0000 in a string at byte 7"},
		{"\"a\tb\"", "definition: control character in a string at byte 2"},
		{"01", "definition: number with a leading zero at byte 0"},
		{"-", "definition: bad number at byte 0"},
		{"1.", "definition: bad number at byte 0"},
		{"tru", "definition: unexpected character at byte 0"},
		{"{} x", "definition: text after the value at byte 3"},
	};
	char deep[1200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ks_jdoc doc;

		CHECK_INT(ks_jparse(&doc, bad[i].text, strlen(bad[i].text)), -EINVAL);
		CHECK_STR(ks_errmsg(), bad[i].msg);
		CHECK(!doc.root && !doc.blocks);
	}
	memset(deep, '[', sizeof(deep));
	{
		struct ks_jdoc doc;

		CHECK_INT(ks_jparse(&doc, deep, sizeof(deep)), -EINVAL);
		CHECK_STR(ks_errmsg(), "definition: nesting too deep at byte 512");
	}
}

/* Lengths are honoured: text after len is not read (no NUL needed). */
TEST(length)
{
	struct ks_jdoc doc;

	CHECK_INT(ks_jparse(&doc, "[1,2]garbage", 5), 0);
	CHECK_INT(ks_jlen(doc.root), 2);
	ks_jdoc_free(&doc);
	CHECK_INT(ks_jparse(&doc, "\"abc\"", 3), -EINVAL);
}

/* Large documents grow the arena past its first block. */
TEST(large)
{
	size_t n = 20000, len = 0;
	char *text = malloc(n * 24 + 16);
	struct ks_jdoc doc;

	len += (size_t)sprintf(text, "[");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%s{\"v\":%zu,\"s\":\"x%zu\"}", i ? "," : "", i, i);
	text[len++] = ']';
	text[len] = '\0';
	CHECK(same_as_jansson(text));
	CHECK_INT(ks_jparse(&doc, text, len), 0);
	CHECK_INT(ks_jget_int(ks_jat(doc.root, n - 1), "v"), (long long)(n - 1));
	ks_jdoc_free(&doc);
	free(text);
}

int main(void)
{
	RUN(values);
	RUN(def);
	RUN(equal);
	RUN(errors);
	RUN(length);
	RUN(large);
	return TEST_SUMMARY();
}
