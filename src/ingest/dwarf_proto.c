/* SPDX-License-Identifier: MIT */
/*
 * A subprogram's prototype from DWARF, written as the one C printer writes BTF's
 * (docs/defs.md: "long unsigned int", "const char *", "char * const p",
 * "int (*fn)(int, void *)", "(void)"), for functions BTF has no FUNC of.
 */
#include "ingest/dwarf_proto.h"

#include <dwarf.h>
#include <stdbool.h>
#include <string.h>

#define MAX_TYPE_DEPTH 32
#define MAX_TYPE_NODES 4096 /* per prototype: lying DWARF can fan out (a prototype whose
			       parameters point back at it) */

/* Type DIEs this thread may still visit for the prototype being written. */
static _Thread_local unsigned nodes_left;

static bool type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, out);
}

static void render(Dwarf_Die *t, const char *inner, struct strbuf *out, int depth);

/* "const p", "volatile": a pointer's declarator then needs "* const p", not "*const p". */
static bool starts_with_qualifier(const char *s)
{
	static const char *const q[] = {"const", "volatile", "restrict"};

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(q[i]);

		if (!strncmp(s, q[i], n) && (s[n] == ' ' || s[n] == '\0'))
			return true;
	}
	return false;
}

/* "(int, char *)", "(void)", "(int, ...)" of a prototype's children; names when named. */
static void params(Dwarf_Die *fn, bool named, struct strbuf *out, int depth)
{
	struct strbuf one = STRBUF_INIT;
	Dwarf_Die c, t;
	int n = 0;

	sb_init(&one);
	sb_addc(out, '(');
	if (dwarf_child(fn, &c) == 0) {
		do {
			int tag = dwarf_tag(&c);

			if (tag == DW_TAG_unspecified_parameters) {
				sb_add(out, n++ ? ", ..." : "...");
				continue;
			}
			if (tag != DW_TAG_formal_parameter)
				continue;
			sb_reset(&one);
			render(type_of(&c, &t) ? &t : NULL, named && dwarf_diename(&c) ? dwarf_diename(&c) : "",
			       &one, depth + 1);
			sb_add(out, n++ ? ", " : "");
			sb_add(out, one.buf);
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	if (!n)
		sb_add(out, "void");
	sb_addc(out, ')');
	sb_release(&one);
}

/* The declaration of `inner` (a declarator, "" for an abstract one) of type t (NULL: void). */
static void render(Dwarf_Die *t, const char *inner, struct strbuf *out, int depth)
{
	struct strbuf in = STRBUF_INIT;
	Dwarf_Die target, c;
	bool has_target;
	const char *name;
	int tag;

	if (depth > MAX_TYPE_DEPTH || !nodes_left) {
		sb_add(out, "?");
		return;
	}
	nodes_left--;
	if (!t) {
		sb_add(out, "void");
		if (*inner)
			sb_addf(out, " %s", inner);
		return;
	}
	tag = dwarf_tag(t);
	if (tag == DW_TAG_unspecified_type) { /* assembly's functions: no C type */
		render(NULL, inner, out, depth + 1);
		return;
	}
	has_target = type_of(t, &target);
	sb_init(&in);
	switch (tag) {
	case DW_TAG_pointer_type: {
		int tt = has_target ? dwarf_tag(&target) : 0;
		bool paren = tt == DW_TAG_subroutine_type || tt == DW_TAG_array_type;

		sb_add(&in, paren ? "(*" : "*");
		if (starts_with_qualifier(inner) || inner[0] == '(')
			sb_addc(&in, ' '); /* "* const p", "struct x * (*get)(void)" */
		sb_add(&in, inner);
		if (paren)
			sb_addc(&in, ')');
		render(has_target ? &target : NULL, in.buf, out, depth + 1);
		break;
	}
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type: {
		/* a run of qualifiers prints innermost first, as BTF's printer does */
		const char *q[8];
		int nq = 0, tt = tag;
		Dwarf_Die cur = *t;

		for (;;) {
			if (nq < 8)
				q[nq++] = tt == DW_TAG_const_type ? "const"
					  : tt == DW_TAG_volatile_type ? "volatile" : "restrict";
			if (!type_of(&cur, &target)) {
				has_target = false;
				break;
			}
			has_target = true;
			tt = dwarf_tag(&target);
			if (tt != DW_TAG_const_type && tt != DW_TAG_volatile_type &&
			    tt != DW_TAG_restrict_type)
				break;
			cur = target;
		}
		if (!has_target)
			tt = 0;
		if (tt == DW_TAG_pointer_type) {
			for (int i = nq - 1; i >= 0; i--)
				sb_addf(&in, "%s%s", i == nq - 1 ? "" : " ", q[i]);
			if (*inner)
				sb_addf(&in, " %s", inner);
			render(&target, in.buf, out, depth + 1);
		} else if (tt == DW_TAG_array_type || tt == DW_TAG_subroutine_type) {
			render(&target, inner, out, depth + 1); /* dropped, as BTF's printer does */
		} else {
			for (int i = nq - 1; i >= 0; i--)
				sb_addf(out, "%s ", q[i]);
			render(has_target ? &target : NULL, inner, out, depth + 1);
		}
		break;
	}
	case DW_TAG_array_type:
		sb_add(&in, inner);
		if (dwarf_child(t, &c) == 0) {
			do {
				Dwarf_Attribute a;
				Dwarf_Word v;

				if (dwarf_tag(&c) != DW_TAG_subrange_type)
					continue;
				if (dwarf_formudata(dwarf_attr(&c, DW_AT_count, &a), &v) == 0)
					sb_addf(&in, "[%llu]", (unsigned long long)v);
				else if (dwarf_formudata(dwarf_attr(&c, DW_AT_upper_bound, &a), &v) == 0)
					sb_addf(&in, "[%llu]", (unsigned long long)v + 1);
				else
					sb_add(&in, "[0]"); /* a flexible array, as BTF has it */
			} while (dwarf_siblingof(&c, &c) == 0);
		}
		render(has_target ? &target : NULL, in.buf, out, depth + 1);
		break;
	case DW_TAG_subroutine_type:
		sb_add(&in, inner);
		params(t, false, &in, depth);
		render(has_target ? &target : NULL, in.buf, out, depth + 1);
		break;
	default:
		name = dwarf_diename(t);
		if (tag == DW_TAG_structure_type)
			sb_add(out, "struct ");
		else if (tag == DW_TAG_union_type)
			sb_add(out, "union ");
		else if (tag == DW_TAG_enumeration_type)
			sb_add(out, "enum ");
		sb_add(out, name ? name : "(anon)");
		if (*inner)
			sb_addf(out, " %s", inner);
		break;
	}
	sb_release(&in);
}

void ks_dwarf_proto(Dwarf_Die *fn, const char *name, struct strbuf *out)
{
	struct strbuf in = STRBUF_INIT, one = STRBUF_INIT;
	Dwarf_Die t, c;

	sb_init(&in);
	sb_init(&one);
	nodes_left = MAX_TYPE_NODES;
	/* the prototype */
	sb_add(&in, name);
	params(fn, true, &in, 0);
	render(type_of(fn, &t) ? &t : NULL, in.buf, out, 0);
	/* the return type */
	sb_addc(out, '\n');
	render(type_of(fn, &t) ? &t : NULL, "", out, 0);
	/* each parameter: name, type, declaration */
	if (dwarf_child(fn, &c) == 0) {
		do {
			const char *pn;
			bool typed;

			if (dwarf_tag(&c) == DW_TAG_unspecified_parameters) {
				sb_add(out, "\n...\t...\t...");
				continue;
			}
			if (dwarf_tag(&c) != DW_TAG_formal_parameter)
				continue;
			pn = dwarf_diename(&c);
			typed = type_of(&c, &t);
			sb_addf(out, "\n%s\t", pn ? pn : "");
			render(typed ? &t : NULL, "", out, 0);
			sb_addc(out, '\t');
			render(typed ? &t : NULL, pn ? pn : "", out, 0);
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	sb_release(&in);
	sb_release(&one);
}
