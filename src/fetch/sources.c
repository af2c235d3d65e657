/* SPDX-License-Identifier: MIT */
/* apt sources, both formats, read so that ksurf can reuse the system's mirrors. */
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fetch/sources.h"
#include "util/err.h"
#include "util/strbuf.h"

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void source_free(struct ks_apt_source *src)
{
	free(src->uri);
	strv_free(src->suites, src->nsuites);
	strv_free(src->components, src->ncomponents);
	free(src->signed_by);
}

void ks_apt_sources_free(struct ks_apt_sources *s)
{
	for (size_t i = 0; i < s->n; i++)
		source_free(&s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static void strv_push(char ***v, size_t *n, const char *str, size_t len)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		abort();
	*v = nv;
	nv[(*n)++] = strndup(str, len);
}

/* Split a whitespace-separated list (commas too: apt accepts them in option values). */
static void split_words(const char *p, size_t len, const char *seps, char ***v, size_t *n)
{
	const char *end = p + len;

	while (p < end) {
		while (p < end && strchr(seps, *p))
			p++;
		const char *w = p;
		while (p < end && !strchr(seps, *p))
			p++;
		if (p > w)
			strv_push(v, n, w, p - w);
	}
}

/*
 * Append the source (uri, suites, components, signed_by, trusted), taking ownership of
 * the vectors; flat repositories and empty entries are dropped.
 */
static void add_source(struct ks_apt_sources *s, const char *uri, size_t ulen, char **suites,
		       size_t nsuites, char **comps, size_t ncomps, const char *signed_by,
		       int trusted)
{
	struct ks_apt_source *nv, *src;

	while (ulen && uri[ulen - 1] == '/')
		ulen--;
	if (!ulen || !nsuites || !ncomps) {
		strv_free(suites, nsuites);
		strv_free(comps, ncomps);
		return;
	}
	nv = realloc(s->v, (s->n + 1) * sizeof(*s->v));
	if (!nv)
		abort();
	s->v = nv;
	src = &s->v[s->n++];
	src->uri = strndup(uri, ulen);
	src->suites = suites;
	src->nsuites = nsuites;
	src->components = comps;
	src->ncomponents = ncomps;
	src->signed_by = signed_by && *signed_by ? strdup(signed_by) : NULL;
	src->trusted = trusted;
}

static char **strv_dup(char *const *v, size_t n)
{
	char **out = calloc(n ? n : 1, sizeof(*out));

	if (!out)
		abort();
	for (size_t i = 0; i < n; i++)
		out[i] = strdup(v[i]);
	return out;
}

static int is_yes(const char *v)
{
	return !strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1");
}

/* One line of the one-line format, NUL-terminated, comment already cut. */
static int parse_line(const char *origin, unsigned lineno, char *line, struct ks_apt_sources *s)
{
	char **words = NULL, **opts = NULL, *signed_by = NULL;
	size_t nwords = 0, nopts = 0;
	int trusted = 0, ret = 0;
	char *p = line, *close;

	split_words(p, strcspn(p, " \t["), " \t", &words, &nwords);
	p += strcspn(p, " \t[");
	if (nwords != 1 || strcmp(words[0], "deb"))
		goto out; /* deb-src, blank lines, other types */
	p += strspn(p, " \t");
	if (*p == '[') {
		close = strchr(p, ']');
		if (!close) {
			ret = ks_err(-EINVAL, "%s:%u: '[' without ']'", origin, lineno);
			goto out;
		}
		split_words(p + 1, close - p - 1, " \t", &opts, &nopts);
		p = close + 1;
	}
	strv_free(words, nwords);
	words = NULL;
	nwords = 0;
	split_words(p, strlen(p), " \t", &words, &nwords);
	if (nwords < 2) {
		ret = ks_err(-EINVAL, "%s:%u: expected 'deb URI SUITE COMPONENT...'", origin, lineno);
		goto out;
	}
	for (size_t i = 0; i < nopts; i++) {
		if (!strncasecmp(opts[i], "signed-by=", 10))
			signed_by = opts[i] + 10;
		else if (!strncasecmp(opts[i], "trusted=", 8))
			trusted = is_yes(opts[i] + 8);
	}
	if (nwords >= 3 && words[1][strlen(words[1]) - 1] != '/')
		add_source(s, words[0], strlen(words[0]), strv_dup(words + 1, 1), 1,
			   strv_dup(words + 2, nwords - 2), nwords - 2, signed_by, trusted);
out:
	strv_free(words, nwords);
	strv_free(opts, nopts);
	return ret;
}

static int parse_oneline(const char *origin, const char *text, size_t len,
			 struct ks_apt_sources *s)
{
	const char *p = text, *end = text + len;
	unsigned lineno = 0;
	int ret = 0;

	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = strndup(p, n);

		lineno++;
		line[strcspn(line, "#")] = '\0';
		ret = parse_line(origin, lineno, line, s);
		free(line);
		p += n + 1;
	}
	return ret;
}

/* One deb822 field being collected. */
struct para {
	struct strbuf types, uris, suites, comps, signed_by, trusted, enabled;
	struct strbuf *cur; /* the field continuation lines append to, or NULL */
};

static void para_reset(struct para *pa)
{
	sb_reset(&pa->types);
	sb_reset(&pa->uris);
	sb_reset(&pa->suites);
	sb_reset(&pa->comps);
	sb_reset(&pa->signed_by);
	sb_reset(&pa->trusted);
	sb_reset(&pa->enabled);
	pa->cur = NULL;
}

static void para_release(struct para *pa)
{
	sb_release(&pa->types);
	sb_release(&pa->uris);
	sb_release(&pa->suites);
	sb_release(&pa->comps);
	sb_release(&pa->signed_by);
	sb_release(&pa->trusted);
	sb_release(&pa->enabled);
}

/* A paragraph is complete: one source per URI, if it is an enabled "deb" one. */
static void para_flush(struct para *pa, struct ks_apt_sources *s)
{
	char **types = NULL, **uris = NULL, **suites = NULL, **comps = NULL;
	size_t ntypes = 0, nuris = 0, nsuites = 0, ncomps = 0, i;
	int deb = 0;

	split_words(pa->types.buf, pa->types.len, " \t\n", &types, &ntypes);
	for (i = 0; i < ntypes; i++)
		deb |= !strcmp(types[i], "deb");
	if (!deb || (pa->enabled.len && !is_yes(pa->enabled.buf)))
		goto out;
	split_words(pa->uris.buf, pa->uris.len, " \t\n", &uris, &nuris);
	split_words(pa->suites.buf, pa->suites.len, " \t\n", &suites, &nsuites);
	split_words(pa->comps.buf, pa->comps.len, " \t\n", &comps, &ncomps);
	for (i = 0; i < nsuites; i++)
		if (suites[i][strlen(suites[i]) - 1] == '/')
			goto out; /* flat repository */
	for (i = 0; i < nuris; i++)
		add_source(s, uris[i], strlen(uris[i]), strv_dup(suites, nsuites), nsuites,
			   strv_dup(comps, ncomps), ncomps, pa->signed_by.buf,
			   pa->trusted.len && is_yes(pa->trusted.buf));
out:
	strv_free(types, ntypes);
	strv_free(uris, nuris);
	strv_free(suites, nsuites);
	strv_free(comps, ncomps);
	para_reset(pa);
}

static struct strbuf *para_field(struct para *pa, const char *name, size_t n)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{"Types", offsetof(struct para, types)},
		{"URIs", offsetof(struct para, uris)},
		{"Suites", offsetof(struct para, suites)},
		{"Components", offsetof(struct para, comps)},
		{"Signed-By", offsetof(struct para, signed_by)},
		{"Trusted", offsetof(struct para, trusted)},
		{"Enabled", offsetof(struct para, enabled)},
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strlen(fields[i].name) == n && !strncasecmp(fields[i].name, name, n))
			return (struct strbuf *)((char *)pa + fields[i].off);
	return NULL;
}

static int parse_deb822(const char *origin, const char *text, size_t len,
			struct ks_apt_sources *s)
{
	const char *p = text, *end = text + len;
	struct para pa = {0};
	unsigned lineno = 0;
	int ret = 0;

	sb_init(&pa.types);
	sb_init(&pa.uris);
	sb_init(&pa.suites);
	sb_init(&pa.comps);
	sb_init(&pa.signed_by);
	sb_init(&pa.trusted);
	sb_init(&pa.enabled);
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *colon = memchr(p, ':', n);
		size_t blank = 0;

		lineno++;
		while (blank < n && (p[blank] == ' ' || p[blank] == '\t' || p[blank] == '\r'))
			blank++;
		if (blank == n) {
			para_flush(&pa, s);
		} else if (p[0] == '#') {
			/* comment lines do not end a paragraph */
		} else if (p[0] == ' ' || p[0] == '\t') {
			if (pa.cur) {
				sb_addc(pa.cur, '\n');
				if (!(n - blank == 1 && p[blank] == '.'))
					sb_addn(pa.cur, p + 1, n - 1);
			}
		} else if (!colon) {
			ret = ks_err(-EINVAL, "%s:%u: expected 'Field: value'", origin, lineno);
			break;
		} else {
			const char *v = colon + 1;

			pa.cur = para_field(&pa, p, colon - p);
			while (v < p + n && (*v == ' ' || *v == '\t'))
				v++;
			if (pa.cur) {
				sb_reset(pa.cur);
				sb_addn(pa.cur, v, p + n - v);
			}
		}
		p += n + 1;
	}
	if (!ret)
		para_flush(&pa, s);
	para_release(&pa);
	return ret;
}

int ks_apt_sources_parse(const char *origin, const char *text, size_t len, int deb822,
			 struct ks_apt_sources *s)
{
	return deb822 ? parse_deb822(origin, text, len, s) : parse_oneline(origin, text, len, s);
}

int ks_apt_sources_load_file(const char *path, struct ks_apt_sources *s)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(path);
	int ret;

	sb_init(&sb);
	ret = sb_read_file(&sb, path);
	if (!ret)
		ret = ks_apt_sources_parse(path, sb.buf, sb.len,
					   n > 8 && !strcmp(path + n - 8, ".sources"), s);
	sb_release(&sb);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ks_apt_sources_load_system(const char *root, struct ks_apt_sources *s)
{
	struct strbuf path = STRBUF_INIT;
	char **names = NULL;
	size_t nnames = 0;
	struct dirent *de;
	DIR *d;
	int ret = 0;

	sb_init(&path);
	sb_addf(&path, "%s/etc/apt/sources.list", root);
	if (!access(path.buf, R_OK))
		ret = ks_apt_sources_load_file(path.buf, s);
	sb_addc(&path, '.');
	sb_add(&path, "d");
	d = opendir(path.buf);
	while (!ret && d && (de = readdir(d))) {
		if (!fnmatch("*.list", de->d_name, 0) || !fnmatch("*.sources", de->d_name, 0))
			strv_push(&names, &nnames, de->d_name, strlen(de->d_name));
	}
	if (d)
		closedir(d);
	if (nnames)
		qsort(names, nnames, sizeof(*names), cmp_str); /* apt's order */
	for (size_t i = 0; !ret && i < nnames; i++) {
		size_t base = path.len;

		sb_addf(&path, "/%s", names[i]);
		ret = ks_apt_sources_load_file(path.buf, s);
		sb_truncate(&path, base);
	}
	strv_free(names, nnames);
	sb_release(&path);
	return ret;
}

static int is_security(const char *suite)
{
	size_t n = strlen(suite);

	return (n > 9 && !strcmp(suite + n - 9, "-security")) || strstr(suite, "/updates");
}

/* Does src carry suites of the system's codename ("bookworm", "bookworm-updates")? */
static int carries_codename(const struct ks_apt_source *src, const char *codename)
{
	size_t n = codename ? strlen(codename) : 0;

	for (size_t i = 0; n && i < src->nsuites; i++)
		if (!strncmp(src->suites[i], codename, n) &&
		    (src->suites[i][n] == '\0' || src->suites[i][n] == '-'))
			return 1;
	return 0;
}

const struct ks_apt_source *ks_apt_source_for_suite(const struct ks_apt_sources *s,
						    const char *suite, const char *codename)
{
	const struct ks_apt_source *first = NULL;
	int want_sec = is_security(suite);

	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; j < s->v[i].nsuites; j++)
			if (!strcmp(s->v[i].suites[j], suite))
				return &s->v[i];
	for (size_t i = 0; i < s->n; i++) {
		const struct ks_apt_source *src = &s->v[i];
		int kind_ok = 0;

		for (size_t j = 0; j < src->nsuites; j++)
			kind_ok |= is_security(src->suites[j]) == want_sec;
		if (!kind_ok)
			continue;
		if (carries_codename(src, codename))
			return src;
		if (!first)
			first = src;
	}
	return codename ? NULL : first;
}
