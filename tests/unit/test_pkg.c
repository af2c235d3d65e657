/* SPDX-License-Identifier: MIT */
/*
 * Debian package reader: member roles, synthetic packages written here with libarchive
 * (every compression dpkg uses, truncated and corrupted copies), and every real package
 * in $KSURF_SHARED/debs checked byte for byte against dpkg-deb.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <sha2.h>
#include <stdint.h>
#include <unistd.h>

#include "ingest/identity.h"
#include "ingest/pkg.h"
#include "test.h"
#include "util/err.h"

/* ---- building packages ---- */

struct tfile {
	const char *path;
	const char *data; /* NULL: a directory; for a symlink, its target */
	size_t size;
	int symlink;
};

struct tbuf {
	uint8_t *data;
	size_t size;
};

/* Write an archive (format/filter codes as libarchive's) of files into out. */
static void write_archive(struct tbuf *out, int format, int filter, const struct tfile *files,
			  size_t n)
{
	struct archive *a = archive_write_new();
	size_t cap = 1 << 20, used = 0;

	out->data = malloc(cap);
	/* archive_write_set_format() knows no ar codes; BSD ar writes names of up to 16
	 * characters as dpkg does (no "/" suffix) */
	if ((format == ARCHIVE_FORMAT_AR_BSD ? archive_write_set_format_ar_bsd(a)
					     : archive_write_set_format(a, format)) != ARCHIVE_OK)
		abort();
	archive_write_add_filter(a, filter);
	/* a small xz dictionary keeps the thousands of reads below fast under ASan */
	if (filter == ARCHIVE_FILTER_XZ)
		archive_write_set_filter_option(a, "xz", "compression-level", "0");
	/* ar must not be padded to tar's 10 KiB blocks */
	archive_write_set_bytes_per_block(a, 0);
	if (archive_write_open_memory(a, out->data, cap, &used) != ARCHIVE_OK) {
		fprintf(stderr, "write_archive: %s\n", archive_error_string(a));
		abort();
	}
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();

		archive_entry_set_pathname(e, files[i].path);
		archive_entry_set_perm(e, files[i].data ? 0644 : 0755);
		archive_entry_set_mtime(e, 1700000000, 0);
		if (files[i].symlink) {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, files[i].data);
		} else if (!files[i].data) {
			archive_entry_set_filetype(e, AE_IFDIR);
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_size(e, (la_int64_t)files[i].size);
		}
		if (archive_write_header(a, e) != ARCHIVE_OK) {
			fprintf(stderr, "write_archive: %s\n", archive_error_string(a));
			abort();
		}
		if (files[i].data && !files[i].symlink && files[i].size &&
		    archive_write_data(a, files[i].data, files[i].size) !=
			(la_ssize_t)files[i].size)
			abort();
		archive_entry_free(e);
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		abort();
	archive_write_free(a);
	out->size = used;
}

static const char control_text[] =
    "Package: linux-image-1.2.3-4-amd64\n"
    "Source: linux-signed-amd64 (1.2.3+4)\n"
    "version: 1.2.3-4\n" /* field names are case-insensitive */
    "Architecture: amd64\n"
    "Maintainer: Debian Kernel Team <debian-kernel@lists.debian.org>\n"
    "Description: Linux 1.2 for 64-bit PCs\n"
    " Package: not-a-field (a continuation line)\n";

static char kernel_bytes[8192];
static const char config_text[] = "CONFIG_BPF=y\nCONFIG_DEBUG_INFO_BTF=y\n";

static void fill_kernel(void)
{
	uint32_t x = 12345;

	memcpy(kernel_bytes, "MZ", 2);
	for (size_t i = 2; i < sizeof(kernel_bytes); i++) {
		x = x * 1103515245 + 12345;
		kernel_bytes[i] = (char)(x >> 24);
	}
}

static const struct tfile data_files[] = {
    {"./", NULL, 0, 0},
    {"./boot/", NULL, 0, 0},
    {"./boot/config-1.2.3-4-amd64", config_text, sizeof(config_text) - 1, 0},
    {"./boot/System.map-1.2.3-4-amd64", "System.map-other", 0, 1},
    {"./boot/vmlinuz-1.2.3-4-amd64", kernel_bytes, sizeof(kernel_bytes), 0},
    {"./lib/modules/1.2.3-4-amd64/kernel/fs/foo.ko", "\177ELF", 4, 0},
    {"./usr/share/doc/linux-image-1.2.3-4-amd64/changelog.gz", "x", 1, 0},
};

/*
 * A .deb: ar of debian-binary, control.tar.<c>, data.tar.<d>. members limits how many
 * ar members are written (2 leaves data.tar out).
 */
static void build_tars(struct tbuf *ctl, int ctl_filter, struct tbuf *data, int data_filter)
{
	const struct tfile ctl_files[] = {
	    {"./", NULL, 0, 0},
	    {"./control", control_text, sizeof(control_text) - 1, 0},
	    {"./md5sums", "0", 1, 0},
	};

	write_archive(ctl, ARCHIVE_FORMAT_TAR_GNUTAR, ctl_filter, ctl_files, 3);
	write_archive(data, ARCHIVE_FORMAT_TAR_GNUTAR, data_filter, data_files,
		      sizeof(data_files) / sizeof(data_files[0]));
}

static void build_deb(struct tbuf *deb, int ctl_filter, const char *ctl_name, int data_filter,
		      const char *data_name, const char *binary, int members)
{
	struct tbuf ctl, data;

	build_tars(&ctl, ctl_filter, &data, data_filter);
	const struct tfile ar_files[] = {
	    {"debian-binary", binary, strlen(binary), 0},
	    {ctl_name, (const char *)ctl.data, ctl.size, 0},
	    {data_name, (const char *)data.data, data.size, 0},
	};
	write_archive(deb, ARCHIVE_FORMAT_AR_BSD, ARCHIVE_FILTER_NONE, ar_files, (size_t)members);
	free(ctl.data);
	free(data.data);
}

static void build_default(struct tbuf *deb)
{
	build_deb(deb, ARCHIVE_FILTER_XZ, "control.tar.xz", ARCHIVE_FILTER_ZSTD, "data.tar.zst",
		  "2.0\n", 3);
}

/* ---- collecting members ---- */

struct got {
	int n;
	enum ks_part_role role[8];
	char *path[8], *release[8];
	uint8_t *data[8];
	size_t size[8];
	char *package_seen; /* info->package as the callback saw it */
	struct ks_pkg_info *info;
	int fail_at; /* return -ECANCELED at this member (1-based), 0: never */
};

static int collect(const struct ks_pkg_member *m, void *ctx)
{
	struct got *g = ctx;

	if (g->fail_at && g->n + 1 == g->fail_at)
		return ks_err(-ECANCELED, "stopped by the callback");
	if (g->n == 8)
		return 0;
	g->role[g->n] = m->role;
	g->path[g->n] = strdup(m->path);
	g->release[g->n] = m->release ? strdup(m->release) : NULL;
	g->data[g->n] = malloc(m->size ? m->size : 1);
	memcpy(g->data[g->n], m->data, m->size);
	g->size[g->n] = m->size;
	if (g->info && g->info->package && !g->package_seen)
		g->package_seen = strdup(g->info->package);
	g->n++;
	return 0;
}

static void got_free(struct got *g)
{
	for (int i = 0; i < g->n; i++) {
		free(g->path[i]);
		free(g->release[i]);
		free(g->data[i]);
	}
	free(g->package_seen);
	memset(g, 0, sizeof(*g));
}

/* The members and control fields of the default synthetic package. */
static void check_default(int r, struct got *g, struct ks_pkg_info *info)
{
	CHECK_INT(r, 0);
	CHECK_INT(g->n, 3);
	if (g->n != 3)
		return;
	CHECK_INT(g->role[2], KS_PART_MODULE);
	CHECK_STR(g->path[2], "lib/modules/1.2.3-4-amd64/kernel/fs/foo.ko");
	CHECK_STR(g->release[2], "1.2.3-4-amd64");
	CHECK_INT(g->role[0], KS_PART_CONFIG);
	CHECK_STR(g->path[0], "boot/config-1.2.3-4-amd64");
	CHECK_STR(g->release[0], "1.2.3-4-amd64");
	CHECK_INT(g->size[0], sizeof(config_text) - 1);
	CHECK(!memcmp(g->data[0], config_text, sizeof(config_text) - 1));
	CHECK_INT(g->role[1], KS_PART_KERNEL);
	CHECK_STR(g->path[1], "boot/vmlinuz-1.2.3-4-amd64");
	CHECK_STR(g->release[1], "1.2.3-4-amd64");
	CHECK_INT(g->size[1], sizeof(kernel_bytes));
	CHECK(!memcmp(g->data[1], kernel_bytes, sizeof(kernel_bytes)));
	CHECK_STR(info->package, "linux-image-1.2.3-4-amd64");
	CHECK_STR(info->version, "1.2.3-4");
	CHECK_STR(info->arch, "amd64");
	CHECK_STR(info->source, "linux-signed-amd64");
	CHECK_STR(info->maintainer, "Debian Kernel Team <debian-kernel@lists.debian.org>");
	/* control.tar comes first: the callback already sees the package name */
	CHECK_STR(g->package_seen, "linux-image-1.2.3-4-amd64");
}

static int read_mem(const struct tbuf *b, size_t size, struct got *g, struct ks_pkg_info *info)
{
	g->info = info;
	ks_err_clear();
	return ks_pkg_read_mem("test.deb", b->data, size, info, collect, g);
}

/* A failure must come with one line that names the package. */
static int clear_error(const char *origin)
{
	const char *m = ks_errmsg();

	return strcmp(m, "unknown error") && !strchr(m, '\n') &&
	       !strncmp(m, origin, strlen(origin));
}

/* ---- tests ---- */

TEST(member_roles)
{
	static const struct {
		const char *path;
		enum ks_part_role role;
		const char *release;
	} cases[] = {
	    {"./boot/vmlinuz-1.2.3-4-amd64", KS_PART_KERNEL, "1.2.3-4-amd64"},
	    {"boot/vmlinux-6.1.0-50-amd64", KS_PART_KERNEL, "6.1.0-50-amd64"},
	    {"/boot/System.map-6.1.0-50-amd64", KS_PART_SYSMAP, "6.1.0-50-amd64"},
	    {"boot/config-7.2.13+deb14-amd64", KS_PART_CONFIG, "7.2.13+deb14-amd64"},
	    {"usr/lib/modules/7.2.13+deb14-amd64/vmlinuz.unsigned", KS_PART_KERNEL,
	     "7.2.13+deb14-amd64"},
	    {"usr/lib/modules/7.2.13+deb14-s390x/vmlinuz", KS_PART_KERNEL, "7.2.13+deb14-s390x"},
	    {"lib/modules/r/vmlinux", KS_PART_KERNEL, "r"},
	    {"lib/modules/r/Image", KS_PART_KERNEL, "r"},
	    {"usr/lib/modules/r/System.map", KS_PART_SYSMAP, "r"},
	    {"./usr/lib/modules/r/config", KS_PART_CONFIG, "r"},
	    {"usr/lib/debug/boot/vmlinux-6.1.0-50-amd64", KS_PART_KERNEL, "6.1.0-50-amd64"},
	    {"usr/lib/debug/lib/modules/6.1.0-50-amd64/vmlinux", KS_PART_KERNEL, "6.1.0-50-amd64"},
	    {"usr/lib/debug/usr/lib/modules/r/vmlinux", KS_PART_KERNEL, "r"},
	    {"usr/lib/debug/boot/System.map-r", KS_PART_NONE, NULL},
	    {"usr/lib/debug/lib/modules/r/kernel/fs/ext4.ko", KS_PART_NONE, NULL},
	    {"usr/lib/modules/r/kernel/fs/ext4.ko", KS_PART_MODULE, "r"},
	    {"lib/modules/r/kernel/fs/ext4.ko.zst", KS_PART_MODULE, "r"},
	    {"lib/modules/r/updates/dkms/x.ko.xz", KS_PART_MODULE, "r"},
	    {"lib/modules/r/kernel/fs/ext4.ko.bak", KS_PART_NONE, NULL},
	    {"lib/modules/r.ko", KS_PART_NONE, NULL},
	    {"usr/lib/modules/r/modules.builtin", KS_PART_NONE, NULL},
	    {"usr/lib/modules/r/dtb/vmlinuz", KS_PART_NONE, NULL},
	    {"usr/lib/modules/../vmlinuz", KS_PART_NONE, NULL},
	    {"usr/lib/modules/vmlinuz", KS_PART_NONE, NULL},
	    {"boot/vmlinuz", KS_PART_NONE, NULL},
	    {"boot/vmlinuz-", KS_PART_NONE, NULL},
	    {"boot/abi-5.4.0-26-generic", KS_PART_NONE, NULL},
	    {"boot/sub/vmlinuz-r", KS_PART_NONE, NULL},
	    {"usr/share/doc/x/config-r", KS_PART_NONE, NULL},
	    {"", KS_PART_NONE, NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *rel = (char *)"unset";
		enum ks_part_role role = ks_pkg_member_role(cases[i].path, &rel);

		if (role != cases[i].role)
			fprintf(stderr, "  path %s\n", cases[i].path);
		CHECK_INT(role, cases[i].role);
		if (cases[i].release)
			CHECK_STR(rel, cases[i].release);
		else
			CHECK(rel == NULL);
		free(rel);
	}
	CHECK_INT(ks_pkg_member_role("boot/config-r", NULL), KS_PART_CONFIG);
}

TEST(role_names)
{
	CHECK_STR(ks_part_role_name(KS_PART_KERNEL), "kernel");
	CHECK_STR(ks_part_role_name(KS_PART_BTF), "btf");
	CHECK_STR(ks_part_role_name(KS_PART_SYSMAP), "sysmap");
	CHECK_STR(ks_part_role_name(KS_PART_CONFIG), "config");
	CHECK_STR(ks_part_role_name(KS_PART_NONE), "none");
	CHECK_STR(ks_part_role_name((enum ks_part_role)99), "none");
}

TEST(synthetic_mem)
{
	struct ks_pkg_info info = {0};
	struct got g = {0};
	struct tbuf deb;

	build_default(&deb);
	check_default(read_mem(&deb, deb.size, &g, &info), &g, &info);
	got_free(&g);
	/* info is reset by the next call, not leaked */
	CHECK_INT(read_mem(&deb, deb.size, &g, &info), 0);
	CHECK_INT(g.n, 3);
	got_free(&g);
	ks_pkg_info_free(&info);
	/* no info and no callback: still a full, checked walk */
	CHECK_INT(ks_pkg_read_mem("test.deb", deb.data, deb.size, NULL, NULL, NULL), 0);
	free(deb.data);
}

static int stop_at_first(const struct ks_pkg_member *m, void *ctx)
{
	(*(int *)ctx)++;
	return m ? KS_PKG_STOP : 0;
}

/* KS_PKG_STOP ends the walk with success after the member that asked for it. */
TEST(early_stop)
{
	struct tbuf deb;
	int calls = 0;

	build_default(&deb);
	CHECK_INT(ks_pkg_read_mem("test.deb", deb.data, deb.size, NULL, stop_at_first, &calls), 0);
	CHECK_INT(calls, 1);
	free(deb.data);
}

TEST(synthetic_file)
{
	char path[] = "/tmp/ksurf-test-pkg-XXXXXX";
	struct ks_pkg_info info = {0};
	struct got g = {.info = &info};
	struct tbuf deb;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	build_default(&deb);
	CHECK_INT(write(fd, deb.data, deb.size), deb.size);
	close(fd);
	check_default(ks_pkg_read(path, &info, collect, &g), &g, &info);
	got_free(&g);
	ks_pkg_info_free(&info);
	/* truncated on disk: the same clear error as in memory */
	CHECK_INT(truncate(path, (off_t)deb.size - 100), 0);
	CHECK(ks_pkg_read(path, &info, NULL, NULL) < 0 && clear_error(path));
	ks_pkg_info_free(&info);
	unlink(path);
	CHECK_INT(ks_pkg_read(path, &info, NULL, NULL), -ENOENT);
	CHECK(clear_error(path));
	CHECK(ks_pkg_read("/tmp", &info, NULL, NULL) < 0 && clear_error("/tmp"));
	free(deb.data);
}

TEST(compressions)
{
	static const struct {
		int filter;
		const char *suffix;
	} c[] = {
	    {ARCHIVE_FILTER_NONE, ""},	    {ARCHIVE_FILTER_GZIP, ".gz"},
	    {ARCHIVE_FILTER_XZ, ".xz"},	    {ARCHIVE_FILTER_ZSTD, ".zst"},
	    {ARCHIVE_FILTER_BZIP2, ".bz2"}, {ARCHIVE_FILTER_LZMA, ".lzma"},
	};
	char ctl_name[32], data_name[32];

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct ks_pkg_info info = {0};
		struct got g = {0};
		struct tbuf deb;

		snprintf(ctl_name, sizeof(ctl_name), "control.tar%s", c[i].suffix);
		snprintf(data_name, sizeof(data_name), "data.tar%s", c[i].suffix);
		build_deb(&deb, c[i].filter, ctl_name, c[i].filter, data_name, "2.0\n", 3);
		check_default(read_mem(&deb, deb.size, &g, &info), &g, &info);
		got_free(&g);
		ks_pkg_info_free(&info);
		free(deb.data);
	}
}

TEST(not_a_package)
{
	const struct tfile lib[] = {{"foo.o", "\177ELF", 4, 0}};
	struct ks_pkg_info info = {0};
	struct tbuf b = {(uint8_t *)"hello, world\n", 13};
	struct got g = {0};

	CHECK_INT(read_mem(&b, 0, &g, &info), -ENOMSG);
	CHECK(clear_error("test.deb"));
	CHECK_INT(read_mem(&b, b.size, &g, &info), -ENOMSG);
	b.data = (uint8_t *)"!<arch>\n";
	CHECK_INT(read_mem(&b, 8, &g, &info), -ENOMSG);
	CHECK(clear_error("test.deb"));
	/* a static library is an ar archive but not a package */
	write_archive(&b, ARCHIVE_FORMAT_AR_BSD, ARCHIVE_FILTER_NONE, lib, 1);
	CHECK_INT(read_mem(&b, b.size, &g, &info), -ENOMSG);
	CHECK(clear_error("test.deb"));
	CHECK(strstr(ks_errmsg(), "debian-binary") != NULL);
	CHECK_INT(g.n, 0);
	free(b.data);
	ks_pkg_info_free(&info);
}

TEST(bad_packages)
{
	struct ks_pkg_info info = {0};
	struct got g = {0};
	struct tbuf deb;

	build_deb(&deb, ARCHIVE_FILTER_XZ, "control.tar.xz", ARCHIVE_FILTER_ZSTD, "data.tar.zst",
		  "3.0\n", 3);
	CHECK_INT(read_mem(&deb, deb.size, &g, &info), -ENOTSUP);
	CHECK(clear_error("test.deb") && strstr(ks_errmsg(), "3.0"));
	free(deb.data);

	build_deb(&deb, ARCHIVE_FILTER_XZ, "control.tar.xz", ARCHIVE_FILTER_ZSTD, "data.tar.zst",
		  "2.0\n", 2);
	CHECK_INT(read_mem(&deb, deb.size, &g, &info), -EBADMSG);
	CHECK(clear_error("test.deb") && strstr(ks_errmsg(), "no data.tar"));
	CHECK_STR(info.package, "linux-image-1.2.3-4-amd64");
	free(deb.data);

	/* dpkg's order is binding: control.tar (and its fields) before data.tar */
	struct tbuf ctl, data;
	build_tars(&ctl, ARCHIVE_FILTER_GZIP, &data, ARCHIVE_FILTER_GZIP);
	const struct tfile swapped[] = {
	    {"debian-binary", "2.0\n", 4, 0},
	    {"data.tar.gz", (const char *)data.data, data.size, 0},
	    {"control.tar.gz", (const char *)ctl.data, ctl.size, 0},
	};
	write_archive(&deb, ARCHIVE_FORMAT_AR_BSD, ARCHIVE_FILTER_NONE, swapped, 3);
	CHECK_INT(read_mem(&deb, deb.size, &g, &info), -EBADMSG);
	CHECK(clear_error("test.deb: data.tar.gz: ") && strstr(ks_errmsg(), "before control.tar"));
	CHECK_INT(g.n, 0);
	free(deb.data);
	free(ctl.data);
	free(data.data);

	/* data.tar whose compressed bytes are not what its name says: zstd magic broken */
	build_default(&deb);
	uint8_t *z = memmem(deb.data, deb.size, "\x28\xb5\x2f\xfd", 4);
	CHECK(z != NULL);
	if (z) {
		z[1] ^= 0xff;
		CHECK_INT(read_mem(&deb, deb.size, &g, &info), -EBADMSG);
		CHECK(clear_error("test.deb: data.tar.zst: "));
	}
	free(deb.data);

	/* the callback's error stops the walk and is kept */
	build_default(&deb);
	g.fail_at = 2;
	CHECK_INT(read_mem(&deb, deb.size, &g, &info), -ECANCELED);
	CHECK_STR(ks_errmsg(), "stopped by the callback");
	CHECK_INT(g.n, 1);
	got_free(&g);
	free(deb.data);
	ks_pkg_info_free(&info);
}

/* A tar header that claims 2 GiB for the kernel: refused before anything is allocated. */
TEST(lying_size)
{
	const struct tfile one[] = {{"./boot/vmlinuz-r", "MZ", 2, 0}};
	const struct tfile ctl_files[] = {{"./control", control_text, sizeof(control_text) - 1, 0}};
	struct ks_pkg_info info = {0};
	struct tbuf tar, ctl, deb;
	struct got g = {0};
	unsigned sum = 0;

	write_archive(&tar, ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_NONE, one, 1);
	snprintf((char *)tar.data + 124, 12, "%011o", 1u << 31);
	memset(tar.data + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += tar.data[i];
	snprintf((char *)tar.data + 148, 8, "%06o", sum);
	write_archive(&ctl, ARCHIVE_FORMAT_TAR_GNUTAR, ARCHIVE_FILTER_GZIP, ctl_files, 1);
	const struct tfile ar_files[] = {
	    {"debian-binary", "2.0\n", 4, 0},
	    {"control.tar.gz", (const char *)ctl.data, ctl.size, 0},
	    {"data.tar", (const char *)tar.data, tar.size, 0},
	};
	write_archive(&deb, ARCHIVE_FORMAT_AR_BSD, ARCHIVE_FILTER_NONE, ar_files, 3);
	CHECK_INT(read_mem(&deb, deb.size, &g, &info), -EFBIG);
	CHECK(clear_error("test.deb: data.tar: boot/vmlinuz-r: "));
	CHECK_INT(g.n, 0);
	free(tar.data);
	free(ctl.data);
	free(deb.data);
	ks_pkg_info_free(&info);
}

/*
 * Positions worth cutting or flipping: every byte of the headers and the control part
 * at the start and of the end, every 5th byte of the kernel payload between.
 */
static size_t next_pos(size_t i, size_t size)
{
	return i < 2048 || i + 512 >= size ? i + 1 : i + 5;
}

/* Every prefix of a package fails with one clear line; none crashes or leaks. */
TEST(truncated)
{
	struct ks_pkg_info info = {0};
	struct got g = {0};
	struct tbuf deb;
	int bad = 0;

	build_default(&deb);
	for (size_t len = 0; len < deb.size; len = next_pos(len, deb.size)) {
		int r = read_mem(&deb, len, &g, &info);

		if (r >= 0 || !clear_error("test.deb") || (len < 8 && r != -ENOMSG)) {
			if (bad++ < 5)
				fprintf(stderr, "  prefix %zu of %zu: %d %s\n", len, deb.size, r,
					ks_errmsg());
		}
		got_free(&g);
		ks_pkg_info_free(&info);
	}
	CHECK_INT(bad, 0);
	free(deb.data);
}

/*
 * Every byte flipped: one clear error, or a package whose damage stays inside member
 * bytes that nothing checks (this zstd has no checksum). Never a crash.
 */
TEST(corrupted)
{
	struct ks_pkg_info info = {0};
	int bad = 0, errors = 0;
	struct got g = {0};
	struct tbuf deb;

	build_default(&deb);
	for (size_t i = 0; i < deb.size; i = next_pos(i, deb.size)) {
		deb.data[i] ^= 0x5a;
		int r = read_mem(&deb, deb.size, &g, &info);
		deb.data[i] ^= 0x5a;
		int ok = r < 0 ? clear_error("test.deb")
			       : g.n == 3 && !strcmp(g.path[0], "boot/config-1.2.3-4-amd64") &&
				     !strcmp(g.path[1], "boot/vmlinuz-1.2.3-4-amd64") &&
				     info.package &&
				     !strcmp(info.package, "linux-image-1.2.3-4-amd64");
		errors += r < 0;
		if (!ok && bad++ < 5)
			fprintf(stderr, "  flip at %zu: %d %s n=%d pkg=%s\n", i, r,
				r < 0 ? ks_errmsg() : "", g.n, info.package);
		got_free(&g);
		ks_pkg_info_free(&info);
	}
	CHECK_INT(bad, 0);
	CHECK(errors > 100);
	free(deb.data);
}

/* ---- real packages ---- */

struct real {
	char *paths[16];
	char sha[16][65];
	int n;
	struct ks_pkg_info *info;
};

static int collect_real(const struct ks_pkg_member *m, void *ctx)
{
	struct real *r = ctx;

	/* The kernel's own parts are compared here; modules are test_modules' and e2e's. */
	if (m->role == KS_PART_MODULE)
		return 0;
	if (r->n < 16) {
		r->paths[r->n] = strdup(m->path);
		SHA256Data(m->data, m->size, r->sha[r->n]);
		r->n++;
	}
	return 0;
}

/* One line of a command's output, trailing newline dropped. */
static int run_line(const char *cmd, char *out, size_t n)
{
	FILE *p = popen(cmd, "r");
	int ok;

	if (!p)
		return -1;
	ok = fgets(out, (int)n, p) != NULL;
	pclose(p);
	if (!ok)
		return -1;
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

/* The kernel parts of a package as dpkg-deb sees them: regular files, package order. */
static int dpkg_parts(const char *deb, char paths[16][1024])
{
	char cmd[8192], line[1024];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof(cmd),
		 "dpkg-deb --fsys-tarfile '%s' | tar -tv | awk '$1 ~ /^-/ {print $6}' | "
		 "sed 's|^\\./||' | grep -E "
		 "'^(usr/lib/debug/)?(boot/(vmlinu[zx]|System\\.map|config)-[^/]+|"
		 "(usr/)?lib/modules/[^/]+/"
		 "(vmlinuz|vmlinuz\\.unsigned|vmlinux|Image|System\\.map|config))$'",
		 deb);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (n < 16 && fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(paths[n++], 1024, "%s", line);
	}
	pclose(p);
	return n;
}

/* sha256 of those parts as dpkg-deb extracts them, into a scratch directory in /tmp. */
static void dpkg_shas(const char *deb, char paths[16][1024], int n, char shas[16][65])
{
	char dir[] = "/tmp/ksurf-test-pkg-XXXXXX", line[1200];
	static char cmd[65536];
	size_t len;
	FILE *p;

	memset(shas, 0, 16 * 65);
	if (!mkdtemp(dir))
		return;
	len = (size_t)snprintf(cmd, sizeof(cmd), "cd %s && dpkg-deb --fsys-tarfile '%s' | tar -x",
			       dir, deb);
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " './%s'", paths[i]);
	len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " && sha256sum");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " './%s'", paths[i]);
	snprintf(cmd + len, sizeof(cmd) - len, "; rm -rf %s", dir);
	p = popen(cmd, "r");
	if (!p)
		return;
	for (int i = 0; i < n && fgets(line, sizeof(line), p); i++)
		snprintf(shas[i], 65, "%.64s", line);
	pclose(p);
}

/* The INDEX.tsv row whose package list names this package: tab-separated fields. */
static int index_row(const char *dir, const char *base, char fields[16][256])
{
	char path[4096], line[4096];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "%s/INDEX.tsv", dir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (!strstr(line, base))
			continue;
		char *save, *tok = strtok_r(line, "\t\n", &save);
		for (int i = 0; tok && i < 16; i++, tok = strtok_r(NULL, "\t\n", &save))
			snprintf(fields[i], 256, "%s", tok);
		found = 1;
	}
	fclose(f);
	return found;
}

enum { IX_RELEASE = 2, IX_VERSION, IX_REVISION, IX_FLAVOR, IX_ARCH, IX_KERNEL_FILE = 10 };

static void check_real(const char *shared, const char *base, int have_dpkg)
{
	char deb[4096], cmd[8192], want[128], expected[16][1024], shas[16][65],
	    row[16][256] = {{0}};
	struct ks_pkg_info info = {0};
	struct real r = {.info = &info};
	int n, rc;

	snprintf(deb, sizeof(deb), "%s/debs/%s", shared, base);
	rc = ks_pkg_read(deb, &info, collect_real, &r);
	if (rc)
		fprintf(stderr, "  %s: %s\n", base, ks_errmsg());
	CHECK_INT(rc, 0);
	printf("     %s: %d parts\n", base, r.n);
	CHECK(r.n >= 1);
	if (have_dpkg) {
		static const char *const fields[] = {"Package", "Version", "Architecture", "Source",
						     "Maintainer"};
		const char *ours[] = {info.package, info.version, info.arch, info.source,
				      info.maintainer};

		n = dpkg_parts(deb, expected);
		CHECK_INT(r.n, n);
		for (int i = 0; i < n && i < r.n; i++)
			CHECK_STR(r.paths[i], expected[i]);
		dpkg_shas(deb, expected, n, shas);
		for (int i = 0; i < n && i < r.n; i++)
			CHECK_STR(r.sha[i], shas[i]);
		for (int i = 0; i < 5; i++) {
			snprintf(cmd, sizeof(cmd), "dpkg-deb -f '%s' %s", deb, fields[i]);
			CHECK(run_line(cmd, want, sizeof(want)) == 0);
			CHECK_STR(ours[i], want);
		}
	}
	CHECK(index_row(shared, base, row));
	for (int i = 0; i < r.n; i++) {
		char *release = NULL;
		struct ks_identity id = {0};

		ks_pkg_member_role(r.paths[i], &release);
		CHECK_STR(release, row[IX_RELEASE]);
		ks_identity_from_release(&id, release, info.version, info.arch);
		CHECK_STR(id.version, row[IX_VERSION]);
		CHECK_STR(id.revision, row[IX_REVISION]);
		CHECK_STR(id.flavor, row[IX_FLAVOR]);
		CHECK_STR(id.arch, row[IX_ARCH]);
		CHECK_STR(id.distro, "debian");
		ks_identity_free(&id);
		free(release);
	}
	/* a kernel package holds the kernel where INDEX.tsv says */
	if (strncmp(base, "linux-base-", 11)) {
		int found = 0;
		for (int i = 0; i < r.n; i++)
			found |= !strcmp(r.paths[i], row[IX_KERNEL_FILE]);
		CHECK(found);
	}
	for (int i = 0; i < r.n; i++)
		free(r.paths[i]);
	ks_pkg_info_free(&info);
}

static int is_deb(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && !strcmp(d->d_name + n - 4, ".deb");
}

TEST(real_debs)
{
	const char *shared = test_shared_dir();
	char dir[4096], out[64];
	struct dirent **list;
	int n, have_dpkg;

	have_dpkg = run_line("command -v dpkg-deb", out, sizeof(out)) == 0;
	if (!have_dpkg)
		printf("     dpkg-deb not found: bytes and control fields not compared\n");
	snprintf(dir, sizeof(dir), "%s/debs", shared);
	n = scandir(dir, &list, is_deb, alphasort);
	CHECK(n > 0);
	for (int i = 0; i < n; i++) {
		check_real(shared, list[i]->d_name, have_dpkg);
		free(list[i]);
	}
	if (n > 0)
		free(list);
}

int main(void)
{
	fill_kernel();
	RUN(member_roles);
	RUN(role_names);
	RUN(synthetic_mem);
	RUN(early_stop);
	RUN(synthetic_file);
	RUN(compressions);
	RUN(not_a_package);
	RUN(bad_packages);
	RUN(lying_size);
	RUN(truncated);
	RUN(corrupted);
	if (test_shared_dir())
		RUN(real_debs);
	else
		printf("skip real_debs: KSURF_SHARED has no INDEX.tsv\n");
	return TEST_SUMMARY();
}
