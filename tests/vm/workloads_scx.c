// SPDX-License-Identifier: GPL-2.0-only
/*
 * Workloads on the fixture sched_ext scheduler scx_ktstr: steady cgroups with
 * isolation must PASS; a scheduler that exits mid-scenario must FAIL
 * [sched_died] (test_workloads_scx.sh checks).
 */
#include <ktstr/ktstr.h>

#ifndef SCX_KTSTR
#define SCX_KTSTR "scx_ktstr"
#endif

KTSTR_SCHEDULER(scx_ktstr_wl, .binary = SCX_KTSTR);
KTSTR_SCHEDULER(scx_ktstr_exits, .binary = SCX_KTSTR, .args = KTSTR_ARGS("--exit-after", "1.5"));

KTSTR_TEST(wl_scx_steady, .scheduler = &scx_ktstr_wl, .llcs = 2, .cores = 2, .duration_s = 2,
	   .isolation = KTSTR_ON)
{
	if (ktstr_ctx_sched_pid(ctx) <= 0)
		return ktstr_fail(ctx, KTSTR_SCHED_DIED, "scx_ktstr is not running");
	return ktstr_run_cgroups(ctx, KTSTR_CGROUPS(
		{ .name = "llc_0", .cpuset = KTSTR_CPUSET_LLC(0) },
		{ .name = "llc_1", .cpuset = KTSTR_CPUSET_LLC(1),
		  .work = KTSTR_WORK_BURSTY_P(20, 20) },
		{ .name = "free", .work = KTSTR_WORK_FUTEX_PING_PONG }));
}

/* Four 1 s steps; the loader exits 1.5 s after it starts, during step 2. */
KTSTR_TEST(wl_scx_dies, .scheduler = &scx_ktstr_exits, .llcs = 1, .cores = 2, .duration_s = 4)
{
	return ktstr_run_steps(ctx, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS({ .name = "cg_0" }) },
		{ .cgroups = KTSTR_CGROUPS({ .name = "cg_1" }) },
		{ .ops = KTSTR_OPS(KTSTR_OP_STOP_CGROUP("cg_0")) },
		{ .ops = KTSTR_OPS(KTSTR_OP_STOP_CGROUP("cg_1")) }));
}
