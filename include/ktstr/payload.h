/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Payloads: real programs (stress-ng, cyclictest, fio, ...) as workloads.
 * Included by <ktstr/ktstr.h>.
 *
 *	KTSTR_PAYLOAD(stress_ng, .binary = "stress-ng",
 *		.args = KTSTR_ARGS("--cpu", "1", "--timeout", "2s", "--metrics",
 *				   "--yaml", KTSTR_OUTPUT_FILE),
 *		.output = KTSTR_OUTPUT_YAML,
 *		.hints = KTSTR_METRIC_HINTS(
 *			KTSTR_HINT("metrics.0.bogo-ops", KTSTR_HIGHER_BETTER, "ops")),
 *		.checks = KTSTR_CHECKS(KTSTR_CHECK_EXISTS("metrics.0.bogo-ops")));
 *
 *	KTSTR_TEST(bench, .payloads = KTSTR_PAYLOADS(&stress_ng))
 *	{
 *		return ktstr_payload_run(ctx, &stress_ng, &(struct ktstr_payload_opts){
 *			.cgroup = "bench", .timeout_ms = 20000,
 *			.checks = KTSTR_CHECKS(KTSTR_CHECK_MIN("metrics.0.bogo-ops", 1)) });
 *	}
 *
 * The host packs every payload a test declares (its binary, found like a
 * shell finds it, the binary's shared libraries and the payload's include
 * files) into the VM under /include-files/. In the guest the payload runs in
 * its own process group, optionally in a cgroup of the test's cgroup tree,
 * with a timeout; its stdout and stderr are kept (1 MiB each); the metrics
 * of its output are extracted (see <ktstr/metric.h>), given the hints' polarity
 * and unit, checked, and sent to the host, which stores them in the run
 * record as "<payload>.<metric>" for `ktstr stats compare`.
 *
 * Where the metrics come from: an argument containing KTSTR_OUTPUT_FILE is
 * replaced by the path of a fresh file and the metrics are read from that file
 * after the payload exits (stress-ng --yaml FILE, cyclictest --json=FILE);
 * otherwise from stdout, or from stderr when stdout has none.
 *
 * Exit status: the payload must exit 0 unless its checks (default or
 * per-run) contain a KTSTR_CHECK_EXIT with another code. Death by a signal
 * and a timeout are always failures.
 */
#ifndef KTSTR_PAYLOAD_H
#define KTSTR_PAYLOAD_H

#include <ktstr/api.h>

#include <stdbool.h>
#include <ktstr/metric.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ktstr_ctx;

enum ktstr_output {
	KTSTR_OUTPUT_EXIT_CODE = 0, /* no metrics: only the exit status counts */
	KTSTR_OUTPUT_JSON,          /* the first JSON object/array of the output */
	KTSTR_OUTPUT_YAML,          /* block YAML (mappings, sequences, scalars), e.g. stress-ng */
};

/* Placeholder in an argument: replaced by a per-run output file path. */
#define KTSTR_OUTPUT_FILE "{output}"

struct ktstr_payload {
	const char *name;                  /* set by KTSTR_PAYLOAD */
	const char *binary;                /* "stress-ng" ($PATH) or a path */
	const char *const *args;           /* default arguments (KTSTR_ARGS) */
	enum ktstr_output output;
	const struct ktstr_metric_hint *hints;    /* KTSTR_METRIC_HINTS */
	const struct ktstr_metric_check *checks;  /* default checks (KTSTR_CHECKS) */
	const char *const *include_files;  /* more files/dirs for /include-files/ */
	unsigned timeout_ms;               /* default KTSTR_PAYLOAD_TIMEOUT_MS; a run's own overrides */
};

/* A payload's default timeout. A test's own time limit (when it sets no
 * timeout_s) grows by the timeouts of the payloads it declares. */
#define KTSTR_PAYLOAD_TIMEOUT_MS 30000

/* Define a payload: KTSTR_PAYLOAD(fio, .binary = "fio", ...); */
#define KTSTR_PAYLOAD(pname, ...) const struct ktstr_payload pname = { .name = #pname, __VA_ARGS__ }
#define KTSTR_PAYLOAD_DECLARE(pname) extern const struct ktstr_payload pname
/* A test's payloads: .payloads = KTSTR_PAYLOADS(&a, &b) */
#define KTSTR_PAYLOADS(...) ((const struct ktstr_payload *const[]){ __VA_ARGS__, NULL })

/* One run's choices; every field may be left zero. */
struct ktstr_payload_opts {
	const char *cgroup;             /* run in this cgroup of the test's tree ("a/b"); created
					 * (and removed after) unless it exists; NULL = none */
	unsigned timeout_ms;            /* 0 = the payload's (default 30000); on expiry the
					 * payload's process group is killed and the test fails */
	const char *const *args;        /* replace the default arguments */
	const char *const *extra_args;  /* appended */
	const struct ktstr_metric_check *checks; /* in addition to the defaults */
	bool no_default_checks;
};

struct ktstr_payload_handle;

/* Run p to the end and check it; failures are recorded in the test's result.
 * Returns KTSTR_PASS or KTSTR_FAIL. opts may be NULL. */
KTSTR_API int ktstr_payload_run(struct ktstr_ctx *ctx, const struct ktstr_payload *p,
				const struct ktstr_payload_opts *opts);
/* Start p and return at once (NULL on failure, detail recorded); then wait or kill. */
KTSTR_API struct ktstr_payload_handle *ktstr_payload_spawn(struct ktstr_ctx *ctx,
							    const struct ktstr_payload *p,
							    const struct ktstr_payload_opts *opts);
KTSTR_API int ktstr_payload_pid(const struct ktstr_payload_handle *h);
/* Wait for the end (bounded by the timeout), extract, check, report; frees h.
 * Returns KTSTR_PASS or KTSTR_FAIL. */
KTSTR_API int ktstr_payload_wait(struct ktstr_payload_handle *h);
/* Kill the payload's process group, reap it, discard its output; frees h. */
KTSTR_API void ktstr_payload_kill(struct ktstr_payload_handle *h);
/* Stop a payload that may still run: SIGINT to its process group, up to grace_ms for it
 * to exit (then SIGKILL), and evaluate it as ktstr_payload_wait does, except that an
 * end by those signals is no failure. A payload that already exited is only waited for.
 * Its metrics (whatever it wrote before it ended) are checked and reported; frees h. */
KTSTR_API int ktstr_payload_stop(struct ktstr_payload_handle *h, unsigned grace_ms);
/* As a scenario step op: KTSTR_OPS(KTSTR_OP_PAYLOAD(&stress_ng, .cgroup = "cg_0")) runs
 * the payload to its end during the step (its failures go to the test's result). */
struct ktstr_payload_step {
	const struct ktstr_payload *payload;
	struct ktstr_payload_opts opts;
};
KTSTR_API int ktstr_payload_op(struct ktstr_ctx *ctx, void *step);
#define KTSTR_OP_PAYLOAD(p, ...)                                                                   \
	{ .kind = KTSTR_OPK_CALL, .fn = ktstr_payload_op,                                          \
	  .arg = (void *)&(const struct ktstr_payload_step){ .payload = (p),                       \
							     .opts = { __VA_ARGS__ } } }

/*
 * Background payloads of a scenario, run beside its workers. KTSTR_OP_PAYLOAD_START
 * starts one and returns; KTSTR_OP_PAYLOAD_WAIT waits for its end, KTSTR_OP_PAYLOAD_STOP
 * stops it (ktstr_payload_stop); both name it by payload and .cgroup as it was started.
 * One still running when the scenario ends is stopped. Either way its checks run and
 * its metrics go into the run record. A backdrop's .payloads start before step 1:
 *	.payloads = KTSTR_BG_PAYLOADS(KTSTR_BG(&stress_ng, .cgroup = "bg"))
 */
#define KTSTR_BG(p, ...) { .payload = (p), .opts = { __VA_ARGS__ } }
#define KTSTR_BG_PAYLOADS(...)                                                                     \
	((const struct ktstr_payload_step[]){ __VA_ARGS__, { .payload = NULL } })
#define KTSTR_OP_BG_(k, p, ...)                                                                    \
	{ .kind = (k), .payload = &(const struct ktstr_payload_step)KTSTR_BG(p, __VA_ARGS__) }
#define KTSTR_OP_PAYLOAD_START(p, ...) KTSTR_OP_BG_(KTSTR_OPK_PAYLOAD_START, p, __VA_ARGS__)
#define KTSTR_OP_PAYLOAD_WAIT(p, ...) KTSTR_OP_BG_(KTSTR_OPK_PAYLOAD_WAIT, p, __VA_ARGS__)
#define KTSTR_OP_PAYLOAD_STOP(p, ...) KTSTR_OP_BG_(KTSTR_OPK_PAYLOAD_STOP, p, __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif
