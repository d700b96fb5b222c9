/* SPDX-License-Identifier: GPL-2.0-only */
/* newc cpio archives written by our code, with the shared-library closure of every ELF. */
#ifndef KTSTR_INITRAMFS_H
#define KTSTR_INITRAMFS_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stddef.h>
#include <sys/types.h>

struct initramfs;

struct initramfs *initramfs_new(void);
void initramfs_free(struct initramfs *ir);
/* Add a host file at guest_path (parents created). An ELF also brings its
 * interpreter and DT_NEEDED closure (see vm/elfdeps.h): each library as a
 * regular file at its canonical host path, plus a symlink to it at the path
 * the guest loader opens when that differs. Adding the same content
 * twice is a no-op; different content at one path is -EEXIST with *err set. */
int initramfs_add_file(struct initramfs *ir, const char *host_path, const char *guest_path,
		       char **err);
/* Add a host directory recursively under guest_dir. */
int initramfs_add_dir(struct initramfs *ir, const char *host_dir, const char *guest_dir,
		      char **err);
int initramfs_add_data(struct initramfs *ir, const char *guest_path, const void *data, size_t len,
		       mode_t mode, char **err);
int initramfs_add_symlink(struct initramfs *ir, const char *guest_path, const char *target,
			  char **err);
/*
 * Write the archive (newc, trailer) atomically (a temporary file renamed into
 * place). Entries are sorted by path, with fixed inode numbers, owners and
 * mtimes, so the same content always gives the same bytes. Files are streamed
 * from disk; one that changed since it was added is an error. 0 or -errno.
 */
int initramfs_write(struct initramfs *ir, const char *path, char **err);
/* SHA-256 (hex, caller frees) of what the archive will hold: paths, types,
 * modes, contents, link targets. NULL with errno set if a file is unreadable. */
char *initramfs_hash(struct initramfs *ir);
/* Write <cache_dir>/<hash>.cpio unless it exists; *path_out (caller frees) names
 * it. Concurrent writers of one archive each write a temporary file; the first
 * linked into place stays and is never replaced (its inode is part of a VM
 * template's key). Returns 0 when it wrote the archive, 1 when it reused it, or
 * -errno. */
int initramfs_write_cached(struct initramfs *ir, const char *cache_dir, char **path_out,
			   char **err);
/* Number of entries (directories included), for reports and tests. */
size_t initramfs_count(const struct initramfs *ir);

#endif
