/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a run needs from the host, checked before any VM boots: a wrong kernel
 * given by the user, or a scheduler binary that cannot run in the VM, is an
 * error of the input (exit 2), not a test that fails or is skipped once its
 * VM would start.
 */
#ifndef KTSTR_PREFLIGHT_H
#define KTSTR_PREFLIGHT_H

#include <stddef.h>

#include "runner/plan.h"

/*
 * The kernel spec names (--kernel), else KTSTR_KERNEL, must resolve to a kernel
 * image; with neither, the default search decides later (its failure is a
 * skip). 0, or a negative errno and *err (allocated) naming the kernel and
 * what is wrong with it.
 */
int preflight_kernel(const char *spec, char **err);

/*
 * Every kernel the VM items of items[0..n) name (an item's --kernel, else
 * spec, else KTSTR_KERNEL) must resolve to a kernel image. Items naming none
 * are left to the default search, whose failure is a skip. 0, or a negative
 * errno and *err (allocated) naming the kernel and what is wrong with it.
 */
int preflight_kernels(const struct plan_item *items, size_t n, const char *spec, char **err);

/*
 * The scheduler binary of every VM item of items[0..n) that runs one must
 * resolve (next to self_dir, its ../schedulers/, then path_env's directories,
 * or its path) to a file that can run in the VM: an ELF of this machine whose
 * shared libraries are found, not a script (the VM has no interpreter). 0, or
 * a negative errno and *err (allocated) naming the scheduler, the file and
 * what is wrong with it.
 */
int preflight_schedulers(const struct plan_item *items, size_t n, const char *self_dir,
			 const char *path_env, char **err);

#endif
