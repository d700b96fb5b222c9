/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A suite run on the host: every selected test, each in its own worker
 * process (one VM each), up to -j at once within a host CPU budget. Each
 * test's block is printed whole when it finishes, so parallel output never
 * interleaves; then the closing count line and, with --junit, the XML file.
 */
#ifndef KTSTR_SUITE_H
#define KTSTR_SUITE_H

#include <stddef.h>

#include <ktstr/ktstr.h>

#include "test_support/args.h"
#include "test_support/plan.h"
#include "test_support/run_one.h"

/* Run items[0..n) with opts; jobs 0 = one per host CPU. Prints to stdout.
 * Returns KTSTR_EXIT_PASS / KTSTR_EXIT_FAIL. */
int suite_run(const struct plan_item *items, size_t n, const struct run_opts *opts,
	      unsigned jobs, const char *junit, const char *suite_name);

#endif
