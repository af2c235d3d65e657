/* SPDX-License-Identifier: MIT */
#ifndef KSURF_UTIL_ERR_H
#define KSURF_UTIL_ERR_H

/*
 * One error convention everywhere (as libbpf): functions return 0 or a negative errno,
 * and the one-line human message of the most recent failure is kept here. A message
 * names the input (file, offset or item) and what is wrong, e.g.
 * "linux-image.deb: data.tar.xz: truncated at offset 0x1234".
 */
int ks_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefix the current message with "prefix: " (adds context on the way up). */
int ks_err_ctx(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *ks_errmsg(void);
void ks_err_clear(void);

/* Warnings go to stderr at once ("ksurf: warning: ..."), unless quieted. */
void ks_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int ks_quiet;

#endif
