// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/timefmt.h"

#define NS 1000000000ull
/* 2026-11-27T01:30:00Z */
#define T0 (1795743000ull * NS)

static void test_iso(void **state)
{
	char buf[TIMEFMT_ISO_LEN];

	assert_string_equal(timefmt_iso8601(T0 + 123, buf, sizeof(buf)), "2026-11-27T01:30:00Z");
	assert_string_equal(timefmt_iso8601(0, buf, sizeof(buf)), "1970-01-01T00:00:00Z");
	/* leap day */
	assert_string_equal(timefmt_iso8601(951782400ull * NS, buf, sizeof(buf)),
			    "2000-02-29T00:00:00Z");
}

static void test_compact(void **state)
{
	char buf[TIMEFMT_COMPACT_LEN];

	assert_string_equal(timefmt_compact(T0, buf, sizeof(buf)), "20261127T013000Z");
}

static void test_run_id_shape(void **state)
{
	assert_true(timefmt_is_run_id("20261127T013000Z-4242"));
	assert_true(timefmt_is_run_id("20261127T013000Z-a1b2"));
	assert_false(timefmt_is_run_id("20261127T013000Z-"));
	assert_false(timefmt_is_run_id("20261127T013000Z"));
	assert_false(timefmt_is_run_id("20261127T013000Z-../x"));
	assert_false(timefmt_is_run_id("2026112T013000Z-1"));
	assert_false(timefmt_is_run_id("20261127T013000Z-12345678901234567"));
	assert_false(timefmt_is_run_id(""));
	assert_false(timefmt_is_run_id(NULL));
}

static void test_run_id_env(void **state)
{
	/* First call in this process: the env value wins and then stays fixed. */
	setenv("KTSTR_RUN_ID", "20250101T000000Z-77", 1);
	assert_string_equal(timefmt_run_id(), "20250101T000000Z-77");
	setenv("KTSTR_RUN_ID", "20990101T000000Z-1", 1);
	assert_string_equal(timefmt_run_id(), "20250101T000000Z-77");
	unsetenv("KTSTR_RUN_ID");
	timefmt_export_run_id();
	assert_string_equal(getenv("KTSTR_RUN_ID"), "20250101T000000Z-77");
	assert_true(timefmt_is_run_id(timefmt_run_id()));
}

static void test_duration(void **state)
{
	char buf[32];

	assert_string_equal(timefmt_duration(0, buf, sizeof(buf)), "0.0s");
	assert_string_equal(timefmt_duration(3.2, buf, sizeof(buf)), "3.2s");
	assert_string_equal(timefmt_duration(3.25, buf, sizeof(buf)), "3.2s");
	assert_string_equal(timefmt_duration(59.94, buf, sizeof(buf)), "59.9s");
	assert_string_equal(timefmt_duration(59.96, buf, sizeof(buf)), "1m00s");
	assert_string_equal(timefmt_duration(65, buf, sizeof(buf)), "1m05s");
	assert_string_equal(timefmt_duration(3599, buf, sizeof(buf)), "59m59s");
	assert_string_equal(timefmt_duration(3720, buf, sizeof(buf)), "1h02m");
	assert_string_equal(timefmt_duration(-1, buf, sizeof(buf)), "?");
	assert_string_equal(timefmt_duration(NAN, buf, sizeof(buf)), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso),          cmocka_unit_test(test_compact),
		cmocka_unit_test(test_run_id_shape), cmocka_unit_test(test_run_id_env),
		cmocka_unit_test(test_duration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
