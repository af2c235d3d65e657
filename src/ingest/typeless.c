/* SPDX-License-Identifier: MIT */
/*
 * Kernels without BTF (built without CONFIG_DEBUG_INFO_BTF): which get their types from
 * their DWARF, which join the debug vmlinux given with them, which wait (see
 * ingest.h), and the encoding itself (dwarfbtf.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/dwarfbtf.h"
#include "ingest/ingest_int.h"
#include "util/clock.h"

/*
 * The types of a kernel without BTF, from its DWARF: pahole encodes them in a child
 * process while ksurf's own walk of the same DWARF runs here.
 */
int ks_ingest_encode_types(struct ks_image_data *d, int progress)
{
	struct ks_btf_job job;
	int ret;

	if (progress)
		fprintf(stderr, "  no BTF in %s: encoding it from the DWARF with pahole...\n",
			d->sources.buf);
	ret = ks_dwarf_btf_start(d->sources.buf, d->kernel.image.data, d->kernel.image.size, &job);
	ks_phase("DWARF: hand the ELF to pahole");
	if (ret)
		return ret;
	if ((ret = ks_ingest_read_dwarf(d, progress))) {
		ks_dwarf_btf_cancel(&job);
		return ret;
	}
	ret = ks_dwarf_btf_finish(&job, d->kernel.big_endian, &d->btf_own, d->kernel.btf_found_by,
				  sizeof(d->kernel.btf_found_by));
	ks_phase("DWARF: wait for pahole's BTF");
	if (ret)
		return ret;
	d->btf = d->btf_own.data;
	d->btf_size = d->btf_own.size;
	return 0;
}

/* The debug vmlinux (no BTF, DWARF) of release rel among imgs other than skip, or -1. */
static long dwarf_sibling(const struct ks_image_data *imgs, size_t n, size_t skip, const char *rel)
{
	for (size_t j = 0; j < n && rel; j++)
		if (j != skip && !imgs[j].kernel.btf_size && imgs[j].kernel.is_elf &&
		    imgs[j].ident.release && !strcmp(imgs[j].ident.release, rel) &&
		    ks_dwarf_present(imgs[j].kernel.image.data, imgs[j].kernel.image.size))
			return (long)j;
	return -1;
}

/* Image i (a kernel without BTF) becomes part of image k (its debug vmlinux): i's
 * package names the image and comes first among its inputs. */
static void fold_image(struct parts *ps, struct ks_image_data *imgs, size_t *nimg, size_t i,
		       size_t k)
{
	struct ks_image_data *from = &imgs[i], *to = &imgs[k];
	struct ks_identity t = {0};
	struct strbuf src = to->sources;

	ks_identity_fill(&t, &from->ident);
	ks_identity_fill(&t, &to->ident);
	ks_identity_free(&to->ident);
	to->ident = t;
	to->sources = from->sources;
	sb_init(&from->sources);
	ks_ingest_add_source(to, src.buf);
	sb_release(&src);
	for (size_t p = 0; p < ps->n; p++) {
		if (ps->v[p].image == (int)i)
			ps->v[p].image = (int)k;
		if (ps->v[p].image > (int)i)
			ps->v[p].image--;
	}
	ks_image_data_free(from);
	memmove(&imgs[i], &imgs[i + 1], (*nimg - i - 1) * sizeof(*imgs));
	(*nimg)--;
}

/*
 * Kernels without BTF (built without CONFIG_DEBUG_INFO_BTF). One with DWARF (a -dbg
 * vmlinux) gets its types from it. One without, given together with a debug vmlinux of
 * its release, becomes part of that image. Any other waits for its types: it is
 * recorded with its identity and config until its -dbg package is added.
 */
void ks_ingest_resolve_typeless(struct parts *ps, struct ks_image_data *imgs, size_t *nimg)
{
	for (size_t i = 0; i < *nimg; i++) {
		struct ks_image_data *d = &imgs[i];
		long k;

		if (d->kernel.btf_size || d->types_from_dwarf)
			continue;
		if (d->kernel.is_elf &&
		    ks_dwarf_present(d->kernel.image.data, d->kernel.image.size)) {
			d->types_from_dwarf = 1;
			continue;
		}
		k = dwarf_sibling(imgs, *nimg, i, d->ident.release);
		if (k < 0) {
			d->waiting = 1;
			continue;
		}
		fold_image(ps, imgs, nimg, i, (size_t)k);
		i--;
	}
}

int ks_ingest_adopt(struct ks_image_data *d, const struct ks_identity *ident, const char *source,
		    const char *config_source, const char *config_text,
		    const struct ks_ingest_opts *o)
{
	struct strbuf src = STRBUF_INIT;
	int ret;

	ks_identity_override(&d->ident, ident);
	ks_identity_override(&d->ident, &o->override);
	sb_init(&src);
	sb_addf(&src, "%s, %s", source, d->sources.buf);
	sb_release(&d->sources);
	d->sources = src;
	if (d->config.n || !config_text)
		return 0;
	ret = ks_config_parse(config_source, config_text, strlen(config_text), &d->config);
	if (!ret) {
		free(d->config_source);
		d->config_source = strdup(config_source ? config_source : source);
	}
	return ret;
}
