// SPDX-License-Identifier: GPL-2.0-only
/*
 * Workload checks that must catch a problem; test_workloads.sh runs each and
 * requires FAIL with the right failure kind.
 */
#include <ktstr/ktstr.h>

#include <errno.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

/* Behind the executor's back: move the first worker of cgroup "a" into "b". */
static int escape(struct ktstr_ctx *ctx, void *arg)
{
	char *from = ktstr_cgroup_path(ctx, "a/cgroup.procs");
	char *to = ktstr_cgroup_path(ctx, "b/cgroup.procs");
	char pid[32] = "";
	FILE *f = fopen(from, "r");
	int ret = -ENOENT;

	if (f && fgets(pid, sizeof(pid), f)) {
		FILE *t = fopen(to, "w");

		ret = t && fputs(pid, t) >= 0 && fclose(t) == 0 ? 0 : -EIO;
		ktstr_log(ctx, "moved worker %.*s from a into b: %d", (int)strcspn(pid, "\n"), pid,
			  ret);
	}
	if (f)
		fclose(f);
	free(from);
	free(to);
	return ret;
}

/* A worker confined to LLC 0 is moved into LLC 1's cgroup: isolation must name it. */
KTSTR_TEST(wl_isolation_escape, .llcs = 2, .cores = 2, .duration_s = 2, .isolation = KTSTR_ON)
{
	return ktstr_run_steps(ctx, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS({ .name = "a", .cpuset = KTSTR_CPUSET_LLC(0) },
					   { .name = "b", .cpuset = KTSTR_CPUSET_LLC(1),
					     .no_workers = true }),
		  .hold = KTSTR_HOLD_FRAC(0.3) },
		{ .ops = KTSTR_OPS(KTSTR_OP_CALL(escape, NULL)), .hold = KTSTR_HOLD_FRAC(0.7) }));
}

/*
 * A SCHED_FIFO hog shares CPU 1 with a normal worker. The kernel's fair server
 * still lends the normal worker ~50 ms a second, so it is stuck for ~950 ms at a
 * time (or starved outright): a 50 ms gap limit (x the accelerator's time scale)
 * must catch it. The test body stays on CPU 0, away from the hog.
 */
KTSTR_TEST(wl_fifo_hog, .llcs = 1, .cores = 2, .duration_s = 2, .max_gap_ms = KTSTR_SET(50))
{
	cpu_set_t cpu0;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(0, sizeof(cpu0), &cpu0))
		return ktstr_fail(ctx, KTSTR_OTHER, "cannot pin the test body to CPU 0");
	return ktstr_run_steps(ctx, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS(
			  { .name = "hog", .cpuset = KTSTR_CPUSET_EXACT("1"), .workers = 1,
			    .work = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .policy = KTSTR_POLICY_FIFO) }),
		  .hold = KTSTR_HOLD_FRAC(0.25) },
		{ .cgroups = KTSTR_CGROUPS(
			  { .name = "victim", .cpuset = KTSTR_CPUSET_EXACT("1"), .workers = 1 }),
		  .hold = KTSTR_HOLD_FRAC(0.75) }));
}
