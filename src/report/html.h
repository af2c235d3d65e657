/* SPDX-License-Identifier: MIT */
/* HTML output: one escaper for every page, and C code with its type names as links. */
#ifndef KSURF_REPORT_HTML_H
#define KSURF_REPORT_HTML_H

#include <stdio.h>

struct strbuf;

/* Text escaped for HTML content and quoted attributes: & < > " '. */
void ks_html_esc(FILE *out, const char *s);
void ks_html_esc_n(FILE *out, const char *s, size_t n);
void ks_html_esc_sb(struct strbuf *sb, const char *s);

/* An id/anchor made of s: letters, digits, '-', '_' and '.' kept, others as '-'. */
void ks_html_anchor(struct strbuf *sb, const char *s);

/* 1 and the href of kind/name in *href, or 0 when it has no page. */
typedef int (*ks_html_link_fn)(void *ctx, const char *kind, const char *name, struct strbuf *href);

/*
 * C text (a definition as the C printer writes it) escaped, with `struct X`, `union X`,
 * `enum X` and typedef names in type position as links where link says so.
 */
void ks_html_c(FILE *out, const char *c, ks_html_link_fn link, void *ctx);

/* The one style sheet of every HTML page (light and dark): inside <style> in a
 * standalone report, ksurf.css in the site (assets/ksurf.css, embedded at build time). */
extern const char ks_html_css[];

#endif
