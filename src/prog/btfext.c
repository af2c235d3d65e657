/* SPDX-License-Identifier: MIT */
/*
 * The .BTF.ext section of an eBPF object, read from its documented layout
 * (Documentation/bpf/btf.rst, "BTF.ext section"): a header, then three blocks —
 * func_info, line_info, and the CO-RE relocation records (struct bpf_core_relo) —
 * each a record size followed by per-section groups {sec_name_off, num_info,
 * records[num_info]}. libbpf parses it too but exposes no API for the records.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <string.h>

#include "prog/obj.h"
#include "util/err.h"
#include "util/xalloc.h"

#define BTF_EXT_MAGIC 0xeB9F

struct ext_rd {
	const uint8_t *p;
	size_t size;
	int swap;
	const char *label;
};

static uint32_t rd32(const struct ext_rd *r, size_t off)
{
	uint32_t v;

	memcpy(&v, r->p + off, 4);
	return r->swap ? __builtin_bswap32(v) : v;
}

/*
 * One block (func_info, line_info or core_relo) at [off, off+len) past the header:
 * walk its groups, check every count and size against the bytes there, and call
 * `rec` for each record (unless NULL). min_rec: the smallest record size the format
 * defines for this block.
 */
static int ext_block(struct ext_rd *r, size_t off, size_t len, size_t min_rec, const char *what,
		     struct ks_bpf_obj *o,
		     int (*rec)(struct ks_bpf_obj *, const struct ext_rd *, const char *sec,
				size_t idx, size_t at),
		     size_t *count)
{
	size_t end, rec_size;

	*count = 0;
	if (!len)
		return 0;
	if (off > r->size || len > r->size - off)
		return ks_err(-EINVAL,
			      "%s: .BTF.ext: %s block [%zu, +%zu) past the section end (%zu)",
			      r->label, what, off, len, r->size);
	end = off + len;
	if (len < 4)
		return ks_err(-EINVAL, "%s: .BTF.ext: %s block too short for its record size",
			      r->label, what);
	rec_size = rd32(r, off);
	if (rec_size < min_rec || rec_size % 4)
		return ks_err(-EINVAL,
			      "%s: .BTF.ext: %s record size %zu (needs >= %zu, multiple of 4)",
			      r->label, what, rec_size, min_rec);
	off += 4;
	while (off < end) {
		uint32_t name_off, num;
		const char *sec;

		if (end - off < 8)
			return ks_err(-EINVAL,
				      "%s: .BTF.ext: %s group header truncated at offset %zu",
				      r->label, what, off);
		name_off = rd32(r, off);
		num = rd32(r, off + 4);
		off += 8;
		sec = o->btf ? btf__name_by_offset(o->btf, name_off) : NULL;
		if (!sec || !*sec)
			return ks_err(-EINVAL,
				      "%s: .BTF.ext: %s group names section at string offset %u, "
				      "which is not in the BTF strings",
				      r->label, what, name_off);
		if (!num)
			return ks_err(-EINVAL, "%s: .BTF.ext: %s group for '%s' has no records",
				      r->label, what, sec);
		if ((end - off) / rec_size < num)
			return ks_err(
			    -EINVAL,
			    "%s: .BTF.ext: %s group for '%s' claims %u records of %zu bytes, "
			    "only %zu bytes remain",
			    r->label, what, sec, num, rec_size, end - off);
		for (uint32_t i = 0; i < num; i++, off += rec_size) {
			int ret = rec ? rec(o, r, sec, i, off) : 0;

			if (ret)
				return ret;
		}
		*count += num;
	}
	return 0;
}

static int core_rec(struct ks_bpf_obj *o, const struct ext_rd *r, const char *sec, size_t idx,
		    size_t at)
{
	struct ks_bpf_relo *x;
	long s = ks_bpf_obj_sec(o, sec);
	uint32_t insn_off = rd32(r, at), type_id = rd32(r, at + 4);

	if (s < 0)
		return ks_err(-EINVAL,
			      "%s: .BTF.ext: CO-RE relocation #%zu names section '%s', which "
			      "holds no program",
			      r->label, idx, sec);
	if (insn_off % sizeof(struct bpf_insn) ||
	    insn_off / sizeof(struct bpf_insn) >= o->secs[s].ninsns)
		return ks_err(-EINVAL,
			      "%s: .BTF.ext: CO-RE relocation #%zu of '%s' at byte %u: not an "
			      "instruction of the section (%zu instructions)",
			      r->label, idx, sec, insn_off, o->secs[s].ninsns);
	if (!type_id || type_id >= btf__type_cnt(o->btf))
		return ks_err(-EINVAL,
			      "%s: .BTF.ext: CO-RE relocation #%zu of '%s': type id %u out of "
			      "range (BTF has %u types)",
			      r->label, idx, sec, type_id, btf__type_cnt(o->btf) - 1);
	if (!btf__name_by_offset(o->btf, rd32(r, at + 8)))
		return ks_err(-EINVAL,
			      "%s: .BTF.ext: CO-RE relocation #%zu of '%s': access string "
			      "offset %u is not in the BTF strings",
			      r->label, idx, sec, rd32(r, at + 8));
	o->relos = ks_xrealloc_array(o->relos, o->nrelos + 1, sizeof(*o->relos));
	x = &o->relos[o->nrelos++];
	memset(x, 0, sizeof(*x));
	x->sec = (size_t)s;
	x->idx = idx;
	x->insn_off = insn_off;
	x->type_id = type_id;
	x->access = rd32(r, at + 8);
	x->kind = rd32(r, at + 12);
	x->prog = (size_t)-1;
	for (size_t p = 0; p < o->nprogs; p++) {
		const struct ks_bpf_prog *pg = &o->progs[p];
		size_t insn = insn_off / sizeof(struct bpf_insn);

		if (pg->shndx == o->secs[s].shndx && insn >= pg->off && insn < pg->off + pg->cnt)
			x->prog = p;
	}
	return 0;
}

int ks_bpf_btfext_read(struct ks_bpf_obj *o, const uint8_t *data, size_t size)
{
	struct ext_rd r = {.p = data, .size = size, .label = o->label};
	uint32_t hdr_len, fo, fl, lo, ll, co = 0, cl = 0;
	uint16_t magic;
	size_t n;
	int ret;

	if (size < 24)
		return ks_err(-EINVAL, "%s: .BTF.ext: %zu bytes, shorter than its header", o->label,
			      size);
	memcpy(&magic, data, 2);
	if (magic == __builtin_bswap16(BTF_EXT_MAGIC))
		r.swap = 1;
	else if (magic != BTF_EXT_MAGIC)
		return ks_err(-EINVAL, "%s: .BTF.ext: bad magic 0x%04x", o->label, magic);
	if (data[2] != 1)
		return ks_err(-EINVAL, "%s: .BTF.ext: version %u (only 1 is defined)", o->label,
			      data[2]);
	hdr_len = rd32(&r, 4);
	if (hdr_len < 24 || hdr_len > size || hdr_len % 4)
		return ks_err(-EINVAL, "%s: .BTF.ext: header length %u (section has %zu bytes)",
			      o->label, hdr_len, size);
	fo = rd32(&r, 8);
	fl = rd32(&r, 12);
	lo = rd32(&r, 16);
	ll = rd32(&r, 20);
	if (hdr_len >= 32) {
		co = rd32(&r, 24);
		cl = rd32(&r, 28);
	}
	/* offsets count from the end of the header */
	r.p += hdr_len;
	r.size -= hdr_len;
	if ((ret = ext_block(&r, fo, fl, 8, "func_info", o, NULL, &o->nfunc_info)))
		return ret;
	if ((ret = ext_block(&r, lo, ll, 16, "line_info", o, NULL, &o->nline_info)))
		return ret;
	return ext_block(&r, co, cl, sizeof(struct bpf_core_relo), "CO-RE relocation", o, core_rec,
			 &n);
}
