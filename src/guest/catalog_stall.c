// SPDX-License-Identifier: GPL-2.0-only
/* Catalog scenarios of the "stall" category: designed to expose lost wake-ups and tasks
 * stranded on a queue nobody consumes: sleep/wake storms, wake-up chains, affinity and
 * cpuset changes while tasks are queued or asleep, cgroup moves of sleepers, partners
 * killed while blocked. A stranded task shows as a gap, a starved worker or a monitor
 * stall. */
#include "guest/catalog.h"

#define CATEGORY "stall"

static int cat_sleep_wake_storm(struct scn_env *env)
{
	return scn_run_cgroups(env,
			       KTSTR_CGROUPS({.name = "cg_0", .work = KTSTR_WORK_BURSTY_P(1, 1)},
					     {.name = "cg_1", .work = KTSTR_WORK_BURSTY_P(1, 1)}));
}

static int cat_wake_chain(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "chain",
				.workers = 3,
				.work = KTSTR_WORK(KTSTR_WT_FUTEX_FAN_OUT, .p = {.group = 2})},
			       {.name = "pipe", .workers = 2, .work = KTSTR_WORK_PIPE_IO}));
}

static int cat_affinity_while_queued(struct scn_env *env)
{
	unsigned n = MAX(cat_ncpus(env), 1u);

	return scn_run_steps(
	    env,
	    KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "queued", .workers = n},
						  {.name = "mixed", .work = KTSTR_WORK_MIXED}),
			 .ops = KTSTR_OPS(KTSTR_OP_SET_AFFINITY("queued", KTSTR_AFF_RANDOM_SUBSET)),
			 .hold = KTSTR_HOLD_LOOP(100)}));
}

static int cat_affinity_sleepers(struct scn_env *env)
{
	return scn_run_steps(
	    env,
	    KTSTR_STEPS(
		{.cgroups = KTSTR_CGROUPS({.name = "sleepers", .work = KTSTR_WORK_BURSTY_P(2, 8)},
					  {.name = "spin"}),
		 .ops = KTSTR_OPS(KTSTR_OP_SET_AFFINITY("sleepers", KTSTR_AFF_RANDOM_SUBSET)),
		 .hold = KTSTR_HOLD_LOOP(50)}));
}

static int cat_cpuset_shrink_queued(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS(
		     {.cgroups =
			  KTSTR_CGROUPS({.name = "queued"}, {.name = "side",
							     .cpuset = KTSTR_CPUSET_DISJOINT(1, 2),
							     .work = KTSTR_WORK_BURSTY_P(5, 15)})},
		     {.ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("queued", KTSTR_CPUSET_DISJOINT(0, 2)))},
		     {.ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("queued", KTSTR_CPUSET_EXACT("0")))},
		     {.ops = KTSTR_OPS(KTSTR_OP_CLEAR_CPUSET("queued"))}));
}

static int cat_cpuset_shrink_sleepers(struct scn_env *env)
{
	return scn_run_steps(
	    env,
	    KTSTR_STEPS(
		{.cgroups = KTSTR_CGROUPS({.name = "sleepers", .work = KTSTR_WORK_BURSTY_P(3, 12)},
					  {.name = "spin"})},
		{.ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("sleepers", KTSTR_CPUSET_DISJOINT(1, 2)))},
		{.ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("sleepers", KTSTR_CPUSET_EXACT("0")))},
		{.ops = KTSTR_OPS(KTSTR_OP_CLEAR_CPUSET("sleepers"))}));
}

static int cat_wake_storm_pinned(struct scn_env *env)
{
	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "pinned",
			   .work = KTSTR_WORK(KTSTR_WT_BURSTY, .p = {.burst_ms = 1, .sleep_ms = 3},
					      .affinity = {.kind = KTSTR_AFF_SINGLE_CPU})},
			  {.name = "spin"}));
}

static int cat_idle_preempt(struct scn_env *env)
{
	unsigned n = MAX(cat_ncpus(env), 1u);

	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "idle",
			   .workers = n,
			   .work = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .policy = KTSTR_POLICY_IDLE)},
			  {.name = "wakers", .workers = n, .work = KTSTR_WORK_BURSTY_P(2, 10)}));
}

static int cat_pipe_churn(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS(
				  {.name = "pipe", .workers = 2, .work = KTSTR_WORK_PIPE_IO},
				  {.name = "spin"}, {.name = "churn", .no_workers = true}),
			      .ops = KTSTR_OPS(KTSTR_OP_STOP_CGROUP("churn"),
					       KTSTR_OP_SPAWN("churn", KTSTR_WORK(KTSTR_WT_PIPE_IO,
										  .workers = 2))),
			      .hold = KTSTR_HOLD_LOOP(150)}));
}

static int cat_migrate_sleepers(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS(
				  {.name = "here", .work = KTSTR_WORK_BURSTY_P(3, 7)},
				  {.name = "there", .no_workers = true}, {.name = "spin"}),
			      .ops = KTSTR_OPS(KTSTR_OP_MOVE_ALL_TASKS("here", "there"),
					       KTSTR_OP_MOVE_ALL_TASKS("there", "here")),
			      .hold = KTSTR_HOLD_LOOP(100)}));
}

static int cat_yield_pinned(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "yield",
				.workers = 1,
				.work = KTSTR_WORK(KTSTR_WT_YIELD_HEAVY,
						   .affinity = {.kind = KTSTR_AFF_SINGLE_CPU})},
			       {.name = "spin",
				.workers = 1,
				.work = KTSTR_WORK(KTSTR_WT_CPU_SPIN,
						   .affinity = {.kind = KTSTR_AFF_SINGLE_CPU})}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_stall[] = {
    SCN(affinity_sleepers, "Bursty workers re-pinned to a random half of the CPUs every 50 ms"),
    SCN(affinity_while_queued, "one CpuSpin worker per CPU, all re-pinned to a random half every "
			       "100 ms, beside Mixed workers"),
    SCN(cpuset_shrink_queued,
	"a cgroup of queued spinners shrinks to half the CPUs, then "
	"one, then is freed",
	.cpus = 2),
    SCN(cpuset_shrink_sleepers,
	"a cgroup of Bursty sleepers moves to the other half, to CPU "
	"0, then is freed",
	.cpus = 2),
    SCN(idle_preempt, "Bursty wakers must preempt SCHED_IDLE spinners, one of each per CPU"),
    SCN(migrate_sleepers, "Bursty workers move between two cgroups and back every 100 ms"),
    SCN(pipe_churn, "PipeIo pairs killed mid-exchange and respawned every 150 ms beside a "
		    "steady pair"),
    SCN(sleep_wake_storm, "two cgroups of Bursty workers that run 1 ms and sleep 1 ms"),
    SCN(wake_chain, "a futex messenger wakes two receivers beside a PipeIo pair"),
    SCN(wake_storm_pinned, "Bursty workers (1 ms on, 3 ms off) all pinned to one CPU beside "
			   "free spinners"),
    SCN(yield_pinned, "a YieldHeavy worker and a spinner pinned to one CPU"),
};

const unsigned scn_catalog_stall_count = ARRAY_SIZE(scn_catalog_stall);
