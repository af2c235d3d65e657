/* SPDX-License-Identifier: MIT */
/* Change types, their names and the list they are collected in. */
#include "diff/change.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const struct {
	const char *name, *title;
	int layout;
} change_types[KS_CHG__COUNT] = {
    [KS_CHG_FIELD_ADDED] = {"field_added", "Field added", 0},
    [KS_CHG_FIELD_REMOVED] = {"field_removed", "Field removed", 0},
    [KS_CHG_FIELD_TYPE] = {"field_type_changed", "Field type changed", 0},
    [KS_CHG_LAYOUT_OFFSET] = {"offset_changed", "Offset changed", 1},
    [KS_CHG_LAYOUT_SIZE] = {"size_changed", "Size changed", 1},
    [KS_CHG_LAYOUT_BITFIELD] = {"bitfield_changed", "Bitfield changed", 1},
    [KS_CHG_ENUM_VALUE_ADDED] = {"value_added", "Value added", 0},
    [KS_CHG_ENUM_VALUE_REMOVED] = {"value_removed", "Value removed", 0},
    [KS_CHG_ENUM_VALUE_CHANGED] = {"value_changed", "Value changed", 0},
    [KS_CHG_TYPEDEF_TYPE] = {"typedef_type_changed", "Typedef type changed", 0},
    [KS_CHG_KIND] = {"kind_changed", "Kind changed", 0},
    [KS_CHG_PARAM_ADDED] = {"param_added", "Param added", 0},
    [KS_CHG_PARAM_REMOVED] = {"param_removed", "Param removed", 0},
    [KS_CHG_PARAM_RENAMED] = {"param_renamed", "Param renamed", 0},
    [KS_CHG_PARAM_REORDERED] = {"param_reordered", "Params reordered", 0},
    [KS_CHG_PARAM_TYPE] = {"param_type_changed", "Param type changed", 0},
    [KS_CHG_RETURN_TYPE] = {"return_type_changed", "Return type changed", 0},
    [KS_CHG_STATUS] = {"status_changed", "Status changed", 0},
    [KS_CHG_TP_EVENT] = {"event_changed", "Event record changed", 0},
    [KS_CHG_TP_FORMAT] = {"format_changed", "Format changed", 0},
    [KS_CHG_TP_CLASS] = {"class_changed", "Class changed", 0},
};

const char *ks_change_name(enum ks_change_type t)
{
	return (unsigned)t < KS_CHG__COUNT ? change_types[t].name : "unknown";
}

const char *ks_change_title(enum ks_change_type t)
{
	return (unsigned)t < KS_CHG__COUNT ? change_types[t].title : "Unknown change";
}

int ks_change_is_layout(enum ks_change_type t)
{
	return (unsigned)t < KS_CHG__COUNT && change_types[t].layout;
}

const char *ks_pair_status_name(enum ks_pair_status s)
{
	switch (s) {
	case KS_PAIR_ABSENT_BOTH:
		return "absent";
	case KS_PAIR_ADDED:
		return "added";
	case KS_PAIR_REMOVED:
		return "removed";
	case KS_PAIR_UNCHANGED:
		return "unchanged";
	case KS_PAIR_CHANGED:
		return "changed";
	}
	return "unknown";
}


void ks_changes_add(struct ks_changes *c, enum ks_change_type t, const char *subject,
		    const char *old_s, const char *new_s)
{
	struct ks_change *x;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		struct ks_change *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			abort();
		c->v = v;
		c->cap = cap;
	}
	x = &c->v[c->n++];
	x->type = t;
	x->subject = ks_xstrdup_or_null(subject);
	x->old = ks_xstrdup_or_null(old_s);
	x->new = ks_xstrdup_or_null(new_s);
}

void ks_changes_free(struct ks_changes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].subject);
		free(c->v[i].old);
		free(c->v[i].new);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}
