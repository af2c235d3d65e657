/* SPDX-License-Identifier: MIT */
#ifndef KSURF_FETCH_APT_H
#define KSURF_FETCH_APT_H

#include <stddef.h>

#include "fetch/index.h"
#include "fetch/sources.h"

/*
 * A private apt inside ksurf's cache directory, driven through the system's apt-get:
 *
 *   CACHE/apt/apt.conf         given to apt as $APT_CONFIG: every Dir:: below, the
 *                              architectures asked for, no translations or contents;
 *                              the same settings also go on apt's command line (-o)
 *   CACHE/apt/sources.list     the suites asked for, mirrors and keyrings taken from
 *                              the system's sources
 *   CACHE/apt/state/           lists/ (the indices), an empty dpkg status
 *   CACHE/apt/cache/           apt's binary caches
 *   CACHE/partial/             downloads in progress (never trusted unless complete)
 *   CACHE/debs/                finished packages, checked against the index's SHA256
 *
 * The system's apt configuration, lists and dpkg architectures are never touched.
 */
struct ks_apt {
	char *dir;	/* CACHE/apt */
	char *conf;	/* CACHE/apt/apt.conf */
	char *partial;	/* CACHE/partial */
	char *debs;	/* CACHE/debs */
	char *log;	/* CACHE/apt/apt.log: the last apt command's stderr */
	int progress;	/* apt's own progress on stderr */
	char **oargs;	/* "-o", "KEY=VALUE" pairs given to every apt run */
	size_t noargs;
};

/* The default cache directory: $XDG_CACHE_HOME/ksurf or ~/.cache/ksurf (malloc'ed). */
char *ks_apt_default_cache(void);

/*
 * Create the directories and write apt.conf for `arches` (the first is apt's native
 * architecture). Returns 0 or a negative errno naming the path.
 */
int ks_apt_open(struct ks_apt *apt, const char *cache, const char *const *arches, size_t narch,
		int progress);
void ks_apt_close(struct ks_apt *apt);

/* Write sources.list: suite i from srcs[i] (components and keyring as that source's). */
int ks_apt_write_sources(struct ks_apt *apt, const char *const *suites,
			 const struct ks_apt_source *const *srcs, size_t n);

/*
 * `apt-get update` in the private configuration. Each error apt reports (a suite the
 * mirror lacks, a bad signature) becomes one warning; returns 0 when apt succeeded,
 * else -EIO (the indices that did arrive are still usable).
 */
int ks_apt_update(struct ks_apt *apt);

/* Read the kernel packages of every Packages index apt holds (per `apt-get indextargets`). */
int ks_apt_load_index(struct ks_apt *apt, struct ks_kpkg_list *out);

/*
 * Have package k in CACHE/debs: kept when already there with the right size and SHA256
 * (*fetched = 0), else fetched with `apt-get download` into CACHE/partial
 * and checked (*fetched = 1). A cached file with a wrong checksum is fetched again.
 * *path (malloc'ed) is the package's path. Returns 0 or a negative errno with one line
 * naming the package and what went wrong (apt's own message when apt failed).
 */
int ks_apt_fetch(struct ks_apt *apt, const struct ks_kpkg *k, char **path, int *fetched);

/* SHA-256 of a file as 64 lowercase hex digits; 0 or a negative errno. */
int ks_sha256_file(const char *path, char out[65]);

#endif
