/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * struct ktstr_ctx: what a test body sees. Built in the guest's test body
 * process from the orders and the topology the guest kernel exposes (or, for a
 * host_only test, on the host from the test's declaration). Internal to
 * libktstr: scenario code (src/guest/) uses the fields, test authors use the
 * ktstr_ctx_* accessors in <ktstr/ktstr.h>.
 */
#ifndef KTSTR_CTX_H
#define KTSTR_CTX_H

#include <ktstr/ktstr.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/result.h"
#include "guest/hwtopo.h"

struct orders;

struct ktstr_ctx {
	const struct ktstr_test *test;
	struct hw_topo topo;           /* as seen from sysfs */
	unsigned duration_ms;          /* scenario length */
	unsigned workers_per_cgroup;
	int sched_pid;                 /* 0 under EEVDF */
	struct ktstr_thresholds thresholds; /* merged: defaults < scheduler < test */
	double time_scale;             /* >= 1: the accelerator's slowdown (workers' stop deadline) */
	const char *accel;             /* "kvm" / "tcg" (from the orders), NULL if unknown */
	uint64_t seed;                 /* for anything random in a scenario */
	const char *cgroup_root;       /* where scenarios create their cgroups */
	bool host_only;                /* running on the host, not in a VM */
	int chan_fd;                   /* frames to the host (CHAN_LOG, ...); -1 = stderr */
	bool trace;                    /* marks also go into the guest's trace (guest/trace.h) */
	struct ktstr_result result;    /* built by ktstr_fail/ktstr_skip/ktstr_stat */
};

/* Fill ctx for test t from orders o (built by the host for this run, also for
 * host_only tests) and a topology read by the caller. ctx->result starts as PASS. */
void ctx_init(struct ktstr_ctx *ctx, const struct ktstr_test *t, const struct orders *o,
	      const struct hw_topo *topo, int chan_fd);
/* Run the body and fold its return value into ctx->result: a FAIL return with
 * no detail gets one, a SKIP return with no reason gets one. */
void ctx_run(struct ktstr_ctx *ctx);
void ctx_free(struct ktstr_ctx *ctx);

#endif
