/* SPDX-License-Identifier: MIT */
/*
 * A read-only JSON tree for the dataset's definitions, built for comparing many of them
 * fast: one parse allocates a few arena blocks (no allocation per value, no hash
 * tables), the elements of an array and the members of an object sit side by side, and
 * strings are unescaped once into the arena. Output still goes through jansson; this is
 * only the reading side of the diff (jansson's parser was 3/4 of a whole-surface diff).
 *
 * Accessors accept NULL and wrong types and answer "missing" ("", 0, NULL), as the
 * differs treat an absent key like an empty one.
 */
#ifndef KSURF_UTIL_JTREE_H
#define KSURF_UTIL_JTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ks_jtype {
	KS_JNULL,
	KS_JFALSE,
	KS_JTRUE,
	KS_JINT,
	KS_JREAL,
	KS_JSTR,
	KS_JARR,
	KS_JOBJ,
};

struct ks_jnode {
	const char *key; /* inside an object: the member's key; else NULL */
	union {
		const struct ks_jnode *kids; /* KS_JARR, KS_JOBJ: len nodes */
		const char *str;	     /* KS_JSTR: len bytes, NUL-terminated */
		long long i;		     /* KS_JINT */
		double d;		     /* KS_JREAL */
	} u;
	uint32_t len;
	uint8_t type;
};

struct ks_jblock;

/* One parsed document; everything it returns lives until ks_jdoc_free. */
struct ks_jdoc {
	const struct ks_jnode *root;
	struct ks_jblock *blocks;
};

/*
 * Parse text[0..len) (one JSON value, surrounding white space allowed) into doc. On
 * error returns -EINVAL with one line naming the byte offset and what is wrong
 * (ks_errmsg), and leaves doc empty. Nesting deeper than 512 levels is refused.
 */
int ks_jparse(struct ks_jdoc *doc, const char *text, size_t len);
void ks_jdoc_free(struct ks_jdoc *doc);

/* The member `key` of an object, or NULL. Objects are small: a linear search. */
const struct ks_jnode *ks_jget(const struct ks_jnode *obj, const char *key);
/* The i-th element of an array, or NULL. */
const struct ks_jnode *ks_jat(const struct ks_jnode *arr, size_t i);
/* Elements of an array (0 for anything else). */
size_t ks_jlen(const struct ks_jnode *arr);
/* A string's value, "" for anything else. */
const char *ks_jstr(const struct ks_jnode *n);
/* An integer's value, 0 for anything else. */
long long ks_jint(const struct ks_jnode *n);
static inline bool ks_jis(const struct ks_jnode *n, enum ks_jtype t)
{
	return n && n->type == t;
}
/* Shorthands: a member's string or integer value. */
const char *ks_jget_str(const struct ks_jnode *obj, const char *key);
long long ks_jget_int(const struct ks_jnode *obj, const char *key);
/* Deep equality: objects with the same members in any order (duplicate keys: in order). */
bool ks_jequal(const struct ks_jnode *a, const struct ks_jnode *b);

#endif
