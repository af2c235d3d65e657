/* SPDX-License-Identifier: MIT */
/*
 * eBPF objects: ELF64 EM_BPF files as clang writes them, read with libelf (either byte
 * order), their BTF with libbpf, .BTF.ext with btfext.c.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "prog/obj.h"
#include "util/err.h"
#include "util/xalloc.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

long ks_bpf_obj_sec(const struct ks_bpf_obj *o, const char *name)
{
	for (size_t i = 0; i < o->nsecs; i++)
		if (!strcmp(o->secs[i].name, name))
			return (long)i;
	return -1;
}

void ks_bpf_obj_free(struct ks_bpf_obj *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nprogs; i++) {
		free(o->progs[i].name);
		free(o->progs[i].sec);
	}
	for (size_t i = 0; i < o->nsecs; i++) {
		free(o->secs[i].name);
		free(o->secs[i].insns);
		free(o->secs[i].ext_at);
	}
	for (size_t i = 0; i < o->nexterns; i++)
		free(o->externs[i].name);
	for (size_t i = 0; i < o->nmaps; i++)
		free(o->maps[i].name);
	btf__free(o->btf);
	free(o->progs);
	free(o->secs);
	free(o->relos);
	free(o->externs);
	free(o->maps);
	free(o->calls);
	free(o->license);
	free(o->label);
	free(o);
}

/* The ELF being read: libelf handle, strings, and the sections ksurf looks at. */
struct rd {
	struct ks_bpf_obj *o;
	Elf *elf;
	size_t shstrndx;
	Elf_Scn *symtab;
	size_t sym_strndx;
	Elf_Data *btf_ext;
	size_t maps_shndx, legacy_maps_shndx;
};

/* A section's bytes; an empty section gives an empty Elf_Data, never NULL without an error. */
static Elf_Data *sec_data(Elf_Scn *scn, const GElf_Shdr *sh, const char *label, const char *name)
{
	static Elf_Data empty;
	Elf_Data *d = elf_getdata(scn, NULL);

	if (!d && (sh->sh_type == SHT_NOBITS || !sh->sh_size))
		return &empty;

	if ((!d && sh->sh_type != SHT_NOBITS && sh->sh_size) || (d && !d->d_buf && d->d_size)) {
		ks_err(-EINVAL, "%s: section '%s': cannot read its %llu bytes (%s)", label, name,
		       (unsigned long long)sh->sh_size, elf_errmsg(-1));
		return NULL;
	}
	return d;
}

static void swap_insns(struct bpf_insn *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t regs;

		memcpy(&regs, (uint8_t *)&v[i] + 1, 1);
		/* big-endian bitfields put dst_reg in the high nibble */
		v[i].dst_reg = regs >> 4;
		v[i].src_reg = regs & 0xf;
		v[i].off = (int16_t)__builtin_bswap16((uint16_t)v[i].off);
		v[i].imm = (int32_t)__builtin_bswap32((uint32_t)v[i].imm);
	}
}

static int add_exec_sec(struct rd *r, size_t shndx, const char *name, Elf_Data *d)
{
	struct ks_bpf_obj *o = r->o;
	struct ks_bpf_sec *s;

	if (d->d_size % sizeof(struct bpf_insn))
		return ks_err(-EINVAL,
			      "%s: section '%s': %zu bytes, not a whole number of instructions",
			      o->label, name, d->d_size);
	o->secs = ks_xrealloc_array(o->secs, o->nsecs + 1, sizeof(*o->secs));
	s = &o->secs[o->nsecs++];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	s->shndx = shndx;
	s->ninsns = d->d_size / sizeof(struct bpf_insn);
	s->insns = ks_xrealloc_array(NULL, s->ninsns, sizeof(*s->insns));
	if (d->d_size)
		memcpy(s->insns, d->d_buf, d->d_size);
	if (o->big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__))
		swap_insns(s->insns, s->ninsns);
	s->ext_at = calloc(s->ninsns + 1, sizeof(*s->ext_at));
	if (!s->name || !s->ext_at)
		abort();
	return 0;
}

/* First pass over the sections: executable ones, .BTF, .BTF.ext, license, maps. */
static int scan_sections(struct rd *r)
{
	struct ks_bpf_obj *o = r->o;
	Elf_Scn *scn = NULL;
	int ret;

	while ((scn = elf_nextscn(r->elf, scn))) {
		size_t shndx = elf_ndxscn(scn);
		const char *name;
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			return ks_err(-EINVAL, "%s: section %zu: bad header (%s)", o->label, shndx,
				      elf_errmsg(-1));
		name = elf_strptr(r->elf, r->shstrndx, sh.sh_name);
		if (!name)
			return ks_err(-EINVAL,
				      "%s: section %zu: name offset %u outside the string table",
				      o->label, shndx, sh.sh_name);
		if (sh.sh_type == SHT_SYMTAB) {
			r->symtab = scn;
			r->sym_strndx = sh.sh_link;
			continue;
		}
		if (sh.sh_type == SHT_PROGBITS && (sh.sh_flags & SHF_EXECINSTR)) {
			if (!(d = sec_data(scn, &sh, o->label, name)))
				return -EINVAL;
			if ((ret = add_exec_sec(r, shndx, name, d)))
				return ret;
		} else if (!strcmp(name, ".BTF")) {
			if (!(d = sec_data(scn, &sh, o->label, name)))
				return -EINVAL;
			if (o->btf)
				return ks_err(-EINVAL, "%s: two .BTF sections", o->label);
			o->btf = btf__new(d->d_buf, d->d_size);
			if (!o->btf) {
				ret = -errno;
				return ks_err(ret ? ret : -EINVAL,
					      "%s: .BTF: libbpf cannot parse it (%s)", o->label,
					      strerror(-ret ? -ret : EINVAL));
			}
		} else if (!strcmp(name, ".BTF.ext")) {
			if (!(r->btf_ext = sec_data(scn, &sh, o->label, name)))
				return -EINVAL;
		} else if (!strcmp(name, "license")) {
			if (!(d = sec_data(scn, &sh, o->label, name)))
				return -EINVAL;
			free(o->license); /* a second one wins, as in libbpf */
			o->license = d->d_buf ? strndup(d->d_buf, d->d_size) : strdup("");
		} else if (!strcmp(name, ".maps")) {
			r->maps_shndx = shndx;
		} else if (!strcmp(name, "maps")) {
			r->legacy_maps_shndx = shndx;
		}
	}
	return 0;
}

static struct ks_bpf_sec *sec_by_shndx(struct ks_bpf_obj *o, size_t shndx)
{
	for (size_t i = 0; i < o->nsecs; i++)
		if (o->secs[i].shndx == shndx)
			return &o->secs[i];
	return NULL;
}

/* A name from the object's BTF strings; "" for an offset outside them. */
static const char *bname(const struct btf *btf, uint32_t off)
{
	const char *s = btf__name_by_offset(btf, off);

	return s ? s : "";
}

/* The object's BTF type named `name` of kind `kind`, or 0. */
static uint32_t btf_find(const struct btf *btf, const char *name, int kind)
{
	int id;

	if (!btf)
		return 0;
	id = btf__find_by_name_kind(btf, name, kind);
	return id > 0 ? (uint32_t)id : 0;
}

/* Whether DATASEC `sec` of the object's BTF lists a variable or function named `name`. */
static int in_datasec(const struct btf *btf, const char *sec, const char *name)
{
	uint32_t ds = btf_find(btf, sec, BTF_KIND_DATASEC);
	const struct btf_type *t;

	if (!ds)
		return 0;
	t = btf__type_by_id(btf, ds);
	for (unsigned i = 0; i < btf_vlen(t); i++) {
		const struct btf_type *v = btf__type_by_id(btf, btf_var_secinfos(t)[i].type);

		if (v && !strcmp(bname(btf, v->name_off), name))
			return 1;
	}
	return 0;
}

/* Programs (function symbols of executable sections) and externs, from the symtab. */
static int read_symbols(struct rd *r, Elf_Data *syms, size_t nsyms)
{
	struct ks_bpf_obj *o = r->o;

	for (size_t i = 1; i < nsyms; i++) {
		const struct ks_bpf_sec *s;
		struct ks_bpf_prog *p;
		const char *name;
		GElf_Sym sym;

		if (!gelf_getsym(syms, (int)i, &sym))
			return ks_err(-EINVAL, "%s: symbol %zu: unreadable", o->label, i);
		name = elf_strptr(r->elf, r->sym_strndx, sym.st_name);
		if (!name)
			return ks_err(-EINVAL,
				      "%s: symbol %zu: name offset %u outside its string table",
				      o->label, i, sym.st_name);
		if (sym.st_shndx == SHN_UNDEF && *name &&
		    (GELF_ST_BIND(sym.st_info) == STB_GLOBAL ||
		     GELF_ST_BIND(sym.st_info) == STB_WEAK)) {
			struct ks_bpf_extern *e;

			o->externs =
			    ks_xrealloc_array(o->externs, o->nexterns + 1, sizeof(*o->externs));
			e = &o->externs[o->nexterns++];
			memset(e, 0, sizeof(*e));
			e->name = strdup(name);
			e->weak = GELF_ST_BIND(sym.st_info) == STB_WEAK;
			e->btf_id = btf_find(o->btf, name, BTF_KIND_FUNC);
			e->is_func = e->btf_id != 0;
			if (!e->btf_id)
				e->btf_id = btf_find(o->btf, name, BTF_KIND_VAR);
			e->is_kconfig = in_datasec(o->btf, ".kconfig", name);
			if (!e->name)
				abort();
			continue;
		}
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || !(s = sec_by_shndx(o, sym.st_shndx)))
			continue;
		if (sym.st_value % sizeof(struct bpf_insn) ||
		    sym.st_size % sizeof(struct bpf_insn) ||
		    sym.st_value / sizeof(struct bpf_insn) > s->ninsns ||
		    sym.st_size / sizeof(struct bpf_insn) >
			s->ninsns - sym.st_value / sizeof(struct bpf_insn))
			return ks_err(
			    -EINVAL,
			    "%s: function '%s' at byte %llu, %llu bytes: outside section '%s' "
			    "(%zu instructions)",
			    o->label, name, (unsigned long long)sym.st_value,
			    (unsigned long long)sym.st_size, s->name, s->ninsns);
		o->progs = ks_xrealloc_array(o->progs, o->nprogs + 1, sizeof(*o->progs));
		p = &o->progs[o->nprogs++];
		p->name = strdup(name);
		p->sec = strdup(s->name);
		p->shndx = s->shndx;
		p->off = sym.st_value / sizeof(struct bpf_insn);
		p->cnt = sym.st_size / sizeof(struct bpf_insn);
		p->subprog = !strcmp(s->name, ".text");
		p->autoload = s->name[0] != '?';
		if (!p->name || !p->sec)
			abort();
	}
	return 0;
}

static int prog_cmp(const void *a, const void *b)
{
	const struct ks_bpf_prog *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Relocations of executable sections: which instructions name an extern symbol. */
static int read_relocs(struct rd *r, Elf_Data *syms, size_t nsyms, uint8_t **reloc_at)
{
	struct ks_bpf_obj *o = r->o;
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(r->elf, scn))) {
		struct ks_bpf_sec *s;
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_REL)
			continue;
		if (!(s = sec_by_shndx(o, sh.sh_info)))
			continue;
		if (!(d = elf_getdata(scn, NULL)))
			return ks_err(-EINVAL, "%s: relocations of '%s': unreadable", o->label,
				      s->name);
		for (size_t i = 0;
		     i < sh.sh_size / sizeof(GElf_Rel) && i < d->d_size / sizeof(GElf_Rel); i++) {
			size_t symi, insn;
			const char *name;
			GElf_Rel rel;
			GElf_Sym sym;

			if (!gelf_getrel(d, (int)i, &rel))
				return ks_err(-EINVAL, "%s: relocation %zu of '%s': unreadable",
					      o->label, i, s->name);
			symi = GELF_R_SYM(rel.r_info);
			insn = rel.r_offset / sizeof(struct bpf_insn);
			if (rel.r_offset % sizeof(struct bpf_insn) || insn >= s->ninsns ||
			    symi >= nsyms || !gelf_getsym(syms, (int)symi, &sym))
				return ks_err(
				    -EINVAL,
				    "%s: relocation %zu of '%s': offset %llu or symbol %zu "
				    "out of range",
				    o->label, i, s->name, (unsigned long long)rel.r_offset, symi);
			reloc_at[s - o->secs][insn] = 1;
			if (sym.st_shndx != SHN_UNDEF)
				continue;
			name = elf_strptr(r->elf, r->sym_strndx, sym.st_name);
			for (size_t e = 0; name && e < o->nexterns; e++)
				if (!strcmp(o->externs[e].name, name))
					s->ext_at[insn] = (uint32_t)e + 1;
		}
	}
	return 0;
}

/* Helper calls: `call imm` without a relocation (kfunc and subprogram calls have one). */
static void find_calls(struct ks_bpf_obj *o, uint8_t **reloc_at)
{
	for (size_t p = 0; p < o->nprogs; p++) {
		const struct ks_bpf_prog *pg = &o->progs[p];
		const struct ks_bpf_sec *s = sec_by_shndx(o, pg->shndx);

		for (size_t i = pg->off; i < pg->off + pg->cnt; i++) {
			const struct bpf_insn *in = &s->insns[i];

			if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg ||
			    reloc_at[s - o->secs][i])
				continue;
			o->calls = ks_xrealloc_array(o->calls, o->ncalls + 1, sizeof(*o->calls));
			o->calls[o->ncalls++] = (struct ks_bpf_call){.prog = p, .id = in->imm};
		}
	}
}

/* BTF-defined maps: DATASEC .maps, each VAR a struct whose `type` member is int (*)[T]. */
static void read_btf_maps(struct ks_bpf_obj *o)
{
	uint32_t ds = btf_find(o->btf, ".maps", BTF_KIND_DATASEC);
	const struct btf_type *t;

	if (!ds)
		return;
	t = btf__type_by_id(o->btf, ds);
	for (unsigned i = 0; i < btf_vlen(t); i++) {
		const struct btf_type *v = btf__type_by_id(o->btf, btf_var_secinfos(t)[i].type);
		const struct btf_type *st;
		struct ks_bpf_map *m;

		if (!v || !btf_is_var(v))
			continue;
		o->maps = ks_xrealloc_array(o->maps, o->nmaps + 1, sizeof(*o->maps));
		m = &o->maps[o->nmaps++];
		m->name = strdup(bname(o->btf, v->name_off));
		m->type = -1;
		if (!m->name)
			abort();
		st = btf__type_by_id(o->btf, v->type);
		for (int guard = 0; st && (btf_is_mod(st) || btf_is_typedef(st)); guard++)
			st = guard < 64 ? btf__type_by_id(o->btf, st->type) : NULL; /* cycles end */
		if (!st || !btf_is_struct(st))
			continue;
		for (unsigned k = 0; k < btf_vlen(st); k++) {
			const struct btf_member *mb = btf_members(st) + k;
			const struct btf_type *pt = btf__type_by_id(o->btf, mb->type), *at;

			if (strcmp(bname(o->btf, mb->name_off), "type") || !pt ||
			    !btf_is_ptr(pt))
				continue;
			at = btf__type_by_id(o->btf, pt->type);
			if (at && btf_is_array(at))
				m->type = (int)btf_array(at)->nelems;
		}
	}
}

/* Legacy `maps` section: struct bpf_map_def records, type first, at each symbol. */
static int read_legacy_maps(struct rd *r, Elf_Data *syms, size_t nsyms)
{
	struct ks_bpf_obj *o = r->o;
	Elf_Scn *scn = elf_getscn(r->elf, r->legacy_maps_shndx);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;

	if (!d)
		return 0;
	for (size_t i = 1; i < nsyms; i++) {
		struct ks_bpf_map *m;
		GElf_Sym sym;
		uint32_t type;
		const char *name;

		if (!gelf_getsym(syms, (int)i, &sym) || sym.st_shndx != r->legacy_maps_shndx ||
		    GELF_ST_TYPE(sym.st_info) == STT_SECTION)
			continue;
		name = elf_strptr(r->elf, r->sym_strndx, sym.st_name);
		if (!name || sym.st_value > d->d_size || d->d_size - sym.st_value < 4)
			return ks_err(-EINVAL,
				      "%s: legacy map symbol %zu: outside the maps section",
				      o->label, i);
		memcpy(&type, (uint8_t *)d->d_buf + sym.st_value, 4);
		if (o->big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__))
			type = __builtin_bswap32(type);
		o->maps = ks_xrealloc_array(o->maps, o->nmaps + 1, sizeof(*o->maps));
		m = &o->maps[o->nmaps++];
		m->name = strdup(name);
		m->type = (int)type;
		if (!m->name)
			abort();
	}
	return 0;
}

static int read_elf(struct rd *r)
{
	struct ks_bpf_obj *o = r->o;
	Elf_Data *syms = NULL;
	uint8_t **reloc_at = NULL;
	size_t nsyms = 0;
	GElf_Ehdr eh;
	int ret;

	if (elf_kind(r->elf) != ELF_K_ELF || !gelf_getehdr(r->elf, &eh))
		return ks_err(-EINVAL, "%s: not an ELF file", o->label);
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_BPF)
		return ks_err(-EINVAL,
			      "%s: not an eBPF object (ELF class %u, machine %u; eBPF is "
			      "ELF64, machine 247)",
			      o->label, eh.e_ident[EI_CLASS], eh.e_machine);
	o->big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	if (elf_getshdrstrndx(r->elf, &r->shstrndx))
		return ks_err(-EINVAL, "%s: no section name table (%s)", o->label, elf_errmsg(-1));
	if ((ret = scan_sections(r)))
		return ret;
	if (r->symtab) {
		GElf_Shdr sh;

		if (!gelf_getshdr(r->symtab, &sh) || !(syms = elf_getdata(r->symtab, NULL)))
			return ks_err(-EINVAL, "%s: symbol table unreadable", o->label);
		nsyms = syms->d_size / sizeof(Elf64_Sym);
		if ((ret = read_symbols(r, syms, nsyms)))
			return ret;
	}
	if (o->nprogs)
		qsort(o->progs, o->nprogs, sizeof(*o->progs), prog_cmp);
	reloc_at = calloc(o->nsecs + 1, sizeof(*reloc_at));
	if (!reloc_at)
		abort();
	for (size_t i = 0; i < o->nsecs; i++)
		if (!(reloc_at[i] = calloc(o->secs[i].ninsns + 1, 1)))
			abort();
	ret = syms ? read_relocs(r, syms, nsyms, reloc_at) : 0;
	if (!ret) {
		find_calls(o, reloc_at);
		if (o->btf)
			read_btf_maps(o);
		if (syms && r->legacy_maps_shndx)
			ret = read_legacy_maps(r, syms, nsyms);
	}
	if (!ret && r->btf_ext) {
		if (!o->btf)
			ret = ks_err(-EINVAL, "%s: .BTF.ext without .BTF", o->label);
		else
			ret = ks_bpf_btfext_read(o, r->btf_ext->d_buf, r->btf_ext->d_size);
	}
	for (size_t i = 0; i < o->nsecs; i++)
		free(reloc_at[i]);
	free(reloc_at);
	return ret;
}

int ks_bpf_obj_read(const void *data, size_t size, const char *label, struct ks_bpf_obj **out)
{
	struct ks_bpf_obj *o = calloc(1, sizeof(*o));
	struct rd r = {.o = o};
	char *copy = malloc(size ? size : 1);
	int ret;

	*out = NULL;
	if (!o || !copy || !(o->label = strdup(label)))
		abort();
	memcpy(copy, data, size);
	elf_version(EV_CURRENT);
	r.elf = elf_memory(copy, size);
	if (!r.elf)
		ret = ks_err(-EINVAL, "%s: not an ELF file (%s)", label, elf_errmsg(-1));
	else
		ret = read_elf(&r);
	if (r.elf)
		elf_end(r.elf);
	free(copy);
	if (ret) {
		ks_bpf_obj_free(o);
		return ret;
	}
	*out = o;
	return 0;
}

static uint64_t rd_u(const uint8_t *p, int n, int be)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
	return v;
}

/*
 * The extent of an ELF64 EM_BPF image starting at p (at most `avail` bytes): the end of
 * its section header table or of its furthest section, whichever is later. 0 when p is
 * not such an image or its headers do not fit.
 */
static size_t bpf_elf_extent(const uint8_t *p, size_t avail)
{
	uint64_t shoff, end;
	unsigned shnum, shentsize;
	int be;

	if (avail < 64 || memcmp(p, ELFMAG, SELFMAG) || p[EI_CLASS] != ELFCLASS64 ||
	    (p[EI_DATA] != ELFDATA2LSB && p[EI_DATA] != ELFDATA2MSB))
		return 0;
	be = p[EI_DATA] == ELFDATA2MSB;
	if (rd_u(p + 18, 2, be) != EM_BPF)
		return 0;
	shoff = rd_u(p + 40, 8, be);
	shentsize = (unsigned)rd_u(p + 58, 2, be);
	shnum = (unsigned)rd_u(p + 60, 2, be);
	if (shentsize != sizeof(Elf64_Shdr) || !shnum || shoff > avail ||
	    (avail - shoff) / shentsize < shnum)
		return 0;
	end = shoff + (uint64_t)shnum * shentsize;
	for (unsigned i = 0; i < shnum; i++) {
		const uint8_t *sh = p + shoff + (uint64_t)i * shentsize;
		uint64_t off = rd_u(sh + 24, 8, be), sz = rd_u(sh + 32, 8, be);

		if (rd_u(sh + 4, 4, be) == SHT_NOBITS)
			continue;
		if (off > avail || sz > avail - off)
			return 0;
		if (off + sz > end)
			end = off + sz;
	}
	return (size_t)end;
}

int ks_bpf_find_objects(const uint8_t *data, size_t size, size_t **offs, size_t **sizes, size_t *n)
{
	size_t at = 0, cap = 0;

	*offs = *sizes = NULL;
	*n = 0;
	while (at < size) {
		const uint8_t *p = memmem(data + at, size - at, ELFMAG, SELFMAG);
		size_t off, ext;

		if (!p)
			break;
		off = (size_t)(p - data);
		ext = bpf_elf_extent(p, size - off);
		if (!ext) {
			at = off + 1;
			continue;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 4;
			*offs = ks_xrealloc_array(*offs, cap, sizeof(**offs));
			*sizes = ks_xrealloc_array(*sizes, cap, sizeof(**sizes));
		}
		(*offs)[*n] = off;
		(*sizes)[(*n)++] = ext;
		at = off + ext;
	}
	return 0;
}
