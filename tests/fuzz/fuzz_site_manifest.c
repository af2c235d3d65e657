/* SPDX-License-Identifier: MIT */
/*
 * The site's manifest (DIR/.ksurf-site, read from the user's directory; its paths are
 * deleted when a run no longer writes them): any bytes parse or give one error, and a
 * path that could reach outside the site is never accepted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/site.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int ret;

	ks_err_clear();
	ret = ks_site_manifest_check((const char *)data, size);
	if (ret && (!*ks_errmsg() || strncmp(ks_errmsg(), "manifest: ", 10)))
		abort();
	/* accepted: no line names a path with a ".." component or a leading '/' */
	if (!ret) {
		const char *p = (const char *)data, *end = p + size;

		while (p < end) {
			const char *e = memchr(p, '\n', (size_t)(end - p));
			size_t n = e ? (size_t)(e - p) : (size_t)(end - p);

			if (n > 34 && (p[33] == '/' || (n >= 35 && !memcmp(p + 33, "..", 2) &&
							 (n == 35 || p[35] == '/'))))
				abort();
			for (size_t i = 33; i + 3 < n; i++)
				if (!memcmp(p + i, "/../", 4))
					abort();
			p += n + 1;
		}
	}
	return 0;
}
