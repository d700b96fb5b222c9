// SPDX-License-Identifier: GPL-2.0-only
/* Catalog scenarios of the "nested" category. */
#include "guest/catalog.h"

#define CATEGORY "nested"

static int cat_nested_steady(struct scn_env *env)
{
	return scn_run_cgroups(env,
			       KTSTR_CGROUPS({.name = "outer", .no_workers = true},
					     {.name = "outer/inner_0"}, {.name = "outer/inner_1"}));
}

static int cat_nested_task_move(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "outer", .no_workers = true},
						       {.name = "outer/a"},
						       {.name = "outer/b", .no_workers = true})},
			     {.ops = KTSTR_OPS(KTSTR_OP_MOVE_ALL_TASKS("outer/a", "outer/b"))}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_nested[] = {
    SCN(nested_steady, "workers in two children of one parent cgroup"),
    SCN(nested_task_move, "all tasks move between sibling nested cgroups mid-run"),
};

const unsigned scn_catalog_nested_count = ARRAY_SIZE(scn_catalog_nested);
