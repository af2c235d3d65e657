/* SPDX-License-Identifier: MIT */
/* Internal to src/ingest: the parts inputs are cut into, and what ingest.c shares with
 * typeless.c (kernels without BTF). */
#ifndef KSURF_INGEST_INGEST_INT_H
#define KSURF_INGEST_INGEST_INT_H

#include "ingest/ingest.h"
#include "ingest/pkg.h"

struct part {
	enum ks_part_role role;
	char *origin;	   /* what messages name: "x.deb: usr/lib/modules/.../vmlinuz" */
	const char *input; /* the path as given */
	char *release;
	struct ks_bytes bytes;
	struct ks_identity pkg; /* from the package's control data, if any */
	int image;		/* index of the image it joined, -1 before */
};

struct parts {
	struct part *v;
	size_t n;
};

/* Add an input to the image's sources (", "-separated), unless listed already. */
void ks_ingest_add_source(struct ks_image_data *d, const char *input);
/* The function facts of the image's kernel ELF when it has DWARF (0 when it has none). */
int ks_ingest_read_dwarf(struct ks_image_data *d, int progress);

/* typeless.c: kernels without BTF. */
void ks_ingest_resolve_typeless(struct parts *ps, struct ks_image_data *imgs, size_t *nimg);
int ks_ingest_encode_types(struct ks_image_data *d, int progress);

#endif
