// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>

#include "runner/compare.h"
#include "util/stats.h"

/* Two tests, each with harness stats; "bench" also has payload metrics. */
static struct ktstr_stat steady_a[] = { { "worst_spread", 10.0 }, { "worst_gap_ms", 100.0 },
					{ "total_iterations", 5000.0 } };
static struct ktstr_stat steady_b[3];
static struct metric bench_a[] = {
	{ "ops", 1000.0, KTSTR_HIGHER_BETTER, 0, "ops/s" },
	{ "lat.p99", 200.0, KTSTR_LOWER_BETTER, 0, "us" },
	{ "util", 50.0, KTSTR_TARGET_VALUE, 50.0, "%" },
	{ "noise", 3.0, KTSTR_POLARITY_UNKNOWN, 0, "" },
};
static struct metric bench_b[4];

static struct compare_rec rec(const char *test, enum ktstr_verdict v, struct ktstr_stat *st,
			      unsigned nst, struct metric *m, unsigned nm)
{
	return (struct compare_rec){ .test = test, .variant = "default", .topology = "1n1l2c1t",
				     .scheduler = "eevdf", .kernel = "7.3.4", .verdict = v,
				     .stats = st, .nstats = nst, .metrics = m, .nmetrics = nm };
}

static void run(struct compare_rec *ra, size_t na, struct compare_rec *rb, size_t nb,
		double rel_override, struct compare_report *out)
{
	struct compare_side a = { "A", ra, na }, b = { "B", rb, nb };
	struct compare_opts o = { .rel_override = rel_override };

	compare_runs(&a, &b, &o, out);
}

static const struct compare_delta *find_delta(const struct compare_report *r, size_t test,
					      const char *metric)
{
	for (unsigned i = 0; i < r->tests[test].ndeltas; i++)
		if (!strcmp(r->tests[test].deltas[i].metric, metric))
			return &r->tests[test].deltas[i];
	fail_msg("no delta %s", metric);
	return NULL;
}

static int reset(void **state)
{
	memcpy(steady_b, steady_a, sizeof(steady_a));
	memcpy(bench_b, bench_a, sizeof(bench_a));
	return 0;
}

static void pair(struct compare_rec *ra, struct compare_rec *rb)
{
	ra[0] = rec("steady", KTSTR_PASS, steady_a, 3, NULL, 0);
	ra[1] = rec("bench", KTSTR_PASS, NULL, 0, bench_a, 4);
	rb[0] = rec("steady", KTSTR_PASS, steady_b, 3, NULL, 0);
	rb[1] = rec("bench", KTSTR_PASS, NULL, 0, bench_b, 4);
}

static void test_equal(void **state)
{
	struct compare_rec ra[2], rb[2];
	struct compare_report r;

	pair(ra, rb);
	run(ra, 2, rb, 2, -1, &r);
	assert_int_equal(r.ntests, 2);
	assert_false(compare_has_regression(&r));
	assert_int_equal(r.improvements, 0);
	assert_null(r.differing);
	assert_string_equal(r.pairing, "test, variant, topology, scheduler, args, kernel");
	assert_int_equal(compare_exit_code(&r), 0);
	assert_string_equal(r.tests[0].label, "bench (1n1l2c1t, eevdf)"); /* sorted by key */
	assert_int_equal(r.tests[0].ndeltas, 4);
	assert_int_equal(r.tests[1].ndeltas, 3);
	for (size_t t = 0; t < 2; t++)
		for (unsigned k = 0; k < r.tests[t].ndeltas; k++)
			assert_int_equal(r.tests[t].deltas[k].change, CMP_SAME);
	compare_report_free(&r);
}

/* Nothing to compare: no records at all, and passing tests without any
 * statistic or metric (empty arrays all the way through). */
static void test_empty(void **state)
{
	struct compare_rec a = rec("bare", KTSTR_PASS, NULL, 0, NULL, 0), b = a;
	struct compare_report r;

	run(NULL, 0, NULL, 0, -1.0, &r);
	assert_int_equal(r.ntests, 0);
	assert_int_equal(compare_exit_code(&r), 2);
	compare_report_free(&r);
	run(&a, 1, &b, 1, -1.0, &r);
	assert_int_equal(r.ntests, 1);
	assert_int_equal(r.paired, 1);
	assert_int_equal(r.tests[0].ndeltas, 0);
	assert_false(compare_has_regression(&r));
	compare_report_free(&r);
}

static void test_regression_needs_both_gates(void **state)
{
	struct compare_rec ra[2], rb[2];
	struct compare_report r;
	const struct compare_delta *d;

	pair(ra, rb);
	/* worst_spread 10 -> 16: +6 >= 5.0 abs and +60% >= 25% rel */
	steady_b[0].value = 16.0;
	/* worst_gap_ms 100 -> 400: +300% but +300 < 500 ms abs: not significant */
	steady_b[1].value = 400.0;
	run(ra, 2, rb, 2, -1, &r);
	assert_true(compare_has_regression(&r));
	assert_int_equal(r.regressions, 1);
	d = find_delta(&r, 1, "worst_spread");
	assert_int_equal(d->change, CMP_REGRESSION);
	assert_true(d->delta == 6.0);
	assert_true(fabs(d->rel - 0.6) < 1e-12);
	assert_int_equal(d->polarity, KTSTR_LOWER_BETTER);
	assert_false(d->payload);
	assert_int_equal(find_delta(&r, 1, "worst_gap_ms")->change, CMP_SAME);
	compare_report_free(&r);

	/* abs crossed but not rel: 100 -> 1 ... spread 40 -> 46 is +6 but 15% < 25% */
	reset(NULL);
	steady_a[0].value = 40.0;
	memcpy(steady_b, steady_a, sizeof(steady_a));
	steady_b[0].value = 46.0;
	run(ra, 2, rb, 2, -1, &r);
	assert_false(compare_has_regression(&r));
	/* --threshold 10 replaces the relative gate: now it is one */
	compare_report_free(&r);
	run(ra, 2, rb, 2, 0.10, &r);
	assert_true(compare_has_regression(&r));
	assert_true(find_delta(&r, 1, "worst_spread")->rel_gate == 0.10);
	compare_report_free(&r);
	steady_a[0].value = 10.0;
}

static void test_payload_polarity(void **state)
{
	struct compare_rec ra[2], rb[2];
	struct compare_report r;

	pair(ra, rb);
	bench_b[0].value = 800.0;  /* higher better, -20%: regression */
	bench_b[1].value = 150.0;  /* lower better, -25%: improvement */
	bench_b[2].value = 44.0;   /* target 50: 0 -> 6 away, 12% of 50: regression */
	bench_b[3].value = 30.0;   /* unknown polarity: changed, never a regression */
	run(ra, 2, rb, 2, -1, &r);
	assert_int_equal(find_delta(&r, 0, "ops")->change, CMP_REGRESSION);
	assert_true(find_delta(&r, 0, "ops")->payload);
	assert_string_equal(find_delta(&r, 0, "ops")->unit, "ops/s");
	assert_int_equal(find_delta(&r, 0, "lat.p99")->change, CMP_IMPROVEMENT);
	assert_int_equal(find_delta(&r, 0, "util")->change, CMP_REGRESSION);
	assert_int_equal(find_delta(&r, 0, "noise")->change, CMP_CHANGED);
	assert_int_equal(r.regressions, 2);
	assert_int_equal(r.improvements, 1);
	compare_report_free(&r);

	/* improvements alone are no regression */
	reset(NULL);
	bench_b[0].value = 2000.0;
	steady_b[0].value = 2.0;
	run(ra, 2, rb, 2, -1, &r);
	assert_false(compare_has_regression(&r));
	assert_int_equal(r.improvements, 2);
	compare_report_free(&r);
}

static void test_verdicts_and_missing(void **state)
{
	struct compare_rec ra[3], rb[2];
	struct compare_report r;

	pair(ra, rb);
	ra[2] = rec("gone", KTSTR_PASS, NULL, 0, NULL, 0);
	rb[0].verdict = KTSTR_FAIL;
	steady_b[0].value = 99.0; /* compared although the test failed in B */
	rb[1].test = "fresh";
	run(ra, 3, rb, 2, -1, &r);
	assert_int_equal(r.ntests, 4); /* bench (A only), fresh (B only), gone (A only), steady */
	assert_int_equal(r.only_a, 2);
	assert_int_equal(r.only_b, 1);
	assert_true(r.tests[0].in_a && !r.tests[0].in_b);
	assert_true(!r.tests[1].in_a && r.tests[1].in_b);
	assert_int_equal(r.tests[3].verdict_change, CMP_REGRESSION);
	assert_true(r.tests[3].ndeltas > 0);
	assert_int_equal(r.verdict_regressions, 1);
	assert_int_equal(r.regressions, 1); /* the metric B failed with */
	assert_true(compare_has_regression(&r));
	compare_report_free(&r);

	/* fail -> pass is an improvement */
	run(rb, 1, ra, 1, -1, &r);
	assert_int_equal(r.tests[0].verdict_change, CMP_IMPROVEMENT);
	assert_false(compare_has_regression(&r));
	compare_report_free(&r);
}

static void test_zero_baseline(void **state)
{
	struct ktstr_stat za[] = { { "stall_count", 0.0 }, { "total_migrations", 0.0 } };
	struct ktstr_stat zb[] = { { "stall_count", 2.0 }, { "total_migrations", 0.0 } };
	struct compare_rec ra[1] = { rec("z", KTSTR_PASS, za, 2, NULL, 0) };
	struct compare_rec rb[1] = { rec("z", KTSTR_PASS, zb, 2, NULL, 0) };
	struct compare_report r;
	const struct compare_delta *d;

	run(ra, 1, rb, 1, -1, &r);
	d = find_delta(&r, 0, "stall_count");
	assert_int_equal(d->change, CMP_REGRESSION); /* 0 -> 2 crosses abs 1, rel infinite */
	assert_true(isnan(d->rel));
	assert_int_equal(find_delta(&r, 0, "total_migrations")->change, CMP_SAME);
	compare_report_free(&r);

	zb[0].value = 0.5; /* below the abs gate */
	run(ra, 1, rb, 1, -1, &r);
	assert_false(compare_has_regression(&r));
	compare_report_free(&r);
}

static void test_builtin_table(void **state)
{
	assert_int_equal(compare_builtin("worst_spread")->polarity, KTSTR_LOWER_BETTER);
	assert_true(compare_builtin("worst_spread")->abs == 5.0);
	assert_true(compare_builtin("worst_spread")->rel == 0.25);
	assert_int_equal(compare_builtin("work_units")->polarity, KTSTR_HIGHER_BETTER);
	assert_ptr_equal(compare_builtin("cgroup.cg_0.spread"), compare_builtin("worst_spread"));
	assert_ptr_equal(compare_builtin("cgroup.node_0.page_locality"),
			 compare_builtin("worst_page_locality"));
	assert_int_equal(compare_builtin("worst_page_locality")->polarity, KTSTR_HIGHER_BETTER);
	assert_ptr_equal(compare_builtin("cgroup.a.b.max_gap_ms"), compare_builtin("worst_gap_ms"));
	assert_null(compare_builtin("cgroup.cg_0.cpus"));
	assert_null(compare_builtin("cgroup.spread"));
	assert_null(compare_builtin("time_scale"));
}

static void test_slicing_and_averaging(void **state)
{
	struct ktstr_stat s1[] = { { "worst_spread", 10.0 } }, s2[] = { { "worst_spread", 20.0 } };
	struct ktstr_stat s3[] = { { "worst_spread", 15.0 } }, only[] = { { "worst_gap_ms", 1 } };
	struct compare_rec ra[2] = { rec("t", KTSTR_PASS, s1, 1, NULL, 0),
				     rec("t", KTSTR_PASS, s2, 1, NULL, 0) };
	struct compare_rec rb[2] = { rec("t", KTSTR_PASS, s3, 1, NULL, 0),
				     rec("t", KTSTR_SKIP, only, 1, NULL, 0) };
	struct compare_report r;
	json_t *j;

	rb[0].scheduler = rb[1].scheduler = "scx_ktstr";
	rb[0].kernel = rb[1].kernel = "7.4.0";
	run(ra, 2, rb, 2, -1, &r);
	assert_string_equal(r.differing, "scheduler (eevdf -> scx_ktstr), kernel (7.3.4 -> 7.4.0)");
	assert_string_equal(r.pairing, "test, variant, topology, args");
	assert_int_equal(r.ntests, 1); /* paired across schedulers */
	assert_string_equal(r.tests[0].label, "t (1n1l2c1t)");
	assert_int_equal(r.tests[0].na, 2);
	assert_int_equal(r.tests[0].nb, 2);
	assert_int_equal(r.tests[0].vb, KTSTR_PASS); /* skip + pass = pass */
	assert_int_equal(r.tests[0].ndeltas, 1);     /* the skipped record's stat is ignored */
	assert_true(r.tests[0].deltas[0].a == 15.0); /* median of 10 and 20 */
	assert_int_equal(r.tests[0].deltas[0].method, CMP_METHOD_GATES); /* one sample in B */
	assert_int_equal(r.tests[0].deltas[0].change, CMP_SAME);

	j = compare_report_to_json(&r);
	assert_non_null(j);
	assert_false(json_is_true(json_object_get(j, "regression")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "tests"), 0), "test")),
			    "t (1n1l2c1t)");
	json_decref(j);
	compare_report_free(&r);
}

/* Quantiles interpolate between order statistics (type 7). */
static void test_quantiles(void **state)
{
	double odd[] = { 5, 1, 4, 2, 3 }, even[] = { 4, 1, 3, 2 };

	assert_true(stats_median(odd, 5) == 3);
	assert_true(stats_quantile(odd, 5, 0.25) == 2);
	assert_true(stats_quantile(odd, 5, 0.75) == 4);
	assert_true(stats_median(even, 4) == 2.5);
	assert_true(stats_quantile(even, 4, 0.25) == 1.75);
	assert_true(stats_quantile(even, 4, 0.75) == 3.25);
	assert_true(isnan(stats_median(odd, 0)));
}

/* Known shift: 5 vs 5 samples 10 apart. Pairwise differences 6..14 with counts
 * 1 2 3 4 5 4 3 2 1; the exact 95% interval is [D(3), D(23)] = [7, 13]
 * (P(U <= 2) = 4/252 <= 0.025 < P(U <= 3) = 7/252), p = 2/252. */
static void test_shift_interval(void **state)
{
	double a[] = { 1, 2, 3, 4, 5 }, b[] = { 11, 12, 13, 14, 15 }, c[] = { 1, 2, 3 };
	struct stats_shift sh;

	assert_int_equal(stats_shift(a, 5, b, 5, 0.95, &sh), 0);
	assert_true(sh.hl == 10);
	assert_true(sh.lo == 7 && sh.hi == 13);
	assert_true(fabs(sh.p - 2.0 / 252) < 1e-12);
	assert_true(fabs(sh.conf - (1 - 8.0 / 252)) < 1e-12);
	assert_true(sh.u == 25);
	/* the same sample: no shift, p = 1 */
	assert_int_equal(stats_shift(a, 5, a, 5, 0.95, &sh), 0);
	assert_true(sh.hl == 0 && sh.lo < 0 && sh.hi > 0);
	assert_true(sh.p == 1);
	/* 3 and 3: P(U = 0) = 1/20 > 0.025, no bounded 95% interval */
	assert_int_equal(stats_shift(c, 3, c, 3, 0.95, &sh), 0);
	assert_true(isinf(sh.lo) && isinf(sh.hi));
	/* 4 and 4: P(U = 0) = 1/70: the interval is [min, max] of the differences */
	assert_int_equal(stats_shift(a, 4, b, 4, 0.95, &sh), 0);
	assert_true(sh.lo == 7 && sh.hi == 13);
	/* large samples take the normal approximation */
	{
		double x[120], y[120];

		for (int i = 0; i < 120; i++) {
			x[i] = i;
			y[i] = i + 60;
		}
		assert_int_equal(stats_shift(x, 120, y, 120, 0.95, &sh), 0);
		assert_true(sh.hl == 60);
		assert_true(sh.lo > 40 && sh.lo < 60 && sh.hi > 60 && sh.hi < 80);
		assert_true(sh.p < 1e-6);
	}
	assert_int_equal(stats_shift(a, 0, b, 5, 0.95, &sh), -EINVAL);
	assert_int_equal(stats_shift(a, 5, b, 5, 1.5, &sh), -EINVAL);
}

static void samples(struct ktstr_stat *st, const char *name, const double *v, size_t n,
		    struct compare_rec *recs, const char *sched)
{
	for (size_t i = 0; i < n; i++) {
		st[i] = (struct ktstr_stat){ (char *)name, v[i] };
		recs[i] = rec("steady", KTSTR_PASS, &st[i], 1, NULL, 0);
		recs[i].scheduler = sched;
	}
}

/* bpf.<callback>.ns_per_call: judged over repeats only, past a doubling */
static void cb_samples(struct metric *m, const double *v, size_t n, struct compare_rec *recs)
{
	for (size_t i = 0; i < n; i++) {
		m[i] = (struct metric){ .name = "bpf.ktstr_dispatch.ns_per_call", .value = v[i],
					.polarity = KTSTR_LOWER_BETTER, .unit = "ns" };
		recs[i] = rec("steady", KTSTR_PASS, NULL, 0, &m[i], 1);
	}
}

static void test_callback_time(void **state)
{
	static const double base[] = { 40000, 41000, 39000, 40500, 39500 };
	static const double drift[] = { 54000, 55000, 53000, 54500, 53500 }; /* +35% */
	static const double slow[] = { 1300000, 1310000, 1290000, 1305000, 1295000 };
	struct metric ma[5], mb[5];
	struct compare_rec ra[5], rb[5];
	struct compare_report r;
	const struct compare_delta *d;

	cb_samples(ma, base, 5, ra);
	cb_samples(mb, drift, 5, rb);
	run(ra, 5, rb, 5, -1, &r);
	d = find_delta(&r, 0, "bpf.ktstr_dispatch.ns_per_call");
	assert_true(d->significant && !d->past_gates); /* below the 100% gate */
	assert_int_equal(d->change, CMP_SAME);
	compare_report_free(&r);

	cb_samples(mb, slow, 5, rb);
	run(ra, 5, rb, 5, -1, &r);
	d = find_delta(&r, 0, "bpf.ktstr_dispatch.ns_per_call");
	assert_int_equal(d->change, CMP_REGRESSION);
	compare_report_free(&r);

	/* one run against one: shown, not judged */
	run(ra, 1, rb, 1, -1, &r);
	d = find_delta(&r, 0, "bpf.ktstr_dispatch.ns_per_call");
	assert_int_equal(d->method, CMP_METHOD_GATES);
	assert_int_equal(d->change, CMP_CHANGED);
	assert_int_equal(compare_exit_code(&r), 0);
	compare_report_free(&r);
}

/* Repeats: a change is judged only when the interval excludes 0 and the gates pass. */
static void test_repeats_significance(void **state)
{
	static const double base[] = { 1000, 1010, 990, 1005, 995 };
	static const double worse[] = { 1600, 1610, 1590, 1605, 1595 };
	static const double noisy[] = { 400, 2600, 1500, 2400, 900 };
	struct ktstr_stat sa[5], sb[5];
	struct compare_rec ra[5], rb[5];
	struct compare_report r;
	const struct compare_delta *d;
	json_t *j, *jd;

	/* p99 wake latency 60% worse, every sample: regression, interval [585, 615] */
	samples(sa, "worst_p99_wake_latency_us", base, 5, ra, "eevdf");
	samples(sb, "worst_p99_wake_latency_us", worse, 5, rb, "eevdf");
	run(ra, 5, rb, 5, -1, &r);
	assert_int_equal(r.ntests, 1);
	assert_int_equal(r.tests[0].na, 5);
	d = find_delta(&r, 0, "worst_p99_wake_latency_us");
	assert_int_equal(d->method, CMP_METHOD_HL);
	assert_true(d->a == 1000 && d->b == 1600 && d->delta == 600);
	assert_true(d->sa.q1 == 995 && d->sa.q3 == 1005);
	assert_true(d->lo == 585 && d->hi == 615);
	assert_true(d->significant && d->past_gates);
	assert_int_equal(d->change, CMP_REGRESSION);
	assert_int_equal(compare_exit_code(&r), 1);
	j = compare_report_to_json(&r);
	jd = json_array_get(json_object_get(json_array_get(json_object_get(j, "tests"), 0),
					    "metrics"), 0);
	assert_string_equal(json_string_value(json_object_get(jd, "method")), "hodges-lehmann");
	assert_true(json_real_value(json_object_get(json_object_get(jd, "interval"), "lo")) ==
		    585);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(jd, "a"), "n")), 5);
	assert_true(json_real_value(json_object_get(json_object_get(jd, "a"), "iqr")) == 10);
	assert_int_equal(json_integer_value(json_object_get(j, "exit")), 1);
	json_decref(j);
	compare_report_free(&r);

	/* the medians differ past the gates, but the samples overlap: not judged */
	samples(sb, "worst_p99_wake_latency_us", noisy, 5, rb, "eevdf");
	run(ra, 5, rb, 5, -1, &r);
	d = find_delta(&r, 0, "worst_p99_wake_latency_us");
	assert_true(d->delta == 500 && d->past_gates);
	assert_false(d->significant);
	assert_int_equal(d->change, CMP_SAME);
	assert_int_equal(compare_exit_code(&r), 0);
	compare_report_free(&r);

	/* significant but below the gates (1% better): not judged either */
	samples(sb, "worst_p99_wake_latency_us", (const double[]){ 1020, 1030, 1010, 1025, 1015 },
		5, rb, "eevdf");
	run(ra, 5, rb, 5, -1, &r);
	d = find_delta(&r, 0, "worst_p99_wake_latency_us");
	assert_true(d->significant);
	assert_false(d->past_gates);
	assert_int_equal(d->change, CMP_SAME);
	compare_report_free(&r);
}

/* Pairing by dimensions: ktstr run's variants name topology and scheduler, the
 * caller's differing dimensions are left out, and nothing paired is exit 2. */
static void test_pairing_dimensions(void **state)
{
	struct ktstr_stat st[1] = { { "worst_spread", 1 } };
	struct compare_rec ra[2], rb[2];
	struct compare_opts o = COMPARE_OPTS_DEFAULT;
	struct compare_side a = { "A", ra, 2 }, b = { "B", rb, 2 };
	struct compare_report r;

	/* older records: no config, variant "{topology}-{scheduler}" */
	ra[0] = rec("steady", KTSTR_PASS, st, 1, NULL, 0);
	ra[0].variant = "1n2l2c1t-eevdf";
	ra[0].topology = "1n2l2c1t";
	ra[1] = ra[0];
	ra[1].test = "cpuset_apply";
	rb[0] = ra[0];
	rb[0].variant = "1n2l2c1t-scx_simple";
	rb[0].scheduler = "scx_simple";
	rb[1] = rb[0];
	rb[1].test = "cpuset_apply";
	rb[1].verdict = KTSTR_FAIL;
	assert_string_equal(compare_dim_value(&ra[0], DIM_VARIANT), "default");
	compare_runs(&a, &b, &o, &r);
	assert_int_equal(r.paired, 2);
	assert_int_equal(r.only_a + r.only_b, 0);
	assert_string_equal(r.differing, "scheduler (eevdf -> scx_simple)");
	assert_int_equal(r.verdict_regressions, 1); /* pass -> fail */
	assert_int_equal(compare_exit_code(&r), 1);
	compare_report_free(&r);

	/* a config wins over the variant; a gauntlet variant stays a dimension */
	rb[0].config = "tiny-2llc-default";
	assert_string_equal(compare_dim_value(&rb[0], DIM_VARIANT), "tiny-2llc-default");
	ra[0].variant = "tiny-2llc-llc";
	assert_string_equal(compare_dim_value(&ra[0], DIM_VARIANT), "tiny-2llc-llc");
	rb[0].config = NULL;
	ra[0].variant = "1n2l2c1t-eevdf";

	/* both sides with two schedulers: paired on it unless the caller says it differs */
	rb[0].scheduler = "eevdf";
	rb[0].variant = "1n2l2c1t-eevdf";
	ra[1].scheduler = "scx_simple";
	ra[1].variant = "1n2l2c1t-scx_simple";
	compare_runs(&a, &b, &o, &r);
	assert_null(r.differing);
	assert_int_equal(r.paired, 2);
	compare_report_free(&r);

	/* nothing on both sides: exit 2, never a pass */
	rb[0].topology = rb[1].topology = "1n1l2c1t";
	rb[0].config = rb[1].config = "default";
	rb[0].args = "--slow";
	rb[1].args = "--fast";
	compare_runs(&a, &b, &o, &r);
	assert_int_equal(r.paired, 0);
	assert_int_equal(r.only_a, 2);
	assert_int_equal(compare_exit_code(&r), 2);
	compare_report_free(&r);

	/* chosen dimensions are never paired on */
	o.differ[DIM_ARGS] = o.differ[DIM_TOPOLOGY] = true;
	compare_runs(&a, &b, &o, &r);
	assert_string_equal(r.pairing, "test, variant, scheduler, kernel");
	assert_string_equal(r.differing, "topology (1n2l2c1t -> 1n1l2c1t), "
					 "args ((none) -> --slow, --fast)");
	assert_int_equal(r.paired, 2);
	compare_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_equal, reset),
		cmocka_unit_test(test_empty),
		cmocka_unit_test_setup(test_regression_needs_both_gates, reset),
		cmocka_unit_test_setup(test_payload_polarity, reset),
		cmocka_unit_test_setup(test_verdicts_and_missing, reset),
		cmocka_unit_test_setup(test_zero_baseline, reset),
		cmocka_unit_test_setup(test_slicing_and_averaging, reset),
		cmocka_unit_test(test_builtin_table),
		cmocka_unit_test(test_quantiles),
		cmocka_unit_test(test_shift_interval),
		cmocka_unit_test(test_repeats_significance),
		cmocka_unit_test(test_callback_time),
		cmocka_unit_test(test_pairing_dimensions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
