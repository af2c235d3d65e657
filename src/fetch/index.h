/* SPDX-License-Identifier: MIT */
#ifndef KSURF_FETCH_INDEX_H
#define KSURF_FETCH_INDEX_H

#include <stddef.h>
#include <stdint.h>

/* What a kernel package carries, by its name (Debian and Ubuntu naming). */
enum ks_kpkg_kind {
	KS_KPKG_IMAGE,		 /* linux-image-<rel> (signed, or the old all-in-one) */
	KS_KPKG_IMAGE_UNSIGNED,	 /* linux-image-<rel>-unsigned, Ubuntu linux-image-unsigned-<rel> */
	KS_KPKG_BINARY,		 /* sid's linux-binary-<rel> (kernel only, signed) */
	KS_KPKG_BINARY_UNSIGNED, /* linux-binary-unsigned-<rel> */
	KS_KPKG_BASE,		 /* linux-base-<rel>: config, System.map */
	KS_KPKG_MODULES,	 /* linux-modules-<rel> */
	KS_KPKG_DBG,		 /* linux-image-<rel>-dbg: vmlinux with DWARF */
};

/* One kernel package of a Packages index. Strings are malloc'ed. */
struct ks_kpkg {
	char *package;	/* linux-image-6.1.0-50-cloud-amd64-unsigned */
	char *version;	/* 6.1.176-1 */
	char *arch;	/* amd64 */
	char *filename; /* pool/main/l/linux/linux-image-..._amd64.deb */
	char *sha256;	/* 64 hex digits */
	char *suite;	/* the suite of the index it came from */
	char *release;	/* 6.1.0-50-cloud-amd64 */
	uint64_t size;
	enum ks_kpkg_kind kind;
};

struct ks_kpkg_list {
	struct ks_kpkg *v;
	size_t n;
};

void ks_kpkg_list_free(struct ks_kpkg_list *l);

/*
 * The kind and kernel release of a package name; 0, or -ENOENT when the name is not a
 * kernel package of a real release (metapackages such as linux-image-amd64 or
 * linux-image-6.12-amd64, headers, templates). *release is malloc'ed on success.
 */
int ks_kpkg_classify(const char *package, enum ks_kpkg_kind *kind, char **release);

/* "image", "image-unsigned", "binary", "binary-unsigned", "base", "modules", "dbg". */
const char *ks_kpkg_kind_name(enum ks_kpkg_kind kind);

/*
 * Parse a Packages index (the text of a deb822 stanza list) and append the kernel
 * packages it lists to out, tagged with suite. Stanzas that name a kernel package but
 * lack a field ksurf needs (Version, Architecture, Filename, Size, SHA256) are skipped.
 * Returns 0, or -EINVAL naming origin and the line of a malformed line.
 */
int ks_apt_index_parse(const char *origin, const char *text, size_t len, const char *suite,
		       struct ks_kpkg_list *out);

#endif
