// SPDX-License-Identifier: GPL-2.0-only
/* Catalog scenarios of the "interaction" category. */
#include "guest/catalog.h"

#define CATEGORY "interaction"

static int cat_pipe_pairs(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "pipe", .workers = 2, .work = KTSTR_WORK_PIPE_IO},
			       {.name = "spin"}));
}

static int cat_futex_pairs(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "futex", .workers = 2, .work = KTSTR_WORK_FUTEX_PING_PONG},
			       {.name = "spin"}));
}

static int cat_mutex_contention(struct scn_env *env)
{
	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "mutex", .workers = 4, .work = KTSTR_WORK_MUTEX_CONTENTION}));
}

static int cat_fan_out(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "fan",
				.workers = 3,
				.work = KTSTR_WORK(KTSTR_WT_FAN_OUT_COMPUTE,
						   .p = {.group = 2, .operations = 1})}));
}

static int cat_fork_storm(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "fork", .work = KTSTR_WORK_FORK_EXIT}, {.name = "spin"}));
}

static int cat_memory_churn(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "faults", .work = KTSTR_WORK_PAGE_FAULT_CHURN},
			       {.name = "cache", .work = KTSTR_WORK_CACHE_PRESSURE}));
}

static int cat_yield_storm(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS(
		     {.name = "yield", .workers = 2 * cat_wpc(env), .work = KTSTR_WORK_YIELD_HEAVY},
		     {.name = "mixed", .work = KTSTR_WORK_MIXED}));
}

static int cat_futex_fan_out(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "fan",
				.workers = 4,
				.work = KTSTR_WORK(KTSTR_WT_FUTEX_FAN_OUT, .p = {.group = 3})},
			       {.name = "spin"}));
}

static int cat_cache_yield(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({.name = "cache", .work = KTSTR_WORK_CACHE_YIELD},
						  {.name = "spin"}));
}

static int cat_cache_pipe(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "cache", .workers = 2, .work = KTSTR_WORK_CACHE_PIPE},
			       {.name = "spin"}));
}

static int cat_io_vs_spin(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "io", .work = KTSTR_WORK_IO_SYNC}, {.name = "spin"}));
}

static int cat_pipe_vs_futex(struct scn_env *env)
{
	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "pipe", .workers = 2, .work = KTSTR_WORK_PIPE_IO},
			  {.name = "futex", .workers = 2, .work = KTSTR_WORK_FUTEX_PING_PONG}));
}

static int cat_bursty_vs_yield(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "bursty", .work = KTSTR_WORK_BURSTY_P(10, 10)},
			       {.name = "yield", .work = KTSTR_WORK_YIELD_HEAVY}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_interaction[] = {
    SCN(bursty_vs_yield, "Bursty workers beside YieldHeavy workers"),
    SCN(cache_pipe, "a CachePipe pair beside a CpuSpin cgroup"),
    SCN(cache_yield, "CacheYield workers beside a CpuSpin cgroup"),
    SCN(fan_out, "FanOutCompute: a messenger wakes workers that multiply matrices"),
    SCN(fork_storm, "ForkExit workers beside a CpuSpin cgroup"),
    SCN(futex_fan_out, "FutexFanOut: a spinning messenger futex-wakes three receivers"),
    SCN(futex_pairs, "FutexPingPong pairs beside a CpuSpin cgroup"),
    SCN(io_vs_spin, "IoSync workers beside a CpuSpin cgroup"),
    SCN(memory_churn, "PageFaultChurn and CachePressure cgroups"),
    SCN(mutex_contention, "four workers contending on one futex mutex"),
    SCN(pipe_pairs, "PipeIo pairs beside a CpuSpin cgroup"),
    SCN(pipe_vs_futex, "a PipeIo pair beside a FutexPingPong pair"),
    SCN(yield_storm, "YieldHeavy workers beside Mixed spin+yield workers"),
};

const unsigned scn_catalog_interaction_count = ARRAY_SIZE(scn_catalog_interaction);
