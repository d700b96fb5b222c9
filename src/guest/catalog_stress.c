// SPDX-License-Identifier: GPL-2.0-only
/* Catalog scenarios of the "stress" category: many cgroups and workers, and churn of
 * tasks, cgroups and cpusets at rates that find races. Loads stay at or
 * under four runnable tasks per CPU: more and a correct scheduler's gaps approach the
 * limits under emulation. */
#include "guest/catalog.h"

#define CATEGORY "stress"

/*
 * One cgroup per CPU (2 to 16), two CpuSpin workers each. Cgroups of one worker would
 * make the cross-cgroup fairness check judge single tasks, whose wait% differs by 30
 * points between identical workers under a correct scheduler on 8 emulated CPUs.
 */
static int cat_many_cgroups(struct scn_env *env)
{
	unsigned n = MIN(MAX(cat_ncpus(env), 2u), 16u);

	return cat_run_numbered(env, "cg", n, &(struct ktstr_cgroup_def){.workers = 2}, false);
}

/* Three runnable tasks per CPU: the most a correct scheduler keeps far from the gap limit
 * under emulation on a busy host. */
static int cat_many_workers(struct scn_env *env)
{
	unsigned n = MAX(3 * cat_ncpus(env) / 2, 2u);

	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "cg_0", .workers = n}, {.name = "cg_1", .workers = n}));
}

static int cat_fork_exit_churn(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS(
				  {.name = "cg_0", .work = KTSTR_WORK_FORK_EXIT}, {.name = "cg_1"},
				  {.name = "churn", .no_workers = true}),
			      .ops = KTSTR_OPS(KTSTR_OP_STOP_CGROUP("churn"),
					       KTSTR_OP_SPAWN("churn", KTSTR_WORK_FORK_EXIT)),
			      .hold = KTSTR_HOLD_LOOP(100)}));
}

static int cat_cgroup_rebirth(struct scn_env *env)
{
	return scn_run_steps(
	    env,
	    KTSTR_STEPS(
		{.cgroups = KTSTR_CGROUPS({.name = "cg_0"}, {.name = "cg_1"}, {.name = "churn"}),
		 .ops = KTSTR_OPS(KTSTR_OP_REMOVE_CGROUP("churn"), KTSTR_OP_ADD_CGROUP("churn"),
				  KTSTR_OP_SPAWN("churn", KTSTR_WORK_CPU_SPIN)),
		 .hold = KTSTR_HOLD_LOOP(200)}));
}

static int cat_nested_churn(struct scn_env *env)
{
	return scn_run_steps(
	    env,
	    KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0"}, {.name = "cg_1"},
						  {.name = "tree", .no_workers = true},
						  {.name = "tree/leaf"}),
			 .ops = KTSTR_OPS(KTSTR_OP_REMOVE_CGROUP("tree/leaf"),
					  KTSTR_OP_ADD_CGROUP("tree/leaf"),
					  KTSTR_OP_SPAWN("tree/leaf", KTSTR_WORK_BURSTY_P(5, 5))),
			 .hold = KTSTR_HOLD_LOOP(150)}));
}

static int cat_cpuset_churn(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS(
				  {.name = "cg_0", .cpuset = KTSTR_CPUSET_DISJOINT(0, 2)},
				  {.name = "cg_1", .cpuset = KTSTR_CPUSET_DISJOINT(1, 2)}),
			      .ops = KTSTR_OPS(KTSTR_OP_SWAP_CPUSETS("cg_0", "cg_1")),
			      .hold = KTSTR_HOLD_LOOP(100)}));
}

static int cat_page_fault_storm(struct scn_env *env)
{
	unsigned n = MAX(cat_ncpus(env), 1u);

	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "cg_0", .workers = n, .work = KTSTR_WORK_PAGE_FAULT_CHURN},
			  {.name = "cg_1", .workers = n, .work = KTSTR_WORK_PAGE_FAULT_CHURN}));
}

/* The work types that run with no parameters beyond their defaults, less NiceSweep and
 * PolicyChurn: a task cycling through nice -20 or SCHED_FIFO takes most of a CPU by design
 * for a while (they have scenarios of their own, beside one spinning cgroup). */
static const enum ktstr_work_type plain_types[] = {
    KTSTR_WT_CPU_SPIN,	      KTSTR_WT_YIELD_HEAVY,	 KTSTR_WT_MIXED,
    KTSTR_WT_IO_SYNC,	      KTSTR_WT_BURSTY,		 KTSTR_WT_PIPE_IO,
    KTSTR_WT_FUTEX_PING_PONG, KTSTR_WT_CACHE_PRESSURE,	 KTSTR_WT_FORK_EXIT,
    KTSTR_WT_AFFINITY_CHURN,  KTSTR_WT_PAGE_FAULT_CHURN, KTSTR_WT_MUTEX_CONTENTION,
    KTSTR_WT_FAN_OUT_COMPUTE, KTSTR_WT_CACHE_YIELD,	 KTSTR_WT_CACHE_PIPE,
    KTSTR_WT_FUTEX_FAN_OUT,
};

/* Every plain work type at once, one group each (pairs and fan-outs at their group size,
 * groups of 2). */
static int cat_all_work_types(struct scn_env *env)
{
	enum { N = ARRAY_SIZE(plain_types) };
	struct ktstr_cgroup_def defs[N + 1] = {{0}};
	char *names[N];
	int v;

	for (unsigned i = 0; i < N; i++) {
		struct ktstr_work w = KTSTR_WORK(plain_types[i], .p = {.group = 2});

		names[i] = xasprintf("wt_%s", ktstr_work_type_name(plain_types[i]));
		defs[i].name = names[i];
		defs[i].work = w;
		defs[i].workers = ktstr_work_group_size(&w);
	}
	defs[N].end_ = true;
	v = scn_run_cgroups(env, defs);
	for (unsigned i = 0; i < N; i++)
		free(names[i]);
	return v;
}

static int cat_mixed_churn(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0", .work = KTSTR_WORK_MIXED},
						       {.name = "cg_1"},
						       {.name = "churn", .no_workers = true}),
			      .ops = KTSTR_OPS(KTSTR_OP_STOP_CGROUP("churn"),
					       KTSTR_OP_SPAWN("churn", KTSTR_WORK_MIXED)),
			      .hold = KTSTR_HOLD_LOOP(100)}));
}

/* Siblings only: a cgroup beside the parent shares the CPU with the whole tree, not with
 * one sibling, and does not have the siblings' demand. */
static int cat_wide_tree(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({.name = "tree", .no_workers = true},
						  {.name = "tree/a"}, {.name = "tree/b"},
						  {.name = "tree/c"}, {.name = "tree/d"}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_stress[] = {
    SCN(all_work_types, "one cgroup per work type, 16 types at once", .cpus = 8),
    SCN(cgroup_rebirth, "a busy cgroup is removed, recreated and refilled every 200 ms"),
    SCN(cpuset_churn, "two busy cgroups swap disjoint cpusets every 100 ms", .cpus = 2),
    SCN(fork_exit_churn, "ForkExit workers respawned every 100 ms beside ForkExit and CpuSpin "
			 "cgroups"),
    SCN(many_cgroups, "one cgroup per CPU (2 to 16), two CpuSpin workers each"),
    SCN(many_workers, "two cgroups with three CpuSpin workers per two CPUs each"),
    SCN(mixed_churn, "Mixed workers respawned every 100 ms beside Mixed and CpuSpin cgroups"),
    SCN(nested_churn, "a nested leaf cgroup of Bursty workers removed and recreated every "
		      "150 ms"),
    SCN(page_fault_storm, "PageFaultChurn workers, one per CPU in each of two cgroups"),
    SCN(wide_tree, "four busy sibling cgroups under one parent"),
};

const unsigned scn_catalog_stress_count = ARRAY_SIZE(scn_catalog_stress);
