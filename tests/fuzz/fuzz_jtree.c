/* SPDX-License-Identifier: MIT */
/*
 * ks_jparse on arbitrary bytes, against jansson as the oracle: whatever both accept
 * reads the same; what only one accepts is one of the documented differences (we
 * refuse \u0000, NUL bytes, numbers over 127 characters and nesting over 512; jansson
 * refuses invalid UTF-8 and integers beyond 64 bits, and stops reading at a NUL byte);
 * errors name a byte offset.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/jtree_oracle.h"
#include "util/err.h"
#include "util/jtree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ks_jdoc doc;
	json_error_t e;
	json_t *j = json_loadb((const char *)data, size,
			       JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
	int ret = ks_jparse(&doc, (const char *)data, size);

	if (ret) {
		if (strncmp(ks_errmsg(), "definition: ", 12) || !strstr(ks_errmsg(), " at byte "))
			abort();
		if (j && !memmem(data, size, "\\u0000", 6) && !memchr(data, 0, size) &&
		    !strstr(ks_errmsg(), "number too long") && !strstr(ks_errmsg(), "nesting"))
			abort();
	} else {
		/* duplicate keys: jansson refuses them, we keep both (ks_jget finds the first) */
		if (j && !jtree_same(doc.root, j))
			abort();
		if (!ks_jequal(doc.root, doc.root))
			abort();
		ks_jdoc_free(&doc);
	}
	json_decref(j);
	return 0;
}
