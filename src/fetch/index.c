/* SPDX-License-Identifier: MIT */
/* Packages indices: only the kernel packages, with what a download needs. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch/index.h"
#include "util/err.h"

static void kpkg_free(struct ks_kpkg *k)
{
	free(k->package);
	free(k->version);
	free(k->arch);
	free(k->filename);
	free(k->sha256);
	free(k->suite);
	free(k->release);
}

void ks_kpkg_list_free(struct ks_kpkg_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		kpkg_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const char *ks_kpkg_kind_name(enum ks_kpkg_kind kind)
{
	static const char *const names[] = {"image", "image-unsigned", "binary", "binary-unsigned",
					    "base",  "modules",	       "dbg"};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

/* "6.1.0-50-amd64", "6.12.117+deb13-arm64-16k", "5.15.0-100-generic": x.y.z then -/+. */
static int is_real_release(const char *r)
{
	int dots = 0;
	const char *p = r;

	if (!isdigit((unsigned char)*p))
		return 0;
	for (; *p && *p != '-' && *p != '+'; p++) {
		if (*p == '.')
			dots++;
		else if (!isdigit((unsigned char)*p))
			return 0;
	}
	return dots == 2 && p[0] && p[1];
}

static int has_suffix(const char *s, size_t n, const char *suf)
{
	size_t m = strlen(suf);

	return n > m && !memcmp(s + n - m, suf, m);
}

int ks_kpkg_classify(const char *package, enum ks_kpkg_kind *kind, char **release)
{
	static const struct {
		const char *prefix;
		enum ks_kpkg_kind kind;
	} prefixes[] = {
		{"linux-binary-unsigned-", KS_KPKG_BINARY_UNSIGNED},
		{"linux-binary-", KS_KPKG_BINARY},
		{"linux-base-", KS_KPKG_BASE},
		{"linux-modules-", KS_KPKG_MODULES},
		{"linux-image-unsigned-", KS_KPKG_IMAGE_UNSIGNED},
		{"linux-image-", KS_KPKG_IMAGE},
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i].prefix), n;
		const char *rel = package + pl;
		enum ks_kpkg_kind k = prefixes[i].kind;

		if (strncmp(package, prefixes[i].prefix, pl))
			continue;
		n = strlen(rel);
		if (k == KS_KPKG_IMAGE && has_suffix(rel, n, "-unsigned")) {
			k = KS_KPKG_IMAGE_UNSIGNED;
			n -= strlen("-unsigned");
		} else if (k == KS_KPKG_IMAGE && has_suffix(rel, n, "-dbg")) {
			k = KS_KPKG_DBG;
			n -= strlen("-dbg");
		}
		char *r = strndup(rel, n);
		if (!r)
			abort();
		if (!is_real_release(r)) {
			free(r);
			return -ENOENT;
		}
		*kind = k;
		*release = r;
		return 0;
	}
	return -ENOENT;
}

/* No package is this large (256 TB); a bigger Size is a broken index, and sums stay exact. */
#define KS_KPKG_SIZE_MAX ((uint64_t)1 << 48)

/* The fields of one stanza, pointing into the text (not NUL-terminated). */
struct stanza {
	const char *val[6];
	size_t len[6];
};

enum { F_PACKAGE, F_VERSION, F_ARCH, F_FILENAME, F_SIZE, F_SHA256, F_N };

static const char *const field_names[F_N] = {"Package",	 "Version", "Architecture",
					     "Filename", "Size",    "SHA256"};

static char *dup_field(const struct stanza *st, int f)
{
	char *s = strndup(st->val[f], st->len[f]);

	if (!s)
		abort();
	return s;
}

static int valid_sha256(const char *p, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)p[i]))
			return 0;
	return 1;
}

static void stanza_flush(struct stanza *st, const char *suite, struct ks_kpkg_list *out)
{
	struct ks_kpkg *k, *nv;
	enum ks_kpkg_kind kind;
	char *package, *release, *end;
	uint64_t size;
	int f;

	for (f = 0; f < F_N; f++)
		if (!st->val[f] || !st->len[f])
			goto out;
	if (!valid_sha256(st->val[F_SHA256], st->len[F_SHA256]) ||
	    !isdigit((unsigned char)st->val[F_SIZE][0]))
		goto out;
	package = dup_field(st, F_PACKAGE);
	if (ks_kpkg_classify(package, &kind, &release)) {
		free(package);
		goto out;
	}
	char *sz = dup_field(st, F_SIZE);
	size = strtoull(sz, &end, 10);
	f = *end != '\0' || size > KS_KPKG_SIZE_MAX;
	free(sz);
	if (f) {
		free(package);
		free(release);
		goto out;
	}
	nv = realloc(out->v, (out->n + 1) * sizeof(*out->v));
	if (!nv)
		abort();
	out->v = nv;
	k = &out->v[out->n++];
	k->package = package;
	k->release = release;
	k->kind = kind;
	k->size = size;
	k->version = dup_field(st, F_VERSION);
	k->arch = dup_field(st, F_ARCH);
	k->filename = dup_field(st, F_FILENAME);
	k->sha256 = dup_field(st, F_SHA256);
	for (char *p = k->sha256; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	k->suite = strdup(suite);
out:
	memset(st, 0, sizeof(*st));
}

int ks_apt_index_parse(const char *origin, const char *text, size_t len, const char *suite,
		       struct ks_kpkg_list *out)
{
	const char *p = text, *end = text + len;
	struct stanza st = {0};
	unsigned lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *next = nl ? nl + 1 : end, *colon;

		lineno++;
		if (n && p[n - 1] == '\r')
			n--;
		if (n == 0) {
			stanza_flush(&st, suite, out);
		} else if (p[0] == ' ' || p[0] == '\t' || p[0] == '#') {
			/* continuation (Description) or comment: nothing ksurf needs */
		} else if (!(colon = memchr(p, ':', n))) {
			return ks_err(-EINVAL, "%s:%u: expected 'Field: value'", origin, lineno);
		} else {
			for (int f = 0; f < F_N; f++) {
				size_t fl = strlen(field_names[f]);
				const char *v = colon + 1;

				if ((size_t)(colon - p) != fl || strncasecmp(p, field_names[f], fl))
					continue;
				while (v < p + n && (*v == ' ' || *v == '\t'))
					v++;
				st.val[f] = v;
				st.len[f] = p + n - v;
				while (st.len[f] && (v[st.len[f] - 1] == ' ' || v[st.len[f] - 1] == '\t'))
					st.len[f]--;
			}
		}
		p = next;
	}
	stanza_flush(&st, suite, out);
	return 0;
}
