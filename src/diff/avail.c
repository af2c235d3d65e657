/* SPDX-License-Identifier: MIT */
/*
 * Differs of the availability kinds, whose defs carry one comparable value:
 * helper, map_type, prog_type, attach_type (the enumerator's value: an id that moved is
 * an ABI change), config (the option's value) and syscall (its number). Everything else
 * in these defs follows from the name and the value, or is not a change to a user (a
 * syscall found by symbols in one image and in the table in the other).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "diff/diff_int.h"

static const char *str_of(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

/* helper, map_type, prog_type, attach_type: "BPF_FUNC_x = 113" → "BPF_FUNC_x = 114". */
void ks_diff_enumerator(json_t *o, json_t *n, struct ks_changes *out)
{
	if (!json_equal(json_object_get(o, "value"), json_object_get(n, "value")))
		ks_changes_add(out, KS_CHG_ENUM_VALUE_CHANGED, str_of(n, "name"), str_of(o, "c"),
			       str_of(n, "c"));
}

/* config: "CONFIG_X=m" → "CONFIG_X=y", "# CONFIG_X is not set" → "CONFIG_X=y". */
void ks_diff_config(json_t *o, json_t *n, struct ks_changes *out)
{
	if (strcmp(str_of(o, "value"), str_of(n, "value")))
		ks_changes_add(out, KS_CHG_ENUM_VALUE_CHANGED, str_of(n, "name"), str_of(o, "c"),
			       str_of(n, "c"));
}

/* syscall: "257 openat" → "258 openat", when both images know the number. */
void ks_diff_syscall(json_t *o, json_t *n, struct ks_changes *out)
{
	json_t *a = json_object_get(o, "number"), *b = json_object_get(n, "number");
	char sa[64], sb[64];
	const char *name = str_of(n, "name");

	if (!json_is_integer(a) || !json_is_integer(b) ||
	    json_integer_value(a) == json_integer_value(b))
		return;
	snprintf(sa, sizeof(sa), "%lld %s", (long long)json_integer_value(a), name);
	snprintf(sb, sizeof(sb), "%lld %s", (long long)json_integer_value(b), name);
	ks_changes_add(out, KS_CHG_ENUM_VALUE_CHANGED, name, sa, sb);
}
