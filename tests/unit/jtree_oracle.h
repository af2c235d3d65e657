/* SPDX-License-Identifier: MIT */
/* A parsed ks_jnode tree compared with jansson's reading of the same text (the oracle). */
#ifndef KSURF_TEST_JTREE_ORACLE_H
#define KSURF_TEST_JTREE_ORACLE_H

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "util/jtree.h"

static int jtree_same(const struct ks_jnode *a, json_t *j)
{
	switch (a->type) {
	case KS_JNULL:
		return json_is_null(j);
	case KS_JTRUE:
		return json_is_true(j);
	case KS_JFALSE:
		return json_is_false(j);
	case KS_JINT:
		return json_is_integer(j) && json_integer_value(j) == a->u.i;
	case KS_JREAL:
		/* jansson reads big integers as errors, we as reals: compare what both read */
		return json_is_real(j) && (json_real_value(j) == a->u.d ||
					   fabs(json_real_value(j) - a->u.d) <= 1e-9 * fabs(a->u.d));
	case KS_JSTR:
		return json_is_string(j) && json_string_length(j) == a->len &&
		       !memcmp(json_string_value(j), a->u.str, a->len);
	case KS_JARR:
		if (!json_is_array(j) || json_array_size(j) != a->len)
			return 0;
		for (uint32_t i = 0; i < a->len; i++)
			if (!jtree_same(&a->u.kids[i], json_array_get(j, i)))
				return 0;
		return 1;
	case KS_JOBJ:
		if (!json_is_object(j) || json_object_size(j) != a->len)
			return 0;
		for (uint32_t i = 0; i < a->len; i++) {
			json_t *m = json_object_get(j, a->u.kids[i].key);

			if (!m || !jtree_same(&a->u.kids[i], m))
				return 0;
		}
		return 1;
	}
	return 0;
}

#endif
