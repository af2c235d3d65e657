/* SPDX-License-Identifier: MIT */
/*
 * The test oracle for `ksurf check`: libbpf itself. Opens an eBPF object with a custom
 * target BTF (bpf_object_open_opts.btf_custom_path), loads it (CO-RE relocation happens
 * before any program reaches the kernel), and prints what libbpf's debug log says it did
 * with each relocation, one line each:
 *   PROG RELO INSN ok NEW | PROG RELO INSN poison | PROG RELO - error
 * Needs the privilege to create maps (root). Exit 77 when loading is not permitted.
 *   core_oracle OBJ TARGET_BTF
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct line {
	char prog[128];
	int relo, insn;
	char what[8];
	unsigned long long val;
};

static struct line *lines;
static size_t nlines;

static struct line *find(const char *prog, int relo)
{
	for (size_t i = 0; i < nlines; i++)
		if (!strcmp(lines[i].prog, prog) && lines[i].relo == relo)
			return &lines[i];
	lines = realloc(lines, (nlines + 1) * sizeof(*lines));
	if (!lines)
		abort();
	memset(&lines[nlines], 0, sizeof(*lines));
	snprintf(lines[nlines].prog, sizeof(lines[nlines].prog), "%s", prog);
	lines[nlines].relo = relo;
	lines[nlines].insn = -1;
	return &lines[nlines++];
}

static int print(enum libbpf_print_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static int print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[2048], prog[128], kind[32];
	unsigned long long a, b;
	int relo, insn;
	const char *p;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (getenv("ORACLE_LOG"))
		fputs(buf, stderr);
	if (sscanf(buf, "libbpf: prog '%127[^']': relo #%d: %n", prog, &relo, &insn) < 2 &&
	    sscanf(buf, "prog '%127[^']': relo #%d: %n", prog, &relo, &insn) < 2)
		return 0;
	p = strstr(buf, "relo #");
	p = strchr(p, ':') + 2;
	if (sscanf(p, "patched insn #%d (%31[^)]) %*s %llu -> %llu", &insn, kind, &a, &b) == 4) {
		struct line *l = find(prog, relo);

		if (!strcmp(l->what, "poison"))
			return 0;
		if (strstr(p, "mem_sz"))
			return 0;
		l->insn = insn;
		snprintf(l->what, sizeof(l->what), "ok");
		l->val = b;
	} else if (sscanf(p, "substituting insn #%d", &insn) == 1) {
		struct line *l = find(prog, relo);

		if (l->insn < 0 || insn < l->insn)
			l->insn = insn;
		snprintf(l->what, sizeof(l->what), "poison");
	} else if (strstr(p, "ambiguity") || strstr(p, "failed") || strstr(p, "unexpected insn") ||
		   strstr(p, "can't be") || strstr(p, "too big") || strstr(p, "doesn't support")) {
		struct line *l = find(prog, relo);

		snprintf(l->what, sizeof(l->what), "error");
	}
	return 0;
}

static int cmp(const void *x, const void *y)
{
	const struct line *a = x, *b = y;
	int c = strcmp(a->prog, b->prog);

	return c ? c : a->relo - b->relo;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	struct bpf_object *obj;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: core_oracle OBJ TARGET_BTF\n");
		return 2;
	}
	libbpf_set_print(print);
	opts.btf_custom_path = argv[2];
	obj = bpf_object__open_file(argv[1], &opts);
	if (!obj) {
		fprintf(stderr, "core_oracle: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	err = bpf_object__load(obj);
	bpf_object__close(obj);
	if (!nlines && (err == -EPERM || err == -EACCES)) {
		fprintf(stderr, "core_oracle: not permitted to load BPF here\n");
		return 77;
	}
	qsort(lines, nlines, sizeof(*lines), cmp);
	for (size_t i = 0; i < nlines; i++) {
		if (!strcmp(lines[i].what, "ok"))
			printf("%s %d %d ok %llu\n", lines[i].prog, lines[i].relo, lines[i].insn,
			       lines[i].val);
		else if (!strcmp(lines[i].what, "poison"))
			printf("%s %d %d poison\n", lines[i].prog, lines[i].relo, lines[i].insn);
		else
			printf("%s %d - error\n", lines[i].prog, lines[i].relo);
	}
	free(lines);
	return 0;
}
