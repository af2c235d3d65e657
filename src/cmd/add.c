/* SPDX-License-Identifier: MIT */
/* `ksurf add`: inputs -> images -> surface -> dataset, one transaction per image. */
#include <bpf/btf.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "surface/modules.h"
#include "surface/surface.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/heap.h"

static const char add_usage[] =
	"usage: ksurf add PATH... [--name N] [--version V] [--revision R] [--flavor F]\n"
	"                 [--arch A] [--distro D] [--no-modules]\n"
	"       ksurf add --running [--no-modules]\n"
	"       ksurf add --debug-file DEBUG...\n\n"
	"Ingest kernel images into the dataset. PATH may be a Debian package (.deb/.ddeb;\n"
	"linux-image-*, linux-binary-*, linux-base-*, linux-modules-*, -dbg), a kernel (vmlinuz,\n"
	"bzImage, Image, zImage, zboot, vmlinux ELF), raw BTF (/sys/kernel/btf/vmlinux, .btf,\n"
	".btf.tar.xz), a System.map or a kernel config, each optionally compressed, and kernel\n"
	"modules (.ko[.xz|.zst|.gz], or a directory such as lib/modules/<release>). Files of\n"
	"one image given together form one image; packages join by their release string.\n"
	"Modules given with an image already in the dataset are added to it.\n\n"
	"  --running       the running kernel: /sys/kernel/btf/vmlinux and its loaded modules,\n"
	"                  /proc/kallsyms, /proc/config.gz or /boot/config-$(uname -r)\n"
	"  --no-modules    leave the modules among the inputs aside (the image then says\n"
	"                  its modules were not ingested)\n"
	"  --debug-file    the paths are debug files (a -dbg package, a vmlinux with DWARF)\n"
	"                  of images already in the dataset, matched by their BTF: their\n"
	"                  functions get DWARF's inlining, duplicate and collision words.\n"
	"                  A kernel given with DWARF (or with its -dbg package) gets them\n"
	"                  without this option. A kernel without BTF (Debian's i386, armhf...)\n"
	"                  gets its types from its DWARF, encoded by pahole; added without\n"
	"                  it, it waits for its types (`ksurf list`) until its -dbg package\n"
	"                  is added, matched by release\n"
	"  --name N        display name (default <version>-<revision>-<flavor>-<arch>)\n"
	"  --version V, --revision R, --flavor F, --arch A, --distro D\n"
	"                  override what the inputs say about the image's identity\n";

/* A kernel without BTF and without DWARF: recorded as waiting for its types. */
static int record_waiting(struct ks_store *st, struct ks_image_data *d)
{
	struct ks_waiting w = {0};
	int ret;

	if (!d->ident.release)
		return ks_err(-EINVAL, "%s: no BTF in this kernel (built without "
				       "CONFIG_DEBUG_INFO_BTF) and no release string to match its "
				       "-dbg package by: give both together",
			      d->sources.buf);
	w.ident = d->ident; /* borrowed, as the strings below */
	w.source = d->sources.buf;
	w.packing = d->kernel.packing;
	w.banner = d->kernel.banner;
	w.config_source = d->config_source;
	w.config_text = d->config_text;
	ret = ks_store_waiting_put(st, &w, &d->config);
	if (ret == 0)
		printf("%s: no BTF in this kernel (built without CONFIG_DEBUG_INFO_BTF): waiting for "
		       "its types; add its -dbg package (linux-image-%s-dbg) with `ksurf add "
		       "--debug-file`\n",
		       d->ident.name, d->ident.release);
	else if (ret > 0)
		printf("%s: already in the dataset (types from DWARF)%s\n", d->ident.name,
		       ret == 2 ? "; the config it lacked was added" : "");
	return ret < 0 ? ret : 0;
}

/*
 * Types from DWARF for a kernel recorded as waiting for them: the image takes the
 * waiting record's name and identity (with today's overrides), its inputs and config.
 * 1 when one was waiting, 0 when none, or a negative errno.
 */
static int adopt_waiting(struct ks_store *st, struct ks_image_data *d,
			 const struct ks_ingest_opts *o)
{
	struct ks_waiting w;
	int ret;

	if (!d->ident.release || (ret = ks_store_waiting_get(st, d->ident.release, &w)) <= 0)
		return d->ident.release ? ret : 0;
	ret = ks_ingest_adopt(d, &w.ident, w.source, w.config_source, w.config_text, o);
	ks_waiting_free(&w);
	return ret ? ret : 1;
}

static int ingest_one(struct ks_store *st, struct ks_image_data *d, struct ks_ctx *ctx,
		      const struct ks_ingest_opts *o)
{
	const uint8_t *blob = d->btf;
	struct ks_surface surf = {0};
	struct ks_image_new img = {0};
	struct ks_module_stats ms = {0};
	double t0 = ks_now();
	struct btf *btf;
	int64_t id;
	int ret, adopted = 0;

	if (o->debug_file && !d->dwarf_source)
		return ks_err(-ENODATA, "%s: no DWARF debug info (a -dbg package or a vmlinux "
					"with debug info was expected)",
			      d->sources.buf);
	if (d->waiting)
		return record_waiting(st, d);
	if (d->types_from_dwarf && (adopted = adopt_waiting(st, d, o)) < 0)
		return adopted;
	btf = btf__new(blob, d->btf_size);
	if (!btf)
		return ks_err(-EINVAL, "%s: BTF rejected by libbpf", d->sources.buf);
	if (ctx->progress)
		fprintf(stderr, "  extracting the surface of %s...\n", d->ident.name);
	ks_phase("parse BTF");
	struct ks_surface_input in = {
		.btf = btf,
		.syms = &d->syms,
		.config = &d->config,
		.kernel = d->kernel.is_raw_btf ? NULL : &d->kernel,
		.arch = d->ident.arch,
		.dwarf = d->dwarf_source ? &d->dwarf : NULL,
	};
	ret = ks_surface_extract(&in, &surf);
	ks_phase("surface");
	if (!ret && d->nmods) {
		if (ctx->progress)
			fprintf(stderr, "  extracting the surface of %zu modules...\n", d->nmods);
		ret = ks_surface_modules(btf, d->mods, d->nmods, &surf, &ms);
		ks_phase("surface: modules");
	}
	btf__free(btf);
	if (ret) {
		ks_surface_free(&surf);
		return ks_err_ctx(ret, "%s", d->sources.buf);
	}
	img.ident = d->ident;
	img.source = d->sources.buf;
	img.content_hash = d->content_hash;
	img.btf = blob;
	img.btf_size = d->btf_size;
	img.btf_endian = d->kernel.big_endian ? "big" : "little";
	img.btf_types = d->btf_types;
	img.packing = d->kernel.packing;
	img.btf_found_by = d->kernel.btf_found_by;
	img.banner = d->kernel.banner;
	img.syms = &d->syms;
	img.config = &d->config;
	img.config_source = d->config_source;
	img.surface = &surf;
	img.modules_given = d->modules_given;
	img.mods = d->mods;
	img.nmods = d->nmods;
	img.modules_read = ms.modules;
	img.modules_skipped = d->mods_skipped + ms.skipped;
	img.dwarf_source = d->dwarf_source;
	img.must_exist = o->debug_file;
	img.waiting_release = adopted ? d->ident.release : NULL;
	if (ctx->progress)
		fprintf(stderr, "  writing %s to %s...\n", d->ident.name, ks_store_path(st));
	ret = ks_store_add_image(st, &img, &id);
	ks_phase("store (one transaction)");
	if (ret == -ENOENT && o->debug_file && d->types_from_dwarf)
		ks_err(ret, "%s: no image in the dataset waits for the types of release %s, nor has "
			    "them: add its kernel package first, give both together, or add the "
			    "-dbg package without --debug-file",
		       d->sources.buf, d->ident.release ? d->ident.release : "(unknown)");
	if (ret == 1 || ret == 2 || ret == 3)
		printf("%s: already in the dataset (same BTF)%s\n", d->ident.name,
		       ret == 2   ? "; the symbols, config or modules it lacked were added"
		       : ret == 3 ? "; its functions now carry what the DWARF says"
				  : "");
	else if (ret == 0 && d->modules_given)
		printf("added %s: %u BTF types%s%s, %zu items (%zu from %zu modules%s), %zu symbols "
		       "(%s), %zu config entries (%.2f s)\n",
		       d->ident.name, d->btf_types, d->types_from_dwarf ? " from " : "",
		       d->types_from_dwarf ? d->kernel.btf_found_by : "", surf.n, ms.items, ms.modules,
		       img.modules_skipped ? ", some skipped" : "", d->syms.n,
		       d->syms.n ? d->syms.source : "none", d->config.n, ks_now() - t0);
	else if (ret == 0)
		printf("added %s: %u BTF types%s%s, %zu items, %zu symbols (%s), %zu config entries "
		       "(%.2f s)\n",
		       d->ident.name, d->btf_types, d->types_from_dwarf ? " from " : "",
		       d->types_from_dwarf ? d->kernel.btf_found_by : "", surf.n, d->syms.n,
		       d->syms.n ? d->syms.source : "none", d->config.n, ks_now() - t0);
	if (d->dwarf_source && ret >= 0 && ret != 1 && ret != 2) {
		char ver[32];

		snprintf(ver, sizeof(ver), d->dwarf.version_min == d->dwarf.version_max ? "%u" : "%u–%u",
			 d->dwarf.version_min, d->dwarf.version_max);
		printf("  DWARF %s: %zu units, %zu function definitions, %zu inlined instances "
		       "and call sites\n",
		       ver, d->dwarf.units, d->dwarf.ndefs, d->dwarf.nedges);
	}
	ks_surface_free(&surf);
	return ret < 0 ? ret : 0;
}

/*
 * Ingest the inputs `paths` (the parts of one or more images) into the dataset: what
 * `ksurf add` does, shared with `ksurf fetch`. Returns an exit status; every failed
 * image has had its one error line printed.
 */
int ks_cmd_add_paths(struct ks_ctx *ctx, char *const *paths, size_t npaths,
		     const struct ks_ingest_opts *o)
{
	struct ks_image_data *imgs = NULL;
	struct ks_store *st = NULL;
	size_t nimg = 0;
	int ret, failed = 0;

	ks_phase("start");
	ret = ks_ingest_collect(paths, npaths, o, &imgs, &nimg);
	ks_phase("read inputs, open kernels");
	if (ret) {
		ks_cmd_fail();
		goto out;
	}
	if (o->override.name && nimg > 1) {
		ret = ks_cmd_usage_error(add_usage, "add: --name given but the inputs hold %zu images",
					 nimg);
		goto out;
	}
	if ((ret = ks_store_open(ctx->db_path, KS_STORE_WRITE, &st))) {
		ks_cmd_fail();
		goto out;
	}
	ks_phase("open dataset");
	for (size_t i = 0; i < nimg; i++) {
		if (ingest_one(st, &imgs[i], ctx, o)) {
			ks_cmd_fail();
			failed++;
		}
	}
	ret = failed ? KS_EXIT_ERROR : 0;
out:
	ks_store_close(st);
	ks_phase("close dataset (checkpoint)");
	for (size_t i = 0; i < nimg; i++)
		ks_image_data_free(&imgs[i]);
	free(imgs);
	return ret < 0 ? KS_EXIT_ERROR : ret;
}

int cmd_add(int argc, char **argv, struct ks_ctx *ctx)
{
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'},	   {"version", required_argument, NULL, 'v'},
		{"revision", required_argument, NULL, 'r'}, {"flavor", required_argument, NULL, 'f'},
		{"arch", required_argument, NULL, 'a'},	   {"distro", required_argument, NULL, 'D'},
		{"running", no_argument, NULL, 'R'},	   {"help", no_argument, NULL, 'h'},
		{"no-modules", no_argument, NULL, 'M'},
		{"debug-file", no_argument, NULL, 'g'},
		{NULL, 0, NULL, 0},
	};
	struct ks_ingest_opts o = {0};
	char **paths = NULL;

	ks_heap_setup(256 << 20); /* kernels, surfaces and defs: hundreds of MiB of blocks */
	size_t npaths = 0;
	int c, running = 0, ret;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': o.override.name = optarg; break;
		case 'v': o.override.version = optarg; break;
		case 'r': o.override.revision = optarg; break;
		case 'f': o.override.flavor = optarg; break;
		case 'a': o.override.arch = optarg; break;
		case 'D': o.override.distro = optarg; break;
		case 'R': running = 1; break;
		case 'M': o.no_modules = 1; break;
		case 'g': o.debug_file = 1; break;
		case 'h': fputs(add_usage, stdout); return 0;
		default: fputs(add_usage, stderr); return KS_EXIT_USAGE;
		}
	}
	if (running && o.debug_file)
		return ks_cmd_usage_error(add_usage, "add: --running and --debug-file do not go together");
	if (running && optind < argc)
		return ks_cmd_usage_error(add_usage, "add: --running takes no paths");
	if (!running && optind >= argc)
		return ks_cmd_usage_error(add_usage, "add: nothing to add");
	o.progress = ctx->progress;
	if (running) {
		if (ks_ingest_running_paths(&paths, &npaths))
			return ks_cmd_fail();
		ret = ks_cmd_add_paths(ctx, paths, npaths, &o);
	} else {
		ret = ks_cmd_add_paths(ctx, argv + optind, argc - optind, &o);
	}
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	return ret;
}
