/* SPDX-License-Identifier: MIT */
/*
 * A tiny kallsyms encoder for tests and fuzz seeds: lays out the tables the way
 * scripts/kallsyms.c of a given kernel generation does, in either byte order and
 * pointer size, between filler bytes and a decoy u16 character table. Tokens are
 * the characters themselves plus the most frequent pairs in the free slots, enough
 * to exercise multi-character tokens and 2-byte entry lengths.
 */
#ifndef KSURF_SYNTH_KALLSYMS_H
#define KSURF_SYNTH_KALLSYMS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct synth_sym {
	uint64_t addr;
	char type;
	const char *name;
};

enum synth_layout {
	SYNTH_ABSOLUTE, /* addresses[], num_syms (long), names, markers (long), tokens */
	SYNTH_5_10,	/* offsets, relative_base, num_syms (long), names, markers (long)... */
	SYNTH_6_1,	/* offsets, relative_base, num_syms, names, markers (u32), seqs, tokens */
	SYNTH_7_X,	/* num_syms, names, markers, tokens, offsets (place-relative), seqs */
};

struct synth_opts {
	enum synth_layout layout;
	int be, ptr_size;
	int percpu;  /* SYNTH_5_10/6_1: absolute per-cpu encoding ('A' symbols) */
	size_t lead; /* filler bytes before the tables */
};

struct synth_img {
	uint8_t *data;
	size_t size, cap;
	int be;
	/* where things went, for corrupting them */
	size_t token_table, token_index, names, num_syms, markers, addrs;
	uint32_t rng;
};

static void sy_grow(struct synth_img *im, size_t n)
{
	if (im->size + n > im->cap) {
		im->cap = (im->size + n) * 2;
		im->data = realloc(im->data, im->cap);
		if (!im->data)
			abort();
	}
}

static void sy_put(struct synth_img *im, uint64_t v, int n)
{
	sy_grow(im, n);
	for (int i = 0; i < n; i++) {
		int shift = im->be ? 8 * (n - 1 - i) : 8 * i;

		im->data[im->size++] = (uint8_t)(v >> shift);
	}
}

static void sy_bytes(struct synth_img *im, const void *p, size_t n)
{
	sy_grow(im, n);
	memcpy(im->data + im->size, p, n);
	im->size += n;
}

static void sy_align(struct synth_img *im, size_t a)
{
	while (im->size % a)
		sy_put(im, 0, 1);
}

/* Deterministic filler: code-like noise without long zero runs. */
static void sy_filler(struct synth_img *im, size_t n)
{
	sy_grow(im, n);
	for (size_t i = 0; i < n; i++) {
		im->rng = im->rng * 1103515245u + 12345u;
		im->data[im->size++] = (uint8_t)(im->rng >> 16);
	}
}

struct sy_tokens {
	char tok[256][3];
	int pair[256][256]; /* token number of a two-character token, or -1 */
};

struct sy_pair {
	unsigned count;
	uint8_t a, b;
};

static int sy_pair_cmp(const void *x, const void *y)
{
	const struct sy_pair *p = x, *q = y;

	if (p->count != q->count)
		return p->count < q->count ? 1 : -1;
	return (p->a << 8 | p->b) - (q->a << 8 | q->b);
}

/* Characters stand for themselves; free slots take the most frequent pairs. */
static void sy_make_tokens(const struct synth_sym *syms, size_t n, struct sy_tokens *t)
{
	static unsigned count[256][256];
	static struct sy_pair pairs[256 * 256];
	size_t np = 0, next = 0;
	int used[256] = {0};

	memset(count, 0, sizeof(count));
	memset(t, 0, sizeof(*t));
	memset(t->pair, 0xff, sizeof(t->pair));
	for (int c = '0'; c <= '9'; c++)
		used[c] = 1;
	for (size_t i = 0; i < n; i++) {
		const char *s = syms[i].name;
		uint8_t prev = (uint8_t)syms[i].type;

		used[prev] = 1;
		for (; *s; prev = (uint8_t)*s++) {
			used[(uint8_t)*s] = 1;
			count[prev][(uint8_t)*s]++;
		}
	}
	for (int a = 33; a < 127; a++)
		for (int b = 33; b < 127; b++)
			if (count[a][b])
				pairs[np++] = (struct sy_pair){count[a][b], (uint8_t)a, (uint8_t)b};
	qsort(pairs, np, sizeof(pairs[0]), sy_pair_cmp);
	for (int slot = 0; slot < 256; slot++) {
		if (used[slot]) {
			t->tok[slot][0] = (char)slot;
			continue;
		}
		if (next == np) {
			/* no pair left: an unused but valid two-character token */
			t->tok[slot][0] = 'q';
			t->tok[slot][1] = (char)('A' + slot % 26);
			continue;
		}
		t->tok[slot][0] = (char)pairs[next].a;
		t->tok[slot][1] = (char)pairs[next].b;
		t->pair[pairs[next].a][pairs[next].b] = slot;
		next++;
	}
}

/* One names entry: length (1 or 2 bytes) and the token numbers of type+name. */
static void sy_put_entry(struct synth_img *im, const struct sy_tokens *t, char type,
			 const char *name)
{
	uint8_t buf[4096];
	size_t n = 0, len = strlen(name) + 1;
	char s[4096];

	snprintf(s, sizeof(s), "%c%s", type, name);
	for (size_t i = 0; i < len; i++) {
		int p = i + 1 < len ? t->pair[(uint8_t)s[i]][(uint8_t)s[i + 1]] : -1;

		buf[n++] = (uint8_t)(p >= 0 ? p : (uint8_t)s[i]);
		i += p >= 0;
	}
	if (n >= 0x80) {
		sy_put(im, 0x80 | (n & 0x7f), 1);
		sy_put(im, n >> 7, 1);
	} else {
		sy_put(im, n, 1);
	}
	sy_bytes(im, buf, n);
}

static void sy_put_names(struct synth_img *im, const struct sy_tokens *t,
			 const struct synth_sym *syms, size_t n, uint32_t *markers)
{
	im->names = im->size;
	for (size_t i = 0; i < n; i++) {
		if (i % 256 == 0)
			markers[i / 256] = (uint32_t)(im->size - im->names);
		sy_put_entry(im, t, syms[i].type, syms[i].name);
	}
}

static void sy_put_tokens(struct synth_img *im, const struct sy_tokens *t, size_t align)
{
	uint16_t off[256];
	size_t start = im->size;

	im->token_table = start;
	for (int k = 0; k < 256; k++) {
		off[k] = (uint16_t)(im->size - start);
		sy_bytes(im, t->tok[k], strlen(t->tok[k]) + 1);
	}
	sy_align(im, align);
	im->token_index = im->size;
	for (int k = 0; k < 256; k++)
		sy_put(im, off[k], 2);
}

/* Offsets relative to the first symbol, or with 'A' symbols absolute (per-cpu). */
static void sy_put_offsets(struct synth_img *im, const struct synth_sym *syms, size_t n, int percpu,
			   uint64_t *base)
{
	size_t i;

	for (i = 0; percpu && i < n && syms[i].type == 'A'; i++)
		;
	*base = i < n ? syms[i].addr : 0;
	im->addrs = im->size;
	for (i = 0; i < n; i++) {
		if (percpu && syms[i].type == 'A')
			sy_put(im, syms[i].addr, 4);
		else if (percpu)
			sy_put(im, (uint32_t)(-1 - (int64_t)(syms[i].addr - *base)), 4);
		else
			sy_put(im, syms[i].addr - *base, 4);
	}
}

static void sy_put_seqs(struct synth_img *im, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t b[3] = {(uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};

		sy_bytes(im, b, 3);
	}
}

/* The decoy: a u16 table of 0..255, as console fonts carry, holding "0\0" ... "9\0". */
static void sy_put_decoy(struct synth_img *im)
{
	sy_align(im, 2);
	for (int c = 0; c < 256; c++)
		sy_put(im, (uint16_t)c, 2);
}

/* Lay out syms (sorted by address) as opts says; caller frees im->data. */
static void synth_kallsyms(const struct synth_sym *syms, size_t n, const struct synth_opts *o,
			   struct synth_img *im)
{
	static struct sy_tokens t;
	size_t ps = o->ptr_size, nm = (n + 255) / 256, i;
	uint32_t *markers = calloc(nm ? nm : 1, sizeof(*markers));
	uint64_t base = 0;

	memset(im, 0, sizeof(*im));
	im->be = o->be;
	im->rng = 0x1234567u + (uint32_t)o->layout * 77u + (uint32_t)o->be * 3u;
	sy_make_tokens(syms, n, &t);
	sy_filler(im, o->lead);
	sy_put_decoy(im);
	sy_filler(im, 61);
	sy_align(im, ps);

	if (o->layout == SYNTH_ABSOLUTE) {
		im->addrs = im->size;
		for (i = 0; i < n; i++)
			sy_put(im, syms[i].addr, (int)ps);
	} else if (o->layout != SYNTH_7_X) {
		sy_put_offsets(im, syms, n, o->percpu, &base);
		sy_align(im, ps);
		sy_put(im, base, (int)ps);
	}
	im->num_syms = im->size;
	/* an unsigned long before 6.1, a u32 since */
	sy_put(im, n, o->layout <= SYNTH_5_10 ? (int)ps : 4);
	if (o->layout != SYNTH_7_X)
		sy_align(im, ps);
	sy_put_names(im, &t, syms, n, markers);
	sy_align(im, o->layout <= SYNTH_5_10 ? ps : 4);
	im->markers = im->size;
	for (i = 0; i < nm; i++)
		sy_put(im, markers[i], o->layout <= SYNTH_5_10 ? (int)ps : 4);
	if (o->layout == SYNTH_6_1) {
		sy_put_seqs(im, n);
		sy_align(im, ps);
	} else if (o->layout != SYNTH_7_X) {
		sy_align(im, ps);
	}
	sy_put_tokens(im, &t, o->layout == SYNTH_7_X ? 4 : ps);
	if (o->layout == SYNTH_7_X) {
		sy_align(im, 4);
		im->addrs = im->size;
		for (i = 0; i < n; i++) {
			/* 64-bit: from the entry's own place (an image offset here); 32-bit:
			 * the address itself */
			if (ps == 8)
				sy_put(im, (uint32_t)(syms[i].addr - (im->size)), 4);
			else
				sy_put(im, syms[i].addr, 4);
		}
		sy_put_seqs(im, n);
	}
	sy_filler(im, 333);
	free(markers);
}

#endif
