/* SPDX-License-Identifier: MIT */
/*
 * The registry of differs for the kinds beyond types. Add a kind: write its differ in
 * src/diff/<kind>.c, declare it in diff_int.h, add one line here. A kind without a
 * differ reports nothing beyond presence (added, removed).
 */
#include <string.h>

#include "diff/diff_int.h"

static const struct {
	const char *kind;
	void (*fn)(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out);
} differs[] = {
	{"field", ks_diff_field},
	{"func", ks_diff_proto},
	{"kfunc", ks_diff_proto},
	{"lsm", ks_diff_proto},
	{"helper", ks_diff_enumerator},
	{"map_type", ks_diff_enumerator},
	{"prog_type", ks_diff_enumerator},
	{"attach_type", ks_diff_enumerator},
	{"config", ks_diff_config},
	{"syscall", ks_diff_syscall},
	{"tracepoint", ks_diff_tracepoint},
	{NULL, NULL},
};

void ks_diff_other_kind(const char *kind, const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	for (size_t i = 0; differs[i].kind; i++)
		if (!strcmp(differs[i].kind, kind)) {
			differs[i].fn(o, n, out);
			return;
		}
}
