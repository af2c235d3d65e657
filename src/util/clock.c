/* SPDX-License-Identifier: MIT */
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

double ks_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static _Thread_local int muted;

void ks_phase_mute(int mute)
{
	muted = mute;
}

void ks_phase(const char *name)
{
	static int enabled = -1;
	static double last;
	double t;

	if (muted)
		return;
	if (enabled < 0)
		enabled = getenv("KSURF_TIMING") != NULL;
	if (!enabled)
		return;
	t = ks_now();
	if (last > 0)
		fprintf(stderr, "timing: %-28s %.3f s\n", name, t - last);
	last = t;
}
