// SPDX-License-Identifier: GPL-2.0-only
/*
 * Payload checks that must fail; linked with examples/payloads.c (the same
 * stress_ng definition). test_payloads.sh requires FAIL and the message.
 */
#include <ktstr/ktstr.h>

KTSTR_PAYLOAD_DECLARE(stress_ng);

/* payload_stress_ng with a minimum no machine reaches: fails naming metric and value. */
KTSTR_TEST(payload_stress_ng_impossible_min, .cores = 2, .payloads = KTSTR_PAYLOADS(&stress_ng))
{
	return ktstr_payload_run(ctx, &stress_ng, &(struct ktstr_payload_opts){
		.cgroup = "bench",
		.timeout_ms = 30000,
		.checks = KTSTR_CHECKS(KTSTR_CHECK_MIN("metrics.0.bogo-ops", 1e15)),
	});
}

/* A 60 s stress-ng run with a 1.5 s timeout: killed, the failure names the timeout. */
KTSTR_TEST(payload_timeout, .cores = 2, .payloads = KTSTR_PAYLOADS(&stress_ng))
{
	return ktstr_payload_run(ctx, &stress_ng, &(struct ktstr_payload_opts){
		.cgroup = "bench",
		.timeout_ms = 1500,
		.extra_args = KTSTR_ARGS("--timeout", "60s"),
	});
}

/* A payload the test did not declare is not in the VM: the failure says how to declare it. */
KTSTR_PAYLOAD(undeclared, .binary = "hackbench");
KTSTR_TEST(payload_undeclared)
{
	return ktstr_payload_run(ctx, &undeclared, NULL);
}
