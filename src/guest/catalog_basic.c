// SPDX-License-Identifier: GPL-2.0-only
/* Catalog scenarios of the "basic" category. */
#include "guest/catalog.h"

#define CATEGORY "basic"

static int cat_steady(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({.name = "cg_0"}, {.name = "cg_1"}));
}

static int cat_steady_llc(struct scn_env *env)
{
	unsigned n = env->topo->nllcs ? env->topo->nllcs : 1;

	return cat_run_numbered(env, "llc", n, &(struct ktstr_cgroup_def){0}, env->topo->nllcs > 0);
}

static int cat_oversubscribed(struct scn_env *env)
{
	unsigned n = cat_ncpus(env) ? cat_ncpus(env) : 1;

	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "cg_0", .workers = n}, {.name = "cg_1", .workers = n}));
}

static int cat_mixed_workloads(struct scn_env *env)
{
	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "spin"}, {.name = "bursty", .work = KTSTR_WORK_BURSTY_P(20, 40)},
			  {.name = "io", .work = KTSTR_WORK_IO_SYNC},
			  {.name = "yield", .work = KTSTR_WORK_YIELD_HEAVY}));
}

static int cat_steady_bursty(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "cg_0", .work = KTSTR_WORK_BURSTY_P(20, 20)},
			       {.name = "cg_1", .work = KTSTR_WORK_BURSTY_P(20, 20)}));
}

static int cat_smt_siblings(struct scn_env *env)
{
	unsigned n = MAX(cat_ncpus(env), 1u);

	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "cache", .workers = n / 2, .work = KTSTR_WORK_CACHE_PRESSURE},
			  {.name = "spin", .workers = n / 2}));
}

static int cat_single_cgroup(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "cg_0", .workers = 2 * MAX(cat_ncpus(env), 1u)}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_basic[] = {
    SCN(mixed_workloads, "CpuSpin, Bursty, IoSync and YieldHeavy cgroups side by side"),
    SCN(oversubscribed, "two cgroups with one CpuSpin worker per CPU each"),
    SCN(single_cgroup, "one cgroup with two CpuSpin workers per CPU"),
    SCN(smt_siblings, "CachePressure and CpuSpin workers, one per SMT thread", .smt = true),
    SCN(steady, "two cgroups of CpuSpin workers for the whole duration"),
    SCN(steady_bursty, "two cgroups of Bursty workers (20 ms on, 20 ms off)"),
    SCN(steady_llc, "one cgroup per LLC, each confined to its LLC"),
};

const unsigned scn_catalog_basic_count = ARRAY_SIZE(scn_catalog_basic);
