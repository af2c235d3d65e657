/* SPDX-License-Identifier: MIT */
#ifndef KSURF_REPORT_FIELD_H
#define KSURF_REPORT_FIELD_H

#include <stdio.h>

#include "report/report.h"

/*
 * Fields (SPEC §3): `ksurf show field STRUCT::FIELD`. A field is not stored as an item;
 * its def (docs/defs.md, "field") is derived from the parent struct or union def's
 * flattened members, so the page compares exactly what the parent's changes say.
 */

/* The field def of member `field` of a parent def (malloc'ed in *out), or *out = NULL when
 * the parent has no such member. 0 or -EINVAL when the parent def does not parse. */
int ks_field_def(const char *parent_def, const char *field, char **out);

/*
 * The page of one field: `page` as for the parent item, except that name is
 * "STRUCT::FIELD" and defs[i] are the parent's defs (struct or union, NULL when absent).
 * -ENOENT when no image has the field.
 */
int ks_report_field(FILE *out, const struct ks_page *page, enum ks_format fmt,
		    const struct ks_style *st);

#endif
