/* SPDX-License-Identifier: GPL-2.0-only */
/* Kernels: the cache, fetching Debian's sched_ext kernel, resolution, checks. */
#ifndef KTSTR_KERNEL_H
#define KTSTR_KERNEL_H

#include <stdbool.h>

struct kernel_info {
	char *id;        /* cache id, or NULL for a path outside the cache */
	char *version;   /* "7.3.4+deb13-cloud-amd64" when known */
	char *image;     /* bzImage path */
	char *config;    /* kernel config path, or NULL */
	char *vmlinux;   /* ELF vmlinux with .BTF, or NULL */
	bool sched_ext;  /* config has CONFIG_SCHED_CLASS_EXT=y */
	char *source;    /* "debian:<pkg>", "path", "build-tree", "host" */
};

/* Cache root: $KTSTR_CACHE_DIR, else $XDG_CACHE_HOME/ktstr, else ~/.cache/ktstr. Caller frees. */
char *kernel_cache_root(void);
/* --kernel (image, build tree, cache id/version) > KTSTR_KERNEL > newest valid cached
 * > host /boot/vmlinuz-$(uname -r) with sched_ext. On failure -ENOENT and *err says
 * exactly which command gets a kernel. */
int kernel_resolve(const char *spec, struct kernel_info *out, char **err);
void kernel_info_free(struct kernel_info *k);

#endif
