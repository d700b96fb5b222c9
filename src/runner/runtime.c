// SPDX-License-Identifier: GPL-2.0-only
/* Content hashes for cache keys, and the commit of the project under test. */
#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/build_commit.h"
#include "proto/guest_abi.h"
#include "runner/payload.h"
#include "runner/runtime.h"
#include "util/util.h"
#include "vm/initramfs.h"
#include "vm/kernel.h"

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

char *runtime_initramfs_finish(struct initramfs *ir, const char *sched_path, const char *kconfig,
			       const struct ktstr_test *t, const char *const *extra, char **err)
{
	static bool said;
	char *root = kernel_cache_root(), *dir = xasprintf("%s/initramfs", root), *path = NULL;
	int r = 0;

	if (sched_path)
		r = initramfs_add_file(ir, sched_path, GUEST_SCHEDULER, err);
	if (!r && kconfig) {
		r = initramfs_add_file(ir, kconfig, GUEST_KCONFIG, err);
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
