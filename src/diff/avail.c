/* SPDX-License-Identifier: MIT */
/*
 * Differs of the availability kinds, whose defs carry one comparable value:
 * helper, map_type, prog_type, attach_type (the enumerator's value: an id that moved is
 * an ABI change), config (the option's value) and syscall (its number). Everything else
 * in these defs follows from the name and the value, or is not a change to a user (a
 * syscall found by symbols in one image and in the table in the other).
 */
#include <stdio.h>
#include <string.h>

#include "diff/diff_int.h"

/* helper, map_type, prog_type, attach_type: "BPF_FUNC_x = 113" → "BPF_FUNC_x = 114". */
void ks_diff_enumerator(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	if (!ks_jequal(ks_jget(o, "value"), ks_jget(n, "value")))
		ks_changes_add(out, KS_CHG_ENUM_VALUE_CHANGED, ks_jget_str(n, "name"), ks_jget_str(o, "c"),
			       ks_jget_str(n, "c"));
}

/* config: "CONFIG_X=m" → "CONFIG_X=y", "# CONFIG_X is not set" → "CONFIG_X=y". */
void ks_diff_config(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	if (strcmp(ks_jget_str(o, "value"), ks_jget_str(n, "value")))
		ks_changes_add(out, KS_CHG_ENUM_VALUE_CHANGED, ks_jget_str(n, "name"), ks_jget_str(o, "c"),
			       ks_jget_str(n, "c"));
}

/* syscall: "257 openat" → "258 openat", when both images know the number. */
void ks_diff_syscall(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out)
{
	const struct ks_jnode *a = ks_jget(o, "number"), *b = ks_jget(n, "number");
	char sa[64], sb[64];
	const char *name = ks_jget_str(n, "name");

	if (!ks_jis(a, KS_JINT) || !ks_jis(b, KS_JINT) || a->u.i == b->u.i)
		return;
	snprintf(sa, sizeof(sa), "%lld %s", a->u.i, name);
	snprintf(sb, sizeof(sb), "%lld %s", b->u.i, name);
	ks_changes_add(out, KS_CHG_ENUM_VALUE_CHANGED, name, sa, sb);
}
