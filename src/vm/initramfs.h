/* SPDX-License-Identifier: GPL-2.0-only */
/* newc cpio archives written by our code, with the shared-library closure of every ELF. */
#ifndef KTSTR_INITRAMFS_H
#define KTSTR_INITRAMFS_H

#include <stddef.h>
#include <sys/types.h>

struct initramfs;

struct initramfs *initramfs_new(void);
void initramfs_free(struct initramfs *ir);
/* Add a host file at guest_path (parents created). An ELF also brings its
 * interpreter and DT_NEEDED closure at their host paths. Adding the same content
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
/* Write the archive (newc, trailer). Returns 0 or -errno. */
int initramfs_write(struct initramfs *ir, const char *path);
/* Content hash of everything added (hex, caller frees): cache key for reuse. */
char *initramfs_hash(struct initramfs *ir);

#endif
