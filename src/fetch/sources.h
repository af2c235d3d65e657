/* SPDX-License-Identifier: MIT */
#ifndef KSURF_FETCH_SOURCES_H
#define KSURF_FETCH_SOURCES_H

#include <stddef.h>

/*
 * The apt sources ksurf may take mirrors from: the system's own (/etc/apt/sources.list,
 * /etc/apt/sources.list.d/ *.list and *.sources) or a file the user names. Only binary
 * ("deb") entries that are enabled and not flat (suite "./") are kept.
 */
struct ks_apt_source {
	char *uri;	 /* http://mirror.example.org/debian (no trailing '/') */
	char **suites;	 /* bookworm, bookworm-updates */
	size_t nsuites;
	char **components; /* main */
	size_t ncomponents;
	char *signed_by; /* keyring path, an inline armored key, or NULL */
	int trusted;	 /* [trusted=yes] / Trusted: yes */
};

struct ks_apt_sources {
	struct ks_apt_source *v;
	size_t n;
};

void ks_apt_sources_free(struct ks_apt_sources *s);

/*
 * Parse sources text into s (appending). deb822 != 0: the deb822 format (.sources:
 * paragraphs of Types/URIs/Suites/Components/Signed-By/Trusted/Enabled, one source per
 * URI); else the one-line format (.list: "deb [signed-by=K trusted=yes] URI SUITE
 * COMP..."). Lines it cannot use are skipped (apt warns about them itself); returns 0,
 * or -EINVAL with a line naming origin and the line number for a malformed entry.
 */
int ks_apt_sources_parse(const char *origin, const char *text, size_t len, int deb822,
			 struct ks_apt_sources *s);

/* Read one sources file (format from its name: *.sources is deb822) into s. */
int ks_apt_sources_load_file(const char *path, struct ks_apt_sources *s);

/* The system's sources under root ("/" normally): sources.list and sources.list.d. */
int ks_apt_sources_load_system(const char *root, struct ks_apt_sources *s);

/*
 * The source to take `suite` from: one that lists it; else one of the same kind
 * (security suites "*-security" from a security source, others from a regular one),
 * preferring a source that carries the system's own `codename` (may be NULL). NULL when
 * none fits.
 */
const struct ks_apt_source *ks_apt_source_for_suite(const struct ks_apt_sources *s,
						    const char *suite, const char *codename);

#endif
