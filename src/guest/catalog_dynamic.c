// SPDX-License-Identifier: GPL-2.0-only
/* Catalog scenarios of the "dynamic" category. */
#include "guest/catalog.h"

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

/* A backdrop cgroup spins through every step while cgroups come and go around it. */
static int cat_backdrop_steps(struct scn_env *env)
{
	return scn_run_scenario(
	    env, &(struct ktstr_backdrop){.cgroups = KTSTR_CGROUPS({.name = "backdrop"})},
	    KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0"})},
			{.ops = KTSTR_OPS(KTSTR_OP_REMOVE_CGROUP("cg_0")),
			 .cgroups = KTSTR_CGROUPS({.name = "cg_1"})},
			{.ops = KTSTR_OPS(KTSTR_OP_STOP_CGROUP("cg_1"))}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_dynamic[] = {
    {{"backdrop_steps", "dynamic",
      "a backdrop cgroup runs through three steps that add and remove cgroups"},
     cat_backdrop_steps},
    {{"cgroup_add", "dynamic", "a second cgroup of workers is added mid-run"}, cat_cgroup_add},
    {{"cgroup_churn", "dynamic", "a cgroup's workers are stopped and respawned every 250 ms"},
     cat_cgroup_churn},
    {{"cgroup_remove", "dynamic", "one of two busy cgroups is removed mid-run"}, cat_cgroup_remove},
};

const unsigned scn_catalog_dynamic_count = ARRAY_SIZE(scn_catalog_dynamic);
