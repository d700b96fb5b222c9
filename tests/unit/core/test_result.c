// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/result.h"

static void test_roundtrip(void **state)
{
	struct ktstr_result r, back;
	json_t *j;
	char *err = NULL;

	result_init(&r);
	result_stat(&r, "worst_spread", 12.5);
	result_fail(&r, KTSTR_STUCK, "stuck %dms on cpu%d", 2500, 1);
	result_stat(&r, "worst_spread", 13.0);
	j = result_to_json(&r);
	assert_int_equal(result_from_json(j, &back, &err), 0);
	assert_int_equal(back.verdict, KTSTR_FAIL);
	assert_int_equal(back.ndetails, 1);
	assert_int_equal(back.details[0].kind, KTSTR_STUCK);
	assert_string_equal(back.details[0].msg, "stuck 2500ms on cpu1");
	assert_int_equal(back.nstats, 1);
	assert_true(back.stats[0].value == 13.0);
	json_decref(j);
	result_free(&r);
	result_free(&back);
}

static void test_rejects(void **state)
{
	struct ktstr_result r;
	char *err = NULL;
	json_t *j = json_loads("{\"verdict\":\"maybe\"}", 0, NULL);

	assert_int_not_equal(result_from_json(j, &r, &err), 0);
	assert_non_null(err);
	free(err);
	json_decref(j);
	j = json_loads("{\"verdict\":\"fail\",\"details\":[{\"kind\":\"bogus\",\"msg\":\"x\"}]}", 0,
		       NULL);
	err = NULL;
	assert_int_not_equal(result_from_json(j, &r, &err), 0);
	free(err);
	json_decref(j);
}

/* Workers round-trip; a reader takes no more than RESULT_MAX_WORKERS, and a writer
 * keeps no more. */
static void test_workers(void **state)
{
	struct ktstr_result r, back;
	struct ktstr_worker_share w = { .cgroup = "cg_0", .pid = 42, .cpu_pct = 97.5,
					.wait_pct = 1.25, .work_units = 1e6, .migrations = 3 };
	char *err = NULL;
	json_t *j, *arr;

	result_init(&r);
	j = result_to_json(&r);
	assert_null(json_object_get(j, "workers")); /* none: not written */
	json_decref(j);
	result_worker(&r, &w);
	j = result_to_json(&r);
	assert_int_equal(result_from_json(j, &back, &err), 0);
	assert_int_equal(back.nworkers, 1);
	assert_string_equal(back.workers[0].cgroup, "cg_0");
	assert_int_equal(back.workers[0].pid, 42);
	assert_true(back.workers[0].cpu_pct == 97.5 && back.workers[0].wait_pct == 1.25);
	assert_true(back.workers[0].work_units == 1e6 && back.workers[0].migrations == 3);
	result_free(&back);
	/* a wrong type is an error naming the fields */
	json_object_set_new(json_array_get(json_object_get(j, "workers"), 0), "pid",
			    json_string("42"));
	assert_int_not_equal(result_from_json(j, &back, &err), 0);
	assert_non_null(strstr(err, "pid"));
	free(err);
	err = NULL;
	/* too many is an error */
	arr = json_array();
	for (int i = 0; i <= RESULT_MAX_WORKERS; i++)
		json_array_append_new(arr, json_pack("{s:s, s:i, s:f, s:f, s:f, s:f}", "cgroup", "",
						     "pid", i, "cpu_pct", 1.0, "wait_pct", 0.0,
						     "work_units", 1.0, "migrations", 0.0));
	json_object_set_new(j, "workers", arr);
	assert_int_not_equal(result_from_json(j, &back, &err), 0);
	assert_non_null(strstr(err, "at most 1024"));
	free(err);
	json_decref(j);
	for (int i = 0; i <= RESULT_MAX_WORKERS; i++)
		result_worker(&r, &w);
	assert_int_equal(r.nworkers, RESULT_MAX_WORKERS);
	result_free(&r);
}

static void test_merge(void **state)
{
	struct ktstr_result a, b;

	result_init(&a);
	result_init(&b);
	result_skip(&b, "needs %d cpus", 8);
	result_merge(&a, &b);
	assert_int_equal(a.verdict, KTSTR_SKIP);
	result_fail(&b, KTSTR_ISOLATION, "x");
	result_merge(&a, &b);
	assert_int_equal(a.verdict, KTSTR_FAIL);
	assert_string_equal(verdict_name(a.verdict), "fail");
	assert_int_equal(fail_kind_parse("sched_died"), KTSTR_SCHED_DIED);
	result_free(&a);
	result_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_workers),
		cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
