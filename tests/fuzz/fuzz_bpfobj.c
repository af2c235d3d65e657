/* SPDX-License-Identifier: MIT */
/*
 * The eBPF object reader on fuzz bytes: embedded-object scan, ELF + .BTF + .BTF.ext +
 * symbols + relocations, dependency derivation, then every CO-RE relocation evaluated
 * against the object's own BTF as the target (so malformed local and target types both
 * reach the matcher) and the reachability pass. Either an object or one error message.
 */
#include <bpf/btf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prog/check.h"
#include "prog/core.h"
#include "prog/obj.h"
#include "prog/reach.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ks_bpf_obj *o;
	size_t *offs, *sizes, n;
	struct ks_check c;

	ks_bpf_find_objects(data, size, &offs, &sizes, &n);
	for (size_t i = 0; i < n; i++)
		if (offs[i] > size || sizes[i] > size - offs[i])
			abort();
	free(offs);
	free(sizes);
	if (ks_bpf_obj_read(data, size, "fuzz", &o)) {
		if (!*ks_errmsg())
			abort(); /* a failure always says why */
		return 0;
	}
	ks_check_deps(o, &c);
	if (o->btf && o->nrelos) {
		struct ks_relo_result *res = calloc(o->nrelos, sizeof(*res));
		uint8_t *present = calloc(o->nexterns + 1, 1), *called = calloc(o->nexterns + 1, 1);
		uint8_t *reach = calloc(o->nrelos, 1);
		struct ks_core_ctx *cc;

		if (!res || !present || !called || !reach || ks_core_ctx_new(o, o->btf, &cc))
			abort();
		for (size_t i = 0; i < o->nrelos; i++)
			ks_core_eval(cc, &o->relos[i], &res[i]);
		ks_core_ctx_free(cc);
		ks_reach(o, res, present, reach, called);
		free(res);
		free(present);
		free(called);
		free(reach);
	}
	ks_check_free(&c);
	ks_bpf_obj_free(o);
	return 0;
}
