// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scenarios: cgroups and workers as data, steps with ops between them, the
 * canned catalog, and workers measured by hand. Build with meson
 * (examples/workloads) or by hand:
 *
 *	cc -o workloads workloads.c $(pkg-config --cflags --libs ktstr)
 *	./workloads                 # every test, each in its own VM (EEVDF)
 *	./workloads --exact custom_check -v   # with every statistic
 */
#include <ktstr/ktstr.h>

/* The simplest test: a canned scenario, defaults for everything else. */
KTSTR_TEST(steady_baseline)
{
	return ktstr_scenario_steady(ctx);
}

/* Cgroups as data; thresholds only where the defaults do not fit. */
KTSTR_TEST(two_cgroups_fair, .llcs = 2, .cores = 2, .duration_s = 2,
	   .max_spread_pct = KTSTR_SET(20.0), .isolation = KTSTR_ON)
{
	return ktstr_run_cgroups(ctx, KTSTR_CGROUPS(
		{ .name = "cg_0", .workers = 2, .cpuset = KTSTR_CPUSET_LLC(0) },
		{ .name = "cg_1", .workers = 2, .cpuset = KTSTR_CPUSET_LLC(1),
		  .work = KTSTR_WORK_BURSTY }));
}

/* Multi-step: the cpuset shrinks under load halfway through. */
KTSTR_TEST(cpuset_shrinks_under_load, .llcs = 2, .cores = 2, .isolation = KTSTR_ON)
{
	return ktstr_run_steps(ctx, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS({ .name = "a", .workers = 4 }),
		  .hold = KTSTR_HOLD_FRAC(0.5) },
		{ .ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("a", KTSTR_CPUSET_LLC(0))),
		  .hold = KTSTR_HOLD_FRAC(0.5) }));
}

/* Several work groups in one cgroup, with policies and affinities. */
KTSTR_TEST(mixed_groups, .cores = 4)
{
	return ktstr_run_cgroups(ctx, KTSTR_CGROUPS(
		{ .name = "app", .workers = 2, .work = KTSTR_WORK_PIPE_IO,
		  .works = KTSTR_WORKS(
			  KTSTR_WORK(KTSTR_WT_CPU_SPIN, .workers = 1,
				     .policy = KTSTR_POLICY_BATCH),
			  KTSTR_WORK(KTSTR_WT_CACHE_PRESSURE, .workers = 2,
				     .affinity = { .kind = KTSTR_AFF_SINGLE_CPU })) }));
}

/* Hand-written checks: the body runs in the guest as a normal process. */
KTSTR_TEST(custom_check, .cores = 2)
{
	struct ktstr_reports *r = ktstr_spawn_and_collect(ctx, "w", 4, KTSTR_WORK_CPU_SPIN);
	uint64_t gap;

	if (!r)
		return KTSTR_FAIL; /* the setup failure is already recorded */
	gap = ktstr_reports_max_gap_ms(r);
	ktstr_stat(ctx, "total_work", (double)ktstr_reports_total_work(r));
	ktstr_reports_free(r);
	if (gap > 5000)
		return ktstr_fail(ctx, KTSTR_STUCK, "a worker waited %llu ms to run",
				  (unsigned long long)gap);
	return KTSTR_PASS;
}
