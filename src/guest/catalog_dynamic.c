// SPDX-License-Identifier: GPL-2.0-only
/* Catalog scenarios of the "dynamic" category. */
#include "guest/catalog.h"

#define CATEGORY "dynamic"

static int cat_cgroup_add(struct scn_env *env)
{
	return scn_run_steps(env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0"})},
					      {.cgroups = KTSTR_CGROUPS({.name = "cg_1"})}));
}

static int cat_cgroup_remove(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0"}, {.name = "cg_1"})},
			     {.ops = KTSTR_OPS(KTSTR_OP_REMOVE_CGROUP("cg_1"))}));
}

static int cat_cgroup_churn(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "stable"},
						       {.name = "churn", .no_workers = true}),
			      .ops = KTSTR_OPS(KTSTR_OP_STOP_CGROUP("churn"),
					       KTSTR_OP_SPAWN("churn", KTSTR_WORK_CPU_SPIN)),
			      .hold = {.kind = KTSTR_HOLD_KIND_LOOP, .interval_ms = 250}}));
}

static int cat_cgroup_add_many(struct scn_env *env)
{
	return scn_run_steps(env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0"})},
					      {.cgroups = KTSTR_CGROUPS({.name = "cg_1"})},
					      {.cgroups = KTSTR_CGROUPS({.name = "cg_2"})},
					      {.cgroups = KTSTR_CGROUPS({.name = "cg_3"})}));
}

static int cat_work_change(struct scn_env *env)
{
	return scn_run_steps(
	    env,
	    KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "change"}, {.name = "spin"})},
			{.ops = KTSTR_OPS(KTSTR_OP_STOP_CGROUP("change"),
					  KTSTR_OP_SPAWN("change", KTSTR_WORK_BURSTY_P(10, 10)))},
			{.ops = KTSTR_OPS(KTSTR_OP_STOP_CGROUP("change"),
					  KTSTR_OP_SPAWN("change", KTSTR_WORK_YIELD_HEAVY))}));
}

static int cat_cgroup_replace(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0"}, {.name = "old"})},
			     {.ops = KTSTR_OPS(KTSTR_OP_REMOVE_CGROUP("old")),
			      .cgroups = KTSTR_CGROUPS({.name = "new"})}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_dynamic[] = {
    SCN(cgroup_add, "a second cgroup of workers is added mid-run"),
    SCN(cgroup_add_many, "four cgroups of workers join one per quarter of the run"),
    SCN(cgroup_churn, "a cgroup's workers are stopped and respawned every 250 ms"),
    SCN(cgroup_remove, "one of two busy cgroups is removed mid-run"),
    SCN(cgroup_replace, "a busy cgroup is removed and a new one started in the same step"),
    SCN(work_change, "a cgroup's workers are replaced: CpuSpin, then Bursty, then YieldHeavy"),
};

const unsigned scn_catalog_dynamic_count = ARRAY_SIZE(scn_catalog_dynamic);
