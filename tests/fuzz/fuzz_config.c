/* SPDX-License-Identifier: MIT */
/*
 * ks_config_parse on arbitrary text: entries parsed or one error naming the input; the
 * entries are sorted and unique by name, and the config items made of them are the
 * canonical JSON that jansson writes for the same object.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/config.h"
#include "surface/surface.h"
#include "surface/surface_int.h"
#include "util/err.h"

static void check_items(const struct ks_config *c)
{
	struct ks_surface_input in = {.config = c};
	struct ks_surface s = {0};

	ks_err_clear();
	if (ks_surface_kconfig(&in, &s)) {
		if (strncmp(ks_errmsg(), "config ", 7))
			abort();
		ks_surface_free(&s);
		return;
	}
	if (s.n != c->n)
		abort();
	for (size_t i = 0; i < s.n; i++) {
		json_t *j = json_loads(s.items[i].def, 0, NULL);
		char *again;

		if (!j)
			abort();
		again = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		if (!again || strcmp(again, s.items[i].def) || strcmp(s.items[i].name, c->v[i].name))
			abort();
		free(again);
		json_decref(j);
	}
	ks_surface_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ks_config c = {0};
	int ret;

	ks_err_clear();
	ret = ks_config_parse("fuzz", (const char *)data, size, &c);
	if (ret && strncmp(ks_errmsg(), "fuzz", 4))
		abort();
	for (size_t i = 0; !ret && i < c.n; i++)
		if (!c.v[i].name || !c.v[i].value || (i && strcmp(c.v[i - 1].name, c.v[i].name) >= 0))
			abort();
	if (!ret)
		check_items(&c);
	ks_config_free(&c);
	return 0;
}
