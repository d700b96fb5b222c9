// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "runner/entry_validate.h"

static int body(struct ktstr_ctx *ctx)
{
	return KTSTR_PASS;
}

static const struct ktstr_scheduler sched = {
	.name = "mysched",
	.binary = "scx_my",
	.max_llcs = 4,
	.flags = KTSTR_FLAGS({ .name = "llc" },
			     { .name = "steal", .requires = KTSTR_NAMES("llc") },
			     { .name = "odd", .requires = KTSTR_NAMES("nosuch") }),
};

static const struct ktstr_scheduler dup_eevdf = { .name = "eevdf" };
static const struct ktstr_scheduler args_only = { .name = "args_only",
						  .args = KTSTR_ARGS("--fast") };

#define T(tname, ...)                                                                              \
	static const struct ktstr_test tname = { .name = #tname, .fn = body, .file = "tests/x.c",   \
						 .line = __LINE__, __VA_ARGS__ }

T(good, .scheduler = &sched, .llcs = 2, .required_flags = KTSTR_NAMES("llc"));
T(minmax, .min_llcs = 2, .max_llcs = 1);
T(inherit_minmax, .scheduler = &sched, .min_llcs = 6);
T(numa, .llcs = 3, .numa_nodes = 2);
T(numa_inherited, .numa_nodes = 2); /* llcs defaults to 1 */
T(huge, .llcs = 16, .cores = 16, .threads = 2);
T(flags_eevdf, .required_flags = KTSTR_NAMES("llc"));
T(flags_unknown, .scheduler = &sched, .excluded_flags = KTSTR_NAMES("borrow"));
T(flags_both, .scheduler = &sched, .required_flags = KTSTR_NAMES("llc"),
  .excluded_flags = KTSTR_NAMES("llc"));
T(host, .host_only = true, .scheduler = &sched, .memory_mb = 512);
T(thresh, .max_spread_pct = KTSTR_SET(-5.0), .max_throughput_cv = KTSTR_SET(NAN));
T(short_timeout, .duration_s = 10, .timeout_s = 5);
T(eevdf_args, .extra_sched_args = KTSTR_ARGS("--slice", "5"));
T(args_no_binary, .scheduler = &args_only);
static const struct ktstr_test empty = { .name = "", .fn = body, .file = "tests/y.c", .line = 3 };
static const struct ktstr_test nobody = { .name = "nobody", .file = "tests/y.c", .line = 4 };
static const struct ktstr_test good2 = { .name = "good", .fn = body, .file = "tests/z.c", .line = 9 };

static struct entry_problems run(const struct ktstr_test *t)
{
	const struct ktstr_test *tests[] = { t };
	const struct ktstr_scheduler *scheds[] = { &sched };
	struct entry_problems p = { 0 };

	size_t n = entry_validate(tests, 1, scheds, 1, 255, &p);

	assert_int_equal(n, p.n);
	return p;
}

static void expect(const struct ktstr_test *t, const char *needle)
{
	struct entry_problems p = run(t);
	bool found = false;

	for (size_t i = 0; i < p.n; i++)
		found |= strstr(p.msgs[i], needle) != NULL;
	if (!found) {
		for (size_t i = 0; i < p.n; i++)
			print_message("  got: %s\n", p.msgs[i]);
		fail_msg("no problem containing '%s'", needle);
	}
	entry_problems_free(&p);
}

static void test_good(void **state)
{
	const struct ktstr_test *tests[] = { &good };
	const struct ktstr_scheduler *scheds[] = { &sched };
	struct entry_problems p = { 0 };

	/* Only the scheduler's bad flag. */
	assert_int_equal(entry_validate(tests, 1, scheds, 1, 255, &p), 1);
	assert_string_equal(p.msgs[0],
			    "ktstr: scheduler 'mysched': flag 'odd' requires 'nosuch', which is not a flag of this scheduler");
	entry_problems_free(&p);
}

static void test_messages(void **state)
{
	char want[128];

	snprintf(want, sizeof(want), "ktstr: test 'minmax' (tests/x.c:%d): max_llcs (1) < min_llcs (2)",
		 minmax.line);
	expect(&minmax, want);
	expect(&inherit_minmax, "max_llcs (4) < min_llcs (6)");
	expect(&numa, "llcs (3) is not a multiple of numa_nodes (2)");
	expect(&numa_inherited, "llcs (1) is not a multiple of numa_nodes (2)");
	expect(&huge, "16 llcs x 16 cores x 2 threads = 512 CPUs, more than the 255");
	expect(&flags_eevdf, "required_flags names 'llc' but scheduler 'eevdf' declares no flags");
	expect(&flags_unknown,
	       "excluded_flags names unknown flag 'borrow'; flags of scheduler 'mysched': llc, steal, odd");
	expect(&flags_both, "flag 'llc' is in both required_flags and excluded_flags");
	expect(&host, "host_only with scheduler 'mysched'");
	expect(&host, "host_only with memory_mb");
	expect(&thresh, "max_spread_pct (-5) must be a finite number >= 0");
	expect(&thresh, "max_throughput_cv (nan) must be a finite number >= 0");
	expect(&short_timeout, "timeout_s (5) <= duration_s (10)");
	expect(&eevdf_args, "extra_sched_args but scheduler 'eevdf' has no binary to pass them to");
	expect(&args_no_binary, "scheduler 'args_only': args without a binary");
	expect(&empty, "ktstr: test '' (tests/y.c:3): name is empty");
	expect(&nobody, "has no body");
}

static void test_duplicates(void **state)
{
	const struct ktstr_test *tests[] = { &good, &good2 };
	const struct ktstr_scheduler *scheds[] = { &ktstr_eevdf, &dup_eevdf };
	struct entry_problems p = { 0 };
	int dup_test = 0, dup_sched = 0;

	entry_validate(tests, 2, scheds, 2, 255, &p);
	for (size_t i = 0; i < p.n; i++) {
		if (strstr(p.msgs[i], "test 'good' (tests/z.c:9): duplicate test name, also declared at tests/x.c:"))
			dup_test++;
		if (strstr(p.msgs[i], "scheduler 'eevdf': name registered more than once"))
			dup_sched++;
	}
	assert_int_equal(dup_test, 1);
	assert_int_equal(dup_sched, 1);
	entry_problems_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_duplicates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
