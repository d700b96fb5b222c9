// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/entry.h"

KTSTR_SCHEDULER(wide, .binary = "scx_wide", .topology = KTSTR_TOPO(2, 4, 0, 2),
		.watchdog_timeout_s = 9, .max_llcs = 8, .min_cpus = 4,
		.flags = KTSTR_FLAGS({ .name = "llc" }, { .name = "steal", .requires = KTSTR_NAMES("llc") }));

KTSTR_TEST(zeta)
{
	return KTSTR_PASS;
}

KTSTR_TEST(alpha, .scheduler = &wide, .cores = 3, .llcs = 2, .duration_s = 5, .memory_mb = 100,
	   .max_llcs = 4)
{
	return KTSTR_PASS;
}

KTSTR_TEST(mid, .timeout_s = 33, .workers_per_cgroup = 7, .watchdog_timeout_s = 1)
{
	return KTSTR_PASS;
}

static void test_registry_sorted(void **state)
{
	size_t n;
	const struct ktstr_test *const *v = registry_tests(&n);

	assert_int_equal(n, 3);
	assert_string_equal(v[0]->name, "alpha");
	assert_string_equal(v[1]->name, "mid");
	assert_string_equal(v[2]->name, "zeta");
	assert_ptr_equal(find_test("mid"), v[1]);
	assert_null(find_test("nope"));
	assert_null(find_test(NULL));
	assert_non_null(strstr(v[0]->file, "test_entry.c"));
}

static void test_schedulers(void **state)
{
	size_t n;
	const struct ktstr_scheduler *const *v = registry_schedulers(&n);

	assert_int_equal(n, 2);
	assert_string_equal(v[0]->name, "eevdf");
	assert_string_equal(v[1]->name, "wide");
	assert_ptr_equal(find_scheduler("eevdf"), &ktstr_eevdf);
	assert_ptr_equal(find_scheduler("wide"), &wide);
	assert_null(ktstr_eevdf.binary);
	assert_non_null(entry_find_flag(&wide, "steal"));
	assert_null(entry_find_flag(&wide, "nope"));
	assert_null(entry_find_flag(&ktstr_eevdf, "llc"));
}

static void test_effective(void **state)
{
	struct ktstr_topology t;
	struct ktstr_constraints c;
	const struct ktstr_test *a = find_test("alpha"), *m = find_test("mid"),
				*z = find_test("zeta");

	/* Each dimension independently: test > scheduler > default. */
	entry_topology(a, &t);
	assert_int_equal(t.numa_nodes, 2);
	assert_int_equal(t.llcs, 2);
	assert_int_equal(t.cores_per_llc, 3);
	assert_int_equal(t.threads_per_core, 2);
	entry_topology(z, &t);
	assert_int_equal(t.numa_nodes, 1);
	assert_int_equal(t.llcs, 1);
	assert_int_equal(t.cores_per_llc, 2);
	assert_int_equal(t.threads_per_core, 1);

	assert_ptr_equal(entry_scheduler(z), &ktstr_eevdf);
	assert_false(entry_sched_active(z));
	assert_true(entry_sched_active(a));
	assert_int_equal(entry_duration_s(a), 5);
	assert_int_equal(entry_duration_s(z), 2);
	assert_int_equal(entry_workers_per_cgroup(z), 2);
	assert_int_equal(entry_workers_per_cgroup(m), 7);
	/* memory: max(declared or 1024, cpus*64, 256) */
	assert_int_equal(entry_memory_mb(a, 12), 768);
	assert_int_equal(entry_memory_mb(a, 1), 256);
	assert_int_equal(entry_memory_mb(z, 2), 1024);
	assert_int_equal(entry_memory_mb(z, 32), 2048);
	/* timeout: explicit, else duration + allowance */
	assert_int_equal(entry_timeout_s(m, 2, ACCEL_TCG), 33);
	assert_int_equal(entry_timeout_s(z, 2, ACCEL_KVM), 2 + 20);
	assert_int_equal(entry_timeout_s(z, 2, ACCEL_TCG), 2 + 60 + 4);
	{
		/* + each declared payload's timeout (default 30 s) */
		const struct ktstr_payload p1 = { .name = "p1", .binary = "x", .timeout_ms = 5500 };
		const struct ktstr_payload p2 = { .name = "p2", .binary = "x" };
		const struct ktstr_test tp = { .name = "tp", .payloads = KTSTR_PAYLOADS(&p1, &p2) };

		assert_int_equal(entry_timeout_s(&tp, 2, ACCEL_KVM), 2 + 20 + 5 + 30);
	}
	assert_int_equal(entry_boot_allowance_s(8, ACCEL_TCG), 60 + 16);
	assert_int_equal(entry_boot_allowance_s(8, ACCEL_KVM), 20);
	assert_int_equal(entry_watchdog_s(m), 1);
	assert_int_equal(entry_watchdog_s(a), 9);
	assert_int_equal(entry_watchdog_s(z), 4);

	entry_constraints(a, &c);
	assert_int_equal(c.max_llcs, 4); /* test */
	assert_int_equal(c.min_cpus, 4); /* scheduler */
	assert_int_equal(c.max_cpus, 0); /* unset */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_sorted),
		cmocka_unit_test(test_schedulers),
		cmocka_unit_test(test_effective),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
