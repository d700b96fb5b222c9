// SPDX-License-Identifier: GPL-2.0-only
/* Catalog scenarios of the "performance" category: one load each, sized to the CPUs,
 * whose numbers (per-cgroup work units, wait, wake latency, migrations) are recorded for
 * `ktstr stats compare` across runs, schedulers and kernels. They are judged only by the
 * default checks, which fire on gross failures (starvation, gaps of seconds, wake-ups
 * that wait far past their turn), never on a few percent: a regression in these numbers
 * is what stats compare reports. */
#include "guest/catalog.h"

#define CATEGORY "performance"

/* One worker per CPU. */
static unsigned per_cpu(const struct scn_env *env)
{
	return MAX(cat_ncpus(env), 1u);
}

/* One worker per CPU in pairs: at least one pair. */
static unsigned pairs(const struct scn_env *env)
{
	return MAX(cat_ncpus(env) & ~1u, 2u);
}

static int cat_perf_throughput(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({.name = "spin", .workers = per_cpu(env)}));
}

static int cat_perf_wake_latency(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({.name = "wakers",
						   .workers = per_cpu(env),
						   .work = KTSTR_WORK_BURSTY_P(1, 4)}));
}

static int cat_perf_pipe_latency(struct scn_env *env)
{
	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "pipe", .workers = pairs(env), .work = KTSTR_WORK_PIPE_IO}));
}

static int cat_perf_futex_latency(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS(
		     {.name = "futex", .workers = pairs(env), .work = KTSTR_WORK_FUTEX_PING_PONG}));
}

static int cat_perf_cache_locality(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({.name = "cache",
						   .workers = per_cpu(env),
						   .work = KTSTR_WORK(KTSTR_WT_CACHE_PRESSURE,
								      .p = {.size_kb = 512})}));
}

static int cat_perf_fan_out(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "fan",
				.workers = 4,
				.work = KTSTR_WORK(KTSTR_WT_FAN_OUT_COMPUTE,
						   .p = {.group = 3, .operations = 1})}));
}

static int cat_perf_mixed_load(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({.name = "spin", .workers = per_cpu(env)},
						  {.name = "wakers",
						   .workers = per_cpu(env),
						   .work = KTSTR_WORK_BURSTY_P(5, 5)}));
}

static int cat_perf_mutex(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "mutex",
				.workers = 4,
				.work = KTSTR_WORK(KTSTR_WT_MUTEX_CONTENTION, .p = {.group = 4})}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_performance[] = {
    SCN(perf_cache_locality, "CachePressure over 512 KiB, one worker per CPU: work and "
			     "migrations"),
    SCN(perf_fan_out, "FanOutCompute: a messenger wakes three matrix workers: wake latency"),
    SCN(perf_futex_latency, "FutexPingPong pairs, one worker per CPU: wake latency"),
    SCN(perf_mixed_load, "one spinner and one Bursty waker (5/5 ms) per CPU: throughput and "
			 "latency together"),
    SCN(perf_mutex, "four workers on one futex mutex: throughput under contention"),
    SCN(perf_pipe_latency, "PipeIo pairs, one worker per CPU: wake latency"),
    SCN(perf_throughput, "one CpuSpin worker per CPU: work units per worker"),
    SCN(perf_wake_latency, "Bursty workers (1 ms on, 4 ms off), one per CPU: wake latency"),
};

const unsigned scn_catalog_performance_count = ARRAY_SIZE(scn_catalog_performance);
