/* SPDX-License-Identifier: MIT */
/* The private apt: configuration, apt-get runs, the package cache. */
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fetch/apt.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/strbuf.h"

/* Largest Packages index ksurf decompresses (sid's is about 60 MB). */
#define KS_INDEX_MAX ((size_t)1 << 30)

char *ks_apt_default_cache(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	if (xdg && *xdg == '/')
		sb_addf(&sb, "%s/ksurf", xdg);
	else
		sb_addf(&sb, "%s/.cache/ksurf", home && *home ? home : ".");
	return sb_detach(&sb);
}

static int mkdir_p(const char *path)
{
	char *p = strdup(path);
	int ret = 0;

	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST) {
			ret = ks_err(-errno, "%s: %s", p, strerror(errno));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return ret;
}

static int write_file(const char *path, const char *text)
{
	struct strbuf tmp = STRBUF_INIT;
	FILE *f;
	int ret = 0;

	sb_init(&tmp);
	sb_addf(&tmp, "%s.tmp", path);
	f = fopen(tmp.buf, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) || rename(tmp.buf, path))
		ret = ks_err(-errno, "%s: %s", path, strerror(errno));
	sb_release(&tmp);
	return ret;
}

static char *path_join(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	sb_addf(&sb, "%s/%s", dir, name);
	return sb_detach(&sb);
}

/*
 * One setting, in apt.conf (for users to reuse) and as "-o KEY=VALUE" for every apt run:
 * apt reads /etc/apt/apt.conf.d after $APT_CONFIG, so only the command line is sure to
 * win over the system's settings (Docker images blank Dir::Cache::pkgcache, say).
 */
static void conf_set(struct ks_apt *apt, struct strbuf *conf, const char *key, const char *value)
{
	struct strbuf o = STRBUF_INIT;
	char **nv = realloc(apt->oargs, (apt->noargs + 2) * sizeof(*apt->oargs));

	if (!nv)
		abort();
	apt->oargs = nv;
	sb_init(&o);
	sb_addf(&o, "%s=%s", key, value);
	apt->oargs[apt->noargs++] = strdup("-o");
	apt->oargs[apt->noargs++] = sb_detach(&o);
	sb_addf(conf, "%s \"%s\";\n", key, value);
}

int ks_apt_open(struct ks_apt *apt, const char *cache, const char *const *arches, size_t narch,
		int progress)
{
	static const char *const dirs[] = {"apt/sources.list.d", "apt/preferences.d",
					   "apt/state/lists/partial", "apt/cache/archives/partial",
					   "apt/keys", "partial", "debs"};
	struct strbuf conf = STRBUF_INIT;
	char *status = NULL;
	int ret = 0;

	memset(apt, 0, sizeof(*apt));
	if (strpbrk(cache, "\"\n"))
		return ks_err(-EINVAL, "%s: cache directory names cannot hold '\"'", cache);
	apt->progress = progress;
	apt->dir = path_join(cache, "apt");
	apt->conf = path_join(apt->dir, "apt.conf");
	apt->partial = path_join(cache, "partial");
	apt->debs = path_join(cache, "debs");
	apt->log = path_join(apt->dir, "apt.log");
	for (size_t i = 0; !ret && i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char *d = path_join(cache, dirs[i]);
		ret = mkdir_p(d);
		free(d);
	}
	status = path_join(apt->dir, "state/status");
	if (!ret && access(status, F_OK))
		ret = write_file(status, "");
	free(status);
	if (ret)
		return ret;
	sb_init(&conf);
	sb_add(&conf, "// Written by ksurf fetch on every run: a private apt, nothing shared with\n"
		      "// the system's. Try it: APT_CONFIG=<this file> apt-cache policy\n");
	static const char *const dir_keys[][2] = {
		{"Dir::Etc::SourceList", "sources.list"},
		{"Dir::Etc::SourceParts", "sources.list.d"},
		{"Dir::Etc::Preferences", "preferences"},
		{"Dir::Etc::PreferencesParts", "preferences.d"},
		{"Dir::State", "state"},
		{"Dir::State::Lists", "state/lists"},
		{"Dir::State::status", "state/status"},
		{"Dir::State::extended_states", "state/extended_states"},
		{"Dir::Cache", "cache"},
		{"Dir::Cache::Archives", "cache/archives"},
		{"Dir::Cache::pkgcache", "cache/pkgcache.bin"},
		{"Dir::Cache::srcpkgcache", "cache/srcpkgcache.bin"},
		{"Dir::Log", "log"},
	};
	for (size_t i = 0; i < sizeof(dir_keys) / sizeof(dir_keys[0]); i++) {
		char *v = path_join(apt->dir, dir_keys[i][1]);
		conf_set(apt, &conf, dir_keys[i][0], v);
		free(v);
	}
	conf_set(apt, &conf, "APT::Architecture", arches[0]);
	sb_add(&conf, "#clear APT::Architectures;\nAPT::Architectures {");
	for (size_t i = 0; i < narch; i++)
		sb_addf(&conf, " \"%s\";", arches[i]);
	sb_add(&conf, " };\n");
	conf_set(apt, &conf, "Acquire::Languages", "none");
	conf_set(apt, &conf, "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled", "false");
	if (geteuid() == 0) /* as root, apt would hand downloads to _apt, which may not reach the cache */
		conf_set(apt, &conf, "APT::Sandbox::User", "root");
	ret = write_file(apt->conf, conf.buf);
	sb_release(&conf);
	return ret;
}

void ks_apt_close(struct ks_apt *apt)
{
	free(apt->dir);
	free(apt->conf);
	free(apt->partial);
	free(apt->debs);
	free(apt->log);
	for (size_t i = 0; i < apt->noargs; i++)
		free(apt->oargs[i]);
	free(apt->oargs);
	memset(apt, 0, sizeof(*apt));
}

/* Keyrings given inline in a deb822 Signed-By go to a file apt can be pointed at. */
static int keyring_path(struct ks_apt *apt, const struct ks_apt_source *src, size_t i,
			struct strbuf *out)
{
	char name[48];

	if (!strchr(src->signed_by, '\n')) {
		sb_add(out, src->signed_by);
		return 0;
	}
	snprintf(name, sizeof(name), "keys/key%zu.asc", i);
	char *path = path_join(apt->dir, name);
	int ret = write_file(path, src->signed_by[0] == '\n' ? src->signed_by + 1 : src->signed_by);
	sb_add(out, path);
	free(path);
	return ret;
}

int ks_apt_write_sources(struct ks_apt *apt, const char *const *suites,
			 const struct ks_apt_source *const *srcs, size_t n)
{
	struct strbuf sb = STRBUF_INIT, key = STRBUF_INIT;
	char *path = path_join(apt->dir, "sources.list");
	int ret = 0;

	sb_init(&sb);
	sb_init(&key);
	sb_add(&sb, "# Written by ksurf fetch: the suites asked for, mirrors from the system's sources.\n");
	for (size_t i = 0; !ret && i < n; i++) {
		const struct ks_apt_source *src = srcs[i];

		sb_add(&sb, "deb ");
		if (src->signed_by || src->trusted) {
			sb_addc(&sb, '[');
			if (src->signed_by) {
				sb_reset(&key);
				ret = keyring_path(apt, src, i, &key);
				sb_addf(&sb, "signed-by=%s", key.buf);
			}
			if (src->trusted)
				sb_addf(&sb, "%strusted=yes", src->signed_by ? " " : "");
			sb_add(&sb, "] ");
		}
		sb_addf(&sb, "%s %s", src->uri, suites[i]);
		for (size_t c = 0; c < src->ncomponents; c++)
			sb_addf(&sb, " %s", src->components[c]);
		sb_addc(&sb, '\n');
	}
	if (!ret)
		ret = write_file(path, sb.buf);
	sb_release(&sb);
	sb_release(&key);
	free(path);
	return ret;
}

/*
 * Run apt (argv) with the private configuration, in cwd (or NULL). stdout goes to `out`
 * when given, else to our stderr with progress (apt draws its own progress on a TTY),
 * else nowhere; stderr goes to the log. Returns apt's exit status, or a negative errno.
 */
static int run_apt(struct ks_apt *apt, const char *const *argv, const char *cwd,
		   struct strbuf *out)
{
	int pipefd[2] = {-1, -1}, status, logfd;
	size_t nargv = 0, k = 0;
	const char **full;
	pid_t pid;

	while (argv[nargv])
		nargv++;
	full = calloc(nargv + apt->noargs + 1, sizeof(*full));
	if (!full)
		abort();
	full[k++] = argv[0];
	for (size_t i = 0; i < apt->noargs; i++)
		full[k++] = apt->oargs[i];
	for (size_t i = 1; i < nargv; i++)
		full[k++] = argv[i];

	logfd = open(apt->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0) {
		free(full);
		return ks_err(-errno, "%s: %s", apt->log, strerror(errno));
	}
	if (out && pipe2(pipefd, O_CLOEXEC)) {
		close(logfd);
		free(full);
		return ks_err(-errno, "pipe: %s", strerror(errno));
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		prctl(PR_SET_PDEATHSIG, SIGTERM); /* a killed ksurf takes apt along */
		setenv("APT_CONFIG", apt->conf, 1);
		dup2(null, STDIN_FILENO);
		dup2(out ? pipefd[1] : apt->progress ? STDERR_FILENO : null, STDOUT_FILENO);
		dup2(logfd, STDERR_FILENO);
		if (cwd && chdir(cwd))
			_exit(127);
		execvp(full[0], (char *const *)full);
		_exit(127);
	}
	close(logfd);
	free(full);
	if (pid < 0) {
		if (out) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return ks_err(-errno, "fork: %s", strerror(errno));
	}
	if (out) {
		char buf[65536];
		ssize_t r;

		close(pipefd[1]);
		while ((r = read(pipefd[0], buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR))
			if (r > 0)
				sb_addn(out, buf, r);
		close(pipefd[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return ks_err(-errno, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return ks_err(-ENOENT, "%s: cannot run it (is apt installed?)", argv[0]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * apt's error lines ("E: ...") from the log, each passed to fn, or the last line when
 * there is none. Returns how many lines were passed.
 */
static int log_errors(struct ks_apt *apt, void (*fn)(const char *line, void *ctx), void *ctx)
{
	struct strbuf sb = STRBUF_INIT;
	char *save = NULL, *last = NULL;
	int n = 0;

	sb_init(&sb);
	if (sb_read_file(&sb, apt->log))
		ks_err_clear();
	for (char *l = strtok_r(sb.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, "E: ", 3)) {
			fn(l + 3, ctx);
			n++;
		} else if (strncmp(l, "W: ", 3) && strncmp(l, "N: ", 3)) {
			last = l;
		}
	}
	if (!n && last) {
		fn(last, ctx);
		n++;
	}
	sb_release(&sb);
	return n;
}

static void warn_line(const char *line, void *ctx)
{
	ks_warn("apt-get update: %s", line);
}

int ks_apt_update(struct ks_apt *apt)
{
	const char *argv[] = {"apt-get", apt->progress ? "-q" : "-qq", "update", NULL};
	int ret = run_apt(apt, argv, NULL, NULL);

	if (ret < 0)
		return ret;
	if (ret) {
		log_errors(apt, warn_line, NULL);
		return -EIO;
	}
	return 0;
}

static int load_one(const char *file, const char *suite, struct ks_kpkg_list *out)
{
	struct ks_bytes raw = {0}, text = {0};
	int ret = ks_bytes_read_file(file, &raw);

	if (ret)
		return ret;
	ret = ks_decompress(file, raw.data, raw.size, KS_INDEX_MAX, &text);
	if (ret == -ENOMSG) {
		ks_err_clear();
		ret = ks_apt_index_parse(file, (const char *)raw.data, raw.size, suite, out);
	} else if (!ret) {
		ret = ks_apt_index_parse(file, (const char *)text.data, text.size, suite, out);
	}
	ks_bytes_free(&raw);
	ks_bytes_free(&text);
	return ret;
}

int ks_apt_load_index(struct ks_apt *apt, struct ks_kpkg_list *out)
{
	const char *argv[] = {"apt-get", "indextargets", "--format", "$(FILENAME)\t$(RELEASE)",
			      "Identifier: Packages", NULL};
	struct strbuf sb = STRBUF_INIT;
	char *save = NULL;
	int ret;

	sb_init(&sb);
	ret = run_apt(apt, argv, NULL, &sb);
	if (ret > 0)
		ret = ks_err(-EIO, "apt-get indextargets failed (exit %d); see %s", ret, apt->log);
	for (char *l = strtok_r(sb.buf, "\n", &save); !ret && l; l = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(l, '\t');

		if (!tab)
			continue;
		*tab = '\0';
		if (access(l, R_OK))
			continue; /* configured but not (yet) downloaded */
		ret = load_one(l, tab + 1, out);
	}
	sb_release(&sb);
	return ret;
}

int ks_sha256_file(const char *path, char out[65])
{
	uint8_t h[SHA256_DIGEST_SIZE], buf[1 << 16];
	struct sha256_ctx c;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return ks_err(-errno, "%s: %s", path, strerror(errno));
	sha256_init(&c);
	while ((r = read(fd, buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR))
		if (r > 0)
			sha256_update(&c, (size_t)r, buf);
	if (r < 0) {
		int e = errno;
		close(fd);
		return ks_err(-e, "%s: %s", path, strerror(e));
	}
	close(fd);
	sha256_digest(&c, sizeof(h), h);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", h[i]);
	return 0;
}

/* 1: path holds exactly k (size, then SHA256), 0: it holds something else, -1: absent. */
static int holds(const char *path, const struct ks_kpkg *k)
{
	struct stat st;
	char hex[65];

	if (stat(path, &st))
		return -1;
	if ((uint64_t)st.st_size != k->size)
		return 0;
	if (ks_sha256_file(path, hex)) {
		ks_err_clear();
		return 0;
	}
	return !strcmp(hex, k->sha256);
}

static void first_line(const char *line, void *ctx)
{
	struct strbuf *sb = ctx;

	if (!sb->len)
		sb_add(sb, line);
}

int ks_apt_fetch(struct ks_apt *apt, const struct ks_kpkg *k, char **path, int *fetched)
{
	const char *base = strrchr(k->filename, '/') ? strrchr(k->filename, '/') + 1 : k->filename;
	char *final = path_join(apt->debs, base), *part = path_join(apt->partial, base);
	struct strbuf spec = STRBUF_INIT, msg = STRBUF_INIT;
	int ret = 0, h;

	sb_init(&spec);
	sb_init(&msg);
	*fetched = 0;
	if ((h = holds(final, k)) == 1)
		goto done;
	if (h == 0) {
		ks_warn("%s: cached file has a wrong checksum; fetching it again", final);
		unlink(final);
	}
	/*
	 * A download that finished before a kill is moved into place; an unfinished one is
	 * fetched again from the start (apt-get download does not resume).
	 */
	if (holds(part, k) != 1) {
		unlink(part);
		const char *argv[] = {"apt-get", apt->progress ? "-q=0" : "-qq", "download",
				      spec.buf, NULL};

		sb_addf(&spec, "%s:%s=%s", k->package, k->arch, k->version);
		argv[3] = spec.buf;
		ret = run_apt(apt, argv, apt->partial, NULL);
		if (ret > 0) {
			log_errors(apt, first_line, &msg);
			ret = ks_err(-EIO, "%s %s (%s): %s", k->package, k->version, k->suite,
				     msg.len ? msg.buf : "apt-get download failed");
			goto out;
		}
		if (ret < 0)
			goto out;
		if (holds(part, k) != 1) {
			unlink(part);
			ret = ks_err(-EBADMSG, "%s %s: downloaded file does not match the index's "
					       "SHA256", k->package, k->version);
			goto out;
		}
	}
	if (rename(part, final)) {
		ret = ks_err(-errno, "%s: %s", final, strerror(errno));
		goto out;
	}
	*fetched = 1;
done:
	*path = final;
	final = NULL;
out:
	free(final);
	free(part);
	sb_release(&spec);
	sb_release(&msg);
	return ret;
}
