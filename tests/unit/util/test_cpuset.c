// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>

#include "util/cpuset.h"

static void roundtrip(const char *in, const char *canon)
{
	struct cpuset s;
	char *out;

	assert_int_equal(cpuset_parse(in, &s), 0);
	out = cpuset_format(&s);
	assert_string_equal(out, canon);
	free(out);
}

static void test_parse_format(void **state)
{
	roundtrip("0-3,5,7-9", "0-3,5,7-9");
	roundtrip("3,2,1,0", "0-3");
	roundtrip("0-1,2-3\n", "0-3");
	roundtrip("", "");
	roundtrip("  7 ", "7");
	roundtrip("1023", "1023");
}

static void test_parse_errors(void **state)
{
	struct cpuset s;

	assert_int_equal(cpuset_parse("3-1", &s), -EINVAL);
	assert_int_equal(cpuset_parse("a", &s), -EINVAL);
	assert_int_equal(cpuset_parse("1,", &s), -EINVAL);
	assert_int_equal(cpuset_parse("1-", &s), -EINVAL);
	assert_int_equal(cpuset_parse("1;2", &s), -EINVAL);
	assert_int_equal(cpuset_parse("1024", &s), -ERANGE);
}

static void test_set_ops(void **state)
{
	struct cpuset a, b;

	assert_int_equal(cpuset_parse("0-3", &a), 0);
	assert_int_equal(cpuset_parse("1-2", &b), 0);
	assert_true(cpuset_is_subset(&b, &a));
	assert_false(cpuset_is_subset(&a, &b));
	assert_int_equal(cpuset_count(&a), 4);
	assert_int_equal(cpuset_next(&b, 0), 1);
	assert_int_equal(cpuset_next(&b, 3), -1);
	cpuset_and(&a, &b);
	assert_true(cpuset_equal(&a, &b));
	cpuset_set(&a, 9);
	cpuset_or(&b, &a);
	assert_true(cpuset_test(&b, 9));
	cpuset_clear(&b, 9);
	assert_false(cpuset_test(&b, 9));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_set_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
