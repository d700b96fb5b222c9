/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared run-time helpers: content hashes and the project commit. */
#ifndef KTSTR_RUNTIME_H
#define KTSTR_RUNTIME_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stddef.h>

struct ktstr_test;

/*
 * The commit of the project under test: env KTSTR_PROJECT_COMMIT if set
 * (empty = unknown), else `git rev-parse --short=12 HEAD` in the current
 * directory plus "-dirty" when tracked files differ, else the commit libktstr
 * was built from, else NULL. Computed once per process.
 */
const char *runtime_project_commit(void);

/*
 * The initramfs of a VM: this executable as /init with its library closure,
 * sched_path (may be NULL) as /scheduler, kconfig (the booted kernel's config,
 * may be NULL) as /ktstr/kconfig, and under /include-files/ t's include files,
 * its payloads and the extra files of -i (runner/payload.h; t and extra
 * may be NULL). Kept in <kernel cache root>/initramfs/<content hash>.cpio and
 * reused while unchanged. Returns its path (caller frees), or NULL with *err set.
 */
struct initramfs;
/* Add the scheduler (as GUEST_SCHEDULER), the kernel config (as
 * GUEST_KCONFIG) and the test's and extra include files to ir, write it
 * to the initramfs cache and return its path (NULL and *err on failure). Frees
 * ir either way. */
char *runtime_initramfs_finish(struct initramfs *ir, const char *sched_path, const char *kconfig,
			       const struct ktstr_test *t, const char *const *extra, char **err);
char *runtime_initramfs(const char *sched_path, const char *kconfig, const struct ktstr_test *t,
			const char *const *extra, char **err);

#endif
