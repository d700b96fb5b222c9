/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shared-library closure of an ELF, resolved the way glibc's ld.so does it
 * at start-up: PT_INTERP, then DT_NEEDED breadth-first, each name searched in
 * DT_RPATH (requester and its loaders, when the requester has no DT_RUNPATH),
 * DT_RUNPATH, /etc/ld.so.cache, then the system directories. $ORIGIN is
 * expanded twice: with the object's host directory to find the file, and with
 * its guest directory to name the path the guest loader will open.
 * LD_LIBRARY_PATH is ignored: the guest does not have it.
 */
#ifndef KTSTR_ELFDEPS_H
#define KTSTR_ELFDEPS_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elfdeps_lib {
	char *guest_path; /* where the guest loader looks (e.g. /lib64/ld-linux-x86-64.so.2) */
	char *host_path;  /* the canonical host file (realpath) */
};

struct elfdeps {
	struct elfdeps_lib *libs; /* interpreter first, then libraries in load order */
	size_t n;
	/* Some library was found through ld.so.cache outside the system
	 * directories: the guest needs /etc/ld.so.cache to find it too. */
	bool needs_ld_cache;
};

/* 1 if path is an ELF file, 0 if not, -errno if it cannot be read. */
int elfdeps_is_elf(const char *path);

/*
 * Closure of the ELF at host_path, which the guest will see at guest_path.
 * A non-ELF file and a static binary have an empty closure. A corrupt ELF or a
 * library that cannot be found is -ENOEXEC / -ENOENT with *err naming it.
 */
int elfdeps_closure(const char *host_path, const char *guest_path, struct elfdeps *out,
		    char **err);
void elfdeps_free(struct elfdeps *d);

/*
 * Whether the file at path can be executed in a guest that holds only it and
 * its ELF closure: an ELF of this host's class and machine whose every library
 * is found. A #! script (its interpreter is not packed), another architecture
 * or a missing library is -ENOEXEC / -ENOENT with *err naming the interpreter,
 * the machine or the library.
 */
int elfdeps_check_exec(const char *path, char **err);

/*
 * Look name up in an ld.so.cache image (the "glibc-ld.so.cache1.1" format,
 * alone or after the old "ld.so-1.7.0" table). Only entries of the given
 * required flags (0x0303 for x86-64 libc6, 0x0a03 for aarch64) and without a
 * hwcap subdirectory match. Returns a new string or NULL. Bounds-checked.
 */
char *elfdeps_cache_lookup(const uint8_t *cache, size_t len, const char *name, uint32_t flags);

#endif
