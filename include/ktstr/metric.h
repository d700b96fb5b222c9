/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Metrics a payload (an external benchmark such as stress-ng or schbench)
 * prints as JSON: how to read them (hints) and what to require of them
 * (checks). A payload definition carries both lists:
 *
 *	.metrics = KTSTR_METRIC_HINTS(
 *		KTSTR_HINT("bogo-ops-per-second-real-time", KTSTR_HIGHER_BETTER, "ops/s"),
 *		KTSTR_HINT("latency.p99", KTSTR_LOWER_BETTER, "us"),
 *		KTSTR_HINT_TARGET("cpu.util", 50.0, "%")),
 *	.checks  = KTSTR_CHECKS(KTSTR_CHECK_EXIT(0),
 *		KTSTR_CHECK_MIN("bogo-ops-per-second-real-time", 1000)),
 *
 * Metric names are dotted paths of the numeric leaves of the first JSON
 * document in the output: {"jobs":[{"read":{"iops":5}}]} gives jobs.0.read.iops.
 */
#ifndef KTSTR_METRIC_H
#define KTSTR_METRIC_H

#ifdef __cplusplus
extern "C" {
#endif

/* Which direction of change is an improvement (used by `ktstr stats compare`). */
enum ktstr_polarity {
	KTSTR_POLARITY_UNKNOWN = 0, /* recorded, never classified */
	KTSTR_HIGHER_BETTER,
	KTSTR_LOWER_BETTER,
	KTSTR_TARGET_VALUE, /* closer to .target is better */
};

struct ktstr_metric_hint {
	const char *name; /* exact metric name (dotted path) */
	enum ktstr_polarity polarity;
	const char *unit; /* NULL or "" = none */
	double target;    /* KTSTR_TARGET_VALUE only */
};
#define KTSTR_HINT(n, pol, u) { .name = (n), .polarity = (pol), .unit = (u) }
#define KTSTR_HINT_TARGET(n, t, u) { .name = (n), .polarity = KTSTR_TARGET_VALUE, .unit = (u), .target = (t) }
#define KTSTR_METRIC_HINTS(...) ((const struct ktstr_metric_hint[]){ __VA_ARGS__, { 0 } })

enum ktstr_check_kind {
	KTSTR_CK_END = 0,
	KTSTR_CK_MIN,       /* value >= lo */
	KTSTR_CK_MAX,       /* value <= hi */
	KTSTR_CK_RANGE,     /* lo <= value <= hi */
	KTSTR_CK_EXISTS,    /* the metric was found */
	KTSTR_CK_EXIT_CODE, /* the payload exited with exit_code */
};

struct ktstr_metric_check {
	enum ktstr_check_kind kind;
	const char *metric;
	double lo, hi;
	int exit_code;
};
#define KTSTR_CHECK_MIN(m, v) { .kind = KTSTR_CK_MIN, .metric = (m), .lo = (v) }
#define KTSTR_CHECK_MAX(m, v) { .kind = KTSTR_CK_MAX, .metric = (m), .hi = (v) }
#define KTSTR_CHECK_RANGE(m, l, h) { .kind = KTSTR_CK_RANGE, .metric = (m), .lo = (l), .hi = (h) }
#define KTSTR_CHECK_EXISTS(m) { .kind = KTSTR_CK_EXISTS, .metric = (m) }
#define KTSTR_CHECK_EXIT(code) { .kind = KTSTR_CK_EXIT_CODE, .exit_code = (code) }
#define KTSTR_CHECKS(...) ((const struct ktstr_metric_check[]){ __VA_ARGS__, { 0 } })

#ifdef __cplusplus
}
#endif

#endif
