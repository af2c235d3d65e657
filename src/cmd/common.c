/* SPDX-License-Identifier: MIT */
/* What several commands share: opening the dataset with its images and groups. */
#include "cmd/common.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"

int ks_view_open(struct ks_ctx *ctx, const char *baseline, struct ks_view *v)
{
	struct ks_group_row *rows = NULL;
	size_t nrows = 0;
	int ret;

	memset(v, 0, sizeof(*v));
	if ((ret = ks_store_open(ctx->db_path, KS_STORE_READ, &v->st)))
		return ret;
	if ((ret = ks_store_images(v->st, &v->imgs)))
		goto fail;
	if ((ret = ks_store_groups(v->st, &rows, &nrows)))
		goto fail;
	ret = ks_groups_derive(&v->imgs, baseline, rows, nrows, &v->groups);
	ks_group_rows_free(rows, nrows);
	if (ret)
		goto fail;
	return 0;
fail:
	ks_view_close(v);
	return ret;
}

void ks_view_close(struct ks_view *v)
{
	ks_groups_free(&v->groups);
	ks_image_list_free(&v->imgs);
	ks_store_close(v->st);
	memset(v, 0, sizeof(*v));
}
