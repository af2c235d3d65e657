/* SPDX-License-Identifier: MIT */
/* `ksurf show KIND NAME`: one item across every image of every group. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/common.h"
#include "report/field.h"
#include "surface/surface.h"
#include "util/err.h"
#include "util/xalloc.h"

static const char show_usage[] =
	"usage: ksurf show KIND NAME [--group G]... [--baseline NAME]\n"
	"                  [--format text|md|json|html] [--all-defs]\n\n"
	"KIND: struct, union, enum, typedef, func, tracepoint, lsm, kfunc, syscall,\n"
	"helper, map_type, prog_type, attach_type, config (the kinds the dataset holds),\n"
	"and field with NAME as STRUCT::FIELD (a member of a struct or union).\n"
	"The item's definition in every image of each group, then what changed between\n"
	"each pair of the group (consecutive images for version groups, each image\n"
	"against the baseline for variant groups).\n\n"
	"  --group G      only this group (repeatable; see `ksurf list`)\n"
	"  --baseline N   derive the default groups around image N\n"
	"  --all-defs     print every definition, even one equal to the previous image's\n";

static void suggest(struct ks_store *st, const char *kind, const char *name)
{
	char like[512], **names;
	size_t n;

	snprintf(like, sizeof(like), "%%%s%%", name);
	if (ks_store_item_names(st, kind, like, &names, &n))
		return;
	if (n) {
		fprintf(stderr, "ksurf: similar names:");
		for (size_t i = 0; i < n && i < 10; i++)
			fprintf(stderr, " %s", names[i]);
		fprintf(stderr, n > 10 ? " ... (%zu in all)\n" : "\n", n);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * `show field STRUCT::FIELD`: the parent's defs per image — the struct, else a union of
 * that name (defs holds the struct defs already) — turned into the field's page.
 */
static int show_field(struct ks_ctx *ctx, struct ks_view *v, struct ks_page *pg, int fmt,
		      const int64_t *ids, char **defs, unsigned *dups)
{
	size_t n = v->imgs.n, len = (size_t)(strstr(pg->name, "::") - pg->name);
	char **udefs = calloc(n + 1, sizeof(*udefs)), *parent = strndup(pg->name, len);
	int ret;

	if (!udefs || !parent)
		abort();
	ret = ks_store_item_defs(v->st, "union", parent, ids, n, udefs, NULL);
	for (size_t i = 0; i < n && !ret; i++)
		if (!defs[i]) {
			defs[i] = udefs[i];
			udefs[i] = NULL;
		}
	if (!ret) {
		pg->imgs = &v->imgs;
		pg->groups = &v->groups;
		pg->defs = defs;
		pg->dups = dups;
		ret = ks_report_field(stdout, pg, fmt, &ctx->style);
	}
	if (ret)
		ret = ks_cmd_fail();
	for (size_t i = 0; i < n; i++)
		free(udefs[i]);
	free(udefs);
	free(parent);
	return ret;
}

static int show_item(struct ks_ctx *ctx, struct ks_view *v, struct ks_page *pg, int fmt, int field)
{
	size_t n = v->imgs.n;
	int64_t *ids = calloc(n + 1, sizeof(*ids));
	char **defs = calloc(n + 1, sizeof(*defs));
	unsigned *dups = calloc(n + 1, sizeof(*dups));
	char **where = calloc(n + 1, sizeof(*where)), **others = calloc(n + 1, sizeof(*others));
	int ret, present = 0;

	for (size_t i = 0; i < n; i++)
		ids[i] = v->imgs.v[i].id;
	if (field) {
		char *parent = strndup(pg->name, (size_t)(strstr(pg->name, "::") - pg->name));

		if (!parent)
			abort();
		ret = ks_store_item_defs(v->st, "struct", parent, ids, n, defs, dups);
		free(parent);
	} else {
		ret = ks_store_item_defs(v->st, pg->kind, pg->name, ids, n, defs, dups);
		if (!ret)
			ret = ks_store_item_where(v->st, pg->kind, pg->name, ids, n, where, others);
	}
	for (size_t i = 0; i < n; i++)
		present += defs[i] != NULL;
	if (!ret && field) {
		ret = show_field(ctx, v, pg, fmt, ids, defs, dups);
		goto out;
	}
	if (!ret && !present) {
		size_t nomods = 0;

		for (size_t i = 0; i < n; i++)
			nomods += v->imgs.v[i].modules < 0;
		ret = ks_err(-ENOENT, "no %s named %s in any of the %zu images%s", pg->kind, pg->name, n,
			     !nomods ? ""
			     : nomods == n ? " (all ingested without their modules)"
					   : " (some ingested without their modules)");
		ks_cmd_fail();
		suggest(v->st, pg->kind, pg->name);
		ret = KS_EXIT_ERROR;
		goto out;
	}
	if (!ret) {
		pg->imgs = &v->imgs;
		pg->groups = &v->groups;
		pg->defs = defs;
		pg->dups = dups;
		pg->where = where;
		pg->others = others;
		ret = ks_report_page(stdout, pg, fmt, &ctx->style);
	}
	if (ret)
		ret = ks_cmd_fail();
out:
	for (size_t i = 0; i < n; i++) {
		free(defs[i]);
		free(where[i]);
		free(others[i]);
	}
	free(defs);
	free(where);
	free(others);
	free(dups);
	free(ids);
	return ret;
}

int cmd_show(int argc, char **argv, struct ks_ctx *ctx)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'}, {"group", required_argument, NULL, 'g'},
		{"baseline", required_argument, NULL, 'b'}, {"all-defs", no_argument, NULL, 'A'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	const char *baseline = NULL, **gnames = NULL;
	const struct ks_group **only = NULL;
	struct ks_page pg = {0};
	size_t ng = 0;
	int c, fmt = KS_FMT_TEXT, ret = 0, kind;
	struct ks_view v;

	while ((c = getopt_long(argc, argv, "f:g:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = ks_format_parse(optarg);
			if (fmt < 0 || fmt == KS_FMT_CSV)
				return ks_cmd_usage_error(show_usage, "show: unknown format '%s'", optarg);
			break;
		case 'g':
			gnames = ks_xrealloc_array(gnames, ng + 1, sizeof(*gnames));
			gnames[ng++] = optarg;
			break;
		case 'b': baseline = optarg; break;
		case 'A': pg.all_defs = 1; break;
		case 'h': fputs(show_usage, stdout); return 0;
		default: free(gnames); fputs(show_usage, stderr); return KS_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		free(gnames);
		return ks_cmd_usage_error(show_usage, "show: expected KIND NAME");
	}
	kind = ks_kind_parse(argv[optind]);
	if (kind < 0) {
		free(gnames);
		return ks_cmd_usage_error(show_usage, "show: unknown kind '%s'", argv[optind]);
	}
	if (kind == KS_KIND_FIELD && (!strstr(argv[optind + 1], "::") ||
				      !strstr(argv[optind + 1], "::")[2] ||
				      strstr(argv[optind + 1], "::") == argv[optind + 1])) {
		free(gnames);
		return ks_cmd_usage_error(show_usage, "show: a field is named STRUCT::FIELD, not '%s'",
					  argv[optind + 1]);
	}
	pg.kind = ks_kind_name(kind);
	pg.name = argv[optind + 1];
	if (ks_view_open(ctx, baseline, &v)) {
		free(gnames);
		return ks_cmd_fail();
	}
	if (ng) {
		only = calloc(ng + 1, sizeof(*only));
		for (size_t i = 0; i < ng && !ret; i++) {
			only[i] = ks_groups_find(&v.groups, gnames[i]);
			if (!only[i])
				ret = ks_cmd_usage_error(show_usage, "show: no group named '%s' (see `ksurf list`)",
							 gnames[i]);
		}
		pg.only = only;
	}
	if (!ret)
		ret = show_item(ctx, &v, &pg, fmt, kind == KS_KIND_FIELD);
	free(only);
	free(gnames);
	ks_view_close(&v);
	return ret;
}
