/* SPDX-License-Identifier: MIT */
/* ksurf: the command table and global options. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "util/err.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct ks_ctx *ctx);
	const char *summary;
};

static const struct command commands[] = {
	{"add", cmd_add, "ingest kernel images (packages, kernels, BTF, System.map, config)"},
	{"fetch", cmd_fetch, "download kernel packages through apt (Debian, Ubuntu) and ingest them"},
	{"list", cmd_list, "list the dataset's images and groups"},
	{"show", cmd_show, "show one item (struct, union, enum, typedef) across all images"},
	{"diff", cmd_diff, "compare whole surfaces: two images, or every pair of a group"},
	{"site", cmd_site, "write a static website of the dataset: item pages, indexes, search, plots"},
	{"check", cmd_check, "will these eBPF objects load and attach on these kernels?"},
	{"group", cmd_group, "define, list and delete your own groups of images"},
	{NULL, NULL, NULL},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ksurf [--db FILE] [--no-color] [-q] COMMAND [ARGS...]\n\n"
		   "Maps the dependency surface of Linux kernels for eBPF.\n\ncommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	fprintf(f, "\nglobal options:\n"
		   "  --db FILE     the dataset (default: $KSURF_DB, else ./ksurf.db)\n"
		   "  --no-color    no colour even on a terminal\n"
		   "  -q, --quiet   no progress or warnings on stderr\n"
		   "  --version     print the version\n"
		   "  -h, --help    this help; `ksurf COMMAND --help` for a command's\n");
}

int ks_cmd_fail(void)
{
	fprintf(stderr, "ksurf: %s\n", ks_errmsg());
	return KS_EXIT_ERROR;
}

int ks_cmd_usage_error(const char *use, const char *fmt, ...)
{
	va_list ap;

	fputs("ksurf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", use);
	return KS_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},	{"no-color", no_argument, NULL, 'C'},
		{"quiet", no_argument, NULL, 'q'},	{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},	{NULL, 0, NULL, 0},
	};
	struct ks_ctx ctx = {0};
	int c, no_color = 0;

	ctx.db_path = getenv("KSURF_DB");
	if (!ctx.db_path || !*ctx.db_path)
		ctx.db_path = "ksurf.db";
	while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			ctx.db_path = optarg;
			break;
		case 'C':
			no_color = 1;
			break;
		case 'q':
			ks_quiet = 1;
			break;
		case 'V':
			printf("ksurf %s\n", KSURF_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return KS_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	ctx.color = !no_color && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	ctx.progress = !ks_quiet && isatty(STDERR_FILENO);
	ks_style_init(&ctx.style, ctx.color);
	if (!strcmp(argv[optind], "help")) {
		usage(stdout);
		return 0;
	}
	int first = optind;
	for (const struct command *cmd = commands; cmd->name; cmd++) {
		if (strcmp(cmd->name, argv[first]))
			continue;
		optind = 0; /* GNU getopt: 0 re-initialises for the command's own options */
		return cmd->fn(argc - first, argv + first, &ctx);
	}
	fprintf(stderr, "ksurf: unknown command '%s' (see `ksurf --help`)\n", argv[optind]);
	return KS_EXIT_USAGE;
}
