/* SPDX-License-Identifier: MIT */
/*
 * Definitions by id, read and parsed at most once while they are in use. A group diff
 * compares each image against its neighbour or the baseline: the middle images of a
 * version chain and the baseline of a variant group appear in several pairs, and their
 * defs are read from the dataset and parsed once for all of them.
 */
#ifndef KSURF_DIFF_DEFCACHE_H
#define KSURF_DIFF_DEFCACHE_H

#include <stdint.h>

#include "util/jtree.h"

/* Reads one def body (malloc'ed) by id; 0 or a negative errno. */
typedef int (*ks_def_fetch_fn)(void *ctx, int64_t def_id, char **body);

struct ks_def_entry {
	int64_t id;
	char *text;
	struct ks_jdoc doc; /* doc.root is NULL until parsed */
	int parse_err;	    /* negative errno of a failed parse, with its message */
	char *parse_msg;
	uint32_t gen; /* the last generation that used it */
	uint8_t want_parse;
};

struct ks_def_cache;

struct ks_def_cache *ks_def_cache_new(ks_def_fetch_fn fetch, void *ctx);
void ks_def_cache_free(struct ks_def_cache *c);

/*
 * The entry of def id, read on first use (on the calling thread: the fetch function's
 * connection is not shared). Marks it used by the current generation. Entries stay put
 * until ks_def_cache_next_gen. 0 or the fetch's negative errno.
 */
int ks_def_cache_get(struct ks_def_cache *c, int64_t id, struct ks_def_entry **out);

/*
 * Parse the entries in v[0..n) that have no tree yet, on the available cores; a failed
 * parse is recorded in its entry (parse_err, parse_msg), not returned.
 */
void ks_def_cache_parse(struct ks_def_entry **v, size_t n);

/* Start a new generation: entries the current one did not use are dropped. */
void ks_def_cache_next_gen(struct ks_def_cache *c);


#endif
