/* SPDX-License-Identifier: MIT */
#include "ingest/symtab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

void ks_symtab_init(struct ks_symtab *st)
{
	memset(st, 0, sizeof(*st));
}

void ks_symtab_free(struct ks_symtab *st)
{
	free(st->syms);
	free(st->pool);
	ks_symtab_init(st);
}

void ks_symtab_add(struct ks_symtab *st, uint64_t addr, char type, const char *name, size_t len)
{
	struct ks_sym *s;

	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 4096;
		st->syms = realloc(st->syms, st->cap * sizeof(*st->syms));
		if (!st->syms)
			abort();
	}
	if (st->pool_cap - st->pool_len < len + 1) {
		while (st->pool_cap - st->pool_len < len + 1)
			st->pool_cap = st->pool_cap ? st->pool_cap * 2 : 65536;
		/* Names are addressed by 32-bit offsets. */
		if (st->pool_cap > UINT32_MAX)
			abort();
		st->pool = realloc(st->pool, st->pool_cap);
		if (!st->pool)
			abort();
	}
	s = &st->syms[st->n++];
	s->addr = addr;
	s->type = type;
	s->name = (uint32_t)st->pool_len;
	memcpy(st->pool + st->pool_len, name, len);
	st->pool[st->pool_len + len] = '\0';
	st->pool_len += len + 1;
}

static int sym_cmp(const void *a, const void *b, void *pool)
{
	const struct ks_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp((const char *)pool + x->name, (const char *)pool + y->name);
}

void ks_symtab_sort(struct ks_symtab *st)
{
	if (st->n > 1)
		qsort_r(st->syms, st->n, sizeof(*st->syms), sym_cmp, st->pool);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * One line: "<hex addr> <type> <name>[\t[module]]". Returns 1 when a symbol was
 * added, 0 for a line to skip (a module's symbol), -1 when malformed.
 */
static int parse_line(const char *p, const char *end, struct ks_symtab *out)
{
	uint64_t addr = 0;
	const char *name;
	int digits = 0, v;
	char type;

	while (p < end && (v = hexval(*p)) >= 0) {
		if (++digits > 16)
			return -1;
		addr = addr << 4 | (unsigned)v;
		p++;
	}
	if (!digits || end - p < 4 || p[0] != ' ' || p[2] != ' ')
		return -1;
	type = p[1];
	if (!((type >= 'A' && type <= 'Z') || (type >= 'a' && type <= 'z') || type == '?' ||
	      type == '-'))
		return -1;
	name = p += 3;
	while (p < end && *p != '\t' && *p != ' ')
		p++;
	if (p == name)
		return -1;
	if (p < end && *p == ' ')
		return -1; /* names have no spaces: this is not a symbol line */
	if (p < end)	   /* "\t[module]": not part of the kernel image */
		return end - p > 2 && p[1] == '[' && end[-1] == ']' ? 0 : -1;
	ks_symtab_add(out, addr, type, name, p - name);
	return 1;
}

/* The error for a bad line, quoting its start (printable bytes only: one line). */
static int malformed(const char *origin, size_t line, const char *p, const char *eol)
{
	char quote[61];
	size_t i;

	for (i = 0; i < sizeof(quote) - 1 && p + i < eol; i++)
		quote[i] = p[i] >= ' ' && p[i] < 0x7f ? p[i] : '?';
	quote[i] = '\0';
	return ks_err(-EINVAL,
		      "%s: line %zu: malformed (expected \"<hex address> <type> <name>\"): %s",
		      origin, line, quote);
}

int ks_sysmap_parse(const char *origin, const char *text, size_t len, struct ks_symtab *out)
{
	static const char stub[] = "The real System.map is in";
	const char *p = text, *end = text + len;
	size_t line = 0, added = 0, nonzero = 0;

	if (!out->source[0])
		snprintf(out->source, sizeof(out->source), "System.map");
	if (len && memmem(text, len < 4096 ? len : 4096, stub, sizeof(stub) - 1))
		return ks_err(-ENODATA,
			      "%s: a stub System.map (Debian keeps the real one in "
			      "the -dbg package)",
			      origin);
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *eol = nl ? nl : end;
		int ret;

		line++;
		if (eol > p && eol[-1] == '\r')
			eol--;
		if (eol > p) {
			ret = parse_line(p, eol, out);
			if (ret < 0)
				return malformed(origin, line, p, eol);
			if (ret > 0) {
				added++;
				nonzero += out->syms[out->n - 1].addr != 0;
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (!added)
		return ks_err(-ENODATA, "%s: no symbols", origin);
	/* /proc/kallsyms read without privilege lists every address as 0. */
	if (!nonzero)
		return ks_err(-ENODATA,
			      "%s: all %zu symbol addresses are 0 (kptr_restrict: "
			      "read it as root)",
			      origin, added);
	return 0;
}
