/* SPDX-License-Identifier: MIT */
#include "store/group.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"
#include "util/strbuf.h"

const char *ks_pairing_name(enum ks_pairing p)
{
	return p == KS_PAIRING_VERSION ? "version" : "variant";
}

/* Words that name an architecture's default build rather than a flavor of it. */
static const char *const arch_words[] = {
	"amd64", "arm64", "armmp", "armhf", "i386", "686", "pae", "powerpc64le", "ppc64el",
	"riscv64", "s390x", "loong64", "mips64el", "mips64r2el", "generic", NULL,
};

void ks_flavor_family(const char *flavor, char *out, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = flavor ? flavor : "";

	sb_init(&sb);
	while (*p) {
		size_t n = strcspn(p, "-");
		int is_arch = 0;

		for (int i = 0; arch_words[i]; i++)
			if (strlen(arch_words[i]) == n && !strncmp(p, arch_words[i], n))
				is_arch = 1;
		if (!is_arch) {
			if (sb.len)
				sb_addc(&sb, '-');
			sb_addn(&sb, p, n);
		}
		p += n;
		if (*p == '-')
			p++;
	}
	snprintf(out, size, "%s", sb.buf);
	sb_release(&sb);
}

static const char *s0(const char *s)
{
	return s ? s : "";
}

/* "6.12.117" -> "6.12" */
static void major_minor(const char *v, char *out, size_t size)
{
	const char *dot = v ? strchr(v, '.') : NULL;
	size_t n;

	if (!dot) {
		snprintf(out, size, "%s", s0(v));
		return;
	}
	n = strspn(dot + 1, "0123456789") + (dot - v) + 1;
	snprintf(out, size, "%.*s", (int)n, v);
}

static int cmp_image_version(const struct ks_image_row *a, const struct ks_image_row *b)
{
	int r = ks_version_cmp(s0(a->ident.version), s0(b->ident.version));

	if (!r)
		r = ks_version_cmp(s0(a->ident.revision), s0(b->ident.revision));
	if (!r)
		r = strcmp(a->ident.name, b->ident.name);
	return r;
}

/* Distinct major.minor versions among the images of one arch and flavor. */
static size_t line_versions(const struct ks_image_list *imgs, const char *arch, const char *flavor)
{
	size_t n = 0;

	for (size_t i = 0; i < imgs->n; i++) {
		const struct ks_identity *d = &imgs->v[i].ident;
		char mm[32], mm2[32];
		int seen = 0;

		if (strcmp(s0(d->arch), arch) || strcmp(s0(d->flavor), flavor))
			continue;
		major_minor(d->version, mm, sizeof(mm));
		for (size_t j = 0; j < i && !seen; j++) {
			const struct ks_identity *e = &imgs->v[j].ident;

			major_minor(e->version, mm2, sizeof(mm2));
			seen = !strcmp(s0(e->arch), arch) && !strcmp(s0(e->flavor), flavor) &&
			       !strcmp(mm, mm2);
		}
		n += !seen;
	}
	return n;
}

/*
 * The baseline: the newest image of the arch/flavor line with the most versions (so
 * Regular is as long as the dataset allows); on ties amd64 first, the default flavor
 * first, then names. Deterministic for a given set of images.
 */
static size_t choose_baseline(const struct ks_image_list *imgs, struct strbuf *why)
{
	size_t best = 0, best_n = 0;
	int best_amd64 = 0, best_default = 0;

	for (size_t i = 0; i < imgs->n; i++) {
		const struct ks_identity *d = &imgs->v[i].ident;
		size_t n = line_versions(imgs, s0(d->arch), s0(d->flavor));
		int amd64 = !strcmp(s0(d->arch), "amd64"), is_default;
		char fam[64];
		int better;

		ks_flavor_family(d->flavor, fam, sizeof(fam));
		is_default = fam[0] == '\0';
		if (i == 0)
			better = 1;
		else if (n != best_n)
			better = n > best_n;
		else if (amd64 != best_amd64)
			better = amd64;
		else if (is_default != best_default)
			better = is_default;
		else if (strcmp(s0(d->arch), s0(imgs->v[best].ident.arch)) ||
			 strcmp(s0(d->flavor), s0(imgs->v[best].ident.flavor)))
			better = strcmp(s0(d->flavor), s0(imgs->v[best].ident.flavor)) < 0;
		else
			better = cmp_image_version(&imgs->v[i], &imgs->v[best]) > 0;
		if (better) {
			best = i;
			best_n = n;
			best_amd64 = amd64;
			best_default = is_default;
		}
	}
	sb_addf(why, "newest image of the %s %s line, which has the most versions (%zu)",
		s0(imgs->v[best].ident.arch), s0(imgs->v[best].ident.flavor), best_n);
	return best;
}

static struct ks_group *group_new(struct ks_groups *g, const char *name, enum ks_pairing p)
{
	struct ks_group *gr;

	g->v = realloc(g->v, (g->n + 1) * sizeof(*g->v));
	if (!g->v)
		abort();
	gr = &g->v[g->n++];
	memset(gr, 0, sizeof(*gr));
	gr->name = strdup(name);
	gr->pairing = p;
	return gr;
}

static void group_push(struct ks_group *gr, size_t img, const char *label)
{
	gr->m = realloc(gr->m, (gr->n + 1) * sizeof(*gr->m));
	if (!gr->m)
		abort();
	gr->m[gr->n].img = img;
	gr->m[gr->n].label = strdup(label);
	gr->n++;
}

static const struct ks_image_list *sort_imgs;

static int cmp_idx_version(const void *a, const void *b)
{
	return cmp_image_version(&sort_imgs->v[*(const size_t *)a], &sort_imgs->v[*(const size_t *)b]);
}

/* Version-group labels: "6.1", or "6.1.176-50" when two members share major.minor. */
static void label_version_group(const struct ks_image_list *imgs, struct ks_group *gr,
				const size_t *idx, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char mm[32], other[32], label[128];
		int clash = 0;

		major_minor(imgs->v[idx[i]].ident.version, mm, sizeof(mm));
		for (size_t j = 0; j < n; j++) {
			major_minor(imgs->v[idx[j]].ident.version, other, sizeof(other));
			clash |= j != i && !strcmp(mm, other);
		}
		if (clash)
			snprintf(label, sizeof(label), "%s-%s", s0(imgs->v[idx[i]].ident.version),
				 s0(imgs->v[idx[i]].ident.revision));
		else
			snprintf(label, sizeof(label), "%s", mm);
		group_push(gr, idx[i], label);
	}
}

static int same(const char *a, const char *b)
{
	return !strcmp(s0(a), s0(b));
}

/*
 * A version group over the images of base's arch and flavor, one per major.minor (the
 * newest revision). Left out when `min` images are not there.
 */
static void derive_regular(const struct ks_image_list *imgs, size_t base, const char *name,
			   size_t min, struct ks_groups *g)
{
	const struct ks_identity *b = &imgs->v[base].ident;
	size_t *idx = calloc(imgs->n, sizeof(*idx)), n = 0;

	/* One image per major.minor: the newest revision. */
	for (size_t i = 0; i < imgs->n; i++) {
		const struct ks_identity *d = &imgs->v[i].ident;
		char mm[32], mm2[32];
		int replaced = 0;

		if (!same(d->arch, b->arch) || !same(d->flavor, b->flavor))
			continue;
		major_minor(d->version, mm, sizeof(mm));
		for (size_t j = 0; j < n; j++) {
			major_minor(imgs->v[idx[j]].ident.version, mm2, sizeof(mm2));
			if (strcmp(mm, mm2))
				continue;
			if (cmp_image_version(&imgs->v[i], &imgs->v[idx[j]]) > 0)
				idx[j] = i;
			replaced = 1;
		}
		if (!replaced)
			idx[n++] = i;
	}
	sort_imgs = imgs;
	qsort(idx, n, sizeof(*idx), cmp_idx_version);
	if (n >= min)
		label_version_group(imgs, group_new(g, name, KS_PAIRING_VERSION), idx, n);
	free(idx);
}

/* "Regular arm64", "Regular cloud-amd64": the other arch/flavor lines, so that every
 * image of a multi-version set shows up on the pages. */
static void derive_other_regulars(const struct ks_image_list *imgs, size_t base,
				  struct ks_groups *g)
{
	const struct ks_identity *b = &imgs->v[base].ident;

	for (size_t i = 0; i < imgs->n; i++) {
		const struct ks_identity *d = &imgs->v[i].ident;
		char name[160], fam[64];
		int seen = same(d->arch, b->arch) && same(d->flavor, b->flavor);

		for (size_t j = 0; j < i && !seen; j++)
			seen = same(d->arch, imgs->v[j].ident.arch) &&
			       same(d->flavor, imgs->v[j].ident.flavor);
		if (seen)
			continue;
		ks_flavor_family(d->flavor, fam, sizeof(fam));
		if (!fam[0])
			snprintf(name, sizeof(name), "Regular %s", s0(d->arch));
		else
			snprintf(name, sizeof(name), "Regular %s", s0(d->flavor));
		derive_regular(imgs, i, name, 2, g);
	}
}

/* Revision groups: every (major.minor, arch, flavor) with two or more images. */
static void derive_revisions(const struct ks_image_list *imgs, struct ks_groups *g)
{
	size_t *idx = calloc(imgs->n, sizeof(*idx));
	char *done = calloc(imgs->n, 1);

	sort_imgs = imgs;
	for (size_t i = 0; i < imgs->n; i++) {
		const struct ks_identity *a = &imgs->v[i].ident;
		char mm[32], mm2[32], name[160];
		size_t n = 0;

		if (done[i])
			continue;
		major_minor(a->version, mm, sizeof(mm));
		for (size_t j = i; j < imgs->n; j++) {
			const struct ks_identity *d = &imgs->v[j].ident;

			major_minor(d->version, mm2, sizeof(mm2));
			if (!done[j] && !strcmp(mm, mm2) && same(a->arch, d->arch) &&
			    same(a->flavor, d->flavor)) {
				idx[n++] = j;
				done[j] = 1;
			}
		}
		if (n < 2)
			continue;
		qsort(idx, n, sizeof(*idx), cmp_idx_version);
		snprintf(name, sizeof(name), "Revision %s %s-%s", mm, s0(a->flavor), s0(a->arch));
		struct ks_group *gr = group_new(g, name, KS_PAIRING_VERSION);
		for (size_t k = 0; k < n; k++) {
			char label[128];

			snprintf(label, sizeof(label), "%s-%s", s0(imgs->v[idx[k]].ident.version),
				 s0(imgs->v[idx[k]].ident.revision));
			group_push(gr, idx[k], label);
		}
	}
	free(idx);
	free(done);
}

static void derive_variants(const struct ks_image_list *imgs, size_t base, struct ks_groups *g,
			    int by_arch)
{
	const struct ks_identity *b = &imgs->v[base].ident;
	struct ks_group *gr = group_new(g, by_arch ? "Arch" : "Flavor", KS_PAIRING_VARIANT);
	char bfam[64];

	ks_flavor_family(b->flavor, bfam, sizeof(bfam));
	group_push(gr, base, by_arch ? s0(b->arch) : s0(b->flavor));
	/* Image-list order is by name, so members come out sorted and stable. */
	for (size_t i = 0; i < imgs->n; i++) {
		const struct ks_identity *d = &imgs->v[i].ident;
		char fam[64];

		if (i == base || !same(d->version, b->version) || !same(d->revision, b->revision))
			continue;
		ks_flavor_family(d->flavor, fam, sizeof(fam));
		if (by_arch && !same(d->arch, b->arch) && !strcmp(fam, bfam))
			group_push(gr, i, s0(d->arch));
		if (!by_arch && same(d->arch, b->arch) && !same(d->flavor, b->flavor))
			group_push(gr, i, s0(d->flavor));
	}
	if (gr->n < 2) {
		free(gr->m[0].label);
		free(gr->m);
		free(gr->name);
		g->n--;
	}
}

/*
 * "Other": the images no derived group holds (a custom or running kernel, a lone
 * flavor of another version), each against the baseline, so every image is on every
 * page and in some comparison. Labels are image names: nothing shorter is unique.
 */
static void derive_others(const struct ks_image_list *imgs, size_t base, struct ks_groups *g)
{
	uint8_t *held = calloc(imgs->n + 1, 1);
	struct ks_group *gr;

	if (!held)
		abort();
	for (size_t gi = 0; gi < g->n; gi++)
		for (size_t k = 0; k < g->v[gi].n; k++)
			held[g->v[gi].m[k].img] = 1;
	gr = group_new(g, "Other", KS_PAIRING_VARIANT);
	group_push(gr, base, imgs->v[base].ident.name);
	for (size_t i = 0; i < imgs->n; i++)
		if (!held[i] && i != base)
			group_push(gr, i, imgs->v[i].ident.name);
	if (gr->n < 2) {
		free(gr->m[0].label);
		free(gr->m);
		free(gr->name);
		g->n--;
	}
	free(held);
}

static int add_user_group(const struct ks_image_list *imgs, const struct ks_group_row *row,
			  struct ks_groups *g)
{
	json_t *arr = json_loads(row->images, 0, NULL);
	enum ks_pairing p = !strcmp(row->pairing, "variant") ? KS_PAIRING_VARIANT : KS_PAIRING_VERSION;
	struct ks_group *gr;
	size_t i;
	json_t *v;
	int ret = 0;

	if (!json_is_array(arr)) {
		json_decref(arr);
		return ks_err(-EINVAL, "group %s: stored image list is not a JSON array", row->name);
	}
	gr = group_new(g, row->name, p);
	gr->user = 1;
	json_array_foreach(arr, i, v) {
		const char *name = json_string_value(v);
		int k = name ? ks_image_list_find(imgs, name) : -1;

		if (k < 0) {
			ret = ks_err(-ENOENT, "group %s: no image named %s in the dataset", row->name,
				     name ? name : "(not a string)");
			break;
		}
		group_push(gr, (size_t)k, imgs->v[k].ident.name);
	}
	json_decref(arr);
	return ret;
}

int ks_groups_derive(const struct ks_image_list *imgs, const char *baseline,
		     const struct ks_group_row *user, size_t n_user, struct ks_groups *out)
{
	struct strbuf why = STRBUF_INIT;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	sb_init(&why);
	if (imgs->n == 0)
		goto users;
	if (baseline) {
		int k = ks_image_list_find(imgs, baseline);

		if (k < 0) {
			sb_release(&why);
			return ks_err(-ENOENT, "no image named %s (see `ksurf list`)", baseline);
		}
		out->baseline = (size_t)k;
		sb_add(&why, "chosen with --baseline");
	} else {
		out->baseline = choose_baseline(imgs, &why);
	}
	derive_regular(imgs, out->baseline, "Regular", 1, out);
	derive_revisions(imgs, out);
	derive_variants(imgs, out->baseline, out, 1);
	derive_variants(imgs, out->baseline, out, 0);
	derive_other_regulars(imgs, out->baseline, out);
	derive_others(imgs, out->baseline, out);
users:
	for (size_t i = 0; i < n_user && !ret; i++)
		ret = add_user_group(imgs, &user[i], out);
	out->baseline_why = sb_detach(&why);
	if (ret)
		ks_groups_free(out);
	return ret;
}

void ks_groups_free(struct ks_groups *g)
{
	for (size_t i = 0; i < g->n; i++) {
		for (size_t j = 0; j < g->v[i].n; j++)
			free(g->v[i].m[j].label);
		free(g->v[i].m);
		free(g->v[i].name);
	}
	free(g->v);
	free(g->baseline_why);
	memset(g, 0, sizeof(*g));
}

size_t ks_group_npairs(const struct ks_group *g)
{
	return g->n > 1 ? g->n - 1 : 0;
}

void ks_group_pair(const struct ks_group *g, size_t k, size_t *a, size_t *b)
{
	*a = g->pairing == KS_PAIRING_VERSION ? k : 0;
	*b = k + 1;
}

const struct ks_group *ks_groups_find(const struct ks_groups *g, const char *name)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcasecmp(g->v[i].name, name))
			return &g->v[i];
	return NULL;
}
