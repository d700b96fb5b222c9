/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A/B comparison: per-test verdict changes and per-metric changes of the
 * median, judged over every sample (record) of each side.
 *
 * Pairing. A record's dimensions are its test, variant (the record's config:
 * gauntlet preset and flag profile, or default), topology, scheduler,
 * scheduler arguments and kernel. Records pair on every dimension except the
 * differing ones: those the caller names (sides selected by dimension) and
 * those where each side has a single value and the two differ. Records with
 * one key on a side are that side's samples (--repeat, or several runs).
 *
 * Judging. Per metric: the median and quartiles of each side's samples from
 * passing records; the change is median(B) - median(A). With at least two
 * samples on each side, the change must be significant (the 95%
 * Hodges-Lehmann interval of the shift, util/stats.h, excludes zero in the
 * change's direction) AND cross both gates:
 *	|change| >= abs  &&  |change| / |median A| >= rel      (A == 0: any change)
 * With a single sample on a side only the gates apply (CMP_METHOD_GATES).
 * Polarity makes a judged change a regression or an improvement; without
 * polarity it is "changed", never a regression. Harness statistics take
 * polarity and gates from compare_builtins; payload metrics carry their
 * polarity and use COMPARE_PAYLOAD_ABS / COMPARE_PAYLOAD_REL. Metrics are
 * compared only when the test passed on both sides; pass -> fail (any
 * sample of B failed while every sample of A passed) is a regression.
 */
#ifndef KTSTR_COMPARE_H
#define KTSTR_COMPARE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/metrics.h"
#include "core/result.h"

#define COMPARE_PAYLOAD_ABS 0.0
#define COMPARE_PAYLOAD_REL 0.10
#define COMPARE_CONF 0.95

/* A built-in metric: how the harness's own statistics are judged. */
struct compare_metric_def {
	const char *name;
	enum ktstr_polarity polarity;
	double abs; /* absolute gate, in the metric's unit */
	double rel; /* relative gate, fraction of A (0.25 = 25%) */
	const char *unit;
};

/* The table entry for a harness statistic, or NULL. Per-cgroup statistics
 * ("cgroup.cg_0.spread") map to their run-wide entry (worst_spread). */
const struct compare_metric_def *compare_builtin(const char *name);
/* The whole table, terminated by name == NULL. */
extern const struct compare_metric_def compare_builtins[];

/* The pairing dimensions of a record. */
enum compare_dim {
	DIM_TEST,
	DIM_VARIANT,
	DIM_TOPOLOGY,
	DIM_SCHEDULER,
	DIM_ARGS,
	DIM_KERNEL,
	DIM_COUNT,
};
const char *compare_dim_name(enum compare_dim d); /* "test", "variant", ... */

/* One test record as the comparison sees it (borrowed pointers). */
struct compare_rec {
	const char *test;
	const char *variant;  /* the record's variant; NULL = "default" */
	const char *config;   /* the variant less topology/scheduler/kernel, NULL = unknown */
	const char *topology; /* may be NULL */
	const char *scheduler;
	const char *args;     /* scheduler arguments joined by spaces; NULL = none */
	const char *kernel;
	enum ktstr_verdict verdict;
	const struct ktstr_stat *stats; /* harness statistics */
	unsigned nstats;
	const struct metric *metrics; /* payload metrics, with polarity */
	unsigned nmetrics;
};

/* A record's value of dimension d ("" when unknown). The variant is the
 * record's config; without one (older records) the variant itself, read as
 * "default" when it is only "{topology}-{scheduler}" (ktstr run). */
const char *compare_dim_value(const struct compare_rec *r, enum compare_dim d);

struct sidecar_record;
/* The comparison's view of a run record: pointers into r; args is its
 * scheduler arguments joined by spaces (the caller's storage). */
struct compare_rec compare_rec_of(const struct sidecar_record *r, const char *args);

struct compare_side {
	const char *name; /* run id(s), for messages */
	const struct compare_rec *recs;
	size_t n;
};

struct compare_opts {
	double rel_override; /* >= 0: replaces every relative gate (--threshold PCT / 100) */
	bool differ[DIM_COUNT]; /* the sides were selected by these: never paired on */
};
#define COMPARE_OPTS_DEFAULT { .rel_override = -1.0 }

enum compare_change {
	CMP_SAME = 0,    /* not judged: below a gate, or not significant */
	CMP_REGRESSION,
	CMP_IMPROVEMENT,
	CMP_CHANGED,     /* significant, but the polarity is unknown */
	CMP_ONLY_A,      /* metric missing in B */
	CMP_ONLY_B,      /* metric new in B */
};

enum compare_method {
	CMP_METHOD_GATES, /* a side has one sample: gates on the change only */
	CMP_METHOD_HL,    /* Mann-Whitney / Hodges-Lehmann interval and gates */
};

/* One side's samples of a metric. */
struct compare_dist {
	unsigned n;
	double median, q1, q3; /* NaN when n == 0 */
};

struct compare_delta {
	char *metric;
	bool payload; /* a payload metric (else a harness statistic) */
	struct compare_dist sa, sb;
	double a, b;  /* the medians */
	double delta; /* b - a */
	double rel;   /* delta / |a|; NaN when a == 0 */
	enum compare_method method;
	double hl, lo, hi; /* CMP_METHOD_HL: shift estimate and its interval (may be inf) */
	double p;          /* CMP_METHOD_HL: Mann-Whitney two-sided p-value */
	bool significant;  /* the interval excludes 0 (CMP_METHOD_GATES: true) */
	bool past_gates;   /* the change crosses both gates */
	enum ktstr_polarity polarity;
	double target;
	double abs_gate, rel_gate;
	const char *unit; /* borrowed from the table or a record; "" = none */
	enum compare_change change;
};

struct compare_test {
	char *key;   /* pairing key */
	char *label; /* "test [variant] (topology, scheduler, ...)": the paired dimensions */
	bool in_a, in_b;
	enum ktstr_verdict va, vb; /* FAIL if any record failed; valid when in_a / in_b */
	unsigned na, nb;           /* records per side */
	unsigned fail_a, fail_b;   /* failed records per side */
	enum compare_change verdict_change; /* REGRESSION pass->fail, IMPROVEMENT fail->pass,
					       CHANGED other, SAME */
	struct compare_delta *deltas;
	unsigned ndeltas;
};

struct compare_report {
	struct compare_test *tests; /* sorted by key */
	size_t ntests;
	bool differ[DIM_COUNT];
	char *pairing;   /* "test, variant, topology, args, kernel" */
	char *differing; /* "scheduler (eevdf -> scx_ktstr)", or NULL */
	double rel_override;
	unsigned regressions;         /* metric regressions */
	unsigned improvements;
	unsigned verdict_regressions; /* pass -> fail */
	unsigned verdict_improvements;
	unsigned paired;              /* tests on both sides */
	unsigned only_a, only_b;      /* tests on one side only */
};

/* Pure: builds *out from the two sides (caller frees with compare_report_free). */
void compare_runs(const struct compare_side *a, const struct compare_side *b,
		  const struct compare_opts *opts, struct compare_report *out);
void compare_report_free(struct compare_report *r);
/* Any metric regression or pass -> fail verdict change. */
bool compare_has_regression(const struct compare_report *r);
/* 0 no regression, 1 regression, 2 nothing paired. */
int compare_exit_code(const struct compare_report *r);
const char *compare_change_name(enum compare_change c); /* "regression", "improvement", ... */
const char *compare_method_name(enum compare_method m); /* "gates", "hodges-lehmann" */
/* The values of dimension d on side s: "eevdf, scx_ktstr" (at most 6, then "..."). */
char *compare_dim_values(const struct compare_side *s, enum compare_dim d);
json_t *compare_report_to_json(const struct compare_report *r);

#endif
