/* SPDX-License-Identifier: MIT */
/*
 * Debian packages from arbitrary bytes: the ar, both tars and their compressions. The
 * callback reads every byte it is handed (so ASan sees any bad pointer or size) and
 * derives the identity from the member's release and the control fields, as ingest does;
 * a failure must leave one line of message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/identity.h"
#include "ingest/pkg.h"
#include "util/err.h"

struct seen {
	unsigned sum;
	const struct ks_pkg_info *info;
};

static int touch(const struct ks_pkg_member *m, void *ctx)
{
	struct seen *s = ctx;
	struct ks_identity id = {0};

	for (size_t i = 0; i < m->size; i++)
		s->sum += m->data[i];
	s->sum += (unsigned)strlen(m->path);
	if (m->role == KS_PART_NONE || !m->release)
		abort();
	ks_identity_from_release(&id, m->release, s->info->version, s->info->arch);
	ks_identity_make_name(&id);
	s->sum += (unsigned)strlen(id.name);
	ks_identity_free(&id);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ks_pkg_info info = {0};
	struct seen s = {.info = &info};
	volatile unsigned sink;
	int r;

	ks_err_clear();
	r = ks_pkg_read_mem("fuzz.deb", data, size, &info, touch, &s);
	if (r < 0 && (!strcmp(ks_errmsg(), "unknown error") || strchr(ks_errmsg(), '\n')))
		abort();
	if (r > 0)
		abort();
	s.sum += info.package ? (unsigned)strlen(info.package) : 0;
	s.sum += info.version ? (unsigned)strlen(info.version) : 0;
	s.sum += info.arch ? (unsigned)strlen(info.arch) : 0;
	s.sum += info.source ? (unsigned)strlen(info.source) : 0;
	s.sum += info.maintainer ? (unsigned)strlen(info.maintainer) : 0;
	sink = s.sum;
	(void)sink;
	ks_pkg_info_free(&info);
	return 0;
}
