// SPDX-License-Identifier: GPL-2.0-only
/* Content hashes for cache keys, and the commit of the project under test. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support/build_commit.h"
#include "test_support/payload.h"
#include "test_support/runtime.h"
#include "util/sha256.h"
#include "util/util.h"
#include "vm/initramfs.h"
#include "vm/kernel.h"

/* Each part is framed as kind byte + 8-byte little-endian length + bytes. */
enum { PART_BYTES = 'b', PART_STR = 's', PART_NULL = 'n', PART_FILE = 'f' };

struct runtime_hash {
	struct sha256 c;
};

struct runtime_hash *runtime_hash_new(void)
{
	struct runtime_hash *h = xmalloc(sizeof(*h));

	sha256_init(&h->c);
	return h;
}

static void frame(struct runtime_hash *h, char kind, uint64_t len)
{
	uint8_t hdr[9];

	hdr[0] = (uint8_t)kind;
	for (int i = 0; i < 8; i++)
		hdr[1 + i] = (uint8_t)(len >> (8 * i));
	sha256_update(&h->c, hdr, sizeof(hdr));
}

void runtime_hash_bytes(struct runtime_hash *h, const void *data, size_t len)
{
	frame(h, PART_BYTES, len);
	sha256_update(&h->c, data, len);
}

void runtime_hash_str(struct runtime_hash *h, const char *s)
{
	if (!s) {
		frame(h, PART_NULL, 0);
		return;
	}
	frame(h, PART_STR, strlen(s));
	sha256_update(&h->c, s, strlen(s));
}

int runtime_hash_file(struct runtime_hash *h, const char *path)
{
	char buf[65536];
	struct stat st;
	uint64_t left;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	/* The length goes in first; a file that changes size while read is an error. */
	frame(h, PART_FILE, (uint64_t)st.st_size);
	for (left = (uint64_t)st.st_size; left;) {
		ssize_t n = read(fd, buf, left < sizeof(buf) ? (size_t)left : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return n < 0 ? -errno : -EIO;
		}
		sha256_update(&h->c, buf, (size_t)n);
		left -= (uint64_t)n;
	}
	close(fd);
	return 0;
}

void runtime_hash_final(struct runtime_hash *h, char out[65])
{
	uint8_t digest[SHA256_LEN];

	sha256_final(&h->c, digest);
	sha256_hex(digest, out);
	free(h);
}

/* First line of a command's output, or NULL when it fails or prints nothing. */
static char *command_line(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char buf[256];
	char *line = NULL;

	if (!p)
		return NULL;
	if (fgets(buf, sizeof(buf), p)) {
		char *t = str_trim(buf);

		t[strcspn(t, "\r\n")] = '\0';
		if (*t)
			line = xstrdup(t);
	}
	if (pclose(p) != 0) {
		free(line);
		return NULL;
	}
	return line;
}

static char *project_commit;
static pthread_once_t commit_once = PTHREAD_ONCE_INIT;

static void commit_init(void)
{
	const char *env = getenv("KTSTR_PROJECT_COMMIT");
	char *head, *dirty;

	if (env) {
		project_commit = *env ? xstrdup(env) : NULL;
		return;
	}
	head = command_line("git rev-parse --short=12 HEAD 2>/dev/null");
	if (head) {
		dirty = command_line("git status --porcelain --untracked-files=no 2>/dev/null");
		project_commit = dirty ? xasprintf("%s-dirty", head) : xstrdup(head);
		free(dirty);
		free(head);
		return;
	}
	if (*KTSTR_BUILD_COMMIT)
		project_commit = xstrdup(KTSTR_BUILD_COMMIT);
}

const char *runtime_project_commit(void)
{
	pthread_once(&commit_once, commit_init);
	return project_commit;
}

char *runtime_scratch_dir(const char *tag)
{
	const char *tmp = getenv("TMPDIR");
	const char *base = path_is_dir("/dev/shm") ? "/dev/shm" : tmp && *tmp ? tmp : "/tmp";
	char *dir = xasprintf("%s/ktstr-%s-XXXXXX", base, tag);

	if (!mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	/* the owner: `ktstr cleanup` removes the directories of dead owners only */
	char *pidf = xasprintf("%s/" RUNTIME_SCRATCH_PID, dir), pid[24];

	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	file_write_str(pidf, pid);
	free(pidf);
	return dir;
}

char *runtime_initramfs_finish(struct initramfs *ir, const char *sched_path, const char *kconfig,
			       const struct ktstr_test *t, const char *const *extra, char **err)
{
	static bool said;
	char *root = kernel_cache_root(), *dir = xasprintf("%s/initramfs", root), *path = NULL;
	int r = 0;

	if (sched_path)
		r = initramfs_add_file(ir, sched_path, RUNTIME_GUEST_SCHEDULER, err);
	if (!r && kconfig) {
		r = initramfs_add_file(ir, kconfig, RUNTIME_GUEST_KCONFIG, err);
	} else if (!r && !said) {
		said = true;
		log_debug("no config found for the kernel: the guest has no /boot/config-<release> "
			  "(BPF programs with __kconfig externs cannot load)");
	}
	if (!r)
		r = payload_pack(ir, t, extra, getenv("PATH"), err);
	if (!r && (r = mkdir_p(dir, 0755)))
		*err = xasprintf("cannot create %s: %s", dir, strerror(-r));
	if (!r && initramfs_write_cached(ir, dir, &path, err) < 0)
		path = NULL;
	initramfs_free(ir);
	free(root);
	free(dir);
	return path;
}

char *runtime_initramfs(const char *sched_path, const char *kconfig, const struct ktstr_test *t,
			const char *const *extra, char **err)
{
	struct initramfs *ir = initramfs_new();

	if (initramfs_add_file(ir, "/proc/self/exe", "/init", err)) {
		initramfs_free(ir);
		return NULL;
	}
	return runtime_initramfs_finish(ir, sched_path, kconfig, t, extra, err);
}
