/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel source trees: what identifies a tree's content, its version, and where
 * its out-of-tree (O=) build lives.
 *
 * Identity: for a git checkout, HEAD plus a hash of `git diff HEAD` (tracked
 * changes) and of the untracked, not ignored files' names and contents; for an
 * unpacked package (a label is given, its tree committed to git as packaged),
 * the same without HEAD, so a package unpacked again is the same source; for any
 * other tree, a hash of every file's path, size and mtime. Two builds with the
 * same label, identity and config are the same kernel.
 */
#ifndef KTSTR_KSOURCE_H
#define KTSTR_KSOURCE_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>

struct ksource {
	char *dir;       /* the tree, absolute */
	char *label;     /* "debian:linux-source-7.3=7.3.4-1~bpo13+1", "tree:/home/u/linux" */
	char *identity;  /* "git:<12 hex>", "git:<12 hex>+dirty:<12 hex>", "packaged",
			  * "packaged+dirty:<12 hex>" or "files:<12 hex>" */
	char *version;   /* "7.3.4" from the top Makefile */
	char *build_dir; /* <cache root>/build/<tree name>-<8 hex of dir> */
};

/* A kernel source tree: top Makefile, Kconfig and scripts/kconfig/merge_config.sh. */
bool ksource_is_tree(const char *dir);
/* label: the package the tree was unpacked from; NULL: "tree:<dir>". */
int ksource_open(const char *dir, const char *label, struct ksource *s, char **err);
void ksource_free(struct ksource *s);

/* "VERSION = 7", "PATCHLEVEL = 3", "SUBLEVEL = 4", "EXTRAVERSION = -rc1" of a
 * top Makefile -> "7.3.4-rc1". -EINVAL when VERSION or PATCHLEVEL is missing. */
int ksource_makefile_version(const char *makefile, char **out);
/* "git:<12 hex of head>" ("packaged" when head is NULL), plus "+dirty:<12 hex>"
 * of diff and untracked when either is not empty. */
char *ksource_git_identity(const char *head, const char *diff, const char *untracked);

#endif
