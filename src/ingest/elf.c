/* SPDX-License-Identifier: MIT */
#include "ingest/elf.h"

#include <ctype.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/kimage.h"
#include "util/err.h"
#include "util/strbuf.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif
#ifndef EM_RISCV
#define EM_RISCV 243
#endif

const char *ks_elf_arch(unsigned int machine, int is64, int big_endian)
{
	switch (machine) {
	case EM_X86_64:
		return is64 ? "amd64" : "x32";
	case EM_386:
		return "i386";
	case EM_AARCH64:
		return "arm64";
	case EM_ARM:
		return big_endian ? "armeb" : "armhf";
	case EM_PPC64:
		return big_endian ? "ppc64" : "ppc64el";
	case EM_PPC:
		return "powerpc";
	case EM_S390:
		return is64 ? "s390x" : "s390";
	case EM_RISCV:
		return is64 ? "riscv64" : "riscv32";
	case EM_LOONGARCH:
		return is64 ? "loong64" : "loongarch32";
	case EM_MIPS:
		if (is64)
			return big_endian ? "mips64" : "mips64el";
		return big_endian ? "mips" : "mipsel";
	case EM_SPARCV9:
		return "sparc64";
	case EM_PARISC:
		return "hppa";
	case EM_ALPHA:
		return "alpha";
	case EM_IA_64:
		return "ia64";
	case EM_68K:
		return "m68k";
	case EM_SH:
		return "sh4";
	default:
		return NULL;
	}
}

/* A section's place in the file, or 0 when it has no bytes there. */
static int sec_bytes(const struct ks_kernel *k, const GElf_Shdr *sh, const uint8_t **p)
{
	if (sh->sh_type == SHT_NOBITS || sh->sh_offset > k->image.size ||
	    sh->sh_size > k->image.size - sh->sh_offset)
		return 0;
	*p = k->image.data + sh->sh_offset;
	return 1;
}

/* .comment holds one NUL-terminated string per tool ("GCC: (Debian 14.2.0-19) 14.2.0"). */
static void read_comment(struct ks_kernel *k, const GElf_Shdr *sh)
{
	struct strbuf sb = STRBUF_INIT;
	const uint8_t *p, *end;

	if (k->compiler || !sec_bytes(k, sh, &p))
		return;
	sb_init(&sb);
	for (end = p + sh->sh_size; p < end;) {
		size_t n = strnlen((const char *)p, end - p);

		if (n && !(sb.len && strstr(sb.buf, (const char *)p)) && sb.len + n < 512) {
			if (sb.len)
				sb_add(&sb, "; ");
			sb_addn(&sb, (const char *)p, n);
		}
		p += n + 1;
	}
	k->compiler = sb.len ? sb_detach(&sb) : NULL;
	sb_release(&sb);
}

/* nm's letter for a symbol, from its binding and its section; 0 to leave it out. */
static char sym_letter(const GElf_Sym *s, const GElf_Shdr *secs, size_t nsec)
{
	int bind = GELF_ST_BIND(s->st_info), type = GELF_ST_TYPE(s->st_info);
	const GElf_Shdr *sh;
	char c;

	if (type == STT_SECTION || type == STT_FILE || s->st_shndx == SHN_UNDEF)
		return 0;
	if (s->st_shndx == SHN_ABS) {
		c = 'a';
	} else if (s->st_shndx < nsec) {
		sh = &secs[s->st_shndx];
		if (!(sh->sh_flags & SHF_ALLOC))
			return 0; /* debugging symbols: System.map leaves them out too */
		if (sh->sh_flags & SHF_EXECINSTR)
			c = 't';
		else if (sh->sh_type == SHT_NOBITS)
			c = 'b';
		else if (sh->sh_flags & SHF_WRITE)
			c = 'd';
		else
			c = 'r';
	} else {
		return 0;
	}
	if (bind == STB_WEAK)
		return type == STT_OBJECT ? 'V' : 'W';
	return bind == STB_LOCAL ? c : (char)toupper(c);
}

static int read_symtab(const char *origin, Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
		       const GElf_Shdr *secs, size_t nsec, struct ks_kernel *k)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t i, n, entsz = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
	GElf_Sym s;

	if (!d || !entsz)
		return ks_err(-EINVAL, "%s: unreadable .symtab: %s", origin, elf_errmsg(-1));
	n = sh->sh_size / entsz;
	for (i = 1; i < n && gelf_getsym(d, (int)i, &s); i++) {
		const char *name = elf_strptr(elf, sh->sh_link, s.st_name);
		char c = sym_letter(&s, secs, nsec);

		/* Mapping symbols ($x, $d) and assembler locals are not kernel symbols. */
		if (!c || !name || !*name || name[0] == '$' || !strncmp(name, ".L", 2))
			continue;
		ks_symtab_add(&k->elf_syms, s.st_value, c, name, strlen(name));
	}
	snprintf(k->elf_syms.source, sizeof(k->elf_syms.source), "ELF .symtab");
	ks_symtab_sort(&k->elf_syms);
	return 0;
}

/*
 * The image start: the first PT_LOAD in the file. Not simply the lowest address:
 * x86-64 links its per-CPU segment at 0.
 */
static void read_base_addr(Elf *elf, struct ks_kernel *k)
{
	uint64_t best_off = UINT64_MAX;
	size_t i, n;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &n))
		return;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (ph.p_offset < best_off ||
		    (ph.p_offset == best_off && ph.p_vaddr < k->base_addr)) {
			best_off = ph.p_offset;
			k->base_addr = ph.p_vaddr;
		}
	}
}

static int read_sections(const char *origin, Elf *elf, struct ks_kernel *k)
{
	size_t nsec, shstrndx, i;
	GElf_Shdr *secs = NULL;
	Elf_Scn *scn, *symtab = NULL;
	int ret = 0;

	if (elf_getshdrnum(elf, &nsec) || elf_getshdrstrndx(elf, &shstrndx))
		return ks_err(-EINVAL, "%s: bad ELF section headers: %s", origin, elf_errmsg(-1));
	if (nsec == 0)
		return 0;
	secs = calloc(nsec, sizeof(*secs));
	if (!secs)
		abort();
	for (i = 1; i < nsec; i++) {
		const char *name;
		const uint8_t *p;

		scn = elf_getscn(elf, i);
		if (!scn || !gelf_getshdr(scn, &secs[i])) {
			ret = ks_err(-EINVAL, "%s: bad ELF section header %zu: %s", origin, i,
				     elf_errmsg(-1));
			goto out;
		}
		name = elf_strptr(elf, shstrndx, secs[i].sh_name);
		if (!name)
			continue;
		if (!strcmp(name, ".BTF")) {
			if (!sec_bytes(k, &secs[i], &p)) {
				ret = ks_err(-EINVAL,
					     "%s: .BTF section (0x%llx bytes at 0x%llx) "
					     "runs past the end of the ELF (0x%zx bytes)",
					     origin, (unsigned long long)secs[i].sh_size,
					     (unsigned long long)secs[i].sh_offset, k->image.size);
				goto out;
			}
			k->btf_off = secs[i].sh_offset;
			k->btf_size = secs[i].sh_size;
		} else if (!strcmp(name, ".modinfo") && sec_bytes(k, &secs[i], &p)) {
			k->modinfo_off = secs[i].sh_offset;
			k->modinfo_size = secs[i].sh_size;
		} else if (!strcmp(name, ".comment")) {
			read_comment(k, &secs[i]);
		} else if (secs[i].sh_type == SHT_SYMTAB && !symtab) {
			symtab = scn;
		}
	}
	if (symtab) {
		i = elf_ndxscn(symtab);
		ret = read_symtab(origin, elf, symtab, &secs[i], secs, nsec, k);
	}
out:
	free(secs);
	return ret;
}

static int table_past_end(uint64_t off, uint64_t n, uint64_t entsize, size_t size)
{
	return off && (off > size || n * entsize > size - off);
}

int ks_elf_read(const char *origin, struct ks_kernel *k)
{
	const char *arch;
	GElf_Ehdr eh;
	Elf *elf;
	int ret, is64;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)k->image.data, k->image.size);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		ret = ks_err(-EINVAL, "%s: bad ELF header: %s", origin, elf_errmsg(-1));
		goto out;
	}
	/* libelf quietly reads a cut file as one with fewer sections. */
	if (table_past_end(eh.e_shoff, eh.e_shnum, eh.e_shentsize, k->image.size) ||
	    table_past_end(eh.e_phoff, eh.e_phnum, eh.e_phentsize, k->image.size)) {
		ret = ks_err(-EINVAL,
			     "%s: truncated ELF: its header tables run past the end "
			     "(0x%zx bytes)",
			     origin, k->image.size);
		goto out;
	}
	is64 = eh.e_ident[EI_CLASS] == ELFCLASS64;
	k->is_elf = 1;
	k->big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	k->ptr_size = is64 ? 8 : 4;
	arch = ks_elf_arch(eh.e_machine, is64, k->big_endian);
	if (arch)
		snprintf(k->arch, sizeof(k->arch), "%s", arch);
	read_base_addr(elf, k);
	ret = read_sections(origin, elf, k);
out:
	elf_end(elf);
	return ret;
}
