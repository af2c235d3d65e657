/* SPDX-License-Identifier: MIT */
/* A read-only JSON tree in arena blocks (see jtree.h). */
#include "util/jtree.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

#define MAX_DEPTH 512

/*
 * The first block is sized from the text (a def of a few hundred bytes must not cost
 * 64 KiB: a diff keeps ~10^5 of them), later ones double.
 */
struct ks_jblock {
	struct ks_jblock *next;
	size_t used, cap;
	_Alignas(max_align_t) unsigned char data[];
};

/* The parser's state: the text, where it is, and the stack of finished children. */
struct parser {
	struct ks_jdoc *doc;
	const char *s, *end, *start;
	struct ks_jnode *stack;
	size_t top, cap;
	int depth;
};

static void *arena_alloc(struct ks_jdoc *doc, size_t size, size_t hint)
{
	struct ks_jblock *b = doc->blocks;
	void *p;

	size = (size + 7) & ~(size_t)7;
	if (!b || b->cap - b->used < size) {
		size_t cap = b ? 2 * b->cap : hint;

		if (cap < size)
			cap = size;

		if (!(b = malloc(sizeof(*b) + cap)))
			abort();
		b->cap = cap;
		b->used = 0;
		b->next = doc->blocks;
		doc->blocks = b;
	}
	p = b->data + b->used;
	b->used += size;
	return p;
}

static int fail(struct parser *p, const char *what)
{
	return ks_err(-EINVAL, "definition: %s at byte %zu", what, (size_t)(p->s - p->start));
}

static void skip_ws(struct parser *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\n' || *p->s == '\t' || *p->s == '\r'))
		p->s++;
}

static struct ks_jnode *push(struct parser *p)
{
	if (p->top == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		if (!(p->stack = realloc(p->stack, p->cap * sizeof(*p->stack))))
			abort();
	}
	memset(&p->stack[p->top], 0, sizeof(p->stack[0]));
	return &p->stack[p->top++];
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* An escape sequence after the backslash at *ps: its UTF-8 bytes at o. */
static int unescape(struct parser *p, const char **ps, char **po)
{
	const char *s = *ps;
	unsigned cp, lo;

	if (p->end - s < 2)
		return fail(p, "unterminated string");
	switch (s[1]) {
	case '"': case '\\': case '/':
		*(*po)++ = s[1];
		*ps = s + 2;
		return 0;
	case 'b': *(*po)++ = '\b'; *ps = s + 2; return 0;
	case 'f': *(*po)++ = '\f'; *ps = s + 2; return 0;
	case 'n': *(*po)++ = '\n'; *ps = s + 2; return 0;
	case 'r': *(*po)++ = '\r'; *ps = s + 2; return 0;
	case 't': *(*po)++ = '\t'; *ps = s + 2; return 0;
	case 'u':
		break;
	default:
		p->s = s;
		return fail(p, "bad escape in a string");
	}
	if (p->end - s < 6 || hex4(s + 2, &cp)) {
		p->s = s;
		return fail(p, "bad \\u escape");
	}
	s += 6;
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (p->end - s < 6 || s[0] != '\\' || s[1] != 'u' || hex4(s + 2, &lo) ||
		    lo < 0xdc00 || lo > 0xdfff) {
			p->s = s;
			return fail(p, "unpaired surrogate in a \\u escape");
		}
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		s += 6;
	} else if (cp >= 0xdc00 && cp < 0xe000) {
		p->s = s;
		return fail(p, "unpaired surrogate in a \\u escape");
	} else if (cp == 0) {
		/* a NUL would cut the C string the differs see */
		p->s = s;
		return fail(p, "\\u0000 in a string");
	}
	*po = put_utf8(*po, cp);
	*ps = s;
	return 0;
}

/* The string at p->s ('"'): copied, unescaped, into the arena. */
static int parse_string(struct parser *p, const char **out, uint32_t *len)
{
	const char *s = p->s + 1, *q = s;
	char *buf, *o;
	int ret;

	while (q < p->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
		q++;
	if (q >= p->end)
		return fail(p, "unterminated string");
	if ((size_t)(p->end - s) >= UINT32_MAX)
		return fail(p, "string too long");
	/* the unescaped string is never longer than its text */
	buf = arena_alloc(p->doc, (size_t)(q - s) + (*q == '"' ? 1 : (size_t)(p->end - q) + 1), 0);
	memcpy(buf, s, (size_t)(q - s));
	o = buf + (q - s);
	while (*q != '"') {
		if ((unsigned char)*q < 0x20) {
			p->s = q;
			return fail(p, "control character in a string");
		}
		if (*q == '\\') {
			if ((ret = unescape(p, &q, &o)))
				return ret;
		} else {
			*o++ = *q++;
		}
		if (q >= p->end)
			return fail(p, "unterminated string");
	}
	*o = '\0';
	*out = buf;
	*len = (uint32_t)(o - buf);
	p->s = q + 1;
	return 0;
}

static int parse_number(struct parser *p, struct ks_jnode *n)
{
	const char *s = p->s, *q = s;
	unsigned long long v = 0;
	int neg = 0, overflow = 0, real = 0;
	char tmp[128];

	if (q < p->end && *q == '-')
		neg = 1, q++;
	if (q >= p->end || *q < '0' || *q > '9')
		return fail(p, "bad number");
	if (*q == '0' && q + 1 < p->end && q[1] >= '0' && q[1] <= '9')
		return fail(p, "number with a leading zero");
	for (; q < p->end && *q >= '0' && *q <= '9'; q++) {
		unsigned d = (unsigned)(*q - '0');

		if (v > (ULLONG_MAX - d) / 10)
			overflow = 1;
		v = v * 10 + d;
	}
	if (q < p->end && *q == '.') {
		real = 1;
		if (++q >= p->end || *q < '0' || *q > '9')
			return fail(p, "bad number");
		while (q < p->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < p->end && (*q == 'e' || *q == 'E')) {
		real = 1;
		if (++q < p->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= p->end || *q < '0' || *q > '9')
			return fail(p, "bad number");
		while (q < p->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (!real && !overflow && v <= (unsigned long long)LLONG_MAX + (unsigned)neg) {
		n->type = KS_JINT;
		n->u.i = neg ? (long long)(0 - v) : (long long)v;
	} else {
		if ((size_t)(q - s) >= sizeof(tmp))
			return fail(p, "number too long");
		memcpy(tmp, s, (size_t)(q - s));
		tmp[q - s] = '\0';
		n->type = KS_JREAL;
		n->u.d = strtod(tmp, NULL);
	}
	p->s = q;
	return 0;
}

static int parse_value(struct parser *p, struct ks_jnode *n);

/* '[' or '{' at p->s: children parsed onto the stack, then moved into the arena. */
static int parse_container(struct parser *p, struct ks_jnode *n)
{
	int obj = *p->s == '{';
	char close = obj ? '}' : ']';
	size_t base = p->top;
	int ret = 0;

	if (++p->depth > MAX_DEPTH)
		return fail(p, "nesting too deep");
	p->s++;
	skip_ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
	} else {
		for (;;) {
			struct ks_jnode tmp = {0};
			const char *key = NULL;
			uint32_t klen;

			skip_ws(p);
			if (obj) {
				if (p->s >= p->end || *p->s != '"')
					return fail(p, "expected a key");
				if ((ret = parse_string(p, &key, &klen)))
					return ret;
				skip_ws(p);
				if (p->s >= p->end || *p->s != ':')
					return fail(p, "expected ':'");
				p->s++;
				skip_ws(p);
			}
			/* the stack may move while the value's own children are parsed */
			if ((ret = parse_value(p, &tmp)))
				return ret;
			tmp.key = key;
			*push(p) = tmp;
			skip_ws(p);
			if (p->s < p->end && *p->s == ',') {
				p->s++;
				continue;
			}
			if (p->s < p->end && *p->s == close) {
				p->s++;
				break;
			}
			return fail(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
		}
	}
	n->type = obj ? KS_JOBJ : KS_JARR;
	n->len = (uint32_t)(p->top - base);
	if (n->len) {
		struct ks_jnode *kids = arena_alloc(p->doc, n->len * sizeof(*kids), 0);

		memcpy(kids, &p->stack[base], n->len * sizeof(*kids));
		n->u.kids = kids;
	}
	p->top = base;
	p->depth--;
	return 0;
}

static int literal(struct parser *p, const char *word, size_t len)
{
	if ((size_t)(p->end - p->s) < len || memcmp(p->s, word, len))
		return fail(p, "unexpected character");
	p->s += len;
	return 0;
}

static int parse_value(struct parser *p, struct ks_jnode *n)
{
	if (p->s >= p->end)
		return fail(p, "unexpected end");
	switch (*p->s) {
	case '{':
	case '[':
		return parse_container(p, n);
	case '"':
		n->type = KS_JSTR;
		return parse_string(p, &n->u.str, &n->len);
	case 't':
		n->type = KS_JTRUE;
		return literal(p, "true", 4);
	case 'f':
		n->type = KS_JFALSE;
		return literal(p, "false", 5);
	case 'n':
		n->type = KS_JNULL;
		return literal(p, "null", 4);
	default:
		return parse_number(p, n);
	}
}

int ks_jparse(struct ks_jdoc *doc, const char *text, size_t len)
{
	struct parser p = {.doc = doc, .s = text, .end = text + len, .start = text};
	struct ks_jnode *root;
	int ret;

	memset(doc, 0, sizeof(*doc));
	/* ~ a node per 8 bytes of a def, its strings once */
	root = arena_alloc(doc, sizeof(*root), len * 3 + 128);
	memset(root, 0, sizeof(*root));
	skip_ws(&p);
	ret = parse_value(&p, root);
	if (!ret) {
		skip_ws(&p);
		if (p.s != p.end)
			ret = fail(&p, "text after the value");
	}
	free(p.stack);
	if (ret) {
		ks_jdoc_free(doc);
		return ret;
	}
	doc->root = root;
	return 0;
}

void ks_jdoc_free(struct ks_jdoc *doc)
{
	struct ks_jblock *b = doc->blocks, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	memset(doc, 0, sizeof(*doc));
}

const struct ks_jnode *ks_jget(const struct ks_jnode *obj, const char *key)
{
	if (!ks_jis(obj, KS_JOBJ))
		return NULL;
	for (uint32_t i = 0; i < obj->len; i++) {
		const char *k = obj->u.kids[i].key;

		if (k[0] == key[0] && !strcmp(k, key))
			return &obj->u.kids[i];
	}
	return NULL;
}

const struct ks_jnode *ks_jat(const struct ks_jnode *arr, size_t i)
{
	return ks_jis(arr, KS_JARR) && i < arr->len ? &arr->u.kids[i] : NULL;
}

size_t ks_jlen(const struct ks_jnode *arr)
{
	return ks_jis(arr, KS_JARR) ? arr->len : 0;
}

const char *ks_jstr(const struct ks_jnode *n)
{
	return ks_jis(n, KS_JSTR) ? n->u.str : "";
}

long long ks_jint(const struct ks_jnode *n)
{
	return ks_jis(n, KS_JINT) ? n->u.i : 0;
}

const char *ks_jget_str(const struct ks_jnode *obj, const char *key)
{
	return ks_jstr(ks_jget(obj, key));
}

long long ks_jget_int(const struct ks_jnode *obj, const char *key)
{
	return ks_jint(ks_jget(obj, key));
}

bool ks_jequal(const struct ks_jnode *a, const struct ks_jnode *b)
{
	if (!a || !b)
		return a == b;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case KS_JINT:
		return a->u.i == b->u.i;
	case KS_JREAL:
		return a->u.d == b->u.d;
	case KS_JSTR:
		return a->len == b->len && !memcmp(a->u.str, b->u.str, a->len);
	case KS_JARR:
		if (a->len != b->len)
			return false;
		for (uint32_t i = 0; i < a->len; i++)
			if (!ks_jequal(&a->u.kids[i], &b->u.kids[i]))
				return false;
		return true;
	case KS_JOBJ:
		if (a->len != b->len)
			return false;
		/* members in the same order (canonical defs, duplicate keys) ... */
		for (uint32_t i = 0; i < a->len; i++)
			if (strcmp(a->u.kids[i].key, b->u.kids[i].key) ||
			    !ks_jequal(&a->u.kids[i], &b->u.kids[i]))
				goto by_key;
		return true;
by_key:
		/* ... or in another order, each key once */
		for (uint32_t i = 0; i < a->len; i++)
			if (!ks_jequal(&a->u.kids[i], ks_jget(b, a->u.kids[i].key)))
				return false;
		return true;
	default:
		return true;
	}
}
