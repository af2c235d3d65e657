/* SPDX-License-Identifier: MIT */
/*
 * Image identity from a kernel release string (uname -r) and a package's version and
 * architecture. The release forms met in practice:
 *
 *   6.1.0-50-cloud-amd64        Debian up to 6.12: x.y.0-<ABI>-<flavor>; the real
 *                               upstream version is only in the package (6.1.176-1)
 *   7.2.13+deb14-rt-amd64       Debian since trixie: x.y.z+deb<NN>-<flavor>
 *   5.10.0-0.deb10.16-amd64     old Debian backports: the ABI token is "0.deb10.16"
 *   5.4.0-26-generic            Ubuntu: x.y.z-<ABI>-<flavor>, package 5.4.0-26.30
 *   6.18.44-fc-v657             anything else: x.y.z-<local version>; the local version
 *                               becomes the flavor (it is what tells builds apart), with
 *                               no revision and distro ""
 *   6.6.0-rc1-amd64             release candidates: the version is "6.6.0~rc1", so that
 *                               it sorts before 6.6.0 (dpkg's convention)
 */
#include "ingest/identity.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const size_t id_fields[] = {
    offsetof(struct ks_identity, name),	    offsetof(struct ks_identity, version),
    offsetof(struct ks_identity, revision), offsetof(struct ks_identity, flavor),
    offsetof(struct ks_identity, arch),	    offsetof(struct ks_identity, distro),
    offsetof(struct ks_identity, release),
};
#define N_FIELDS (sizeof(id_fields) / sizeof(id_fields[0]))

static char **field(const struct ks_identity *id, size_t i)
{
	return (char **)((char *)id + id_fields[i]);
}

static char *xstrndup(const char *s, size_t n)
{
	char *r = strndup(s, n);

	if (!r)
		abort();
	return r;
}

static char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

static void set_field(char **f, const char *s, size_t n)
{
	free(*f);
	*f = s ? xstrndup(s, n) : NULL;
}

void ks_identity_free(struct ks_identity *id)
{
	if (!id)
		return;
	for (size_t i = 0; i < N_FIELDS; i++) {
		free(*field(id, i));
		*field(id, i) = NULL;
	}
}

/* "" means unknown as much as NULL does (an Ubuntu "generic" flavor names no arch). */
void ks_identity_fill(struct ks_identity *dst, const struct ks_identity *src)
{
	for (size_t i = 0; i < N_FIELDS; i++) {
		char **d = field(dst, i), *s = *field(src, i);

		if (s && (!*d || (!**d && *s)))
			set_field(d, s, strlen(s));
	}
}

void ks_identity_override(struct ks_identity *dst, const struct ks_identity *src)
{
	for (size_t i = 0; i < N_FIELDS; i++) {
		char *s = *field(src, i);

		if (s)
			set_field(field(dst, i), s, strlen(s));
	}
}

void ks_identity_make_name(struct ks_identity *id)
{
	const char *parts[] = {id->version, id->revision, id->flavor, id->arch};
	struct strbuf sb = STRBUF_INIT;

	/* Unknown parts are left out ("6.18.44-fc-v657-amd64"); nothing known at all
	 * still needs a name. */
	sb_init(&sb);
	for (size_t i = 0; i < 4; i++) {
		if (!parts[i] || !*parts[i])
			continue;
		if (sb.len)
			sb_addc(&sb, '-');
		sb_add(&sb, parts[i]);
	}
	if (!sb.len)
		sb_add(&sb, "unknown");
	free(id->name);
	id->name = sb_detach(&sb);
}

/* ---- architecture hints in flavor names ---- */

/*
 * Debian's kernel flavors (and Ubuntu's few arch-specific ones). A flavor matches a
 * hint when it is the hint, ends in "-<hint>" (cloud-amd64, rt-686-pae) or starts with
 * "<hint>-" (arm64-16k, powerpc64le-64k). Longer hints come first.
 */
static const struct {
	const char *hint;
	const char *arch;
	int debian;
} arch_hints[] = {
    {"686-pae", "i386", 1},
    {"686", "i386", 1},
    {"amd64", "amd64", 1},
    {"arm64", "arm64", 1},
    {"armmp-lpae", "armhf", 1},
    {"armmp", "armhf", 1},
    {"marvell", "armel", 1},
    {"rpi", "armel", 1}, /* Debian builds its Raspberry Pi 1/Zero flavor for armel */
    {"powerpc64le", "ppc64el", 1},
    {"powerpc64", "ppc64", 1},
    {"powerpc-smp", "powerpc", 1},
    {"powerpc", "powerpc", 1},
    {"s390x", "s390x", 1},
    {"riscv64", "riscv64", 1},
    {"loong64", "loong64", 1},
    {"mips64r2el", "mips64el", 1},
    {"mips64r6el", "mips64el", 1},
    {"octeon", "mips64el", 1},
    {"loongson-3", "mips64el", 1},
    {"mips32r2el", "mipsel", 1},
    {"mips32r6el", "mipsel", 1},
    {"mips64r2eb", "mips64", 1},
    {"mips32r2eb", "mips", 1},
    {"alpha-generic", "alpha", 1},
    {"alpha-smp", "alpha", 1},
    {"parisc64", "hppa", 1},
    {"parisc", "hppa", 1},
    {"m68k", "m68k", 1},
    {"sh7751r", "sh4", 1},
    {"sh7785lcr", "sh4", 1},
    {"sparc64-smp", "sparc64", 1},
    {"sparc64", "sparc64", 1},
    {"generic-64k", "arm64", 0},
    {"lowlatency-64k", "arm64", 0},
    {"generic-lpae", "armhf", 0},
};

static int flavor_has_hint(const char *flavor, const char *hint)
{
	size_t fl = strlen(flavor), hl = strlen(hint);

	if (fl == hl)
		return !strcmp(flavor, hint);
	if (fl < hl + 1)
		return 0;
	if (!strncmp(flavor, hint, hl) && flavor[hl] == '-')
		return 1;
	return flavor[fl - hl - 1] == '-' && !strcmp(flavor + fl - hl, hint);
}

static int arch_hint(const char *flavor)
{
	if (!flavor)
		return -1;
	for (size_t i = 0; i < sizeof(arch_hints) / sizeof(arch_hints[0]); i++)
		if (flavor_has_hint(flavor, arch_hints[i].hint))
			return (int)i;
	return -1;
}

const char *ks_arch_from_flavor(const char *flavor)
{
	int i = arch_hint(flavor);

	return i < 0 ? "" : arch_hints[i].arch;
}

/* Ubuntu's flavors name a purpose or a cloud, never an arch (its 64k/lpae ones aside). */
static int ubuntu_flavor(const char *flavor)
{
	static const char *const stems[] = {
	    "generic", "lowlatency", "aws",    "azure",	    "gcp",	"gke",	 "gkeop",
	    "oracle",  "kvm",	     "oem",    "ibm",	    "nvidia",	"raspi", "realtime",
	    "intel",   "virtual",    "xilinx", "bluefield", "starfive", "fips",
	};
	size_t n = strcspn(flavor, "-");

	for (size_t i = 0; i < sizeof(stems) / sizeof(stems[0]); i++)
		if (strlen(stems[i]) == n && !strncmp(flavor, stems[i], n))
			return 1;
	return 0;
}

/* ---- release strings ---- */

/* Length of the leading dotted number ("6.1.176" of "6.1.176-1"), 0 when none. */
static size_t version_len(const char *s)
{
	size_t n = 0;

	while (isdigit((unsigned char)s[n]) ||
	       (n && s[n] == '.' && isdigit((unsigned char)s[n + 1])))
		n++;
	return n;
}

/* Length of "x.y" at the start of a version: up to the second dot. */
static size_t major_minor_len(const char *v, size_t len)
{
	const char *dot = memchr(v, '.', len);

	if (!dot)
		return len;
	dot = memchr(dot + 1, '.', len - (size_t)(dot + 1 - v));
	return dot ? (size_t)(dot - v) : len;
}

struct release_parts {
	const char *ver, *rc, *rev, *flavor;
	size_t ver_len, rc_len, rev_len;
	int new_style; /* "+debNN" */
};

static void split_release(const char *r, struct release_parts *p)
{
	const char *s, *dash;

	memset(p, 0, sizeof(*p));
	p->ver_len = version_len(r);
	if (!p->ver_len)
		return;
	p->ver = r;
	s = r + p->ver_len;
	if (!strncmp(s, "-rc", 3) && isdigit((unsigned char)s[3])) {
		p->rc = s + 1;
		for (p->rc_len = 2; isdigit((unsigned char)p->rc[p->rc_len]); p->rc_len++)
			;
		s = p->rc + p->rc_len;
	}
	if (*s == '+' || (*s == '-' && isdigit((unsigned char)s[1]))) {
		/* "+deb14-rt-amd64", "-50-cloud-amd64", "-0.deb10.16-amd64" */
		p->new_style = *s == '+';
		p->rev = s + 1;
		dash = strchr(p->rev, '-');
		p->rev_len = dash ? (size_t)(dash - p->rev) : strlen(p->rev);
		if (!p->rev_len)
			p->rev = NULL;
		s = dash ? dash : "";
	}
	if (*s == '-' || *s == '.' || *s == '_')
		s++;
	if (*s)
		p->flavor = s;
}

/* The upstream part of a Debian package version: "1:6.1.176-1" gives "6.1.176". */
static const char *pkg_upstream(const char *pv, size_t *len)
{
	const char *colon = strchr(pv, ':');

	if (colon && version_len(pv) == (size_t)(colon - pv))
		pv = colon + 1;
	*len = version_len(pv);
	return *len ? pv : NULL;
}

/*
 * Debian old-style releases say x.y.0 and keep the real patch level in the package
 * version; take it from there when both agree on x.y.
 */
static void set_version(struct ks_identity *id, const struct release_parts *p,
			const char *pkg_version)
{
	size_t up_len = 0, mm;
	const char *up = pkg_version ? pkg_upstream(pkg_version, &up_len) : NULL;
	char buf[256];

	if (!p->ver) {
		if (up)
			set_field(&id->version, up, up_len);
		return;
	}
	mm = major_minor_len(p->ver, p->ver_len);
	if (up && !p->rc &&
	    (p->ver_len == mm || (p->ver_len >= 2 && !strncmp(p->ver + p->ver_len - 2, ".0", 2))) &&
	    major_minor_len(up, up_len) == mm && !strncmp(up, p->ver, mm)) {
		set_field(&id->version, up, up_len);
		return;
	}
	snprintf(buf, sizeof(buf), "%.*s%s%.*s", (int)p->ver_len, p->ver, p->rc ? "~" : "",
		 (int)p->rc_len, p->rc ? p->rc : "");
	set_field(&id->version, buf, strlen(buf));
}

/* Ubuntu's package revision is "<ABI>.<upload>" (5.4.0-26.30, 5.4.0-26.30~18.04.1). */
static int ubuntu_pkg_version(const char *pkg_version, const char *abi)
{
	size_t up_len, n;
	const char *up = pkg_upstream(pkg_version, &up_len), *rev;

	if (!up || up[up_len] != '-' || !abi)
		return 0;
	rev = up + up_len + 1;
	n = strlen(abi);
	return !strncmp(rev, abi, n) && rev[n] == '.' && isdigit((unsigned char)rev[n + 1]);
}

static const char *guess_distro(const struct ks_identity *id, const struct release_parts *p,
				const char *pkg_version)
{
	const char *rev = id->revision;
	int numeric_rev = rev && strspn(rev, "0123456789") == strlen(rev);
	int hint;

	/* "+deb14", and the old backports' "0.deb10.16" and "0.bpo.16" */
	if (rev && ((p->new_style && !strncmp(rev, "deb", 3)) || strstr(rev, ".deb") ||
		    strstr(rev, ".bpo")))
		return "debian";
	if (pkg_version && (strstr(pkg_version, "~bpo") || strstr(pkg_version, "+deb") ||
			    strstr(pkg_version, "~deb")))
		return "debian";
	if (pkg_version && numeric_rev && ubuntu_pkg_version(pkg_version, rev))
		return "ubuntu";
	if (!numeric_rev || !id->flavor)
		return "";
	hint = arch_hint(id->flavor);
	if (hint >= 0 && arch_hints[hint].debian)
		return "debian";
	return ubuntu_flavor(id->flavor) ? "ubuntu" : "";
}

/* Built aside and moved in at the end: the arguments may point into *id itself. */
void ks_identity_from_release(struct ks_identity *id, const char *release, const char *pkg_version,
			      const char *pkg_arch)
{
	struct ks_identity out = {0};
	struct release_parts p;
	const char *distro;

	split_release(release ? release : "", &p);
	if (release)
		out.release = xstrdup(release);
	set_version(&out, &p, pkg_version);
	if (p.rev)
		out.revision = xstrndup(p.rev, p.rev_len);
	if (p.flavor)
		out.flavor = xstrdup(p.flavor);
	if (pkg_arch && *pkg_arch && strcmp(pkg_arch, "all"))
		out.arch = xstrdup(pkg_arch);
	else if (out.flavor)
		out.arch = xstrdup(ks_arch_from_flavor(out.flavor));
	distro = guess_distro(&out, &p, pkg_version);
	if (release || *distro)
		out.distro = xstrdup(distro);
	ks_identity_free(id);
	*id = out;
}

/* ---- versions ---- */

/* dpkg's character order: '~' before everything, then the end, letters, the rest. */
static int order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	return c ? c + 256 : 0;
}

/* dpkg's verrevcmp, with numbers compared digit by digit so none can overflow. */
int ks_version_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)(a ? a : "");
	const unsigned char *y = (const unsigned char *)(b ? b : "");

	if (!a || !b)
		return (a != NULL) - (b != NULL);
	while (*x || *y) {
		int first_diff = 0;

		while ((*x && !isdigit(*x)) || (*y && !isdigit(*y))) {
			int xc = order(*x), yc = order(*y);

			if (xc != yc)
				return xc < yc ? -1 : 1;
			x++;
			y++;
		}
		while (*x == '0')
			x++;
		while (*y == '0')
			y++;
		while (isdigit(*x) && isdigit(*y)) {
			if (!first_diff)
				first_diff = *x - *y;
			x++;
			y++;
		}
		if (isdigit(*x))
			return 1;
		if (isdigit(*y))
			return -1;
		if (first_diff)
			return first_diff < 0 ? -1 : 1;
	}
	return 0;
}
