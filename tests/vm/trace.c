// SPDX-License-Identifier: GPL-2.0-only
/*
 * --trace as a test attribute: two 1 s steps on scx_ktstr with the trace on;
 * test_trace.sh parses the trace file back. trace_error also has the
 * scheduler fail (--error-after), for the failure instant.
 */
#include <ktstr/ktstr.h>

#ifndef SCX_KTSTR
#define SCX_KTSTR "scx_ktstr"
#endif

KTSTR_SCHEDULER(scx_ktstr_tr, .binary = SCX_KTSTR);
KTSTR_SCHEDULER(scx_ktstr_tr_err, .binary = SCX_KTSTR, .args = KTSTR_ARGS("--error-after", "1"));

KTSTR_TEST(trace_steps, .scheduler = &scx_ktstr_tr, .cores = 2, .duration_s = 2, .trace = true)
{
	return ktstr_run_steps(ctx, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS({ .name = "cg_0" }) },
		{ .cgroups = KTSTR_CGROUPS({ .name = "cg_1" }) }));
}

KTSTR_TEST(trace_error, .scheduler = &scx_ktstr_tr_err, .cores = 2, .duration_s = 2,
	   .trace = true, .expect_err = true)
{
	return ktstr_run_steps(ctx, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS({ .name = "cg_0" }) },
		{ .cgroups = KTSTR_CGROUPS({ .name = "cg_1" }) }));
}
