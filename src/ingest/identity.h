/* SPDX-License-Identifier: MIT */
#ifndef KSURF_INGEST_IDENTITY_H
#define KSURF_INGEST_IDENTITY_H

/*
 * An image's identity (SPEC §1). Display name: <version>-<revision>-<flavor>-<arch>.
 * Every field is malloc'ed or NULL.
 */
struct ks_identity {
	char *name;
	char *version;	/* x.y.z: 6.1.176 */
	char *revision; /* Debian ABI "50", "deb13", Ubuntu "26" */
	char *flavor;	/* amd64, cloud-amd64, generic ... */
	char *arch;	/* Debian arch name */
	char *distro;	/* debian, ubuntu, or "" when unknown */
	char *release;	/* uname -r */
};

void ks_identity_free(struct ks_identity *id);
/* Copy src fields into dst where dst's are NULL, or "" (unknown) and src's are not. */
void ks_identity_fill(struct ks_identity *dst, const struct ks_identity *src);
/* Replace dst fields by src's non-NULL ones (overrides win). */
void ks_identity_override(struct ks_identity *dst, const struct ks_identity *src);

/*
 * Derive identity from a kernel release string and, when known, the package version
 * and architecture: ("6.1.0-50-cloud-amd64", "6.1.176-1", "amd64") gives version
 * 6.1.176, revision 50, flavor cloud-amd64, arch amd64, distro debian;
 * ("7.2.13+deb14-rt-amd64", NULL, NULL) gives 7.2.13, deb14, rt-amd64, amd64, debian;
 * ("5.4.0-26-generic", "5.4.0-26.30", NULL) gives 5.4.0, 26, generic, "", ubuntu.
 * Any other "x.y.z-<local>" (a custom build: "6.18.44-fc-v657") gives the local version
 * as the flavor (fc-v657), no revision and distro ""; "-rcN" becomes part of the version
 * ("6.6.0~rc1", which sorts before 6.6.0). The package version lends its upstream
 * patch level only to x.y.0 releases of the same x.y (Debian's old ABI names).
 * Unknown parts stay NULL (arch is "" when the flavor names none; distro is set whenever
 * release is given). id is reset first; id->name is left for ks_identity_make_name.
 * Never fails.
 */
void ks_identity_from_release(struct ks_identity *id, const char *release, const char *pkg_version,
			      const char *pkg_arch);

/* Build id->name from the known fields, "-"-joined ("unknown" when none is known). */
void ks_identity_make_name(struct ks_identity *id);

/* Debian arch name for a flavor's hint ("cloud-amd64" -> "amd64", "armmp" -> "armhf"). */
const char *ks_arch_from_flavor(const char *flavor);

/* Version comparison (dpkg-like on dotted numbers): <0, 0, >0. */
int ks_version_cmp(const char *a, const char *b);

#endif
