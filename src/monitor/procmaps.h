/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where a process maps a file, from the text of its /proc/<pid>/maps: QEMU's
 * mapping of a memory-backend file, so that the VM's RAM can be read in
 * QEMU's address space (/proc/<pid>/mem) when it is a private copy-on-write
 * mapping nobody else sees.
 *
 * A line is "start-end perms offset dev inode [path]" (hex addresses and
 * offset); the kernel splits one mapping into several lines when part of it
 * changes (madvise, mprotect), so a file is mapped by a run of lines at
 * contiguous addresses and consecutive file offsets. A path the kernel saw
 * unlinked ends in " (deleted)".
 */
#ifndef KTSTR_PROCMAPS_H
#define KTSTR_PROCMAPS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The address at which maps (len bytes of /proc/<pid>/maps) holds
 * [0, size) of the file at path (as the kernel names it: resolved). 0 and
 * *addr; -ENOENT when no run of lines covers it, -EEXIST when two do,
 * -EINVAL for a malformed line.
 */
int procmaps_find(const char *maps, size_t len, const char *path, uint64_t size, uint64_t *addr);

#endif
