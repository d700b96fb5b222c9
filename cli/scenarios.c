// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ktstr binary's own registry: every catalog scenario (src/guest/catalog.c)
 * as a test of the same name, so `ktstr run --scenario NAME` goes through the
 * test runtime like any test binary. `ktstr run` checks at start-up that this
 * list and the catalog agree.
 */
#include <ktstr/ktstr.h>

#define SCENARIO_TEST(n)                                                                           \
	KTSTR_TEST(n)                                                                              \
	{                                                                                          \
		return ktstr_scenario_run(ctx, #n);                                                \
	}

SCENARIO_TEST(affinity_change)
SCENARIO_TEST(affinity_churn)
SCENARIO_TEST(affinity_pinned)
SCENARIO_TEST(mixed_workloads)
SCENARIO_TEST(oversubscribed)
SCENARIO_TEST(steady)
SCENARIO_TEST(steady_llc)
SCENARIO_TEST(cpuset_apply)
SCENARIO_TEST(cpuset_clear)
SCENARIO_TEST(cpuset_overlap)
SCENARIO_TEST(cpuset_resize)
SCENARIO_TEST(cpuset_swap)
SCENARIO_TEST(backdrop_steps)
SCENARIO_TEST(cgroup_add)
SCENARIO_TEST(cgroup_churn)
SCENARIO_TEST(cgroup_remove)
SCENARIO_TEST(fan_out)
SCENARIO_TEST(fork_storm)
SCENARIO_TEST(futex_pairs)
SCENARIO_TEST(host_contention)
SCENARIO_TEST(memory_churn)
SCENARIO_TEST(mutex_contention)
SCENARIO_TEST(pipe_pairs)
SCENARIO_TEST(sequence_phases)
SCENARIO_TEST(yield_storm)
SCENARIO_TEST(nested_steady)
SCENARIO_TEST(nested_task_move)
SCENARIO_TEST(numa_bind_local)
SCENARIO_TEST(numa_cpuset_move)
SCENARIO_TEST(numa_cross_node)
SCENARIO_TEST(numa_fault_bind)
SCENARIO_TEST(numa_interleave)
SCENARIO_TEST(numa_local)
SCENARIO_TEST(numa_pref_many)
SCENARIO_TEST(numa_preferred)
SCENARIO_TEST(numa_weighted)
SCENARIO_TEST(nice_sweep)
SCENARIO_TEST(policy_churn)
SCENARIO_TEST(policy_mix)
