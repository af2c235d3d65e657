/* SPDX-License-Identifier: MIT */
#ifndef KSURF_DIFF_CHANGE_H
#define KSURF_DIFF_CHANGE_H

#include <stddef.h>

/*
 * Change types of SPEC §5. The string names (ks_change_name) are stable: they appear
 * in JSON and CSV output and users filter on them.
 */
enum ks_change_type {
	KS_CHG_FIELD_ADDED,	   /* "field_added" */
	KS_CHG_FIELD_REMOVED,	   /* "field_removed" */
	KS_CHG_FIELD_TYPE,	   /* "field_type_changed" */
	KS_CHG_LAYOUT_OFFSET,	   /* "offset_changed"   (layout) */
	KS_CHG_LAYOUT_SIZE,	   /* "size_changed"     (layout) */
	KS_CHG_LAYOUT_BITFIELD,	   /* "bitfield_changed" (layout) */
	KS_CHG_ENUM_VALUE_ADDED,   /* "value_added" */
	KS_CHG_ENUM_VALUE_REMOVED, /* "value_removed" */
	KS_CHG_ENUM_VALUE_CHANGED, /* "value_changed" */
	KS_CHG_TYPEDEF_TYPE,	   /* "typedef_type_changed" */
	KS_CHG_KIND,		   /* "kind_changed": struct became union... */
	/* Functions, LSM hooks, kfuncs, tracepoint probes (SPEC §5). */
	KS_CHG_PARAM_ADDED,	   /* "param_added" */
	KS_CHG_PARAM_REMOVED,	   /* "param_removed" */
	KS_CHG_PARAM_RENAMED,	   /* "param_renamed": same position and type */
	KS_CHG_PARAM_REORDERED,	   /* "param_reordered": surviving params' relative order */
	KS_CHG_PARAM_TYPE,	   /* "param_type_changed" */
	KS_CHG_RETURN_TYPE,	   /* "return_type_changed" */
	KS_CHG_STATUS,		   /* "status_changed": inline/transformation/collision... */
	/* Tracepoints. */
	KS_CHG_TP_EVENT,	   /* "event_changed": the event record struct changed */
	KS_CHG_TP_FORMAT,	   /* "format_changed": the format string changed */
	KS_CHG_TP_CLASS,	   /* "class_changed": the event moved to another class */
	KS_CHG__COUNT,
};

const char *ks_change_name(enum ks_change_type t);
/* Human heading as on DepSurf's pages: "Field added", "Field type changed"... */
const char *ks_change_title(enum ks_change_type t);
/* Whether a change type is a layout change (filterable group). */
int ks_change_is_layout(enum ks_change_type t);

/*
 * One change. old/new are human strings (a member declaration "sector_t write_offset",
 * "unsigned int x: 3"; an enumerator "BPF_FOO = 3"; an offset "byte 8" or "bit 3"; a size
 * "72 bytes"; a bitfield width "3" or "not a bitfield"; a typedef's target type; a kind
 * name), NULL where not applicable; subject names what changed (field or enumerator
 * name; the item's name for size, typedef and kind changes). An enum whose size changes
 * reports size_changed, as a struct does. See docs/defs.md.
 */
struct ks_change {
	enum ks_change_type type;
	char *subject;
	char *old;
	char *new;
};

struct ks_changes {
	struct ks_change *v;
	size_t n, cap;
};

void ks_changes_free(struct ks_changes *c);
void ks_changes_add(struct ks_changes *c, enum ks_change_type t, const char *subject,
		    const char *old_s, const char *new_s);

/* The per-pair status of an item (SPEC §5). */
enum ks_pair_status {
	KS_PAIR_ABSENT_BOTH,
	KS_PAIR_ADDED,
	KS_PAIR_REMOVED,
	KS_PAIR_UNCHANGED,
	KS_PAIR_CHANGED,
};

const char *ks_pair_status_name(enum ks_pair_status s);

/*
 * Compare two canonical defs (JSON text from ks_surface_types, either may be NULL for
 * "absent") of one item and fill `out` with the changes in a stable order: for
 * struct/union the fields in the new definition's order, then removed fields in the
 * old order, then size; for enums the enumerators likewise. Returns the pair status,
 * or a negative errno if a def cannot be parsed.
 */
int ks_diff_defs(const char *old_def, const char *new_def, struct ks_changes *out);

/*
 * The same in steps, for callers that compare one def in several pairs and parse it
 * once: ks_diff_def_pair decides on the texts alone (absent, added, removed, unchanged
 * bytes or evidence only) and says KS_PAIR_CHANGED when the trees must be compared;
 * ks_def_parse parses a def (ks_jdoc_free it); ks_diff_def_trees compares two parsed
 * defs (KS_PAIR_CHANGED or KS_PAIR_UNCHANGED).
 */
struct ks_jdoc;
struct ks_jnode;
int ks_diff_def_pair(const char *old_def, const char *new_def);
int ks_def_parse(const char *def, struct ks_jdoc *doc);
int ks_diff_def_trees(const struct ks_jnode *o, const struct ks_jnode *n, struct ks_changes *out);

#endif
