/* SPDX-License-Identifier: MIT */
#ifndef KSURF_INGEST_INGEST_H
#define KSURF_INGEST_INGEST_H

#include <stddef.h>

#include "ingest/config.h"
#include "ingest/dwarf.h"
#include "ingest/identity.h"
#include "ingest/kimage.h"
#include "ingest/kmod.h"
#include "ingest/symtab.h"
#include "util/strbuf.h"

/*
 * Everything one image brings, gathered from the inputs given together: the opened
 * kernel (with its BTF), the best symbol list, the config, and its identity.
 */
struct ks_image_data {
	struct ks_identity ident;
	struct strbuf sources;	 /* inputs, ", "-separated, as given */
	struct ks_kernel kernel; /* kernel.btf_size > 0 */
	struct ks_symtab syms;	 /* n == 0 when none could be had */
	struct ks_config config; /* n == 0 when none was given */
	char *config_source;
	char content_hash[65];	 /* SHA-256 hex of the BTF blob */
	unsigned btf_types;
	int modules_given;	 /* modules were among the inputs: the image has its modules */
	struct ks_kmod *mods;	 /* the modules read, sorted by name (those that could not be
				    read were reported and left out) */
	size_t nmods;
	size_t mods_skipped;	 /* modules reported and left out */
	struct ks_dwarf dwarf;	 /* function facts, when the kernel is an ELF with DWARF */
	char *dwarf_source;	 /* the input the DWARF came from, or NULL when none */
	const uint8_t *btf;	 /* the image's BTF: the kernel's own (in kernel.image), or
				    btf_own; NULL for an image waiting for its types */
	size_t btf_size;
	struct ks_bytes btf_own; /* BTF encoded from the DWARF (types_from_dwarf) */
	int types_from_dwarf;	 /* the kernel has no BTF: its types come from its DWARF */
	int waiting;		 /* no BTF and no DWARF: the image waits for its -dbg package */
	char *config_text;	 /* a waiting image's config, as given */
};

void ks_image_data_free(struct ks_image_data *d);

struct ks_ingest_opts {
	struct ks_identity override; /* non-NULL fields win over derived ones */
	int progress;		     /* print progress lines on stderr */
	int no_modules;		     /* leave the modules among the inputs aside */
	int debug_file;		     /* the inputs add DWARF to images already stored */
};

/*
 * Turn input paths into images (SPEC §2): Debian packages, kernels of every packing,
 * raw BTF (plain or compressed, or inside a tar), System.map, config, kernel modules
 * (.ko[.xz|.zst|.gz] files, directories holding them, /sys/kernel/btf/<module>; read
 * on every core, a module that cannot be read is reported and skipped, one built for
 * another release refuses the image). A kernel without BTF gets its types from its
 * DWARF (a -dbg vmlinux, or one given with it: dwarfbtf.h); without either it becomes
 * an image waiting for them (`waiting`: no BTF, no symbols, no modules). Parts of one
 * image are joined by their release string, or, when they carry none, by being given
 * together with exactly one kernel. Returns 0 and an array of images, or a negative
 * errno with one line naming the input and what is wrong; nothing is returned half.
 */
int ks_ingest_collect(char *const *paths, size_t n, const struct ks_ingest_opts *o,
		      struct ks_image_data **out, size_t *nout);

/*
 * A kernel without BTF recorded earlier as waiting for its types (ident, its inputs
 * `source`, its config text or NULL) becomes this image d (types from DWARF): d takes
 * its identity and name (then o's overrides), its inputs first among d's, and its config
 * when d has none. 0, or a negative errno when the config does not parse.
 */
int ks_ingest_adopt(struct ks_image_data *d, const struct ks_identity *ident, const char *source,
		    const char *config_source, const char *config_text,
		    const struct ks_ingest_opts *o);

/* The running kernel's inputs: /sys/kernel/btf/vmlinux, /proc/kallsyms when its
 * addresses are visible, /proc/config.gz or /boot/config-$(uname -r), and the split BTF
 * of each loaded module in /sys/kernel/btf/. */
int ks_ingest_running_paths(char ***paths, size_t *n);

#endif
