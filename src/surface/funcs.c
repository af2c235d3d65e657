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
#include "surface/funcs_dwarf.h"
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

/*
 * "evidence":[...]: one line per distinct symbol name and type, with its count, then
 * DWARF's lines (declaration sites, inline and direct callers) when it knows the name.
 */
static int put_evidence(struct ks_proto_ctx *c, const struct tsym *s, size_t n,
			const struct ks_fdw *fdw, long dwid)
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
	if (!ret && fdw)
		ret = ks_fdw_evidence(fdw, dwid, &c->def, &first);
	sb_addc(&c->def, ']');
	sb_release(&line);
	return ret;
}

/* One line of a DWARF prototype (s to its end or the next '\n') as a JSON string. */
static int put_piece(struct strbuf *d, const char **s, char end)
{
	size_t n = strcspn(*s, end == '\t' ? "\t\n" : "\n");
	int ret = ks_jsonw_str(d, *s, n);

	*s += n + ((*s)[n] != '\0');
	return ret;
}

/* "params":[...] from the parameter lines of a DWARF prototype (after its 2nd line). */
static int put_dwarf_params(struct strbuf *d, const char *p)
{
	int ret = 0;
	bool first = true;

	sb_add(d, "\"params\":[");
	while (*p && !ret) {
		const char *name = p, *type, *decl;

		type = name + strcspn(name, "\t\n") + 1;
		decl = type + strcspn(type, "\t\n") + 1;
		put_sep(d, &first);
		sb_add(d, "{\"decl\":");
		ret = put_piece(d, &decl, '\n');
		sb_add(d, ",\"name\":");
		if (!ret)
			ret = put_piece(d, &name, '\t');
		sb_add(d, ",\"type\":");
		if (!ret)
			ret = put_piece(d, &type, '\t');
		sb_addc(d, '}');
		p = decl;
	}
	sb_addc(d, ']');
	return ret;
}

static void put_word(struct strbuf *d, bool *first, bool cond, const char *word)
{
	if (!cond)
		return;
	put_sep(d, first);
	sb_addc(d, '"');
	sb_add(d, word);
	sb_addc(d, '"');
}

/*
 * One func item: FUNC fid (0 when only symbols or DWARF know it), its symbols s[0..n)
 * and DWARF name dwid (-1 when DWARF does not know it; fdw NULL when the image has no
 * DWARF); symbols_known is false when the image has no symbols at all.
 */
static int put_func(struct ks_proto_ctx *c, const char *name, uint32_t fid, unsigned dups,
		    const struct tsym *s, size_t n, bool symbols_known, const struct ks_fdw *fdw,
		    long dwid, struct ks_surface *out)
{
	struct strbuf *d = &c->def;
	const char *proto = NULL, *p;
	struct ks_fdw_facts f = {0};
	size_t exact = 0;
	bool first = true, dw_words = false;
	int ret;

	for (size_t i = 0; i < n; i++)
		exact += s[i].len == s[i].base;
	if (fdw) {
		ks_fdw_facts(fdw, dwid, &f);
		dw_words = f.inlined || f.duplicate || f.static_sites >= 2 ||
			   (f.static_sites && f.global_sites);
	}
	/* without a BTF FUNC, the prototype DWARF gives */
	if (!fid && fdw)
		proto = ks_fdw_proto(fdw, dwid);
	sb_reset(d);
	sb_addc(d, '{');
	if (fid) {
		ret = ks_proto_put_c(c, fid);
	} else if (proto) {
		p = proto;
		sb_add(d, "\"c\":");
		ret = put_piece(d, &p, '\n');
	} else {
		ret = ks_proto_put_kv(d, "c", name);
	}
	if (fdw)
		sb_add(d, ",\"dwarf\":true");
	if (!ret && (n || dwid >= 0)) {
		sb_addc(d, ',');
		ret = put_evidence(c, s, n, fdw, dwid);
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
	} else if (proto && !ret) {
		const char *ret_type = proto + strcspn(proto, "\n") + (proto[strcspn(proto, "\n")] != 0);

		p = ret_type + strcspn(ret_type, "\n") + (ret_type[strcspn(ret_type, "\n")] != 0);
		sb_addc(d, ',');
		ret = put_dwarf_params(d, p);
		sb_add(d, ",\"proto\":\"dwarf\",\"return\":");
		if (!ret)
			ret = put_piece(d, &ret_type, '\n');
	}
	if (ret)
		return ks_err(ret, "function %s: a name is not valid UTF-8", name);
	if (symbols_known && (!fid || !n || !exact || exact > 1 || dw_words)) {
		sb_add(d, ",\"status\":[");
		put_word(d, &first, !fid, "no BTF");
		put_word(d, &first, !n, "no symbol");
		put_word(d, &first, f.inlined && !n, "full inline");
		put_word(d, &first, f.inlined && n, "selective inline");
		put_word(d, &first, n && !exact, "transformation");
		put_word(d, &first, f.duplicate, "duplicate");
		put_word(d, &first, f.static_sites >= 2, "static-static collision");
		put_word(d, &first, f.static_sites && f.global_sites, "static-global collision");
		put_word(d, &first, exact > 1, "several symbols");
		sb_addc(d, ']');
	}
	if (!symbols_known)
		sb_add(d, ",\"symbols_known\":false");
	sb_addc(d, '}');
	ks_surface_push(out, KS_KIND_FUNC, name, sb_copy(d), dups);
	return 0;
}

/* The three name streams of the join: BTF FUNCs, text symbols by base, DWARF items. */
struct streams {
	const struct ks_func_index *fx;
	const struct tsym *s;
	size_t ns;
	const struct ks_fdw *fdw; /* NULL without DWARF */
	size_t i, a, w;		  /* heads */
};

static bool head(const struct streams *st, int which, const char **name, size_t *len)
{
	if (which == 0 && st->i < st->fx->n) {
		*name = st->fx->v[st->i].name;
		*len = st->fx->v[st->i].len;
		return true;
	}
	if (which == 1 && st->a < st->ns) {
		*name = st->s[st->a].name;
		*len = st->s[st->a].base;
		return true;
	}
	if (which == 2 && st->fdw && st->w < st->fdw->nitems) {
		*name = st->fdw->d->names[st->fdw->items[st->w]];
		*len = strlen(*name);
		return true;
	}
	return false;
}

/* Every name of any stream, in order, as one func item. */
static int join(struct ks_proto_ctx *c, struct streams *st, bool symbols_known,
		struct ks_surface *out)
{
	struct strbuf name = STRBUF_INIT;
	int ret = 0;

	sb_init(&name);
	for (;;) {
		const char *min = NULL, *h;
		size_t minlen = 0, hl, j, b;
		uint32_t fid = 0;
		long dwid = -1;

		for (int k = 0; k < 3; k++)
			if (head(st, k, &h, &hl) && (!min || ks_name_cmp(h, hl, min, minlen) < 0)) {
				min = h;
				minlen = hl;
			}
		if (!min || ret)
			break;
		sb_reset(&name);
		sb_addn(&name, min, minlen);
		for (j = st->i; j < st->fx->n &&
				!ks_name_cmp(st->fx->v[j].name, st->fx->v[j].len, name.buf, name.len);
		     j++)
			;
		if (j > st->i)
			fid = st->fx->v[st->i].id;
		for (b = st->a; b < st->ns && !ks_name_cmp(st->s[b].name, st->s[b].base, name.buf, name.len);
		     b++)
			;
		if (head(st, 2, &h, &hl) && !ks_name_cmp(h, hl, name.buf, name.len))
			st->w++;
		if (st->fdw)
			dwid = ks_dwarf_find(st->fdw->d, name.buf, name.len);
		ret = put_func(c, name.buf, fid, (unsigned)(j > st->i ? j - st->i - 1 : 0),
			       st->s ? st->s + st->a : NULL, /* no symbols: no pointer arithmetic on NULL */
			       b - st->a, symbols_known, st->fdw, dwid, out);
		st->i = j;
		st->a = b;
	}
	sb_release(&name);
	return ret;
}

int ks_surface_funcs(const struct ks_surface_input *in, struct ks_surface *out)
{
	struct ks_func_index fx;
	struct ks_fdw fdw;
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
	if (!ret && in->dwarf) {
		ks_fdw_build(in->dwarf, &fdw);
		ks_phase("surface: funcs: DWARF facts by name");
	}
	if (!ret) {
		struct streams st = {&fx, s, ns, in->dwarf ? &fdw : NULL, 0, 0, 0};

		ret = join(&c, &st, known, out);
	}
	if (in->dwarf)
		ks_fdw_free(&fdw);
	free(s);
	ks_proto_ctx_fini(&c);
	ks_func_index_free(&fx);
	return ret;
}
