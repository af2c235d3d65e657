/* SPDX-License-Identifier: MIT */
#ifndef KSURF_FETCH_SELECT_H
#define KSURF_FETCH_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "fetch/index.h"
#include "ingest/identity.h"

/*
 * One kernel image the archives offer: the packages that carry it, chosen smallest
 * first (linux-binary-unsigned + linux-base, linux-binary + linux-base,
 * linux-image-*-unsigned, linux-image-*), plus its -dbg and modules packages when the
 * archive has them. Pointers point into the ks_kpkg_list the set was built from.
 */
struct ks_fetch_image {
	const struct ks_kpkg *kernel;
	const struct ks_kpkg *base;    /* config + System.map for linux-binary, or NULL */
	const struct ks_kpkg *dbg;     /* or NULL */
	const struct ks_kpkg *modules; /* or NULL (older images carry their modules) */
	char *suites;		       /* every suite offering this package version, ' '-separated */
	struct ks_identity ident;      /* version, revision, flavor, arch (name unset) */
	char *series;		       /* "6.1" */
	int selected;
};

struct ks_fetch_set {
	struct ks_fetch_image *v;
	size_t n;
};

void ks_fetch_set_free(struct ks_fetch_set *set);

/*
 * Group the kernel packages into images, one per (arch, release): the newest package
 * version wins; among suites offering that same version, the first in pkgs order is
 * named first. Images with no package carrying a kernel (only metapackages) are left
 * out. Sorted by arch, flavor, then version.
 */
void ks_fetch_images(const struct ks_kpkg_list *pkgs, struct ks_fetch_set *out);

/*
 * A selection rule: globs (fnmatch) on the suite, arch and flavor, and which ABIs:
 * "newest" (the newest ABI of each kernel series x.y per arch and flavor among the
 * images the rule matches), "latest" (the same, for the highest series only), "all",
 * or a glob on the release ("6.1.0-5*-amd64"), the ABI revision ("50") or the version.
 */
struct ks_fetch_rule {
	const char *suite;
	const char *arch;
	const char *flavor;
	const char *abi;
};

/* Mark (selected = 1) the images any rule picks; returns how many are selected. */
size_t ks_fetch_select(struct ks_fetch_set *set, const struct ks_fetch_rule *rules, size_t n);

/* Bytes of an image's download: kernel + base, + dbg and modules when asked and present. */
uint64_t ks_fetch_image_size(const struct ks_fetch_image *img, int with_debug, int with_modules);

/* A preset: the suites and arches to configure apt with, and the rules. */
struct ks_fetch_preset {
	const char *name;
	const char *distro; /* "debian" or "ubuntu" */
	const char *suites[8];
	const char *arches[12]; /* NULL first: the host's arch */
	struct ks_fetch_rule rules[8];
};

/* The preset `name` for `distro` ("debian", "ubuntu"), or NULL. */
const struct ks_fetch_preset *ks_fetch_preset_find(const char *name, const char *distro);

/* The usual flavor of an arch in Debian ("amd64" -> "amd64", "armhf" -> "armmp"). */
const char *ks_fetch_default_flavor(const char *arch, const char *distro);

#endif
