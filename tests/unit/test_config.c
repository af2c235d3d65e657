/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "ingest/config.h"
#include "test.h"
#include "util/err.h"

static const char *value(const struct ks_config *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].name, name))
			return c->v[i].value;
	return NULL;
}

TEST(parses_values_and_not_set)
{
	const char *t = "#\n# Automatically generated file; DO NOT EDIT.\n"
			"# Linux/x86 6.1.176 Kernel Configuration\n#\n"
			"CONFIG_BPF=y\nCONFIG_EXT4_FS=m\n# CONFIG_BPF_LSM is not set\n"
			"CONFIG_HZ=250\nCONFIG_LOCALVERSION=\"\"\n\nCONFIG_HZ=1000\n";
	struct ks_config c;

	CHECK_INT(ks_config_parse("cfg", t, strlen(t), &c), 0);
	CHECK_STR(value(&c, "CONFIG_BPF"), "y");
	CHECK_STR(value(&c, "CONFIG_EXT4_FS"), "m");
	CHECK_STR(value(&c, "CONFIG_BPF_LSM"), "n");
	CHECK_STR(value(&c, "CONFIG_HZ"), "1000"); /* the last assignment wins */
	CHECK_STR(value(&c, "CONFIG_LOCALVERSION"), "\"\"");
	CHECK_INT(c.n, 5);
	for (size_t i = 1; i < c.n; i++)
		CHECK(strcmp(c.v[i - 1].name, c.v[i].name) < 0);
	ks_config_free(&c);
}

TEST(rejects_garbage_with_line)
{
	const char *t = "CONFIG_A=y\nthis is not config\n";
	struct ks_config c;

	CHECK_INT(ks_config_parse("cfg", t, strlen(t), &c), -EINVAL);
	CHECK(strstr(ks_errmsg(), "cfg: line 2") != NULL);
}

TEST(not_a_config)
{
	const char *t = "hello world\n";
	struct ks_config c;

	CHECK_INT(ks_config_parse("x", t, strlen(t), &c), -ENOMSG);
	CHECK_INT(ks_config_parse("x", "\0\1\2", 3, &c), -ENOMSG);
	CHECK_INT(ks_config_parse("x", "", 0, &c), -ENOMSG);
}

int main(void)
{
	RUN(parses_values_and_not_set);
	RUN(rejects_garbage_with_line);
	RUN(not_a_config);
	return TEST_SUMMARY();
}
