/* SPDX-License-Identifier: MIT */
#ifndef KSURF_INGEST_PKG_H
#define KSURF_INGEST_PKG_H

#include <stddef.h>
#include <stdint.h>

#include "util/bytes.h"

/* What a member of a package (or a loose file) is for an image. */
enum ks_part_role {
	KS_PART_NONE = 0,
	KS_PART_KERNEL,	 /* vmlinuz / vmlinux / Image: bytes the kernel reader opens */
	KS_PART_BTF,	 /* a raw BTF blob */
	KS_PART_SYSMAP,	 /* System.map (may be Debian's stub) */
	KS_PART_CONFIG,	 /* kernel config */
	KS_PART_MODULE,	 /* a kernel module: .ko, .ko.xz, .ko.zst, .ko.gz, or its split BTF */
};

/* "kernel", "btf", "sysmap", "config", "module", or "none" (also for values out of range). */
const char *ks_part_role_name(enum ks_part_role role);

/* The control data of a Debian package, when the input is one. */
struct ks_pkg_info {
	char *package;	 /* linux-image-6.1.0-50-cloud-amd64-unsigned */
	char *version;	 /* 6.1.176-1 */
	char *arch;	 /* amd64 */
	char *source;	 /* linux (or linux-signed-amd64) */
	char *maintainer;
};

void ks_pkg_info_free(struct ks_pkg_info *info);

struct ks_pkg_member {
	enum ks_part_role role;
	const char *path;	/* member path inside the package, no leading "./" */
	const char *release;	/* release string from the path (lib/modules/<rel>/, -<rel>), or NULL */
	const uint8_t *data;	/* the member's bytes, valid only during the callback */
	size_t size;
	uint8_t **keep;		/* fn may keep data (malloc'ed) instead of copying it:
				   it sets *keep = NULL and frees data itself later */
};

typedef int (*ks_pkg_member_fn)(const struct ks_pkg_member *m, void *ctx);

/*
 * Read a Debian package (.deb/.ddeb: ar archive with control.tar.* and data.tar.{xz,zst,
 * gz,bz2,lzma} or uncompressed) straight from the file with libarchive, streaming:
 * nothing is unpacked to disk and only the members that matter are held in memory
 * (boot/vmlinuz-*, boot/vmlinux-*, boot/System.map-*, boot/config-*,
 * usr/lib/modules/<rel>/{vmlinuz,vmlinuz.unsigned,vmlinux,Image,System.map,config}, the
 * the modules below usr/lib/modules/<rel>/ (.ko, .ko.xz, .ko.zst, .ko.gz), the lib/
 * variants, and the vmlinux of -dbg packages under usr/lib/debug/). fn is called
 * once per such member, in package order; symlinks and hard links are not members.
 * info (may be NULL) is reset first, so it must be zeroed or filled by an earlier call;
 * it is filled from control.tar, which comes before data.tar, so it is complete when fn
 * runs (hand it to fn through ctx). The caller frees it with ks_pkg_info_free, also after
 * a failure. Returns 0, -ENOMSG when the file is not a Debian package (so the caller can
 * try other formats), or a negative errno with one line naming the package, the member
 * and what is wrong ("x.deb: data.tar.xz: boot/vmlinuz-6.1.0-50-amd64: Truncated tar
 * archive"); corrupt archives give -EBADMSG (so does data.tar before control.tar, as
 * dpkg), a format version other than 2.x -ENOTSUP, a member over 1 GiB -EFBIG. A callback's
 * negative return stops the walk and is returned as is (its message is kept);
 * KS_PKG_STOP stops it with success (the caller has what it wants: a kernel package's
 * thousands of modules after boot/ are then never decompressed).
 */
#define KS_PKG_STOP 1
int ks_pkg_read(const char *path, struct ks_pkg_info *info, ks_pkg_member_fn fn, void *ctx);

/* The same from bytes in memory; `origin` names the package in messages. */
int ks_pkg_read_mem(const char *origin, const uint8_t *data, size_t size, struct ks_pkg_info *info,
		    ks_pkg_member_fn fn, void *ctx);

/* Largest member ks_pkg_read hands to fn: a header claiming more is lying or not a kernel. */
#define KS_PKG_MEMBER_MAX ((size_t)1 << 30)

/*
 * The role a package member path plays ("./" and "/" prefixes are ignored), and its
 * release string (malloc'ed, or NULL when the role is KS_PART_NONE; release may be NULL).
 */
enum ks_part_role ks_pkg_member_role(const char *path, char **release);

/* Whether a file name is a kernel module's: ends in .ko, .ko.xz, .ko.zst or .ko.gz. */
int ks_is_module_name(const char *path);

#endif
