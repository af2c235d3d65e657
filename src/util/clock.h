/* SPDX-License-Identifier: MIT */
#ifndef KSURF_UTIL_CLOCK_H
#define KSURF_UTIL_CLOCK_H

/* Monotonic seconds. */
double ks_now(void);

/*
 * Phase timing for benchmarks: with $KSURF_TIMING set, ks_phase("name") prints the time
 * since the previous phase mark to stderr ("timing: name 0.123 s"). Costs nothing
 * otherwise.
 */
void ks_phase(const char *name);

/* Mute (1) or unmute (0) ks_phase on the calling thread: the per-module phases of
 * thousands of modules extracted on every core would only be noise. */
void ks_phase_mute(int mute);

#endif
