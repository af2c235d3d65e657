/* SPDX-License-Identifier: MIT */
#include "surface/surface.h"

#include <string.h>

/* The words users type after `ksurf show` and that the dataset stores. */
static const char *const kind_names[KS_KIND__COUNT] = {
    [KS_KIND_STRUCT] = "struct",   [KS_KIND_UNION] = "union", [KS_KIND_ENUM] = "enum",
    [KS_KIND_TYPEDEF] = "typedef", [KS_KIND_FIELD] = "field",
};

const char *ks_kind_name(enum ks_kind kind)
{
	if ((unsigned)kind >= KS_KIND__COUNT)
		return "unknown";
	return kind_names[kind];
}

int ks_kind_parse(const char *name)
{
	for (int k = 0; k < KS_KIND__COUNT; k++)
		if (name && !strcmp(name, kind_names[k]))
			return k;
	return -1;
}
