/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One test, host side: check the host can run it, resolve the kernel and the
 * scheduler binary, build (or reuse) the initramfs, write the orders, boot the
 * VM (or fork the body for a host_only test), evaluate, write the run record
 * and format what to print. Every outcome, including skips, timeouts and
 * crashes, ends with a record.
 */
#ifndef KTSTR_RUN_ONE_H
#define KTSTR_RUN_ONE_H

#include <stdbool.h>

#include <ktstr/ktstr.h>

#include "core/result.h"
#include "core/topo.h"
#include "runner/plan.h"
#include "util/util.h"

struct run_opts {
	const char *kernel;                 /* an item without its own kernel; NULL = default */
	unsigned timeout_s;                 /* --timeout: body limit; 0 = the test's */
	const char *const *include_files;   /* -i: packed into every VM; may be NULL */
	bool no_skip;                       /* host-insufficiency skips become failures */
	double budget_s;                    /* --budget: suite_run starts no item that would
					     * end past it (estimated); 0 = none */
	int verbosity;                      /* 0 -q, 1 normal, 2 -v */
	bool color;
	/* --retries: suite_run reruns a failed item up to this many times, each
	 * in a fresh VM (retry.h); run_one labels its block with attempt (1-based;
	 * 0 = not counted) of retries + 1 */
	unsigned retries;
	unsigned attempt;
	bool flaky_fails;                   /* --flaky-fails: a flaky item fails the run */
	bool trace;                         /* --trace: every test records a trace (tracejson.h) */
	bool verifier_stats;                /* the record gets the verifier's statistics */
	/* --auto-repro: a scheduler death or failed monitor check reruns the
	 * item once with probes (repro.h) */
	bool auto_repro;
	/* that rerun: the functions to probe (NULL-terminated); run_one then
	 * keeps the guest's hits in the outcome and writes no record */
	char *const *probes;
	/* Progress: called (in run_one's process) with "boot" when the VM is
	 * launched and with each init stage the guest reports. May be NULL. */
	void (*on_stage)(void *arg, const char *stage);
	void *stage_arg;
};

/* What a run produced, for the caller's summary and JUnit. */
struct run_outcome {
	char *name;
	char topology[32];
	char *accel;                        /* "tcg", "kvm", "host" */
	double wall_s;
	struct ktstr_result result;         /* final verdict */
	char *note;
	char *record_path;                  /* NULL if the record could not be written */
	char *text;                         /* the block to print: the line and what goes under it */
	/* every attempt when the item ran more than once (--retries), else NULL/0 */
	struct ktstr_attempt *attempts;
	unsigned nattempts;
	bool flaky;                         /* it failed, then passed on a rerun */
	char *sched_ext_dump;               /* the kernel's sched_ext dump, NULL if none */
	char *console_tail;                 /* the VM console's last lines, NULL if none */
	char *probes;                       /* run_opts.probes: the guest's hits (probe.h) */
};

/* A plan item (plan.h) for t as declared: its own topology, required flags,
 * default kernel. */
void run_item_for(const struct ktstr_test *t, struct plan_item *it);

/* Run one plan item (a test with its topology, flags and kernel). Always
 * fills *out (free with run_outcome_free) and returns its verdict. */
enum ktstr_verdict run_one(const struct plan_item *it, const struct run_opts *opts,
			   struct run_outcome *out);
void run_outcome_free(struct run_outcome *o);

#endif
