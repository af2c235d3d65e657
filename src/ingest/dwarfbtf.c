/* SPDX-License-Identifier: MIT */
/*
 * BTF from DWARF, by pahole's encoder in a child process (see dwarfbtf.h). The ELF goes
 * to pahole through an anonymous memory file, and the BTF comes back through another:
 * nothing is written to disk, and nothing is left behind when either side fails.
 */
#include "ingest/dwarfbtf.h"

#include <bpf/btf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/err.h"

extern char **environ;

/* The descriptors pahole sees its input and output on: above any a shell opens. */
enum { CHILD_IN_FD = 10, CHILD_OUT_FD = 11 };

/* pahole's path: $KSURF_PAHOLE, else the first executable "pahole" on $PATH. */
static int find_pahole(char *path, size_t n)
{
	const char *env = getenv("KSURF_PAHOLE"), *p = getenv("PATH");

	if (env && *env) {
		snprintf(path, n, "%s", env);
		return access(path, X_OK) ? -ENOENT : 0;
	}
	for (p = p ? p : "/usr/bin:/bin"; *p;) {
		size_t len = strcspn(p, ":");

		snprintf(path, n, "%.*s%spahole", (int)len, p, len ? "/" : "");
		if (!access(path, X_OK))
			return 0;
		p += len + (p[len] == ':');
	}
	return -ENOENT;
}

/* An anonymous memory file, at a descriptor number above the child's fixed ones (so
 * that moving one into place cannot overwrite the other). -1 on failure. */
static int memfile(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC), hi;

	if (fd < 0)
		return -1;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, CHILD_OUT_FD + 1);
	close(fd);
	return hi;
}

static int write_all(int fd, const uint8_t *data, size_t size)
{
	while (size) {
		ssize_t w = write(fd, data, size > (1u << 30) ? 1u << 30 : size);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -errno ? -errno : -EIO;
		data += w;
		size -= (size_t)w;
	}
	return 0;
}

/* The whole content of a memory file, NUL-terminated; NULL on failure. */
static char *read_memfile(int fd, size_t *size)
{
	struct stat sb;
	char *buf;

	if (fstat(fd, &sb) || sb.st_size < 0)
		return NULL;
	buf = malloc((size_t)sb.st_size + 1);
	if (!buf)
		abort();
	if (pread(fd, buf, (size_t)sb.st_size, 0) != sb.st_size) {
		free(buf);
		return NULL;
	}
	buf[sb.st_size] = '\0';
	*size = (size_t)sb.st_size;
	return buf;
}

/* Run pahole with argv; its stdout and stderr go to err_fd, in_fd and out_fd (when
 * >= 0) become CHILD_IN_FD and CHILD_OUT_FD. */
static int spawn(const char *path, char *const argv[], int in_fd, int out_fd, int err_fd,
		 pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, err_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	if (in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, in_fd, CHILD_IN_FD);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, CHILD_OUT_FD);
	rc = posix_spawn(pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return -rc;
}

static int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* "v1.24" from `pahole --version`, or "" when it says nothing usable. */
static void pahole_version(const char *path, char *out, size_t n)
{
	char *argv[] = {(char *)"pahole", (char *)"--version", NULL};
	int fd = memfile("ksurf-pahole-version"), status;
	size_t size;
	pid_t pid;
	char *text;

	out[0] = '\0';
	if (fd < 0)
		return;
	if (!spawn(path, argv, -1, -1, fd, &pid) && !wait_child(pid, &status) &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0 && (text = read_memfile(fd, &size))) {
		snprintf(out, n, "%.*s", (int)strcspn(text, "\r\n"), text);
		free(text);
	}
	close(fd);
}

static void job_close(struct ks_btf_job *job)
{
	if (job->in_fd >= 0)
		close(job->in_fd);
	if (job->out_fd >= 0)
		close(job->out_fd);
	if (job->err_fd >= 0)
		close(job->err_fd);
	free(job->origin);
	memset(job, 0, sizeof(*job));
	job->in_fd = job->out_fd = job->err_fd = -1;
}

int ks_dwarf_btf_start(const char *origin, const uint8_t *elf, size_t size, struct ks_btf_job *job)
{
	char path[4096], out_arg[64], in_arg[32];
	char *argv[] = {(char *)"pahole",
			(char *)"-J",
			(char *)"--btf_gen_floats",
			(char *)"--lang_exclude=rust",
			out_arg,
			in_arg,
			NULL};
	int ret;

	memset(job, 0, sizeof(*job));
	job->in_fd = job->out_fd = job->err_fd = -1;
	if (find_pahole(path, sizeof(path)))
		return ks_err(-ENOENT,
			      "%s: no BTF in this kernel, and no pahole to encode it from "
			      "its DWARF (install dwarves, or set KSURF_PAHOLE)",
			      origin);
	pahole_version(path, job->version, sizeof(job->version));
	job->origin = strdup(origin);
	job->in_fd = memfile("ksurf-vmlinux");
	job->out_fd = memfile("ksurf-btf");
	job->err_fd = memfile("ksurf-pahole-log");
	if (job->in_fd < 0 || job->out_fd < 0 || job->err_fd < 0) {
		ret = ks_err(-errno, "%s: cannot create a memory file for pahole: %s", origin,
			     strerror(errno));
		goto fail;
	}
	if ((ret = write_all(job->in_fd, elf, size))) {
		ret = ks_err(ret, "%s: cannot hand the ELF to pahole: %s", origin, strerror(-ret));
		goto fail;
	}
	snprintf(in_arg, sizeof(in_arg), "/proc/self/fd/%d", CHILD_IN_FD);
	snprintf(out_arg, sizeof(out_arg), "--btf_encode_detached=/proc/self/fd/%d", CHILD_OUT_FD);
	if ((ret = spawn(path, argv, job->in_fd, job->out_fd, job->err_fd, &job->pid))) {
		job->pid = 0;
		ret = ks_err(ret, "%s: cannot run %s: %s", origin, path, strerror(-ret));
		goto fail;
	}
	/* pahole has it now: the copy here would only double the memory held */
	close(job->in_fd);
	job->in_fd = -1;
	return 0;
fail:
	job_close(job);
	return ret;
}

/* pahole's first line of output, for an error message. */
static void first_line(int fd, char *out, size_t n)
{
	size_t size;
	char *text = read_memfile(fd, &size), *p = text;

	out[0] = '\0';
	if (!text)
		return;
	while (*p == '\n' || *p == ' ')
		p++;
	snprintf(out, n, "%.*s", (int)strcspn(p, "\n"), p);
	free(text);
}

/* Whether a BTF blob is big-endian (its magic 0xeB9F read as stored). */
static int btf_is_big_endian(const uint8_t *d)
{
	return d[0] == 0xeb && d[1] == 0x9f;
}

/* Take the BTF pahole wrote: checked by libbpf, in the kernel's byte order. */
static int take_btf(struct ks_btf_job *job, int big_endian, struct ks_bytes *out)
{
	size_t size = 0;
	uint8_t *data = (uint8_t *)read_memfile(job->out_fd, &size);
	struct btf *btf;
	int ret = 0;

	if (!data || size < 24 ||
	    !((data[0] == 0x9f && data[1] == 0xeb) || btf_is_big_endian(data))) {
		free(data);
		return ks_err(-EINVAL, "%s: pahole wrote no BTF (%zu bytes)", job->origin, size);
	}
	btf = btf__new(data, (__u32)size);
	if (!btf) {
		ret = ks_err(-EINVAL, "%s: the BTF pahole encoded is rejected by libbpf: %s",
			     job->origin, strerror(errno));
		goto out;
	}
	if (btf_is_big_endian(data) != big_endian) {
		const void *raw;
		__u32 rsize;

		btf__set_endianness(btf, big_endian ? BTF_BIG_ENDIAN : BTF_LITTLE_ENDIAN);
		raw = btf__raw_data(btf, &rsize);
		if (!raw) {
			ret = ks_err(-ENOMEM, "%s: cannot swap the BTF's byte order", job->origin);
			goto out;
		}
		free(data);
		data = malloc(rsize);
		if (!data)
			abort();
		memcpy(data, raw, rsize);
		size = rsize;
	}
	out->data = data;
	out->size = size;
	data = NULL;
out:
	btf__free(btf);
	free(data);
	return ret;
}

int ks_dwarf_btf_finish(struct ks_btf_job *job, int big_endian, struct ks_bytes *btf,
			char *found_by, size_t found_by_size)
{
	char line[256];
	int status, ret;

	memset(btf, 0, sizeof(*btf));
	if ((ret = wait_child(job->pid, &status))) {
		ret = ks_err(ret, "%s: cannot wait for pahole: %s", job->origin, strerror(-ret));
		goto out;
	}
	job->pid = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		first_line(job->err_fd, line, sizeof(line));
		if (WIFSIGNALED(status))
			ret = ks_err(-EINVAL,
				     "%s: pahole could not encode BTF from the DWARF (killed "
				     "by signal %d)%s%s",
				     job->origin, WTERMSIG(status), line[0] ? ": " : "", line);
		else
			ret = ks_err(-EINVAL,
				     "%s: pahole could not encode BTF from the DWARF (exit "
				     "%d)%s%s",
				     job->origin, WEXITSTATUS(status), line[0] ? ": " : "", line);
		goto out;
	}
	if ((ret = take_btf(job, big_endian, btf)))
		goto out;
	snprintf(found_by, found_by_size, "DWARF (pahole%s%s)", job->version[0] ? " " : "",
		 job->version);
out:
	ks_dwarf_btf_cancel(job);
	return ret;
}

void ks_dwarf_btf_cancel(struct ks_btf_job *job)
{
	int status;

	if (job->pid > 0) {
		kill(job->pid, SIGKILL);
		wait_child(job->pid, &status);
	}
	if (job->origin || job->in_fd > 0 || job->out_fd > 0 || job->err_fd > 0)
		job_close(job);
}
