// SPDX-License-Identifier: GPL-2.0-only
/* Catalog scenarios of the "cpuset" category. */
#include "guest/catalog.h"

#define CATEGORY "cpuset"

#define HALVES                                                                                     \
	KTSTR_CGROUPS({.name = "cg_0", .cpuset = KTSTR_CPUSET_DISJOINT(0, 2)},                     \
		      {.name = "cg_1", .cpuset = KTSTR_CPUSET_DISJOINT(1, 2)})

static int cat_cpuset_apply(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS(
		     {.cgroups = KTSTR_CGROUPS({.name = "cg_0"}, {.name = "cg_1"})},
		     {.ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("cg_0", KTSTR_CPUSET_DISJOINT(0, 2)),
				       KTSTR_OP_SET_CPUSET("cg_1", KTSTR_CPUSET_DISJOINT(1, 2)))}));
}

static int cat_cpuset_clear(struct scn_env *env)
{
	return scn_run_steps(env, KTSTR_STEPS({.cgroups = HALVES},
					      {.ops = KTSTR_OPS(KTSTR_OP_CLEAR_CPUSET("cg_0"),
								KTSTR_OP_CLEAR_CPUSET("cg_1"))}));
}

static int cat_cpuset_resize(struct scn_env *env)
{
	return scn_run_steps(
	    env,
	    KTSTR_STEPS(
		{.cgroups = KTSTR_CGROUPS({.name = "cg_0", .cpuset = KTSTR_CPUSET_RANGE(0, 0.5)},
					  {.name = "cg_1", .cpuset = KTSTR_CPUSET_RANGE(0.5, 1)})},
		{.ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("cg_0", KTSTR_CPUSET_RANGE(0, 0.25)),
				  KTSTR_OP_SET_CPUSET("cg_1", KTSTR_CPUSET_RANGE(0.25, 1)))},
		{.ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("cg_1", KTSTR_CPUSET_RANGE(0.75, 1)),
				  KTSTR_OP_SET_CPUSET("cg_0", KTSTR_CPUSET_RANGE(0, 0.75)))}));
}

static int cat_cpuset_swap(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = HALVES},
			     {.ops = KTSTR_OPS(KTSTR_OP_SWAP_CPUSETS("cg_0", "cg_1"))}));
}

static int cat_cpuset_overlap(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "cg_0", .cpuset = KTSTR_CPUSET_OVERLAP(0, 2, 0.5)},
			       {.name = "cg_1", .cpuset = KTSTR_CPUSET_OVERLAP(1, 2, 0.5)}));
}

static int cat_cpuset_llc_swap(struct scn_env *env)
{
	return scn_run_steps(
	    env,
	    KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0", .cpuset = KTSTR_CPUSET_LLC(0)},
						  {.name = "cg_1", .cpuset = KTSTR_CPUSET_LLC(1)})},
			{.ops = KTSTR_OPS(KTSTR_OP_SWAP_CPUSETS("cg_0", "cg_1"))}));
}

static int cat_cpuset_flap(struct scn_env *env)
{
	return scn_run_steps(
	    env,
	    KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "flap"}, {.name = "spin"}),
			 .ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("flap", KTSTR_CPUSET_DISJOINT(0, 2)),
					  KTSTR_OP_CLEAR_CPUSET("flap")),
			 .hold = KTSTR_HOLD_LOOP(100)}));
}

static int cat_cpuset_single_cpu(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "one", .cpuset = KTSTR_CPUSET_EXACT("0")},
			       {.name = "rest", .cpuset = KTSTR_CPUSET_DISJOINT(1, 2)}));
}

static int cat_cpuset_per_node(struct scn_env *env)
{
	return scn_run_cgroups(env,
			       KTSTR_CGROUPS({.name = "cg_0", .cpuset = KTSTR_CPUSET_NUMA(0)},
					     {.name = "cg_1", .cpuset = KTSTR_CPUSET_NUMA(1)}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_cpuset[] = {
    SCN(cpuset_apply, "cgroups start unconstrained, then get disjoint halves", .cpus = 2),
    SCN(cpuset_clear, "cgroups start on disjoint halves, then the cpusets are cleared", .cpus = 2),
    SCN(cpuset_flap, "a cgroup's cpuset set to half the CPUs and cleared every 100 ms", .cpus = 2),
    SCN(cpuset_llc_swap, "two cgroups on one LLC each swap LLCs mid-run", .llcs = 2),
    SCN(cpuset_overlap, "two cgroups on halves that overlap by half a part", .cpus = 2),
    SCN(cpuset_per_node, "one cgroup per NUMA node, each confined to its node", .numa_nodes = 2),
    SCN(cpuset_resize, "two cpusets shrink and grow under load", .cpus = 2),
    SCN(cpuset_single_cpu, "one cgroup confined to CPU 0, one to the other half", .cpus = 2),
    SCN(cpuset_swap, "two cgroups swap disjoint cpusets mid-run", .cpus = 2),
};

const unsigned scn_catalog_cpuset_count = ARRAY_SIZE(scn_catalog_cpuset);
