/* SPDX-License-Identifier: MIT */
#include "ingest/config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

void ks_config_free(struct ks_config *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].value);
	}
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}

static void config_add(struct ks_config *c, const char *name, size_t nlen, const char *val,
		       size_t vlen)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		if (!c->v)
			abort();
	}
	c->v[c->n].name = strndup(name, nlen);
	c->v[c->n].value = strndup(val, vlen);
	if (!c->v[c->n].name || !c->v[c->n].value)
		abort();
	c->n++;
}

static int valid_symbol(const char *s, size_t n)
{
	if (n <= 7 || memcmp(s, "CONFIG_", 7))
		return 0;
	for (size_t i = 7; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

/* One line; returns 0 (entry added or nothing to add) or -EINVAL. */
static int parse_line(struct ks_config *c, const char *s, size_t n)
{
	const char *eq;

	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return 0;
	if (s[0] == '#') {
		static const char tail[] = " is not set";
		size_t tl = sizeof(tail) - 1;

		if (n > 2 + tl && !memcmp(s, "# ", 2) && !memcmp(s + n - tl, tail, tl) &&
		    valid_symbol(s + 2, n - 2 - tl))
			config_add(c, s + 2, n - 2 - tl, "n", 1);
		return 0;
	}
	eq = memchr(s, '=', n);
	if (!eq || !valid_symbol(s, eq - s))
		return -EINVAL;
	config_add(c, s, eq - s, eq + 1, n - (eq - s) - 1);
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct ks_config_entry *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	/* Equal names: keep input order so the last one can win. */
	if (r)
		return r;
	return x < y ? -1 : x > y;
}

static void dedup_last_wins(struct ks_config *c)
{
	size_t o = 0;

	for (size_t i = 0; i < c->n; i++) {
		if (i + 1 < c->n && !strcmp(c->v[i].name, c->v[i + 1].name)) {
			free(c->v[i].name);
			free(c->v[i].value);
			continue;
		}
		c->v[o++] = c->v[i];
	}
	c->n = o;
}

int ks_config_parse(const char *origin, const char *text, size_t len, struct ks_config *out)
{
	size_t pos = 0, line = 0;
	int seen_config = 0;

	memset(out, 0, sizeof(*out));
	if (memchr(text, '\0', len))
		return ks_err(-ENOMSG, "%s: not a kernel config (binary data)", origin);
	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		line++;
		if ((n > 7 && !memcmp(s, "CONFIG_", 7)) || (n > 9 && !memcmp(s, "# CONFIG_", 9)))
			seen_config = 1;
		if (!seen_config && line > 64)
			break;
		if (parse_line(out, s, n)) {
			ks_config_free(out);
			if (!seen_config)
				return ks_err(-ENOMSG, "%s: not a kernel config", origin);
			return ks_err(-EINVAL, "%s: line %zu: not a config line: \"%.*s\"", origin,
				      line, (int)(n > 60 ? 60 : n), s);
		}
		pos += n + 1;
	}
	if (!seen_config || out->n == 0) {
		ks_config_free(out);
		return ks_err(-ENOMSG, "%s: not a kernel config (no CONFIG_ lines)", origin);
	}
	/* qsort is not stable, but cmp_entry orders equal names by address (input order). */
	qsort(out->v, out->n, sizeof(*out->v), cmp_entry);
	dedup_last_wins(out);
	return 0;
}
