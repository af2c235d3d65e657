/* SPDX-License-Identifier: MIT */
#ifndef KSURF_PROG_REACH_H
#define KSURF_PROG_REACH_H

#include <stdint.h>

#include "prog/core.h"
#include "prog/obj.h"

/*
 * Which instructions the kernel's verifier would still reach once libbpf has patched the
 * object for one target: constants that CO-RE writes (field_exists, type_exists,
 * enumval_exists, sizes, offsets) and the addresses of weak ksyms (0 when missing) are
 * propagated through registers and 8-byte stack slots, and a conditional jump whose
 * outcome is then known follows one edge only, as the verifier prunes dead branches.
 * A poisoned instruction that is unreachable is harmless: the relocation is guarded.
 *
 * res: one result per o->relos; ext_present: one flag per o->externs (1 when the target
 * has it). Out: relo_reach[i] = 1 when relocation i's instruction is reachable;
 * ext_call_reach[e] = 1 when a call to extern e is reachable.
 */
void ks_reach(const struct ks_bpf_obj *o, const struct ks_relo_result *res,
	      const uint8_t *ext_present, uint8_t *relo_reach, uint8_t *ext_call_reach);

#endif
