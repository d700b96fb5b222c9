// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/thresholds.h"

static const struct ktstr_scheduler sched = {
	.name = "mysched",
	.binary = "scx_my",
	.max_gap_ms = KTSTR_SET(500),
	.isolation = KTSTR_ON,
	.max_throughput_cv = KTSTR_SET(0.5),
};

static void test_defaults(void **state)
{
	struct ktstr_thresholds d = thresholds_defaults();

	assert_int_equal(d.not_starved, KTSTR_ON);
	assert_int_equal(d.isolation, KTSTR_OFF);
	assert_true(d.max_gap_ms.set && d.max_gap_ms.v == 2000);
	assert_true(d.max_spread_pct.set && d.max_spread_pct.v == 75.0);
	assert_true(d.max_cgroup_spread_pct.set && d.max_cgroup_spread_pct.v == 35.0);
	assert_true(d.max_median_wake_latency_ns.set &&
		    d.max_median_wake_latency_ns.v == 25000000);
	assert_true(d.max_imbalance_ratio.set && d.max_imbalance_ratio.v == 3.0);
	assert_true(d.max_local_dsq_depth.set && d.max_local_dsq_depth.v == 50);
	assert_int_equal(d.fail_on_stall, KTSTR_ON);
	assert_true(d.sustained_samples.set && d.sustained_samples.v == 5);
	/* event rates are recorded, not judged, unless a test asks */
	assert_false(d.max_fallback_rate.set);
	assert_false(d.max_keep_last_rate.set);
	assert_false(d.max_throughput_cv.set);
	assert_false(d.max_p99_wake_latency_ns.set);
}

static void test_three_layers(void **state)
{
	const struct ktstr_test test = {
		.name = "t",
		.scheduler = &sched,
		.max_gap_ms = KTSTR_SET(3000),
		.isolation = KTSTR_OFF,
		.not_starved = KTSTR_OFF,
		.max_spread_pct = KTSTR_SET(20.0),
	};
	struct ktstr_thresholds m;

	thresholds_effective(&sched, &test, &m);
	assert_int_equal(m.max_gap_ms.v, 3000);          /* test beats scheduler */
	assert_int_equal(m.isolation, KTSTR_OFF);        /* OFF disables the scheduler's ON */
	assert_int_equal(m.not_starved, KTSTR_OFF);      /* OFF disables the default */
	assert_true(m.max_spread_pct.v == 20.0);
	assert_true(m.max_throughput_cv.set && m.max_throughput_cv.v == 0.5); /* scheduler */
	assert_int_equal(m.fail_on_stall, KTSTR_ON);     /* default */
	assert_false(thresholds_on(m.isolation));
	assert_true(thresholds_on(m.fail_on_stall));

	/* Without a test layer the scheduler's values hold. */
	thresholds_effective(&sched, NULL, &m);
	assert_int_equal(m.max_gap_ms.v, 500);
	assert_int_equal(m.isolation, KTSTR_ON);
}

static void test_merge_unset_keeps(void **state)
{
	struct ktstr_thresholds d = thresholds_defaults();
	struct ktstr_thresholds none = { 0 };
	struct ktstr_thresholds copy = d;

	thresholds_merge(&d, &none);
	assert_memory_equal(&d, &copy, sizeof(d));
}

struct bad {
	char names[8][40];
	int n;
};

static void collect(void *arg, const char *name, double v)
{
	struct bad *b = arg;

	snprintf(b->names[b->n++], sizeof(b->names[0]), "%s", name);
}

static void test_check(void **state)
{
	struct ktstr_thresholds t = {
		.max_spread_pct = KTSTR_SET(-1.0),
		.max_throughput_cv = KTSTR_SET(NAN),
		.min_work_rate = KTSTR_SET(INFINITY),
		.max_fallback_rate = KTSTR_SET(0.0),
		.not_starved = (enum ktstr_switch)7,
	};
	struct bad b = { 0 };

	assert_int_equal(thresholds_check(&t, collect, &b), 4);
	assert_string_equal(b.names[0], "not_starved");
	assert_string_equal(b.names[1], "max_spread_pct");
	assert_string_equal(b.names[2], "max_throughput_cv");
	assert_string_equal(b.names[3], "min_work_rate");
}

static void test_format(void **state)
{
	const struct ktstr_test test = {
		.name = "foo",
		.scheduler = &sched,
		.max_spread_pct = KTSTR_SET(20.0),
	};
	struct strbuf sb = { 0 };
	char *s;

	thresholds_format(&test, &sb);
	s = sb_steal(&sb);
	assert_non_null(strstr(s, "thresholds for test 'foo' (scheduler mysched):\n"));
	assert_non_null(strstr(s, "  not_starved                on       (default)\n"));
	assert_non_null(strstr(s, "  max_gap_ms                 500      (scheduler)\n"));
	assert_non_null(strstr(s, "  max_spread_pct             20       (test)\n"));
	assert_non_null(strstr(s, "  max_wake_latency_cv        none\n"));
	assert_null(strstr(s, "multiplied"));
	free(s);
}

static void test_json(void **state)
{
	struct ktstr_thresholds t = thresholds_defaults(), back;
	json_t *j;
	char *err = NULL, *text;

	t.isolation = KTSTR_INHERIT;
	t.max_throughput_cv = (struct ktstr_opt_f64)KTSTR_SET(0.25);
	j = thresholds_to_json(&t);
	text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	assert_non_null(strstr(text, "\"max_gap_ms\":2000"));
	assert_non_null(strstr(text, "\"not_starved\":\"on\""));
	assert_null(strstr(text, "isolation"));          /* unset fields are left out */
	assert_null(strstr(text, "max_wake_latency_cv"));
	free(text);
	assert_int_equal(thresholds_from_json(j, &back, &err), 0);
	assert_memory_equal(&back, &t, sizeof(t));
	json_decref(j);

	static const char *const bad[] = {
		"{\"bogus\":1}", "{\"max_gap_ms\":-1}", "{\"max_gap_ms\":1.5}",
		"{\"isolation\":\"maybe\"}", "{\"isolation\":true}", "{\"max_spread_pct\":\"x\"}",
		"[]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = json_loads(bad[i], 0, NULL);
		assert_non_null(j);
		err = NULL;
		assert_int_equal(thresholds_from_json(j, &back, &err), -EINVAL);
		assert_non_null(err);
		assert_true(str_starts_with(err, "thresholds: "));
		free(err);
		json_decref(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),    cmocka_unit_test(test_three_layers),
		cmocka_unit_test(test_merge_unset_keeps), cmocka_unit_test(test_check),
		       cmocka_unit_test(test_json),       cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
