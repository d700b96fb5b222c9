// SPDX-License-Identifier: GPL-2.0-only
/*
 * NUMA page locality on a 2-node guest: workers on node 0's CPUs with memory bound
 * to their own node have every page local; bound to node 1 instead, the locality
 * check must fail them.
 */
#include <ktstr/ktstr.h>

#define NUMA_WORK(nodes_)                                                                          \
	KTSTR_WORK(KTSTR_WT_CACHE_PRESSURE, .p = { .size_kb = 1024 },                              \
		   .mem = KTSTR_MEMPOLICY(KTSTR_MPOL_BIND, .nodes = (nodes_)))

/* Bound to the nodes of the cgroup's cpuset (node 0): locality 1.0. */
KTSTR_TEST(numa_bind_locality, .numa_nodes = 2, .llcs = 2, .cores = 2, .threads = 1,
	   .duration_s = 2, .min_page_locality = KTSTR_SET(0.9))
{
	return ktstr_run_cgroups(ctx, KTSTR_CGROUPS({ .name = "cg", .cpuset = KTSTR_CPUSET_NUMA(0),
						      .work = NUMA_WORK(NULL) }));
}

/* The same workers bound to the other node: locality 0, the check must catch it. */
KTSTR_TEST(numa_wrong_node, .numa_nodes = 2, .llcs = 2, .cores = 2, .threads = 1,
	   .duration_s = 2, .min_page_locality = KTSTR_SET(0.9))
{
	return ktstr_run_cgroups(ctx, KTSTR_CGROUPS({ .name = "cg", .cpuset = KTSTR_CPUSET_NUMA(0),
						      .work = NUMA_WORK("1") }));
}
