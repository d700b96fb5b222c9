// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side monitor fixtures (test_monitor.sh, suite vm): the same CPU-bound
 * load under scx_ktstr, its --pile-on placement bug, and its --stall-after
 * fault. The first passes with monitor samples for every CPU in its record;
 * the monitor's imbalance check catches the second; its stall check names a
 * CPU in the third, whose watchdog the monitor raises from 3 s to 6 s.
 */
#include <ktstr/ktstr.h>

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SCX_KTSTR
#define SCX_KTSTR "scx_ktstr"
#endif

KTSTR_SCHEDULER(mon_fixture, .binary = SCX_KTSTR);
KTSTR_SCHEDULER(mon_pile_on, .binary = SCX_KTSTR, .args = KTSTR_ARGS("--pile-on"));
KTSTR_SCHEDULER(mon_stall, .binary = SCX_KTSTR, .args = KTSTR_ARGS("--stall-after", "1.5"));

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Two spinning workers per CPU for `secs`. */
static int spin(struct ktstr_ctx *ctx, double secs)
{
	unsigned n = 2 * ktstr_ctx_cpus(ctx);
	pid_t pids[64];
	unsigned started = 0;

	for (unsigned i = 0; i < n && i < 64; i++) {
		pid_t p = fork();

		if (p == 0) {
			double end = now_s() + secs;
			volatile unsigned long x = 0;

			while (now_s() < end)
				x++;
			_exit(0);
		}
		if (p > 0)
			pids[started++] = p;
	}
	for (unsigned i = 0; i < started; i++)
		waitpid(pids[i], NULL, 0);
	ktstr_log(ctx, "%u workers spun %.1f s on %u CPUs", started, secs, ktstr_ctx_cpus(ctx));
	return KTSTR_PASS;
}

KTSTR_TEST(monitor_spread, .scheduler = &mon_fixture, .numa_nodes = 2, .llcs = 2, .cores = 2,
	   .threads = 1, .duration_s = 4)
{
	return spin(ctx, 4);
}

KTSTR_TEST(monitor_pile_on, .scheduler = &mon_pile_on, .numa_nodes = 2, .llcs = 2, .cores = 2,
	   .threads = 1, .duration_s = 4)
{
	return spin(ctx, 4);
}

/* the monitor also holds the watchdog at 6 s (the fixture asks for 3 s) */
KTSTR_TEST(monitor_stall, .scheduler = &mon_stall, .numa_nodes = 1, .llcs = 1, .cores = 2,
	   .threads = 1, .duration_s = 4, .watchdog_timeout_s = 6)
{
	return spin(ctx, 6);
}
