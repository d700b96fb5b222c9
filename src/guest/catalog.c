// SPDX-License-Identifier: GPL-2.0-only
/* Canned scenarios: one-liners for tests, and the list `ktstr list/run` shows. */
#include <string.h>

#include "guest/scenario.h"
#include "util/util.h"

static unsigned wpc(const struct scn_env *env)
{
	return env->workers_per_cgroup ? env->workers_per_cgroup : 2;
}

static unsigned ncpus(const struct scn_env *env)
{
	return cpuset_count(&env->topo->online);
}

/* SKIP (recorded) when the topology is too small; returns true to go on. */
static bool need_cpus(struct scn_env *env, unsigned n)
{
	if (ncpus(env) >= n)
		return true;
	result_skip(env->result, "needs at least %u CPUs, the guest has %u", n, ncpus(env));
	return false;
}

#define SKIP_UNLESS_CPUS(env, n)                                                                   \
	do {                                                                                       \
		if (!need_cpus(env, n))                                                            \
			return KTSTR_SKIP;                                                         \
	} while (0)

/* ---- basic ---- */

static int cat_steady(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({ .name = "cg_0" }, { .name = "cg_1" }));
}

static int cat_steady_llc(struct scn_env *env)
{
	unsigned n = env->topo->nllcs ? env->topo->nllcs : 1;
	struct ktstr_cgroup_def *defs = xcalloc(n + 1, sizeof(*defs));
	char **names = xcalloc(n, sizeof(*names));
	int v;

	for (unsigned i = 0; i < n; i++) {
		names[i] = xasprintf("llc_%u", i);
		defs[i].name = names[i];
		if (env->topo->nllcs)
			defs[i].cpuset = KTSTR_CPUSET_LLC(i);
	}
	defs[n].end_ = true;
	v = scn_run_cgroups(env, defs);
	for (unsigned i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(defs);
	return v;
}

static int cat_oversubscribed(struct scn_env *env)
{
	unsigned n = ncpus(env) ? ncpus(env) : 1;

	return scn_run_cgroups(env, KTSTR_CGROUPS({ .name = "cg_0", .workers = n },
						  { .name = "cg_1", .workers = n }));
}

static int cat_mixed_workloads(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS(
		{ .name = "spin" },
		{ .name = "bursty", .work = KTSTR_WORK_BURSTY_P(20, 40) },
		{ .name = "io", .work = KTSTR_WORK_IO_SYNC },
		{ .name = "yield", .work = KTSTR_WORK_YIELD_HEAVY }));
}

/* ---- cpuset ---- */

#define HALVES                                                                                     \
	KTSTR_CGROUPS({ .name = "cg_0", .cpuset = KTSTR_CPUSET_DISJOINT(0, 2) },                   \
		      { .name = "cg_1", .cpuset = KTSTR_CPUSET_DISJOINT(1, 2) })

static int cat_cpuset_apply(struct scn_env *env)
{
	SKIP_UNLESS_CPUS(env, 2);
	return scn_run_steps(env, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS({ .name = "cg_0" }, { .name = "cg_1" }) },
		{ .ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("cg_0", KTSTR_CPUSET_DISJOINT(0, 2)),
				   KTSTR_OP_SET_CPUSET("cg_1", KTSTR_CPUSET_DISJOINT(1, 2))) }));
}

static int cat_cpuset_clear(struct scn_env *env)
{
	SKIP_UNLESS_CPUS(env, 2);
	return scn_run_steps(env, KTSTR_STEPS(
		{ .cgroups = HALVES },
		{ .ops = KTSTR_OPS(KTSTR_OP_CLEAR_CPUSET("cg_0"),
				   KTSTR_OP_CLEAR_CPUSET("cg_1")) }));
}

static int cat_cpuset_resize(struct scn_env *env)
{
	SKIP_UNLESS_CPUS(env, 2);
	return scn_run_steps(env, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS(
			  { .name = "cg_0", .cpuset = KTSTR_CPUSET_RANGE(0, 0.5) },
			  { .name = "cg_1", .cpuset = KTSTR_CPUSET_RANGE(0.5, 1) }) },
		{ .ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("cg_0", KTSTR_CPUSET_RANGE(0, 0.25)),
				   KTSTR_OP_SET_CPUSET("cg_1", KTSTR_CPUSET_RANGE(0.25, 1))) },
		{ .ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("cg_1", KTSTR_CPUSET_RANGE(0.75, 1)),
				   KTSTR_OP_SET_CPUSET("cg_0", KTSTR_CPUSET_RANGE(0, 0.75))) }));
}

static int cat_cpuset_swap(struct scn_env *env)
{
	SKIP_UNLESS_CPUS(env, 2);
	return scn_run_steps(env, KTSTR_STEPS(
		{ .cgroups = HALVES },
		{ .ops = KTSTR_OPS(KTSTR_OP_SWAP_CPUSETS("cg_0", "cg_1")) }));
}

static int cat_cpuset_overlap(struct scn_env *env)
{
	SKIP_UNLESS_CPUS(env, 2);
	return scn_run_cgroups(env, KTSTR_CGROUPS(
		{ .name = "cg_0", .cpuset = KTSTR_CPUSET_OVERLAP(0, 2, 0.5) },
		{ .name = "cg_1", .cpuset = KTSTR_CPUSET_OVERLAP(1, 2, 0.5) }));
}

/* ---- dynamic ---- */

static int cat_cgroup_add(struct scn_env *env)
{
	return scn_run_steps(env, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS({ .name = "cg_0" }) },
		{ .cgroups = KTSTR_CGROUPS({ .name = "cg_1" }) }));
}

static int cat_cgroup_remove(struct scn_env *env)
{
	return scn_run_steps(env, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS({ .name = "cg_0" }, { .name = "cg_1" }) },
		{ .ops = KTSTR_OPS(KTSTR_OP_REMOVE_CGROUP("cg_1")) }));
}

static int cat_cgroup_churn(struct scn_env *env)
{
	return scn_run_steps(env, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS({ .name = "stable" },
					   { .name = "churn", .no_workers = true }),
		  .ops = KTSTR_OPS(KTSTR_OP_STOP_CGROUP("churn"),
				   KTSTR_OP_SPAWN("churn", KTSTR_WORK_CPU_SPIN)),
		  .hold = { .kind = KTSTR_HOLD_KIND_LOOP, .interval_ms = 250 } }));
}

/* ---- affinity ---- */

static int cat_affinity_change(struct scn_env *env)
{
	return scn_run_steps(env, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS({ .name = "cg_0" }) },
		{ .ops = KTSTR_OPS(KTSTR_OP_SET_AFFINITY("cg_0", KTSTR_AFF_RANDOM_SUBSET)) },
		{ .ops = KTSTR_OPS(KTSTR_OP_SET_AFFINITY("cg_0", KTSTR_AFF_LLC_ALIGNED)) }));
}

static int cat_affinity_pinned(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS(
		{ .name = "pinned",
		  .work = KTSTR_WORK(KTSTR_WT_CPU_SPIN,
				     .affinity = { .kind = KTSTR_AFF_SINGLE_CPU }) },
		{ .name = "free" }));
}

static int cat_affinity_churn(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS(
		{ .name = "cg_0", .work = KTSTR_WORK_AFFINITY_CHURN },
		{ .name = "cg_1" }));
}

/* ---- sched_class ---- */

static int cat_policy_mix(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS(
		{ .name = "normal" },
		{ .name = "batch",
		  .work = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .policy = KTSTR_POLICY_BATCH) },
		{ .name = "idle",
		  .work = KTSTR_WORK(KTSTR_WT_BURSTY, .policy = KTSTR_POLICY_IDLE) }));
}

static int cat_policy_churn(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS(
		{ .name = "churn", .work = KTSTR_WORK_POLICY_CHURN },
		{ .name = "spin" }));
}

static int cat_nice_sweep(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({ .name = "nice", .work = KTSTR_WORK_NICE_SWEEP },
						  { .name = "spin" }));
}

/* ---- nested ---- */

static int cat_nested_steady(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({ .name = "outer", .no_workers = true },
						  { .name = "outer/inner_0" },
						  { .name = "outer/inner_1" }));
}

static int cat_nested_task_move(struct scn_env *env)
{
	return scn_run_steps(env, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS({ .name = "outer", .no_workers = true },
					   { .name = "outer/a" },
					   { .name = "outer/b", .no_workers = true }) },
		{ .ops = KTSTR_OPS(KTSTR_OP_MOVE_ALL_TASKS("outer/a", "outer/b")) }));
}

/* ---- interaction: the work types against each other ---- */

static int cat_pipe_pairs(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({ .name = "pipe", .workers = 2,
						    .work = KTSTR_WORK_PIPE_IO },
						  { .name = "spin" }));
}

static int cat_futex_pairs(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({ .name = "futex", .workers = 2,
						    .work = KTSTR_WORK_FUTEX_PING_PONG },
						  { .name = "spin" }));
}

static int cat_mutex_contention(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({ .name = "mutex", .workers = 4,
						    .work = KTSTR_WORK_MUTEX_CONTENTION }));
}

static int cat_fan_out(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS(
		{ .name = "fan", .workers = 3,
		  .work = KTSTR_WORK(KTSTR_WT_FAN_OUT_COMPUTE,
				     .p = { .group = 2, .operations = 1 }) }));
}

static int cat_fork_storm(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({ .name = "fork", .work = KTSTR_WORK_FORK_EXIT },
						  { .name = "spin" }));
}

static int cat_memory_churn(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS(
		{ .name = "faults", .work = KTSTR_WORK_PAGE_FAULT_CHURN },
		{ .name = "cache", .work = KTSTR_WORK_CACHE_PRESSURE }));
}

static int cat_yield_storm(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({ .name = "yield", .workers = 2 * wpc(env),
						    .work = KTSTR_WORK_YIELD_HEAVY },
						  { .name = "mixed", .work = KTSTR_WORK_MIXED }));
}

/* Sorted by category, then name. */
const struct scn_entry scn_catalog[] = {
	{ { "affinity_change", "affinity",
	    "workers re-pinned to a random half, then to one LLC" },
	  cat_affinity_change },
	{ { "affinity_churn", "affinity",
	    "AffinityChurn workers hop CPUs beside a CpuSpin cgroup" },
	  cat_affinity_churn },
	{ { "affinity_pinned", "affinity",
	    "one cgroup's workers all pinned to one CPU, one free" },
	  cat_affinity_pinned },
	{ { "mixed_workloads", "basic",
	    "CpuSpin, Bursty, IoSync and YieldHeavy cgroups side by side" },
	  cat_mixed_workloads },
	{ { "oversubscribed", "basic",
	    "two cgroups with one CpuSpin worker per CPU each" },
	  cat_oversubscribed },
	{ { "steady", "basic",
	    "two cgroups of CpuSpin workers for the whole duration" },
	  cat_steady },
	{ { "steady_llc", "basic",
	    "one cgroup per LLC, each confined to its LLC" },
	  cat_steady_llc },
	{ { "cpuset_apply", "cpuset",
	    "cgroups start unconstrained, then get disjoint halves" },
	  cat_cpuset_apply },
	{ { "cpuset_clear", "cpuset",
	    "cgroups start on disjoint halves, then the cpusets are cleared" },
	  cat_cpuset_clear },
	{ { "cpuset_overlap", "cpuset",
	    "two cgroups on halves that overlap by half a part" },
	  cat_cpuset_overlap },
	{ { "cpuset_resize", "cpuset",
	    "two cpusets shrink and grow under load" },
	  cat_cpuset_resize },
	{ { "cpuset_swap", "cpuset",
	    "two cgroups swap disjoint cpusets mid-run" },
	  cat_cpuset_swap },
	{ { "cgroup_add", "dynamic",
	    "a second cgroup of workers is added mid-run" },
	  cat_cgroup_add },
	{ { "cgroup_churn", "dynamic",
	    "a cgroup's workers are stopped and respawned every 250 ms" },
	  cat_cgroup_churn },
	{ { "cgroup_remove", "dynamic",
	    "one of two busy cgroups is removed mid-run" },
	  cat_cgroup_remove },
	{ { "fan_out", "interaction",
	    "FanOutCompute: a messenger wakes workers that multiply matrices" },
	  cat_fan_out },
	{ { "fork_storm", "interaction",
	    "ForkExit workers beside a CpuSpin cgroup" },
	  cat_fork_storm },
	{ { "futex_pairs", "interaction",
	    "FutexPingPong pairs beside a CpuSpin cgroup" },
	  cat_futex_pairs },
	{ { "memory_churn", "interaction",
	    "PageFaultChurn and CachePressure cgroups" },
	  cat_memory_churn },
	{ { "mutex_contention", "interaction",
	    "four workers contending on one futex mutex" },
	  cat_mutex_contention },
	{ { "pipe_pairs", "interaction", "PipeIo pairs beside a CpuSpin cgroup" }, cat_pipe_pairs },
	{ { "yield_storm", "interaction",
	    "YieldHeavy workers beside Mixed spin+yield workers" },
	  cat_yield_storm },
	{ { "nested_steady", "nested",
	    "workers in two children of one parent cgroup" },
	  cat_nested_steady },
	{ { "nested_task_move", "nested",
	    "all tasks move between sibling nested cgroups mid-run" },
	  cat_nested_task_move },
	{ { "nice_sweep", "sched_class",
	    "NiceSweep workers beside a CpuSpin cgroup" },
	  cat_nice_sweep },
	{ { "policy_churn", "sched_class",
	    "PolicyChurn workers beside a CpuSpin cgroup" },
	  cat_policy_churn },
	{ { "policy_mix", "sched_class",
	    "normal, batch and idle-policy cgroups side by side" },
	  cat_policy_mix },
};

const unsigned scn_catalog_count = ARRAY_SIZE(scn_catalog);

const struct scn_entry *scn_catalog_find(const char *name)
{
	for (unsigned i = 0; i < scn_catalog_count; i++)
		if (name && !strcmp(scn_catalog[i].pub.name, name))
			return &scn_catalog[i];
	return NULL;
}

unsigned ktstr_scenarios_count(void)
{
	return scn_catalog_count;
}

const struct ktstr_scenario *ktstr_scenario_at(unsigned i)
{
	return i < scn_catalog_count ? &scn_catalog[i].pub : NULL;
}

const struct ktstr_scenario *ktstr_scenario_find(const char *name)
{
	const struct scn_entry *e = scn_catalog_find(name);

	return e ? &e->pub : NULL;
}
