/* SPDX-License-Identifier: MIT */
/*
 * Inputs -> images. Loads every part of every input (packages, kernels, BTF, System.map,
 * config; whole-file compression and tarballs unwrapped), then joins the parts of each
 * image and decides its symbols and identity.
 */
#include "ingest/ingest.h"

#include <archive.h>
#include <archive_entry.h>
#include <assert.h>
#include <bpf/btf.h>
#include <errno.h>
#include <dirent.h>
#include <ftw.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ingest/ingest_int.h"
#include "ingest/pkg.h"
#include "util/clock.h"
#include "util/err.h"

#define KS_MAX_INPUT (2ULL << 30)

static struct part *part_new(struct parts *ps, const char *input, const char *origin)
{
	struct part *p;

	ps->v = realloc(ps->v, (ps->n + 1) * sizeof(*ps->v));
	if (!ps->v)
		abort();
	p = &ps->v[ps->n++];
	memset(p, 0, sizeof(*p));
	p->input = input;
	p->origin = strdup(origin);
	p->image = -1;
	return p;
}

static void parts_free(struct parts *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->v[i].origin);
		free(ps->v[i].release);
		ks_bytes_free(&ps->v[i].bytes);
		ks_identity_free(&ps->v[i].pkg);
	}
	free(ps->v);
}

static int is_sysmap_text(const uint8_t *d, size_t n)
{
	size_t i = 0;

	while (i < n && i < 16 && ((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f')))
		i++;
	return i >= 8 && i + 3 < n && d[i] == ' ' && d[i + 2] == ' ' &&
	       ((d[i + 1] >= 'a' && d[i + 1] <= 'z') || (d[i + 1] >= 'A' && d[i + 1] <= 'Z'));
}

static int is_config_text(const uint8_t *d, size_t n)
{
	size_t lim = n < 4096 ? n : 4096;

	if (memchr(d, '\0', lim))
		return 0;
	return memmem(d, lim, "\nCONFIG_", 8) || memmem(d, lim, "# CONFIG_", 9) ||
	       (n > 7 && !memcmp(d, "CONFIG_", 7));
}

static enum ks_part_role classify(const uint8_t *d, size_t n)
{
	if (n >= 4 && ((d[0] == 0x9f && d[1] == 0xeb) || (d[0] == 0xeb && d[1] == 0x9f)) && d[2] == 1)
		return KS_PART_BTF;
	if (is_sysmap_text(d, n))
		return KS_PART_SYSMAP;
	if (is_config_text(d, n))
		return KS_PART_CONFIG;
	return KS_PART_KERNEL;
}

static int is_tar(const uint8_t *d, size_t n)
{
	return n > 262 && !memcmp(d + 257, "ustar", 5);
}

/* Members of a tarball (BTFHub's .btf.tar.xz): each regular file is a part. */
static int load_tar(struct parts *ps, const char *input, const struct ks_bytes *b)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int rc, ret = 0;

	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_memory(a, b->data, b->size) != ARCHIVE_OK) {
		ret = ks_err(-EINVAL, "%s: bad tar archive: %s", input, archive_error_string(a));
		goto out;
	}
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		la_int64_t sz = archive_entry_size(e);
		char origin[4096];
		struct part *p;

		if (archive_entry_filetype(e) != AE_IFREG || sz <= 0)
			continue;
		if ((uint64_t)sz > KS_MAX_INPUT) {
			ret = ks_err(-EFBIG, "%s: %s: member too large", input, archive_entry_pathname(e));
			goto out;
		}
		snprintf(origin, sizeof(origin), "%s: %s", input, archive_entry_pathname(e));
		p = part_new(ps, input, origin);
		p->bytes.data = malloc(sz);
		if (!p->bytes.data)
			abort();
		p->bytes.size = sz;
		if (archive_read_data(a, p->bytes.data, sz) != sz) {
			ret = ks_err(-EINVAL, "%s: truncated tar member: %s", origin, archive_error_string(a));
			goto out;
		}
		p->role = classify(p->bytes.data, p->bytes.size);
	}
	if (rc != ARCHIVE_EOF)
		ret = ks_err(-EINVAL, "%s: bad tar archive: %s", input, archive_error_string(a));
out:
	archive_read_free(a);
	return ret;
}

struct pkg_ctx {
	struct parts *ps;
	const char *input;
	struct ks_pkg_info *info;
	unsigned roles; /* bit per ks_part_role seen in this package */
	int no_modules;
};

static int pkg_member(const struct ks_pkg_member *m, void *ctx_)
{
	struct pkg_ctx *ctx = ctx_;
	char origin[4096];
	struct part *p;

	/* a -dbg package's modules are debug copies of the real ones: never read */
	if (m->role == KS_PART_MODULE && (ctx->no_modules || !strncmp(m->path, "usr/lib/debug/", 14)))
		return 0;
	snprintf(origin, sizeof(origin), "%s: %s", ctx->input, m->path);
	p = part_new(ctx->ps, ctx->input, origin);
	p->role = m->role;
	p->release = m->release ? strdup(m->release) : NULL;
	/* the member's buffer becomes the part's: a debug vmlinux is 600 MB */
	p->bytes.data = (uint8_t *)m->data;
	p->bytes.size = m->size;
	*m->keep = NULL;
	if (p->release || ctx->info->version)
		ks_identity_from_release(&p->pkg, p->release, ctx->info->version, ctx->info->arch);
	/* Without modules, kernel, config and System.map are all an image takes from a
	 * package: the thousands of modules after them are then never decompressed. A -dbg
	 * package has no config and its vmlinux has a .symtab: the walk stops at the
	 * vmlinux, before the gigabytes of module debug info. */
	ctx->roles |= 1u << m->role;
	if (!strncmp(m->path, "usr/lib/debug/", 14) && m->role == KS_PART_KERNEL)
		return KS_PKG_STOP;
	if (ctx->no_modules && (ctx->roles & (1u << KS_PART_KERNEL)) &&
	    (ctx->roles & (1u << KS_PART_CONFIG)) && (ctx->roles & (1u << KS_PART_SYSMAP)))
		return KS_PKG_STOP;
	return 0;
}

/* A module file (or /sys/kernel/btf/<module>) as a part; its release from the path. */
static int load_module(struct parts *ps, const char *input, const char *path)
{
	const char *lm = strstr(path, "lib/modules/");
	struct part *p;
	char *rel = NULL;
	int ret;

	if (lm && ks_pkg_member_role(lm, &rel) != KS_PART_MODULE) {
		free(rel);
		rel = NULL;
	}
	p = part_new(ps, input, path);
	p->role = KS_PART_MODULE;
	p->release = rel;
	ret = ks_bytes_read_file(path, &p->bytes);
	if (!ret && p->release)
		ks_identity_from_release(&p->pkg, p->release, NULL, NULL);
	return ret;
}

/* nftw has no context argument: the walk in progress. */
static _Thread_local struct {
	struct parts *ps;
	const char *input;
	int ret;
} dir_walk;

static int dir_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_F && ks_is_module_name(path))
		dir_walk.ret = load_module(dir_walk.ps, dir_walk.input, path);
	return dir_walk.ret;
}

/* A directory: every module below it (lib/modules/<release>/ or any tree of .ko files). */
static int load_dir(struct parts *ps, const char *input)
{
	dir_walk.ps = ps;
	dir_walk.input = input;
	dir_walk.ret = 0;
	if (nftw(input, dir_entry, 32, FTW_PHYS) < 0 && !dir_walk.ret)
		return ks_err(-errno, "%s: %s", input, strerror(errno));
	return dir_walk.ret;
}

static int is_sysfs_module(const char *input)
{
	return !strncmp(input, "/sys/kernel/btf/", 16) && strcmp(input + 16, "vmlinux");
}

static int load_input(struct parts *ps, const char *input, const struct ks_ingest_opts *o)
{
	struct ks_pkg_info info = {0};
	struct pkg_ctx ctx = {ps, input, &info, 0, o->no_modules};
	struct ks_bytes b, plain;
	struct stat sb;
	struct part *p;
	int ret;

	if (!stat(input, &sb) && S_ISDIR(sb.st_mode))
		return o->no_modules ? 0 : load_dir(ps, input);
	if (ks_is_module_name(input) || is_sysfs_module(input))
		return o->no_modules ? 0 : load_module(ps, input, input);
	ret = ks_pkg_read(input, &info, pkg_member, &ctx);
	ks_pkg_info_free(&info);
	if (ret != -ENOMSG)
		return ret;
	if ((ret = ks_bytes_read_file(input, &b)))
		return ret;
	if (b.size == 0) {
		ks_bytes_free(&b);
		return ks_err(-EINVAL, "%s: empty file", input);
	}
	/* Whole-file compression (vmlinux.btf.xz, config.gz, Image.gz): unwrap first. */
	ret = ks_decompress(input, b.data, b.size, KS_MAX_INPUT, &plain);
	if (ret == 0) {
		ks_bytes_free(&b);
		b = plain;
	} else if (ret != -ENOMSG) {
		ks_bytes_free(&b);
		return ret;
	}
	if (is_tar(b.data, b.size)) {
		ret = load_tar(ps, input, &b);
		ks_bytes_free(&b);
		return ret;
	}
	p = part_new(ps, input, input);
	p->bytes = b;
	p->role = classify(b.data, b.size);
	return 0;
}

void ks_image_data_free(struct ks_image_data *d)
{
	ks_identity_free(&d->ident);
	sb_release(&d->sources);
	ks_kernel_free(&d->kernel);
	ks_symtab_free(&d->syms);
	ks_config_free(&d->config);
	free(d->config_source);
	for (size_t i = 0; i < d->nmods; i++)
		ks_kmod_free(&d->mods[i]);
	free(d->mods);
	ks_dwarf_free(&d->dwarf);
	free(d->dwarf_source);
	ks_bytes_free(&d->btf_own);
	free(d->config_text);
}

void ks_ingest_add_source(struct ks_image_data *d, const char *input)
{
	const char *p = d->sources.buf;
	size_t n = strlen(input);

	/* Skip inputs already listed (several parts of one package). */
	while (p && (p = strstr(p, input))) {
		if ((p == d->sources.buf || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return;
		p += n;
	}
	if (d->sources.len)
		sb_add(&d->sources, ", ");
	sb_add(&d->sources, input);
}

static char *running_release(void)
{
	struct utsname u;

	return uname(&u) ? NULL : strdup(u.release);
}

/* Open the kernel part of a new image. One without BTF is resolved later
 * (resolve_typeless). */
static int open_kernel(struct part *p, struct ks_image_data *d)
{
	int ret = ks_kernel_open_own(p->origin, &p->bytes, 1, &d->kernel);

	if (ret)
		return ret;
	if (!p->release && d->kernel.release)
		p->release = strdup(d->kernel.release);
	if (!p->release && !strcmp(p->input, "/sys/kernel/btf/vmlinux"))
		p->release = running_release();
	sb_init(&d->sources);
	ks_ingest_add_source(d, p->input);
	return 0;
}

/*
 * The package version the distro wrote into linux_banner: Debian's "... #1 SMP
 * PREEMPT_DYNAMIC Debian 6.1.176-1 (2025-10-02)", Ubuntu's "(Ubuntu 5.4.0-26.30-generic
 * 5.4.30)". Lets a bare vmlinuz get the same identity as its package. NULL if none.
 */
static char *banner_pkg_version(const char *banner)
{
	const char *p;
	size_t n;

	if (!banner)
		return NULL;
	if ((p = strstr(banner, " Debian ")))
		p += 8;
	else if ((p = strstr(banner, "(Ubuntu ")))
		p += 8;
	else
		return NULL;
	n = strspn(p, "0123456789.-+~abcdefghijklmnopqrstuvwxyz");
	if (n == 0 || p[0] < '0' || p[0] > '9')
		return NULL;
	/* Ubuntu appends "-<flavor>" to the package version: keep "5.4.0-26.30". */
	if (banner[p - banner - 8] == '(') {
		const char *dot = memchr(p, '.', n);
		const char *dash = dot ? memchr(dot, '-', n - (dot - p)) : NULL;

		while (dash && dash < p + n) {
			if (dash[1] < '0' || dash[1] > '9') {
				n = dash - p;
				break;
			}
			dash = memchr(dash + 1, '-', n - (dash + 1 - p));
		}
	}
	return strndup(p, n);
}

static void hash_hex(const uint8_t *data, size_t size, char out[65])
{
	uint8_t h[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, size, data);
	sha256_digest(&c, sizeof(h), h);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", h[i]);
}

/* "# Linux/x86 6.1.176 Kernel Configuration" and CONFIG_BUILD_SALT="6.1.0-50-amd64". */
static void identity_from_config(const struct ks_config *c, const char *text,
				 const char *known_release, struct ks_identity *id)
{
	char family[32], version[64];
	const char *l = strstr(text, "# Linux/");

	for (size_t i = 0; i < c->n; i++) {
		const char *v = c->v[i].value;
		size_t n = strlen(v);

		if (!strcmp(c->v[i].name, "CONFIG_BUILD_SALT") && n > 2 && v[0] == '"') {
			char *rel = strndup(v + 1, n - 2);
			struct ks_identity t = {0};

			/* Debian's salt is the release; another distro's salt may be
			 * anything, so it only speaks for an image whose release is unknown
			 * or the same. */
			if (!known_release || !strcmp(known_release, rel)) {
				ks_identity_from_release(&t, rel, NULL, NULL);
				ks_identity_fill(id, &t);
				ks_identity_free(&t);
			}
			free(rel);
		}
	}
	if (l && sscanf(l, "# Linux/%31s %63s Kernel Configuration", family, version) == 2) {
		if (!id->version)
			id->version = strdup(version);
		if (!id->arch) {
			const char *a = !strcmp(family, "x86") ? "amd64"
					: !strcmp(family, "arm64") ? "arm64"
					: !strcmp(family, "s390")  ? "s390x"
					: !strcmp(family, "riscv") ? "riscv64"
					: !strcmp(family, "loongarch") ? "loong64"
					: !strcmp(family, "powerpc") ? "ppc64el"
					: !strcmp(family, "arm")     ? "armhf"
								     : NULL;
			int is64 = 0;

			for (size_t i = 0; i < c->n; i++)
				if (!strcmp(c->v[i].name, "CONFIG_64BIT"))
					is64 = !strcmp(c->v[i].value, "y");
			if (a && !strcmp(a, "amd64") && !is64)
				a = "i386";
			if (a)
				id->arch = strdup(a);
		}
	}
}

static int attach_config(struct ks_image_data *d, struct part *p)
{
	char *text = strndup((const char *)p->bytes.data, p->bytes.size);
	int ret;

	if (d->config.n)
		return ks_err(-EINVAL, "%s: a second config for image of %s", p->origin,
			      d->sources.buf);
	ret = ks_config_parse(p->origin, text, strlen(text), &d->config);
	if (!ret && d->waiting) /* kept as given, until its types come */
		d->config_text = strdup(text);
	if (!ret) {
		struct ks_identity t = {0};

		identity_from_config(&d->config, text, d->ident.release, &t);
		ks_identity_fill(&d->ident, &t);
		ks_identity_free(&t);
		d->config_source = strdup(p->origin);
	}
	free(text);
	return ret;
}

static int attach_sysmap(struct ks_image_data *d, struct part *p)
{
	struct ks_symtab st;
	int ret;

	ks_symtab_init(&st);
	ret = ks_sysmap_parse(p->origin, (const char *)p->bytes.data, p->bytes.size, &st);
	if (ret == -ENODATA) { /* Debian's stub: the kallsyms tables will do */
		ks_symtab_free(&st);
		return 0;
	}
	if (ret) {
		ks_symtab_free(&st);
		return ret;
	}
	/* /proc/kallsyms read without privilege shows zero addresses: useless. */
	size_t nonzero = 0;
	for (size_t i = 0; i < st.n; i++)
		nonzero += st.syms[i].addr != 0;
	if (nonzero == 0) {
		ks_warn("%s: all symbol addresses are zero (kptr_restrict); ignored", p->origin);
		ks_symtab_free(&st);
		return 0;
	}
	if (strstr(p->origin, "/proc/kallsyms"))
		snprintf(st.source, sizeof(st.source), "/proc/kallsyms");
	if (d->syms.n)
		ks_symtab_free(&d->syms);
	d->syms = st;
	return 0;
}

/* Symbols: a real System.map wins, then the ELF .symtab, then the kallsyms tables. */
static void choose_symbols(struct ks_image_data *d, int progress)
{
	int ret;

	if (d->syms.n)
		return;
	if (d->kernel.elf_syms.n) {
		d->syms = d->kernel.elf_syms;
		ks_symtab_init(&d->kernel.elf_syms);
		return;
	}
	if (d->kernel.is_raw_btf)
		return;
	if (progress)
		fprintf(stderr, "  recovering symbols from the kallsyms tables...\n");
	ks_symtab_init(&d->syms);
	ret = ks_kallsyms_recover(d->sources.buf, &d->kernel, &d->syms);
	if (ret) {
		ks_warn("%s", ks_errmsg());
		ks_symtab_free(&d->syms);
	}
}

/* The module's bytes move to the image; they are read once every part has joined. */
static void attach_module(struct ks_image_data *d, struct part *p)
{
	struct ks_kmod *m;

	ks_ingest_add_source(d, is_sysfs_module(p->input) ? "/sys/kernel/btf/<modules>" : p->input);
	d->modules_given = 1;
	d->mods = realloc(d->mods, (d->nmods + 1) * sizeof(*d->mods));
	if (!d->mods)
		abort();
	m = &d->mods[d->nmods++];
	memset(m, 0, sizeof(*m));
	ks_symtab_init(&m->syms);
	m->origin = p->origin;
	p->origin = NULL;
	m->raw = p->bytes;
	p->bytes = (struct ks_bytes){0};
}

static int cmp_kmod(const void *a, const void *b)
{
	const struct ks_kmod *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * Read the image's modules on every core. One that cannot be read is reported and left
 * out; one built for another release than the kernel's refuses the image (its split BTF
 * would be read against the wrong base).
 */
static int read_modules(struct ks_image_data *d, int progress)
{
	size_t o = 0;
	int ret = 0;

	if (!d->nmods)
		return 0;
	if (progress)
		fprintf(stderr, "  reading %zu modules...\n", d->nmods);
	ks_kmods_read(d->mods, d->nmods);
	for (size_t i = 0; i < d->nmods; i++) {
		struct ks_kmod *m = &d->mods[i];

		if (!ret && !m->error && m->vermagic && d->ident.release &&
		    strcmp(m->vermagic, d->ident.release))
			ret = ks_err(-EINVAL, "%s: module built for release %s (its vermagic), but the "
					      "kernel is %s: modules of another build",
				     m->origin, m->vermagic, d->ident.release);
		if (m->error && !ret) {
			ks_warn("%s; module skipped", m->error);
			d->mods_skipped++;
		}
		if (m->error || ret) {
			ks_kmod_free(m);
			continue;
		}
		d->mods[o++] = *m;
	}
	d->nmods = o;
	if (!ret && o)
		qsort(d->mods, o, sizeof(*d->mods), cmp_kmod);
	return ret;
}

/*
 * The function facts of a kernel ELF with debug info (a -dbg vmlinux). Debug info that
 * is there but broken fails the image: its statuses would be wrong.
 */
int ks_ingest_read_dwarf(struct ks_image_data *d, int progress)
{
	int ret;

	if (!d->kernel.is_elf)
		return 0;
	if (progress)
		fprintf(stderr, "  reading DWARF of %s...\n", d->sources.buf);
	assert(!d->dwarf_source);
	ret = ks_dwarf_read(d->sources.buf, d->kernel.image.data, d->kernel.image.size, &d->dwarf);
	ks_phase("DWARF: read and walk");
	if (ret == -ENODATA)
		return 0;
	if (ret)
		return ret;
	d->dwarf_source = strdup(d->sources.buf);
	return 0;
}

/* Identity and name, once every part has joined: derived, then the user's overrides. */
static void finish_identity(struct ks_image_data *d, const struct ks_ingest_opts *o)
{
	/* a release string that tells no arch leaves it empty: the ELF knows */
	if ((!d->ident.arch || !*d->ident.arch) && d->kernel.arch[0]) {
		free(d->ident.arch);
		d->ident.arch = strdup(d->kernel.arch);
	}
	ks_identity_override(&d->ident, &o->override);
	if (!d->ident.name || o->override.name == NULL)
		ks_identity_make_name(&d->ident);
	if (o->override.name) {
		free(d->ident.name);
		d->ident.name = strdup(o->override.name);
	}
}

/* An image waiting for its types keeps its identity, inputs and config only: its
 * symbols and modules are read again with the -dbg package that completes it. */
static int finish_waiting(struct ks_image_data *d, const struct ks_ingest_opts *o)
{
	if (d->nmods)
		ks_warn("%s: its %zu modules are left aside until the kernel's types come from "
			"its -dbg package",
			d->sources.buf, d->nmods);
	for (size_t i = 0; i < d->nmods; i++)
		ks_kmod_free(&d->mods[i]);
	d->nmods = 0;
	d->modules_given = 0;
	finish_identity(d, o);
	return 0;
}

static int finish_image(struct ks_image_data *d, const struct ks_ingest_opts *o)
{
	struct btf *btf;
	int ret;

	if (d->waiting)
		return finish_waiting(d, o);
	if (d->types_from_dwarf) {
		if ((ret = ks_ingest_encode_types(d, o->progress)))
			return ret;
	} else {
		d->btf = d->kernel.image.data + d->kernel.btf_off;
		d->btf_size = d->kernel.btf_size;
		if ((ret = ks_ingest_read_dwarf(d, o->progress)))
			return ret;
	}
	btf = btf__new(d->btf, d->btf_size);
	if (!btf)
		return ks_err(-errno ? -errno : -EINVAL, "%s: BTF rejected by libbpf: %s",
			      d->sources.buf, strerror(errno));
	d->btf_types = btf__type_cnt(btf) - 1;
	btf__free(btf);
	hash_hex(d->btf, d->btf_size, d->content_hash);
	choose_symbols(d, o->progress);
	if ((ret = read_modules(d, o->progress)))
		return ret;
	finish_identity(d, o);
	return 0;
}

static int find_image_by_release(struct ks_image_data *imgs, size_t n, const char *rel)
{
	for (size_t i = 0; i < n; i++)
		if (imgs[i].ident.release && rel && !strcmp(imgs[i].ident.release, rel))
			return (int)i;
	return -1;
}

static int join_parts(struct parts *ps, struct ks_image_data *imgs, size_t nimg)
{
	for (size_t i = 0; i < ps->n; i++) {
		struct part *p = &ps->v[i];
		int k;

		if (p->image >= 0 || p->role == KS_PART_NONE)
			continue;
		k = p->release ? find_image_by_release(imgs, nimg, p->release) : -1;
		if (k < 0 && nimg == 1 && (!p->release || !imgs[0].ident.release))
			k = 0;
		if (k < 0) {
			if (p->release)
				return ks_err(-EINVAL, "%s: %s for release %s, but no kernel of that "
						       "release among the inputs",
					      p->origin, ks_part_role_name(p->role), p->release);
			return ks_err(-EINVAL, "%s: cannot tell which of the %zu kernels this %s "
					       "belongs to; add it together with its kernel alone",
				      p->origin, nimg, ks_part_role_name(p->role));
		}
		p->image = k;
		ks_identity_fill(&imgs[k].ident, &p->pkg);
		if (p->role == KS_PART_MODULE) {
			attach_module(&imgs[k], p);
			continue;
		}
		ks_ingest_add_source(&imgs[k], p->input);
		int ret = p->role == KS_PART_CONFIG ? attach_config(&imgs[k], p)
			  : p->role == KS_PART_SYSMAP ? attach_sysmap(&imgs[k], p)
						      : ks_err(-EINVAL, "%s: a second kernel for the "
									"image of %s",
								  p->origin, imgs[k].sources.buf);
		if (ret)
			return ret;
	}
	return 0;
}

int ks_ingest_collect(char *const *paths, size_t n, const struct ks_ingest_opts *o,
		      struct ks_image_data **out, size_t *nout)
{
	struct parts ps = {0};
	struct ks_image_data *imgs = NULL;
	size_t nimg = 0;
	int ret = 0;

	*out = NULL;
	*nout = 0;
	for (size_t i = 0; i < n && !ret; i++) {
		if (o->progress)
			fprintf(stderr, "reading %s...\n", paths[i]);
		ret = load_input(&ps, paths[i], o);
	}
	ks_phase("read inputs (decompress packages)");
	/* Kernels (or BTF blobs) found an image each. */
	for (size_t i = 0; i < ps.n && !ret; i++) {
		struct part *p = &ps.v[i];
		struct ks_image_data *d;

		if (p->role != KS_PART_KERNEL && p->role != KS_PART_BTF)
			continue;
		imgs = realloc(imgs, (nimg + 1) * sizeof(*imgs));
		if (!imgs)
			abort();
		d = &imgs[nimg];
		memset(d, 0, sizeof(*d));
		ks_symtab_init(&d->syms);
		if (o->progress)
			fprintf(stderr, "opening %s...\n", p->origin);
		ret = open_kernel(p, d);
		ks_phase("open kernel");
		nimg++;
		if (ret)
			break;
		p->image = (int)nimg - 1;
		ks_identity_fill(&d->ident, &p->pkg);
		if (!d->ident.release && p->release) {
			struct ks_identity t = {0};
			char *pv = banner_pkg_version(d->kernel.banner);

			ks_identity_from_release(&t, p->release, pv, NULL);
			free(pv);
			ks_identity_fill(&d->ident, &t);
			ks_identity_free(&t);
		}
	}
	if (!ret && nimg == 0)
		ret = ks_err(-EINVAL, "%s: no kernel or BTF among the inputs", n ? paths[0] : "(none)");
	if (!ret)
		ks_ingest_resolve_typeless(&ps, imgs, &nimg);
	if (!ret)
		ret = join_parts(&ps, imgs, nimg);
	for (size_t i = 0; i < nimg && !ret; i++)
		ret = finish_image(&imgs[i], o);
	parts_free(&ps);
	if (ret) {
		for (size_t i = 0; i < nimg; i++)
			ks_image_data_free(&imgs[i]);
		free(imgs);
		return ret;
	}
	*out = imgs;
	*nout = nimg;
	return 0;
}

int ks_ingest_running_paths(char ***paths, size_t *n)
{
	static const char *const cands[] = {"/sys/kernel/btf/vmlinux", "/proc/kallsyms",
					    "/proc/config.gz", NULL};
	char *rel = running_release(), bootcfg[512];
	char **v = calloc(5, sizeof(*v));
	size_t k = 0;

	if (!v)
		abort();
	if (access(cands[0], R_OK)) {
		free(v);
		free(rel);
		return ks_err(-ENOENT, "%s: not readable: the running kernel has no BTF "
				       "(CONFIG_DEBUG_INFO_BTF) or /sys is not mounted",
			      cands[0]);
	}
	for (int i = 0; cands[i]; i++)
		if (!access(cands[i], R_OK))
			v[k++] = strdup(cands[i]);
	snprintf(bootcfg, sizeof(bootcfg), "/boot/config-%s", rel ? rel : "");
	if (access("/proc/config.gz", R_OK) && rel && !access(bootcfg, R_OK))
		v[k++] = strdup(bootcfg);
	free(rel);
	/* The loaded modules' split BTF, in a stable order. */
	struct dirent **ents = NULL;
	int nents = scandir("/sys/kernel/btf", &ents, NULL, alphasort);

	for (int i = 0; i < nents; i++) {
		char path[512];

		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && is_sysfs_module(path)) {
			if (!(v = realloc(v, (k + 2) * sizeof(*v))) || !(v[k++] = strdup(path)))
				abort();
			v[k] = NULL;
		}
		free(ents[i]);
	}
	free(ents);
	*paths = v;
	*n = k;
	return 0;
}
