/* SPDX-License-Identifier: MIT */
/* Image identity: release strings, package versions, flavors, names, version order. */
#include "ingest/identity.h"
#include "test.h"

struct want {
	const char *release, *pkg_version, *pkg_arch;
	const char *version, *revision, *flavor, *arch, *distro, *name;
};

static void check_release(const struct want *w)
{
	struct ks_identity id = {0};
	int failed = t_failed_checks;

	ks_identity_from_release(&id, w->release, w->pkg_version, w->pkg_arch);
	ks_identity_make_name(&id);
	if (w->version)
		CHECK_STR(id.version, w->version);
	else
		CHECK(id.version == NULL);
	if (w->revision)
		CHECK_STR(id.revision, w->revision);
	else
		CHECK(id.revision == NULL);
	if (w->flavor)
		CHECK_STR(id.flavor, w->flavor);
	else
		CHECK(id.flavor == NULL);
	if (w->arch)
		CHECK_STR(id.arch, w->arch);
	else
		CHECK(id.arch == NULL);
	CHECK_STR(id.distro, w->distro);
	CHECK_STR(id.name, w->name);
	if (w->release)
		CHECK_STR(id.release, w->release);
	if (t_failed_checks != failed)
		fprintf(stderr, "  ^ release %s, package %s %s\n", w->release,
			w->pkg_version ? w->pkg_version : "-", w->pkg_arch ? w->pkg_arch : "-");
	ks_identity_free(&id);
}

/* The three examples of identity.h, word for word. */
TEST(documented_examples)
{
	static const struct want w[] = {
	    {"6.1.0-50-cloud-amd64", "6.1.176-1", "amd64", "6.1.176", "50", "cloud-amd64", "amd64",
	     "debian", "6.1.176-50-cloud-amd64-amd64"},
	    {"7.2.13+deb14-rt-amd64", NULL, NULL, "7.2.13", "deb14", "rt-amd64", "amd64", "debian",
	     "7.2.13-deb14-rt-amd64-amd64"},
	    {"5.4.0-26-generic", "5.4.0-26.30", NULL, "5.4.0", "26", "generic", "", "ubuntu",
	     "5.4.0-26-generic"},
	};

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		check_release(&w[i]);
}

/* Every image of the shared kernel set (INDEX.tsv), with and without its package. */
TEST(debian_releases)
{
	static const struct want w[] = {
	    {"6.1.0-50-686-pae", "6.1.176-1", "i386", "6.1.176", "50", "686-pae", "i386", "debian",
	     "6.1.176-50-686-pae-i386"},
	    {"6.1.0-50-arm64", "6.1.176-1", "arm64", "6.1.176", "50", "arm64", "arm64", "debian",
	     "6.1.176-50-arm64-arm64"},
	    {"6.1.0-50-s390x", "6.1.176-1", "s390x", "6.1.176", "50", "s390x", "s390x", "debian",
	     "6.1.176-50-s390x-s390x"},
	    {"6.12.43+deb12-cloud-amd64", "6.12.43-1~bpo12+1", "amd64", "6.12.43", "deb12",
	     "cloud-amd64", "amd64", "debian", "6.12.43-deb12-cloud-amd64-amd64"},
	    {"5.10.0-32-amd64", "5.10.223-1", "amd64", "5.10.223", "32", "amd64", "amd64", "debian",
	     "5.10.223-32-amd64-amd64"},
	    {"7.2.13+deb14-armmp", "7.2.13-1", "armhf", "7.2.13", "deb14", "armmp", "armhf",
	     "debian", "7.2.13-deb14-armmp-armhf"},
	    {"7.2.13+deb14-powerpc64le", "7.2.13-1", "ppc64el", "7.2.13", "deb14", "powerpc64le",
	     "ppc64el", "debian", "7.2.13-deb14-powerpc64le-ppc64el"},
	    {"6.12.117+deb13-cloud-amd64", "6.12.117-1", "amd64", "6.12.117", "deb13",
	     "cloud-amd64", "amd64", "debian", "6.12.117-deb13-cloud-amd64-amd64"},
	    /* no package: the arch comes from the flavor, the version from the release */
	    {"6.1.0-50-686-pae", NULL, NULL, "6.1.0", "50", "686-pae", "i386", "debian",
	     "6.1.0-50-686-pae-i386"},
	    {"7.2.13+deb14-powerpc64le", NULL, NULL, "7.2.13", "deb14", "powerpc64le", "ppc64el",
	     "debian", "7.2.13-deb14-powerpc64le-ppc64el"},
	    {"7.2.13+deb14-loong64", NULL, NULL, "7.2.13", "deb14", "loong64", "loong64", "debian",
	     "7.2.13-deb14-loong64-loong64"},
	    {"7.2.13+deb14-riscv64", NULL, NULL, "7.2.13", "deb14", "riscv64", "riscv64", "debian",
	     "7.2.13-deb14-riscv64-riscv64"},
	    {"7.2.13+deb14-arm64-16k", NULL, NULL, "7.2.13", "deb14", "arm64-16k", "arm64",
	     "debian", "7.2.13-deb14-arm64-16k-arm64"},
	    /* old backports: the ABI token is "0.deb10.16" / "0.bpo.16" */
	    {"5.10.0-0.deb10.16-amd64", "5.10.127-2~bpo10+1", "amd64", "5.10.127", "0.deb10.16",
	     "amd64", "amd64", "debian", "5.10.127-0.deb10.16-amd64-amd64"},
	    {"4.19.0-0.bpo.16-amd64", NULL, NULL, "4.19.0", "0.bpo.16", "amd64", "amd64", "debian",
	     "4.19.0-0.bpo.16-amd64-amd64"},
	    /* the package's architecture wins over the flavor's hint; "all" says nothing */
	    {"6.1.0-50-amd64", "6.1.176-1", "x32", "6.1.176", "50", "amd64", "x32", "debian",
	     "6.1.176-50-amd64-x32"},
	    {"6.1.0-50-amd64", "6.1.176-1", "all", "6.1.176", "50", "amd64", "amd64", "debian",
	     "6.1.176-50-amd64-amd64"},
	    /* a package of another series does not lend its version */
	    {"6.1.0-50-amd64", "4.9", NULL, "6.1.0", "50", "amd64", "amd64", "debian",
	     "6.1.0-50-amd64-amd64"},
	    /* epochs are not part of the version */
	    {"6.1.0-50-amd64", "1:6.1.176-1", NULL, "6.1.176", "50", "amd64", "amd64", "debian",
	     "6.1.176-50-amd64-amd64"},
	};

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		check_release(&w[i]);
}

TEST(ubuntu_releases)
{
	static const struct want w[] = {
	    {"6.8.0-1009-aws", "6.8.0-1009.9", "amd64", "6.8.0", "1009", "aws", "amd64", "ubuntu",
	     "6.8.0-1009-aws-amd64"},
	    {"6.8.0-1009-aws", NULL, NULL, "6.8.0", "1009", "aws", "", "ubuntu",
	     "6.8.0-1009-aws"},
	    {"5.4.0-26-lowlatency", NULL, NULL, "5.4.0", "26", "lowlatency", "", "ubuntu",
	     "5.4.0-26-lowlatency"},
	    {"5.15.0-91-generic", "5.15.0-91.101~20.04.1", "arm64", "5.15.0", "91", "generic",
	     "arm64", "ubuntu", "5.15.0-91-generic-arm64"},
	    {"6.8.0-31-generic-64k", NULL, NULL, "6.8.0", "31", "generic-64k", "arm64", "ubuntu",
	     "6.8.0-31-generic-64k-arm64"},
	    {"5.4.0-26-generic-lpae", NULL, NULL, "5.4.0", "26", "generic-lpae", "armhf", "ubuntu",
	     "5.4.0-26-generic-lpae-armhf"},
	    {"5.4.0-1063-azure", "5.4.0-1063.66", NULL, "5.4.0", "1063", "azure", "", "ubuntu",
	     "5.4.0-1063-azure"},
	};

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		check_release(&w[i]);
}

/*
 * Releases of no known distro: a local version ("-fc-v657") becomes the flavor, since
 * it is what tells two builds of one version apart; revision stays unknown.
 */
TEST(other_releases)
{
	static const struct want w[] = {
	    {"6.18.44-fc-v657", NULL, NULL, "6.18.44", NULL, "fc-v657", "", "",
	     "6.18.44-fc-v657"},
	    {"6.18.44-fc-v657", NULL, "amd64", "6.18.44", NULL, "fc-v657", "amd64", "",
	     "6.18.44-fc-v657-amd64"},
	    {"5.15.0", NULL, NULL, "5.15.0", NULL, NULL, NULL, "",
	     "5.15.0"},
	    {"6.6.0-rc1-amd64", NULL, NULL, "6.6.0~rc1", NULL, "amd64", "amd64", "",
	     "6.6.0~rc1-amd64-amd64"},
	    {"6.1.0-50-custom", NULL, NULL, "6.1.0", "50", "custom", "", "",
	     "6.1.0-50-custom"},
	    {"6.10.0+", NULL, NULL, "6.10.0", NULL, NULL, NULL, "",
	     "6.10.0"},
	    {"5.15.0_custom", NULL, NULL, "5.15.0", NULL, "custom", "", "",
	     "5.15.0-custom"},
	    /* nothing recognisable: never fails, knows nothing */
	    {"vmlinuz", NULL, NULL, NULL, NULL, NULL, NULL, "", "unknown"},
	    {"", NULL, NULL, NULL, NULL, NULL, NULL, "", "unknown"},
	    {"6.", NULL, NULL, "6", NULL, NULL, NULL, "", "6"},
	};

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		check_release(&w[i]);
}

/* Without a release, the package still tells the version, arch and distro. */
TEST(package_only)
{
	struct ks_identity id = {0};

	ks_identity_from_release(&id, NULL, "6.12.43-1~bpo12+1", "arm64");
	CHECK_STR(id.version, "6.12.43");
	CHECK_STR(id.arch, "arm64");
	CHECK_STR(id.distro, "debian");
	CHECK(id.release == NULL && id.revision == NULL && id.flavor == NULL);
	ks_identity_free(&id);
	ks_identity_from_release(&id, NULL, NULL, NULL);
	CHECK(!id.version && !id.revision && !id.flavor && !id.arch && !id.distro && !id.release);
	ks_identity_make_name(&id);
	CHECK_STR(id.name, "unknown");
	/* the struct is reset, not leaked, when used again */
	ks_identity_from_release(&id, "7.2.13+deb14-amd64", NULL, NULL);
	CHECK(id.name == NULL);
	CHECK_STR(id.version, "7.2.13");
	/* arguments may come from the struct being rebuilt */
	ks_identity_from_release(&id, id.release, id.version, id.flavor);
	CHECK_STR(id.release, "7.2.13+deb14-amd64");
	CHECK_STR(id.version, "7.2.13");
	CHECK_STR(id.arch, "amd64");
	ks_identity_free(&id);
	ks_identity_free(&id);
	ks_identity_free(NULL);
}

TEST(arch_from_flavor)
{
	static const char *const w[][2] = {
	    {"amd64", "amd64"},
	    {"cloud-amd64", "amd64"},
	    {"rt-amd64", "amd64"},
	    {"arm64", "arm64"},
	    {"arm64-16k", "arm64"},
	    {"cloud-arm64", "arm64"},
	    {"rt-arm64", "arm64"},
	    {"armmp", "armhf"},
	    {"armmp-lpae", "armhf"},
	    {"rt-armmp", "armhf"},
	    {"marvell", "armel"},
	    {"rpi", "armel"},
	    {"686", "i386"},
	    {"686-pae", "i386"},
	    {"rt-686-pae", "i386"},
	    {"powerpc64le", "ppc64el"},
	    {"powerpc64le-64k", "ppc64el"},
	    {"powerpc64", "ppc64"},
	    {"s390x", "s390x"},
	    {"riscv64", "riscv64"},
	    {"loong64", "loong64"},
	    {"mips64r2el", "mips64el"},
	    {"octeon", "mips64el"},
	    {"loongson-3", "mips64el"},
	    {"mips32r2el", "mipsel"},
	    {"parisc64", "hppa"},
	    {"sparc64-smp", "sparc64"},
	    {"generic-64k", "arm64"},
	    {"generic-lpae", "armhf"},
	    {"generic", ""},
	    {"lowlatency", ""},
	    {"aws", ""},
	    {"azure", ""},
	    {"fc-v657", ""},
	    {"", ""},
	    {"xamd64", ""},
	    {"amd64x", ""},
	    {"-", ""},
	};

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		int failed = t_failed_checks;

		CHECK_STR(ks_arch_from_flavor(w[i][0]), w[i][1]);
		if (t_failed_checks != failed)
			fprintf(stderr, "  ^ flavor %s\n", w[i][0]);
	}
	CHECK_STR(ks_arch_from_flavor(NULL), "");
}

TEST(version_cmp)
{
	static const char *const ordered[] = {
	    "",
	    "1.0~rc1",
	    "1.0",
	    "1.0a",
	    "1.0.1",
	    "4.4",
	    "4.19.0",
	    "5.4.0",
	    "5.10.223",
	    "6.1",
	    "6.1.0",
	    "6.1.176",
	    "6.6.0~rc1",
	    "6.6.0",
	    "6.12.43",
	    "6.12.117",
	    "7.2.13",
	    "18446744073709551615.0",
	    "18446744073709551616.0",
	    "99999999999999999999999",
	};
	size_t n = sizeof(ordered) / sizeof(ordered[0]);

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int c = ks_version_cmp(ordered[i], ordered[j]);
			int want = i < j ? -1 : i > j ? 1 : 0;

			/* "6.1" and "6.1.0" differ (dpkg: the longer one is newer) */
			if ((c > 0) - (c < 0) != want)
				fprintf(stderr, "  %s vs %s: %d\n", ordered[i], ordered[j], c);
			CHECK_INT((c > 0) - (c < 0), want);
		}
	CHECK_INT(ks_version_cmp("6.01", "6.1"), 0);
	CHECK_INT(ks_version_cmp("7.2.13", "7.2.13"), 0);
	CHECK(ks_version_cmp(NULL, "1") < 0);
	CHECK(ks_version_cmp("1", NULL) > 0);
	CHECK_INT(ks_version_cmp(NULL, NULL), 0);
	/* non-numeric parts order like dpkg: letters before other characters */
	CHECK(ks_version_cmp("1.0a", "1.0+") < 0);
	CHECK(ks_version_cmp("1.0~", "1.0") < 0);
	CHECK(ks_version_cmp("1.0-1", "1.0.1") < 0);
}

TEST(fill_override)
{
	struct ks_identity a = {0}, b = {0};

	ks_identity_from_release(&a, "5.4.0-26-generic", "5.4.0-26.30", NULL);
	b.arch = strdup("amd64");
	b.version = strdup("9.9.9");
	b.name = strdup("from-b");
	/* fill: only what a does not know; "" is as unknown as NULL */
	ks_identity_fill(&a, &b);
	CHECK_STR(a.arch, "amd64");
	CHECK_STR(a.version, "5.4.0");
	CHECK_STR(a.name, "from-b");
	CHECK_STR(a.revision, "26");
	/* override: whatever b has wins */
	free(b.name);
	b.name = NULL;
	free(b.arch);
	b.arch = strdup("arm64");
	b.distro = strdup("");
	ks_identity_override(&a, &b);
	CHECK_STR(a.arch, "arm64");
	CHECK_STR(a.version, "9.9.9");
	CHECK_STR(a.distro, "");
	CHECK_STR(a.flavor, "generic");
	CHECK_STR(a.name, "from-b");
	ks_identity_make_name(&a);
	CHECK_STR(a.name, "9.9.9-26-generic-arm64");
	/* fill never replaces a known value, even with ""-less src fields */
	ks_identity_fill(&a, &b);
	CHECK_STR(a.version, "9.9.9");
	ks_identity_free(&a);
	ks_identity_free(&b);
}

int main(void)
{
	RUN(documented_examples);
	RUN(debian_releases);
	RUN(ubuntu_releases);
	RUN(other_releases);
	RUN(package_only);
	RUN(arch_from_flavor);
	RUN(version_cmp);
	RUN(fill_override);
	return TEST_SUMMARY();
}
