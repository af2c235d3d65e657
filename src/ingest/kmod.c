/* SPDX-License-Identifier: MIT */
/*
 * Kernel modules: a .ko is a relocatable ELF whose .BTF is split BTF on top of the
 * vmlinux BTF, whose .symtab lists its functions, and whose .modinfo says its name and
 * the release it was built for (vermagic). The ELF reader of vmlinux does the reading.
 */
#include "ingest/kmod.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/elf.h"
#include "ingest/kimage.h"
#include "util/err.h"
#include "util/parallel.h"

/* The largest module accepted after decompression (amdgpu is ~30 MiB unstripped). */
#define KMOD_MAX ((size_t)512 << 20)

char *ks_modinfo_get(const uint8_t *p, size_t n, const char *key)
{
	size_t klen = strlen(key), i = 0;

	while (i < n) {
		const uint8_t *nul = memchr(p + i, '\0', n - i);
		size_t len;

		if (!nul)
			break;
		len = (size_t)(nul - (p + i));
		if (len > klen && p[i + klen] == '=' && !memcmp(p + i, key, klen)) {
			char *v = strndup((const char *)p + i + klen + 1, len - klen - 1);

			if (!v)
				abort();
			return v;
		}
		i += len + 1;
	}
	return NULL;
}

/* "dm-mod.ko.xz" -> "dm_mod": what the kernel calls a module without .modinfo name=. */
static char *name_from_path(const char *origin)
{
	const char *b = strrchr(origin, '/'), *e;
	char *s;

	b = b ? b + 1 : origin;
	e = strstr(b, ".ko");
	s = strndup(b, e ? (size_t)(e - b) : strlen(b));
	if (!s)
		abort();
	for (char *c = s; *c; c++)
		if (*c == '-')
			*c = '_';
	return s;
}

/* The first word of vermagic ("7.2.13+deb14-amd64 SMP preempt mod_unload ..."). */
static char *vermagic_release(const uint8_t *mi, size_t n)
{
	char *v = ks_modinfo_get(mi, n, "vermagic");

	if (v)
		v[strcspn(v, " ")] = '\0';
	if (v && !*v) {
		free(v);
		v = NULL;
	}
	return v;
}

static int is_btf(const uint8_t *d, size_t n)
{
	return n >= 4 && ((d[0] == 0x9f && d[1] == 0xeb) || (d[0] == 0xeb && d[1] == 0x9f)) &&
	       d[2] == 1;
}

static void take_bytes(struct ks_bytes *dst, const uint8_t *p, size_t n)
{
	dst->data = malloc(n ? n : 1);
	if (!dst->data)
		abort();
	memcpy(dst->data, p, n);
	dst->size = n;
}

static int read_elf(struct ks_kmod *m, struct ks_bytes *plain)
{
	struct ks_kernel k;
	int ret;

	memset(&k, 0, sizeof(k));
	ks_symtab_init(&k.elf_syms);
	k.image = *plain;
	*plain = (struct ks_bytes){0};
	ret = ks_elf_read(m->origin, &k);
	if (ret)
		goto out;
	if (k.modinfo_size) {
		const uint8_t *mi = k.image.data + k.modinfo_off;

		m->name = ks_modinfo_get(mi, k.modinfo_size, "name");
		m->vermagic = vermagic_release(mi, k.modinfo_size);
	}
	if (k.btf_size) {
		if (!is_btf(k.image.data + k.btf_off, k.btf_size)) {
			ret = ks_err(-EINVAL, "%s: .BTF section does not start with the BTF magic",
				     m->origin);
			goto out;
		}
		take_bytes(&m->btf, k.image.data + k.btf_off, k.btf_size);
	}
	m->syms = k.elf_syms;
	ks_symtab_init(&k.elf_syms);
out:
	ks_kernel_free(&k);
	return ret;
}

int ks_kmod_read(struct ks_kmod *m)
{
	struct ks_bytes plain = {0};
	int ret;

	ret = ks_decompress(m->origin, m->raw.data, m->raw.size, KMOD_MAX, &plain);
	if (ret == -ENOMSG) {
		plain = m->raw;
		m->raw = (struct ks_bytes){0};
		ret = 0;
	}
	ks_bytes_free(&m->raw);
	if (ret)
		goto out;
	if (is_btf(plain.data, plain.size)) {
		m->btf = plain;
		plain = (struct ks_bytes){0};
	} else if (plain.size >= 4 && !memcmp(plain.data, "\177ELF", 4)) {
		ret = read_elf(m, &plain);
	} else {
		ret = ks_err(-EINVAL, "%s: neither an ELF module nor BTF", m->origin);
	}
out:
	ks_bytes_free(&plain);
	if (!ret && !m->name)
		m->name = name_from_path(m->origin);
	return ret;
}

static void read_one(void *arg, size_t i)
{
	struct ks_kmod *m = (struct ks_kmod *)arg + i;

	if (ks_kmod_read(m)) {
		m->error = strdup(ks_errmsg());
		if (!m->error)
			abort();
	}
}

void ks_kmods_read(struct ks_kmod *v, size_t n)
{
	ks_parallel_for(n, 16, read_one, v);
}

void ks_kmod_free(struct ks_kmod *m)
{
	free(m->origin);
	ks_bytes_free(&m->raw);
	free(m->name);
	free(m->vermagic);
	ks_bytes_free(&m->btf);
	ks_symtab_free(&m->syms);
	free(m->error);
	memset(m, 0, sizeof(*m));
}
