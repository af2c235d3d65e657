/* SPDX-License-Identifier: MIT */
#ifndef KSURF_INGEST_DWARF_PROTO_H
#define KSURF_INGEST_DWARF_PROTO_H

#include <elfutils/libdw.h>

#include "util/strbuf.h"

/*
 * Append the prototype of subprogram fn, named name, to out as lines: the C prototype
 * ("int f(struct a *p, int n)", no ';'), the return type, then one line per parameter:
 * name, type, declaration separated by tabs ("...\t...\t..." for a variadic tail).
 * Written as the C printer writes BTF (docs/defs.md): a function BTF has no FUNC of
 * reads the same. Nested or cyclic type chains stop at 32 levels, and a prototype at
 * 4096 type DIEs visited ("?").
 */
void ks_dwarf_proto(Dwarf_Die *fn, const char *name, struct strbuf *out);

#endif
