// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli/scenarios.c (linked into this test) registers one test per catalog
 * scenario for `ktstr run`: a scenario added to the catalog without its test
 * fails here, before any `ktstr run` refuses to start.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <ktstr/ktstr.h>

#include "core/entry.h"

static void test_registry_is_the_catalog(void **state)
{
	size_t n;
	const struct ktstr_test *const *tests = registry_tests(&n);

	for (unsigned i = 0; i < ktstr_scenarios_count(); i++) {
		const char *name = ktstr_scenario_at(i)->name;

		if (!find_test(name))
			fail_msg("catalog scenario '%s' has no KTSTR_TEST in cli/scenarios.c", name);
	}
	for (size_t i = 0; i < n; i++)
		if (!ktstr_scenario_find(tests[i]->name))
			fail_msg("cli/scenarios.c registers '%s', not in the catalog", tests[i]->name);
	assert_int_equal(n, ktstr_scenarios_count());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_is_the_catalog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
