/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared run-time helpers: content hashes and the project commit. */
#ifndef KTSTR_RUNTIME_H
#define KTSTR_RUNTIME_H

#include <stddef.h>

struct ktstr_test;

/*
 * Content hash over a list of inputs, for cache keys (VM templates,
 * initramfs). Each part is hashed with its kind and length so ("ab","c") and
 * ("a","bc") differ. Lower-case hex SHA-256 (65 bytes with the NUL).
 */
struct runtime_hash;
struct runtime_hash *runtime_hash_new(void);
void runtime_hash_bytes(struct runtime_hash *h, const void *data, size_t len);
void runtime_hash_str(struct runtime_hash *h, const char *s); /* NULL hashes differently from "" */
/* The file's contents (not its name or time). -errno if it cannot be read. */
int runtime_hash_file(struct runtime_hash *h, const char *path);
/* Finish: hex digest into out[65]; frees h. */
void runtime_hash_final(struct runtime_hash *h, char out[65]);

/*
 * The commit of the project under test: env KTSTR_PROJECT_COMMIT if set
 * (empty = unknown), else `git rev-parse --short=12 HEAD` in the current
 * directory plus "-dirty" when tracked files differ, else the commit libktstr
 * was built from, else NULL. Computed once per process.
 */
const char *runtime_project_commit(void);

/*
 * A new scratch directory for one VM, <base>/ktstr-<tag>-XXXXXX, where base is
 * /dev/shm when it exists (the guest RAM files live there and must not be
 * written back to a disk), else $TMPDIR, else /tmp. NULL with errno set.
 * It holds the file RUNTIME_SCRATCH_PID: the pid of the process that made it.
 */
#define RUNTIME_SCRATCH_PID "owner.pid"
char *runtime_scratch_dir(const char *tag);

/*
 * The initramfs of a VM: this executable as /init with its library closure,
 * sched_path (may be NULL) as /scheduler, kconfig (the booted kernel's config,
 * may be NULL) as /ktstr/kconfig, and under /include-files/ t's include files,
 * its payloads and the extra files of -i (test_support/payload.h; t and extra
 * may be NULL). Kept in <kernel cache root>/initramfs/<content hash>.cpio and
 * reused while unchanged. Returns its path (caller frees), or NULL with *err set.
 */
#define RUNTIME_GUEST_SCHEDULER "/scheduler"
/* The guest init links /boot/config-<release> to it: libbpf resolves a BPF
 * program's __kconfig externs from that file. */
#define RUNTIME_GUEST_KCONFIG "/ktstr/kconfig"
struct initramfs;
/* Add the scheduler (as RUNTIME_GUEST_SCHEDULER), the kernel config (as
 * RUNTIME_GUEST_KCONFIG) and the test's and extra include files to ir, write it
 * to the initramfs cache and return its path (NULL and *err on failure). Frees
 * ir either way. */
char *runtime_initramfs_finish(struct initramfs *ir, const char *sched_path, const char *kconfig,
			       const struct ktstr_test *t, const char *const *extra, char **err);
char *runtime_initramfs(const char *sched_path, const char *kconfig, const struct ktstr_test *t,
			const char *const *extra, char **err);

#endif
