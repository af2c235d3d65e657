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
};

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
};

typedef int (*ks_pkg_member_fn)(const struct ks_pkg_member *m, void *ctx);

/*
 * Read a Debian package (.deb/.ddeb: ar archive with control.tar.* and data.tar.{xz,zst,
 * gz,bz2,lzma} or uncompressed) straight from the file with libarchive, streaming:
 * nothing is unpacked to disk and only the members that matter are held in memory
 * (boot/vmlinuz-*, boot/vmlinux-*, boot/System.map-*, boot/config-*,
 * usr/lib/modules/<rel>/{vmlinuz,vmlinuz.unsigned,vmlinux,System.map,config}, and the
 * lib/ variants). fn is called once per such member. Returns 0, -ENOMSG when the file
 * is not a Debian package, or a negative errno with one line naming the package, the
 * member and what is wrong (truncated archive, bad compression, ...). A callback's
 * negative return stops the walk and is returned.
 */
int ks_pkg_read(const char *path, struct ks_pkg_info *info, ks_pkg_member_fn fn, void *ctx);

/* The role a package member path plays, and its release string (malloc'ed) or NULL. */
enum ks_part_role ks_pkg_member_role(const char *path, char **release);

#endif
