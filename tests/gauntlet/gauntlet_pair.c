// SPDX-License-Identifier: GPL-2.0-only
/*
 * A gauntlet fixture: one test on the fixture scheduler scx_ktstr with two
 * flags, `slow` requiring `verbose`, so three flag profiles (default,
 * verbose, verbose+slow), and constraints that keep 2..9-CPU presets with at
 * least 2 LLCs. `--list --gauntlet` is checked by test_gauntlet_list.sh
 * (suite unit); a few variants boot in test_gauntlet_vm.sh (suite vm).
 */
#include <ktstr/ktstr.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef SCX_KTSTR
#define SCX_KTSTR "scx_ktstr"
#endif

KTSTR_SCHEDULER(ktstr_pair, .binary = SCX_KTSTR,
		.flags = KTSTR_FLAGS({ .name = "verbose", .args = KTSTR_ARGS("--verbose") },
				     { .name = "slow", .args = KTSTR_ARGS("--slow-dispatch"),
				       .requires = KTSTR_NAMES("verbose") }),
		/* the slow profile's 2 ms ops.dispatch is measured here, not judged */
		.max_callback_us = KTSTR_SET(1e9),
		.max_cpus = 9);

/* The scheduler runs with the profile's arguments on the preset's topology. */
KTSTR_TEST(pair_sched, .scheduler = &ktstr_pair, .min_llcs = 2, .duration_s = 1)
{
	char path[64], cmd[256] = "";
	size_t n = 0;
	FILE *f;

	if (ktstr_ctx_sched_pid(ctx) <= 0)
		return ktstr_fail(ctx, KTSTR_SCHED_DIED, "scx_ktstr is not running");
	snprintf(path, sizeof(path), "/proc/%d/cmdline", ktstr_ctx_sched_pid(ctx));
	f = fopen(path, "r");
	if (f) {
		n = fread(cmd, 1, sizeof(cmd) - 1, f);
		fclose(f);
	}
	for (size_t i = 0; i < n; i++)
		if (!cmd[i])
			cmd[i] = ' ';
	cmd[n] = 0;
	ktstr_log(ctx, "%u CPUs, %u LLCs; scheduler: %s", ktstr_ctx_cpus(ctx),
		  ktstr_ctx_llcs(ctx), cmd);
	ktstr_stat(ctx, "cpus", ktstr_ctx_cpus(ctx));
	ktstr_stat(ctx, "llcs", ktstr_ctx_llcs(ctx));
	if (strstr(cmd, "--slow-dispatch") && !strstr(cmd, "--verbose"))
		return ktstr_fail(ctx, KTSTR_OTHER, "slow without verbose: %s", cmd);
	/* sleep and wake for a second: the scheduler's callbacks run (the monitor
	 * reports their run time, test_gauntlet_vm.sh compares the profiles) */
	for (int i = 0; i < 250; i++)
		usleep(4000);
	return KTSTR_PASS;
}

/*
 * host_only: listed once, never a gauntlet variant. Runs 6 s against an
 * estimate of 4 (duration 2 + 2), so a tight --budget must refuse what would
 * start after it (test_gauntlet_list.sh).
 */
KTSTR_TEST(pair_host, .host_only = true)
{
	sleep(6);
	return KTSTR_PASS;
}
