// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runner/args.h"

#define ARGV(...) ((char *[]){ "/path/to/my_tests", __VA_ARGS__, NULL })
#define ARGC(v) ((int)(sizeof(v) / sizeof(v[0])) - 1)

static int parse(char **argv, int argc, struct ktstr_args *a, char **err)
{
	unsetenv("KTSTR_NO_SKIP");
	return args_parse(argc, argv, a, err);
}

#define PARSE_OK(a, ...)                                                                           \
	do {                                                                                       \
		char **v_ = ARGV(__VA_ARGS__);                                                     \
		char *e_ = NULL;                                                                   \
		int r_ = parse(v_, ARGC(((char *[]){ "x", __VA_ARGS__, NULL })), (a), &e_);        \
		if (r_)                                                                            \
			fail_msg("unexpected error: %s", e_);                                      \
	} while (0)

static char *parse_err(char **argv, int argc)
{
	struct ktstr_args a;
	char *err = NULL;

	assert_int_equal(parse(argv, argc, &a, &err), -EINVAL);
	assert_non_null(err);
	return err;
}

#define ERR_CONTAINS(needle, ...)                                                                  \
	do {                                                                                       \
		char **v_ = ARGV(__VA_ARGS__);                                                     \
		char *e_ = parse_err(v_, ARGC(((char *[]){ "x", __VA_ARGS__, NULL })));            \
		if (!strstr(e_, needle))                                                           \
			fail_msg("error '%s' lacks '%s'", e_, needle);                             \
		free(e_);                                                                          \
	} while (0)

static void test_empty(void **state)
{
	char *argv[] = { "/path/to/my_tests", NULL };
	struct ktstr_args a;

	assert_int_equal(parse(argv, 1, &a, NULL), 0);
	assert_int_equal(a.role, ARGS_ROLE_SUITE);
	assert_string_equal(a.prog, "my_tests");
	assert_int_equal(a.verbosity, 1);
	assert_true(args_selects(&a, "anything"));
	args_free(&a);
}

static void test_roles(void **state)
{
	struct ktstr_args a;

	PARSE_OK(&a, "--ktstr-test-fn=foo");
	assert_int_equal(a.role, ARGS_ROLE_GUEST_BODY);
	assert_string_equal(a.test_fn, "foo");
	args_free(&a);

	PARSE_OK(&a, "--ktstr-test-fn", "foo", "--ktstr-topo=1n2l4c1t");
	assert_int_equal(a.role, ARGS_ROLE_HOST_SINGLE);
	assert_string_equal(a.test_fn, "foo");
	assert_string_equal(a.topo, "1n2l4c1t");
	args_free(&a);

	ERR_CONTAINS("--ktstr-topo needs --ktstr-test-fn", "--ktstr-topo=1n1l2c1t");
	ERR_CONTAINS("--ktstr-test-fn needs a non-empty value", "--ktstr-test-fn=");
	ERR_CONTAINS("--ktstr-test-fn needs a value", "--ktstr-test-fn");
}

static void test_suite_options(void **state)
{
	struct ktstr_args a;

	PARSE_OK(&a, "--list", "--json", "--filter", "steady", "--filter=cg", "two", "--exact",
		 "solo", "-j", "3", "--kernel", "/k/bzImage", "--timeout=90", "--junit", "out.xml",
		 "--no-skip", "-v");
	assert_true(a.list && a.json && a.no_skip);
	assert_int_equal(a.nfilters, 3);
	assert_string_equal(a.filters[0], "steady");
	assert_string_equal(a.filters[1], "cg");
	assert_string_equal(a.filters[2], "two");
	assert_null(a.filters[3]);
	assert_int_equal(a.nexact, 1);
	assert_string_equal(a.exact[0], "solo");
	assert_int_equal(a.jobs, 3);
	assert_int_equal(a.nkernels, 1);
	assert_string_equal(a.kernels[0], "/k/bzImage");
	assert_null(a.kernels[1]);
	assert_false(a.gauntlet);
	assert_int_equal(a.part_count, 0);
	assert_int_equal(a.timeout_s, 90);
	assert_string_equal(a.junit, "out.xml");
	assert_int_equal(a.verbosity, 2);
	args_free(&a);

	PARSE_OK(&a, "-j4", "-q", "--show-thresholds", "foo", "--", "--weird");
	assert_int_equal(a.jobs, 4);
	assert_int_equal(a.verbosity, 0);
	assert_string_equal(a.show_thresholds, "foo");
	assert_string_equal(a.filters[0], "--weird");
	args_free(&a);

	PARSE_OK(&a, "--help");
	assert_true(a.help);
	assert_int_equal(a.repeat, 0);
	args_free(&a);

	PARSE_OK(&a, "--repeat", "5");
	assert_int_equal(a.repeat, 5);
	args_free(&a);
}

static void test_gauntlet_options(void **state)
{
	struct ktstr_args a;

	unsetenv("KTSTR_BUDGET_SECS");
	PARSE_OK(&a, "--gauntlet", "--partition", "2/3", "--budget=90.5", "--kernel", "a=/k/1",
		 "--kernel=/k/2");
	assert_true(a.gauntlet);
	assert_int_equal(a.part_index, 2);
	assert_int_equal(a.part_count, 3);
	assert_true(a.budget_s == 90.5);
	assert_int_equal(a.nkernels, 2);
	assert_string_equal(a.kernels[0], "a=/k/1");
	assert_string_equal(a.kernels[1], "/k/2");
	args_free(&a);

	/* the env budget applies when --budget is absent; a bad one is ignored */
	setenv("KTSTR_BUDGET_SECS", "120", 1);
	PARSE_OK(&a, "--list");
	assert_true(a.budget_s == 120);
	args_free(&a);
	PARSE_OK(&a, "--budget", "30");
	assert_true(a.budget_s == 30);
	args_free(&a);
	setenv("KTSTR_BUDGET_SECS", "-5", 1);
	PARSE_OK(&a, "--list");
	assert_true(a.budget_s == 0);
	args_free(&a);
	unsetenv("KTSTR_BUDGET_SECS");

	ERR_CONTAINS("--partition: '3' is not I/N", "--partition", "3");
	ERR_CONTAINS("--partition: '0/3' needs 1 <= I <= N", "--partition=0/3");
	ERR_CONTAINS("--partition: '4/3' needs 1 <= I <= N", "--partition=4/3");
	ERR_CONTAINS("--partition: 'a/3' is not I/N", "--partition=a/3");
	ERR_CONTAINS("--budget: '0' is not a positive number of seconds", "--budget", "0");
	ERR_CONTAINS("--budget: 'x' is not a positive number", "--budget", "x");
}

static void test_errors(void **state)
{
	ERR_CONTAINS("unknown option '--bogus' (see my_tests --help)", "--bogus");
	ERR_CONTAINS("-j: 'x' is not a whole number of jobs", "-j", "x");
	ERR_CONTAINS("-j: must be at least 1", "-j0");
	ERR_CONTAINS("--timeout: 'abc' is not a whole number of seconds", "--timeout", "abc");
	ERR_CONTAINS("--timeout: must be at least 1", "--timeout=0");
	ERR_CONTAINS("--filter needs a value", "--filter");
	ERR_CONTAINS("--json only applies to --list", "--json");
	ERR_CONTAINS("cannot be combined", "--list", "--show-thresholds", "x");
	ERR_CONTAINS("unknown option '--filterx'", "--filterx");
	ERR_CONTAINS("--retries: '-1' is not a whole number in 0..100", "--retries", "-1");
	ERR_CONTAINS("--retries: 'two' is not a whole number in 0..100", "--retries=two");
	ERR_CONTAINS("--retries: '101' is not a whole number in 0..100", "--retries", "101");
	ERR_CONTAINS("--retries needs a value", "--retries");
	ERR_CONTAINS("--repeat: '0' is not a number in 1..1000", "--repeat", "0");
	ERR_CONTAINS("--repeat: '1001' is not a number in 1..1000", "--repeat=1001");
	ERR_CONTAINS("--repeat: 'x' is not a number in 1..1000", "--repeat", "x");
}

static void test_retries(void **state)
{
	struct ktstr_args a;

	PARSE_OK(&a, "steady");
	assert_int_equal(a.retries, 0);
	assert_false(a.flaky_fails);
	assert_false(a.auto_repro);
	args_free(&a);
	PARSE_OK(&a, "--retries", "2", "--flaky-fails", "--auto-repro");
	assert_int_equal(a.retries, 2);
	assert_true(a.flaky_fails);
	assert_true(a.auto_repro);
	args_free(&a);
	PARSE_OK(&a, "--retries=0");
	assert_int_equal(a.retries, 0);
	assert_false(a.trace);
	args_free(&a);
	PARSE_OK(&a, "--trace", "steady");
	assert_true(a.trace);
	args_free(&a);
}

static void test_no_skip_env(void **state)
{
	char *argv[] = { "t", NULL };
	struct ktstr_args a;

	setenv("KTSTR_NO_SKIP", "1", 1);
	assert_int_equal(args_parse(1, argv, &a, NULL), 0);
	assert_true(a.no_skip);
	args_free(&a);
	setenv("KTSTR_NO_SKIP", "", 1);
	assert_int_equal(args_parse(1, argv, &a, NULL), 0);
	assert_false(a.no_skip);
	args_free(&a);
	unsetenv("KTSTR_NO_SKIP");
}

static void test_selects(void **state)
{
	struct ktstr_args a;

	PARSE_OK(&a, "--filter", "cg", "--exact", "steady");
	assert_true(args_selects(&a, "steady"));
	assert_false(args_selects(&a, "steady_baseline"));
	assert_true(args_selects(&a, "two_cgroups"));
	assert_true(args_selects(&a, "cg"));
	assert_false(args_selects(&a, "other"));
	args_free(&a);
}

static void test_usage(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	args_usage(f, "my_tests");
	fclose(f);
	assert_non_null(strstr(buf, "usage: my_tests [options]"));
	/* Every option the parser accepts is explained. */
	static const char *const opts[] = { "--filter", "--exact", "--list", "--json",
					    "--show-thresholds", "--jobs", "--kernel",
					    "--timeout", "--no-skip", "--junit", "--verbose",
					    "--quiet", "--help", "--ktstr-test-fn", "--ktstr-topo",
					    "--gauntlet", "--budget", "--partition",
					    "--retries", "--flaky-fails", "--auto-repro",
					    "KTSTR_BUDGET_SECS" };
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (!strstr(buf, opts[i]))
			fail_msg("--help does not mention %s", opts[i]);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),  cmocka_unit_test(test_roles),
		cmocka_unit_test(test_suite_options), cmocka_unit_test(test_errors),
		cmocka_unit_test(test_gauntlet_options),
		cmocka_unit_test(test_no_skip_env), cmocka_unit_test(test_selects),
		cmocka_unit_test(test_usage),  cmocka_unit_test(test_retries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
