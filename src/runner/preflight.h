/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a run needs from the host, checked before any VM boots: a wrong kernel
 * given by the user is an error of the command line (exit 2), not a test
 * that fails or is skipped once its VM would start.
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

#endif
