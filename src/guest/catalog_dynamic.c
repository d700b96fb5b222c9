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

/* Sorted by name. */
const struct scn_entry scn_catalog_dynamic[] = {
    SCN(cgroup_add, "a second cgroup of workers is added mid-run"),
    SCN(cgroup_churn, "a cgroup's workers are stopped and respawned every 250 ms"),
    SCN(cgroup_remove, "one of two busy cgroups is removed mid-run"),
};

const unsigned scn_catalog_dynamic_count = ARRAY_SIZE(scn_catalog_dynamic);
