/* SPDX-License-Identifier: MIT */
/*
 * A tiny unit-test harness. Each test file defines tests with TEST(name) and lists
 * them in main() via RUN(name); CHECK* records failures and goes on; the last line is
 * "N passed, N failed". Exit 77 means skipped (CTest SKIP_RETURN_CODE).
 */
#ifndef KSURF_TEST_H
#define KSURF_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_failed_checks, t_passed, t_failed, t_cur_failed;

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
			t_failed_checks++;                                                 \
			t_cur_failed = 1;                                                  \
		}                                                                          \
	} while (0)

#define CHECK_STR(a, b)                                                                    \
	do {                                                                               \
		const char *_a = (a), *_b = (b);                                           \
		if (!_a || !_b || strcmp(_a, _b)) {                                        \
			fprintf(stderr, "%s:%d: CHECK_STR failed: %s\n  got:      \"%s\"\n  expected: \"%s\"\n", \
				__FILE__, __LINE__, #a, _a ? _a : "(null)", _b ? _b : "(null)"); \
			t_failed_checks++;                                                 \
			t_cur_failed = 1;                                                  \
		}                                                                          \
	} while (0)

#define CHECK_INT(a, b)                                                                    \
	do {                                                                               \
		long long _a = (long long)(a), _b = (long long)(b);                        \
		if (_a != _b) {                                                            \
			fprintf(stderr, "%s:%d: CHECK_INT failed: %s == %lld, expected %lld\n", \
				__FILE__, __LINE__, #a, _a, _b);                           \
			t_failed_checks++;                                                 \
			t_cur_failed = 1;                                                  \
		}                                                                          \
	} while (0)

#define TEST(name) static void test_##name(void)
#define RUN(name)                                                                          \
	do {                                                                               \
		t_cur_failed = 0;                                                          \
		test_##name();                                                             \
		if (t_cur_failed) {                                                        \
			t_failed++;                                                        \
			fprintf(stderr, "FAIL %s\n", #name);                               \
		} else {                                                                   \
			t_passed++;                                                        \
			printf("ok   %s\n", #name);                                        \
		}                                                                          \
	} while (0)

#define TEST_SUMMARY()                                                                     \
	(printf("%d passed, %d failed\n", t_passed, t_failed), t_failed ? 1 : 0)

/* The shared real-kernel directory, or NULL when absent. */
static inline const char *test_shared_dir(void)
{
	const char *d = getenv("KSURF_SHARED");
	static char buf[4096];

	if (!d || !*d)
		return NULL;
	snprintf(buf, sizeof(buf), "%s/INDEX.tsv", d);
	FILE *f = fopen(buf, "r");
	if (!f)
		return NULL;
	fclose(f);
	return d;
}

#endif
