// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fixture scheduler scx_ktstr under the harness: a steady scenario passes
 * under it, and each fault knob makes the run FAIL with its own reason
 * (test_sched.sh checks the exit codes, the reasons and the run records).
 */
#include <ktstr/ktstr.h>

#ifndef SCX_KTSTR_PATH
#error "SCX_KTSTR_PATH must name the built scx_ktstr"
#endif

KTSTR_SCHEDULER(scx_ktstr,
	.binary = SCX_KTSTR_PATH,
	.args = KTSTR_ARGS("--watchdog-ms", "3000"));

/* Passes: scx_ktstr schedules the steady scenario's workers. */
KTSTR_TEST(sched_steady, .scheduler = &scx_ktstr, .duration_s = 3)
{
	return ktstr_scenario_steady(ctx);
}

/* User tasks stop being dispatched 1 s after attach: the kernel watchdog
 * ejects the scheduler ~3 s later ("runnable task stall"). */
KTSTR_TEST(sched_stall, .scheduler = &scx_ktstr, .duration_s = 10,
	   .extra_sched_args = KTSTR_ARGS("--stall-after", "1"))
{
	return ktstr_scenario_steady(ctx);
}

/* scx_bpf_error() 1 s after attach. */
KTSTR_TEST(sched_error, .scheduler = &scx_ktstr, .duration_s = 6,
	   .extra_sched_args = KTSTR_ARGS("--error-after", "1"))
{
	return ktstr_scenario_steady(ctx);
}

/* As sched_error, rerun once with probes on the failure's path (auto_repro):
 * test_auto_repro.sh checks the hits in the output and the run record. */
KTSTR_TEST(sched_error_repro, .scheduler = &scx_ktstr, .duration_s = 6, .auto_repro = true,
	   .extra_sched_args = KTSTR_ARGS("--error-after", "1"))
{
	return ktstr_scenario_steady(ctx);
}

/* The loader exits 1 s after attach: the scheduler died mid-test. */
KTSTR_TEST(sched_exit, .scheduler = &scx_ktstr, .duration_s = 6,
	   .extra_sched_args = KTSTR_ARGS("--exit-after", "1"))
{
	return ktstr_scenario_steady(ctx);
}

/* The BPF program fails verification: the run fails before the body. */
KTSTR_TEST(sched_fail_verify, .scheduler = &scx_ktstr,
	   .extra_sched_args = KTSTR_ARGS("--fail-verify"))
{
	return ktstr_scenario_steady(ctx);
}
