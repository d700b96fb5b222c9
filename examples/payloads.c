// SPDX-License-Identifier: GPL-2.0-only
/*
 * Real benchmarks as workloads: stress-ng, cyclictest and hackbench (Debian
 * packages stress-ng and rt-tests) run inside the VM as payloads, in a cgroup,
 * with a timeout; their metrics are extracted, checked, and stored in the run
 * record for `ktstr stats compare`.
 *
 *	./payloads -v                          # each test in its own VM
 *	ktstr stats compare latest~1 latest    # metric deltas between two runs
 *
 * Metric names are the dotted paths of the numeric leaves of a payload's
 * report: stress-ng's --yaml report has a "metrics" list with one entry per
 * stressor, so the first stressor's bogo-ops are "metrics.0.bogo-ops". In
 * the record they are prefixed with the payload's name:
 * "stress_ng.metrics.0.bogo-ops".
 */
#include <ktstr/ktstr.h>

/*
 * stress-ng writes its metrics as YAML to the file given to --yaml; the
 * argument KTSTR_OUTPUT_FILE becomes a fresh file ktstr reads afterwards.
 * (Its --metrics-brief table goes to stderr mixed with log lines: the YAML
 * report is the robust source.)
 */
KTSTR_PAYLOAD(stress_ng, .binary = "stress-ng",
	      .args = KTSTR_ARGS("--cpu", "1", "--cpu-method", "int64", "--timeout", "2s",
				 "--metrics", "--yaml", KTSTR_OUTPUT_FILE),
	      .output = KTSTR_OUTPUT_YAML,
	      .hints = KTSTR_METRIC_HINTS(
		      KTSTR_HINT("metrics.0.bogo-ops", KTSTR_HIGHER_BETTER, "ops"),
		      KTSTR_HINT("metrics.0.bogo-ops-per-second-real-time", KTSTR_HIGHER_BETTER,
				 "ops/s"),
		      KTSTR_HINT("metrics.0.wall-clock-time", KTSTR_LOWER_BETTER, "s")),
	      .checks = KTSTR_CHECKS(KTSTR_CHECK_EXISTS("metrics.0.bogo-ops")));

/* cyclictest (rt-tests 2.x) writes JSON with --json=FILE: thread.<n>.{min,avg,max} in us. */
KTSTR_PAYLOAD(cyclictest, .binary = "cyclictest",
	      .args = KTSTR_ARGS("-q", "-D", "2", "-i", "1000", "-t", "1",
				 "--json=" KTSTR_OUTPUT_FILE),
	      .output = KTSTR_OUTPUT_JSON,
	      .hints = KTSTR_METRIC_HINTS(KTSTR_HINT("thread.0.avg", KTSTR_LOWER_BETTER, "us"),
					  KTSTR_HINT("thread.0.max", KTSTR_LOWER_BETTER, "us"),
					  KTSTR_HINT("thread.0.cycles", KTSTR_HIGHER_BETTER, "")),
	      .checks = KTSTR_CHECKS(KTSTR_CHECK_MIN("thread.0.cycles", 1),
				     KTSTR_CHECK_EXISTS("thread.0.max")));

/* hackbench prints "Time: 0.557": no metrics, only its exit status counts. */
KTSTR_PAYLOAD(hackbench, .binary = "hackbench",
	      .args = KTSTR_ARGS("-g", "1", "-f", "4", "-l", "50"),
	      .output = KTSTR_OUTPUT_EXIT_CODE, .timeout_ms = 20000);

/* stress-ng in cgroup "bench", with a bound of its own on top of the defaults. */
KTSTR_TEST(payload_stress_ng, .cores = 2, .payloads = KTSTR_PAYLOADS(&stress_ng))
{
	return ktstr_payload_run(ctx, &stress_ng, &(struct ktstr_payload_opts){
		.cgroup = "bench",
		.timeout_ms = 30000,
		.checks = KTSTR_CHECKS(KTSTR_CHECK_MIN("metrics.0.bogo-ops", 1)),
	});
}

/* cyclictest while a CPU hog runs next to it (spawn, run, wait). */
KTSTR_TEST(payload_cyclictest, .cores = 2, .payloads = KTSTR_PAYLOADS(&cyclictest))
{
	struct ktstr_payload_handle *h = ktstr_payload_spawn(ctx, &cyclictest,
		&(struct ktstr_payload_opts){ .cgroup = "rt", .timeout_ms = 30000 });

	if (!h)
		return KTSTR_FAIL;
	ktstr_log(ctx, "cyclictest runs as pid %d", ktstr_payload_pid(h));
	return ktstr_payload_wait(h);
}

/* hackbench as a scenario step, after a step that started spinning workers. */
KTSTR_TEST(payload_hackbench_step, .cores = 2, .duration_s = 1,
	   .payloads = KTSTR_PAYLOADS(&hackbench))
{
	return ktstr_run_steps(ctx, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS({ .name = "spin", .workers = 1 }),
		  .hold = KTSTR_HOLD_MS(200) },
		{ .ops = KTSTR_OPS(KTSTR_OP_PAYLOAD(&hackbench, .cgroup = "bench")),
		  .hold = KTSTR_HOLD_MS(200) }));
}
