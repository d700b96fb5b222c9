// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "proto/orders.h"

static void test_roundtrip(void **state)
{
	struct orders o, back;
	char *text, *err = NULL;

	orders_init(&o);
	o.test = strdup("steady");
	o.topology = strdup("1n2l2c1t");
	o.duration_ms = 3000;
	o.workers_per_cgroup = 4;
	o.timeout_s = 70;
	o.seed = 18446744073709551615ull;
	o.time_scale = 10.0;
	o.sched_path = strdup("/scheduler");
	o.sched_args = calloc(3, sizeof(char *));
	o.sched_args[0] = strdup("--slice-us");
	o.sched_args[1] = strdup("5000");
	o.probes = calloc(2, sizeof(char *));
	o.probes[0] = strdup("scx_claim_exit");
	o.thresholds.isolation = KTSTR_OFF;
	o.thresholds.max_gap_ms = (struct ktstr_opt_u64)KTSTR_SET(500);
	o.thresholds.max_spread_pct = (struct ktstr_opt_f64)KTSTR_SET(12.5);
	o.trace = true;
	text = orders_to_json(&o);
	assert_int_equal(orders_from_json(text, strlen(text), &back, &err), 0);
	assert_string_equal(back.test, "steady");
	assert_string_equal(back.topology, "1n2l2c1t");
	assert_int_equal(back.duration_ms, 3000);
	assert_int_equal(back.workers_per_cgroup, 4);
	assert_int_equal(back.timeout_s, 70);
	assert_true(back.seed == 18446744073709551615ull);
	assert_true(back.time_scale == 10.0);
	assert_null(back.sched_name);
	assert_string_equal(back.sched_path, "/scheduler");
	assert_string_equal(back.sched_args[1], "5000");
	assert_null(back.sched_args[2]);
	assert_string_equal(back.probes[0], "scx_claim_exit");
	assert_null(back.probes[1]);
	assert_int_equal(back.thresholds.isolation, KTSTR_OFF);
	assert_int_equal(back.thresholds.not_starved, KTSTR_INHERIT);
	assert_true(back.thresholds.max_gap_ms.set && back.thresholds.max_gap_ms.v == 500);
	assert_true(back.thresholds.max_spread_pct.v == 12.5);
	assert_false(back.thresholds.min_work_rate.set);
	assert_true(back.trace);
	assert_false(back.verifier_stats);
	free(text);
	orders_free(&o);
	orders_free(&back);
}

static void expect_reject(const char *text, const char *needle)
{
	struct orders o;
	char *err = NULL;

	assert_int_equal(orders_from_json(text, strlen(text), &o, &err), -EINVAL);
	assert_non_null(err);
	if (!strstr(err, needle))
		fail_msg("error '%s' lacks '%s'", err, needle);
	free(err);
}

static void test_rejects(void **state)
{
	expect_reject("[1]", "not a JSON object");
	expect_reject("{\"version\":2,\"test\":\"x\"}", "version");
	expect_reject("{\"version\":1}", "missing \"test\"");
	expect_reject("{\"version\":1,\"test\":\"x\",\"duration_ms\":-1}", "duration_ms");
	expect_reject("{\"version\":1,\"test\":\"x\",\"sched_args\":[1]}", "sched_args");
	expect_reject("{\"version\":1,\"test\":\"x\",\"probes\":\"f\"}", "probes");
	expect_reject("{\"version\":1,\"test\":\"x\",\"seed\":\"12x\"}", "seed");
	expect_reject("{\"version\":1,\"test\":\"x\",\"thresholds\":{\"bogus\":1}}", "bogus");
	expect_reject("{\"version\":1,\"test\":\"x\",\"thresholds\":{\"isolation\":true}}",
		      "isolation");
	expect_reject("{\"version\":1,\"test\":\"x\",\"trace\":1}", "'trace' is not a boolean");
	expect_reject("{\"version\":1,\"test\":\"x\",\"test\":\"y\"}", "bad JSON");
	expect_reject("{\"version\":1,\"test\":\"x\"", "bad JSON");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
