/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A suite run on the host: every selected test, each in its own worker
 * process (one VM each), up to -j at once within a host CPU budget. Each
 * test's block is printed whole when it finishes, so parallel output never
 * interleaves; then the closing count line and, with --junit, the XML file.
 * With opts->retries a failed test reruns at once in its worker, holding its
 * slot (retry.h).
 */
#ifndef KTSTR_SUITE_H
#define KTSTR_SUITE_H

#include <stddef.h>

#include <ktstr/ktstr.h>

#include "runner/args.h"
#include "runner/plan.h"
#include "runner/run_one.h"

/* Run items[0..n) with opts; jobs 0 = one per host CPU. Prints to stdout.
 * Returns KTSTR_EXIT_PASS / KTSTR_EXIT_FAIL. */
int suite_run(const struct plan_item *items, size_t n, const struct run_opts *opts,
	      unsigned jobs, const char *junit, const char *suite_name);

/*
 * What a front end (ktstr run) adds around a suite run. Every member may be
 * NULL/0. Callbacks run in the suite process, between polls.
 */
struct suite_hooks {
	FILE *out;            /* the blocks and the closing line; NULL = stdout */
	void (*on_start)(void *arg, size_t idx);
	/* before the item's block is printed */
	void (*on_finish)(void *arg, size_t idx, const struct run_outcome *o);
	void (*on_tick)(void *arg);           /* about once a second while items run */
	/* the item's VM reached a stage ("boot", then the guest's: "scheduler",
	 * "body", ...) */
	void (*on_stage)(void *arg, size_t idx, const char *stage);
	void (*before_summary)(void *arg);    /* just before the closing line */
	void *arg;
};

int suite_run_hooks(const struct plan_item *items, size_t n, const struct run_opts *opts,
		    unsigned jobs, const char *junit, const char *suite_name,
		    const struct suite_hooks *hooks);

#endif
