/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A/B comparison of two runs: per-test verdict changes and per-metric deltas.
 *
 * Tests are paired by key: test name, variant, and the scheduler and topology
 * unless that dimension is what the two runs differ in (each side has one
 * value and they differ: "scheduler: eevdf -> scx_ktstr"), so comparing a
 * scheduler against another pairs the same tests. Several records with one
 * key on a side are averaged (passing records only).
 *
 * A delta is significant only when both gates are crossed:
 *	|delta| >= abs  &&  |delta| / |A| >= rel      (A == 0: any non-zero delta)
 * and its direction by polarity makes it a regression or an improvement.
 * Harness statistics take polarity and gates from a built-in table
 * (compare_builtin); payload metrics carry their polarity in the record and
 * use COMPARE_PAYLOAD_ABS / COMPARE_PAYLOAD_REL. Metrics are compared only
 * when the test passed on both sides; a pass -> fail change is a regression.
 */
#ifndef KTSTR_COMPARE_H
#define KTSTR_COMPARE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "test_support/metrics.h"
#include "test_support/result.h"

#define COMPARE_PAYLOAD_ABS 0.0
#define COMPARE_PAYLOAD_REL 0.10

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

/* One test record as the comparison sees it (borrowed pointers). */
struct compare_rec {
	const char *test;
	const char *variant;  /* NULL or "default" = none */
	const char *topology; /* may be NULL */
	const char *scheduler;
	const char *kernel;
	enum ktstr_verdict verdict;
	const struct ktstr_stat *stats; /* harness statistics */
	unsigned nstats;
	const struct metric *metrics; /* payload metrics, with polarity */
	unsigned nmetrics;
};

struct compare_side {
	const char *name; /* run id, for messages */
	const struct compare_rec *recs;
	size_t n;
};

struct compare_opts {
	double rel_override; /* >= 0: replaces every relative gate (--threshold PCT / 100) */
};
#define COMPARE_OPTS_DEFAULT { .rel_override = -1.0 }

enum compare_change {
	CMP_SAME = 0,    /* below a gate */
	CMP_REGRESSION,
	CMP_IMPROVEMENT,
	CMP_CHANGED,     /* significant, but the polarity is unknown */
	CMP_ONLY_A,      /* metric missing in B */
	CMP_ONLY_B,      /* metric new in B */
};

struct compare_delta {
	char *metric;
	bool payload; /* a payload metric (else a harness statistic) */
	double a, b;
	double delta; /* b - a */
	double rel;   /* delta / |a|; NaN when a == 0 */
	enum ktstr_polarity polarity;
	double target;
	double abs_gate, rel_gate;
	const char *unit; /* borrowed from the table or a record; "" = none */
	enum compare_change change;
};

struct compare_test {
	char *key;   /* pairing key */
	char *label; /* "test [variant] (topology, scheduler)" */
	bool in_a, in_b;
	enum ktstr_verdict va, vb; /* valid when in_a / in_b */
	unsigned na, nb;           /* records averaged per side */
	enum compare_change verdict_change; /* REGRESSION pass->fail, IMPROVEMENT fail->pass,
					       CHANGED other, SAME */
	struct compare_delta *deltas;
	unsigned ndeltas;
};

struct compare_report {
	struct compare_test *tests; /* sorted by key */
	size_t ntests;
	char *slicing;  /* "scheduler: eevdf -> scx_ktstr; topology: ..." or NULL */
	char *kernels;  /* "7.3.4 -> 7.4.0" when they differ, else NULL */
	double rel_override;
	unsigned regressions;         /* metric regressions */
	unsigned improvements;
	unsigned verdict_regressions; /* pass -> fail */
	unsigned verdict_improvements;
	unsigned only_a, only_b;      /* tests on one side only */
};

/* Pure: builds *out from the two sides (caller frees with compare_report_free). */
void compare_runs(const struct compare_side *a, const struct compare_side *b,
		  const struct compare_opts *opts, struct compare_report *out);
void compare_report_free(struct compare_report *r);
/* Any metric regression or pass -> fail verdict change. */
bool compare_has_regression(const struct compare_report *r);
const char *compare_change_name(enum compare_change c); /* "regression", "improvement", ... */
json_t *compare_report_to_json(const struct compare_report *r);

#endif
