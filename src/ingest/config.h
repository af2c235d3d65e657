/* SPDX-License-Identifier: MIT */
#ifndef KSURF_INGEST_CONFIG_H
#define KSURF_INGEST_CONFIG_H

#include <stddef.h>

/* A kernel configuration: CONFIG_X=value lines and "# CONFIG_X is not set" lines. */
struct ks_config_entry {
	char *name;  /* CONFIG_BPF_LSM */
	char *value; /* "y", "m", "\"string\"", "123", or "n" for "is not set" */
};

struct ks_config {
	struct ks_config_entry *v;
	size_t n, cap;
};

void ks_config_free(struct ks_config *c);
/*
 * Parse a kernel config. Comments and blank lines are skipped; a line that is neither
 * gives -EINVAL naming the line. Entries are sorted by name; a repeated name keeps
 * the last value (as Kconfig does). Text that does not look like a kernel config at
 * all (no CONFIG_ line in the first lines) gives -ENOMSG.
 */
int ks_config_parse(const char *origin, const char *text, size_t len, struct ks_config *out);

#endif
