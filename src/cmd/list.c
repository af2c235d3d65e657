/* SPDX-License-Identifier: MIT */
/* `ksurf list`: images and groups. */
#include <getopt.h>
#include <stdio.h>

#include "cmd/common.h"

static const char list_usage[] =
	"usage: ksurf list [--format text|json] [--baseline NAME]\n\n"
	"List the dataset's images (name, version, revision, flavor, arch, distro, BTF\n"
	"types, symbols, config entries, source) and its groups with their baseline.\n";

int cmd_list(int argc, char **argv, struct ks_ctx *ctx)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"baseline", required_argument, NULL, 'b'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *baseline = NULL;
	int c, fmt = KS_FMT_TEXT, ret;
	struct ks_view v;

	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = ks_format_parse(optarg);
			if (fmt != KS_FMT_TEXT && fmt != KS_FMT_JSON)
				return ks_cmd_usage_error(list_usage, "list: unknown format '%s'", optarg);
			break;
		case 'b': baseline = optarg; break;
		case 'h': fputs(list_usage, stdout); return 0;
		default: fputs(list_usage, stderr); return KS_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return ks_cmd_usage_error(list_usage, "list: unexpected argument '%s'", argv[optind]);
	if (ks_view_open(ctx, baseline, &v))
		return ks_cmd_fail();
	ret = ks_report_images(stdout, &v.imgs, &v.groups, fmt, &ctx->style);
	ks_view_close(&v);
	return ret ? ks_cmd_fail() : 0;
}
