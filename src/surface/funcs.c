/* SPDX-License-Identifier: MIT */
/*
 * Kind func: every BTF FUNC with its prototype, joined with the image's text symbols
 * (T t W w) of the same name or the name plus compiler suffixes (".isra.0",
 * ".constprop.0", ".part.0", ".cold", ".localalias" and chains of them), and every text
 * symbol without a BTF FUNC. The status words say what BTF and symbols alone can tell
 * (docs/defs.md): "no BTF", "no symbol", "transformation", "several symbols". A later
 * DWARF pass can add its own words ("full inline", "selective inline") to the same list.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/symtab.h"
#include "surface/proto.h"
#include "surface/surface_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/jsonw.h"

/* One text symbol: its name and the length of its base (the name without suffixes). */
struct tsym {
	const char *name;
	size_t len, base;
	char type;
};

/* Whether s (at a '.') is a chain of compiler suffixes and nothing else. */
static bool suffix_chain(const char *s)
{
	static const char *const numbered[] = {"isra.", "constprop.", "part.", "lto_priv."};

	while (*s) {
		bool ok = false;

		if (*s++ != '.')
			return false;
		if (!strncmp(s, "cold", 4) && (s[4] == '.' || !s[4])) {
			s += 4;
			continue;
		}
		if (!strncmp(s, "localalias", 10) && (s[10] == '.' || !s[10])) {
			s += 10;
			continue;
		}
		for (size_t i = 0; i < sizeof(numbered) / sizeof(*numbered) && !ok; i++) {
			size_t n = strlen(numbered[i]);

			if (strncmp(s, numbered[i], n) || s[n] < '0' || s[n] > '9')
				continue;
			for (s += n; *s >= '0' && *s <= '9'; s++)
				;
			ok = true;
		}
		if (!ok)
			return false;
	}
	return true;
}

static size_t base_len(const char *name, size_t len)
{
	for (const char *p = strchr(name + 1, '.'); p; p = strchr(p + 1, '.'))
		if (suffix_chain(p))
			return (size_t)(p - name);
	return len;
}

static bool is_text(char type)
{
	return type == 'T' || type == 't' || type == 'W' || type == 'w';
}

static int cmp_tsym(const void *x, const void *y)
{
	const struct tsym *a = x, *b = y;
	int r = ks_name_cmp(a->name, a->base, b->name, b->base);

	if (!r)
		r = strcmp(a->name, b->name);
	return r ? r : (a->type > b->type) - (a->type < b->type);
}

/* The text symbols of st, sorted by (base, name, type); __pfx_ padding is left out. */
static int collect(const struct ks_symtab *st, struct tsym **out, size_t *n)
{
	struct tsym *v = malloc(sizeof(*v) * (st->n ? st->n : 1));

	*n = 0;
	if (!v)
		return ks_err(-ENOMEM, "symbols: out of memory");
	for (size_t i = 0; i < st->n; i++) {
		const char *name = ks_sym_name(st, &st->syms[i]);
		size_t len;

		if (!is_text(st->syms[i].type) || !*name || !strncmp(name, "__pfx_", 6))
			continue;
		len = strlen(name);
		v[(*n)++] = (struct tsym){name, len, base_len(name, len), st->syms[i].type};
	}
	qsort(v, *n, sizeof(*v), cmp_tsym);
	*out = v;
	return 0;
}

static void put_sep(struct strbuf *d, bool *first)
{
	if (!*first)
		sb_addc(d, ',');
	*first = false;
}

/* "evidence":[...]: one line per distinct symbol name and type, with its count. */
static int put_evidence(struct ks_proto_ctx *c, const struct tsym *s, size_t n)
{
	struct strbuf line = STRBUF_INIT;
	bool first = true;
	int ret = 0;

	sb_init(&line);
	sb_add(&c->def, "\"evidence\":[");
	for (size_t i = 0, j; i < n && !ret; i = j) {
		for (j = i + 1; j < n && s[j].type == s[i].type && !strcmp(s[j].name, s[i].name); j++)
			;
		sb_reset(&line);
		sb_addf(&line, "symbol %s (%c, %s)", s[i].name, s[i].type,
			s[i].type >= 'a' ? "local" : "global");
		if (j - i > 1)
			sb_addf(&line, " ×%zu", j - i);
		put_sep(&c->def, &first);
		ret = ks_jsonw_str(&c->def, line.buf, line.len);
	}
	sb_addc(&c->def, ']');
	sb_release(&line);
	return ret;
}

/*
 * One func item: FUNC fid (0 when only symbols know it) and its symbols s[0..n);
 * symbols_known is false when the image has no symbols at all.
 */
static int put_func(struct ks_proto_ctx *c, const char *name, uint32_t fid, unsigned dups,
		    const struct tsym *s, size_t n, bool symbols_known, struct ks_surface *out)
{
	struct strbuf *d = &c->def;
	size_t exact = 0;
	bool first = true;
	int ret;

	for (size_t i = 0; i < n; i++)
		exact += s[i].len == s[i].base;
	sb_reset(d);
	sb_addc(d, '{');
	ret = fid ? ks_proto_put_c(c, fid) : ks_proto_put_kv(d, "c", name);
	if (!ret && n) {
		sb_addc(d, ',');
		ret = put_evidence(c, s, n);
	}
	sb_add(d, ",\"kind\":\"func\"");
	if (fid) {
		sb_add(d, ",\"linkage\":\"");
		sb_add(d, ks_proto_linkage(c->btf, fid));
		sb_addc(d, '"');
	}
	sb_addc(d, ',');
	if (!ret)
		ret = ks_proto_put_kv(d, "name", name);
	if (fid && !ret) {
		sb_addc(d, ',');
		ret = ks_proto_put_params(c, fid);
		sb_addc(d, ',');
		if (!ret)
			ret = ks_proto_put_return(c, fid);
	}
	if (ret)
		return ks_err(ret, "function %s: a name is not valid UTF-8", name);
	if (symbols_known && (!fid || !n || !exact || exact > 1)) {
		sb_add(d, ",\"status\":[");
		if (!fid) {
			put_sep(d, &first);
			sb_add(d, "\"no BTF\"");
		}
		if (!n) {
			put_sep(d, &first);
			sb_add(d, "\"no symbol\"");
		}
		if (n && !exact) {
			put_sep(d, &first);
			sb_add(d, "\"transformation\"");
		}
		if (exact > 1) {
			put_sep(d, &first);
			sb_add(d, "\"several symbols\"");
		}
		sb_addc(d, ']');
	}
	if (!symbols_known)
		sb_add(d, ",\"symbols_known\":false");
	sb_addc(d, '}');
	ks_surface_push(out, KS_KIND_FUNC, name, sb_copy(d), dups);
	return 0;
}

static int join(struct ks_proto_ctx *c, const struct ks_func_index *fx, const struct tsym *s,
		size_t ns, bool symbols_known, struct ks_surface *out)
{
	struct strbuf name = STRBUF_INIT;
	size_t i = 0, a = 0;
	int ret = 0;

	sb_init(&name);
	while ((i < fx->n || a < ns) && !ret) {
		size_t j = i, b = a;
		int r;

		if (i == fx->n)
			r = 1;
		else if (a == ns)
			r = -1;
		else
			r = ks_name_cmp(fx->v[i].name, fx->v[i].len, s[a].name, s[a].base);
		if (r <= 0)
			while (j < fx->n && !ks_name_cmp(fx->v[j].name, fx->v[j].len, fx->v[i].name,
							 fx->v[i].len))
				j++;
		if (r >= 0)
			while (b < ns && !ks_name_cmp(s[b].name, s[b].base, s[a].name, s[a].base))
				b++;
		sb_reset(&name);
		if (r <= 0)
			sb_addn(&name, fx->v[i].name, fx->v[i].len);
		else
			sb_addn(&name, s[a].name, s[a].base);
		ret = put_func(c, name.buf, r <= 0 ? fx->v[i].id : 0, (unsigned)(j > i ? j - i - 1 : 0),
			       s ? s + a : NULL, b - a, symbols_known, out);
		i = j;
		a = b;
	}
	sb_release(&name);
	return ret;
}

int ks_surface_funcs(const struct ks_surface_input *in, struct ks_surface *out)
{
	struct ks_func_index fx;
	struct ks_proto_ctx c;
	struct tsym *s = NULL;
	size_t ns = 0;
	bool known = in->syms && in->syms->n;
	int ret;

	if ((ret = ks_func_index_build(in->btf, &fx)))
		return ret;
	if ((ret = ks_proto_ctx_init(&c, in->btf))) {
		ks_func_index_free(&fx);
		return ret;
	}
	if (known)
		ret = collect(in->syms, &s, &ns);
	ks_phase("surface: funcs: index, symbols");
	if (!ret)
		ret = join(&c, &fx, s, ns, known, out);
	free(s);
	ks_proto_ctx_fini(&c);
	ks_func_index_free(&fx);
	return ret;
}
