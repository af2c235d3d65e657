/* SPDX-License-Identifier: MIT */
/* Derived groups: baseline choice, Regular/Revision/Arch/Flavor, labels, pairing. */
#include <errno.h>

#include "store/group.h"
#include "test.h"

static struct ks_image_row rows[32];
static struct ks_image_list imgs = {.v = rows, .n = 0};

static void img(const char *version, const char *rev, const char *flavor, const char *arch)
{
	struct ks_image_row *r = &rows[imgs.n++];
	char name[128];

	memset(r, 0, sizeof(*r));
	snprintf(name, sizeof(name), "%s-%s-%s-%s", version, rev, flavor, arch);
	r->id = (int64_t)imgs.n;
	r->ident.name = strdup(name);
	r->ident.version = strdup(version);
	r->ident.revision = strdup(rev);
	r->ident.flavor = strdup(flavor);
	r->ident.arch = strdup(arch);
}

/* The shared Debian set; rows sorted by name as ks_store_images returns them. */
static void debian_set(void)
{
	img("5.10.223", "32", "amd64", "amd64");
	img("5.10.223", "32", "arm64", "arm64");
	img("6.1.176", "50", "amd64", "amd64");
	img("6.1.176", "50", "arm64", "arm64");
	img("6.1.176", "50", "cloud-amd64", "amd64");
	img("6.12.117", "deb13", "amd64", "amd64");
	img("6.12.117", "deb13", "arm64", "arm64");
	img("6.12.117", "deb13", "cloud-amd64", "amd64");
	img("6.12.43", "deb12", "cloud-amd64", "amd64");
	img("7.2.13", "deb14", "amd64", "amd64");
	img("7.2.13", "deb14", "arm64", "arm64");
	img("7.2.13", "deb14", "cloud-amd64", "amd64");
	img("7.2.13", "deb14", "powerpc64le", "ppc64el");
	img("7.2.13", "deb14", "riscv64", "riscv64");
	img("7.2.13", "deb14", "rt-amd64", "amd64");
	img("7.2.13", "deb14", "s390x", "s390x");
}

static const char *labels(const struct ks_group *g, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < g->n; i++) {
		strncat(buf, i ? " " : "", size - strlen(buf) - 1);
		strncat(buf, g->m[i].label, size - strlen(buf) - 1);
	}
	return buf;
}

TEST(debian_groups)
{
	struct ks_groups g;
	const struct ks_group *gr;
	char buf[512];

	CHECK_INT(ks_groups_derive(&imgs, NULL, NULL, 0, &g), 0);
	CHECK_STR(imgs.v[g.baseline].ident.name, "7.2.13-deb14-amd64-amd64");
	gr = ks_groups_find(&g, "regular");
	CHECK(gr && gr->pairing == KS_PAIRING_VERSION);
	if (gr)
		CHECK_STR(labels(gr, buf, sizeof(buf)), "5.10 6.1 6.12 7.2");
	gr = ks_groups_find(&g, "Arch");
	CHECK(gr && gr->pairing == KS_PAIRING_VARIANT);
	if (gr)
		CHECK_STR(labels(gr, buf, sizeof(buf)), "amd64 arm64 ppc64el riscv64 s390x");
	gr = ks_groups_find(&g, "Flavor");
	if (gr)
		CHECK_STR(labels(gr, buf, sizeof(buf)), "amd64 cloud-amd64 rt-amd64");
	CHECK(gr != NULL);
	gr = ks_groups_find(&g, "Regular arm64");
	CHECK(gr != NULL);
	if (gr)
		CHECK_STR(labels(gr, buf, sizeof(buf)), "5.10 6.1 6.12 7.2");
	gr = ks_groups_find(&g, "Regular cloud-amd64");
	CHECK(gr != NULL);
	if (gr)
		CHECK_STR(labels(gr, buf, sizeof(buf)), "6.1 6.12 7.2");
	CHECK(ks_groups_find(&g, "Regular ppc64el") == NULL); /* one version only */
	CHECK(ks_groups_find(&g, "Other") == NULL);	      /* every image is in a group */
	gr = ks_groups_find(&g, "Revision 6.12 cloud-amd64-amd64");
	CHECK(gr != NULL);
	if (gr) {
		CHECK_STR(labels(gr, buf, sizeof(buf)), "6.12.43-deb12 6.12.117-deb13");
		size_t a, b;
		ks_group_pair(gr, 0, &a, &b);
		CHECK_INT(a, 0);
		CHECK_INT(b, 1);
	}
	ks_groups_free(&g);
}

TEST(baseline_option_and_pairs)
{
	struct ks_groups g;
	const struct ks_group *gr;
	char buf[512];
	size_t a, b;

	CHECK_INT(ks_groups_derive(&imgs, "6.1.176-50-arm64-arm64", NULL, 0, &g), 0);
	gr = ks_groups_find(&g, "Regular");
	CHECK(gr != NULL);
	if (gr)
		CHECK_STR(labels(gr, buf, sizeof(buf)), "5.10 6.1 6.12 7.2");
	/* Version pairs are consecutive... */
	ks_group_pair(gr, 2, &a, &b);
	CHECK_INT(a, 2);
	CHECK_INT(b, 3);
	gr = ks_groups_find(&g, "Arch");
	CHECK(gr != NULL);
	if (gr) {
		CHECK_STR(labels(gr, buf, sizeof(buf)), "arm64 amd64");
		/* ...variant pairs start at the baseline. */
		ks_group_pair(gr, 0, &a, &b);
		CHECK_INT(a, 0);
	}
	/* around arm64 6.1, the 7.2 images of other arches and flavors are in no group:
	   "Other" holds them against the baseline */
	gr = ks_groups_find(&g, "Other");
	CHECK(gr && gr->pairing == KS_PAIRING_VARIANT);
	if (gr)
		CHECK_STR(labels(gr, buf, sizeof(buf)),
			  "6.1.176-50-arm64-arm64 7.2.13-deb14-powerpc64le-ppc64el "
			  "7.2.13-deb14-riscv64-riscv64 7.2.13-deb14-rt-amd64-amd64 7.2.13-deb14-s390x-s390x");
	ks_groups_free(&g);
	CHECK_INT(ks_groups_derive(&imgs, "nope", NULL, 0, &g), -ENOENT);
}

TEST(user_groups)
{
	struct ks_group_row row = {"mine", "variant",
				   "[\"7.2.13-deb14-amd64-amd64\",\"6.1.176-50-amd64-amd64\"]"};
	struct ks_group_row bad = {"bad", "version", "[\"no-such-image\"]"};
	struct ks_groups g;

	CHECK_INT(ks_groups_derive(&imgs, NULL, &row, 1, &g), 0);
	const struct ks_group *gr = ks_groups_find(&g, "mine");
	CHECK(gr && gr->user && gr->n == 2 && gr->pairing == KS_PAIRING_VARIANT);
	ks_groups_free(&g);
	CHECK_INT(ks_groups_derive(&imgs, NULL, &bad, 1, &g), -ENOENT);
}

TEST(flavor_family)
{
	char f[64];

	ks_flavor_family("cloud-amd64", f, sizeof(f));
	CHECK_STR(f, "cloud");
	ks_flavor_family("amd64", f, sizeof(f));
	CHECK_STR(f, "");
	ks_flavor_family("arm64-16k", f, sizeof(f));
	CHECK_STR(f, "16k");
	ks_flavor_family("powerpc64le", f, sizeof(f));
	CHECK_STR(f, "");
	ks_flavor_family("aws", f, sizeof(f));
	CHECK_STR(f, "aws");
}

int main(void)
{
	debian_set();
	RUN(debian_groups);
	RUN(baseline_option_and_pairs);
	RUN(user_groups);
	RUN(flavor_family);
	for (size_t i = 0; i < imgs.n; i++)
		ks_identity_free(&rows[i].ident);
	return TEST_SUMMARY();
}
