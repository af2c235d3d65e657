/* SPDX-License-Identifier: MIT */
/* `ksurf group`: user-defined groups stored in the dataset. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/common.h"
#include "util/err.h"

static const char group_usage[] =
	"usage: ksurf group add NAME [--pairing version|variant] IMAGE IMAGE...\n"
	"       ksurf group del NAME\n\n"
	"Store your own group. Version groups pair consecutive images (give them oldest\n"
	"first); variant groups pair each image with the first one. Groups show up in\n"
	"`ksurf list`, `ksurf show` and the other reports next to the derived ones.\n";

static int group_add(int argc, char **argv, struct ks_ctx *ctx)
{
	static const struct option opts[] = {
		{"pairing", required_argument, NULL, 'p'},
		{NULL, 0, NULL, 0},
	};
	const char *pairing = "version";
	struct ks_image_list imgs;
	struct ks_store *st;
	json_t *arr;
	char *text;
	int c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'p')
			return ks_cmd_usage_error(group_usage, "group add: bad option");
		pairing = optarg;
	}
	if (strcmp(pairing, "version") && strcmp(pairing, "variant"))
		return ks_cmd_usage_error(group_usage, "group add: pairing is version or variant");
	if (argc - optind < 3)
		return ks_cmd_usage_error(group_usage, "group add: a name and two images or more");
	if (ks_store_open(ctx->db_path, KS_STORE_WRITE, &st))
		return ks_cmd_fail();
	if ((ret = ks_store_images(st, &imgs))) {
		ks_store_close(st);
		return ks_cmd_fail();
	}
	arr = json_array();
	for (int i = optind + 1; i < argc && !ret; i++) {
		if (ks_image_list_find(&imgs, argv[i]) < 0)
			ret = ks_err(-ENOENT, "group add: no image named %s (see `ksurf list`)", argv[i]);
		json_array_append_new(arr, json_string(argv[i]));
	}
	if (!ret) {
		text = json_dumps(arr, JSON_COMPACT);
		ret = ks_store_group_put(st, argv[optind], pairing, text);
		free(text);
	}
	json_decref(arr);
	ks_image_list_free(&imgs);
	ks_store_close(st);
	if (ret)
		return ks_cmd_fail();
	printf("group %s: %d images, %s pairing\n", argv[optind], argc - optind - 1, pairing);
	return 0;
}

int cmd_group(int argc, char **argv, struct ks_ctx *ctx)
{
	struct ks_store *st;
	int ret;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(group_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? KS_EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "add"))
		return group_add(argc - 1, argv + 1, ctx);
	if (strcmp(argv[1], "del") || argc != 3)
		return ks_cmd_usage_error(group_usage, "group: unknown subcommand or arguments");
	if (ks_store_open(ctx->db_path, KS_STORE_WRITE, &st))
		return ks_cmd_fail();
	ret = ks_store_group_del(st, argv[2]);
	ks_store_close(st);
	return ret ? ks_cmd_fail() : 0;
}
