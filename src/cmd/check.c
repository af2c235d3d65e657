/* SPDX-License-Identifier: MIT */
/* `ksurf check OBJ...`: will these eBPF objects work on these kernels? */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/common.h"
#include "prog/check.h"
#include "prog/secdef.h"
#include "report/check.h"
#include "util/err.h"
#include "util/heap.h"
#include "util/parallel.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char check_usage[] =
    "usage: ksurf check OBJ... [--group G]... [--image I]... [--baseline N]\n"
    "                   [--format text|md|json|html] [--fail-on LEVEL] [-v] [--save]\n\n"
    "Check compiled eBPF objects (.bpf.o, or executables and libraries that embed them)\n"
    "against kernel images of the dataset: each program's type and attach target, every\n"
    "CO-RE relocation evaluated with libbpf's rules against each kernel's BTF, kfuncs,\n"
    "kernel symbols, kconfig externs, helpers and map types. Prints a matrix (dependency ×\n"
    "image, one symbol per cell), then the reason for every cell that is not ok.\n\n"
    "  --group G       the images of group G, with its labels (repeatable; see `ksurf list`)\n"
    "  --image I       this image (repeatable); default: every image\n"
    "  --baseline N    derive the default groups around image N\n"
    "  --format F      text (default), md, json, html\n"
    "  --fail-on L     exit 3 when a cell is at level L or worse: error (default), warning,\n"
    "                  info, none\n"
    "  -v, --verbose   every relocation and its result in every image\n"
    "  --save          keep the results in the dataset (per object, replacing its last\n"
    "                  ones): `ksurf site` draws them as a program × kernel matrix\n\n"
    "Exit status: 0 no problem at or above --fail-on, 3 problems found, 1 bad input, 2 usage.\n";

/* One evaluating thread's state: the BTF of the image it works on, and the buffer its
 * blobs are read into (reused from image to image). */
struct lane {
	struct check_src *s;
	struct btf *cur;
	size_t cur_img;
	void *blob;
	size_t blob_cap;
	int busy;
};

/* The images checked against, with what the dataset says of them. */
struct check_src {
	struct ks_view *v;
	size_t *img; /* view image index per column */
	char **labels;
	const char **names;
	size_t n;
	pthread_mutex_t lanes_lock;
	struct lane *lanes; /* one per thread: the image's BTF it evaluates */
	size_t nlanes;
	struct ks_check *checks;
	size_t nchecks;
	int failed;
	/* defs per (kind, name): cache of rows of n entries */
	struct def_row {
		char *kind, *name;
		char **defs;  /* per image of the dataset */
		uint8_t *vm; /* per image of the dataset: defined in vmlinux */
	} *rows;
	size_t nrows;
	/* enum kinds by value; counts per kind */
	struct kind_cache {
		const char *kind;
		struct ks_kind_row *rows;
		size_t n;
		int loaded;
	} kinds[7];
};

static const char *const cached_kinds[] = {
    "helper", "map_type", "prog_type", "attach_type",
    "kfunc",  "func",	  "config"}; /* func: for globs only */

static struct kind_cache *kind_get(struct check_src *s, const char *kind)
{
	struct kind_cache *k;
	size_t i = 0;

	while (i < 7 && strcmp(cached_kinds[i], kind))
		i++;
	if (i == 7)
		return NULL;
	k = &s->kinds[i];
	pthread_mutex_lock(&s->lanes_lock);
	if (!k->loaded) {
		k->kind = cached_kinds[i];
		k->loaded = 1;
		if (ks_store_kind_rows(s->v->st, kind, &k->rows, &k->n))
			ks_warn("%s", ks_errmsg());
	}
	pthread_mutex_unlock(&s->lanes_lock);
	return k;
}

static const char *src_name(void *ctx, size_t img)
{
	return ((struct lane *)ctx)->s->names[img];
}

static const struct btf *src_btf(void *ctx, size_t img)
{
	struct lane *l = ctx;

	return l->cur_img == img ? l->cur : NULL;
}

/* The cached row of item kind/name: its def in every image of the dataset (not only the
 * checked ones) and whether any image has it in vmlinux. Called with lanes_lock held. */
static struct def_row *def_row(struct check_src *s, const char *kind, const char *name)
{
	size_t n = s->v->imgs.n;
	struct def_row *r;
	int64_t *ids;
	char **where;

	for (size_t i = 0; i < s->nrows; i++)
		if (!strcmp(s->rows[i].kind, kind) && !strcmp(s->rows[i].name, name))
			return &s->rows[i];
	ids = ks_xrealloc_array(NULL, n + 1, sizeof(*ids));
	where = calloc(n + 1, sizeof(*where));
	s->rows = ks_xrealloc_array(s->rows, s->nrows + 1, sizeof(*s->rows));
	r = &s->rows[s->nrows++];
	r->kind = strdup(kind);
	r->name = strdup(name);
	r->defs = calloc(n + 1, sizeof(*r->defs));
	if (!r->kind || !r->name || !r->defs || !where)
		abort();
	for (size_t i = 0; i < n; i++)
		ids[i] = s->v->imgs.v[i].id;
	if (ks_store_item_defs(s->v->st, kind, name, ids, n, r->defs, NULL) ||
	    ks_store_item_where(s->v->st, kind, name, ids, n, where, NULL))
		ks_warn("%s", ks_errmsg());
	if (!(r->vm = calloc(n + 1, 1)))
		abort();
	for (size_t i = 0; i < n; i++) {
		r->vm[i] = r->defs[i] && !where[i];
		free(where[i]);
	}
	free(where);
	free(ids);
	return r;
}

static const char *src_def(void *ctx, size_t img, const char *kind, const char *name)
{
	struct check_src *s = ((struct lane *)ctx)->s;
	const char *def;

	pthread_mutex_lock(&s->lanes_lock);
	def = def_row(s, kind, name)->defs[s->img[img]];
	pthread_mutex_unlock(&s->lanes_lock);
	return def;
}

/* Whether item kind/name may live in a module of image img: no image of the same arch
 * and flavor (the same config line) has it in vmlinux. */
static int src_maybe_module(void *ctx, size_t img, const char *kind, const char *name)
{
	struct check_src *s = ((struct lane *)ctx)->s;
	const struct ks_identity *me = &s->v->imgs.v[s->img[img]].ident;
	const struct def_row *r;
	int vm = 0;

	pthread_mutex_lock(&s->lanes_lock);
	r = def_row(s, kind, name);
	for (size_t i = 0; i < s->v->imgs.n && !vm; i++) {
		const struct ks_identity *o = &s->v->imgs.v[i].ident;

		vm = r->vm[i] && o->arch && me->arch && o->flavor && me->flavor &&
		     !strcmp(o->arch, me->arch) && !strcmp(o->flavor, me->flavor);
	}
	pthread_mutex_unlock(&s->lanes_lock);
	return !vm;
}

static const char *src_by_value(void *ctx, size_t img, const char *kind, int64_t value)
{
	struct check_src *s = ((struct lane *)ctx)->s;
	struct kind_cache *k = kind_get(s, kind);
	int64_t id = s->v->imgs.v[s->img[img]].id;

	for (size_t i = 0; k && i < k->n; i++)
		if (k->rows[i].image_id == id && k->rows[i].has_value && k->rows[i].value == value)
			return k->rows[i].name;
	return NULL;
}

static size_t src_count(void *ctx, size_t img, const char *kind)
{
	struct check_src *s = ((struct lane *)ctx)->s;
	const struct ks_image_row *row = &s->v->imgs.v[s->img[img]];
	struct kind_cache *k;
	size_t n = 0;

	if (!strcmp(kind, "config"))
		return (size_t)row->nconfig;
	if (!(k = kind_get(s, kind)))
		return 1; /* kinds every image has when it has any: say "known" */
	for (size_t i = 0; i < k->n; i++)
		n += k->rows[i].image_id == row->id;
	return n;
}

static size_t src_glob(void *ctx, size_t img, const char *pattern)
{
	struct check_src *s = ((struct lane *)ctx)->s;
	struct kind_cache *k = kind_get(s, "func");
	int64_t id = s->v->imgs.v[s->img[img]].id;
	size_t n = 0;

	for (size_t i = 0; k && i < k->n; i++)
		n += k->rows[i].image_id == id && !fnmatch(pattern, k->rows[i].name, 0);
	return n;
}

static int src_modules_known(void *ctx, size_t img)
{
	struct check_src *s = ((struct lane *)ctx)->s;

	return s->v->imgs.v[s->img[img]].modules >= 0;
}

static void src_free(struct check_src *s)
{
	for (size_t i = 0; i < s->nrows; i++) {
		for (size_t j = 0; j < s->v->imgs.n; j++)
			free(s->rows[i].defs[j]);
		free(s->rows[i].defs);
		free(s->rows[i].vm);
		free(s->rows[i].kind);
		free(s->rows[i].name);
	}
	for (size_t i = 0; i < 7; i++)
		ks_kind_rows_free(s->kinds[i].rows, s->kinds[i].n);
	for (size_t i = 0; i < s->n; i++)
		free(s->labels[i]);
	for (size_t i = 0; i < s->nlanes; i++) {
		btf__free(s->lanes[i].cur);
		free(s->lanes[i].blob);
	}
	free(s->lanes);
	free(s->rows);
	free(s->labels);
	free(s->names);
	free(s->img);
}

static void add_image(struct check_src *s, size_t img, const char *label)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->img[i] == img)
			return;
	s->img = ks_xrealloc_array(s->img, s->n + 1, sizeof(*s->img));
	s->labels = ks_xrealloc_array(s->labels, s->n + 1, sizeof(*s->labels));
	s->names = ks_xrealloc_array(s->names, s->n + 1, sizeof(*s->names));
	s->img[s->n] = img;
	s->labels[s->n] = strdup(label);
	s->names[s->n] = s->v->imgs.v[img].ident.name;
	if (!s->labels[s->n])
		abort();
	s->n++;
}

/* Columns: the groups' images with their labels, the named images, or every image. */
static int pick_images(struct check_src *s, const char **groups, size_t ng, const char **imgs,
		       size_t ni)
{
	char num[32];

	for (size_t g = 0; g < ng; g++) {
		const struct ks_group *gr = ks_groups_find(&s->v->groups, groups[g]);

		if (!gr)
			return ks_err(-ENOENT, "no group named %s (see `ksurf list`)", groups[g]);
		for (size_t m = 0; m < gr->n; m++)
			add_image(s, gr->m[m].img, gr->m[m].label);
	}
	for (size_t i = 0; i < ni; i++) {
		int k = ks_image_list_find(&s->v->imgs, imgs[i]);

		if (k < 0)
			return ks_err(-ENOENT, "no image named %s (see `ksurf list`)", imgs[i]);
		add_image(s, (size_t)k, imgs[i]);
	}
	if (!ng && !ni)
		for (size_t i = 0; i < s->v->imgs.n; i++) {
			snprintf(num, sizeof(num), "%zu", i + 1);
			add_image(s, i, num);
		}
	if (!s->n)
		return ks_err(-ENOENT, "%s: no images to check against (ksurf add some first)",
			      ks_store_path(s->v->st));
	return 0;
}

/* Make image img's BTF the lane's current one (libbpf parses the stored blob). */
static int load_btf(struct lane *l, size_t img)
{
	struct check_src *s = l->s;
	size_t size;
	int ret;

	btf__free(l->cur);
	l->cur = NULL;
	l->cur_img = img;
	pthread_mutex_lock(&s->lanes_lock); /* one dataset connection */
	ret = ks_store_image_btf(s->v->st, s->v->imgs.v[s->img[img]].id, &l->blob, &l->blob_cap,
				 &size);
	pthread_mutex_unlock(&s->lanes_lock);
	if (ret == -ENOENT) {
		ks_err_clear(); /* an image without BTF: its relocations say so, cell by cell */
		return 0;
	}
	if (ret)
		return ret;
	l->cur = btf__new(l->blob, (__u32)size);
	if (!l->cur)
		return ks_err(-EINVAL, "%s: the stored BTF of %s does not parse",
			      ks_store_path(s->v->st), s->names[img]);
	return 0;
}

static struct ks_check_src lane_src(struct lane *l)
{
	return (struct ks_check_src){
	    .ctx = l,
	    .nimages = l->s->n,
	    .image_name = src_name,
	    .btf = src_btf,
	    .def = src_def,
	    .by_value = src_by_value,
	    .count = src_count,
	    .glob = src_glob, .modules_known = src_modules_known, .maybe_module = src_maybe_module,
	};
}

/* Evaluate every object in image img, on whichever lane is free. */
static void eval_image(void *arg, size_t img)
{
	struct check_src *s = arg;
	struct ks_check_src src;
	struct lane *l = NULL;

	pthread_mutex_lock(&s->lanes_lock);
	for (size_t i = 0; i < s->nlanes && !l; i++)
		if (!s->lanes[i].busy)
			l = &s->lanes[i];
	l->busy = 1;
	pthread_mutex_unlock(&s->lanes_lock);
	src = lane_src(l);
	if (load_btf(l, img)) {
		pthread_mutex_lock(&s->lanes_lock);
		if (!s->failed)
			s->failed = 1, ks_warn("%s", ks_errmsg());
		pthread_mutex_unlock(&s->lanes_lock);
	} else {
		for (size_t k = 0; k < s->nchecks; k++)
			ks_check_eval_image(&s->checks[k], &src, img);
	}
	pthread_mutex_lock(&s->lanes_lock);
	l->busy = 0;
	pthread_mutex_unlock(&s->lanes_lock);
}

/* Read everything the evaluation will look up, so that the threads find it cached. */
static void warm(struct check_src *s, const struct ks_check *checks, size_t n)
{
	struct lane l = {.s = s};

	for (size_t i = 0; i < 7; i++)
		if (strcmp(cached_kinds[i], "func") && strcmp(cached_kinds[i], "config"))
			kind_get(s, cached_kinds[i]);
	for (size_t k = 0; k < n; k++)
		for (size_t d = 0; d < checks[k].ndeps; d++) {
			const struct ks_dep *dp = &checks[k].deps[d];

			if (dp->kind == KS_DEP_RELO || dp->kind == KS_DEP_HELPER ||
			    dp->kind == KS_DEP_MAP_TYPE)
				continue;
			if (dp->attach == KS_ATT_KPROBE_MULTI)
				kind_get(s, "func");
			else
				src_def(&l, 0, dp->item_kind, dp->name);
			if (dp->kind == KS_DEP_KFUNC || dp->kind == KS_DEP_KSYM)
				src_def(&l, 0, "kfunc", dp->name);
		}
}

static void eval_image_from1(void *arg, size_t i)
{
	eval_image(arg, i + 1);
}

/* Read every object in the files: the file itself, or the objects embedded in it. */
static int read_objects(char **paths, size_t n, struct ks_bpf_obj ***objs, size_t *nobjs)
{
	for (size_t i = 0; i < n; i++) {
		struct strbuf sb = STRBUF_INIT;
		size_t *offs, *sizes, k;
		int ret = sb_read_file(&sb, paths[i]);

		if (ret) {
			sb_release(&sb);
			return ret;
		}
		ks_bpf_find_objects((const uint8_t *)sb.buf, sb.len, &offs, &sizes, &k);
		if (!k)
			ret = ks_err(-EINVAL,
				     "%s: no eBPF object in it (neither an ELF EM_BPF file nor a "
				     "file that embeds one)",
				     paths[i]);
		for (size_t j = 0; j < k && !ret; j++) {
			char label[4096];

			if (offs[j] == 0 && sizes[j] == sb.len)
				snprintf(label, sizeof(label), "%s", paths[i]);
			else
				snprintf(label, sizeof(label), "%s@0x%zx", paths[i], offs[j]);
			*objs = ks_xrealloc_array(*objs, *nobjs + 1, sizeof(**objs));
			ret = ks_bpf_obj_read(sb.buf + offs[j], sizes[j], label, &(*objs)[*nobjs]);
			if (!ret)
				(*nobjs)++;
		}
		free(offs);
		free(sizes);
		sb_release(&sb);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * `--save`: the JSON report split per object ({"images": [...], "object": {...}}) and
 * stored through a connection of its own (the view's is read-only).
 */
static int save_results(struct ks_ctx *ctx, const struct ks_check_report *r)
{
	char *buf = NULL, **reports = NULL;
	const char **labels = NULL;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *root = NULL, *objs;
	struct ks_store *st = NULL;
	int ret;

	if (!f)
		abort();
	ret = ks_report_check(f, r, KS_FMT_JSON, &ctx->style);
	if (fclose(f))
		abort();
	if (!ret && !(root = json_loads(buf, 0, NULL)))
		ret = ks_err(-EINVAL, "check: its own JSON report does not parse");
	objs = json_object_get(root, "objects");
	n = json_array_size(objs);
	reports = calloc(n + 1, sizeof(*reports));
	labels = calloc(n + 1, sizeof(*labels));
	if (!reports || !labels)
		abort();
	for (size_t k = 0; k < n && !ret; k++) {
		json_t *one = json_object();

		json_object_set_new(one, "schema", json_string("ksurf.check-result/1"));
		json_object_set(one, "images", json_object_get(root, "images"));
		json_object_set(one, "object", json_array_get(objs, k));
		reports[k] = json_dumps(one, JSON_COMPACT | JSON_SORT_KEYS);
		labels[k] = r->checks[k].obj->label;
		json_decref(one);
	}
	if (!ret && !(ret = ks_store_open(ctx->db_path, KS_STORE_WRITE, &st)))
		ret = ks_store_check_save(st, labels, (const char *const *)reports, n);
	ks_store_close(st);
	for (size_t k = 0; k < n; k++)
		free(reports[k]);
	free(reports);
	free(labels);
	json_decref(root);
	free(buf);
	return ret;
}

int cmd_check(int argc, char **argv, struct ks_ctx *ctx)
{
	static const struct option opts[] = {
	    {"group", required_argument, NULL, 'g'},	{"image", required_argument, NULL, 'i'},
	    {"baseline", required_argument, NULL, 'b'}, {"format", required_argument, NULL, 'f'},
	    {"fail-on", required_argument, NULL, 'F'},	{"verbose", no_argument, NULL, 'v'},
	    {"save", no_argument, NULL, 'S'},		{"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char **groups = NULL, **imgs = NULL, *baseline = NULL;
	size_t ng = 0, ni = 0, nobjs = 0;
	struct ks_bpf_obj **objs = NULL;
	struct ks_check *checks = NULL;
	struct check_src s = {.lanes_lock = PTHREAD_MUTEX_INITIALIZER};
	struct ks_view v = {0};
	int c, fmt = KS_FMT_TEXT, fail_on = KS_LVL_ERROR, verbose = 0, save = 0, ret = KS_EXIT_ERROR;
	enum ks_level worst = KS_LVL_OK;

	while ((c = getopt_long(argc, argv, "g:i:b:f:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			groups = ks_xrealloc_array(groups, ng + 1, sizeof(*groups));
			groups[ng++] = optarg;
			break;
		case 'i':
			imgs = ks_xrealloc_array(imgs, ni + 1, sizeof(*imgs));
			imgs[ni++] = optarg;
			break;
		case 'b':
			baseline = optarg;
			break;
		case 'f':
			fmt = ks_format_parse(optarg);
			if (fmt < 0 || fmt == KS_FMT_CSV) {
				ret =
				    ks_cmd_usage_error(check_usage, "unknown format '%s'", optarg);
				goto out;
			}
			break;
		case 'F':
			fail_on = ks_level_parse(optarg);
			if (fail_on < 0) {
				ret = ks_cmd_usage_error(check_usage, "unknown level '%s'", optarg);
				goto out;
			}
			break;
		case 'v':
			verbose = 1;
			break;
		case 'S':
			save = 1;
			break;
		case 'h':
			fputs(check_usage, stdout);
			ret = 0;
			goto out;
		default:
			ret = ks_cmd_usage_error(check_usage, "bad option");
			goto out;
		}
	}
	/* every image's BTF (5 MB, copied by SQLite, by us and by libbpf) in reused huge pages */
	ks_heap_setup(96 << 20);
	/* libbpf's own warnings about malformed BTF would add lines to our one error line */
	libbpf_set_print(NULL);
	if (optind >= argc) {
		ret = ks_cmd_usage_error(check_usage, "no object to check");
		goto out;
	}
	if (read_objects(argv + optind, (size_t)(argc - optind), &objs, &nobjs) ||
	    ks_view_open(ctx, baseline, &v)) {
		ret = ks_cmd_fail();
		goto out;
	}
	s.v = &v;
	if (pick_images(&s, groups, ng, imgs, ni)) {
		ret = ks_cmd_fail();
		goto out;
	}
	checks = calloc(nobjs + 1, sizeof(*checks));
	if (!checks)
		abort();
	for (size_t k = 0; k < nobjs; k++) {
		ks_check_deps(objs[k], &checks[k]);
		ks_check_begin(&checks[k], s.n);
	}
	/* Image by image, one BTF in memory per thread, on every core. What the callbacks
	 * look up is read first (defs of every image, enum kinds); they lock all the same. */
	s.checks = checks;
	s.nchecks = nobjs;
	s.nlanes = 8;
	s.lanes = calloc(s.nlanes, sizeof(*s.lanes));
	if (!s.lanes)
		abort();
	for (size_t i = 0; i < s.nlanes; i++)
		s.lanes[i].s = &s;
	warm(&s, checks, nobjs);
	for (size_t k = 0; k < nobjs; k++) {
		struct ks_check_src src = lane_src(&s.lanes[0]);

		ks_check_names(&checks[k], &src);
	}
	eval_image(&s, 0);
	ks_parallel_for(s.n - 1, 1, eval_image_from1, &s);
	if (s.failed) {
		ret = KS_EXIT_ERROR;
		goto out;
	}
	for (size_t k = 0; k < nobjs; k++) {
		ks_check_end(&checks[k]);
		if (checks[k].worst > worst)
			worst = checks[k].worst;
	}
	{
		struct ks_check_report r = {
		    .checks = checks,
		    .nchecks = nobjs,
		    .labels = (const char *const *)s.labels,
		    .names = s.names,
		    .nimages = s.n,
		    .verbose = verbose,
		};

		if (ks_report_check(stdout, &r, fmt, &ctx->style) ||
		    (save && save_results(ctx, &r))) {
			ret = ks_cmd_fail();
			goto out;
		}
	}
	if (!ng && !ni && fmt != KS_FMT_JSON && fmt != KS_FMT_HTML) {
		printf("\nimages:");
		for (size_t i = 0; i < s.n; i++)
			printf("%s %s = %s", i ? "," : "", s.labels[i], s.names[i]);
		printf("\n");
	}
	ret = (int)worst >= fail_on ? KS_EXIT_PROBLEMS : KS_EXIT_OK;
out:
	for (size_t k = 0; checks && k < nobjs; k++)
		ks_check_free(&checks[k]);
	free(checks);
	for (size_t k = 0; k < nobjs; k++)
		ks_bpf_obj_free(objs[k]);
	free(objs);
	src_free(&s);
	ks_view_close(&v);
	free(groups);
	free(imgs);
	return ret;
}
