// SPDX-License-Identifier: GPL-2.0-only
/* Catalog scenarios of the "affinity" category. */
#include "guest/catalog.h"

#define CATEGORY "affinity"

static int cat_affinity_change(struct scn_env *env)
{
	return scn_run_steps(
	    env,
	    KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0"})},
			{.ops = KTSTR_OPS(KTSTR_OP_SET_AFFINITY("cg_0", KTSTR_AFF_RANDOM_SUBSET))},
			{.ops = KTSTR_OPS(KTSTR_OP_SET_AFFINITY("cg_0", KTSTR_AFF_LLC_ALIGNED))}));
}

static int cat_affinity_pinned(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "pinned",
				.work = KTSTR_WORK(KTSTR_WT_CPU_SPIN,
						   .affinity = {.kind = KTSTR_AFF_SINGLE_CPU})},
			       {.name = "free"}));
}

static int cat_affinity_churn(struct scn_env *env)
{
	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "cg_0", .work = KTSTR_WORK_AFFINITY_CHURN}, {.name = "cg_1"}));
}

static int cat_affinity_llc(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "cg_0",
				.work = KTSTR_WORK(KTSTR_WT_CACHE_PRESSURE,
						   .affinity = {.kind = KTSTR_AFF_LLC_ALIGNED})},
			       {.name = "cg_1", .cpuset = KTSTR_CPUSET_LLC(1)}));
}

static int cat_affinity_reset(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS(
				  {.name = "cg_0",
				   .work = KTSTR_WORK(KTSTR_WT_CPU_SPIN,
						      .affinity = {.kind = KTSTR_AFF_SINGLE_CPU})},
				  {.name = "free", .work = KTSTR_WORK_MIXED})},
			     {.ops = KTSTR_OPS(KTSTR_OP_SET_AFFINITY("cg_0", KTSTR_AFF_INHERIT))}));
}

static int cat_affinity_exact(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS(
		     {.name = "pair",
		      .work = KTSTR_WORK(KTSTR_WT_BURSTY, .p = {.burst_ms = 10, .sleep_ms = 10},
					 .affinity = {.kind = KTSTR_AFF_EXACT, .cpus = "0-1"})},
		     {.name = "free"}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_affinity[] = {
    SCN(affinity_change, "workers re-pinned to a random half, then to one LLC"),
    SCN(affinity_churn, "AffinityChurn workers hop CPUs beside a CpuSpin cgroup"),
    SCN(affinity_exact, "Bursty workers pinned to CPUs 0-1 beside free spinners", .cpus = 2),
    SCN(affinity_llc, "CachePressure workers pinned to one LLC beside a cgroup on LLC 1",
	.llcs = 2),
    SCN(affinity_pinned, "one cgroup's workers all pinned to one CPU, one free"),
    SCN(affinity_reset, "workers pinned to one CPU are unpinned mid-run"),
};

const unsigned scn_catalog_affinity_count = ARRAY_SIZE(scn_catalog_affinity);
