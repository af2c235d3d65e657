/* SPDX-License-Identifier: MIT */
/*
 * The config items of one image: every entry of its kernel configuration, including
 * "# CONFIG_X is not set" (value "n"), so that "not set" (the option exists in this
 * kernel's Kconfig) is told apart from "absent" (no such option in this kernel).
 * Values are kept as the config file writes them: y, m, n, 123, 0x10, "a string".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/config.h"
#include "surface/surface_int.h"
#include "util/err.h"
#include "util/jsonw.h"
#include "util/strbuf.h"

/*
 * The def: {"c":"CONFIG_BPF_LSM=y","kind":"config","name":"CONFIG_BPF_LSM","value":"y"};
 * c is the config file's own line ("# CONFIG_X is not set" for n).
 */
static int push_entry(struct ks_surface *out, const struct ks_config_entry *e,
		      struct strbuf *c, struct strbuf *def)
{
	char *copy;
	int ret;

	sb_reset(c);
	sb_reset(def);
	if (!strcmp(e->value, "n"))
		sb_addf(c, "# %s is not set", e->name);
	else
		sb_addf(c, "%s=%s", e->name, e->value);
	sb_add(def, "{\"c\":");
	ret = ks_jsonw_str(def, c->buf, c->len);
	sb_add(def, ",\"kind\":\"config\",\"name\":");
	ret = ret ?: ks_jsonw_str(def, e->name, strlen(e->name));
	sb_add(def, ",\"value\":");
	ret = ret ?: ks_jsonw_str(def, e->value, strlen(e->value));
	sb_addc(def, '}');
	if (ret)
		return ks_err(-EINVAL, "config %s: value is not valid UTF-8", e->name);
	copy = strdup(def->buf);
	if (!copy)
		abort();
	ks_surface_push(out, KS_KIND_CONFIG, e->name, copy, 0);
	return 0;
}

int ks_surface_kconfig(const struct ks_surface_input *in, struct ks_surface *out)
{
	struct strbuf c = STRBUF_INIT, def = STRBUF_INIT;
	int ret = 0;

	if (!in->config)
		return 0;
	sb_init(&c);
	sb_init(&def);
	for (size_t i = 0; i < in->config->n && !ret; i++)
		ret = push_entry(out, &in->config->v[i], &c, &def);
	sb_release(&c);
	sb_release(&def);
	return ret;
}
