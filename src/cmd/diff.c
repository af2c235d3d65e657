/* SPDX-License-Identifier: MIT */
/* `ksurf diff A B` / `ksurf diff --group G`: every item of every kind, per pair. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/common.h"
#include "cmd/diffrun.h"
#include "surface/surface.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/heap.h"

static const char diff_usage[] =
	"usage: ksurf diff A B [options]\n"
	"       ksurf diff --group G [--group G]... [options]\n\n"
	"Compare whole surfaces: per kind the number of items in the old and the new image,\n"
	"added, removed and changed, and the changed items per change type (DepSurf's diff\n"
	"table, one column per pair), then every added, removed and changed item with its\n"
	"changes. A B: two image names (see `ksurf list`); a group compares its pairs\n"
	"(consecutive images for version groups, each image against the baseline for\n"
	"variant groups).\n\n"
	"  --group G             every pair of group G (repeatable)\n"
	"  --baseline N          derive the default groups around image N\n"
	"  --kind K              only items of kind K (repeatable): struct, union, enum,\n"
	"                        typedef, func, tracepoint, lsm, kfunc, syscall, helper, ...\n"
	"  --format F            text (default), md, json, csv, html\n"
	"  --summary             the table only, no details\n"
	"  --details             csv: one row per change instead of the counts\n";

struct diff_opts {
	const char **groups;
	size_t ngroups;
	const char **kinds;
	size_t nkinds;
	const char *baseline;
	int fmt, summary, details;
};

static int run(struct ks_view *v, const struct diff_opts *o, char **names, size_t nnames,
	       struct ks_ctx *ctx)
{
	const struct ks_group **gs = calloc(o->ngroups + 1, sizeof(*gs));
	struct ks_diff_run r = {0};
	struct ks_diff_doc doc;
	size_t total = 0, idx[2] = {0, 0};
	int ret;

	if (!gs)
		abort();
	for (size_t i = 0; i < o->ngroups; i++) {
		if (!(gs[i] = ks_groups_find(&v->groups, o->groups[i]))) {
			free(gs);
			return ks_cmd_usage_error(diff_usage, "diff: no group named '%s' (see `ksurf list`)",
						  o->groups[i]);
		}
		total += ks_group_npairs(gs[i]);
	}
	for (size_t i = 0; i < nnames; i++) {
		int k = ks_image_list_find(&v->imgs, names[i]);

		if (k < 0) {
			free(gs);
			ks_err(-ENOENT, "no image named %s (see `ksurf list`)", names[i]);
			return ks_cmd_fail();
		}
		idx[i] = (size_t)k;
	}
	if (nnames)
		total = 1;
	ret = ks_diff_run_init(&r, v, o->kinds, o->nkinds, total, o->ngroups + 1);
	ks_phase("diff: items");
	if (ret)
		goto out;
	if (nnames) {
		ks_diff_run_pair(&r, idx[0], idx[1], names[0], names[1]);
		r.sections[0] = (struct ks_diff_section){.pairs = r.pairs, .npairs = 1};
		r.nsections = 1;
	}
	for (size_t i = 0; i < o->ngroups; i++)
		ks_diff_run_group(&r, gs[i]);
	if ((ret = ks_diff_run_compare(&r, ctx->db_path)))
		goto out;
	ks_phase("diff: compare");
	ks_diff_run_doc(&r, &doc);
	doc.summary = o->summary;
	doc.details = o->details;
	ret = ks_report_diff(stdout, &doc, o->fmt, &ctx->style);
	ks_phase("diff: report");
out:
	ks_diff_run_free(&r);
	free(gs);
	return ret ? ks_cmd_fail() : 0;
}

static void push_str(const char ***v, size_t *n, const char *s)
{
	*v = realloc(*v, (*n + 1) * sizeof(**v));
	if (!*v)
		abort();
	(*v)[(*n)++] = s;
}

int cmd_diff(int argc, char **argv, struct ks_ctx *ctx)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'}, {"group", required_argument, NULL, 'g'},
		{"baseline", required_argument, NULL, 'b'}, {"kind", required_argument, NULL, 'k'},
		{"summary", no_argument, NULL, 's'},	  {"details", no_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	struct diff_opts o = {.fmt = KS_FMT_TEXT};
	struct ks_view v;
	int c, ret = KS_EXIT_USAGE, k;

	ks_heap_setup(256 << 20); /* every image's defs: hundreds of MiB in small blocks */
	while ((c = getopt_long(argc, argv, "f:g:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o.fmt = ks_format_parse(optarg);
			if (o.fmt < 0) {
				ks_cmd_usage_error(diff_usage, "diff: unknown format '%s'", optarg);
				goto out;
			}
			break;
		case 'g': push_str(&o.groups, &o.ngroups, optarg); break;
		case 'k':
			k = ks_kind_parse(optarg);
			if (k < 0 || k == KS_KIND_FIELD) {
				ks_cmd_usage_error(diff_usage, "diff: unknown kind '%s'", optarg);
				goto out;
			}
			push_str(&o.kinds, &o.nkinds, ks_kind_name(k));
			break;
		case 'b': o.baseline = optarg; break;
		case 's': o.summary = 1; break;
		case 'D': o.details = 1; break;
		case 'h': fputs(diff_usage, stdout); ret = 0; goto out;
		default: fputs(diff_usage, stderr); goto out;
		}
	}
	if (o.details && o.fmt != KS_FMT_CSV) {
		ks_cmd_usage_error(diff_usage, "diff: --details is for --format csv");
		goto out;
	}
	if (o.ngroups ? argc != optind : argc - optind != 2) {
		ks_cmd_usage_error(diff_usage, o.ngroups ? "diff: give two images or --group, not both"
							 : "diff: expected two images A B, or --group G");
		goto out;
	}
	if (ks_view_open(ctx, o.baseline, &v)) {
		ret = ks_cmd_fail();
		goto out;
	}
	ret = run(&v, &o, argv + optind, (size_t)(argc - optind), ctx);
	ks_view_close(&v);
out:
	free(o.groups);
	free(o.kinds);
	return ret;
}
