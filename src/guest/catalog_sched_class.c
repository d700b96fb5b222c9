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

static int cat_batch_vs_normal(struct scn_env *env)
{
	unsigned n = MAX(cat_ncpus(env), 1u);

	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "normal", .workers = n},
			  {.name = "batch",
			   .workers = n,
			   .work = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .policy = KTSTR_POLICY_BATCH)}));
}

static int cat_idle_vs_normal(struct scn_env *env)
{
	unsigned n = MAX(cat_ncpus(env), 1u);

	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "normal", .workers = n},
			  {.name = "idle",
			   .workers = n,
			   .work = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .policy = KTSTR_POLICY_IDLE)}));
}

static int cat_nice_mix(struct scn_env *env)
{
	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "nice_m5", .work = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .nice = -5)},
			  {.name = "nice_0"},
			  {.name = "nice_5", .work = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .nice = 5)}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_sched_class[] = {
    SCN(batch_vs_normal, "normal and SCHED_BATCH cgroups, one spinner per CPU each"),
    SCN(idle_vs_normal, "normal and SCHED_IDLE cgroups, one spinner per CPU each"),
    SCN(nice_mix, "spinners at nice -5, 0 and 5 in three cgroups"),
    SCN(nice_sweep, "NiceSweep workers beside a CpuSpin cgroup"),
    SCN(policy_churn, "PolicyChurn workers beside a CpuSpin cgroup"),
    SCN(policy_mix, "normal, batch and idle-policy cgroups side by side"),
};

const unsigned scn_catalog_sched_class_count = ARRAY_SIZE(scn_catalog_sched_class);
