/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Include files: host files and directories a test needs inside the VM, packed
 * under /include-files/<basename> (directories recursively). A spec with a '/'
 * names a path that must exist; a bare name is looked up in the current
 * directory, then in $PATH (so "stress-ng" finds /usr/bin/stress-ng). ELF
 * files bring their shared-library closure (vm/initramfs.h). Two specs that
 * map to one guest path with different content are an error naming both host
 * paths; identical content is packed once.
 */
#ifndef KTSTR_INCLUDE_H
#define KTSTR_INCLUDE_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include "proto/guest_abi.h"

struct initramfs;

/* Host path of spec (caller frees *host). -ENOENT/-EINVAL with *err set. */
int include_resolve(const char *spec, const char *path_env, char **host, char **err);
/* Resolve spec and add it to ir. 0 or -errno with *err naming the spec. */
int include_add(struct initramfs *ir, const char *spec, const char *path_env, char **err);

#endif
