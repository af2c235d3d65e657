/* SPDX-License-Identifier: MIT */
/*
 * The symbol table from the kallsyms tables compiled into a kernel image: what
 * /proc/kallsyms would print, for kernels whose package ships no real System.map and
 * whose image has no ELF symbols.
 *
 * What scripts/kallsyms.c emits (all in .rodata, in the kernel's byte order):
 *
 *   kallsyms_token_table  256 NUL-terminated strings, back to back. A byte value that
 *                         occurs in some symbol stands for itself (token '0' is "0"),
 *                         the others for frequent substrings.
 *   kallsyms_token_index  256 u16: offset of each token in the token table. It follows
 *                         the token table directly (after alignment) in every version.
 *   kallsyms_names        per symbol: a length (one byte; two when >= 0x80, as
 *                         low 7 bits | next byte << 7, since 6.1), then that many token
 *                         numbers. The first expanded character is the nm type letter.
 *   kallsyms_markers      names offset of every 256th symbol: unsigned long before 6.x
 *                         (8 bytes on 64-bit), u32 since. Follows the names directly.
 *   kallsyms_num_syms     the symbol count, u32 or unsigned long, directly before names.
 *   addresses             one of:
 *     kallsyms_addresses[]                absolute, pointer-sized (no base-relative
 *                                         config; 32-bit kernels since 6.x, where the
 *                                         32-bit "offsets" are the addresses);
 *     kallsyms_offsets[] + relative_base  u32 offsets from a base (4.6 – 6.x); with
 *                                         absolute per-cpu symbols (x86_64) an offset
 *                                         >= 0 is absolute and one < 0 means
 *                                         base - 1 - offset;
 *     kallsyms_offsets[] alone            s32 offsets from the entry's own address
 *                                         (64-bit 7.x: no relative_base at all).
 *   kallsyms_seqs_of_names                3 bytes per symbol, 6.2+ (not needed here).
 *
 * The order changed: up to 6.1 (and Debian's 6.1.y) addresses/offsets, relative_base
 * and num_syms come first, then names, markers, [seqs_of_names,] token table and
 * index; in 7.x num_syms, names, markers, token table, token index, then the offsets
 * and seqs_of_names. Nothing is assumed about that order beyond three adjacencies
 * that hold in every version: token_index right after token_table, names right
 * after num_syms, markers right after names. The locator:
 *
 *   1. token table: a run "0\0" "1\0" ... "9\0" preceded by a NUL is tokens 0x30-0x39
 *      if the 0xd0 strings from there on are all symbol characters (the u16 character
 *      tables of fonts and code pages hold the same run); their end is where the
 *      index must start (after 0-7 bytes of alignment). The index is accepted only if
 *      index[0] is 0, index[0x30] lands on the run and every entry delimits exactly
 *      one string.
 *   2. markers: scanning back from the token table for a 0 followed by increasing
 *      values whose steps fit 256 names entries (2 to 520 bytes each).
 *   3. num_syms and names: a count that fits the number of markers, 4 or 8 bytes
 *      before where the names must start; walking the names from there has to meet
 *      every marker exactly and end right before the markers (up to 7 zero bytes).
 *   4. addresses: every placement and encoding above is tried (after the token index,
 *      or before num_syms) and the one whose addresses descend least often wins; the
 *      kernel sorts the table by address, so the right reading is (almost) sorted
 *      while wrong ones descend about every other symbol. A base-relative reading
 *      must also start at the base's own symbol (offset 0, or -1 with absolute
 *      per-cpu symbols first).
 *      Ties go to the reading that explains more (base-relative before absolute
 *      before place-relative).
 * When a candidate gets past step 1 but not through, the error says how far it got
 * and where, rather than that there are no tables.
 * Both byte orders and 4/8-byte pointers are tried. Fewer than 257 symbols (a single
 * marker) are not recognized: no kernel is that small and a lone 0 proves nothing.
 */
#include "ingest/kallsyms.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ingest/kimage.h"
#include "util/err.h"

#define MAX_ENTRY     520	  /* bytes of one names entry: 2 length bytes + 513 tokens */
#define MAX_NAME      1024	  /* longest expanded type+name accepted (kernel: 512) */
#define MARKER_WINDOW (16u << 20) /* how far before the token table markers may be */
/* Bounds on the search, so crafted input cannot make it quadratic; a real kernel has
 * one token table and its markers are among the first few candidates. */
#define MAX_TABLES	 16
#define MAX_MARKER_TRIES 256

static uint64_t rd(const uint8_t *p, int size, int be)
{
	return size == 8 ? ks_rd64(p, be) : ks_rd32(p, be);
}

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

const char *ks_kallsyms_mode_name(enum ks_kallsyms_mode mode)
{
	switch (mode) {
	case KS_KALLSYMS_ABSOLUTE:
		return "absolute addresses";
	case KS_KALLSYMS_BASE_RELATIVE:
		return "base-relative u32 offsets";
	case KS_KALLSYMS_ABS_PERCPU:
		return "base-relative s32 offsets, absolute per-cpu";
	case KS_KALLSYMS_PLACE_RELATIVE:
		return "place-relative s32 offsets";
	}
	return "?";
}

/* Length prefix of the names entry at *pos; advances *pos past it. 0 when truncated. */
static uint32_t entry_len(const uint8_t *img, size_t end, size_t *pos)
{
	uint32_t len;

	if (*pos >= end)
		return 0;
	len = img[(*pos)++];
	if (len & 0x80) {
		if (*pos >= end)
			return 0;
		len = (len & 0x7f) | (uint32_t)img[(*pos)++] << 7;
	}
	return len;
}

/*
 * How far the most promising candidate got, so that tables which are there but do
 * not add up are reported as such, at their place, and not as "none found".
 */
struct probe {
	int stage; /* 0 nothing, 1 token table, 2 and its index, 3 and the names */
	size_t where;
	uint32_t num_syms;
	int tables; /* token tables with a valid index tried so far */
};

static void reached(struct probe *pr, int stage, size_t where, uint32_t num_syms)
{
	if (stage > pr->stage) {
		pr->stage = stage;
		pr->where = where;
		pr->num_syms = num_syms;
	}
}

/*
 * Tokens 0x30.. of a token table starting at the digit run `digits`: 0xd0 strings of
 * symbol characters, some longer than one, none longer than a symbol. This rules out
 * the u16 character tables (console fonts, code pages) that contain the same run.
 * Returns the table's end, 0 when it is not one.
 */
static size_t token_table_end(const uint8_t *img, size_t size, size_t digits)
{
	size_t pos = digits, start;
	int n, multi = 0;

	for (n = 0x30; n < 0x100; n++) {
		for (start = pos; pos < size && img[pos]; pos++)
			if (img[pos] <= ' ' || img[pos] >= 0x7f || pos - start >= MAX_NAME)
				return 0;
		if (pos == size)
			return 0;
		multi |= pos - start > 1;
		pos++;
	}
	return multi ? pos : 0;
}

/*
 * Is there a token index at `idx` for the token table whose tokens 0x30.. start at
 * `digits` and which ends at `end`? Sets *table to the table's start.
 */
static int token_index_ok(const uint8_t *img, size_t size, size_t digits, size_t end, size_t idx,
			  int be, size_t *table)
{
	size_t t, s, next;
	int k;

	if (idx > size || size - idx < 512 || ks_rd16(img + idx, be) != 0)
		return 0;
	if (ks_rd16(img + idx + 0x60, be) > digits)
		return 0;
	t = digits - ks_rd16(img + idx + 0x60, be);
	for (k = 0; k < 256; k++) {
		s = t + ks_rd16(img + idx + 2 * k, be);
		next = k < 255 ? t + ks_rd16(img + idx + 2 * k + 2, be) : end;
		/* Exactly one NUL-terminated string between consecutive entries. */
		if (next <= s || next > end || img[next - 1] || memchr(img + s, 0, next - 1 - s))
			return 0;
	}
	*table = t;
	return 1;
}

/* The token index right after the table ending at `end` (0-7 bytes of alignment). */
static int find_token_index(const uint8_t *img, size_t size, size_t digits, size_t end, int be,
			    struct ks_kallsyms_layout *lay)
{
	size_t idx, prev = SIZE_MAX;
	int a;

	for (a = 1; a <= 8; a *= 2) {
		idx = align_up(end, a);
		if (idx == prev)
			continue;
		prev = idx;
		if (token_index_ok(img, size, digits, end, idx, be, &lay->token_table)) {
			lay->token_index = idx;
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * Walk num_syms names entries from `names`; each 256th must start where the markers
 * say. Returns the end of the names, or 0 when they do not fit.
 */
static size_t walk_names(const uint8_t *img, size_t limit, size_t names, uint32_t num_syms,
			 const struct ks_kallsyms_layout *lay)
{
	size_t pos = names;
	uint32_t i, len;

	for (i = 0; i < num_syms; i++) {
		if (i % 256 == 0 &&
		    pos - names != rd(img + lay->markers + (size_t)(i / 256) * lay->marker_size,
				      lay->marker_size, lay->big_endian))
			return 0;
		len = entry_len(img, limit, &pos);
		if (!len || len > limit - pos)
			return 0;
		pos += len;
	}
	return pos;
}

/* Only alignment (less than 8 zero bytes) between the end of names and the markers. */
static int zero_padding(const uint8_t *img, size_t from, size_t to)
{
	if (to - from >= 8)
		return 0;
	for (; from < to; from++)
		if (img[from])
			return 0;
	return 1;
}

/* num_syms and the names before markers that have num_markers entries. */
static int find_names(const uint8_t *img, uint32_t num_markers, struct ks_kallsyms_layout *lay)
{
	uint64_t last = rd(img + lay->markers + (size_t)(num_markers - 1) * lay->marker_size,
			   lay->marker_size, lay->big_endian);
	size_t hi, lo, q, names, end;
	uint32_t n;
	int k;

	/* Names start at least `last` + one entry before the markers, at most a block more. */
	if (last + 2 + 8 > lay->markers)
		return -ENOENT;
	hi = lay->markers - last - 2 - 4;
	lo = hi > (size_t)256 * MAX_ENTRY + 16 ? hi - (size_t)256 * MAX_ENTRY - 16 : 0;
	for (q = hi + 1; q-- > lo;) {
		n = ks_rd32(img + q, lay->big_endian);
		if (n <= (num_markers - 1) * 256u || n > num_markers * 256u)
			continue;
		/* A u32 count, or the low half of an unsigned long one. */
		for (k = 4; k <= 8; k += 4) {
			names = q + k;
			end = walk_names(img, lay->markers, names, n, lay);
			if (!end || !zero_padding(img, end, lay->markers))
				continue;
			lay->num_syms_off = q;
			lay->num_syms = n;
			lay->names = names;
			lay->names_len = end - names;
			lay->num_markers = num_markers;
			return 0;
		}
	}
	return -ENOENT;
}

/* How many markers follow a 0 at `p` (steps of one full block each), before `limit`. */
static uint32_t marker_run(const uint8_t *img, size_t p, size_t limit, int w, int be)
{
	uint64_t prev = 0, v;
	uint32_t n = 1;

	for (p += w; p + w <= limit; p += w, n++) {
		v = rd(img + p, w, be);
		if (v < prev + 2 * 256 || v - prev > (uint64_t)MAX_ENTRY * 256)
			break;
		prev = v;
	}
	return n;
}

/* Markers, num_syms and names before the token table; 0 or -ENOENT. */
static int find_markers(const uint8_t *img, struct ks_kallsyms_layout *lay)
{
	size_t t = lay->token_table, lo, p;
	int w, budget = MAX_MARKER_TRIES;
	uint32_t n;

	lo = t > MARKER_WINDOW ? t - MARKER_WINDOW : 0;
	for (p = t & ~(size_t)3; p >= lo + 4 && budget > 0;) {
		p -= 4;
		if (ks_rd32(img + p, 0))
			continue;
		for (w = 4; w <= 8; w += 4) {
			if (p + w > t || (w == 8 && ks_rd32(img + p + 4, 0)))
				continue;
			lay->markers = p;
			lay->marker_size = w;
			n = marker_run(img, p, t, w, lay->big_endian);
			if (n < 2)
				continue;
			budget--;
			/* The run may swallow one unrelated word that happens to fit. */
			if (!find_names(img, n, lay) || (n >= 3 && !find_names(img, n - 1, lay)))
				return 0;
		}
	}
	return -ENOENT;
}

static uint64_t sym_addr(const uint8_t *img, const struct ks_kallsyms_layout *lay, uint32_t i,
			 uint64_t table_addr)
{
	const uint8_t *p = img + lay->addrs + (size_t)i * lay->addr_size;
	uint64_t a;
	int32_t off;

	switch (lay->mode) {
	case KS_KALLSYMS_ABSOLUTE:
		a = rd(p, lay->addr_size, lay->big_endian);
		break;
	case KS_KALLSYMS_BASE_RELATIVE:
		a = lay->relative_base + ks_rd32(p, lay->big_endian);
		break;
	case KS_KALLSYMS_ABS_PERCPU:
		off = (int32_t)ks_rd32(p, lay->big_endian);
		a = off >= 0 ? (uint64_t)off : lay->relative_base - 1 - (int64_t)off;
		break;
	default:
		off = (int32_t)ks_rd32(p, lay->big_endian);
		a = table_addr + (uint64_t)i * 4 + (uint64_t)(int64_t)off;
		break;
	}
	/* A 32-bit kernel computes in 32 bits. */
	return lay->ptr_size == 4 ? (uint32_t)a : a;
}

/*
 * Does a base-relative reading start at its base? scripts/kallsyms takes
 * relative_base from the first symbol that is not absolute, so the first offset is 0,
 * or with absolute per-cpu symbols the first negative one is -1. This rules out
 * reading an absolute array, or offsets shifted by a slot, as offsets.
 */
static int starts_at_base(const uint8_t *img, const struct ks_kallsyms_layout *cand)
{
	uint32_t i, raw;

	if (cand->mode == KS_KALLSYMS_BASE_RELATIVE)
		return cand->num_syms && ks_rd32(img + cand->addrs, cand->big_endian) == 0;
	for (i = 0; i < cand->num_syms; i++) {
		raw = ks_rd32(img + cand->addrs + (size_t)i * 4, cand->big_endian);
		if (raw & 0x80000000u)
			return raw == UINT32_MAX;
	}
	return 0;
}

/* Count descents of the addresses as `cand` reads them, giving up above `worst`. */
static uint32_t count_descents(const uint8_t *img, const struct ks_kallsyms_layout *cand,
			       uint32_t worst)
{
	uint64_t prev = 0, a;
	uint32_t i, d = 0;

	if ((cand->mode == KS_KALLSYMS_BASE_RELATIVE || cand->mode == KS_KALLSYMS_ABS_PERCPU) &&
	    !starts_at_base(img, cand))
		return UINT32_MAX;
	for (i = 0; i < cand->num_syms && d <= worst; i++) {
		a = sym_addr(img, cand, i, cand->addrs);
		if (i && a < prev)
			d++;
		prev = a;
	}
	return d;
}

/* Among equally sorted readings, the one that explains the most structure. */
static int mode_rank(enum ks_kallsyms_mode mode)
{
	switch (mode) {
	case KS_KALLSYMS_BASE_RELATIVE:
		return 0;
	case KS_KALLSYMS_ABS_PERCPU:
		return 1;
	case KS_KALLSYMS_ABSOLUTE:
		return 2;
	default:
		return 3;
	}
}

/* Try one reading of the addresses; keep it in *best when it is more sorted. */
static void try_addrs(const uint8_t *img, size_t size, struct ks_kallsyms_layout *best,
		      struct ks_kallsyms_layout cand, size_t addrs, int addr_size, size_t base_off)
{
	uint64_t bytes = (uint64_t)cand.num_syms * addr_size;

	if (addrs > size || bytes > size - addrs)
		return;
	if (cand.mode == KS_KALLSYMS_BASE_RELATIVE || cand.mode == KS_KALLSYMS_ABS_PERCPU) {
		if (base_off > size || size - base_off < (size_t)cand.ptr_size)
			return;
		cand.relative_base = rd(img + base_off, cand.ptr_size, cand.big_endian);
	}
	cand.addrs = addrs;
	cand.addr_size = addr_size;
	cand.descents = count_descents(img, &cand, best->descents);
	if (cand.descents < best->descents ||
	    (cand.descents == best->descents && mode_rank(cand.mode) < mode_rank(best->mode)))
		*best = cand;
}

/* All placements and encodings for one pointer size. */
static void try_ptr_size(const uint8_t *img, size_t size, struct ks_kallsyms_layout *best,
			 struct ks_kallsyms_layout cand)
{
	size_t s4 = (size_t)cand.num_syms * 4, ps = cand.ptr_size, after, field, rb;
	int a, m, f;

	/* After the token index (7.x; 6.x kernels that moved the offsets there). */
	for (a = 4; a <= 8; a += 4) {
		after = align_up(cand.token_index + 512, a);
		if (a == 8 && after == align_up(cand.token_index + 512, 4))
			continue;
		cand.mode = KS_KALLSYMS_ABSOLUTE;
		try_addrs(img, size, best, cand, after, ps, 0);
		for (m = KS_KALLSYMS_BASE_RELATIVE; m <= KS_KALLSYMS_ABS_PERCPU; m++) {
			cand.mode = m;
			try_addrs(img, size, best, cand, after, 4, align_up(after + s4, ps));
		}
		cand.mode = KS_KALLSYMS_PLACE_RELATIVE;
		try_addrs(img, size, best, cand, after, 4, 0);
	}
	/* Before num_syms (up to 6.1): it starts at the u32, or 4 before (big-endian long). */
	for (f = 0; f <= 4; f += 4) {
		if (cand.num_syms_off < (size_t)f)
			continue;
		field = cand.num_syms_off - f;
		/* num_syms, relative_base and the arrays before them are pointer-aligned
		 * (which also tells a big-endian long's halves apart) */
		if (field % ps)
			continue;
		cand.mode = KS_KALLSYMS_ABSOLUTE;
		if (field >= cand.num_syms * ps)
			try_addrs(img, size, best, cand, field - cand.num_syms * ps, ps, 0);
		if (field < ps + s4 + 4)
			continue;
		rb = field - ps;
		for (m = KS_KALLSYMS_BASE_RELATIVE; m <= KS_KALLSYMS_ABS_PERCPU; m++) {
			cand.mode = m;
			try_addrs(img, size, best, cand, rb - s4, 4, rb);
			try_addrs(img, size, best, cand, rb - s4 - 4, 4, rb);
		}
	}
}

/* Pick the reading of the addresses that is sorted; 0 or -ENOENT. */
static int find_addrs(const uint8_t *img, size_t size, int ptr_size, struct ks_kallsyms_layout *lay)
{
	struct ks_kallsyms_layout best = *lay;
	int ps;

	/* The kernel sorts by address; allow a few strays, not one in 256. */
	best.descents = lay->num_syms / 256 + 4;
	for (ps = 8; ps >= 4; ps -= 4) {
		if (ptr_size && ps != ptr_size)
			continue;
		lay->ptr_size = ps;
		try_ptr_size(img, size, &best, *lay);
	}
	if (best.descents > lay->num_syms / 256 + 3)
		return -ENOENT;
	*lay = best;
	return 0;
}

/* Everything from the digit run at `digits` on, in one byte order. */
static int locate_at(const uint8_t *img, size_t size, size_t digits, int be, int ptr_size,
		     struct ks_kallsyms_layout *lay, struct probe *pr)
{
	size_t end = token_table_end(img, size, digits);

	if (!end)
		return -ENOENT;
	memset(lay, 0, sizeof(*lay));
	lay->big_endian = be;
	reached(pr, 1, digits, 0);
	if (find_token_index(img, size, digits, end, be, lay))
		return -ENOENT;
	reached(pr, 2, lay->token_table, 0);
	pr->tables++;
	if (find_markers(img, lay))
		return -ENOENT;
	reached(pr, 3, lay->names, lay->num_syms);
	return find_addrs(img, size, ptr_size, lay);
}

static int probe_error(const char *origin, const struct probe *pr)
{
	switch (pr->stage) {
	case 0:
		return ks_err(-ENOENT, "%s: no kallsyms tables in the kernel image", origin);
	case 1:
		return ks_err(
		    -EINVAL,
		    "%s: kallsyms token table near 0x%zx has no matching kallsyms_token_index",
		    origin, pr->where);
	case 2:
		return ks_err(-EINVAL,
			      "%s: kallsyms token table at 0x%zx: no kallsyms_markers, "
			      "kallsyms_num_syms and kallsyms_names consistent with it",
			      origin, pr->where);
	default:
		return ks_err(-EINVAL,
			      "%s: kallsyms_names at 0x%zx (%u symbols): no address table that "
			      "reads as sorted",
			      origin, pr->where, pr->num_syms);
	}
}

int ks_kallsyms_locate(const char *origin, const uint8_t *img, size_t size, int big_endian,
		       int ptr_size, struct ks_kallsyms_layout *lay)
{
	static const char digits[] = {'0', 0, '1', 0, '2', 0, '3', 0, '4', 0,
				      '5', 0, '6', 0, '7', 0, '8', 0, '9', 0};
	struct probe pr = {0};
	const uint8_t *hit;
	size_t from;
	int pass, be;

	for (pass = 0; img && size >= 1024 && pass < 2; pass++) {
		be = pass ? !big_endian : !!big_endian;
		for (from = 1; from < size; from = (size_t)(hit - img) + 1) {
			hit = memmem(img + from, size - from, digits, sizeof(digits));
			if (!hit)
				break;
			if (pr.tables >= MAX_TABLES)
				break;
			/* Token 0x2f ends right before token 0x30. */
			if (hit[-1] == 0 &&
			    !locate_at(img, size, (size_t)(hit - img), be, ptr_size, lay, &pr))
				return 0;
		}
	}
	return probe_error(origin, &pr);
}

/* The 256 tokens as (start, length), from a validated index. */
struct tokens {
	const uint8_t *s[256];
	uint32_t len[256];
};

static int load_tokens(const uint8_t *img, size_t size, const struct ks_kallsyms_layout *lay,
		       struct tokens *tok)
{
	const uint8_t *nul;
	size_t s;
	int k;

	for (k = 0; k < 256; k++) {
		s = lay->token_table + ks_rd16(img + lay->token_index + 2 * k, lay->big_endian);
		nul = s < size ? memchr(img + s, 0, size - s) : NULL;
		if (!nul || nul - (img + s) > MAX_NAME)
			return -EINVAL;
		tok->s[k] = img + s;
		tok->len[k] = (uint32_t)(nul - (img + s));
	}
	return 0;
}

static int is_type_letter(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

int ks_kallsyms_decode(const char *origin, const uint8_t *img, size_t size,
		       const struct ks_kallsyms_layout *lay, uint64_t table_addr,
		       struct ks_symtab *out)
{
	size_t pos = lay->names, end = lay->names + lay->names_len, n;
	char buf[MAX_NAME];
	struct tokens tok;
	uint32_t i, j, len;

	/* The layout may come from a caller: recheck what the loops below rely on. */
	if (lay->token_table >= size || lay->token_index > size || size - lay->token_index < 512 ||
	    lay->names > size || lay->names_len > size - lay->names || lay->addrs > size ||
	    (lay->addr_size != 4 && lay->addr_size != 8) ||
	    (uint64_t)lay->num_syms * lay->addr_size > size - lay->addrs ||
	    load_tokens(img, size, lay, &tok))
		return ks_err(-EINVAL, "%s: kallsyms tables out of the image's bounds", origin);
	for (i = 0; i < lay->num_syms; i++) {
		len = entry_len(img, end, &pos);
		if (!len || len > end - pos)
			return ks_err(-EINVAL, "%s: kallsyms_names truncated at symbol %u of %u",
				      origin, i, lay->num_syms);
		for (n = 0, j = 0; j < len; j++) {
			uint8_t t = img[pos + j];

			if (n + tok.len[t] > sizeof(buf))
				return ks_err(-EINVAL,
					      "%s: kallsyms symbol %u expands beyond %zu bytes",
					      origin, i, sizeof(buf));
			memcpy(buf + n, tok.s[t], tok.len[t]);
			n += tok.len[t];
		}
		pos += len;
		if (!n || !is_type_letter((uint8_t)buf[0]))
			return ks_err(-EINVAL, "%s: kallsyms symbol %u has no type letter (0x%02x)",
				      origin, i, n ? (uint8_t)buf[0] : 0);
		ks_symtab_add(out, sym_addr(img, lay, i, table_addr), buf[0], buf + 1, n - 1);
	}
	return 0;
}

/*
 * The address an ELF maps file offset `off` at, from its PT_LOAD program headers.
 * 0 and *addr, or -ENOENT when no segment holds it (or the headers are broken).
 */
static int elf_offset_addr(const uint8_t *img, size_t size, size_t off, uint64_t *addr)
{
	int is64, be, i, phnum, phentsize;
	uint64_t phoff, p_off, p_vaddr, p_filesz;
	const uint8_t *ph;

	if (size < 52 || memcmp(img, "\177ELF", 4) || img[4] < 1 || img[4] > 2)
		return -ENOENT;
	is64 = img[4] == 2;
	be = img[5] == 2;
	if (is64 && size < 64)
		return -ENOENT;
	phoff = is64 ? ks_rd64(img + 32, be) : ks_rd32(img + 28, be);
	phentsize = ks_rd16(img + (is64 ? 54 : 42), be);
	phnum = ks_rd16(img + (is64 ? 56 : 44), be);
	if (phentsize < (is64 ? 56 : 32) || phoff > size ||
	    (uint64_t)phnum * phentsize > size - phoff)
		return -ENOENT;
	for (i = 0; i < phnum; i++) {
		ph = img + phoff + (size_t)i * phentsize;
		if (ks_rd32(ph, be) != 1 /* PT_LOAD */)
			continue;
		p_off = is64 ? ks_rd64(ph + 8, be) : ks_rd32(ph + 4, be);
		p_vaddr = is64 ? ks_rd64(ph + 16, be) : ks_rd32(ph + 8, be);
		p_filesz = is64 ? ks_rd64(ph + 32, be) : ks_rd32(ph + 16, be);
		if (off >= p_off && off - p_off < p_filesz) {
			*addr = p_vaddr + (off - p_off);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * Addresses come out as the tables give them: place-relative offsets are resolved
 * against where the table sits, which is a virtual address in an ELF and an image
 * offset in a raw image (then image-relative, out->relative = 1); base-relative ones
 * are added to kallsyms_relative_base as stored. A raw arm64 Image stores that base
 * as 0 (its relocations are applied at boot), so those addresses are relative to the
 * lowest symbol and out->relative is set too; absolute ones are absolute anywhere.
 */
int ks_kallsyms_recover(const char *origin, const struct ks_kernel *k, struct ks_symtab *out)
{
	struct ks_kallsyms_layout lay;
	uint64_t table_addr;
	int err, relative;

	err = ks_kallsyms_locate(origin, k->image.data, k->image.size, k->big_endian, k->ptr_size,
				 &lay);
	if (err)
		return err;
	table_addr = lay.addrs;
	switch (lay.mode) {
	case KS_KALLSYMS_ABSOLUTE:
		relative = 0;
		break;
	case KS_KALLSYMS_PLACE_RELATIVE:
		relative = !k->is_elf ||
			   elf_offset_addr(k->image.data, k->image.size, lay.addrs, &table_addr);
		break;
	default:
		relative = !k->is_elf && lay.relative_base == 0;
		break;
	}
	err = ks_kallsyms_decode(origin, k->image.data, k->image.size, &lay, table_addr, out);
	if (err)
		return err;
	snprintf(out->source, sizeof(out->source), "kallsyms");
	out->relative = relative;
	return 0;
}
