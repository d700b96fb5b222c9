// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runner/retry.h"

static void test_parse(void **state)
{
	unsigned n = 7;
	char *err = NULL;

	assert_int_equal(retry_parse("0", &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(retry_parse("3", &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(retry_parse("100", &n, &err), 0);
	assert_int_equal(n, 100);
	assert_null(err);
	assert_int_equal(retry_parse("-1", &n, &err), -EINVAL);
	assert_string_equal(err, "--retries: '-1' is not a whole number in 0..100");
	free(err);
	assert_int_equal(retry_parse("1x", &n, &err), -EINVAL);
	assert_string_equal(err, "--retries: '1x' is not a whole number in 0..100");
	free(err);
	assert_int_equal(retry_parse("101", &n, NULL), -EINVAL);
	assert_int_equal(n, 100);
}

static void test_wanted(void **state)
{
	/* a failure is rerun while retries remain */
	assert_true(retry_wanted(KTSTR_FAIL, 1, 1));
	assert_false(retry_wanted(KTSTR_FAIL, 2, 1));
	assert_true(retry_wanted(KTSTR_FAIL, 2, 2));
	assert_false(retry_wanted(KTSTR_FAIL, 1, 0));
	/* a skip or a pass (an expected failure is a pass) never is */
	assert_false(retry_wanted(KTSTR_SKIP, 1, 3));
	assert_false(retry_wanted(KTSTR_PASS, 1, 3));
}

static void attempts(struct ktstr_attempt *a, const enum ktstr_verdict *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		result_init(&a[i].result);
		if (v[i] == KTSTR_FAIL)
			result_fail(&a[i].result, KTSTR_STARVED, "attempt %u starved", i + 1);
		else if (v[i] == KTSTR_SKIP)
			result_skip(&a[i].result, "no room");
		a[i].wall_s = 1.5 * (i + 1);
	}
}

static enum retry_fold fold(const enum ktstr_verdict *v, unsigned n)
{
	struct ktstr_attempt a[4];
	enum retry_fold f;

	attempts(a, v, n);
	f = retry_fold(a, n);
	for (unsigned i = 0; i < n; i++)
		result_free(&a[i].result);
	return f;
}

static void test_fold(void **state)
{
	assert_int_equal(fold((enum ktstr_verdict[]){ KTSTR_PASS }, 1), RETRY_PASS);
	assert_int_equal(fold((enum ktstr_verdict[]){ KTSTR_FAIL }, 1), RETRY_FAIL);
	assert_int_equal(fold((enum ktstr_verdict[]){ KTSTR_SKIP }, 1), RETRY_SKIP);
	assert_int_equal(fold((enum ktstr_verdict[]){ KTSTR_FAIL, KTSTR_PASS }, 2), RETRY_FLAKY);
	assert_int_equal(fold((enum ktstr_verdict[]){ KTSTR_FAIL, KTSTR_FAIL }, 2), RETRY_FAIL);
	assert_int_equal(fold((enum ktstr_verdict[]){ KTSTR_FAIL, KTSTR_FAIL, KTSTR_PASS }, 3),
			 RETRY_FLAKY);
}

static void test_format(void **state)
{
	static const enum ktstr_verdict v[] = { KTSTR_FAIL, KTSTR_FAIL, KTSTR_PASS };
	char *texts[] = {
		"FAIL w (host) 1.5s\n    --- details ---\n    [starved] attempt 1 starved\n",
		"FAIL w (host) 3.0s\n    --- details ---\n    [starved] attempt 2 starved\n",
	};
	struct ktstr_attempt a[3];
	struct strbuf sb = { 0 };
	char *s;

	attempts(a, v, 3);
	retry_format(&sb, "FLAKY w (host) 4.5s (passed on attempt 3 of 4)\n", texts, a, 3, 4);
	s = sb_steal(&sb);
	assert_string_equal(s, "FLAKY w (host) 4.5s (passed on attempt 3 of 4)\n"
			       "    --- attempt 1 of 4: FAIL 1.5s ---\n"
			       "    --- details ---\n"
			       "    [starved] attempt 1 starved\n"
			       "    --- attempt 2 of 4: FAIL 3.0s ---\n"
			       "    --- details ---\n"
			       "    [starved] attempt 2 starved\n");
	free(s);
	/* one attempt: the block as it is */
	retry_format(&sb, "PASS w (host) 1.5s\n", NULL, a, 1, 4);
	s = sb_steal(&sb);
	assert_string_equal(s, "PASS w (host) 1.5s\n");
	free(s);
	for (unsigned i = 0; i < 3; i++)
		result_free(&a[i].result);
}

/* The attempts travel as JSON (record, worker pipe) and come back whole. */
static void test_attempts_json(void **state)
{
	static const enum ktstr_verdict v[] = { KTSTR_FAIL, KTSTR_PASS };
	struct ktstr_attempt a[2], *back;
	unsigned n;
	char *err = NULL;
	json_t *j;

	attempts(a, v, 2);
	a[1].wall_s = -1; /* unknown: null */
	j = attempts_to_json(a, 2);
	assert_true(json_is_null(json_object_get(json_array_get(j, 1), "wall_s")));
	assert_int_equal(attempts_from_json(j, &back, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(back[0].result.verdict, KTSTR_FAIL);
	assert_string_equal(back[0].result.details[0].msg, "attempt 1 starved");
	assert_true(back[0].wall_s == 1.5);
	assert_int_equal(back[1].result.verdict, KTSTR_PASS);
	assert_true(back[1].wall_s < 0);
	attempts_free(back, n);
	json_decref(j);

	j = json_loads("[{\"verdict\": \"maybe\"}]", 0, NULL);
	assert_int_equal(attempts_from_json(j, &back, &n, &err), -EINVAL);
	assert_null(back);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err, "verdict"));
	free(err);
	json_decref(j);
	j = json_array();
	assert_int_equal(attempts_from_json(j, &back, &n, &err), 0);
	assert_null(back);
	assert_int_equal(n, 0);
	json_decref(j);
	for (unsigned i = 0; i < 2; i++)
		result_free(&a[i].result);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),	     cmocka_unit_test(test_wanted),
		cmocka_unit_test(test_fold),	     cmocka_unit_test(test_format),
		cmocka_unit_test(test_attempts_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
