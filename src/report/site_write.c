/* SPDX-License-Identifier: MIT */
/* The site's writer: files written only when their bytes change (see site.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/site.h"
#include "util/err.h"
#include "util/strbuf.h"

#define MANIFEST ".ksurf-site"
#define MANIFEST_HEAD "ksurf site 1\n"
/* The manifest while a run writes: its paths are still the site's files (to remove what
 * the run does not put again), its hashes are not to be trusted (a killed run may have
 * left any file half-written). */
#define MANIFEST_DIRTY "ksurf site 1 writing\n"
#define HASH_HEX 32 /* 128 bits of SHA-256, in hex */

struct entry {
	char *path;
	char hash[HASH_HEX + 1];
	int seen; /* old entries: put again by this run */
};

static int write_file(const char *dir, const char *path, const void *data, size_t len, int atomic);
static void *writer(void *arg);

/* A file for the writer thread. */
struct job {
	char *path;
	char *data;
	size_t len;
};

enum { QUEUE = 1024 };

struct ks_site {
	char *dir;
	/* One thread writes every file, in the order they come: on this machine's ext4 two
	   threads creating files took longer than one, and the pages' makers go on
	   meanwhile. */
	pthread_t writer;
	int writer_on, stop, werr;
	char *wmsg;
	struct job queue[QUEUE];
	size_t qhead, qlen;
	pthread_cond_t qcond, qspace;
	struct entry *old; /* the last run's manifest, an open-addressing table */
	size_t nold_slots;
	struct entry *put; /* this run's files */
	size_t nput, cap;
	pthread_mutex_t lock;
	int dirty; /* the last run did not finish: its hashes say nothing */
	struct ks_site_stats st;
	char *made_dirs; /* "\n"-separated directories known to exist */
	size_t made_len;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct entry *old_find(struct ks_site *s, const char *path)
{
	if (!s->nold_slots)
		return NULL;
	for (size_t i = str_hash(path) & (s->nold_slots - 1);; i = (i + 1) & (s->nold_slots - 1)) {
		if (!s->old[i].path)
			return NULL;
		if (!strcmp(s->old[i].path, path))
			return &s->old[i];
	}
}

/*
 * A path the site could have written: relative, made of the characters page names
 * are made of, no "." or ".." component. The manifest is read from the user's directory;
 * its paths are deleted when a run does not put them again, so a lying one must not
 * reach outside the site.
 */
static int path_ok(const char *p)
{
	const char *c;

	if (!*p || *p == '/')
		return 0;
	for (c = p; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      *c == '_' || *c == '-' || *c == '.' || *c == '~' || *c == '/'))
			return 0;
	for (c = p; c; c = strchr(c, '/')) {
		size_t n;

		if (*c == '/')
			c++;
		n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
	}
	return 1;
}

/* Parse a manifest (buf: len bytes and a NUL): "ksurf site 1" or "ksurf site 1 writing",
 * then "HASH PATH" lines. name: the file, for messages. */
static int parse_manifest(struct ks_site *s, char *buf, size_t len, const char *name)
{
	size_t n = 0, head;
	char *p, *e;

	if (memchr(buf, '\0', len))
		return ks_err(-EINVAL, "%s: a NUL byte at offset %zu", name,
			      (size_t)((char *)memchr(buf, '\0', len) - buf));
	if (!strncmp(buf, MANIFEST_DIRTY, strlen(MANIFEST_DIRTY))) {
		s->dirty = 1;
		head = strlen(MANIFEST_DIRTY);
	} else if (!strncmp(buf, MANIFEST_HEAD, strlen(MANIFEST_HEAD))) {
		head = strlen(MANIFEST_HEAD);
	} else {
		return ks_err(-EINVAL, "%s: not a ksurf site manifest", name);
	}
	for (p = buf; (p = strchr(p, '\n')); p++)
		n++;
	for (s->nold_slots = 16; s->nold_slots < 2 * n; s->nold_slots *= 2)
		;
	s->old = calloc(s->nold_slots, sizeof(*s->old));
	if (!s->old)
		abort();
	for (p = buf + head; *p; p = e + 1) {
		struct entry *x;
		size_t i;

		e = strchr(p, '\n');
		if (!e || e - p < HASH_HEX + 2 || p[HASH_HEX] != ' ' ||
		    strspn(p, "0123456789abcdef") != HASH_HEX)
			return ks_err(-EINVAL, "%s: offset %zu: not a line HASH PATH", name,
				      (size_t)(p - buf));
		*e = '\0';
		if (!path_ok(p + HASH_HEX + 1))
			return ks_err(-EINVAL, "%s: offset %zu: not a path of the site", name,
				      (size_t)(p - buf));
		if (old_find(s, p + HASH_HEX + 1))
			continue;
		for (i = str_hash(p + HASH_HEX + 1) & (s->nold_slots - 1); s->old[i].path;
		     i = (i + 1) & (s->nold_slots - 1))
			;
		x = &s->old[i];
		x->path = strdup(p + HASH_HEX + 1);
		memcpy(x->hash, p, HASH_HEX);
		if (!x->path)
			abort();
	}
	return 0;
}

int ks_site_manifest_check(const char *buf, size_t len)
{
	struct ks_site *s = calloc(1, sizeof(*s));
	char *copy = malloc(len + 1);
	int ret;

	if (!s || !copy)
		abort();
	memcpy(copy, buf, len);
	copy[len] = '\0';
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->qcond, NULL);
	pthread_cond_init(&s->qspace, NULL);
	ret = parse_manifest(s, copy, len, "manifest");
	free(copy);
	ks_site_abort(s);
	return ret;
}

/* Read the manifest. -EEXIST when DIR holds anything without one. */
static int read_manifest(struct ks_site *s)
{
	struct strbuf sb = STRBUF_INIT, path = STRBUF_INIT;
	int ret;

	sb_init(&sb);
	sb_init(&path);
	sb_addf(&path, "%s/" MANIFEST, s->dir);
	ret = sb_read_file(&sb, path.buf);
	if (ret == -ENOENT) {
		DIR *d = opendir(s->dir);
		struct dirent *de;

		ret = 0;
		while (d && (de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				ret = ks_err(-EEXIST, "%s: not empty and not a site ksurf wrote (no %s); "
						      "give a new or empty directory",
					     s->dir, MANIFEST);
		if (d)
			closedir(d);
		goto out;
	}
	if (ret) {
		ret = ks_err(ret, "%s: %s", path.buf, strerror(-ret));
		goto out;
	}
	ret = parse_manifest(s, sb.buf, sb.len, path.buf);
out:
	sb_release(&sb);
	sb_release(&path);
	return ret;
}

/* Rewrite the manifest as "writing", with the paths it had: from here on a killed run
 * leaves a manifest the next run distrusts. */
static int mark_dirty(struct ks_site *s)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	sb_init(&sb);
	sb_add(&sb, MANIFEST_DIRTY);
	for (size_t i = 0; i < s->nold_slots; i++)
		if (s->old[i].path)
			sb_addf(&sb, "%s %s\n", s->old[i].hash, s->old[i].path);
	ret = write_file(s->dir, MANIFEST, sb.buf, sb.len, 1);
	sb_release(&sb);
	return ret;
}

int ks_site_open(const char *dir, struct ks_site **out)
{
	struct ks_site *s = calloc(1, sizeof(*s));
	int ret;

	if (!s || !(s->dir = strdup(dir)))
		abort();
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->qcond, NULL);
	pthread_cond_init(&s->qspace, NULL);
	if (mkdir(dir, 0777) && errno != EEXIST) {
		ret = ks_err(-errno, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	{
		struct stat st;

		if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
			ret = ks_err(-ENOTDIR, "%s: not a directory", dir);
			goto fail;
		}
	}
	if ((ret = read_manifest(s)) || (ret = mark_dirty(s)))
		goto fail;
	s->writer_on = !pthread_create(&s->writer, NULL, writer, s);
	*out = s;
	return 0;
fail:
	ks_site_abort(s);
	return ret;
}

static void hash_hex(const void *data, size_t len, char out[HASH_HEX + 1])
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&c);
	sha256_update(&c, len, data);
	sha256_digest(&c, sizeof(d), d);
	for (size_t i = 0; i < HASH_HEX / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Make the directories of path (relative to the site), once each. Under the lock. */
static int make_dirs(struct ks_site *s, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	const char *slash;
	int ret = 0;

	sb_init(&sb);
	for (slash = strchr(path, '/'); slash && !ret; slash = strchr(slash + 1, '/')) {
		size_t n = (size_t)(slash - path);
		const char *m = s->made_dirs;
		int known = 0;

		while (m && *m && !known) {
			const char *e = strchr(m, '\n');

			known = (size_t)(e - m) == n && !memcmp(m, path, n);
			m = e + 1;
		}
		if (known)
			continue;
		sb_reset(&sb);
		sb_addf(&sb, "%s/%.*s", s->dir, (int)n, path);
		if (mkdir(sb.buf, 0777) && errno != EEXIST)
			ret = ks_err(-errno, "%s: %s", sb.buf, strerror(errno));
		s->made_dirs = realloc(s->made_dirs, s->made_len + n + 2);
		if (!s->made_dirs)
			abort();
		memcpy(s->made_dirs + s->made_len, path, n);
		s->made_len += n + 1;
		s->made_dirs[s->made_len - 1] = '\n';
		s->made_dirs[s->made_len] = '\0';
	}
	sb_release(&sb);
	return ret;
}

/*
 * Write a file whole. atomic: through a temporary name and a rename, so it is either
 * the old or the new (the manifest); pages are written in place (a rename per page
 * doubled the time on ext4), the dirty manifest covering a run that dies midway.
 */
static int write_file(const char *dir, const char *path, const void *data, size_t len, int atomic)
{
	struct strbuf tmp = STRBUF_INIT, dst = STRBUF_INIT;
	int fd, ret = 0;

	sb_init(&tmp);
	sb_init(&dst);
	sb_addf(&dst, "%s/%s", dir, path);
	if (atomic)
		sb_addf(&tmp, "%s.tmp%ld", dst.buf, (long)gettid());
	else
		sb_add(&tmp, dst.buf);
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = ks_err(-errno, "%s: %s", tmp.buf, strerror(errno));
		goto out;
	}
	for (size_t off = 0; off < len && !ret;) {
		ssize_t w = write(fd, (const char *)data + off, len - off);

		if (w < 0 && errno != EINTR)
			ret = ks_err(-errno, "%s: %s", tmp.buf, strerror(errno));
		else if (w > 0)
			off += (size_t)w;
	}
	if (close(fd) && !ret)
		ret = ks_err(-errno, "%s: %s", tmp.buf, strerror(errno));
	if (atomic && !ret && rename(tmp.buf, dst.buf))
		ret = ks_err(-errno, "%s: %s", dst.buf, strerror(errno));
	if (atomic && ret)
		unlink(tmp.buf);
out:
	sb_release(&tmp);
	sb_release(&dst);
	return ret;
}

static void *writer(void *arg)
{
	struct ks_site *s = arg;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		struct job j;
		int ret;

		while (!s->qlen && !s->stop)
			pthread_cond_wait(&s->qcond, &s->lock);
		if (!s->qlen)
			break;
		j = s->queue[s->qhead];
		s->qhead = (s->qhead + 1) % QUEUE;
		s->qlen--;
		pthread_cond_signal(&s->qspace);
		pthread_mutex_unlock(&s->lock);
		ret = s->werr ? 0 : write_file(s->dir, j.path, j.data, j.len, 0);
		free(j.path);
		free(j.data);
		pthread_mutex_lock(&s->lock);
		if (ret && !s->werr) {
			s->werr = ret;
			s->wmsg = strdup(ks_errmsg());
		}
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Hand a file to the writer (under the lock); written here when there is none. */
static int enqueue(struct ks_site *s, const char *path, const void *data, size_t len)
{
	struct job *j;

	if (!s->writer_on) {
		int ret;

		pthread_mutex_unlock(&s->lock);
		ret = write_file(s->dir, path, data, len, 0);
		pthread_mutex_lock(&s->lock);
		return ret;
	}
	while (s->qlen == QUEUE)
		pthread_cond_wait(&s->qspace, &s->lock);
	if (s->werr)
		return ks_err(s->werr, "%s", s->wmsg);
	j = &s->queue[(s->qhead + s->qlen) % QUEUE];
	j->path = strdup(path);
	j->data = malloc(len ? len : 1);
	if (!j->path || !j->data)
		abort();
	memcpy(j->data, data, len);
	j->len = len;
	s->qlen++;
	pthread_cond_signal(&s->qcond);
	return 0;
}

/* Stop the writer once it has written what it was given; its first error. */
static int writer_stop(struct ks_site *s)
{
	int ret;

	if (!s->writer_on)
		return 0;
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_signal(&s->qcond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->writer, NULL);
	s->writer_on = 0;
	ret = s->werr ? ks_err(s->werr, "%s", s->wmsg) : 0;
	return ret;
}

int ks_site_put(struct ks_site *s, const char *path, const void *data, size_t len)
{
	struct entry *old = old_find(s, path), *x;
	char hash[HASH_HEX + 1];
	int ret = 0, same;

	hash_hex(data, len, hash);
	same = old && !s->dirty && !memcmp(old->hash, hash, HASH_HEX);
	if (same) {
		struct strbuf sb = STRBUF_INIT;
		struct stat stb;

		/* the manifest says so; the file must still be there with that size */
		sb_init(&sb);
		sb_addf(&sb, "%s/%s", s->dir, path);
		same = !stat(sb.buf, &stb) && (size_t)stb.st_size == len;
		sb_release(&sb);
	}
	pthread_mutex_lock(&s->lock);
	if (!same)
		ret = make_dirs(s, path);
	if (s->nput == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->put = realloc(s->put, s->cap * sizeof(*s->put));
		if (!s->put)
			abort();
	}
	x = &s->put[s->nput++];
	x->path = strdup(path);
	memcpy(x->hash, hash, sizeof(hash));
	if (!x->path)
		abort();
	if (old)
		old->seen = 1;
	s->st.files++;
	s->st.bytes += len;
	if (same)
		s->st.unchanged++;
	else
		s->st.written++;
	if (!same && !ret)
		ret = enqueue(s, path, data, len);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

int ks_site_close(struct ks_site *s, struct ks_site_stats *stats)
{
	struct strbuf sb = STRBUF_INIT, path = STRBUF_INIT;
	int ret;

	sb_init(&sb);
	sb_init(&path);
	if ((ret = writer_stop(s)))
		goto out;
	qsort(s->put, s->nput, sizeof(*s->put), cmp_entry);
	sb_add(&sb, MANIFEST_HEAD);
	for (size_t i = 0; i < s->nput; i++) {
		if (i && !strcmp(s->put[i].path, s->put[i - 1].path))
			continue;
		sb_addf(&sb, "%s %s\n", s->put[i].hash, s->put[i].path);
	}
	ret = write_file(s->dir, MANIFEST, sb.buf, sb.len, 1);
	for (size_t i = 0; i < s->nold_slots && !ret; i++) {
		if (!s->old[i].path || s->old[i].seen)
			continue;
		sb_reset(&path);
		sb_addf(&path, "%s/%s", s->dir, s->old[i].path);
		if (!unlink(path.buf))
			s->st.removed++;
	}
	if (stats)
		*stats = s->st;
out:
	sb_release(&sb);
	sb_release(&path);
	ks_site_abort(s);
	return ret;
}

void ks_site_abort(struct ks_site *s)
{
	if (!s)
		return;
	writer_stop(s);
	for (size_t i = 0; i < s->qlen; i++) {
		free(s->queue[(s->qhead + i) % QUEUE].path);
		free(s->queue[(s->qhead + i) % QUEUE].data);
	}
	free(s->wmsg);
	pthread_cond_destroy(&s->qcond);
	pthread_cond_destroy(&s->qspace);
	for (size_t i = 0; i < s->nold_slots; i++)
		free(s->old[i].path);
	for (size_t i = 0; i < s->nput; i++)
		free(s->put[i].path);
	free(s->old);
	free(s->put);
	free(s->made_dirs);
	free(s->dir);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void ks_site_file_name(struct strbuf *sb, const char *name)
{
	for (const char *p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-' || (c == '.' && p != name))
			sb_addc(sb, (char)c);
		else
			sb_addf(sb, "~%02X", c);
	}
	sb_add(sb, ".html");
}
