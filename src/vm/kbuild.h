/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ktstr kernel build`: a kernel from source into the kernel cache (kernel.h).
 *
 * The source is a tree or a Debian source package (kfetch.h); its identity
 * (ksource.h) and the config's hash (kbconfig.h) make the cache id
 * "<version>-<12 hex>". When that entry exists nothing is built. Otherwise the
 * tree is configured and built out of tree in its own build directory (kept, so
 * the next build of the tree is incremental), and bzImage, vmlinux (debug info
 * stripped, symbols and BTF kept), config and System.map are stored as a new
 * cache entry with metadata.json, atomically.
 */
#ifndef KTSTR_KBUILD_H
#define KTSTR_KBUILD_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>

struct kbuild_opts {
	const char *source;   /* a kernel source tree, or "debian:VERSION" */
	const char *fragment; /* a config fragment file applied after ktstr's, or NULL */
	unsigned jobs;        /* make -jN; 0: the CPUs this process may run on */
	bool no_build;        /* look the kernel up only: -ESTALE when it is not built */
	bool refresh;         /* update the package index (debian:) even when recent */
};

struct kbuild_result {
	char *id;       /* cache id of the kernel */
	bool cached;    /* it was in the cache: nothing was built */
	char *log;      /* the build log, when something ran */
	double seconds; /* wall time of the whole command */
};

int kbuild_run(const struct kbuild_opts *o, struct kbuild_result *r, char **err);
void kbuild_result_free(struct kbuild_result *r);

/* "<version>-<12 hex of label, identity and config hash>". Caller frees. */
char *kbuild_cache_id(const char *version, const char *label, const char *identity,
		      const char *config_hash);
/* `pahole --version` output ("v1.24") -> 124; -EINVAL when unreadable. */
int kbuild_pahole_version(const char *out);
/* The pahole version lib/Kconfig.debug requires for DEBUG_INFO_BTF
 * ("depends on PAHOLE_VERSION >= 122" -> 122); 0 when it names none. */
int kbuild_pahole_required(const char *kconfig_debug);
/* From a line of make's output, the step ("CC kernel/sched/ext.o") when the
 * line is one of kbuild's quiet command lines, else NULL. build_dir (a prefix
 * kbuild prints for tools built out of tree) is removed. Caller frees. */
char *kbuild_make_step(const char *line, const char *build_dir);

#endif
