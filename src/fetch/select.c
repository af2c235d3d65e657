/* SPDX-License-Identifier: MIT */
/* Kernel packages -> images -> the ones a user (or a preset) asked for. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/select.h"
#include "util/strbuf.h"

/* Smaller is better: what to download to get the kernel image. */
static int carrier_rank(enum ks_kpkg_kind kind)
{
	switch (kind) {
	case KS_KPKG_BINARY_UNSIGNED: return 0;
	case KS_KPKG_BINARY: return 1;
	case KS_KPKG_IMAGE_UNSIGNED: return 2;
	case KS_KPKG_IMAGE: return 3;
	default: return -1;
	}
}

void ks_fetch_set_free(struct ks_fetch_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->v[i].suites);
		free(set->v[i].series);
		ks_identity_free(&set->v[i].ident);
	}
	free(set->v);
	set->v = NULL;
	set->n = 0;
}

static int same_image(const struct ks_kpkg *a, const struct ks_kpkg *b)
{
	return !strcmp(a->arch, b->arch) && !strcmp(a->release, b->release);
}

static int has_word(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Build the image whose packages are pkgs[i] with same_image(); 0 if it has a kernel. */
static int build_image(const struct ks_kpkg_list *pkgs, size_t first, struct ks_fetch_image *img)
{
	const struct ks_kpkg *lead = &pkgs->v[first];
	const char *version = NULL;
	struct strbuf suites = STRBUF_INIT;
	size_t i;

	memset(img, 0, sizeof(*img));
	for (i = first; i < pkgs->n; i++)
		if (same_image(&pkgs->v[i], lead) &&
		    (!version || ks_version_cmp(pkgs->v[i].version, version) > 0))
			version = pkgs->v[i].version;
	sb_init(&suites);
	for (i = first; i < pkgs->n; i++) {
		const struct ks_kpkg *k = &pkgs->v[i];
		int rank = carrier_rank(k->kind);

		if (!same_image(k, lead) || strcmp(k->version, version))
			continue;
		if (rank >= 0 && (!img->kernel || rank < carrier_rank(img->kernel->kind)))
			img->kernel = k;
		else if (k->kind == KS_KPKG_BASE && !img->base)
			img->base = k;
		else if (k->kind == KS_KPKG_DBG && !img->dbg)
			img->dbg = k;
		else if (k->kind == KS_KPKG_MODULES && !img->modules)
			img->modules = k;
		if (!has_word(suites.buf, k->suite)) {
			if (suites.len)
				sb_addc(&suites, ' ');
			sb_add(&suites, k->suite);
		}
	}
	if (!img->kernel) {
		sb_release(&suites);
		return -1;
	}
	if (carrier_rank(img->kernel->kind) > 1)
		img->base = NULL; /* linux-image packages carry config and System.map */
	img->suites = sb_detach(&suites);
	ks_identity_from_release(&img->ident, img->kernel->release, img->kernel->version,
				 img->kernel->arch);
	free(img->ident.arch);
	img->ident.arch = strdup(img->kernel->arch);
	if (!img->ident.flavor)
		img->ident.flavor = strdup("");
	const char *v = img->ident.version ? img->ident.version : "0.0";
	const char *dot = strchr(v, '.');
	dot = dot ? strchr(dot + 1, '.') : NULL;
	img->series = dot ? strndup(v, dot - v) : strdup(v);
	return 0;
}

static int image_cmp(const void *pa, const void *pb)
{
	const struct ks_fetch_image *a = pa, *b = pb;
	int c;

	if ((c = strcmp(a->ident.arch, b->ident.arch)) ||
	    (c = strcmp(a->ident.flavor, b->ident.flavor)))
		return c;
	if ((c = ks_version_cmp(a->ident.version ? a->ident.version : "",
				b->ident.version ? b->ident.version : "")))
		return c;
	return ks_version_cmp(a->kernel->version, b->kernel->version);
}

void ks_fetch_images(const struct ks_kpkg_list *pkgs, struct ks_fetch_set *out)
{
	for (size_t i = 0; i < pkgs->n; i++) {
		struct ks_fetch_image img, *nv;
		size_t j;

		for (j = 0; j < i && !same_image(&pkgs->v[j], &pkgs->v[i]); j++)
			;
		if (j < i || build_image(pkgs, i, &img))
			continue; /* seen already, or no kernel */
		nv = realloc(out->v, (out->n + 1) * sizeof(*out->v));
		if (!nv)
			abort();
		out->v = nv;
		out->v[out->n++] = img;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), image_cmp);
}

static int glob_ok(const char *pattern, const char *s)
{
	return !pattern || !fnmatch(pattern, s, 0);
}

static int rule_matches(const struct ks_fetch_rule *r, const struct ks_fetch_image *img)
{
	int suite_ok = !r->suite;
	char *suites = strdup(img->suites), *save = NULL;

	for (char *w = strtok_r(suites, " ", &save); w && !suite_ok; w = strtok_r(NULL, " ", &save))
		suite_ok = glob_ok(r->suite, w);
	free(suites);
	return suite_ok && glob_ok(r->arch, img->ident.arch) && glob_ok(r->flavor, img->ident.flavor);
}

static int abi_glob_ok(const char *abi, const struct ks_fetch_image *img)
{
	return !fnmatch(abi, img->kernel->release, 0) ||
	       (img->ident.revision && !fnmatch(abi, img->ident.revision, 0)) ||
	       (img->ident.version && !fnmatch(abi, img->ident.version, 0));
}

/* Is img the newest of its (arch, flavor, series) among the images r matches? */
static int newest_of_series(const struct ks_fetch_set *set, const struct ks_fetch_rule *r,
			    const struct ks_fetch_image *img)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct ks_fetch_image *o = &set->v[i];

		if (o != img && rule_matches(r, o) && !strcmp(o->ident.arch, img->ident.arch) &&
		    !strcmp(o->ident.flavor, img->ident.flavor) && !strcmp(o->series, img->series) &&
		    image_cmp(o, img) > 0)
			return 0;
	}
	return 1;
}

size_t ks_fetch_select(struct ks_fetch_set *set, const struct ks_fetch_rule *rules, size_t n)
{
	size_t count = 0;

	for (size_t r = 0; r < n; r++) {
		const struct ks_fetch_rule *rule = &rules[r];
		const char *abi = rule->abi ? rule->abi : "newest";
		const char *top = NULL;

		for (size_t i = 0; i < set->n; i++)
			if (rule_matches(rule, &set->v[i]) &&
			    (!top || ks_version_cmp(set->v[i].series, top) > 0))
				top = set->v[i].series;
		for (size_t i = 0; i < set->n; i++) {
			struct ks_fetch_image *img = &set->v[i];
			int pick;

			if (!rule_matches(rule, img))
				continue;
			if (!strcmp(abi, "all"))
				pick = 1;
			else if (!strcmp(abi, "newest"))
				pick = newest_of_series(set, rule, img);
			else if (!strcmp(abi, "latest"))
				pick = !strcmp(img->series, top) && newest_of_series(set, rule, img);
			else
				pick = abi_glob_ok(abi, img);
			img->selected |= pick;
		}
	}
	for (size_t i = 0; i < set->n; i++)
		count += set->v[i].selected;
	return count;
}

uint64_t ks_fetch_image_size(const struct ks_fetch_image *img, int with_debug, int with_modules)
{
	uint64_t size = img->kernel->size + (img->base ? img->base->size : 0);

	if (with_debug && img->dbg)
		size += img->dbg->size;
	if (with_modules && img->modules)
		size += img->modules->size;
	return size;
}

static const struct ks_fetch_preset presets[] = {
	/* Four versions on cloud-amd64 (the smallest x86 kernels), arm64 at two of them,
	 * and the standard amd64 flavor next to cloud at the newest: about 150 MB. */
	{"demo", "debian", {"bullseye", "bookworm", "trixie", "sid"}, {"amd64", "arm64"},
	 {{"bullseye", "amd64", "cloud-amd64", "latest"},
	  {"bookworm", "amd64", "cloud-amd64", "latest"},
	  {"trixie", "amd64", "cloud-amd64", "latest"},
	  {"trixie", "arm64", "cloud-arm64", "latest"},
	  {"sid", "amd64", "cloud-amd64", "latest"},
	  {"sid", "amd64", "amd64", "latest"},
	  {"sid", "arm64", "cloud-arm64", "latest"}}},
	/* One image per kernel series, the host's arch and standard flavor. */
	{"regular", "debian",
	 {"bullseye", "bullseye-security", "bookworm", "bookworm-security", "trixie",
	  "trixie-security", "sid"},
	 {NULL},
	 {{"*", NULL, NULL, "newest"}}},
	/* The newest kernel on every arch and flavor Debian builds. */
	{"matrix", "debian", {"sid"},
	 {"amd64", "arm64", "armel", "armhf", "i386", "ppc64el", "riscv64", "s390x", "loong64",
	  "mips64el"},
	 {{"sid", "*", "*", "latest"}}},
	{"demo", "ubuntu", {"focal-updates", "jammy-updates", "noble-updates"}, {"amd64"},
	 {{"focal-updates", "amd64", "generic", "latest"},
	  {"jammy-updates", "amd64", "generic", "newest"},
	  {"noble-updates", "amd64", "generic", "latest"},
	  {"noble-updates", "amd64", "aws", "latest"}}},
	{"regular", "ubuntu",
	 {"bionic-updates", "focal-updates", "jammy-updates", "noble-updates"},
	 {NULL},
	 {{"*", NULL, NULL, "newest"}}},
	{"matrix", "ubuntu", {"noble-updates"}, {"amd64", "i386"},
	 {{"noble-updates", "*", "*", "latest"}}},
};

const struct ks_fetch_preset *ks_fetch_preset_find(const char *name, const char *distro)
{
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (!strcmp(presets[i].name, name) && !strcmp(presets[i].distro, distro))
			return &presets[i];
	return NULL;
}

const char *ks_fetch_default_flavor(const char *arch, const char *distro)
{
	static const char *const map[][2] = {
		{"i386", "686-pae"},	  {"armhf", "armmp"},	{"armel", "marvell"},
		{"ppc64el", "powerpc64le"}, {"mips64el", "mips64r2el"},
	};

	if (!strcmp(distro, "ubuntu"))
		return "generic";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], arch))
			return map[i][1];
	return arch;
}
