/* SPDX-License-Identifier: MIT */
#ifndef KSURF_CMD_CMD_H
#define KSURF_CMD_CMD_H

#include "report/report.h"

/* Global options, parsed by main before the command. */
struct ks_ctx {
	const char *db_path;
	int color;    /* colour on stdout */
	int progress; /* progress lines on stderr (a TTY, not --quiet) */
	struct ks_style style;
};

/* Exit statuses (SPEC §7 uses the same): */
enum { KS_EXIT_OK = 0, KS_EXIT_ERROR = 1, KS_EXIT_USAGE = 2, KS_EXIT_PROBLEMS = 3 };

/* One entry point per command; argv[0] is the command name. Returns an exit status. */
int cmd_add(int argc, char **argv, struct ks_ctx *ctx);
int cmd_list(int argc, char **argv, struct ks_ctx *ctx);
int cmd_show(int argc, char **argv, struct ks_ctx *ctx);
int cmd_group(int argc, char **argv, struct ks_ctx *ctx);
int cmd_fetch(int argc, char **argv, struct ks_ctx *ctx);
int cmd_diff(int argc, char **argv, struct ks_ctx *ctx);
int cmd_site(int argc, char **argv, struct ks_ctx *ctx);
int cmd_check(int argc, char **argv, struct ks_ctx *ctx);

struct ks_ingest_opts;
/* Ingest paths into ctx's dataset, as `ksurf add` does (used by `ksurf fetch` too). */
int ks_cmd_add_paths(struct ks_ctx *ctx, char *const *paths, size_t npaths,
		     const struct ks_ingest_opts *o);

/* Print "ksurf: <message>" for the last error; returns KS_EXIT_ERROR. */
int ks_cmd_fail(void);
/* Print a usage error and the command's usage; returns KS_EXIT_USAGE. */
int ks_cmd_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
