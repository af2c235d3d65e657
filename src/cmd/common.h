/* SPDX-License-Identifier: MIT */
#ifndef KSURF_CMD_COMMON_H
#define KSURF_CMD_COMMON_H

#include "cmd/cmd.h"
#include "store/group.h"
#include "store/store.h"

/* The dataset as commands read it: images (sorted by name) and groups. */
struct ks_view {
	struct ks_store *st;
	struct ks_image_list imgs;
	struct ks_groups groups;
};

int ks_view_open(struct ks_ctx *ctx, const char *baseline, struct ks_view *v);
void ks_view_close(struct ks_view *v);

#endif
