/* SPDX-License-Identifier: MIT */
#include "util/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

static char sb_empty[1];

void sb_init(struct strbuf *sb)
{
	sb->buf = sb_empty;
	sb->len = 0;
	sb->cap = 0;
}

void sb_release(struct strbuf *sb)
{
	if (sb->cap)
		free(sb->buf);
	sb_init(sb);
}

void sb_reset(struct strbuf *sb)
{
	sb_truncate(sb, 0);
}

void sb_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	char *nb;

	if (!sb->buf)
		sb_init(sb);
	if (need <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	nb = sb->cap ? realloc(sb->buf, cap) : malloc(cap);
	if (!nb)
		abort();
	if (!sb->cap)
		memcpy(nb, sb->buf, sb->len + 1);
	sb->buf = nb;
	sb->cap = cap;
}

void sb_addn(struct strbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_add(struct strbuf *sb, const char *s)
{
	sb_addn(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void sb_addpad(struct strbuf *sb, char c, size_t n)
{
	sb_grow(sb, n);
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	sb_grow(sb, 64);
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		abort();
	if ((size_t)n >= sb->cap - sb->len) {
		sb_grow(sb, n);
		n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	}
	sb->len += n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

void sb_truncate(struct strbuf *sb, size_t len)
{
	if (!sb->buf)
		sb_init(sb);
	if (len >= sb->len)
		return;
	sb->len = len;
	if (sb->cap)
		sb->buf[len] = '\0';
}

char *sb_detach(struct strbuf *sb)
{
	char *s = sb->cap ? sb->buf : strdup("");

	if (!s)
		abort();
	sb_init(sb);
	return s;
}

char *sb_copy(const struct strbuf *sb)
{
	char *s = malloc(sb->len + 1);

	if (!s)
		abort();
	memcpy(s, sb->buf, sb->len);
	s[sb->len] = '\0';
	return s;
}

int sb_read_file(struct strbuf *sb, const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return ks_err(-errno, "%s: %s", path, strerror(errno));
	do {
		sb_grow(sb, 1 << 16);
		n = fread(sb->buf + sb->len, 1, sb->cap - sb->len - 1, f);
		sb->len += n;
	} while (n);
	sb->buf[sb->len] = '\0';
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		return ks_err(-e, "%s: read error: %s", path, strerror(e));
	}
	fclose(f);
	return 0;
}
