// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* file_read_head keeps whole 64 KiB reads up to the limit and counts the rest;
 * file_read refuses what passes its limit. */
static void test_file_read_head(void **state)
{
	char path[] = "/tmp/ktstr-readhead-XXXXXX", *big = calloc(1, 200000), *s;
	int fd = mkstemp(path);
	uint64_t rest = 1;
	size_t len = 0;

	assert_true(fd >= 0);
	memset(big, 'x', 200000);
	assert_int_equal(write(fd, big, 200000), 200000);
	close(fd);
	s = file_read_head(path, &len, 150000, &rest);
	assert_non_null(s);
	assert_int_equal(len, 131072);
	assert_true(rest == 200000 - 131072);
	free(s);
	s = file_read_head(path, &len, 0, &rest);
	assert_int_equal(len, 200000);
	assert_true(rest == 0);
	free(s);
	assert_null(file_read(path, &len, 150000));
	assert_null(file_read_head("/nonexistent/x", &len, 10, &rest));
	unlink(path);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_double),
		cmocka_unit_test(test_file_read_head),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
