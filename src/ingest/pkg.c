/* SPDX-License-Identifier: MIT */
/*
 * Debian packages, read in one pass. A .deb is an ar archive: debian-binary, then
 * control.tar.*, then data.tar.*. libarchive reads the ar; each tar inside is a second
 * archive whose read callback pulls bytes from the ar member being read, so a 100 MB
 * data.tar.xz streams through one small buffer and only the kernel parts are kept.
 */
#include "ingest/pkg.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/err.h"

#define PKG_BLOCK	(128 * 1024)
#define PKG_CONTROL_MAX (1 << 20) /* control files are a few KiB */
#define PKG_FIRST_ALLOC (1 << 20) /* members grow from here as their bytes arrive */

#define AR_MAGIC     "!<arch>\n"
#define AR_MAGIC_LEN 8

struct pkg_walk {
	const char *origin;
	struct ks_pkg_info *info;
	ks_pkg_member_fn fn;
	void *ctx;
	struct archive *outer;
	char member[64]; /* current ar member, made printable for messages */
	int seen_control, seen_data;
	int stopped; /* the callback has all it wants: the rest is not read */
	uint8_t buf[PKG_BLOCK];
	/* data.tar.xz is decoded here, on two threads (liblzma's block-parallel decoder:
	 * dpkg writes multi-block xz), not by libarchive's one-thread filter */
	int xz_on, xz_in_eof;
	lzma_stream xz;
	uint8_t xin[PKG_BLOCK];
};

const char *ks_part_role_name(enum ks_part_role role)
{
	switch (role) {
	case KS_PART_KERNEL:
		return "kernel";
	case KS_PART_BTF:
		return "btf";
	case KS_PART_SYSMAP:
		return "sysmap";
	case KS_PART_CONFIG:
		return "config";
	case KS_PART_MODULE:
		return "module";
	default:
		return "none";
	}
}

void ks_pkg_info_free(struct ks_pkg_info *info)
{
	if (!info)
		return;
	free(info->package);
	free(info->version);
	free(info->arch);
	free(info->source);
	free(info->maintainer);
	memset(info, 0, sizeof(*info));
}

/* ---- member roles ---- */

static const char *skip_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) ? NULL : s + n;
}

/* A release is one path component, and not "." or "..". */
static int is_release(const char *s, size_t n)
{
	if (!n || memchr(s, '/', n))
		return 0;
	return !(n == 1 && s[0] == '.') && !(n == 2 && s[0] == '.' && s[1] == '.');
}

static char *dup_release(const char *s, size_t n)
{
	char *r = strndup(s, n);

	if (!r)
		abort();
	return r;
}

/* boot/<prefix><rel>: the old layout, and usr/lib/debug/boot/vmlinux-<rel> (dbg = 1). */
static enum ks_part_role boot_role(const char *name, int dbg, char **release)
{
	static const struct {
		const char *prefix;
		enum ks_part_role role;
	} parts[] = {
	    {"vmlinux-", KS_PART_KERNEL},
	    {"vmlinuz-", KS_PART_KERNEL},
	    {"System.map-", KS_PART_SYSMAP},
	    {"config-", KS_PART_CONFIG},
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && i < (dbg ? 1 : 4); i++) {
		const char *rel = skip_prefix(name, parts[i].prefix);

		if (rel && is_release(rel, strlen(rel))) {
			*release = dup_release(rel, strlen(rel));
			return parts[i].role;
		}
	}
	return KS_PART_NONE;
}

/* <rel>/<file> under lib/modules/: the 7.x layout; dbg packages only have vmlinux. */
static enum ks_part_role modules_role(const char *rest, int dbg, char **release)
{
	static const struct {
		const char *file;
		enum ks_part_role role;
	} parts[] = {
	    {"vmlinux", KS_PART_KERNEL},	  {"vmlinuz", KS_PART_KERNEL},
	    {"vmlinuz.unsigned", KS_PART_KERNEL}, {"Image", KS_PART_KERNEL},
	    {"System.map", KS_PART_SYSMAP},	  {"config", KS_PART_CONFIG},
	};
	const char *slash = strchr(rest, '/');

	if (!slash || !is_release(rest, (size_t)(slash - rest)))
		return KS_PART_NONE;
	if (!dbg && ks_is_module_name(slash + 1)) {
		*release = dup_release(rest, (size_t)(slash - rest));
		return KS_PART_MODULE;
	}
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && i < (dbg ? 1 : 6); i++) {
		if (!strcmp(slash + 1, parts[i].file)) {
			*release = dup_release(rest, (size_t)(slash - rest));
			return parts[i].role;
		}
	}
	return KS_PART_NONE;
}

int ks_is_module_name(const char *path)
{
	static const char *const ends[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz"};
	size_t n = strlen(path);

	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		size_t e = strlen(ends[i]);

		if (n > e && !strcmp(path + n - e, ends[i]) && path[n - e - 1] != '/')
			return 1;
	}
	return 0;
}

static const char *strip_root(const char *path)
{
	for (;;) {
		if (path[0] == '.' && path[1] == '/')
			path += 2;
		else if (path[0] == '/')
			path++;
		else
			return path;
	}
}

enum ks_part_role ks_pkg_member_role(const char *path, char **release)
{
	enum ks_part_role role = KS_PART_NONE;
	char *rel = NULL;
	const char *p, *rest;
	int dbg = 0;

	p = strip_root(path);
	if ((rest = skip_prefix(p, "usr/lib/debug/"))) {
		dbg = 1;
		p = rest;
	}
	if ((rest = skip_prefix(p, "boot/")))
		role = boot_role(rest, dbg, &rel);
	else if ((rest = skip_prefix(p, "lib/modules/")) ||
		 (rest = skip_prefix(p, "usr/lib/modules/")))
		role = modules_role(rest, dbg, &rel);
	if (release)
		*release = rel;
	else
		free(rel);
	return role;
}

/* ---- errors ---- */

/* Input bytes end up in messages: keep them on one line and short. */
static void printable(char *dst, size_t n, const char *src)
{
	size_t i;

	for (i = 0; src && src[i] && i + 1 < n; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ? '?' : src[i];
	dst[i] = '\0';
}

/* libarchive's errors are about the bytes (format, truncation, checksums), except these. */
static int archive_code(struct archive *a)
{
	int e = archive_errno(a);

	return e == ENOMEM || e == EIO ? -e : -EBADMSG;
}

/* "<origin>: <ar member>: [<path>: ]<what>" */
static int walk_err(struct pkg_walk *w, int code, const char *path, const char *what)
{
	char p[128], m[256];

	printable(p, sizeof(p), path);
	printable(m, sizeof(m), what && *what ? what : "unknown archive error");
	if (!w->member[0])
		return ks_err(code, "%s: %s", w->origin, m);
	if (!p[0])
		return ks_err(code, "%s: %s: %s", w->origin, w->member, m);
	return ks_err(code, "%s: %s: %s: %s", w->origin, w->member, p, m);
}

static int archive_fail(struct pkg_walk *w, struct archive *a, const char *path)
{
	return walk_err(w, archive_code(a), path, archive_error_string(a));
}

/* ---- the tar inside, streamed from the ar member ---- */

static la_ssize_t member_read(struct archive *nested, void *data, const void **buf)
{
	struct pkg_walk *w = data;
	la_ssize_t n = archive_read_data(w->outer, w->buf, sizeof(w->buf));

	if (n < 0) {
		const char *msg = archive_error_string(w->outer);

		archive_set_error(nested, archive_errno(w->outer), "%s", msg ? msg : "read error");
		return -1;
	}
	*buf = w->buf;
	return n;
}

/* The tar of a data.tar.xz, decoded from the ar member by liblzma. */
static la_ssize_t member_read_xz(struct archive *nested, void *data, const void **buf)
{
	struct pkg_walk *w = data;

	w->xz.next_out = w->buf;
	w->xz.avail_out = sizeof(w->buf);
	while (w->xz.avail_out == sizeof(w->buf)) {
		lzma_ret r;

		if (!w->xz.avail_in && !w->xz_in_eof) {
			la_ssize_t n = archive_read_data(w->outer, w->xin, sizeof(w->xin));

			if (n < 0) {
				const char *msg = archive_error_string(w->outer);

				archive_set_error(nested, archive_errno(w->outer), "%s",
						  msg ? msg : "read error");
				return -1;
			}
			w->xz_in_eof = n == 0;
			w->xz.next_in = w->xin;
			w->xz.avail_in = (size_t)n;
		}
		r = lzma_code(&w->xz, w->xz_in_eof ? LZMA_FINISH : LZMA_RUN);
		if (r == LZMA_STREAM_END)
			break;
		if (r != LZMA_OK) {
			archive_set_error(nested, r == LZMA_MEM_ERROR ? ENOMEM : EILSEQ, "%s",
					  r == LZMA_BUF_ERROR	   ? "truncated xz data"
					  : r == LZMA_MEMLIMIT_ERROR ? "xz data needs over 1 GiB to decode"
					  : r == LZMA_MEM_ERROR	   ? "out of memory decoding xz data"
								   : "xz data is corrupt");
			return -1;
		}
	}
	*buf = w->buf;
	return (la_ssize_t)(sizeof(w->buf) - w->xz.avail_out);
}

/* Start liblzma's multi-threaded decoder for a data.tar.xz; libarchive's on failure. */
static void xz_start(struct pkg_walk *w)
{
	lzma_mt mt = {
		.flags = LZMA_CONCATENATED,
		.threads = 2,
		.memlimit_threading = 512u << 20,
		.memlimit_stop = 1u << 30,
	};

	w->xz = (lzma_stream)LZMA_STREAM_INIT;
	w->xz_in_eof = 0;
	w->xz_on = lzma_stream_decoder_mt(&w->xz, &mt) == LZMA_OK;
}

static void xz_stop(struct pkg_walk *w)
{
	if (w->xz_on)
		lzma_end(&w->xz);
	w->xz_on = 0;
}

/*
 * Only the compressions dpkg writes: support_filter_all() would also enable filters
 * (lrzip, lzop, grzip) that run an external program on our input.
 */
static int nested_open(struct pkg_walk *w, struct archive **out)
{
	struct archive *a = archive_read_new();

	if (!a)
		abort();
	if (w->xz_on) {
		archive_read_support_format_tar(a);
		if (archive_read_open(a, w, NULL, member_read_xz, NULL) != ARCHIVE_OK) {
			int err = archive_fail(w, a, NULL);

			archive_read_free(a);
			return err;
		}
		*out = a;
		return 0;
	}
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a);
	if (archive_read_open(a, w, NULL, member_read, NULL) != ARCHIVE_OK) {
		int err = archive_fail(w, a, NULL);

		archive_read_free(a);
		return err;
	}
	*out = a;
	return 0;
}

/*
 * Read the current entry whole, at most max bytes. The buffer grows only as bytes
 * arrive, so a header that lies about the size costs nothing.
 */
static int read_entry(struct pkg_walk *w, struct archive *a, struct archive_entry *e,
		      const char *path, size_t max, uint8_t **out, size_t *out_size)
{
	int64_t declared = archive_entry_size(e);
	size_t len = 0, cap, want;
	uint8_t *buf = NULL, *nbuf;
	char what[96];
	int err = 0;

	if (!archive_entry_size_is_set(e) || declared < 0)
		return walk_err(w, -EBADMSG, path, "member without a size");
	if ((uint64_t)declared > max) {
		snprintf(what, sizeof(what), "member of %lld bytes is over the %zu MiB limit",
			 (long long)declared, max >> 20);
		return walk_err(w, -EFBIG, path, what);
	}
	want = (size_t)declared;
	cap = want < PKG_FIRST_ALLOC ? want : PKG_FIRST_ALLOC;
	buf = malloc(cap ? cap : 1);
	if (!buf)
		abort();
	while (len < want) {
		if (len == cap) {
			cap = cap > want / 2 ? want : cap * 2;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				abort();
			buf = nbuf;
		}
		la_ssize_t n = archive_read_data(a, buf + len, cap - len);
		if (n < 0) {
			err = archive_fail(w, a, path);
			goto out;
		}
		if (n == 0) {
			snprintf(what, sizeof(what), "ends after %zu of %zu bytes", len, want);
			err = walk_err(w, -EBADMSG, path, what);
			goto out;
		}
		len += (size_t)n;
	}
out:
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	*out_size = len;
	return 0;
}

static char *dup_field(const char *v, size_t n)
{
	char *s = strndup(v, n);

	if (!s)
		abort();
	return s;
}

/* The control fields kept, by deb-control(5) name (matched case-insensitively). */
static char **control_field(struct ks_pkg_info *info, const char *name, size_t n)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
	    {"Package", offsetof(struct ks_pkg_info, package)},
	    {"Version", offsetof(struct ks_pkg_info, version)},
	    {"Architecture", offsetof(struct ks_pkg_info, arch)},
	    {"Source", offsetof(struct ks_pkg_info, source)},
	    {"Maintainer", offsetof(struct ks_pkg_info, maintainer)},
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strlen(fields[i].name) == n && !strncasecmp(name, fields[i].name, n))
			return (char **)((char *)info + fields[i].off);
	return NULL;
}

/*
 * "Name: value" lines; continuation lines (leading blank) only extend fields we do not
 * keep. Source may carry the source version in parentheses ("linux-signed-amd64
 * (6.1.176+1)"): only the name is kept. The first occurrence of a field wins.
 */
static void parse_control(struct ks_pkg_info *info, const char *text, size_t size)
{
	const char *end = text + size, *line, *eol, *colon, *v, *ve, *sp;
	char **field;

	for (line = text; line < end; line = eol + 1) {
		eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		colon = memchr(line, ':', (size_t)(eol - line));
		if (!colon || line[0] == ' ' || line[0] == '\t')
			continue;
		field = control_field(info, line, (size_t)(colon - line));
		if (!field || *field)
			continue;
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = eol; ve > v && (unsigned char)ve[-1] <= ' '; ve--)
			;
		if (field == &info->source && (sp = memchr(v, ' ', (size_t)(ve - v))))
			ve = sp;
		*field = dup_field(v, (size_t)(ve - v));
	}
}

static int read_control(struct pkg_walk *w)
{
	struct archive_entry *e;
	struct archive *a;
	uint8_t *text;
	size_t size;
	int r, err, found = 0;

	err = nested_open(w, &a);
	if (err)
		return err;
	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		const char *path = archive_entry_pathname(e);

		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			err = archive_fail(w, a, NULL);
			goto out;
		}
		if (!path || strcmp(strip_root(path), "control") ||
		    archive_entry_filetype(e) != AE_IFREG || found)
			continue;
		err = read_entry(w, a, e, "control", PKG_CONTROL_MAX, &text, &size);
		if (err)
			goto out;
		parse_control(w->info, (const char *)text, size);
		free(text);
		found = 1;
	}
	if (!found)
		err = walk_err(w, -EBADMSG, NULL, "no control file");
out:
	archive_read_free(a);
	w->seen_control = 1;
	return err;
}

static int hand_member(struct pkg_walk *w, struct archive *a, struct archive_entry *e,
		       const char *path)
{
	struct ks_pkg_member m = {.path = path};
	char *release = NULL;
	uint8_t *data = NULL;
	int err;

	m.role = ks_pkg_member_role(path, &release);
	if (m.role == KS_PART_NONE)
		return 0;
	err = read_entry(w, a, e, path, KS_PKG_MEMBER_MAX, &data, &m.size);
	if (err)
		goto out;
	m.data = data;
	m.keep = &data;
	m.release = release;
	err = w->fn ? w->fn(&m, w->ctx) : 0;
	if (err == KS_PKG_STOP)
		w->stopped = 1;
	if (err > 0)
		err = 0;
out:
	free(data);
	free(release);
	return err;
}

/* Members we do not want are never read: libarchive skips them at the next header. */
static int read_data(struct pkg_walk *w)
{
	struct archive_entry *e;
	struct archive *a;
	int r, err;

	err = nested_open(w, &a);
	if (err)
		return err;
	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		const char *path = archive_entry_pathname(e);

		/* RETRY is a damaged header (bad tar checksum): an error here */
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			err = archive_fail(w, a, NULL);
			break;
		}
		/* A hard link's bytes belong to an earlier entry; symlinks have none. */
		if (!path || archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e))
			continue;
		err = hand_member(w, a, e, strip_root(path));
		if (err || w->stopped)
			break;
	}
	archive_read_free(a);
	w->seen_data = 1;
	return err;
}

/* deb(5): the first member is debian-binary, "2.0\n"; an ar without it is something else. */
static int check_binary(struct pkg_walk *w, const char *name)
{
	char v[16] = "";
	la_ssize_t n;

	if (strcmp(name, "debian-binary"))
		return ks_err(-ENOMSG,
			      "%s: not a Debian package (an ar archive without debian-binary)",
			      w->origin);
	n = archive_read_data(w->outer, v, sizeof(v) - 1);
	if (n < 0)
		return archive_fail(w, w->outer, NULL);
	v[n] = '\0';
	if (strncmp(v, "2.", 2)) {
		char what[64];

		v[strcspn(v, "\n")] = '\0';
		snprintf(what, sizeof(what), "unsupported format version \"%.8s\" (2.x expected)",
			 v);
		return walk_err(w, -ENOTSUP, NULL, what);
	}
	return 0;
}

static int walk(struct pkg_walk *w)
{
	struct archive_entry *e;
	int r, err = 0, n = 0;

	while ((r = archive_read_next_header(w->outer, &e)) != ARCHIVE_EOF) {
		const char *name;

		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			return archive_fail(w, w->outer, NULL);
		name = archive_entry_pathname(e);
		if (!name)
			name = "";
		printable(w->member, sizeof(w->member), name);
		if (n++ == 0)
			err = check_binary(w, name);
		else if (!strncmp(name, "control.tar", 11))
			err = read_control(w);
		else if (!strncmp(name, "data.tar", 8) && !w->seen_control)
			err = walk_err(w, -EBADMSG, NULL, "comes before control.tar");
		else if (!strncmp(name, "data.tar", 8)) {
			if (!strcmp(name, "data.tar.xz"))
				xz_start(w);
			err = read_data(w);
			xz_stop(w);
		}
		/* Anything else (dpkg's "_" extensions) is skipped, as dpkg does. */
		if (err)
			return err;
		if (w->stopped)
			break;
	}
	w->member[0] = '\0';
	if (!n)
		return ks_err(-ENOMSG, "%s: not a Debian package (an empty ar archive)", w->origin);
	if (!w->seen_data)
		return walk_err(w, -EBADMSG, NULL, "no data.tar member (truncated package?)");
	return 0;
}

static struct pkg_walk *walk_new(const char *origin, struct ks_pkg_info *info, ks_pkg_member_fn fn,
				 void *ctx)
{
	struct pkg_walk *w = calloc(1, sizeof(*w));

	if (!w)
		abort();
	ks_pkg_info_free(info);
	w->origin = origin;
	w->info = info ? info : calloc(1, sizeof(*info));
	if (!w->info)
		abort();
	w->fn = fn;
	w->ctx = ctx;
	w->outer = archive_read_new();
	if (!w->outer)
		abort();
	archive_read_support_format_ar(w->outer);
	return w;
}

static int walk_run(struct pkg_walk *w, int open_ret)
{
	int err = open_ret != ARCHIVE_OK ? archive_fail(w, w->outer, NULL) : walk(w);

	archive_read_free(w->outer);
	return err;
}

static void walk_free(struct pkg_walk *w, const struct ks_pkg_info *info)
{
	if (w->info != info) {
		ks_pkg_info_free(w->info);
		free(w->info);
	}
	free(w);
}

int ks_pkg_read_mem(const char *origin, const uint8_t *data, size_t size, struct ks_pkg_info *info,
		    ks_pkg_member_fn fn, void *ctx)
{
	struct pkg_walk *w;
	int err;

	if (size < AR_MAGIC_LEN || memcmp(data, AR_MAGIC, AR_MAGIC_LEN)) {
		ks_pkg_info_free(info);
		return ks_err(-ENOMSG, "%s: not a Debian package", origin);
	}
	w = walk_new(origin, info, fn, ctx);
	err = walk_run(w, archive_read_open_memory(w->outer, data, size));
	walk_free(w, info);
	return err;
}

int ks_pkg_read(const char *path, struct ks_pkg_info *info, ks_pkg_member_fn fn, void *ctx)
{
	char magic[AR_MAGIC_LEN];
	struct pkg_walk *w;
	ssize_t n;
	int fd, err;

	ks_pkg_info_free(info);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ks_err(-errno, "%s: %s", path, strerror(errno));
	n = pread(fd, magic, sizeof(magic), 0);
	if (n < 0) {
		err = ks_err(-errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (n < AR_MAGIC_LEN || memcmp(magic, AR_MAGIC, AR_MAGIC_LEN)) {
		err = ks_err(-ENOMSG, "%s: not a Debian package", path);
		goto out;
	}
	w = walk_new(path, info, fn, ctx);
	err = walk_run(w, archive_read_open_fd(w->outer, fd, PKG_BLOCK));
	walk_free(w, info);
out:
	close(fd);
	return err;
}
