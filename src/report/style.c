/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <string.h>

#include "report/report.h"

static const char *const fmt_names[] = {"text", "md", "json", "html", "csv"};

int ks_format_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(fmt_names) / sizeof(*fmt_names); i++)
		if (!strcmp(s, fmt_names[i]))
			return (int)i;
	if (!strcmp(s, "markdown"))
		return KS_FMT_MD;
	return -1;
}

const char *ks_format_name(enum ks_format f)
{
	return fmt_names[f];
}

void ks_style_init(struct ks_style *s, int color)
{
	s->color = color;
	s->bold = color ? "\033[1m" : "";
	s->dim = color ? "\033[2m" : "";
	s->green = color ? "\033[32m" : "";
	s->yellow = color ? "\033[33m" : "";
	s->red = color ? "\033[31m" : "";
	s->reset = color ? "\033[0m" : "";
}

int ks_json_print(FILE *out, json_t *v)
{
	int ret = json_dumpf(v, out, JSON_INDENT(2) | JSON_ENSURE_ASCII * 0 | JSON_PRESERVE_ORDER);

	fputc('\n', out);
	return ret ? -5 : 0;
}
