/* SPDX-License-Identifier: MIT */
#include "util/jsonw.h"

#include <errno.h>
#include <stdbool.h>

/* Length of the UTF-8 sequence at s (at most n bytes), 0 if invalid, as jansson checks. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp, min;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Bytes a JSON string holds as they are: printable ASCII but the quote and backslash. */
static inline bool plain_byte(unsigned char b)
{
	return b >= 0x20 && b < 0x80 && b != '"' && b != '\\';
}

static void put_escape(struct strbuf *out, unsigned char b)
{
	switch (b) {
	case '"':
		sb_add(out, "\\\"");
		break;
	case '\\':
		sb_add(out, "\\\\");
		break;
	case '\b':
		sb_add(out, "\\b");
		break;
	case '\f':
		sb_add(out, "\\f");
		break;
	case '\n':
		sb_add(out, "\\n");
		break;
	case '\r':
		sb_add(out, "\\r");
		break;
	case '\t':
		sb_add(out, "\\t");
		break;
	default:
		sb_addf(out, "\\u%04X", b);
		break;
	}
}

/* Append s as a JSON string; -EINVAL when it is not valid UTF-8 (BTF is outside input). */
int ks_jsonw_str(struct strbuf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t run = 0, i = 0;

	sb_addc(out, '"');
	while (i < n) {
		while (i < n && plain_byte(s[i]))
			i++;
		if (i == n)
			break;
		if (s[i] >= 0x80) {
			size_t len = utf8_len(s + i, n - i);

			if (!len)
				return -EINVAL;
			i += len;
			continue;
		}
		sb_addn(out, str + run, i - run);
		put_escape(out, s[i]);
		run = ++i;
	}
	sb_addn(out, str + run, n - run);
	sb_addc(out, '"');
	return 0;
}

/* Append an unsigned decimal; printf is a tenth of the extraction otherwise. */
void ks_jsonw_u64(struct strbuf *out, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	sb_addn(out, p, (size_t)(buf + sizeof(buf) - p));
}

void ks_jsonw_i64(struct strbuf *out, int64_t v)
{
	if (v < 0) {
		sb_addc(out, '-');
		ks_jsonw_u64(out, (uint64_t)0 - (uint64_t)v);
		return;
	}
	ks_jsonw_u64(out, (uint64_t)v);
}
