/* SPDX-License-Identifier: MIT */
#ifndef KSURF_STORE_GROUP_H
#define KSURF_STORE_GROUP_H

#include <stddef.h>

#include "store/store.h"

/*
 * Groups (SPEC §1): ordered lists of images with a pairing rule. Version groups pair
 * consecutive images; variant groups pair each image with the first (the baseline).
 */
enum ks_pairing { KS_PAIRING_VERSION, KS_PAIRING_VARIANT };

struct ks_group_member {
	size_t img;  /* index into the image list */
	char *label; /* short label: "6.1", "arm64", "cloud-amd64" */
};

struct ks_group {
	char *name;
	enum ks_pairing pairing;
	int user; /* defined by the user (stored), not derived */
	struct ks_group_member *m;
	size_t n;
};

struct ks_groups {
	struct ks_group *v;
	size_t n;
	size_t baseline;  /* index into the image list; valid when the list is not empty */
	char *baseline_why;
};

/*
 * Derive the default groups around a baseline (by name, or chosen when NULL: the arch
 * with most images, amd64 first on ties; its default flavor; the newest version),
 * then append the user-defined groups `user` (n_user rows, from the dataset).
 * Groups with fewer than two images are left out, except Regular, which is always
 * there. -ENOENT when the baseline or a group's image does not exist.
 */
int ks_groups_derive(const struct ks_image_list *imgs, const char *baseline,
		     const struct ks_group_row *user, size_t n_user, struct ks_groups *out);
void ks_groups_free(struct ks_groups *g);

/* Pair k of a group (0-based): indexes into g->m of the older/baseline and the newer/variant. */
size_t ks_group_npairs(const struct ks_group *g);
void ks_group_pair(const struct ks_group *g, size_t k, size_t *a, size_t *b);

/* Find a group by name (case-insensitive), or NULL. */
const struct ks_group *ks_groups_find(const struct ks_groups *g, const char *name);

const char *ks_pairing_name(enum ks_pairing p);

/* The flavor without arch words: "cloud-amd64" -> "cloud", "amd64" -> "" (default). */
void ks_flavor_family(const char *flavor, char *out, size_t size);

#endif
