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

static int cat_nested_deep(struct scn_env *env)
{
	return scn_run_cgroups(env, KTSTR_CGROUPS({.name = "l1", .no_workers = true},
						  {.name = "l1/l2", .no_workers = true},
						  {.name = "l1/l2/l3", .no_workers = true},
						  {.name = "l1/l2/l3/leaf"}, {.name = "top"}));
}

static int cat_nested_cpuset(struct scn_env *env)
{
	return scn_run_steps(
	    env,
	    KTSTR_STEPS(
		{.cgroups = KTSTR_CGROUPS(
		     {.name = "outer", .no_workers = true, .cpuset = KTSTR_CPUSET_DISJOINT(0, 2)},
		     {.name = "outer/a"}, {.name = "outer/b"}, {.name = "side"})},
		{.ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("outer", KTSTR_CPUSET_DISJOINT(1, 2)))},
		{.ops = KTSTR_OPS(KTSTR_OP_CLEAR_CPUSET("outer"))}));
}

static int cat_nested_remove(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "outer", .no_workers = true},
						       {.name = "outer/a"}, {.name = "outer/b"},
						       {.name = "stay"})},
			     {.ops = KTSTR_OPS(KTSTR_OP_REMOVE_CGROUP("outer"))}));
}

static int cat_nested_weight(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "outer", .no_workers = true},
						       {.name = "outer/a"}, {.name = "outer/b"},
						       {.name = "flat"})},
			     {.ops = KTSTR_OPS(KTSTR_OP_SET_WEIGHT("outer/a", 300))},
			     {.ops = KTSTR_OPS(KTSTR_OP_SET_WEIGHT("outer", 50))}));
}

static int cat_nested_move_up(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS(
				  {.name = "outer", .no_workers = true},
				  {.name = "outer/inner", .work = KTSTR_WORK_BURSTY_P(10, 10)},
				  {.name = "flat", .no_workers = true}, {.name = "spin"})},
			     {.ops = KTSTR_OPS(KTSTR_OP_MOVE_ALL_TASKS("outer/inner", "flat"))}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_nested[] = {
    SCN(nested_cpuset, "a parent's cpuset moves and clears under two busy children", .cpus = 2),
    SCN(nested_deep, "workers four levels deep beside a top-level cgroup"),
    SCN(nested_move_up, "Bursty workers move from a nested cgroup to a top-level one"),
    SCN(nested_remove, "a parent with two busy children is removed mid-run"),
    SCN(nested_steady, "workers in two children of one parent cgroup"),
    SCN(nested_task_move, "all tasks move between sibling nested cgroups mid-run"),
    SCN(nested_weight, "a nested child's cpu.weight, then its parent's, change mid-run"),
};

const unsigned scn_catalog_nested_count = ARRAY_SIZE(scn_catalog_nested);
