/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VM templates: a VM booted once to the guest's "orders" stage
 * and saved, so that each test restores it (private copy-on-write RAM) instead
 * of booting. A template lives in <cache root>/templates/<key>/: ram-nodeN,
 * state, frames (vm.h), console.log of its boot and metadata.json. The key is
 * a content hash of every input: the QEMU argv (topology, memory, accelerator,
 * firmware, kernel command line), the identity of the kernel image, the
 * initramfs (named by its own content hash), the QEMU binary and firmware.
 */
#ifndef KTSTR_SNAPSHOT_H
#define KTSTR_SNAPSHOT_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "vm/vm.h"

#define SNAPSHOT_CAP_MB_DEFAULT 4096 /* env KTSTR_TEMPLATE_CAP_MB */

/* Snapshots are on unless env KTSTR_SNAPSHOT is "0" (--no-snapshot sets it). */
bool snapshot_enabled(void);
/* The template key of a VM spec (lower-case hex SHA-256). -errno and *err. */
int snapshot_key(const struct vm_spec *spec, char key[65], char **err);
/* <cache root>/templates (caller frees). */
char *snapshot_templates_dir(void);
/* A template in use: while held, it is neither removed nor replaced. */
struct snapshot_use {
	char *dir;    /* <cache root>/templates/<key> */
	int lock_fd;  /* the key's lock, shared */
	dev_t dev;    /* the directory: which build this is (a build */
	ino_t ino;    /* renames a new one into place) */
	struct timespec ctime;
};
/*
 * The template for spec, built now when missing (the build cost is shown on
 * stderr), held for use until snapshot_release or snapshot_discard. One
 * process builds a key while others wait for it; a build goes to a temporary
 * name renamed into place once whole, so a template is seen whole or not at
 * all. After a build the templates are trimmed to the size cap, least recently
 * used first. 0, or -errno and *err.
 */
int snapshot_acquire(const struct vm_spec *spec, struct snapshot_use *u, char **err);
void snapshot_release(struct snapshot_use *u);
/* A restore from u failed: remove the template (the next use builds it again)
 * unless another VM uses it or it was built again meanwhile, then release it.
 * True when it was removed. */
bool snapshot_discard(struct snapshot_use *u);
/* Remove whole templates, least recently used first, until they use at most
 * cap_bytes of disk; keep (a directory name, may be NULL) and templates in use
 * stay. Also removes builds whose builder is gone and what was moved aside to
 * be removed. Returns the bytes freed. */
uint64_t snapshot_trim(const char *templates_dir, uint64_t cap_bytes, const char *keep);

#endif
