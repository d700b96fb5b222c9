// SPDX-License-Identifier: GPL-2.0-only
/*
 * Catalog scenarios of the "numa" category: memory policies of workers confined to
 * one node each. Their work (CachePressure over 1 MiB, 256 pages a worker, or
 * PageFaultChurn) places its pages by the policy; each scenario switches on the NUMA
 * checks it is about (a test's or scheduler's own setting wins). Each needs 2 NUMA
 * nodes (its entry's .numa_nodes), so a guest with one node skips it.
 */
#include <unistd.h>

#include "guest/catalog.h"

#define CATEGORY "numa"

#define NUMA_REGION_KB 1024

/* Locality floors and migration ceilings: a policy the kernel honours lands every page
 * where asked (1.0, or 0.5 interleaved over two nodes); the margins absorb the odd page
 * the kernel places elsewhere under memory pressure. */
#define LOCALITY_STRICT 0.9
#define LOCALITY_INTERLEAVED 0.25
/* NUMA balancing must not move pages out of a bind set; other processes' migrations
 * count too, hence not 0. */
#define MIGRATION_BOUND 0.25
/* After a cpuset move, balancing may move each page once; bouncing is a fault. */
#define MIGRATION_MOVE 3.0

/* Run steps with the NUMA checks at these limits (< 0 = leave off) unless set already. */
static int run_numa(struct scn_env *env, const struct ktstr_step *steps, double min_locality,
		    double max_migration)
{
	const struct ktstr_thresholds *saved = env->thr;
	struct ktstr_thresholds t = *env->thr;
	int v;

	if (min_locality >= 0 && !t.min_page_locality.set)
		t.min_page_locality = (struct ktstr_opt_f64)KTSTR_SET(min_locality);
	if (max_migration >= 0 && !t.max_cross_node_migration_ratio.set)
		t.max_cross_node_migration_ratio = (struct ktstr_opt_f64)KTSTR_SET(max_migration);
	env->thr = &t;
	v = scn_run_steps(env, steps);
	env->thr = saved;
	return v;
}

/* One cgroup per node (nodes 0 and 1), each running w. */
static int per_node_work(struct scn_env *env, struct ktstr_work w, double min_locality,
			 double max_migration)
{
	return run_numa(
	    env,
	    KTSTR_STEPS({.cgroups = KTSTR_CGROUPS(
			     {.name = "node_0", .cpuset = KTSTR_CPUSET_NUMA(0), .work = w},
			     {.name = "node_1", .cpuset = KTSTR_CPUSET_NUMA(1), .work = w}),
			 .hold = KTSTR_HOLD_FULL}),
	    min_locality, max_migration);
}

/* One cgroup per node, its CachePressure workers under mem. */
static int per_node(struct scn_env *env, struct ktstr_mempolicy mem, double min_locality,
		    double max_migration)
{
	return per_node_work(
	    env, KTSTR_WORK(KTSTR_WT_CACHE_PRESSURE, .p = {.size_kb = NUMA_REGION_KB}, .mem = mem),
	    min_locality, max_migration);
}

static int cat_numa_bind_local(struct scn_env *env)
{
	return per_node(env, KTSTR_MEMPOLICY(KTSTR_MPOL_BIND), LOCALITY_STRICT, MIGRATION_BOUND);
}

/* Pages freed and faulted in again all the time (PageFaultChurn), bound to the own node. */
static int cat_numa_fault_bind(struct scn_env *env)
{
	return per_node_work(
	    env, KTSTR_WORK(KTSTR_WT_PAGE_FAULT_CHURN, .mem = KTSTR_MEMPOLICY(KTSTR_MPOL_BIND)),
	    LOCALITY_STRICT, MIGRATION_BOUND);
}

static int cat_numa_local(struct scn_env *env)
{
	return per_node(env, KTSTR_MEMPOLICY(KTSTR_MPOL_LOCAL), LOCALITY_STRICT, -1);
}

static int cat_numa_preferred(struct scn_env *env)
{
	return per_node(env, KTSTR_MEMPOLICY(KTSTR_MPOL_PREFERRED), LOCALITY_STRICT, -1);
}

static int cat_numa_pref_many(struct scn_env *env)
{
	return per_node(env, KTSTR_MEMPOLICY(KTSTR_MPOL_PREFERRED_MANY), LOCALITY_STRICT, -1);
}

static int cat_numa_interleave(struct scn_env *env)
{
	return per_node(env, KTSTR_MEMPOLICY(KTSTR_MPOL_INTERLEAVE, .nodes = "all"),
			LOCALITY_INTERLEAVED, -1);
}

static int cat_numa_weighted(struct scn_env *env)
{
	/* the kernel's node weights appeared with the mode (6.9) */
	if (access("/sys/kernel/mm/mempolicy/weighted_interleave", F_OK) < 0) {
		result_skip(env->result, "the kernel has no weighted interleave (6.9+)");
		return KTSTR_SKIP;
	}
	return per_node(env, KTSTR_MEMPOLICY(KTSTR_MPOL_WEIGHTED_INTERLEAVE, .nodes = "all"),
			LOCALITY_INTERLEAVED, -1);
}

/* Workers on node 0's CPUs with every page bound to node 1: all remote, none moved. */
static int cat_numa_cross_node(struct scn_env *env)
{
	return run_numa(
	    env,
	    KTSTR_STEPS(
		{.cgroups = KTSTR_CGROUPS(
		     {.name = "remote",
		      .cpuset = KTSTR_CPUSET_NUMA(0),
		      .work = KTSTR_WORK(KTSTR_WT_CACHE_PRESSURE, .p = {.size_kb = NUMA_REGION_KB},
					 .mem = KTSTR_MEMPOLICY(KTSTR_MPOL_BIND, .nodes = "1"))},
		     {.name = "local",
		      .cpuset = KTSTR_CPUSET_NUMA(1),
		      .work = KTSTR_WORK(KTSTR_WT_CACHE_PRESSURE, .p = {.size_kb = NUMA_REGION_KB},
					 .mem = KTSTR_MEMPOLICY(KTSTR_MPOL_BIND))}),
		 .hold = KTSTR_HOLD_FULL}),
	    -1, MIGRATION_BOUND);
}

/* Default policy, the cgroup's cpuset moves from node 0 to node 1 mid-run: NUMA
 * balancing may follow the workers; pages must not bounce. */
static int cat_numa_cpuset_move(struct scn_env *env)
{
	return run_numa(
	    env,
	    KTSTR_STEPS(
		{.cgroups = KTSTR_CGROUPS({.name = "mover",
					   .cpuset = KTSTR_CPUSET_NUMA(0),
					   .work = KTSTR_WORK(KTSTR_WT_CACHE_PRESSURE,
							      .p = {.size_kb = NUMA_REGION_KB})})},
		{.ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("mover", KTSTR_CPUSET_NUMA(1)))}),
	    -1, MIGRATION_MOVE);
}

/* Sorted by name. */
const struct scn_entry scn_catalog_numa[] = {
    SCN(numa_bind_local, "a cgroup per node, memory bound to that node", .numa_nodes = 2),
    SCN(numa_cpuset_move, "default policy, the cpuset moves to the other node mid-run",
	.numa_nodes = 2),
    SCN(numa_cross_node, "CPUs on node 0, memory bound to node 1: remote, not moved",
	.numa_nodes = 2),
    SCN(numa_fault_bind, "a cgroup per node, page-fault churn bound to that node", .numa_nodes = 2),
    SCN(numa_interleave, "a cgroup per node, memory interleaved over all nodes", .numa_nodes = 2),
    SCN(numa_local, "a cgroup per node, local allocation", .numa_nodes = 2),
    SCN(numa_pref_many, "a cgroup per node, preferred-many on its own nodes", .numa_nodes = 2),
    SCN(numa_preferred, "a cgroup per node, memory preferring its own node", .numa_nodes = 2),
    SCN(numa_weighted, "a cgroup per node, weighted interleave over all nodes (6.9+)",
	.numa_nodes = 2),
};

const unsigned scn_catalog_numa_count = ARRAY_SIZE(scn_catalog_numa);
