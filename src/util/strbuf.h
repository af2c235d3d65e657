/* SPDX-License-Identifier: MIT */
#ifndef KSURF_UTIL_STRBUF_H
#define KSURF_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * The one string builder. buf is always NUL-terminated (never NULL after sb_init),
 * len excludes the NUL. Allocation failure aborts: a tool that cannot allocate a few
 * bytes of text has nothing useful left to do.
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

#define STRBUF_INIT {.buf = NULL, .len = 0, .cap = 0}

void sb_init(struct strbuf *sb);
void sb_release(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_grow(struct strbuf *sb, size_t extra);
void sb_add(struct strbuf *sb, const char *s);
void sb_addn(struct strbuf *sb, const char *s, size_t n);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Append n copies of c. */
void sb_addpad(struct strbuf *sb, char c, size_t n);
void sb_truncate(struct strbuf *sb, size_t len);
/* Return the buffer (caller frees) and leave sb empty. */
char *sb_detach(struct strbuf *sb);
/* A malloc'ed copy of the contents, exactly sized; sb keeps its buffer for reuse (one
 * allocation per string built in a loop, instead of the doublings of a fresh buffer). */
char *sb_copy(const struct strbuf *sb);
/* Read a whole file; returns 0 or negative errno (message via ks_err). */
int sb_read_file(struct strbuf *sb, const char *path);

#endif
