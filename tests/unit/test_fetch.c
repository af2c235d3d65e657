/* SPDX-License-Identifier: MIT */
/* ksurf fetch's parsers and selection: apt sources, Packages indices, image choice. */
#include <errno.h>

#include "fetch/index.h"
#include "fetch/select.h"
#include "fetch/sources.h"
#include "test.h"
#include "util/err.h"

static const char deb822[] =
	"# Debian's default\n"
	"Types: deb deb-src\n"
	"URIs: http://mirror.example.org/debian/\n"
	"Suites: bookworm bookworm-updates\n"
	"Components: main contrib\n"
	"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
	"\n"
	"Types: deb\n"
	"# a comment inside\n"
	"URIs: http://mirror.example.org/debian-security\n"
	"Suites: bookworm-security\n"
	"Components: main\n"
	"Signed-By:\n"
	" -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
	" .\n"
	" mDMEZ\n"
	" -----END PGP PUBLIC KEY BLOCK-----\n"
	"\n"
	"Types: deb\n"
	"URIs: https://example.org/off\n"
	"Suites: nodistro\n"
	"Components: main\n"
	"Enabled: no\n"
	"\n"
	"Types: deb-src\n"
	"URIs: http://mirror.example.org/debian\n"
	"Suites: sid\n"
	"Components: main\n";

TEST(sources_deb822)
{
	struct ks_apt_sources s = {0};

	CHECK_INT(ks_apt_sources_parse("t.sources", deb822, sizeof(deb822) - 1, 1, &s), 0);
	CHECK_INT(s.n, 2);
	if (s.n == 2) {
		CHECK_STR(s.v[0].uri, "http://mirror.example.org/debian");
		CHECK_INT(s.v[0].nsuites, 2);
		CHECK_STR(s.v[0].suites[1], "bookworm-updates");
		CHECK_INT(s.v[0].ncomponents, 2);
		CHECK_STR(s.v[0].signed_by, "/usr/share/keyrings/debian-archive-keyring.gpg");
		CHECK_STR(s.v[1].suites[0], "bookworm-security");
		CHECK_STR(s.v[1].signed_by, "\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n"
					    "-----END PGP PUBLIC KEY BLOCK-----");
		CHECK_INT(s.v[1].trusted, 0);
	}
	ks_apt_sources_free(&s);
}

TEST(sources_oneline)
{
	static const char text[] =
		"deb http://mirror.example.org/debian bookworm main non-free-firmware # comment\n"
		"# deb http://commented.out/ sid main\n"
		"deb-src http://mirror.example.org/debian bookworm main\n"
		"deb [arch=amd64 signed-by=/k.gpg trusted=yes] file:/srv/repo/ testing main\n"
		"deb [ signed-by=/k2.gpg ] http://security.example.org/debian-security bullseye-security main\n"
		"deb http://flat.example.org/ ./\n"
		"\n";
	struct ks_apt_sources s = {0};

	CHECK_INT(ks_apt_sources_parse("t.list", text, sizeof(text) - 1, 0, &s), 0);
	CHECK_INT(s.n, 3);
	if (s.n == 3) {
		CHECK_STR(s.v[0].suites[0], "bookworm");
		CHECK_INT(s.v[0].ncomponents, 2);
		CHECK(!s.v[0].signed_by);
		CHECK_STR(s.v[1].uri, "file:/srv/repo");
		CHECK_STR(s.v[1].signed_by, "/k.gpg");
		CHECK_INT(s.v[1].trusted, 1);
		CHECK_STR(s.v[2].signed_by, "/k2.gpg");
	}
	ks_apt_sources_free(&s);
	CHECK_INT(ks_apt_sources_parse("bad.list", "deb [x=y http://a b c\n", 22, 0, &s), -EINVAL);
	CHECK(strstr(ks_errmsg(), "bad.list:1:") != NULL);
	ks_apt_sources_free(&s);
	CHECK_INT(ks_apt_sources_parse("bad.sources", "Types deb\n", 10, 1, &s), -EINVAL);
	ks_apt_sources_free(&s);
}

TEST(source_for_suite)
{
	struct ks_apt_sources s = {0};
	const struct ks_apt_source *src;

	CHECK_INT(ks_apt_sources_parse("t", deb822, sizeof(deb822) - 1, 1, &s), 0);
	CHECK_INT(ks_apt_sources_parse("t", "deb http://third.party/apt nodistro main\n", 41, 0, &s), 0);
	src = ks_apt_source_for_suite(&s, "bookworm-updates", "bookworm");
	CHECK(src == &s.v[0]);
	src = ks_apt_source_for_suite(&s, "sid", "bookworm");
	CHECK(src && !strcmp(src->uri, "http://mirror.example.org/debian"));
	src = ks_apt_source_for_suite(&s, "trixie-security", "bookworm");
	CHECK(src && !strcmp(src->uri, "http://mirror.example.org/debian-security"));
	CHECK(!ks_apt_source_for_suite(&s, "sid", "noble")); /* no source of this system */
	ks_apt_sources_free(&s);
}

TEST(classify)
{
	static const struct {
		const char *pkg;
		int kind; /* -1: not a kernel package */
		const char *release;
	} cases[] = {
		{"linux-image-6.1.0-50-cloud-amd64-unsigned", KS_KPKG_IMAGE_UNSIGNED, "6.1.0-50-cloud-amd64"},
		{"linux-image-6.1.0-50-amd64", KS_KPKG_IMAGE, "6.1.0-50-amd64"},
		{"linux-image-7.2.13+deb14-amd64-dbg", KS_KPKG_DBG, "7.2.13+deb14-amd64"},
		{"linux-binary-unsigned-7.2.13+deb14-arm64-16k", KS_KPKG_BINARY_UNSIGNED, "7.2.13+deb14-arm64-16k"},
		{"linux-binary-7.2.13+deb14-amd64", KS_KPKG_BINARY, "7.2.13+deb14-amd64"},
		{"linux-base-7.2.13+deb14-amd64", KS_KPKG_BASE, "7.2.13+deb14-amd64"},
		{"linux-modules-7.2.13+deb14-amd64", KS_KPKG_MODULES, "7.2.13+deb14-amd64"},
		{"linux-image-unsigned-5.15.0-100-generic", KS_KPKG_IMAGE_UNSIGNED, "5.15.0-100-generic"},
		{"linux-image-amd64", -1, NULL},
		{"linux-image-6.12-amd64", -1, NULL},
		{"linux-image-6.12-amd64-signed-template", -1, NULL},
		{"linux-base", -1, NULL},
		{"linux-headers-6.1.0-50-amd64", -1, NULL},
		{"linux-modules-extra-5.15.0-100-generic", -1, NULL},
		{"linux-image-6.1.0", -1, NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum ks_kpkg_kind kind;
		char *rel = NULL;
		int ret = ks_kpkg_classify(cases[i].pkg, &kind, &rel);

		if (cases[i].kind < 0) {
			CHECK_INT(ret, -ENOENT);
			continue;
		}
		CHECK_INT(ret, 0);
		CHECK_INT(kind, cases[i].kind);
		CHECK_STR(rel, cases[i].release);
		free(rel);
	}
}

/* A Packages stanza. */
#define PKG(name, ver, arch, size)                                                        \
	"Package: " name "\nSource: linux\nVersion: " ver "\nArchitecture: " arch            \
	"\nInstalled-Size: 1\nDepends: kmod\nFilename: pool/main/l/" name "_" ver "_" arch \
	".deb\nSize: " size "\nMD5sum: 00\nSHA256: "                                         \
	"AB01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01\n"                 \
	"Description: Linux\n a kernel\n .\n more\n\n"

static const char index_sid[] =
	PKG("linux-binary-unsigned-7.2.13+deb14-amd64", "7.2.13-1", "amd64", "14300000")
	PKG("linux-binary-7.2.13+deb14-amd64", "7.2.13-1", "amd64", "14310000")
	PKG("linux-base-7.2.13+deb14-amd64", "7.2.13-1", "amd64", "500000")
	PKG("linux-image-7.2.13+deb14-amd64", "7.2.13-1", "amd64", "1000")
	PKG("linux-image-7.2.13+deb14-amd64-dbg", "7.2.13-1", "amd64", "1185000000")
	PKG("linux-modules-7.2.13+deb14-amd64", "7.2.13-1", "amd64", "110000000")
	PKG("linux-binary-unsigned-7.2.13+deb14-cloud-amd64", "7.2.13-1", "amd64", "13700000")
	PKG("linux-base-7.2.13+deb14-cloud-amd64", "7.2.13-1", "amd64", "400000")
	PKG("linux-image-amd64", "7.2.13-1", "amd64", "1000")
	"Package: hello\nVersion: 1\nArchitecture: amd64\nFilename: h.deb\nSize: 1\n\n"
	"Package: linux-image-7.1.1+deb14-amd64-unsigned\nVersion: 7.1.1-1\n"
	"Architecture: amd64\nSize: 5\nSHA256: 00\n\n";

static const char index_bookworm[] =
	PKG("linux-image-6.1.0-47-amd64-unsigned", "6.1.170-3", "amd64", "70200000")
	PKG("linux-image-6.1.0-50-amd64-unsigned", "6.1.176-1", "amd64", "70300000")
	PKG("linux-image-6.1.0-50-amd64", "6.1.176-1", "amd64", "70310000")
	PKG("linux-image-6.1.0-50-cloud-amd64-unsigned", "6.1.176-1", "amd64", "26500000")
	PKG("linux-image-6.1.0-50-arm64-unsigned", "6.1.176-1", "arm64", "59500000");

static const char index_security[] =
	PKG("linux-image-6.1.0-50-amd64-unsigned", "6.1.176-1", "amd64", "70300000")
	PKG("linux-image-6.1.0-56-amd64-unsigned", "6.1.192-2", "amd64", "70600000")
	PKG("linux-image-6.12.117+deb12-amd64-unsigned", "6.12.117-1~deb12u1", "amd64", "106700000");

TEST(index_parse)
{
	struct ks_kpkg_list l = {0};

	CHECK_INT(ks_apt_index_parse("sid", index_sid, sizeof(index_sid) - 1, "sid", &l), 0);
	CHECK_INT(l.n, 8); /* no metapackage, no hello, no stanza lacking fields */
	if (l.n == 8) {
		CHECK_STR(l.v[0].package, "linux-binary-unsigned-7.2.13+deb14-amd64");
		CHECK_STR(l.v[0].version, "7.2.13-1");
		CHECK_STR(l.v[0].arch, "amd64");
		CHECK_STR(l.v[0].suite, "sid");
		CHECK_STR(l.v[0].release, "7.2.13+deb14-amd64");
		CHECK_INT(l.v[0].size, 14300000);
		CHECK_STR(l.v[0].sha256, "ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01");
		CHECK_STR(l.v[0].filename,
			  "pool/main/l/linux-binary-unsigned-7.2.13+deb14-amd64_7.2.13-1_amd64.deb");
		CHECK_INT(l.v[4].kind, KS_KPKG_DBG);
	}
	ks_kpkg_list_free(&l);
	CHECK_INT(ks_apt_index_parse("bad", "Package linux\n", 14, "x", &l), -EINVAL);
	CHECK(strstr(ks_errmsg(), "bad:1:") != NULL);
	ks_kpkg_list_free(&l);
	/* CRLF and no final newline */
	static const char crlf[] = "Package: linux-image-1.2.3-4-amd64\r\nVersion: 1\r\n"
				  "Architecture: amd64\r\nFilename: a.deb\r\nSize: 3\r\nSHA256: "
				  "0000000000000000000000000000000000000000000000000000000000000000";
	CHECK_INT(ks_apt_index_parse("crlf", crlf, sizeof(crlf) - 1, "s", &l), 0);
	CHECK_INT(l.n, 1);
	ks_kpkg_list_free(&l);
}

static const struct ks_fetch_image *find(const struct ks_fetch_set *set, const char *release,
					 const char *arch)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].kernel->release, release) && !strcmp(set->v[i].ident.arch, arch))
			return &set->v[i];
	return NULL;
}

static void load(struct ks_kpkg_list *l)
{
	CHECK_INT(ks_apt_index_parse("b", index_bookworm, sizeof(index_bookworm) - 1, "bookworm", l), 0);
	CHECK_INT(ks_apt_index_parse("s", index_security, sizeof(index_security) - 1,
				     "bookworm-security", l), 0);
	CHECK_INT(ks_apt_index_parse("sid", index_sid, sizeof(index_sid) - 1, "sid", l), 0);
}

TEST(images)
{
	struct ks_kpkg_list l = {0};
	struct ks_fetch_set set = {0};
	const struct ks_fetch_image *img;

	load(&l);
	ks_fetch_images(&l, &set);
	CHECK_INT(set.n, 8);
	img = find(&set, "7.2.13+deb14-amd64", "amd64");
	CHECK(img != NULL);
	if (img) {
		CHECK_STR(img->kernel->package, "linux-binary-unsigned-7.2.13+deb14-amd64");
		CHECK_STR(img->base->package, "linux-base-7.2.13+deb14-amd64");
		CHECK_STR(img->dbg->package, "linux-image-7.2.13+deb14-amd64-dbg");
		CHECK_STR(img->modules->package, "linux-modules-7.2.13+deb14-amd64");
		CHECK_STR(img->ident.flavor, "amd64");
		CHECK_STR(img->series, "7.2");
		CHECK_INT(ks_fetch_image_size(img, 0, 0), 14800000);
		CHECK_INT(ks_fetch_image_size(img, 1, 1), 14800000 + 1185000000ULL + 110000000);
	}
	img = find(&set, "6.1.0-50-amd64", "amd64");
	CHECK(img && img->kernel->kind == KS_KPKG_IMAGE_UNSIGNED && !img->base);
	CHECK(img && !strcmp(img->suites, "bookworm bookworm-security"));
	CHECK(img && !strcmp(img->ident.revision, "50") && !strcmp(img->ident.version, "6.1.176"));
	img = find(&set, "7.2.13+deb14-cloud-amd64", "amd64");
	CHECK(img && !strcmp(img->ident.flavor, "cloud-amd64") && !img->dbg);
	ks_fetch_set_free(&set);
	ks_kpkg_list_free(&l);
}

static size_t select_n(const struct ks_fetch_rule *rules, size_t n, const char *want[])
{
	struct ks_kpkg_list l = {0};
	struct ks_fetch_set set = {0};
	size_t got = 0, ok = 1;

	load(&l);
	ks_fetch_images(&l, &set);
	got = ks_fetch_select(&set, rules, n);
	for (size_t i = 0; want[i]; i++) {
		char rel[64], arch[16];
		const struct ks_fetch_image *img;

		sscanf(want[i], "%63[^/]/%15s", rel, arch);
		img = find(&set, rel, arch);
		if (!img || !img->selected) {
			fprintf(stderr, "  not selected: %s\n", want[i]);
			ok = 0;
		}
	}
	ks_fetch_set_free(&set);
	ks_kpkg_list_free(&l);
	return ok ? got : (size_t)-1;
}

TEST(select_newest)
{
	const struct ks_fetch_rule r[] = {{"bookworm*", "amd64", "amd64", "newest"}};
	const char *want[] = {"6.1.0-56-amd64/amd64", "6.12.117+deb12-amd64/amd64", NULL};

	/* newest ABI per series: 6.1.0-56 (not -50, -47) and the 6.12 backport */
	CHECK_INT(select_n(r, 1, want), 2);
}

TEST(select_latest_flavors_arches)
{
	const struct ks_fetch_rule r[] = {{"sid", "*", "*", "latest"},
					  {"bookworm", "*", "cloud-*", "latest"}};
	const char *want[] = {"7.2.13+deb14-amd64/amd64", "7.2.13+deb14-cloud-amd64/amd64",
			      "6.1.0-50-cloud-amd64/amd64", NULL};

	CHECK_INT(select_n(r, 2, want), 3);
	const struct ks_fetch_rule a[] = {{"bookworm", "arm64", NULL, "newest"}};
	const char *wa[] = {"6.1.0-50-arm64/arm64", NULL};
	CHECK_INT(select_n(a, 1, wa), 1);
}

TEST(select_all_and_glob)
{
	const struct ks_fetch_rule all[] = {{"bookworm", "amd64", "amd64", "all"}};
	const char *wall[] = {"6.1.0-47-amd64/amd64", "6.1.0-50-amd64/amd64", NULL};
	const struct ks_fetch_rule g[] = {{"*", "amd64", NULL, "47"}};
	const char *wg[] = {"6.1.0-47-amd64/amd64", NULL};
	const struct ks_fetch_rule gr[] = {{"*", "amd64", "amd64", "6.1.0-5*"}};
	const char *wgr[] = {"6.1.0-50-amd64/amd64", "6.1.0-56-amd64/amd64", NULL};

	CHECK_INT(select_n(all, 1, wall), 2);
	CHECK_INT(select_n(g, 1, wg), 1);
	CHECK_INT(select_n(gr, 1, wgr), 2);
}

TEST(presets)
{
	const struct ks_fetch_preset *p = ks_fetch_preset_find("demo", "debian");

	CHECK(p && !strcmp(p->suites[0], "bullseye"));
	CHECK(ks_fetch_preset_find("matrix", "ubuntu") != NULL);
	CHECK(!ks_fetch_preset_find("nope", "debian"));
	CHECK_STR(ks_fetch_default_flavor("armhf", "debian"), "armmp");
	CHECK_STR(ks_fetch_default_flavor("amd64", "debian"), "amd64");
	CHECK_STR(ks_fetch_default_flavor("amd64", "ubuntu"), "generic");
}

int main(void)
{
	RUN(sources_deb822);
	RUN(sources_oneline);
	RUN(source_for_suite);
	RUN(classify);
	RUN(index_parse);
	RUN(images);
	RUN(select_newest);
	RUN(select_latest_flavors_arches);
	RUN(select_all_and_glob);
	RUN(presets);
	return TEST_SUMMARY();
}
