/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The config of a kernel built by ktstr: allnoconfig plus ktstr's fragment
 * (ktstr.config in this directory, compiled in) plus the user's fragment, merged
 * by the tree's scripts/kconfig/merge_config.sh, then verified: every option the
 * fragments set must have that value in the resulting .config.
 */
#ifndef KTSTR_KBCONFIG_H
#define KTSTR_KBCONFIG_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stddef.h>

#include "vm/kconfig.h"

/* ktstr's fragment. Caller frees. */
char *kbconfig_fragment(void);
/* 12 hex of what decides the config: the base, ktstr's fragment, the user's
 * fragment (NULL: none). */
char *kbconfig_hash(const char *ktstr_fragment, const char *user_fragment);

/* An option a fragment set that the resulting config does not have. */
struct kbconfig_unmet {
	char *name; /* "CONFIG_SCHED_CLASS_EXT" */
	char *want; /* "y" */
	char *got;  /* "n" when absent or not set */
};
/* Options of want whose value in have differs ("n" in want is met by an absent
 * option). Returns the count; *out is allocated (free with kbconfig_unmet_free). */
size_t kbconfig_verify(const struct kconfig *want, const struct kconfig *have,
		       struct kbconfig_unmet **out);
void kbconfig_unmet_free(struct kbconfig_unmet *u, size_t n);

/* What a Kconfig file says option name (with or without CONFIG_) depends on: its
 * "depends on" lines joined with " && ", "" when it has none, NULL when the file
 * does not define it. */
char *kbconfig_depends(const char *kconfig_text, const char *name);
/* The same over every Kconfig* file of a source tree (the first definition);
 * NULL when none defines it. */
char *kbconfig_tree_depends(const char *srctree, const char *name);

/* Write the fragments into build_dir, merge them onto allnoconfig with the tree's
 * merge_config.sh (output appended to log_fd), verify. A wanted value that did
 * not stick is -EINVAL with *err naming each such option and what it depends on. */
int kbconfig_make(const char *srctree, const char *build_dir, const char *user_fragment,
		  int log_fd, char **err);

#endif
