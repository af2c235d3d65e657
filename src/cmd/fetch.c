/* SPDX-License-Identifier: MIT */
/* `ksurf fetch`: apt sources -> private apt -> kernel packages -> cache -> ingest. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cmd/cmd.h"
#include "fetch/apt.h"
#include "fetch/select.h"
#include "ingest/ingest.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char fetch_usage[] =
	"usage: ksurf fetch [--preset demo|regular|matrix] [--list]\n"
	"                   [--suite S]... [--arch A]... [--flavor F]... [--abi ABI]\n"
	"                   [--with-debug] [--with-modules] [--cache DIR] [--sources FILE]\n"
	"                   [--no-update] [--no-add]\n\n"
	"Find Debian/Ubuntu kernel packages through apt, download them into a cache and\n"
	"ingest them. apt runs with a private configuration in the cache directory; mirrors\n"
	"and keyrings come from the system's apt sources, which are never modified.\n\n"
	"  --preset P      demo: four versions, two arches, two flavors (~150 MB);\n"
	"                  regular: one image per kernel series on this machine's arch;\n"
	"                  matrix: the newest kernel on every arch and flavor\n"
	"  --list          show what would be fetched, with sizes, and stop\n"
	"  --suite S       bullseye, bookworm, bookworm-security, trixie, sid... (default:\n"
	"                  the system's own suites); comma lists and globs allowed\n"
	"  --arch A        amd64, arm64, armhf, i386, ppc64el, s390x, riscv64... (default:\n"
	"                  this machine's)\n"
	"  --flavor F      amd64, cloud-amd64, rt-amd64, arm64-16k, generic... (globs; default all)\n"
	"  --abi ABI       newest (default: newest ABI of each kernel series), latest (of the\n"
	"                  highest series only), all, or a glob on the release/ABI/version\n"
	"  --with-debug    also the -dbg packages (vmlinux with DWARF: large, sizes shown)\n"
	"  --with-modules  also the modules packages, where separate (large, sizes shown)\n"
	"  --cache DIR     cache directory (default $XDG_CACHE_HOME/ksurf or ~/.cache/ksurf)\n"
	"  --sources FILE  take mirrors from this sources file (.list or .sources) instead\n"
	"                  of the system's (also $KSURF_APT_SOURCES)\n"
	"  --no-update     use the indices fetched last time\n"
	"  --no-add        download only\n";

struct strv {
	const char **v;
	size_t n;
};

static void strv_add(struct strv *s, const char *str)
{
	const char **nv = realloc(s->v, (s->n + 1) * sizeof(*s->v));

	if (!nv)
		abort();
	s->v = nv;
	s->v[s->n++] = str;
}

static int strv_has(const struct strv *s, const char *str)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], str))
			return 1;
	return 0;
}

/* Comma lists ("amd64,arm64") split in place into s. */
static void strv_split(struct strv *s, char *arg)
{
	char *save = NULL;

	for (char *w = strtok_r(arg, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (!strv_has(s, w))
			strv_add(s, w);
}

struct fetch_opts {
	struct strv suites, arches, flavors;
	const char *abi, *preset, *cache, *sources;
	int list, with_debug, with_modules, no_update, no_add;
};

/* ID (or ID_LIKE: debian/ubuntu) and VERSION_CODENAME from os-release. */
static void os_release(char *distro, size_t dn, char *codename, size_t cn)
{
	struct strbuf sb = STRBUF_INIT;
	char *save = NULL;

	snprintf(distro, dn, "debian");
	codename[0] = '\0';
	sb_init(&sb);
	if (sb_read_file(&sb, "/etc/os-release"))
		ks_err_clear();
	for (char *l = strtok_r(sb.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(l, '=');

		if (!v)
			continue;
		*v++ = '\0';
		v += *v == '"';
		v[strcspn(v, "\"")] = '\0';
		if (!strcmp(l, "VERSION_CODENAME"))
			snprintf(codename, cn, "%s", v);
		else if ((!strcmp(l, "ID") || !strcmp(l, "ID_LIKE")) && strstr(v, "ubuntu"))
			snprintf(distro, dn, "ubuntu");
	}
	sb_release(&sb);
}

static const char *host_arch(void)
{
	static const char *const map[][2] = {
		{"x86_64", "amd64"},   {"aarch64", "arm64"}, {"armv7l", "armhf"},
		{"i686", "i386"},      {"ppc64le", "ppc64el"}, {"s390x", "s390x"},
		{"riscv64", "riscv64"}, {"loongarch64", "loong64"},
	};
	static struct utsname u;

	if (!uname(&u))
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (!strcmp(u.machine, map[i][0]))
				return map[i][1];
	return "amd64";
}

/* "14.7 MB", or "12 kB" for the tiny. */
static void fmt_size(char *buf, size_t n, uint64_t bytes)
{
	if (bytes < 1000000)
		snprintf(buf, n, "%.0f kB", (double)bytes / 1e3);
	else
		snprintf(buf, n, "%.1f MB", (double)bytes / 1e6);
}

static void add_size(struct strbuf *sb, uint64_t bytes)
{
	char buf[32];

	fmt_size(buf, sizeof(buf), bytes);
	sb_add(sb, buf);
}

/* What will be fetched, one image a line, then the total. */
static void print_plan(const struct ks_fetch_set *set, const struct fetch_opts *fo)
{
	uint64_t total = 0, dbg = 0, mods = 0;
	struct strbuf line = STRBUF_INIT;
	size_t n = 0;

	sb_init(&line);
	printf("%-18s %-8s %-14s %-26s %10s %10s %10s  %s\n", "SUITE", "ARCH", "FLAVOR", "RELEASE",
	       "SIZE", "+DEBUG", "+MODULES", "PACKAGES");
	for (size_t i = 0; i < set->n; i++) {
		const struct ks_fetch_image *img = &set->v[i];
		char size[32], dsize[32] = "-", msize[32] = "-";
		size_t sp = strcspn(img->suites, " ");

		if (!img->selected)
			continue;
		n++;
		total += ks_fetch_image_size(img, fo->with_debug, fo->with_modules);
		fmt_size(size, sizeof(size), ks_fetch_image_size(img, 0, 0));
		if (img->dbg) {
			fmt_size(dsize, sizeof(dsize), img->dbg->size);
			dbg += img->dbg->size;
		}
		if (img->modules) {
			fmt_size(msize, sizeof(msize), img->modules->size);
			mods += img->modules->size;
		}
		sb_reset(&line);
		sb_add(&line, img->kernel->package);
		if (img->base)
			sb_addf(&line, " + %s", img->base->package);
		if (fo->with_debug && img->dbg)
			sb_addf(&line, " + %s", img->dbg->package);
		if (fo->with_modules && img->modules)
			sb_addf(&line, " + %s", img->modules->package);
		printf("%-18.*s %-8s %-14s %-26s %10s %10s %10s  %s\n", (int)sp, img->suites,
		       img->ident.arch, img->ident.flavor, img->kernel->release, size, dsize, msize,
		       line.buf);
	}
	sb_reset(&line);
	add_size(&line, total);
	printf("total: %zu image%s, %s to download", n, n == 1 ? "" : "s", line.buf);
	if (!fo->with_debug && dbg) {
		sb_reset(&line);
		add_size(&line, dbg);
		printf(" (--with-debug adds %s)", line.buf);
	}
	if (!fo->with_modules && mods) {
		sb_reset(&line);
		add_size(&line, mods);
		printf(" (--with-modules adds %s)", line.buf);
	}
	printf("\n");
	fflush(stdout);
	sb_release(&line);
}

/* Suites and the source each comes from; suites no source offers are warned about. */
static int pick_sources(const struct fetch_opts *fo, const struct ks_apt_sources *srcs,
			const char *codename, struct strv *suites,
			const struct ks_apt_source ***chosen)
{
	struct strv want = {0};

	if (fo->suites.n) {
		for (size_t i = 0; i < fo->suites.n; i++)
			strv_add(&want, fo->suites.v[i]);
	} else {
		/* The system's own suites (those of its codename), or all of a --sources file. */
		for (size_t i = 0; i < srcs->n; i++)
			for (size_t j = 0; j < srcs->v[i].nsuites; j++) {
				const char *s = srcs->v[i].suites[j];
				size_t cl = strlen(codename);

				if ((fo->sources || !*codename ||
				     (!strncmp(s, codename, cl) && (!s[cl] || s[cl] == '-'))) &&
				    !strv_has(&want, s))
					strv_add(&want, s);
			}
	}
	*chosen = calloc(want.n ? want.n : 1, sizeof(**chosen));
	for (size_t i = 0; i < want.n; i++) {
		const struct ks_apt_source *src =
			ks_apt_source_for_suite(srcs, want.v[i], fo->sources ? NULL : codename);

		if (!src) {
			ks_warn("suite %s: no apt source offers it or a mirror of its kind; skipped",
				want.v[i]);
			continue;
		}
		(*chosen)[suites->n] = src;
		strv_add(suites, want.v[i]);
	}
	free(want.v);
	if (!suites->n)
		return ks_err(-ENOENT, "fetch: no suite to fetch from (see --suite, --sources)");
	return 0;
}

/* Download each selected image's packages, then ingest the images that are complete. */
static int fetch_and_add(struct ks_ctx *ctx, struct ks_apt *apt, const struct ks_fetch_set *set,
			 const struct fetch_opts *fo)
{
	size_t nsel = 0, done = 0, failed = 0, nfetched = 0, ncached = 0, ingest_failed = 0;
	uint64_t bytes = 0;

	for (size_t i = 0; i < set->n; i++)
		nsel += set->v[i].selected;
	char **paths = calloc(nsel * 4 + 1, sizeof(*paths));
	size_t *npaths = calloc(nsel + 1, sizeof(*npaths));
	if (!paths || !npaths)
		abort();
	for (size_t i = 0, s = 0; i < set->n; i++) {
		const struct ks_fetch_image *img = &set->v[i];
		const struct ks_kpkg *pkgs[4] = {img->kernel, img->base,
						 fo->with_debug ? img->dbg : NULL,
						 fo->with_modules ? img->modules : NULL};
		int ok = 1;

		if (!img->selected)
			continue;
		done++;
		for (size_t p = 0; p < 4 && ok; p++) {
			int fetched = 0;

			if (!pkgs[p])
				continue;
			if (ctx->progress)
				fprintf(stderr, "[%zu/%zu] %s %s (%.1f MB)\n", done, nsel,
					pkgs[p]->package, pkgs[p]->version, pkgs[p]->size / 1e6);
			if (ks_apt_fetch(apt, pkgs[p], &paths[s * 4 + npaths[s]], &fetched)) {
				ks_cmd_fail();
				ok = 0;
				break;
			}
			npaths[s]++;
			nfetched += fetched;
			ncached += !fetched;
			bytes += fetched ? pkgs[p]->size : 0;
		}
		if (!ok) {
			failed++;
			for (size_t p = 0; p < npaths[s]; p++)
				free(paths[s * 4 + p]);
			npaths[s] = 0;
		}
		s++;
	}
	printf("fetch: %zu package%s downloaded (%.1f MB), %zu already in %s; %zu image%s could "
	       "not be had\n",
	       nfetched, nfetched == 1 ? "" : "s", bytes / 1e6, ncached, apt->debs, failed,
	       failed == 1 ? "" : "s");
	fflush(stdout);
	for (size_t s = 0; s < nsel; s++) {
		struct ks_ingest_opts o = {.progress = ctx->progress};

		if (npaths[s] && !fo->no_add && ks_cmd_add_paths(ctx, paths + s * 4, npaths[s], &o))
			ingest_failed++;
		for (size_t p = 0; p < npaths[s]; p++)
			free(paths[s * 4 + p]);
	}
	free(paths);
	free(npaths);
	return failed || ingest_failed ? KS_EXIT_ERROR : 0;
}

static int run(struct ks_ctx *ctx, struct fetch_opts *fo)
{
	struct ks_apt_sources srcs = {0};
	const struct ks_apt_source **chosen = NULL;
	const struct ks_fetch_preset *preset = NULL;
	struct ks_kpkg_list pkgs = {0};
	struct ks_fetch_set set = {0};
	struct strv suites = {0};
	struct ks_fetch_rule *rules = NULL;
	struct ks_apt apt = {0};
	char distro[32], codename[64], *cache = NULL;
	size_t nrules = 0;
	int ret;

	os_release(distro, sizeof(distro), codename, sizeof(codename));
	if (fo->preset) {
		if (!(preset = ks_fetch_preset_find(fo->preset, distro)))
			return ks_cmd_usage_error(fetch_usage, "fetch: no preset '%s' for %s",
						  fo->preset, distro);
		for (size_t i = 0; i < 8 && preset->suites[i]; i++)
			strv_add(&fo->suites, preset->suites[i]);
		for (size_t i = 0; i < 12 && preset->arches[i]; i++)
			strv_add(&fo->arches, preset->arches[i]);
	}
	if (!fo->arches.n)
		strv_add(&fo->arches, host_arch());
	if (!fo->sources)
		fo->sources = getenv("KSURF_APT_SOURCES");
	if (fo->sources && *fo->sources)
		ret = ks_apt_sources_load_file(fo->sources, &srcs);
	else
		ret = ks_apt_sources_load_system("", &srcs);
	if (!ret)
		ret = pick_sources(fo, &srcs, codename, &suites, &chosen);
	cache = fo->cache ? strdup(fo->cache) : ks_apt_default_cache();
	if (!ret)
		ret = ks_apt_open(&apt, cache, fo->arches.v, fo->arches.n, ctx->progress);
	if (!ret)
		ret = ks_apt_write_sources(&apt, suites.v, chosen, suites.n);
	if (!ret && ctx->progress)
		fprintf(stderr, "updating the package indices of %zu suite%s (private apt in %s)...\n",
			suites.n, suites.n == 1 ? "" : "s", apt.dir);
	if (!ret && !fo->no_update && ks_apt_update(&apt) == -EIO)
		ks_err_clear(); /* warned; the indices that arrived are still good */
	if (!ret)
		ret = ks_apt_load_index(&apt, &pkgs);
	if (ret) {
		ks_cmd_fail();
		ret = KS_EXIT_ERROR;
		goto out;
	}
	ks_fetch_images(&pkgs, &set);
	if (preset) {
		for (size_t i = 0; i < 8 && preset->rules[i].abi; i++) {
			struct ks_fetch_rule r = preset->rules[i];

			for (size_t a = 0; a < fo->arches.n && !r.arch; a++) {
				struct ks_fetch_rule ra = r;

				ra.arch = fo->arches.v[a];
				ra.flavor = ks_fetch_default_flavor(ra.arch, distro);
				rules = ks_xrealloc_array(rules, nrules + 1, sizeof(*rules));
				rules[nrules++] = ra;
			}
			if (r.arch) {
				rules = ks_xrealloc_array(rules, nrules + 1, sizeof(*rules));
				rules[nrules++] = r;
			}
		}
	} else {
		size_t nf = fo->flavors.n ? fo->flavors.n : 1;

		rules = calloc(suites.n * fo->arches.n * nf + 1, sizeof(*rules));
		for (size_t s = 0; s < suites.n; s++)
			for (size_t a = 0; a < fo->arches.n; a++)
				for (size_t f = 0; f < nf; f++)
					rules[nrules++] = (struct ks_fetch_rule){
						suites.v[s], fo->arches.v[a],
						fo->flavors.n ? fo->flavors.v[f] : NULL, fo->abi};
	}
	if (!rules)
		abort();
	ks_fetch_select(&set, rules, nrules);
	if (preset)
		printf("preset %s (%s):\n", preset->name, distro);
	print_plan(&set, fo);
	ret = fo->list ? 0 : fetch_and_add(ctx, &apt, &set, fo);
out:
	free(rules);
	ks_fetch_set_free(&set);
	ks_kpkg_list_free(&pkgs);
	ks_apt_close(&apt);
	ks_apt_sources_free(&srcs);
	free(chosen);
	free(suites.v);
	free(cache);
	return ret;
}

int cmd_fetch(int argc, char **argv, struct ks_ctx *ctx)
{
	static const struct option opts[] = {
		{"preset", required_argument, NULL, 'p'}, {"list", no_argument, NULL, 'l'},
		{"suite", required_argument, NULL, 's'},  {"arch", required_argument, NULL, 'a'},
		{"flavor", required_argument, NULL, 'f'}, {"abi", required_argument, NULL, 'A'},
		{"with-debug", no_argument, NULL, 'g'},	  {"with-modules", no_argument, NULL, 'm'},
		{"cache", required_argument, NULL, 'c'},  {"sources", required_argument, NULL, 'S'},
		{"no-update", no_argument, NULL, 'U'},	  {"no-add", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	struct fetch_opts fo = {.abi = "newest"};
	int c, ret;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': fo.preset = optarg; break;
		case 'l': fo.list = 1; break;
		case 's': strv_split(&fo.suites, optarg); break;
		case 'a': strv_split(&fo.arches, optarg); break;
		case 'f': strv_split(&fo.flavors, optarg); break;
		case 'A': fo.abi = optarg; break;
		case 'g': fo.with_debug = 1; break;
		case 'm': fo.with_modules = 1; break;
		case 'c': fo.cache = optarg; break;
		case 'S': fo.sources = optarg; break;
		case 'U': fo.no_update = 1; break;
		case 'N': fo.no_add = 1; break;
		case 'h': fputs(fetch_usage, stdout); return 0;
		default: fputs(fetch_usage, stderr); return KS_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return ks_cmd_usage_error(fetch_usage, "fetch: unexpected argument '%s'", argv[optind]);
	if (fo.preset && (fo.suites.n || fo.arches.n || fo.flavors.n || strcmp(fo.abi, "newest")))
		return ks_cmd_usage_error(fetch_usage, "fetch: --preset chooses suites, arches, "
						       "flavors and ABIs itself");
	ret = run(ctx, &fo);
	free(fo.suites.v);
	free(fo.arches.v);
	free(fo.flavors.v);
	return ret;
}
