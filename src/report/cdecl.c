/* SPDX-License-Identifier: MIT */
/*
 * The C declaration printer. The declarator algorithm is libbpf's btf_dump
 * (btf_dump_emit_type_decl / btf_dump_emit_type_chain): push the chain of BTF types
 * from the declared type down to a terminal type (int, struct, typedef...), then pop it
 * back, writing modifiers left of base types but right of pointers, and parentheses
 * where arrays and prototypes bind tighter than pointers. Every spacing decision below
 * is btf_dump's, so our output and bpftool's can be compared byte for byte.
 */
#include "report/cdecl.h"

#include <bpf/btf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A modifier cycle in a lying BTF must end somewhere; real chains are < 10 long. */
#define MAX_CHAIN 64
/* Nesting of prototypes in prototypes and anonymous bodies in bodies. */
#define MAX_DEPTH 32
/*
 * Types one call may visit. The largest kernel definition needs a few thousand; a lying
 * BTF whose anonymous struct holds itself twice would need 2^MAX_DEPTH.
 */
#define MAX_STEPS (1L << 18)
#define INDENT	  4

enum memo_state { MEMO_UNKNOWN, MEMO_DONE, MEMO_NEVER };

/*
 * The declaration of type id T with name N is named[0..named_len) N suffix, and without
 * a name abs[0..abs_len) suffix; all three parts live in the arena at off. (The two
 * prefixes differ only in btf_dump's spaces before a name.)
 */
struct memo {
	uint32_t off, named_len, abs_len, suffix_len;
};

struct ks_cdecl_cache {
	const struct btf *btf;
	uint32_t n;
	uint8_t *state; /* enum memo_state per type id */
	struct memo *memo;
	int16_t *align; /* btf__align_of + 1 per type id, 0 = not computed: zeroed memory,
			   so a module's cache costs no pass over vmlinux's ids */
	struct strbuf arena;
};

struct printer {
	const struct btf *btf;
	struct ks_cdecl_cache *cache; /* NULL: print without memory */
	struct strbuf *out;
	int ptr_sz;
	int depth;
	long steps;    /* left of MAX_STEPS */
	bool lvl_used; /* output depended on the indent level (inline anonymous body) */
};

/* Where the declared name landed in the output, for splitting a memo. */
/*
 * Where the declared name landed in the output, and the spaces btf_dump writes only
 * because there is a name (before it, and before an array's parenthesis): without them
 * the same output is the abstract declarator.
 */
struct frame {
	size_t name_start, name_end;
	size_t spaces[2];
	int n_spaces; /* > 2: not splittable */
};

struct chain {
	const uint32_t *ids;
	int cnt;
};

static void emit_decl(struct printer *p, uint32_t id, const char *fname, int lvl);
static void emit_chain(struct printer *p, struct frame *f, struct chain *ch, const char *fname,
		       int lvl);

static const struct btf_type *type_of(const struct printer *p, uint32_t id)
{
	return btf__type_by_id(p->btf, id);
}

static const char *name_of(const struct printer *p, uint32_t off)
{
	const char *s = btf__name_by_offset(p->btf, off);

	return s ? s : "";
}

static void indent(struct printer *p, int lvl)
{
	sb_addpad(p->out, ' ', (size_t)lvl * INDENT);
}

/* libbpf's btf_is_mod as of btf_dump's writing: type tags count as modifiers. */
static bool is_mod(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return true;
	default:
		return false;
	}
}

/* btf__align_of as btf_dump uses it: a struct laid out unnaturally aligns to 1. */
static int align_of(struct printer *p, uint32_t id, int depth);

static int composite_align(struct printer *p, const struct btf_type *t, int depth)
{
	const struct btf_member *m = btf_members(t);
	int max_align = 1;

	for (uint32_t i = 0; i < btf_vlen(t); i++, m++) {
		int a = align_of(p, m->type, depth + 1);

		if (a <= 0)
			return a;
		if (a > max_align)
			max_align = a;
		/* a member off its natural alignment means the struct is packed */
		if (!btf_member_bitfield_size(t, i) && m->offset % (8u * a))
			return 1;
	}
	return (t->size % max_align) ? 1 : max_align;
}

static int align_uncached(struct printer *p, uint32_t id, int depth)
{
	const struct btf_type *t = type_of(p, id);

	if (!t || depth > MAX_DEPTH || --p->steps < 0)
		return 0;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FLOAT:
		return (int)(t->size < (uint32_t)p->ptr_sz ? t->size : (uint32_t)p->ptr_sz);
	case BTF_KIND_PTR:
		return p->ptr_sz;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return align_of(p, t->type, depth + 1);
	case BTF_KIND_ARRAY:
		return align_of(p, btf_array(t)->type, depth + 1);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return composite_align(p, t, depth);
	default:
		return 0;
	}
}

static int align_of(struct printer *p, uint32_t id, int depth)
{
	struct ks_cdecl_cache *c = p->cache;
	int a;

	if (c && id < c->n && c->align[id] > 0)
		return c->align[id] - 1;
	a = align_uncached(p, id, depth);
	if (c && id < c->n && a >= 0 && a < INT16_MAX)
		c->align[id] = (int16_t)(a + 1);
	return a;
}

/* btf_dump's btf_is_struct_packed: some member or the size defies natural alignment. */
static bool is_packed(struct printer *p, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	int max_align = 1;

	for (uint32_t i = 0; i < btf_vlen(t); i++, m++) {
		int a = align_of(p, m->type, 0);

		if (a && !btf_member_bitfield_size(t, i) && m->offset % (8u * a))
			return true;
		if (a > max_align)
			max_align = a;
	}
	return t->size % max_align != 0;
}

/* An unnamed member is an anonymous struct/union to write out; anything else is padding. */
static bool is_anon_composite_member(struct printer *p, uint32_t id)
{
	const struct btf_type *t = type_of(p, id);

	for (int n = 0; t && n < MAX_CHAIN && (is_mod(t) || btf_is_typedef(t)); n++)
		t = type_of(p, t->type);
	return t && (btf_is_struct(t) || btf_is_union(t));
}

static void emit_struct_def(struct printer *p, const struct btf_type *t, int lvl)
{
	const struct btf_member *m = btf_members(t);
	bool packed = btf_is_struct(t) && is_packed(p, t);
	int lines = 0;

	sb_add(p->out, btf_is_struct(t) ? "struct" : "union");
	if (t->name_off) {
		sb_addc(p->out, ' ');
		sb_add(p->out, name_of(p, t->name_off));
	}
	sb_add(p->out, " {");
	for (uint32_t i = 0; i < btf_vlen(t); i++, m++) {
		const char *fname = name_of(p, m->name_off);
		uint32_t bits = btf_member_bitfield_size(t, i);

		if (!*fname && !is_anon_composite_member(p, m->type))
			continue;
		sb_addc(p->out, '\n');
		indent(p, lvl + 1);
		emit_decl(p, m->type, fname, lvl + 1);
		if (bits)
			sb_addf(p->out, ": %u", bits);
		sb_addc(p->out, ';');
		lines++;
	}
	if (lines) {
		sb_addc(p->out, '\n');
		indent(p, lvl);
	}
	sb_addc(p->out, '}');
	if (packed)
		sb_add(p->out, " __attribute__((packed))");
}

static void emit_enumerator(const struct btf *btf, const struct btf_type *t, uint32_t i,
			    struct strbuf *out)
{
	const char *name;

	if (btf_is_enum(t)) {
		const struct btf_enum *v = btf_enum(t) + i;

		name = btf__name_by_offset(btf, v->name_off);
		if (btf_kflag(t))
			sb_addf(out, "%s = %d", name ? name : "", v->val);
		else
			sb_addf(out, "%s = %u", name ? name : "", (uint32_t)v->val);
	} else {
		const struct btf_enum64 *v = btf_enum64(t) + i;
		uint64_t val = btf_enum64_value(v);

		name = btf__name_by_offset(btf, v->name_off);
		if (btf_kflag(t))
			sb_addf(out, "%s = %lldLL", name ? name : "", (long long)val);
		else
			sb_addf(out, "%s = %lluULL", name ? name : "", (unsigned long long)val);
	}
}

static void emit_enum_def(struct printer *p, const struct btf_type *t, int lvl)
{
	sb_add(p->out, "enum");
	if (t->name_off) {
		sb_addc(p->out, ' ');
		sb_add(p->out, name_of(p, t->name_off));
	}
	if (!btf_vlen(t))
		return;
	sb_add(p->out, " {");
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		sb_addc(p->out, '\n');
		indent(p, lvl + 1);
		emit_enumerator(p->btf, t, i, p->out);
		sb_addc(p->out, ',');
	}
	sb_addc(p->out, '\n');
	indent(p, lvl);
	sb_addc(p->out, '}');
}

/* Modifiers that sit right on a base type go left of it: "const char". */
static void emit_mods(struct printer *p, struct chain *ch)
{
	while (ch->cnt) {
		const struct btf_type *t = type_of(p, ch->ids[ch->cnt - 1]);

		if (!t)
			return;
		switch (btf_kind(t)) {
		case BTF_KIND_VOLATILE:
			sb_add(p->out, "volatile ");
			break;
		case BTF_KIND_CONST:
			sb_add(p->out, "const ");
			break;
		case BTF_KIND_RESTRICT:
			sb_add(p->out, "restrict ");
			break;
		default:
			return;
		}
		ch->cnt--;
	}
}

/* Qualifiers of arrays and prototypes are compiler noise (GCC bugs); btf_dump drops them. */
static void drop_mods(struct printer *p, struct chain *ch)
{
	while (ch->cnt) {
		const struct btf_type *t = type_of(p, ch->ids[ch->cnt - 1]);

		if (!t || !is_mod(t))
			return;
		ch->cnt--;
	}
}

static void add_name_space(struct printer *p, struct frame *f)
{
	if (f && f->n_spaces < 2)
		f->spaces[f->n_spaces] = p->out->len;
	if (f)
		f->n_spaces++;
	sb_addc(p->out, ' ');
}

static void emit_name(struct printer *p, struct frame *f, const char *fname, bool last_was_ptr)
{
	if (!*fname)
		return;
	if (!last_was_ptr)
		add_name_space(p, f);
	if (f)
		f->name_start = p->out->len;
	sb_add(p->out, fname);
	if (f)
		f->name_end = p->out->len;
}

static void emit_array(struct printer *p, struct frame *f, struct chain *ch,
		       const struct btf_type *t, const char *fname, bool last_was_ptr, int lvl)
{
	uint32_t nelems = btf_array(t)->nelems;
	const struct btf_type *next;
	bool multidim;

	drop_mods(p, ch);
	if (!ch->cnt) {
		emit_name(p, f, fname, last_was_ptr);
		sb_addf(p->out, "[%u]", nelems);
		return;
	}
	next = type_of(p, ch->ids[ch->cnt - 1]);
	multidim = next && btf_is_array(next);
	if (*fname && !last_was_ptr)
		add_name_space(p, f);
	if (!multidim)
		sb_addc(p->out, '(');
	emit_chain(p, f, ch, fname, lvl);
	if (!multidim)
		sb_addc(p->out, ')');
	sb_addf(p->out, "[%u]", nelems);
}

static void emit_proto(struct printer *p, struct frame *f, struct chain *ch,
		       const struct btf_type *t, const char *fname, bool last_was_ptr, int lvl)
{
	const struct btf_param *prm = btf_params(t);
	uint16_t vlen = btf_vlen(t);

	drop_mods(p, ch);
	if (ch->cnt) {
		sb_add(p->out, " (");
		emit_chain(p, f, ch, fname, lvl);
		sb_addc(p->out, ')');
	} else {
		emit_name(p, f, fname, last_was_ptr);
	}
	sb_addc(p->out, '(');
	/* no parameters, or clang's single void parameter for them: "(void)" */
	if (!vlen || (vlen == 1 && !prm->type)) {
		sb_add(p->out, "void)");
		return;
	}
	for (uint16_t i = 0; i < vlen; i++, prm++) {
		if (i)
			sb_add(p->out, ", ");
		/* a last parameter of type void is the variadic "..." */
		if (i == vlen - 1 && !prm->type) {
			sb_add(p->out, "...");
			break;
		}
		emit_decl(p, prm->type, name_of(p, prm->name_off), lvl);
	}
	sb_addc(p->out, ')');
}

/* Write the type at the chain's bottom, with the modifiers that sit on it. */
static void emit_terminal(struct printer *p, struct chain *ch, const struct btf_type *t, int lvl)
{
	emit_mods(p, ch);
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (!t->name_off) {
			p->lvl_used = true;
			emit_struct_def(p, t, lvl);
		} else {
			sb_add(p->out, btf_is_struct(t) ? "struct " : "union ");
			sb_add(p->out, name_of(p, t->name_off));
		}
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (!t->name_off) {
			p->lvl_used = true;
			emit_enum_def(p, t, lvl);
		} else {
			sb_add(p->out, "enum ");
			sb_add(p->out, name_of(p, t->name_off));
		}
		break;
	case BTF_KIND_FWD:
		sb_add(p->out, btf_kflag(t) ? "union " : "struct ");
		sb_add(p->out, name_of(p, t->name_off));
		break;
	default: /* int, float, typedef */
		sb_add(p->out, name_of(p, t->name_off));
		break;
	}
}

static void emit_chain(struct printer *p, struct frame *f, struct chain *ch, const char *fname,
		       int lvl)
{
	/* "int ***", not "int * * *"; a lone pointer before a prototype is "(*fn)" */
	bool last_was_ptr = true;

	while (ch->cnt) {
		uint32_t id = ch->ids[--ch->cnt];
		const struct btf_type *t = id ? type_of(p, id) : NULL;
		int kind = t ? btf_kind(t) : BTF_KIND_UNKN;

		if (!id) {
			emit_mods(p, ch);
			sb_add(p->out, "void");
			last_was_ptr = false;
			continue;
		}
		switch (kind) {
		case BTF_KIND_PTR:
			sb_add(p->out, last_was_ptr ? "*" : " *");
			break;
		case BTF_KIND_VOLATILE:
			sb_add(p->out, " volatile");
			break;
		case BTF_KIND_CONST:
			sb_add(p->out, " const");
			break;
		case BTF_KIND_RESTRICT:
			sb_add(p->out, " restrict");
			break;
		case BTF_KIND_TYPE_TAG:
			emit_mods(p, ch);
			sb_addf(p->out, " __attribute__((btf_type_tag(\"%s\")))",
				name_of(p, t->name_off));
			break;
		case BTF_KIND_ARRAY:
			emit_array(p, f, ch, t, fname, last_was_ptr, lvl);
			return;
		case BTF_KIND_FUNC_PROTO:
			emit_proto(p, f, ch, t, fname, last_was_ptr, lvl);
			return;
		case BTF_KIND_INT:
		case BTF_KIND_FLOAT:
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_FWD:
			emit_terminal(p, ch, t, lvl);
			break;
		default: /* not a type a declaration can have */
			sb_addf(p->out, "/* bad type [%u] */", id);
			break;
		}
		last_was_ptr = kind == BTF_KIND_PTR;
	}
	emit_name(p, f, fname, last_was_ptr);
}

/* Push the chain from id down to its terminal type, then write it out. */
static void render(struct printer *p, struct frame *f, uint32_t id, const char *fname, int lvl)
{
	uint32_t ids[MAX_CHAIN];
	struct chain ch = {ids, 0};

	if (p->depth >= MAX_DEPTH || --p->steps < 0) {
		sb_add(p->out, "/* nested too deep */");
		return;
	}
	p->depth++;
	while (ch.cnt < MAX_CHAIN) {
		const struct btf_type *t = id ? type_of(p, id) : NULL;

		ids[ch.cnt++] = id;
		if (!t)
			break;
		if (is_mod(t) || btf_is_ptr(t) || btf_is_func_proto(t))
			id = t->type;
		else if (btf_is_array(t))
			id = btf_array(t)->type;
		else
			break;
	}
	emit_chain(p, f, &ch, fname, lvl);
	p->depth--;
}

/* Keep the parts of the declaration just printed at out[start..] with a placeholder name. */
static void memo_keep(struct printer *p, uint32_t id, size_t start, const struct frame *f)
{
	struct ks_cdecl_cache *c = p->cache;
	const char *s = p->out->buf + start;
	size_t named_len = f->name_start - start, k = 0;
	struct memo *m = &c->memo[id];

	m->off = (uint32_t)c->arena.len;
	m->named_len = (uint32_t)named_len;
	m->suffix_len = (uint32_t)(p->out->len - f->name_end);
	sb_addn(&c->arena, s, named_len);
	/* the abstract prefix: the named one without the spaces a name brings */
	for (int i = 0; i < f->n_spaces; i++) {
		size_t sp = f->spaces[i] - start;

		sb_addn(&c->arena, s + k, sp - k);
		k = sp + 1;
	}
	sb_addn(&c->arena, s + k, named_len - k);
	m->abs_len = (uint32_t)(c->arena.len - m->off - named_len);
	sb_addn(&c->arena, p->out->buf + f->name_end, m->suffix_len);
	c->state[id] = MEMO_DONE;
}

/*
 * First sight of id: print it with a placeholder name and keep the parts, unless the
 * output depends on the indent level (an inline anonymous body); then remember not to
 * try again. The caller prints from the memo, or afresh.
 */
static void memo_fill(struct printer *p, uint32_t id, int lvl)
{
	struct frame f = {.n_spaces = 0};
	size_t start = p->out->len;
	bool saved = p->lvl_used;

	p->lvl_used = false;
	render(p, &f, id, "x", lvl);
	if (!p->lvl_used && f.name_end && f.n_spaces <= 2)
		memo_keep(p, id, start, &f);
	else
		p->cache->state[id] = MEMO_NEVER;
	p->lvl_used = saved || p->lvl_used;
	sb_truncate(p->out, start);
}

static void memo_put(struct printer *p, uint32_t id, const char *fname)
{
	const struct memo *m = &p->cache->memo[id];
	const char *base = p->cache->arena.buf + m->off;

	if (*fname) {
		sb_addn(p->out, base, m->named_len);
		sb_add(p->out, fname);
	} else {
		sb_addn(p->out, base + m->named_len, m->abs_len);
	}
	sb_addn(p->out, base + m->named_len + m->abs_len, m->suffix_len);
}

static void emit_decl(struct printer *p, uint32_t id, const char *fname, int lvl)
{
	struct ks_cdecl_cache *c = p->cache;

	if (c && id < c->n) {
		if (c->state[id] == MEMO_UNKNOWN)
			memo_fill(p, id, lvl);
		if (c->state[id] == MEMO_DONE) {
			memo_put(p, id, fname);
			return;
		}
	}
	render(p, NULL, id, fname, lvl);
}

static void emit_definition(struct printer *p, uint32_t id)
{
	const struct btf_type *t = type_of(p, id);
	const char *name = t ? name_of(p, t->name_off) : "";

	switch (t ? btf_kind(t) : BTF_KIND_UNKN) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		emit_struct_def(p, t, 0);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		emit_enum_def(p, t, 0);
		break;
	case BTF_KIND_FWD:
		sb_add(p->out, btf_kflag(t) ? "union " : "struct ");
		sb_add(p->out, name);
		break;
	case BTF_KIND_TYPEDEF:
		/* old GCC's typedef of __gnuc_va_list to void, mended as btf_dump does */
		if (!t->type && !strcmp(name, "__gnuc_va_list")) {
			sb_add(p->out, "typedef __builtin_va_list __gnuc_va_list");
			break;
		}
		sb_add(p->out, "typedef ");
		emit_decl(p, t->type, name, 0);
		break;
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
		emit_decl(p, t->type, name, 0);
		break;
	default:
		emit_decl(p, id, "", 0);
		break;
	}
	sb_addc(p->out, ';');
}

static void printer_init(struct printer *p, const struct btf *btf, struct ks_cdecl_cache *c,
			 struct strbuf *out)
{
	size_t psz = btf__pointer_size(btf);

	memset(p, 0, sizeof(*p));
	p->btf = btf;
	p->cache = c;
	p->out = out;
	p->ptr_sz = psz ? (int)psz : 8;
	p->steps = MAX_STEPS;
	if (!out->buf)
		sb_init(out);
}

void ks_cdecl(const struct btf *btf, uint32_t type_id, const char *name, int indent_lvl,
	      struct strbuf *out)
{
	struct printer p;

	printer_init(&p, btf, NULL, out);
	render(&p, NULL, type_id, name ? name : "", indent_lvl);
}

void ks_cdecl_definition(const struct btf *btf, uint32_t type_id, struct strbuf *out)
{
	struct printer p;

	printer_init(&p, btf, NULL, out);
	emit_definition(&p, type_id);
}

void ks_cdecl_enumerator(const struct btf *btf, uint32_t enum_id, uint32_t idx, struct strbuf *out)
{
	const struct btf_type *t = btf__type_by_id(btf, enum_id);

	if (!out->buf)
		sb_init(out);
	if (t && btf_is_any_enum(t) && idx < btf_vlen(t))
		emit_enumerator(btf, t, idx, out);
}

struct ks_cdecl_cache *ks_cdecl_cache_new(const struct btf *btf)
{
	struct ks_cdecl_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->btf = btf;
	c->n = btf__type_cnt(btf);
	c->state = calloc(c->n, sizeof(*c->state));
	c->memo = malloc(c->n * sizeof(*c->memo));
	c->align = calloc(c->n, sizeof(*c->align));
	if (!c->state || !c->memo || !c->align) {
		ks_cdecl_cache_free(c);
		return NULL;
	}
	sb_init(&c->arena);
	return c;
}

void ks_cdecl_cache_free(struct ks_cdecl_cache *c)
{
	if (!c)
		return;
	free(c->state);
	free(c->memo);
	free(c->align);
	sb_release(&c->arena);
	free(c);
}

void ks_cdecl_cached(struct ks_cdecl_cache *c, uint32_t type_id, const char *name, int indent_lvl,
		     struct strbuf *out)
{
	struct printer p;

	printer_init(&p, c->btf, c, out);
	emit_decl(&p, type_id, name ? name : "", indent_lvl);
}

void ks_cdecl_definition_cached(struct ks_cdecl_cache *c, uint32_t type_id, struct strbuf *out)
{
	struct printer p;

	printer_init(&p, c->btf, c, out);
	emit_definition(&p, type_id);
}
