// SPDX-License-Identifier: GPL-2.0-only
/* Catalog scenarios of the "sched_class" category. */
#include "guest/catalog.h"

#define CATEGORY "sched_class"

static int cat_policy_mix(struct scn_env *env)
{
	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "normal"},
			  {.name = "batch",
			   .work = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .policy = KTSTR_POLICY_BATCH)},
			  {.name = "idle",
			   .work = KTSTR_WORK(KTSTR_WT_BURSTY, .policy = KTSTR_POLICY_IDLE)}));
}

static int cat_policy_churn(struct scn_env *env)
{
	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "churn", .work = KTSTR_WORK_POLICY_CHURN}, {.name = "spin"}));
}

static int cat_nice_sweep(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "nice", .work = KTSTR_WORK_NICE_SWEEP}, {.name = "spin"}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_sched_class[] = {
    SCN(nice_sweep, "NiceSweep workers beside a CpuSpin cgroup"),
    SCN(policy_churn, "PolicyChurn workers beside a CpuSpin cgroup"),
    SCN(policy_mix, "normal, batch and idle-policy cgroups side by side"),
};

const unsigned scn_catalog_sched_class_count = ARRAY_SIZE(scn_catalog_sched_class);
