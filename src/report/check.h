/* SPDX-License-Identifier: MIT */
#ifndef KSURF_REPORT_CHECK_H
#define KSURF_REPORT_CHECK_H

#include <stdio.h>

#include "prog/check.h"
#include "report/report.h"

/*
 * `ksurf check` output. A check of several objects writes one report: text/md print
 * each object's matrix (dependencies × images, one symbol a cell) and the details of
 * every cell that is not ok; json is one document (docs/check.md); html one page.
 * labels[i]: the column label of image i; names[i]: its full name.
 */
struct ks_check_report {
	const struct ks_check *checks;
	size_t nchecks;
	const char *const *labels;
	const char *const *names;
	size_t nimages;
	int verbose; /* every relocation with its result per image */
};

int ks_report_check(FILE *out, const struct ks_check_report *r, enum ks_format fmt,
		    const struct ks_style *st);

#endif
