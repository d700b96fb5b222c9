// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "util/util.h"

static void test_fmt_double(void **state)
{
	char b[STR_DOUBLE_LEN];

	assert_string_equal(str_fmt_double(b, 1000.0), "1000");
	assert_string_equal(str_fmt_double(b, 0.5), "0.5");
	assert_string_equal(str_fmt_double(b, -12.25), "-12.25");
	assert_string_equal(str_fmt_double(b, 0.1), "0.1");
	assert_string_equal(str_fmt_double(b, 1e308), "1e+308");
	assert_string_equal(str_fmt_double(b, 1234567.0), "1234567");
	assert_true(strtod(str_fmt_double(b, 1.0 / 3.0), NULL) == 1.0 / 3.0);
	assert_true(strtod(str_fmt_double(b, -1.7976931348623157e308), NULL) ==
		    -1.7976931348623157e308);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_double),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
