// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "util/path.h"

static void clean(const char *in, const char *want)
{
	char *s = path_clean(in);

	assert_string_equal(s, want);
	free(s);
}

static void dir(const char *in, const char *want)
{
	char *s = path_dirname(in);

	assert_string_equal(s, want);
	free(s);
}

static void test_clean(void **state)
{
	clean("/a//b/./c/../d/", "/a/b/d");
	clean("a/b", "/a/b");
	clean("", "/");
	clean("/", "/");
	clean("/..", "/");
	clean("/a/../../b", "/b");
	clean("/lib/../lib64/./ld.so", "/lib64/ld.so");
	clean("/a/..b/.c", "/a/..b/.c");
}

static void test_dirname_dotdot(void **state)
{
	dir("/a/b", "/a");
	dir("/a", "/");
	dir("a", "/");
	dir("/a/b/", "/a/b");
	assert_true(path_has_dotdot(".."));
	assert_true(path_has_dotdot("/a/../b"));
	assert_true(path_has_dotdot("a/.."));
	assert_false(path_has_dotdot("/a/..b/c.."));
	assert_false(path_has_dotdot("/a/./b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_dirname_dotdot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
