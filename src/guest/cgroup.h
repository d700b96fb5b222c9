/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cgroup v2 manager for a test: one managed parent directory, child cgroups
 * created under it (names may nest, "a/b"), cpusets, task moves, and removal
 * of everything at the end. Writes that the kernel refuses with EBUSY are
 * retried (3 x 100 ms); waits for cgroups to empty are bounded.
 */
#ifndef KTSTR_CGROUP_H
#define KTSTR_CGROUP_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <sys/types.h>

#include "util/cpuset.h"

#define CGROUP_DEFAULT_PARENT "/sys/fs/cgroup/ktstr"

struct cgmgr {
	char *root;        /* mount point of the v2 hierarchy that holds parent */
	char *parent;      /* managed parent, absolute path */
	bool created_parent;
	bool has_cpuset;   /* +cpuset could be enabled down to the parent's children */
	bool has_cpu;
	char **created;    /* relative names in creation order */
	unsigned ncreated;
	unsigned drain_wait_ms; /* how long remove waits for a cgroup to empty (default 2000) */
};

/* Create (or adopt) parent and enable +cpuset +cpu in the subtree_control of
 * every ancestor from the hierarchy root down to parent. Controllers the
 * hierarchy does not offer are skipped (has_cpuset/has_cpu say which worked).
 * parent NULL = CGROUP_DEFAULT_PARENT. *err explains failures (caller frees). */
int cgmgr_init(struct cgmgr *m, const char *parent, char **err);
/* Remove every cgroup created (reverse order, ENOENT ignored), then the parent
 * if cgmgr_init created it, and free m. Returns the first error, 0 if clean. */
int cgmgr_cleanup(struct cgmgr *m);

/* Absolute path of a managed cgroup (name "" = the parent). Caller frees. */
char *cgmgr_path(const struct cgmgr *m, const char *name);
int cgmgr_create(struct cgmgr *m, const char *name);
/* Drain tasks to the hierarchy root, wait (bounded) until empty, rmdir. */
int cgmgr_remove(struct cgmgr *m, const char *name);
bool cgmgr_exists(const struct cgmgr *m, const char *name);

/* cpus empty = clear (inherit the parent's). mems NULL leaves cpuset.mems alone. */
int cgmgr_set_cpuset(struct cgmgr *m, const char *name, const struct cpuset *cpus,
		     const struct cpuset *mems);
int cgmgr_clear_cpuset(struct cgmgr *m, const char *name);
/* cpu.weight (1..10000, else -EINVAL); -EOPNOTSUPP without the cpu controller. */
int cgmgr_set_weight(struct cgmgr *m, const char *name, unsigned weight);
/* cpuset.cpus as written (configured), or cpuset.cpus.effective when effective. */
int cgmgr_get_cpuset(const struct cgmgr *m, const char *name, bool effective, struct cpuset *out);

int cgmgr_move_task(struct cgmgr *m, const char *name, pid_t pid);
/* Move every process of from into to; returns how many moved or -errno. */
int cgmgr_move_all(struct cgmgr *m, const char *from, const char *to);
/* Processes in a cgroup (cgroup.procs). *pids allocated; returns count or -errno. */
int cgmgr_procs(const struct cgmgr *m, const char *name, pid_t **pids);

/* Write value to path, retrying EBUSY 3 times 100 ms apart. */
int cgroup_write_retry(const char *path, const char *value);

#endif
