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

/* Twice as many CpuSpin workers in the root cgroup, outside the test's cgroups, as in
 * each of two CpuSpin cgroups of at least half a worker per CPU: the CPUs are
 * oversubscribed at least twice over on any topology, and the cgroups must still
 * share alike. */
static int cat_host_contention(struct scn_env *env)
{
	unsigned n = MAX(cat_wpc(env), (cat_ncpus(env) + 1) / 2);
	const struct ktstr_work host = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .workers = 2 * n);

	return scn_run_steps(
	    env, KTSTR_STEPS({.ops = KTSTR_OPS(KTSTR_OP_SPAWN_HOST(host)),
			      .cgroups = KTSTR_CGROUPS({.name = "cg_0", .workers = n},
						       {.name = "cg_1", .workers = n})}));
}

/* Spin 50 ms, sleep 20 ms, yield 10 ms, write and sync 10 ms, in a loop. */
static const struct ktstr_phase cat_phases[] = {
    KTSTR_PHASE_SPIN(50), KTSTR_PHASE_SLEEP(20), KTSTR_PHASE_YIELD(10),
    KTSTR_PHASE_IO(10),	  {.end_ = true},
};

static int cat_sequence_phases(struct scn_env *env)
{
	const struct ktstr_work seq = KTSTR_WORK(KTSTR_WT_SEQUENCE, .phases = cat_phases);

	return scn_run_cgroups(env, KTSTR_CGROUPS({.name = "cg_0", .work = seq},
						  {.name = "cg_1", .work = seq}, {.name = "spin"}));
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
    SCN(host_contention,
	"CpuSpin workers in the root cgroup oversubscribe the CPUs of two CpuSpin cgroups"),
    SCN(io_vs_spin, "IoSync workers beside a CpuSpin cgroup"),
    SCN(memory_churn, "PageFaultChurn and CachePressure cgroups"),
    SCN(mutex_contention, "four workers contending on one futex mutex"),
    SCN(pipe_pairs, "PipeIo pairs beside a CpuSpin cgroup"),
    SCN(pipe_vs_futex, "a PipeIo pair beside a FutexPingPong pair"),
    SCN(sequence_phases, "two cgroups cycling spin/sleep/yield/IO phases beside a CpuSpin cgroup"),
    SCN(yield_storm, "YieldHeavy workers beside Mixed spin+yield workers"),
};

const unsigned scn_catalog_interaction_count = ARRAY_SIZE(scn_catalog_interaction);
