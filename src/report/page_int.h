/* SPDX-License-Identifier: MIT */
/* The item page's pieces, shared by its text/Markdown/JSON writer (page.c) and its HTML
 * writer (page_html.c). */
#ifndef KSURF_REPORT_PAGE_INT_H
#define KSURF_REPORT_PAGE_INT_H

#include <jansson.h>

#include "diff/change.h"
#include "report/report.h"
#include "util/strbuf.h"

/* A page's own pair verdicts beyond the differ's, where an image's modules were not
 * ingested: the item lives in a module of one image and the other cannot say
 * (PAIR_UNKNOWN), or neither image's vmlinux has it and a module might (PAIR_NO_MODULES). */
enum { PAIR_UNKNOWN = 100, PAIR_NO_MODULES };

struct page_pair {
	int status; /* enum ks_pair_status or PAIR_* */
	struct ks_changes ch;
};

/* The C rendering stored in a def, or NULL. */
const char *page_def_c(json_t *def);
/* The def's status words joined with ", " (a thread-local buffer), or NULL. */
const char *page_def_status(json_t *def);
const char *page_absent_word(const struct ks_page *p, size_t i);
/* " (types from DWARF)" for an image whose kernel has no BTF, else "". */
const char *page_types_note(const struct ks_page *p, size_t i);
const char *page_where_of(const struct ks_page *p, size_t i);
const char *page_others_of(const struct ks_page *p, size_t i);
/* "in module dm_mod", "in modules a, b, c and 12 more". */
void page_where_words(const char *where, struct strbuf *sb);
/* "(2 more definitions with this name…; the first is shown)". */
void page_dups_words(const struct ks_page *p, size_t i, struct strbuf *sb);
/* Compare image ia with ib; the caller frees r->ch. 0 or a negative errno. */
int page_diff_pair(const struct ks_page *p, size_t ia, size_t ib, struct page_pair *r);
const char *page_pair_word(int status);
const char *page_pair_mark(int status);
const char *page_pair_note(int status);
int page_group_shown(const struct ks_page *p, const struct ks_group *g);
/* The member a definition is compared with (the previous one, or the baseline). */
size_t page_same_as(const struct ks_group *g, size_t k);

int page_html(FILE *out, const struct ks_page *p, json_t **parsed);

#endif
