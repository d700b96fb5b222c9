/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario executor behind <ktstr/scenario.h>. It runs against an explicit
 * environment (topology, duration, thresholds, result) so that it works the
 * same inside the guest (built from struct ktstr_ctx) and in host-side tests.
 */
#ifndef KTSTR_GUEST_SCENARIO_H
#define KTSTR_GUEST_SCENARIO_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <ktstr/ktstr.h>

#include "core/result.h"
#include "guest/hwtopo.h"

struct scn_env {
	const struct hw_topo *topo;
	unsigned duration_ms;
	unsigned workers_per_cgroup;
	const struct ktstr_thresholds *thr; /* merged, time limits already scaled */
	double time_scale;                  /* the accelerator's slowdown: the stop deadline */
	const char *accel;                  /* "tcg"/"kvm"; NULL on the host */
	struct ktstr_result *result;
	int sched_pid;                      /* 0 = kernel scheduler, nothing to watch */
	const char *cgroup_parent;          /* NULL = CGROUP_DEFAULT_PARENT */
	const char *sched_name;             /* for messages; NULL = "scheduler" */
	struct ktstr_ctx *ctx;              /* handed to KTSTR_OP_CALL functions; may be NULL */
};

struct ktstr_reports {
	struct ktstr_worker_report *r;
	unsigned n;
};

/* Resolve a cpuset spec against a topology; empty out for KTSTR_CPUSET_KIND_NONE.
 * Errors (message in *err): index out of range, too few CPUs, bad fractions. */
int scn_cpuset_resolve(const struct ktstr_cpuset_spec *s, const struct hw_topo *t,
		       struct cpuset *out, char **err);

/* Run steps; failures go into env->result; returns KTSTR_PASS / FAIL / SKIP. */
int scn_run_steps(struct scn_env *env, const struct ktstr_step *steps);
/* Steps with a backdrop (NULL = none) set up before the first and kept to the end. */
int scn_run_scenario(struct scn_env *env, const struct ktstr_backdrop *backdrop,
		     const struct ktstr_step *steps);
int scn_run_cgroups(struct scn_env *env, const struct ktstr_cgroup_def *defs);
/* Spawn, run the duration, collect: NULL on setup failure (detail recorded). */
struct ktstr_reports *scn_spawn_and_collect(struct scn_env *env, const char *cg, unsigned n,
					    struct ktstr_work w);
int scn_reports_check(struct scn_env *env, const struct ktstr_reports *r);
/* true while the scheduler process lives (always true when sched_pid == 0). */
bool scn_sched_alive(int pid);

/* The catalog, on an environment. */
struct scn_entry {
	struct ktstr_scenario pub; /* name, category, description, needs */
	int (*run)(struct scn_env *env);
};
/* Entry i in category-then-name order; NULL past the end. */
const struct scn_entry *scn_catalog_at(unsigned i);
const struct scn_entry *scn_catalog_find(const char *name);

/* The environment of a test body's context (ctx must outlive env). */
void scn_env_from_ctx(struct ktstr_ctx *ctx, struct scn_env *env);

#endif
