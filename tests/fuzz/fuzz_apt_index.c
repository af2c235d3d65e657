/* SPDX-License-Identifier: MIT */
/*
 * ksurf fetch's parsers from arbitrary bytes. The first byte picks the input: a Packages
 * index (whose kernel packages then go through image grouping and every selection mode),
 * deb822 sources, or one-line sources (then the suite lookup). A failure must leave one
 * line of message; nothing may crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/index.h"
#include "fetch/select.h"
#include "fetch/sources.h"
#include "util/err.h"

static void check_msg(int ret)
{
	if (ret && (!*ks_errmsg() || strchr(ks_errmsg(), '\n')))
		abort();
}

static void packages(const char *text, size_t size)
{
	static const struct ks_fetch_rule rules[] = {
		{"s*", "*", "*", "newest"}, {NULL, "amd64", NULL, "latest"},
		{"*", NULL, "cloud-*", "all"}, {NULL, NULL, NULL, "6.1.0-5*"},
	};
	struct ks_kpkg_list l = {0};
	struct ks_fetch_set set = {0};
	int ret = ks_apt_index_parse("fuzz", text, size, "sid", &l);

	check_msg(ret);
	ks_fetch_images(&l, &set);
	ks_fetch_select(&set, rules, sizeof(rules) / sizeof(rules[0]));
	for (size_t i = 0; i < set.n; i++)
		if (ks_fetch_image_size(&set.v[i], 1, 1) < set.v[i].kernel->size)
			abort();
	ks_fetch_set_free(&set);
	ks_kpkg_list_free(&l);
}

static void sources(const char *text, size_t size, int deb822)
{
	struct ks_apt_sources s = {0};
	int ret = ks_apt_sources_parse("fuzz", text, size, deb822, &s);

	check_msg(ret);
	for (size_t i = 0; i < s.n; i++)
		if (!s.v[i].uri || !s.v[i].nsuites || !s.v[i].ncomponents)
			abort();
	ks_apt_source_for_suite(&s, "sid", "bookworm");
	ks_apt_source_for_suite(&s, "trixie-security", NULL);
	ks_apt_sources_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	ks_err_clear();
	switch (data[0] % 3) {
	case 0: packages((const char *)data + 1, size - 1); break;
	case 1: sources((const char *)data + 1, size - 1, 1); break;
	default: sources((const char *)data + 1, size - 1, 0); break;
	}
	return 0;
}
