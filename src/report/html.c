/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <string.h>

#include "report/html.h"
#include "util/strbuf.h"

static const char *esc_of(char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

void ks_html_esc_n(FILE *out, const char *s, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		const char *e = esc_of(s[i]);

		if (!e)
			continue;
		fwrite(s + run, 1, i - run, out);
		fputs(e, out);
		run = i + 1;
	}
	fwrite(s + run, 1, n - run, out);
}

void ks_html_esc(FILE *out, const char *s)
{
	if (s)
		ks_html_esc_n(out, s, strlen(s));
}

void ks_html_esc_sb(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		const char *e = esc_of(*s);

		if (e)
			sb_add(sb, e);
		else
			sb_addc(sb, *s);
	}
}

void ks_html_anchor(struct strbuf *sb, const char *s)
{
	for (; *s; s++)
		sb_addc(sb, isalnum((unsigned char)*s) || *s == '-' || *s == '_' || *s == '.' ? *s : '-');
}

static int ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static int ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Words that may stand before a type name without making it a declarator. */
static int type_prefix(const char *w, size_t n)
{
	static const char *const words[] = {"const", "volatile", "static", "extern", "inline",
					    "restrict", "__restrict", "signed", "unsigned"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && !memcmp(words[i], w, n))
			return 1;
	return 0;
}

static int is_tag(const char *w, size_t n)
{
	return (n == 6 && (!memcmp(w, "struct", 6))) || (n == 5 && !memcmp(w, "union", 5)) ||
	       (n == 4 && !memcmp(w, "enum", 4));
}

/* Write c[0..n) as a link to kind/name when it has a page. */
static void put_word(FILE *out, const char *w, size_t n, const char *kind, ks_html_link_fn link,
		     void *ctx, struct strbuf *name, struct strbuf *href)
{
	sb_reset(name);
	sb_addn(name, w, n);
	sb_reset(href);
	if (link && link(ctx, kind, name->buf, href)) {
		fputs("<a href=\"", out);
		ks_html_esc(out, href->buf);
		fputs("\">", out);
		ks_html_esc_n(out, w, n);
		fputs("</a>", out);
	} else {
		ks_html_esc_n(out, w, n);
	}
}

void ks_html_c(FILE *out, const char *c, ks_html_link_fn link, void *ctx)
{
	struct strbuf name = STRBUF_INIT, href = STRBUF_INIT;
	const char *tag = NULL; /* the previous word was struct/union/enum */
	size_t tagn = 0;
	int type_pos = 1;	/* no identifier since the last punctuation */
	const char *p = c, *run = c;

	if (!c)
		return;
	sb_init(&name);
	sb_init(&href);
	while (*p) {
		if (!ident_start(*p) || (p > c && ident_char(p[-1]))) {
			if (*p == ',' || *p == '(' || *p == '{' || *p == ';' || *p == '\n' || *p == '<')
				type_pos = 1;
			else if (!isspace((unsigned char)*p))
				type_pos = 0; /* '*', '[', ':' … start or sit in a declarator */
			p++;
			continue;
		}
		const char *w = p;
		size_t n;

		while (ident_char(*p))
			p++;
		n = (size_t)(p - w);
		if (tag) {
			char kind[8];

			memcpy(kind, tag, tagn);
			kind[tagn] = '\0';
			ks_html_esc_n(out, run, (size_t)(w - run));
			put_word(out, w, n, kind, link, ctx, &name, &href);
			run = p;
			tag = NULL;
			type_pos = 0;
		} else if (is_tag(w, n)) {
			tag = w;
			tagn = n;
		} else if (type_prefix(w, n)) {
			/* still a type position */
		} else if (type_pos) {
			ks_html_esc_n(out, run, (size_t)(w - run));
			put_word(out, w, n, "typedef", link, ctx, &name, &href);
			run = p;
			type_pos = 0;
		} else {
			type_pos = 0;
		}
	}
	ks_html_esc_n(out, run, (size_t)(p - run));
	sb_release(&name);
	sb_release(&href);
}
