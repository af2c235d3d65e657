/* SPDX-License-Identifier: MIT */
#include "surface/surface.h"

#include <string.h>

/* The words users type after `ksurf show` and that the dataset stores. */
static const char *const kind_names[KS_KIND__COUNT] = {
    [KS_KIND_STRUCT] = "struct",   [KS_KIND_UNION] = "union", [KS_KIND_ENUM] = "enum",
    [KS_KIND_TYPEDEF] = "typedef", [KS_KIND_FIELD] = "field",
    [KS_KIND_FUNC] = "func",	   [KS_KIND_TRACEPOINT] = "tracepoint",
    [KS_KIND_LSM] = "lsm",	   [KS_KIND_KFUNC] = "kfunc",
    [KS_KIND_SYSCALL] = "syscall", [KS_KIND_HELPER] = "helper",
    [KS_KIND_MAP_TYPE] = "map_type", [KS_KIND_PROG_TYPE] = "prog_type",
    [KS_KIND_ATTACH_TYPE] = "attach_type", [KS_KIND_CONFIG] = "config",
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
