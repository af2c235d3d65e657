/* SPDX-License-Identifier: MIT */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char ks_msg[1024];
int ks_quiet;

int ks_err(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ks_msg, sizeof(ks_msg), fmt, ap);
	va_end(ap);
	return code;
}

int ks_err_ctx(int code, const char *fmt, ...)
{
	char prefix[512], old[sizeof(ks_msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, ks_msg, sizeof(old));
	if (!old[0])
		snprintf(old, sizeof(old), "%s", strerror(code < 0 ? -code : code));
	/* Build "prefix: old" by hand: the result is cut at the buffer's end on purpose. */
	size_t pl = strlen(prefix), ol = strlen(old);
	if (pl > sizeof(ks_msg) - 3)
		pl = sizeof(ks_msg) - 3;
	memcpy(ks_msg, prefix, pl);
	memcpy(ks_msg + pl, ": ", 2);
	if (ol > sizeof(ks_msg) - pl - 3)
		ol = sizeof(ks_msg) - pl - 3;
	memcpy(ks_msg + pl + 2, old, ol);
	ks_msg[pl + 2 + ol] = '\0';
	return code;
}

const char *ks_errmsg(void)
{
	return ks_msg[0] ? ks_msg : "unknown error";
}

void ks_err_clear(void)
{
	ks_msg[0] = '\0';
}

void ks_warn(const char *fmt, ...)
{
	va_list ap;

	if (ks_quiet)
		return;
	fputs("ksurf: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
